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

choice_enum! {
    /// The items of the Art. 15(1) information, in the order the console
    /// and the emails give them. The slug is the console form's field; the
    /// words and the pre-filled text are `i18n::console_labels::access_item`.
    pub enum AccessItem {
        Purposes = "access_purposes",
        Categories = "access_categories",
        Recipients = "access_recipients",
        Retention = "access_retention",
        Rights = "access_rights",
        Source = "access_source",
        Automated = "access_automated",
    }
}

impl AccessInformation {
    pub fn item(&self, item: AccessItem) -> &str {
        self.field(item)
    }

    pub fn set(&mut self, item: AccessItem, value: String) {
        *self.field_mut(item) = value;
    }

    fn field(&self, item: AccessItem) -> &String {
        match item {
            AccessItem::Purposes => &self.purposes,
            AccessItem::Categories => &self.categories,
            AccessItem::Recipients => &self.recipients,
            AccessItem::Retention => &self.retention,
            AccessItem::Rights => &self.rights,
            AccessItem::Source => &self.source,
            AccessItem::Automated => &self.automated_decisions,
        }
    }

    fn field_mut(&mut self, item: AccessItem) -> &mut String {
        match item {
            AccessItem::Purposes => &mut self.purposes,
            AccessItem::Categories => &mut self.categories,
            AccessItem::Recipients => &mut self.recipients,
            AccessItem::Retention => &mut self.retention,
            AccessItem::Rights => &mut self.rights,
            AccessItem::Source => &mut self.source,
            AccessItem::Automated => &mut self.automated_decisions,
        }
    }
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
