//! Closed lists of choices, each with the stable slug used in forms, URLs,
//! JSON and the database. Their labels live in the i18n catalogues.

/// A value picked from a closed list, named by a stable slug.
pub trait Choice: Copy + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn slug(self) -> &'static str;
}

/// Declares an enum whose variants have slugs: `ALL`, `slug()`, `parse()`
/// and serde under the same slugs.
macro_rules! choice_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $slug:literal ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $slug)] $variant ),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable name used in forms, URLs, JSON and the database.
            pub fn slug(self) -> &'static str {
                match self {
                    $($name::$variant => $slug),*
                }
            }

            pub fn parse(slug: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|choice| choice.slug() == slug)
            }
        }

        /// Reads a stored slug back (`#[sqlx(try_from = "String")]`).
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(slug: String) -> Result<Self, String> {
                $name::parse(&slug).ok_or_else(|| format!("not a {}: {slug}", stringify!($name)))
            }
        }

        impl $crate::domain::choice::Choice for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn slug(self) -> &'static str {
                $name::slug(self)
            }
        }
    };
}
pub(crate) use choice_enum;

choice_enum! {
    /// How the person relates to SOFACTO (the policy's categories of people).
    pub enum Relation {
        Visitor = "visitor",
        Prospect = "prospect",
        Client = "client",
        ClientStaff = "client_staff",
        OccasionalContact = "occasional_contact",
        RegularContact = "regular_contact",
    }
}

choice_enum! {
    /// How the person wants to be answered (the policy's contact channels).
    pub enum Channel {
        Email = "email",
        Phone = "phone",
        Postal = "postal",
        InPerson = "in_person",
    }
}

choice_enum! {
    /// The categories of data SOFACTO's policy lists.
    pub enum Category {
        Navigation = "navigation",
        Prospect = "prospect",
        Client = "client",
        Contact = "contact",
    }
}

choice_enum! {
    /// All the data, or chosen categories.
    pub enum ScopeChoice {
        All = "all",
        Some = "some",
    }
}

choice_enum! {
    /// GDPR Art. 17(1) grounds for erasure.
    pub enum ErasureGround {
        NoLongerNecessary = "no_longer_necessary",
        ConsentWithdrawn = "consent_withdrawn",
        Objection = "objection",
        Unlawful = "unlawful",
        LegalObligation = "legal_obligation",
    }
}

choice_enum! {
    /// GDPR Art. 18(1) grounds for restriction.
    pub enum RestrictionGround {
        AccuracyContested = "accuracy_contested",
        UnlawfulNoErasure = "unlawful_no_erasure",
        LegalClaims = "legal_claims",
        ObjectionPending = "objection_pending",
    }
}

choice_enum! {
    /// Machine-readable formats for portability.
    pub enum DataFormat {
        Json = "json",
        Csv = "csv",
    }
}

choice_enum! {
    /// Who receives the data of a portability request.
    pub enum DestinationChoice {
        Me = "me",
        Organisation = "organisation",
    }
}

choice_enum! {
    /// Processing based on SOFACTO's legitimate interest, which a person may
    /// object to (GDPR Art. 21).
    pub enum Processing {
        Prospecting = "prospecting",
        Statistics = "statistics",
        OtherLegitimateInterest = "other_legitimate_interest",
    }
}

impl Processing {
    /// Processing for direct marketing (GDPR Art. 21(2)): prospecting, and
    /// the statistics and segmentation SOFACTO's policy uses to tailor its
    /// offers, which is profiling for that marketing. An objection to it
    /// needs no reason and cannot be refused (Art. 21(3)).
    pub fn is_direct_marketing(self) -> bool {
        match self {
            Processing::Prospecting | Processing::Statistics => true,
            Processing::OtherLegitimateInterest => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_match_serde() {
        for relation in Relation::ALL {
            assert_eq!(Relation::parse(relation.slug()), Some(*relation));
            assert_eq!(
                serde_json::to_string(relation).unwrap(),
                format!("\"{}\"", relation.slug())
            );
        }
        assert_eq!(Processing::parse("whim"), None);
        assert_eq!(Category::ALL.len(), 4);
    }
}

choice_enum! {
    /// How a request reached SOFACTO: filed on the portal, or recorded by
    /// the DPO from a letter or an email.
    pub enum IntakeChannel {
        Portal = "portal",
        Letter = "letter",
        Email = "email",
        Phone = "phone",
        /// Handed over or said at SOFACTO's premises: a dated receipt
        /// is printed for the person.
        InPerson = "in_person",
    }
}

choice_enum! {
    /// Which way a request's file went: the DPO's reply to the subject,
    /// or the subject's file to the DPO.
    pub enum FileDirection {
        ToSubject = "to_subject",
        FromSubject = "from_subject",
    }
}

choice_enum! {
    /// The steps of an identity check, asked in this order and no further
    /// than needed (SPEC §3): a fact SOFACTO can check in its records (a
    /// customer number, the number of the last invoice), then only on a
    /// remaining doubt a copy of an identity document.
    pub enum IdentityStep {
        Fact = "fact",
        Document = "document",
    }
}

choice_enum! {
    /// How the DPO established the subject's identity before processing:
    /// recorded with its date, and shown in the register.
    pub enum IdentityMethod {
        /// The verified address is the one SOFACTO knows.
        EmailCode = "email_code",
        /// A customer number or invoice number, checked in the records.
        CheckedFact = "checked_fact",
        /// A copy of an identity document (deleted once confirmed).
        Document = "document",
        /// Seen at SOFACTO's premises.
        InPerson = "in_person",
        /// Someone acting for the subject, with a proof the DPO checked
        /// (a mandate, parental authority, a death certificate).
        Representative = "representative",
    }
}

choice_enum! {
    /// What a subject's file is, when it is more than an attachment.
    pub enum FilePurpose {
        /// A copy of an identity document: deleted once identity is
        /// confirmed or the request closes.
        Identity = "identity",
        /// The proof of someone acting for the subject (a mandate, a proof
        /// of parental authority, an *acte de notoriété*).
        Proof = "proof",
        /// The original of a request received by post or in person,
        /// scanned by the DPO: kept with the request, never shared.
        Original = "original",
    }
}

choice_enum! {
    /// Who files: the person concerned, or someone acting for them.
    pub enum Acting {
        Myself = "self",
        /// A *mandataire*, with a written mandate (CNIL recommendation of
        /// 2021 on exercising rights through an agent).
        Agent = "agent",
        /// A parent or guardian, for a minor or a protected adult.
        Guardian = "guardian",
        /// An heir, or the person a deceased subject designated (French
        /// law 78-17, art. 85).
        Heir = "heir",
    }
}

choice_enum! {
    /// Whom the answers of a request filed for someone else go to, as the
    /// mandate says.
    pub enum RepliesTo {
        Representative = "representative",
        Subject = "subject",
    }
}
