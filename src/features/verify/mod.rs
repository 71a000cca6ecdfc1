//! Proving ownership of an email address (SPEC §3.2): an address in, a
//! 6-digit code and a one-click link out; the code or the link opens a short
//! session bound to that address.

use crate::domain::{Email, EmailError, ErrorCode, FieldErrors};
use crate::error::AppError;
use crate::web::form::FormReply;
use crate::web::form::input_name;
use crate::web::islands::{Fields, FromFields, enhanced_form};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
mod views;

#[cfg(feature = "ssr")]
pub use views::{CodePage, LinkPage, VerifyPage, plain_routes};

/// A code is valid this long.
pub const CODE_TTL_SECS: i64 = 10 * 60;
/// Wrong codes allowed before a new one must be asked for.
pub const MAX_CODE_TRIES: i64 = 5;
/// Seconds between two codes sent to the same address.
pub const RESEND_COOLDOWN_SECS: i64 = 60;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub email: String,
    /// The right the person started from, to take them to its form after.
    #[serde(default)]
    pub right: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    pub token: String,
}

/// The address field, checked as the server checks it.
pub fn check_email_form(form: &EmailForm) -> FieldErrors {
    match Email::parse(&form.email) {
        Ok(_) => FieldErrors::default(),
        Err(EmailError::Empty) => FieldErrors::single("email", ErrorCode::Required),
        Err(_) => FieldErrors::single("email", ErrorCode::InvalidEmail),
    }
}

/// A code as typed: spaces are forgiven, anything but 6 digits is not.
pub fn normalize_code(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

fn check_code_form(form: &CodeForm) -> FieldErrors {
    match normalize_code(&form.code) {
        Some(_) => FieldErrors::default(),
        None => FieldErrors::single("code", ErrorCode::CodeFormat),
    }
}

#[server(prefix = "/api", endpoint = "request_code")]
pub async fn request_code(form: EmailForm) -> Result<FormReply, AppError> {
    ssr::request_code(form).await
}

#[server(prefix = "/api", endpoint = "check_code")]
pub async fn check_code(form: CodeForm) -> Result<FormReply, AppError> {
    ssr::check_code(form).await
}

#[server(prefix = "/api", endpoint = "resend_code")]
pub async fn resend_code() -> Result<FormReply, AppError> {
    ssr::resend_code().await
}

#[server(prefix = "/api", endpoint = "confirm_link")]
pub async fn confirm_link(form: LinkForm) -> Result<FormReply, AppError> {
    ssr::confirm_link(form).await
}

impl FromFields for EmailForm {
    fn from_fields(fields: &Fields) -> Self {
        EmailForm {
            email: fields.get(&input_name("email")),
            right: fields.get(&input_name("right")),
        }
    }
}

impl FromFields for CodeForm {
    fn from_fields(fields: &Fields) -> Self {
        CodeForm {
            code: fields.get(&input_name("code")),
        }
    }
}

fn nothing_to_check(_: &()) -> FieldErrors {
    FieldErrors::default()
}

#[island]
pub fn EmailEntry(reply: Option<FormReply>, children: Children) -> impl IntoView {
    enhanced_form(
        "/verify".into(),
        RequestCode::PATH,
        "",
        reply,
        check_email_form,
        children,
    )
}

#[island]
pub fn CodeEntry(reply: Option<FormReply>, children: Children) -> impl IntoView {
    enhanced_form(
        "/verify/code".into(),
        CheckCode::PATH,
        "",
        reply,
        check_code_form,
        children,
    )
}

#[island]
pub fn CodeResend(reply: Option<FormReply>, children: Children) -> impl IntoView {
    enhanced_form(
        "/verify/code/resend".into(),
        ResendCode::PATH,
        "",
        reply,
        nothing_to_check,
        children,
    )
}

#[island]
pub fn LinkConfirm(action: String, reply: Option<FormReply>, children: Children) -> impl IntoView {
    enhanced_form(
        action,
        ConfirmLink::PATH,
        "",
        reply,
        nothing_to_check,
        children,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_with_spaces_forgiven() {
        assert_eq!(normalize_code(" 012 345 ").as_deref(), Some("012345"));
        assert_eq!(normalize_code("12345"), None);
        assert_eq!(normalize_code("1234567"), None);
        assert_eq!(normalize_code("12a456"), None);
        assert_eq!(normalize_code("١٢٣٤٥٦"), None, "only ASCII digits");
    }

    #[test]
    fn the_browser_check_matches_the_domain_rule() {
        let form = |email: &str| EmailForm {
            email: email.into(),
            right: String::new(),
        };
        assert!(check_email_form(&form("jane@example.org")).is_empty());
        assert_eq!(
            check_email_form(&form("")).get("email"),
            Some(ErrorCode::Required)
        );
        assert_eq!(
            check_email_form(&form("jane@")).get("email"),
            Some(ErrorCode::InvalidEmail)
        );
    }
}
