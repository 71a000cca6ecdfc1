use serde::{Deserialize, Serialize};
use std::fmt;

/// RFC 5321 caps a forward path at 256 octets including the angle brackets.
pub const MAX_EMAIL_LEN: usize = 254;

/// An email address that passed validation, trimmed and lower-cased so that
/// `Jane@Example.org` and `jane@example.org` are one data subject.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    TooLong,
    Invalid,
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        if !is_valid_address(trimmed) {
            return Err(EmailError::Invalid);
        }
        Ok(Self(trimmed.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `j***@example.org`: enough for a person to recognise their address,
    /// not enough to read it off a screen over a shoulder.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

/// The HTML5 definition of a valid e-mail address (what `<input
/// type=email>` accepts), with a dot required in the domain and
/// internationalised domain labels allowed. Written out
/// rather than taken from `validator`, whose version pulls the `regex` and
/// `idna` tables into the browser bundle and would triple its size.
fn is_valid_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.chars().count() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    local_ok
        && domain.contains('.')
        && domain.split('.').all(label_ok)
        // What lettre will accept when the email is built: dots only
        // between characters of the local part, among others.
        && email_address::EmailAddress::is_valid(address)
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Debug never shows the address: a stray `{:?}` in a log line must not
/// leak personal data.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(<redacted>)")
    }
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmailError::Empty => "the email address is empty",
            EmailError::TooLong => "the email address is longer than 254 characters",
            EmailError::Invalid => "the email address is not valid",
        })
    }
}

impl std::error::Error for EmailError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_address_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Jane.Doe@Example.ORG ").unwrap();
        assert_eq!(email.as_str(), "jane.doe@example.org");
    }

    #[test]
    fn empty_long_and_malformed_addresses_are_rejected() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        for bad in [
            "jane",
            "jane@",
            "@example.org",
            "jane doe@example.org",
            "a@b@c",
            // Accepted by the form once, then refused by lettre when the
            // email was built: the person saw "try again" forever.
            "jane..doe@example.org",
            ".jane@example.org",
            "jane.@example.org",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
    }

    #[test]
    fn usual_and_unusual_valid_addresses_pass() {
        for good in [
            "jane@example.org",
            "j.o'neil+rgpd@mail.example.co.uk",
            "x@sofacto.com",
            "marie@exämple.fr",
        ] {
            assert!(Email::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn debug_output_hides_the_address() {
        let email = Email::parse("jane@example.org").unwrap();
        assert!(!format!("{email:?}").contains("jane"));
    }

    #[test]
    fn the_masked_form_keeps_the_first_letter_and_the_domain() {
        let email = Email::parse("jane@example.org").unwrap();
        assert_eq!(email.masked(), "j***@example.org");
    }
}
