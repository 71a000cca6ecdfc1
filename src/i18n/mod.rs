//! The one way the portal speaks French and English. Every text a person
//! reads, on a page, in the browser or in an email, is a [`Text`] declared
//! in one of the catalogues below with [`texts!`]: both languages side by
//! side, so a text missing one of them does not compile, and a test checks
//! that both are written and take the same values.
//!
//! A catalogue is a list of constants: the browser bundle keeps only the
//! ones its islands use. The email and console catalogues are server-only
//! modules, so they cannot reach a data subject's browser at all.

pub use crate::domain::Lang;
use std::fmt::Display;

mod labels;
pub mod site;
pub mod subject;

#[cfg(feature = "ssr")]
pub mod console;
#[cfg(feature = "ssr")]
pub mod console_labels;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod notice;

pub use labels::{Label, RightTexts, category_hint, right_texts};

/// Declares the texts of a catalogue, `NAME: "français" | "English";`.
/// Values are written `{name}` and filled by [`Text::with`].
macro_rules! texts {
    ($( $(#[$meta:meta])* $name:ident : $fr:literal | $en:literal ; )*) => {
        $( $(#[$meta])* pub const $name: $crate::i18n::Text = $crate::i18n::Text { fr: $fr, en: $en }; )*

        /// Every text of this catalogue, for the completeness test.
        #[cfg(test)]
        pub const ALL: &[(&str, $crate::i18n::Text)] = &[ $( (stringify!($name), $name) ),* ];
    };
}
pub(crate) use texts;

/// One text in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub fr: &'static str,
    pub en: &'static str,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        }
    }

    /// The text in `lang` with each `{name}` replaced by its value.
    pub fn with(self, lang: Lang, values: &[(&str, &dyn Display)]) -> String {
        let mut out = self.get(lang).to_owned();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }
}

/// The language of the page being rendered: on the server the request's
/// (provided by the app), in the browser the page's `<html lang>`, which
/// the server wrote from the same value.
pub fn current_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<Lang>().unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Lang::parse(&code))
            .unwrap_or_default()
    }
}

/// "lundi 28 décembre 2026" / "Monday 28 December 2026": a date as
/// people read it, its weekday first.
pub fn long_date(lang: Lang, date: crate::domain::Date) -> String {
    let day = site::DAYS[date.weekday() as usize % 7].get(lang);
    let month = site::MONTHS[(date.month as usize).saturating_sub(1) % 12].get(lang);
    format!("{day} {} {month} {}", date.day, date.year)
}

/// A stored `YYYY-MM-DD` date as people read it; kept as it is if it is
/// not one.
pub fn long_iso_date(lang: Lang, iso: &str) -> String {
    crate::domain::Date::parse_iso(iso).map_or_else(|| iso.to_owned(), |date| long_date(lang, date))
}

/// An instant as people read it, in Paris time and saying so: "lundi 28
/// décembre 2026 à 14:05 (heure de Paris)".
pub fn long_date_time(lang: Lang, millis: i64) -> String {
    let local = crate::domain::paris_date_time(millis);
    let (day, time) = local.split_once(' ').unwrap_or((&local, ""));
    match crate::domain::Date::parse_iso(day) {
        Some(date) => {
            site::AT_TIME.with(lang, &[("date", &long_date(lang, date)), ("time", &time)])
        }
        None => local,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{name}` values a text takes.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        names.sort_unstable();
        names
    }

    fn check(catalogue: &str, all: &[(&str, Text)]) {
        for (name, text) in all {
            assert!(
                !text.fr.trim().is_empty() && !text.en.trim().is_empty(),
                "{catalogue}::{name} is missing a language"
            );
            assert_eq!(
                placeholders(text.fr),
                placeholders(text.en),
                "{catalogue}::{name} takes different values in French and English"
            );
        }
    }

    #[test]
    fn every_text_is_written_in_both_languages_with_the_same_values() {
        check("site", site::ALL);
        check("subject", subject::ALL);
        #[cfg(feature = "ssr")]
        check("email", email::ALL);
        #[cfg(feature = "ssr")]
        check("console", console::ALL);
        #[cfg(feature = "ssr")]
        check("notice", notice::ALL);
    }

    #[test]
    fn values_are_filled_in() {
        let text = Text {
            fr: "Patientez {seconds} s",
            en: "Wait {seconds} s",
        };
        assert_eq!(text.with(Lang::En, &[("seconds", &42)]), "Wait 42 s");
    }

    #[test]
    fn dates_are_written_out_in_each_language() {
        let date = crate::domain::Date::new(2026, 12, 28).unwrap();
        assert_eq!(long_date(Lang::Fr, date), "lundi 28 décembre 2026");
        assert_eq!(long_date(Lang::En, date), "Monday 28 December 2026");
        let jan = crate::domain::Date::new(2027, 1, 4).unwrap();
        assert_eq!(long_date(Lang::Fr, jan), "lundi 4 janvier 2027");
        assert_eq!(
            long_date(Lang::En, crate::domain::Date::new(2027, 1, 3).unwrap()),
            "Sunday 3 January 2027"
        );
        // 13:05 UTC on 4 January 2027 is 14:05 in Paris (winter time).
        let at = jan.to_days() * 86_400_000 + (13 * 60 + 5) * 60_000;
        assert_eq!(
            long_date_time(Lang::Fr, at),
            "lundi 4 janvier 2027 à 14:05 (heure de Paris)"
        );
        assert_eq!(
            long_date_time(Lang::En, at),
            "Monday 4 January 2027 at 14:05 (Paris time)"
        );
    }
}
