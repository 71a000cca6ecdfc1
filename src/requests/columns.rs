//! The columns of `requests`, each declared once: personal (it names or
//! describes the person, and retention blanks it), stripped (kept with its
//! free text removed) or kept (the register's facts and the clock). The
//! retention run, the register and the evidence file read these lists; a
//! test fails when a column of the table is in none of them. `FROM_FORM`
//! says how a filed request fills the columns its form gives: the filing's
//! INSERT is built from it.

use crate::domain::choice::Acting;
use crate::domain::request::{ReplyChannel, ValidRequest};

/// A column's value from a checked form (`None` is NULL).
pub type FromForm = fn(&ValidRequest) -> Result<Option<String>, serde_json::Error>;

/// The columns a request takes from its form, and how. A new field of the
/// form is one line here, beside its declaration in `PERSONAL` or `KEPT`.
pub const FROM_FORM: &[(&str, FromForm)] = &[
    ("right_kind", |v| Ok(Some(v.right.slug().to_owned()))),
    ("lang", |v| Ok(Some(v.lang.code().to_owned()))),
    ("first_name", |v| Ok(Some(v.first_name.clone()))),
    ("last_name", |v| Ok(Some(v.last_name.clone()))),
    ("relation", |v| Ok(Some(v.relation.slug().to_owned()))),
    ("customer_number", |v| Ok(v.customer_number.clone())),
    ("reply_channel", |v| {
        Ok(Some(v.reply.channel().slug().to_owned()))
    }),
    ("reply_phone", |v| {
        Ok(match &v.reply {
            ReplyChannel::Phone { number } => Some(number.clone()),
            _ => None,
        })
    }),
    ("reply_postal_address", |v| {
        Ok(match &v.reply {
            ReplyChannel::Postal { address } => Some(address.clone()),
            _ => None,
        })
    }),
    ("details", |v| serde_json::to_string(&v.details).map(Some)),
    ("acting", |v| {
        Ok(Some(
            v.representative
                .as_ref()
                .map_or(Acting::Myself, |r| r.acting)
                .slug()
                .to_owned(),
        ))
    }),
    ("representative", |v| {
        v.representative
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
    }),
];

/// A personal column: what retention writes over it, and whether the
/// register shows it when the DPO asks for personal data.
pub struct Personal {
    pub column: &'static str,
    /// The SQL value it becomes on anonymisation.
    pub blank: &'static str,
    pub in_register: bool,
}

pub const PERSONAL: &[Personal] = &[
    Personal {
        column: "first_name",
        blank: "''",
        in_register: true,
    },
    Personal {
        column: "last_name",
        blank: "''",
        in_register: true,
    },
    Personal {
        column: "email",
        blank: "''",
        in_register: true,
    },
    Personal {
        column: "pending_email",
        blank: "NULL",
        in_register: false,
    },
    Personal {
        column: "customer_number",
        blank: "NULL",
        in_register: false,
    },
    Personal {
        column: "reply_phone",
        blank: "NULL",
        in_register: false,
    },
    Personal {
        column: "reply_postal_address",
        blank: "NULL",
        in_register: false,
    },
    // Someone acting for the subject (JSON): names, mandate, the
    // subject's own address.
    Personal {
        column: "representative",
        blank: "NULL",
        in_register: false,
    },
    // The right-specific fields (JSON): the evidence file shows them
    // parsed, as `details`.
    Personal {
        column: "details",
        blank: "'{}'",
        in_register: false,
    },
];

/// Kept with its free text removed (`retention::bare_outcome`).
pub const STRIPPED: &[&str] = &["outcome"];

/// Not personal: what the register and the clock need after
/// anonymisation.
pub const KEPT: &[&str] = &[
    "id",
    "reference",
    "submission_key",
    "right_kind",
    "status",
    "lang",
    "relation",
    "reply_channel",
    "received_at",
    "received_on",
    "first_due_on",
    "due_on",
    "open_due",
    "closed_at",
    "assignee_id",
    "intake",
    "extension_months",
    "extended_at",
    "paused_days",
    "paused_since",
    "resume_status",
    "reminded_at",
    "version",
    "anonymised_at",
    "closed_on",
    "answered_on",
    "answer_days",
    "refusal_reason",
    "is_test",
    "pending_email_hash",
    "pending_email_until",
    "identity_step",
    "identity_method",
    "identity_on",
    "acting",
    "linked_group",
    "terms_version",
];

/// `column = blank, …` for every personal column: the retention run's
/// assignments.
pub fn blanked() -> String {
    PERSONAL
        .iter()
        .map(|p| format!("{} = {}", p.column, p.blank))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The personal columns the register adds when asked, in order.
pub fn in_register() -> impl Iterator<Item = &'static str> {
    PERSONAL.iter().filter(|p| p.in_register).map(|p| p.column)
}

/// The personal columns the evidence file lists under `subject` (the
/// details have their own entry).
pub fn in_evidence() -> impl Iterator<Item = &'static str> {
    PERSONAL
        .iter()
        .map(|p| p.column)
        .filter(|column| *column != "details")
}

/// Whether `column` is declared, for the test that reads the table.
pub fn declared(column: &str) -> bool {
    PERSONAL.iter().any(|p| p.column == column)
        || STRIPPED.contains(&column)
        || KEPT.contains(&column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_filled_from_the_form_is_declared_once() {
        let mut filled: Vec<&str> = FROM_FORM.iter().map(|(column, _)| *column).collect();
        for column in &filled {
            assert!(declared(column), "{column} is filled but not declared");
        }
        let count = filled.len();
        filled.sort_unstable();
        filled.dedup();
        assert_eq!(filled.len(), count, "a column filled twice");
    }

    #[test]
    fn no_column_is_declared_twice() {
        let mut all: Vec<&str> = PERSONAL.iter().map(|p| p.column).collect();
        all.extend(STRIPPED);
        all.extend(KEPT);
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
        assert_eq!(
            blanked(),
            "first_name = '', last_name = '', email = '', pending_email = NULL, customer_number = NULL, \
             reply_phone = NULL, reply_postal_address = NULL, representative = NULL, details = '{}'"
        );
        assert_eq!(
            in_register().collect::<Vec<_>>(),
            ["first_name", "last_name", "email"]
        );
    }
}
