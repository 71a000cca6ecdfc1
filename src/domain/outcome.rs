//! How a request ended: completed or refused, with what the GDPR asks the
//! controller to record and tell (Art. 12(4), 15, 19, 20). Stored as JSON.

use super::Date;
use super::choice::{Channel, choice_enum};
use serde::{Deserialize, Serialize};

choice_enum! {
    /// Why a request may be refused (GDPR Art. 11(2), 12(5), 23).
    pub enum RefusalReason {
        ManifestlyUnfounded = "manifestly_unfounded",
        ManifestlyExcessive = "manifestly_excessive",
        IdentityNotEstablished = "identity_not_established",
        LegalException = "legal_exception",
    }
}

/// The information that goes with a copy of the data (Art. 15(1)(a)–(h)).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessInformation {
    pub purposes: String,
    pub categories: String,
    pub recipients: String,
    pub retention: String,
    pub rights: String,
    pub source: String,
    pub automated_decisions: String,
}

/// A recipient told of a rectification, erasure or restriction (Art. 19).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifiedRecipient {
    pub name: String,
    pub on: Date,
}

/// Where portability data went when sent to another organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentTo {
    pub organisation: String,
    pub on: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Completed {
        summary: String,
        access: Option<Box<AccessInformation>>,
        notified: Vec<NotifiedRecipient>,
        sent_to: Option<SentTo>,
        /// The answer was given by phone or post, as the subject asked.
        answered_by: Option<Channel>,
    },
    Refused {
        reason: RefusalReason,
        explanation: String,
    },
}
