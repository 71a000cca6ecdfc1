//! Why a field of a form was refused: a code per field, translated where it
//! is shown. The same codes come from the browser's checks and the server's.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    TooLong,
    InvalidEmail,
    InvalidPhone,
    InvalidChoice,
    ChooseCategory,
    CodeFormat,
    CodeWrong,
    CodeExpired,
    CodeTooManyTries,
    LinkInvalid,
    InvalidDate,
    /// A deadline is extended once only.
    AlreadyExtended,
    /// An extension comes before the due date, not after.
    PastDue,
    /// Invisible control characters or direction overrides.
    ForbiddenCharacters,
    /// A pre-filled `[À compléter …]` is still in the text.
    Placeholder,
    /// An access answer needs the copy (a file) or "no data held".
    CopyMissing,
    /// Art. 19: the recipients told, or "there are none".
    RecipientsOrNone,
    /// A date that must come after today (the subject is told first).
    NotBeforeTomorrow,
    /// A copy of an identity document asked before a fact SOFACTO can
    /// check (SPEC §3: no further than needed).
    FactFirst,
    /// Answers to the person concerned, not to the one acting for them,
    /// go by post.
    RepliesByPost,
}

/// Free text as it is stored: browsers send a textarea's line breaks as
/// CRLF, which become LF; then control characters (but line feed and tab)
/// and the bidirectional overrides that can disguise text are refused, so
/// SQLite and PostgreSQL (which refuses NUL) store the same thing.
pub fn clean_text(value: &str) -> Result<String, ErrorCode> {
    let text = value.replace("\r\n", "\n").replace('\r', "\n");
    let forbidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if text.chars().any(forbidden) {
        return Err(ErrorCode::ForbiddenCharacters);
    }
    Ok(text)
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn the_one_free_text_check_counts_what_is_stored() {
        let mut errors = FieldErrors::default();
        // 4 characters and a CRLF: 5 as stored, though 6 were sent.
        assert_eq!(
            errors.text("f", " ab\r\ncd ", 5, true),
            Some("ab\ncd".into())
        );
        assert!(errors.is_empty());
        assert_eq!(errors.text("long", "abcdef", 5, true), None);
        assert_eq!(errors.get("long"), Some(ErrorCode::TooLong));
        assert_eq!(errors.text("empty", "  ", 5, true), None);
        assert_eq!(errors.get("empty"), Some(ErrorCode::Required));
        assert_eq!(errors.text("blank", "  ", 5, false), None);
        assert_eq!(errors.get("blank"), None);
        assert_eq!(errors.text("bidi", "a\u{202E}b", 5, false), None);
        assert_eq!(errors.get("bidi"), Some(ErrorCode::ForbiddenCharacters));
    }

    #[test]
    fn line_breaks_become_lf_and_hidden_characters_are_refused() {
        assert_eq!(clean_text("a\r\nb\rc\td"), Ok("a\nb\nc\td".to_owned()));
        for bad in [
            "nul\0",
            "bell\u{7}",
            "esc\u{1b}[31m",
            "rlo\u{202E}txt.exe",
            "iso\u{2066}",
        ] {
            assert_eq!(
                clean_text(bad),
                Err(ErrorCode::ForbiddenCharacters),
                "{bad:?}"
            );
        }
        assert_eq!(clean_text("Élodie — ☺"), Ok("Élodie — ☺".to_owned()));
    }
}

/// The refused fields of one form, in the order they were found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, ErrorCode)>);

impl FieldErrors {
    /// Records the first reason for `field`; later ones are ignored.
    pub fn add(&mut self, field: impl Into<String>, code: ErrorCode) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.0.push((field, code));
        }
    }

    pub fn get(&self, field: &str) -> Option<ErrorCode> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, code)| *code)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The one check of free text, for every form: trimmed; empty is an
    /// error only when `required`; then [`clean_text`]; then at most `max`
    /// characters, counted as stored (a line break is one character, as
    /// the browser's `maxlength` counts it, though it sends two).
    pub fn text(&mut self, field: &str, value: &str, max: u64, required: bool) -> Option<String> {
        let value = value.trim();
        if value.is_empty() {
            if required {
                self.add(field, ErrorCode::Required);
            }
            return None;
        }
        match clean_text(value) {
            Ok(text) if text.chars().count() as u64 > max => {
                self.add(field, ErrorCode::TooLong);
                None
            }
            Ok(text) => Some(text),
            Err(code) => {
                self.add(field, code);
                None
            }
        }
    }

    pub fn single(field: &str, code: ErrorCode) -> Self {
        FieldErrors(vec![(field.to_owned(), code)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reason_for_a_field_is_kept() {
        let mut errors = FieldErrors::default();
        errors.add("name", ErrorCode::Required);
        errors.add("name", ErrorCode::TooLong);
        assert_eq!(errors.get("name"), Some(ErrorCode::Required));
        assert!(errors.into_result().is_err());
    }
}
