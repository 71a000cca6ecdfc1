//! SOFACTO's own systems and their tasks (SPEC §4b): a system's name, the
//! state of its task, and the result it sends, parsed once at the edge so
//! that a result the law does not allow (an objection to prospecting
//! "retained", a ground that does not apply to the right) never reaches
//! the request.

use super::RightKind;
use super::choice::choice_enum;
use super::outcome::{KeptGround, KeptPart};
use serde::{Deserialize, Serialize};

choice_enum! {
    /// Where a system's task stands: open until the system answers.
    pub enum TaskState {
        Open = "open",
        Done = "done",
        NotFound = "not_found",
        /// Kept in part, with a legal ground.
        Retained = "retained",
        Failed = "failed",
    }
}

choice_enum! {
    /// Where a system stands on a request, as the DPO reads it: its task
    /// waits (to be delivered or pulled), reached its webhook, was not
    /// delivered after days of tries, or has its result.
    pub enum TaskStanding {
        Waiting = "waiting",
        Delivered = "delivered",
        Undelivered = "undelivered",
        Done = "done",
        NotFound = "not_found",
        Kept = "kept",
        Failed = "failed",
    }
}

/// How long a webhook receiver has to answer one delivery.
pub const WEBHOOK_TIMEOUT_SECS: u64 = 15;

/// Why a webhook delivery failed, stored as a short code (`status 503`,
/// `timeout`, …) so that the console says it in the DPO's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryError {
    /// The receiver answered with a status outside 2xx.
    Status(u16),
    /// No answer within the delivery timeout.
    Timeout,
    /// The receiver could not be reached.
    Connect,
    /// The call failed another way (TLS, a broken answer).
    Request,
    /// The stored secret cannot be opened: `PORTAL_SECRET_KEY` changed.
    SecretUnreadable,
    /// The stored secret is not a `whsec_` secret.
    SecretInvalid,
    /// The portal could not read the task to send (its log says why).
    Internal,
}

impl DeliveryError {
    /// The stored code.
    pub fn code(self) -> String {
        match self {
            Self::Status(code) => format!("status {code}"),
            Self::Timeout => "timeout".to_owned(),
            Self::Connect => "connect".to_owned(),
            Self::Request => "request".to_owned(),
            Self::SecretUnreadable => "secret_unreadable".to_owned(),
            Self::SecretInvalid => "secret_invalid".to_owned(),
            Self::Internal => "internal".to_owned(),
        }
    }

    /// A stored code; `None` for text this version did not write.
    pub fn parse(code: &str) -> Option<Self> {
        Some(match code {
            "timeout" => Self::Timeout,
            "connect" => Self::Connect,
            "request" => Self::Request,
            "secret_unreadable" => Self::SecretUnreadable,
            "secret_invalid" => Self::SecretInvalid,
            "internal" => Self::Internal,
            other => Self::Status(other.strip_prefix("status ")?.parse().ok()?),
        })
    }
}

/// A system's name as the CLI and the console show it: 1 to 40 lower-case
/// letters, digits, `-` or `_`, starting with a letter (`crm`, `billing`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SystemName(String);

