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
    /// Transfers outside the European Union and their safeguards (Art.
    /// 15(2)); empty in answers recorded before it was asked.
    #[serde(default)]
    pub transfers: String,
    /// No data about the person is held: no copy to attach.
    #[serde(default)]
    pub no_data_held: bool,
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
        Transfers = "access_transfers",
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
            AccessItem::Transfers => &self.transfers,
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
            AccessItem::Transfers => &mut self.transfers,
        }
    }
}

/// A recipient told of a rectification, erasure or restriction (Art. 19).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifiedRecipient {
    pub name: String,
    pub on: Date,
}

choice_enum! {
    /// Why part of a request was not done: the legal ground of what SOFACTO
    /// kept, left unchanged or left unrestricted, or did not disclose.
    pub enum KeptGround {
        /// Art. 17(3)(b): a legal obligation, such as invoices kept 10
        /// years under the Code de commerce.
        LegalObligation = "legal_obligation",
        /// Art. 17(3)(e), 18(2): the establishment, exercise or defence of
        /// legal claims.
        LegalClaims = "legal_claims",
        /// Art. 17(3)(d): archiving in the public interest, research or
        /// statistics.
        Archiving = "archiving",
        /// Art. 15(4), 18(2): the rights and freedoms of others.
        ThirdPartyRights = "third_party_rights",
        /// Art. 16: the data was checked and is accurate.
        Accurate = "accurate",
    }
}

impl KeptGround {
    /// The grounds the law gives for not doing part of `right`.
    pub fn applies_to(self, right: super::RightKind) -> bool {
        use super::RightKind as R;
        match self {
            KeptGround::LegalObligation => matches!(right, R::Erasure | R::Rectification),
            KeptGround::LegalClaims => matches!(right, R::Erasure | R::Restriction),
            KeptGround::Archiving => right == R::Erasure,
            KeptGround::ThirdPartyRights => matches!(right, R::Access | R::Restriction),
            KeptGround::Accurate => right == R::Rectification,
        }
    }

    /// Whether `right` can be partly done at all.
    pub fn any_for(right: super::RightKind) -> bool {
        KeptGround::ALL
            .iter()
            .any(|ground| ground.applies_to(right))
    }
}

/// A part of the request that was not done, and why (a partial outcome).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptPart {
    /// What was kept, unchanged or withheld, as the subject will read it.
    pub what: String,
    pub ground: KeptGround,
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
        /// Art. 19: no recipient had the data, so none was told (with
        /// `notified` empty).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        no_recipients: bool,
        /// What was not done, each with its ground: a partial outcome,
        /// whose email names the CNIL and the courts (Art. 12(4)).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        kept: Vec<KeptPart>,
    },
    Refused {
        reason: RefusalReason,
        explanation: String,
    },
}
