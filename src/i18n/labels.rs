//! The words for the domain's values. The domain holds no text; each of its
//! closed lists gets its label here, from the catalogues.

use super::Text;
use super::subject::*;
use crate::domain::choice::{
    Acting, Category, Channel, DataFormat, DestinationChoice, ErasureGround, Processing, Relation,
    RepliesTo, RestrictionGround, ScopeChoice,
};
use crate::domain::outcome::RefusalReason;
use crate::domain::{Actor, ErrorCode, EventKind, Lang, RightKind, Status};

/// A value that a person reads as a word or a sentence.
pub trait Label {
    fn label(&self) -> Text;
}

/// Everything the pages say about one right.
pub struct RightTexts {
    pub name: Text,
    pub summary: Text,
    pub example: Text,
    pub start: Text,
}

pub fn right_texts(right: RightKind) -> RightTexts {
    let (name, summary, example, start) = match right {
        RightKind::Access => (ACCESS_NAME, ACCESS_SUMMARY, ACCESS_EXAMPLE, ACCESS_START),
        RightKind::Rectification => (
            RECTIFICATION_NAME,
            RECTIFICATION_SUMMARY,
            RECTIFICATION_EXAMPLE,
            RECTIFICATION_START,
        ),
        RightKind::Erasure => (
            ERASURE_NAME,
            ERASURE_SUMMARY,
            ERASURE_EXAMPLE,
            ERASURE_START,
        ),
        RightKind::Restriction => (
            RESTRICTION_NAME,
            RESTRICTION_SUMMARY,
            RESTRICTION_EXAMPLE,
            RESTRICTION_START,
        ),
        RightKind::Portability => (
            PORTABILITY_NAME,
            PORTABILITY_SUMMARY,
            PORTABILITY_EXAMPLE,
            PORTABILITY_START,
        ),
        RightKind::Objection => (
            OBJECTION_NAME,
            OBJECTION_SUMMARY,
            OBJECTION_EXAMPLE,
            OBJECTION_START,
        ),
    };
    RightTexts {
        name,
        summary,
        example,
        start,
    }
}

impl Label for RightKind {
    fn label(&self) -> Text {
        right_texts(*self).name
    }
}

impl Label for Status {
    fn label(&self) -> Text {
        match self {
            Status::Received => STATUS_RECEIVED,
            Status::IdentityCheck => STATUS_IDENTITY_CHECK,
            Status::InProgress => STATUS_IN_PROGRESS,
            Status::AwaitingSubject => STATUS_AWAITING_SUBJECT,
            Status::Completed => STATUS_COMPLETED,
            Status::Refused => STATUS_REFUSED,
            Status::Withdrawn => STATUS_WITHDRAWN,
        }
    }
}

/// Events as the data subject reads them on the follow page.
impl Label for EventKind {
    fn label(&self) -> Text {
        match self {
            EventKind::Received => EVENT_RECEIVED,
            EventKind::Withdrawn => EVENT_WITHDRAWN,
            EventKind::IdentityCheckStarted => EVENT_IDENTITY_CHECK,
            EventKind::ProcessingStarted => EVENT_PROCESSING,
            EventKind::InformationRequested => EVENT_INFO_REQUESTED,
            EventKind::ClarificationRequested => EVENT_CLARIFY,
            EventKind::RestrictionLifted => EVENT_RESTRICTION_LIFTED,
            EventKind::RecipientTold => EVENT_RECIPIENT_TOLD,
            EventKind::SubjectAnswered => EVENT_SUBJECT_ANSWERED,
            EventKind::SubjectMessage => EVENT_SUBJECT_MESSAGE,
            EventKind::DpoMessage => EVENT_DPO_MESSAGE,
            EventKind::Extended => EVENT_EXTENDED,
            EventKind::Completed => EVENT_COMPLETED,
            EventKind::Refused => EVENT_REFUSED,
            EventKind::Reminded => EVENT_REMINDED,
            EventKind::Assigned
            | EventKind::NoteAdded
            | EventKind::FileAttached
            | EventKind::TestMarked
            | EventKind::LetterPosted
            | EventKind::FileRemoved
            | EventKind::ContactCorrected
            | EventKind::SubjectAskedToConfirm
            | EventKind::Linked => EVENT_INTERNAL,
            EventKind::EmailConfirmed => EVENT_EMAIL_CONFIRMED,
            EventKind::AnswerReleased => EVENT_ANSWER_RELEASED,
            EventKind::FileSharedAgain => EVENT_FILE_SHARED_AGAIN,
            EventKind::IdentityDocumentDeleted => EVENT_IDENTITY_DOCUMENT_DELETED,
        }
    }
}

impl Label for Actor {
    fn label(&self) -> Text {
        match self {
            Actor::Subject => ACTOR_SUBJECT,
            Actor::Dpo => ACTOR_DPO,
            Actor::System => ACTOR_SYSTEM,
        }
    }
}

impl Label for RefusalReason {
    fn label(&self) -> Text {
        match self {
            RefusalReason::ManifestlyUnfounded => REFUSAL_UNFOUNDED,
            RefusalReason::ManifestlyExcessive => REFUSAL_EXCESSIVE,
            RefusalReason::IdentityNotEstablished => REFUSAL_IDENTITY,
            RefusalReason::LegalException => REFUSAL_LEGAL_EXCEPTION,
        }
    }
}

