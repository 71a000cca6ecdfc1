//! Proving ownership of an email address (SPEC §3.2): an address in, a
//! 6-digit code and a one-click link out; the code or the link opens a short
//! session bound to that address.

use crate::error::AppError;
use crate::features::forms::{ErrorCode, FieldErrors, FormOutcome};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod ssr;
mod views;

pub use views::{CodePage, LinkPage, VerifyPage};

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerifyOutcome {
    /// Go on to `next`.
    Next(String),
    Invalid(FieldErrors),
    /// A code was sent less than a minute ago: wait this many seconds.
    Wait(u64),
    /// Too many codes for this address or from this connection.
    Limited,
    /// A new code is on its way.
    Resent,
    /// Nothing is pending in this browser: start again from the address.
    Restart,
}

impl FormOutcome for VerifyOutcome {
    fn redirect_to(&self) -> Option<String> {
        match self {
            VerifyOutcome::Next(next) => Some(next.clone()),
            _ => None,
        }
    }
}

/// What the code page shows about the pending verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeTarget {
    pub masked_email: String,
}

/// Browser-side echo of the server's check of the address field.
pub fn check_email_form(form: &EmailForm) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if let Err(e) = crate::domain::Email::parse(&form.email) {
        errors.add(
            "email",
            match e {
                crate::domain::EmailError::Empty => ErrorCode::Required,
                _ => ErrorCode::InvalidEmail,
            },
        );
    }
    errors
}

/// A code as typed: spaces are forgiven, anything but 6 digits is not.
pub fn normalize_code(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

#[leptos::server(prefix = "/api", endpoint = "request_code")]
pub async fn request_code(form: EmailForm) -> Result<VerifyOutcome, AppError> {
    ssr::request_code(form).await
}

#[leptos::server(prefix = "/api", endpoint = "check_code")]
pub async fn check_code(form: CodeForm) -> Result<VerifyOutcome, AppError> {
    ssr::check_code(form).await
}

#[leptos::server(prefix = "/api", endpoint = "resend_code")]
pub async fn resend_code() -> Result<VerifyOutcome, AppError> {
    ssr::resend_code().await
}

#[leptos::server(prefix = "/api", endpoint = "confirm_link")]
pub async fn confirm_link(form: LinkForm) -> Result<VerifyOutcome, AppError> {
    ssr::confirm_link(form).await
}

#[leptos::server(prefix = "/api", endpoint = "pending_code")]
pub async fn pending_code() -> Result<Option<CodeTarget>, AppError> {
    ssr::pending_code().await
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
        assert!(
            check_email_form(&EmailForm {
                email: "jane@example.org".into(),
                right: String::new()
            })
            .is_empty()
        );
        let errors = check_email_form(&EmailForm::default());
        assert_eq!(errors.get("email"), Some(ErrorCode::Required));
        let errors = check_email_form(&EmailForm {
            email: "jane@".into(),
            right: String::new(),
        });
        assert_eq!(errors.get("email"), Some(ErrorCode::InvalidEmail));
    }
}
