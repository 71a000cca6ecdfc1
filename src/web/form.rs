//! What a form's server function answers, the same for the browser's call
//! and for a JavaScript-off post: where to go next, the refused fields, and
//! a message already written in the page's language.

use crate::domain::FieldErrors;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormReply {
    /// Where to go next: the form did its job.
    pub next: Option<String>,
    pub errors: FieldErrors,
    pub notice: Option<Notice>,
}

impl FormReply {
    pub fn go(next: impl Into<String>) -> Self {
        FormReply {
            next: Some(next.into()),
            ..Default::default()
        }
    }

    pub fn invalid(errors: FieldErrors) -> Self {
        FormReply {
            errors,
            ..Default::default()
        }
    }

    pub fn notice(notice: Notice) -> Self {
        FormReply {
            notice: Some(notice),
            ..Default::default()
        }
    }

    /// Nothing happened: show the form again as it was (a row added
    /// without JavaScript).
    pub fn again() -> Self {
        FormReply::default()
    }
}

/// A message about the whole form, written by the server in the page's
/// language (so the browser bundle carries none of these texts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub tone: Tone,
    pub text: String,
    pub link: Option<NoticeLink>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tone {
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLink {
    pub href: String,
    pub label: String,
    /// Opens beside the form, so that nothing typed is lost.
    pub new_tab: bool,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            tone: Tone::Info,
            text: text.into(),
            link: None,
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            tone: Tone::Error,
            text: text.into(),
            link: None,
        }
    }

    pub fn with_link(
        mut self,
        href: impl Into<String>,
        label: impl Into<String>,
        new_tab: bool,
    ) -> Self {
        self.link = Some(NoticeLink {
            href: href.into(),
            label: label.into(),
            new_tab,
        });
        self
    }
}

/// A JavaScript-off post being answered: what was typed and what the server
/// function replied, for the page to render again.
#[derive(Clone, Debug)]
pub struct Posted<F> {
    pub form: F,
    pub reply: Result<FormReply, AppError>,
}

#[cfg(feature = "ssr")]
impl<F> Posted<F> {
    /// The reply as the page shows it: a failure on our side becomes a
    /// notice, above a form that kept what was typed.
    pub fn shown_reply(&self, lang: crate::domain::Lang) -> FormReply {
        match &self.reply {
            Ok(reply) => reply.clone(),
            Err(_) => FormReply::notice(Notice::error(crate::i18n::site::TROUBLE_KEPT.get(lang))),
        }
    }
}

/// The posted form and its reply when this render answers a plain form
/// post of `F`; `None` for a GET.
#[cfg(feature = "ssr")]
pub fn posted<F: Clone + Send + Sync + 'static>() -> Option<Posted<F>> {
    leptos::prelude::use_context::<Posted<F>>()
}

/// `aria-describedby` value of a field's error message.
pub fn error_id(field: &str) -> String {
    format!("{}-error", input_id(field))
}

/// The `aria-describedby` of a field: its hint when it has one, then its
/// error line.
pub fn described_by(field: &str, has_hint: bool) -> String {
    let error = error_id(field);
    if has_hint {
        format!("{}-hint {error}", input_id(field))
    } else {
        error
    }
}

/// A usable HTML id for a field key: `rows[0][item]` → `rows-0--item`.
pub fn input_id(field: &str) -> String {
    field
        .replace(['[', ']', '.'], "-")
        .trim_end_matches('-')
        .to_owned()
}

/// `rows[0][item]` → `form[rows][0][item]`, the name serde_qs reads back.
pub fn input_name(field: &str) -> String {
    match field.split_once('[') {
        Some((head, tail)) => format!("form[{head}][{tail}"),
        None => format!("form[{field}]"),
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("/verify?right=erasure"),
            "/verify%3Fright%3Derasure"
        );
        assert_eq!(encode_query_value("/"), "/");
    }

    #[test]
    fn field_keys_become_names_and_ids() {
        assert_eq!(input_name("rows[0][item]"), "form[rows][0][item]");
        assert_eq!(input_name("email"), "form[email]");
        assert_eq!(input_id("rows[1][corrected]"), "rows-1--corrected");
        assert_eq!(error_id("rows[1][corrected]"), "rows-1--corrected-error");
    }
}