impl Label for ErrorCode {
    fn label(&self) -> Text {
        match self {
            ErrorCode::Required => ERROR_REQUIRED,
            ErrorCode::TooLong => ERROR_TOO_LONG,
            ErrorCode::ForbiddenCharacters => ERROR_FORBIDDEN_CHARACTERS,
            ErrorCode::InvalidEmail => ERROR_INVALID_EMAIL,
            ErrorCode::InvalidPhone => ERROR_INVALID_PHONE,
            ErrorCode::InvalidChoice => ERROR_INVALID_CHOICE,
            ErrorCode::ChooseCategory => ERROR_CHOOSE_CATEGORY,
            ErrorCode::CodeFormat => ERROR_CODE_FORMAT,
            ErrorCode::CodeWrong => ERROR_CODE_WRONG,
            ErrorCode::CodeExpired => ERROR_CODE_EXPIRED,
            ErrorCode::CodeTooManyTries => ERROR_CODE_TOO_MANY,
            ErrorCode::LinkInvalid => ERROR_LINK_INVALID,
            ErrorCode::InvalidDate => ERROR_INVALID_DATE,
            ErrorCode::AlreadyExtended => ERROR_ALREADY_EXTENDED,
            ErrorCode::PastDue => ERROR_PAST_DUE,
            ErrorCode::Placeholder => ERROR_PLACEHOLDER,
            ErrorCode::CopyMissing => ERROR_COPY_MISSING,
            ErrorCode::RecipientsOrNone => ERROR_RECIPIENTS_OR_NONE,
            ErrorCode::NotBeforeTomorrow => ERROR_NOT_BEFORE_TOMORROW,
            ErrorCode::FactFirst => ERROR_FACT_FIRST,
            ErrorCode::RepliesByPost => ERROR_REPLIES_BY_POST,
        }
    }
}

impl Label for Relation {
    fn label(&self) -> Text {
        match self {
            Relation::Visitor => RELATION_VISITOR,
            Relation::Prospect => RELATION_PROSPECT,
            Relation::Client => RELATION_CLIENT,
            Relation::ClientStaff => RELATION_CLIENT_STAFF,
            Relation::OccasionalContact => RELATION_OCCASIONAL,
            Relation::RegularContact => RELATION_REGULAR,
        }
    }
}

impl Label for Channel {
    fn label(&self) -> Text {
        match self {
            Channel::Email => CHANNEL_EMAIL,
            Channel::Phone => CHANNEL_PHONE,
            Channel::Postal => CHANNEL_POSTAL,
            Channel::InPerson => CHANNEL_IN_PERSON,
        }
    }
}

impl Label for Category {
    fn label(&self) -> Text {
        match self {
            Category::Navigation => CATEGORY_NAVIGATION,
            Category::Prospect => CATEGORY_PROSPECT,
            Category::Client => CATEGORY_CLIENT,
            Category::Contact => CATEGORY_CONTACT,
        }
    }
}

/// What a category holds and how long it is kept.
pub fn category_hint(category: Category) -> Text {
    match category {
        Category::Navigation => CATEGORY_NAVIGATION_HINT,
        Category::Prospect => CATEGORY_PROSPECT_HINT,
        Category::Client => CATEGORY_CLIENT_HINT,
        Category::Contact => CATEGORY_CONTACT_HINT,
    }
}

impl Label for ScopeChoice {
    fn label(&self) -> Text {
        match self {
            ScopeChoice::All => SCOPE_ALL,
            ScopeChoice::Some => SCOPE_SOME,
        }
    }
}

impl Label for ErasureGround {
    fn label(&self) -> Text {
        match self {
            ErasureGround::NoLongerNecessary => GROUND_NO_LONGER_NECESSARY,
            ErasureGround::ConsentWithdrawn => GROUND_CONSENT_WITHDRAWN,
            ErasureGround::Objection => GROUND_OBJECTION,
            ErasureGround::Unlawful => GROUND_UNLAWFUL,
            ErasureGround::LegalObligation => GROUND_LEGAL_OBLIGATION,
        }
    }
}

impl Label for RestrictionGround {
    fn label(&self) -> Text {
        match self {
            RestrictionGround::AccuracyContested => GROUND_ACCURACY_CONTESTED,
            RestrictionGround::UnlawfulNoErasure => GROUND_UNLAWFUL_NO_ERASURE,
            RestrictionGround::LegalClaims => GROUND_LEGAL_CLAIMS,
            RestrictionGround::ObjectionPending => GROUND_OBJECTION_PENDING,
        }
    }
}

impl Label for DataFormat {
    fn label(&self) -> Text {
        match self {
            DataFormat::Json => FORMAT_JSON,
            DataFormat::Csv => FORMAT_CSV,
        }
    }
}

impl Label for DestinationChoice {
    fn label(&self) -> Text {
        match self {
            DestinationChoice::Me => DESTINATION_ME,
            DestinationChoice::Organisation => DESTINATION_ORGANISATION,
        }
    }
}

impl Label for Processing {
    fn label(&self) -> Text {
        match self {
            Processing::Prospecting => PROCESSING_PROSPECTING,
            Processing::Statistics => PROCESSING_STATISTICS,
            Processing::OtherLegitimateInterest => PROCESSING_OTHER,
        }
    }
}

impl Label for Lang {
    fn label(&self) -> Text {
        match self {
            Lang::Fr => LANG_FR,
            Lang::En => LANG_EN,
        }
    }
}

impl Label for Acting {
    fn label(&self) -> Text {
        match self {
            Acting::Myself => ACTING_SELF,
            Acting::Agent => ACTING_AGENT,
            Acting::Guardian => ACTING_GUARDIAN,
            Acting::Heir => ACTING_HEIR,
        }
    }
}

impl Label for RepliesTo {
    fn label(&self) -> Text {
        match self {
            RepliesTo::Representative => REPLIES_REPRESENTATIVE,
            RepliesTo::Subject => REPLIES_SUBJECT,
        }
    }
}
