//! Which language a request speaks: the language cookie if the person chose
//! one, otherwise the browser's `Accept-Language`, otherwise French.

use super::cookies;
use crate::domain::Lang;
use axum::http::HeaderValue;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;

/// The one cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "portal_lang";
/// Under 24 hours, like every cookie of the portal (SOFACTO's policy).
pub const LANG_COOKIE_MAX_AGE_SECS: u64 = 23 * 3600;

pub fn request_lang(parts: &Parts) -> Lang {
    cookies::read_preference(parts, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(preferred)
        })
        .unwrap_or_default()
}

/// The first of French and English in an `Accept-Language` list, by weight.
fn preferred(header: &str) -> Option<Lang> {
    header
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim().to_ascii_lowercase();
            let lang = Lang::parse(tag.split('-').next()?)?;
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok())
                .unwrap_or(1.0);
            (weight > 0.0).then_some((weight, position, lang))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, _, lang)| lang)
}

pub fn lang_cookie(lang: Lang, secure: bool) -> HeaderValue {
    cookies::set(LANG_COOKIE, lang.code(), LANG_COOKIE_MAX_AGE_SECS, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut request = axum::http::Request::builder();
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_cookie_wins_then_the_browser_then_french() {
        assert_eq!(
            request_lang(&parts(&[
                ("cookie", "portal_lang=fr"),
                ("accept-language", "en-GB")
            ])),
            Lang::Fr
        );
        assert_eq!(
            request_lang(&parts(&[("accept-language", "en-GB,en;q=0.9")])),
            Lang::En
        );
        assert_eq!(
            request_lang(&parts(&[("accept-language", "de-DE, en;q=0.5, fr;q=0.8")])),
            Lang::Fr
        );
        assert_eq!(
            request_lang(&parts(&[("accept-language", "de-DE")])),
            Lang::Fr
        );
        assert_eq!(request_lang(&parts(&[])), Lang::Fr);
        assert_eq!(
            request_lang(&parts(&[("cookie", "portal_lang=de")])),
            Lang::Fr
        );
    }

    #[test]
    fn the_cookie_lives_less_than_a_day() {
        let cookie = lang_cookie(Lang::En, false);
        assert!(
            cookie
                .to_str()
                .unwrap()
                .starts_with("portal_lang=en; Path=/; Max-Age=82800")
        );
    }
}