impl SystemName {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let valid = text.len() <= Self::MAX_CHARS
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if valid {
            Ok(SystemName(text.to_owned()))
        } else {
            Err(format!(
                "a system's name is 1 to {} lower-case letters, digits, '-' or '_', starting with a letter",
                Self::MAX_CHARS
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SystemName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The rights a system handles, from `access,erasure,…`.
pub fn parse_rights(text: &str) -> Result<Vec<RightKind>, String> {
    let mut rights = Vec::new();
    for slug in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let right = RightKind::parse(slug).ok_or_else(|| {
            let known: Vec<&str> = RightKind::ALL.iter().map(|r| r.slug()).collect();
            format!("unknown right '{slug}': use {}", known.join(", "))
        })?;
        if !rights.contains(&right) {
            rights.push(right);
        }
    }
    if rights.is_empty() {
        return Err("name at least one right".to_owned());
    }
    Ok(rights)
}

/// The longest reason or error a result may carry, in characters.
pub const MAX_RESULT_TEXT: usize = 2000;
/// Further identifiers one result may carry.
pub const MAX_IDENTIFIERS: usize = 50;

/// What a system answers for its task: `outcome` is `done`, `not_found`,
/// `retained` (with `reason` and `legal_ground`) or `failed` (with
/// `error`).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResultBody {
    /// `done`, `not_found`, `retained` or `failed`.
    #[cfg_attr(feature = "ssr", schema(example = "retained"))]
    pub outcome: String,
    /// What was kept, as the data subject will read it (`retained`).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(example = "Vos factures de 2024 et 2025"))]
    pub reason: Option<String>,
    /// `legal_obligation`, `legal_claims`, `archiving`,
    /// `third_party_rights` or `accurate`, as the law gives it for the
    /// task's right (`retained`).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(example = "legal_obligation"))]
    pub legal_ground: Option<String>,
    /// What went wrong (`failed`).
    #[serde(default)]
    pub error: Option<String>,
    /// Further identifiers the system found (its own ids, other
    /// addresses), name → value.
    #[serde(default)]
    pub identifiers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub files: Vec<ResultFileBody>,
}

/// A file a result carries: the access data, an erasure's confirmation.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResultFileBody {
    pub name: String,
    /// `application/json` or `text/csv`.
    pub content_type: String,
    /// The file's bytes in standard base64.
    pub content_base64: String,
}

/// A result the law allows for the task's right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum TaskResult {
    Done,
    NotFound,
    Retained { kept: KeptPart },
    Failed { error: String },
}

impl TaskResult {
    pub fn state(&self) -> TaskState {
        match self {
            TaskResult::Done => TaskState::Done,
            TaskResult::NotFound => TaskState::NotFound,
            TaskResult::Retained { .. } => TaskState::Retained,
            TaskResult::Failed { .. } => TaskState::Failed,
        }
    }
}

/// Why a result cannot be taken: the field and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultError {
    pub field: &'static str,
    pub problem: String,
}

fn error(field: &'static str, problem: impl Into<String>) -> ResultError {
    ResultError {
        field,
        problem: problem.into(),
    }
}

fn required_text(field: &'static str, value: &Option<String>) -> Result<String, ResultError> {
    let text = value.as_deref().map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(error(field, "required for this outcome"));
    }
    if text.chars().count() > MAX_RESULT_TEXT {
        return Err(error(
            field,
            format!("at most {MAX_RESULT_TEXT} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Parses `body` into a result for a task of `right`. Only a ground the
/// law gives for that right is taken, and an objection to prospecting is
/// absolute (Art. 21(3)): it is never "retained".
pub fn parse_result(body: &ResultBody, right: RightKind) -> Result<TaskResult, ResultError> {
    let state = TaskState::parse(&body.outcome)
        .filter(|state| *state != TaskState::Open)
        .ok_or_else(|| error("outcome", "one of done, not_found, retained, failed"))?;
    let result = match state {
        TaskState::Done => TaskResult::Done,
        TaskState::NotFound => TaskResult::NotFound,
        TaskState::Retained => {
            let what = required_text("reason", &body.reason)?;
            let ground = body
                .legal_ground
                .as_deref()
                .and_then(KeptGround::parse)
                .ok_or_else(|| {
                    let known: Vec<&str> = KeptGround::ALL.iter().map(|g| g.slug()).collect();
                    error("legal_ground", format!("one of {}", known.join(", ")))
                })?;
            if !ground.applies_to(right) {
                return Err(error(
                    "legal_ground",
                    format!(
                        "'{}' is not a ground for keeping data against the right of {}",
                        ground.slug(),
                        right.slug()
                    ),
                ));
            }
            TaskResult::Retained {
                kept: KeptPart { what, ground },
            }
        }
        TaskState::Failed => TaskResult::Failed {
            error: required_text("error", &body.error)?,
        },
        TaskState::Open => unreachable!("filtered above"),
    };
    if body.identifiers.len() > MAX_IDENTIFIERS {
        return Err(error("identifiers", format!("at most {MAX_IDENTIFIERS}")));
    }
    if body
        .identifiers
        .iter()
        .any(|(name, value)| name.chars().count() > 100 || value.chars().count() > 200)
    {
        return Err(error(
            "identifiers",
            "names of at most 100 characters, values of at most 200",
        ));
    }
    Ok(result)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_delivery_error_reads_back_from_its_code() {
        for error in [
            DeliveryError::Status(503),
            DeliveryError::Timeout,
            DeliveryError::Connect,
            DeliveryError::Request,
            DeliveryError::SecretUnreadable,
            DeliveryError::SecretInvalid,
            DeliveryError::Internal,
        ] {
            assert_eq!(DeliveryError::parse(&error.code()), Some(error));
        }
        assert_eq!(DeliveryError::parse("the receiver answered 503"), None);
        assert_eq!(DeliveryError::parse("status x"), None);
    }
    use super::*;

    fn body(outcome: &str) -> ResultBody {
        ResultBody {
            outcome: outcome.to_owned(),
            ..ResultBody::default()
        }
    }

    #[test]
    fn names_are_short_lower_case_words() {
        assert!(SystemName::parse("crm").is_ok());
        assert!(SystemName::parse("billing-2").is_ok());
        for bad in ["", "CRM", "2crm", "c r m", "crm;drop", &"a".repeat(41)] {
            assert!(SystemName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rights_are_read_from_their_slugs() {
        assert_eq!(
            parse_rights("access, erasure,access").unwrap(),
            vec![RightKind::Access, RightKind::Erasure]
        );
        assert!(parse_rights("").is_err());
        assert!(
            parse_rights("access,complaint")
                .unwrap_err()
                .contains("complaint")
        );
    }

    #[test]
    fn a_kept_part_needs_a_reason_and_a_ground_for_its_right() {
        let mut retained = body("retained");
        assert_eq!(
            parse_result(&retained, RightKind::Erasure)
                .unwrap_err()
                .field,
            "reason"
        );
        retained.reason = Some("invoices of 2025".to_owned());
        assert_eq!(
            parse_result(&retained, RightKind::Erasure)
                .unwrap_err()
                .field,
            "legal_ground"
        );
        retained.legal_ground = Some("legal_obligation".to_owned());
        assert_eq!(
            parse_result(&retained, RightKind::Erasure).unwrap(),
            TaskResult::Retained {
                kept: KeptPart {
                    what: "invoices of 2025".to_owned(),
                    ground: KeptGround::LegalObligation
                }
            }
        );
        assert_eq!(
            parse_result(&retained, RightKind::Access)
                .unwrap_err()
                .field,
            "legal_ground",
            "a legal obligation is no ground to withhold a copy"
        );
    }

    #[test]
    fn an_objection_is_never_retained() {
        for ground in KeptGround::ALL {
            let retained = ResultBody {
                reason: Some("kept".to_owned()),
                legal_ground: Some(ground.slug().to_owned()),
                ..body("retained")
            };
            assert!(parse_result(&retained, RightKind::Objection).is_err());
        }
        assert_eq!(
            parse_result(&body("done"), RightKind::Objection).unwrap(),
            TaskResult::Done
        );
    }

    #[test]
    fn a_failure_says_why_and_open_is_no_result() {
        assert_eq!(
            parse_result(&body("failed"), RightKind::Access)
                .unwrap_err()
                .field,
            "error"
        );
        assert_eq!(
            parse_result(&body("open"), RightKind::Access)
                .unwrap_err()
                .field,
            "outcome"
        );
        assert_eq!(
            parse_result(&body("ok"), RightKind::Access)
                .unwrap_err()
                .field,
            "outcome"
        );
        assert_eq!(
            parse_result(&body("not_found"), RightKind::Access).unwrap(),
            TaskResult::NotFound
        );
    }
}
