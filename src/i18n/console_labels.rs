//! The words for the console's closed lists: each is an exhaustive match,
//! so a new variant does not compile until it has its words. Server-only,
//! like the console.

use super::Text;
use super::console::*;
use crate::audit::AuditAction;
use crate::domain::choice::{
    Acting, FileDirection, FilePurpose, IdentityMethod, IdentityStep, IntakeChannel,
};
use crate::domain::outcome::{AccessItem, KeptGround};
use crate::domain::{Action, EventKind};
use crate::email::EmailKind;

/// What the request page says about one action.
pub struct ActionTexts {
    pub title: Text,
    /// Shown under the title, before the form.
    pub hint: Option<Text>,
    pub button: Text,
}

pub fn action_texts(action: Action) -> ActionTexts {
    let (title, hint, button) = match action {
        Action::CheckIdentity => (
            A_CHECK_IDENTITY,
            Some(A_CHECK_IDENTITY_HINT),
            B_CHECK_IDENTITY,
        ),
        Action::Start => (A_START, Some(A_START_HINT), B_START),
        Action::AskInformation => (A_ASK, Some(A_ASK_HINT), B_ASK),
        Action::AskClarification => (A_CLARIFY, Some(A_CLARIFY_HINT), B_CLARIFY),
        Action::RecordAnswer => (A_RECORD_ANSWER, Some(A_RECORD_ANSWER_HINT), B_RECORD_ANSWER),
        // Its hint follows its fields.
        Action::Complete => (A_COMPLETE, None, B_COMPLETE),
        Action::Extend => (A_EXTEND, Some(A_EXTEND_HINT), B_EXTEND),
        Action::Message => (A_MESSAGE, None, B_MESSAGE),
        Action::Note => (A_NOTE, Some(A_NOTE_HINT), B_NOTE),
        Action::Assign => (A_ASSIGN, None, B_ASSIGN),
        // Its hint follows its fields.
        Action::Refuse => (A_REFUSE, None, B_REFUSE),
        Action::LiftRestriction => (A_LIFT, Some(A_LIFT_HINT), B_LIFT),
        Action::AddRecipient => (A_ADD_RECIPIENT, Some(A_ADD_RECIPIENT_HINT), B_ADD_RECIPIENT),
        Action::MarkTest => (A_MARK_TEST, Some(A_MARK_TEST_HINT), B_MARK_TEST),
        Action::MarkPosted => (A_MARK_POSTED, Some(A_MARK_POSTED_HINT), B_MARK_POSTED),
        Action::RemoveFile => (A_REMOVE_FILE, Some(A_REMOVE_FILE_HINT), B_REMOVE_FILE),
        Action::ReshareFile => (A_RESHARE_FILE, Some(A_RESHARE_FILE_HINT), B_RESHARE_FILE),
        Action::CorrectContact => (
            A_CORRECT_CONTACT,
            Some(A_CORRECT_CONTACT_HINT),
            B_CORRECT_CONTACT,
        ),
        Action::AskSubject => (A_ASK_SUBJECT, Some(A_ASK_SUBJECT_HINT), B_ASK_SUBJECT),
        Action::Link => (A_LINK, Some(A_LINK_HINT), B_LINK),
    };
    ActionTexts {
        title,
        hint,
        button,
    }
}

pub fn email_kind(kind: EmailKind) -> Text {
    match kind {
        EmailKind::VerificationCode => MAIL_CODE,
        EmailKind::EmailConfirmation => MAIL_CONFIRM_EMAIL,
        EmailKind::RepresentationCheck => MAIL_REPRESENTATION_CHECK,
        EmailKind::DpoDigest => MAIL_DIGEST,
        EmailKind::Acknowledgment => MAIL_ACK,
        EmailKind::DpoNewRequest => MAIL_DPO_NEW,
        EmailKind::InformationRequested => MAIL_INFO,
        EmailKind::ClarificationRequested => MAIL_CLARIFY,
        EmailKind::InformationReminder => MAIL_REMINDER,
        EmailKind::DpoMessage => MAIL_MESSAGE,
        EmailKind::Extended => MAIL_EXTENDED,
        EmailKind::Completed => MAIL_COMPLETED,
        EmailKind::Refused => MAIL_REFUSED,
        EmailKind::Answers => MAIL_ANSWERS,
        EmailKind::AccountLocked => MAIL_ACCOUNT_LOCKED,
        EmailKind::Withdrawn => MAIL_WITHDRAWN,
        EmailKind::DpoWithdrawn => MAIL_DPO_WITHDRAWN,
        EmailKind::DpoSubjectAnswered => MAIL_DPO_ANSWERED,
        EmailKind::DpoSubjectWrote => MAIL_DPO_WROTE,
        EmailKind::RestrictionLifted => MAIL_RESTRICTION_LIFTED,
    }
}

pub fn intake(channel: IntakeChannel) -> Text {
    match channel {
        IntakeChannel::Portal => INTAKE_PORTAL,
        IntakeChannel::Letter => INTAKE_LETTER,
        IntakeChannel::Email => INTAKE_EMAIL,
        IntakeChannel::Phone => INTAKE_PHONE,
        IntakeChannel::InPerson => INTAKE_IN_PERSON,
    }
}

pub fn file_direction(direction: FileDirection) -> Text {
    match direction {
        FileDirection::ToSubject => FILE_TO_SUBJECT,
        FileDirection::FromSubject => FILE_FROM_SUBJECT,
    }
}

/// Events as the DPO reads them (the subject's follow page words them for
/// the subject).
pub fn event(kind: EventKind) -> Text {
    use EventKind as E;
    match kind {
        E::Received => E_RECEIVED,
        E::Withdrawn => E_WITHDRAWN,
        E::IdentityCheckStarted => E_IDENTITY_CHECK,
        E::ProcessingStarted => E_PROCESSING,
        E::InformationRequested => E_INFO_REQUESTED,
        E::ClarificationRequested => E_CLARIFY,
        E::SubjectAnswered => E_SUBJECT_ANSWERED,
        E::SubjectMessage => E_SUBJECT_MESSAGE,
        E::DpoMessage => E_DPO_MESSAGE,
        E::Extended => E_EXTENDED,
        E::Completed => E_COMPLETED,
        E::Refused => E_REFUSED,
        E::Assigned => E_ASSIGNED,
        E::NoteAdded => E_NOTE,
        E::FileAttached => E_FILE,
        E::Reminded => E_REMINDED,
        E::RestrictionLifted => E_RESTRICTION_LIFTED,
        E::RecipientTold => E_RECIPIENT_TOLD,
        E::TestMarked => E_TEST_MARKED,
        E::LetterPosted => E_LETTER_POSTED,
        E::FileRemoved => E_FILE_REMOVED,
        E::FileSharedAgain => E_FILE_SHARED_AGAIN,
        E::ContactCorrected => E_CONTACT_CORRECTED,
        E::EmailConfirmed => E_EMAIL_CONFIRMED,
        E::IdentityDocumentDeleted => E_IDENTITY_DOCUMENT_DELETED,
        E::SubjectAskedToConfirm => E_SUBJECT_ASKED,
        E::Linked => E_LINKED,
        E::AnswerReleased => E_ANSWER_RELEASED,
    }
}

pub fn audit_action(action: AuditAction) -> Text {
    use AuditAction as A;
    match action {
        A::AccountCreated => AU_ACCOUNT_CREATED,
        A::AccountDisabled => AU_ACCOUNT_DISABLED,
        A::AccountEnabled => AU_ACCOUNT_ENABLED,
        A::RequestViewed => AU_REQUEST_VIEWED,
        A::AuditKeyed => AU_AUDIT_KEYED,
        A::QueueSearched => AU_QUEUE_SEARCHED,
        A::SystemAdded => AU_SYSTEM_ADDED,
        A::SystemKeyRotated => AU_SYSTEM_KEY_ROTATED,
        A::SystemDisabled => AU_SYSTEM_DISABLED,
        A::TaskCreated => AU_TASK_CREATED,
        A::TaskDelivered => AU_TASK_DELIVERED,
        A::TaskResult => AU_TASK_RESULT,
        A::DeliveriesRetried => AU_DELIVERIES_RETRIED,
        A::RequestRecordedBySystem => AU_RECORDED_BY_SYSTEM,
        A::AccountPasswordReset => AU_PASSWORD_RESET,
        A::AccountSecondFactorReset => AU_SECOND_FACTOR_RESET,
        A::AccountSecondFactorEnabled => AU_SECOND_FACTOR_ENABLED,
        A::AccountSignedIn => AU_SIGNED_IN,
        A::AccountSignedOut => AU_SIGNED_OUT,
        A::AccountSignInFailed => AU_SIGN_IN_FAILED,
        A::AccountLocked => AU_LOCKED,
        A::DigestSent => AU_DIGEST_SENT,
        A::EmailRetried => A_RETRIED,
        A::ExportEvidence => A_EVIDENCE,
        A::ExportRegister => AU_REGISTER,
        A::FileDownloaded => A_DOWNLOADED,
        A::RequestAnonymised => A_ANONYMISED,
        A::RetentionPurged => AU_RETENTION_RUN,
        A::DirectivesRecorded => AU_DIRECTIVES_RECORDED,
        A::DirectivesRevoked => AU_DIRECTIVES_REVOKED,
        A::TemplateSaved => AU_TEMPLATE_SAVED,
    }
}

/// One Art. 15(1) item: its label, and the text the completion form starts
/// with (from SOFACTO's policy; the DPO edits it for the person).
pub fn access_item(item: AccessItem) -> (Text, Text) {
    match item {
        AccessItem::Purposes => (ART15_PURPOSES, ART15_PURPOSES_DEFAULT),
        AccessItem::Categories => (ART15_CATEGORIES, ART15_CATEGORIES_DEFAULT),
        AccessItem::Recipients => (ART15_RECIPIENTS, ART15_RECIPIENTS_DEFAULT),
        AccessItem::Retention => (ART15_RETENTION, ART15_RETENTION_DEFAULT),
        AccessItem::Rights => (ART15_RIGHTS, ART15_RIGHTS_DEFAULT),
        AccessItem::Source => (ART15_SOURCE, ART15_SOURCE_DEFAULT),
        AccessItem::Automated => (ART15_AUTOMATED, ART15_AUTOMATED_DEFAULT),
        AccessItem::Transfers => (ART15_TRANSFERS, ART15_TRANSFERS_DEFAULT),
    }
}

/// Where a system stands on a request (`systems::tasks::RequestTask`).
pub fn task_standing(standing: crate::domain::task::TaskStanding) -> Text {
    use crate::domain::task::TaskStanding as S;
    match standing {
        S::Waiting => TASK_WAITING,
        S::Delivered => TASK_DELIVERED,
        S::Undelivered => TASK_UNDELIVERED,
        S::Done => TASK_DONE,
        S::NotFound => TASK_NOT_FOUND,
        S::Kept => TASK_KEPT,
        S::Failed => TASK_FAILED,
    }
}

/// Why a webhook delivery failed, from its stored code; text an older
/// version stored is shown as it is.
pub fn delivery_error(lang: super::Lang, stored: &str) -> String {
    use crate::domain::task::DeliveryError as E;
    match E::parse(stored) {
        Some(E::Status(code)) => DELIVERY_STATUS.with(lang, &[("code", &code)]),
        Some(E::Timeout) => DELIVERY_TIMEOUT.with(
            lang,
            &[("seconds", &crate::domain::task::WEBHOOK_TIMEOUT_SECS)],
        ),
        Some(E::Connect) => DELIVERY_CONNECT.get(lang).to_owned(),
        Some(E::Request) => DELIVERY_REQUEST.get(lang).to_owned(),
        Some(E::SecretUnreadable) => DELIVERY_SECRET_UNREADABLE.get(lang).to_owned(),
        Some(E::SecretInvalid) => DELIVERY_SECRET_INVALID.get(lang).to_owned(),
        Some(E::Internal) => DELIVERY_INTERNAL.get(lang).to_owned(),
        None => stored.to_owned(),
    }
}

/// A ground for not doing part of a request, as the DPO picks it and as
/// the subject reads it in the completion email.
pub fn kept_ground(ground: KeptGround) -> Text {
    match ground {
        KeptGround::LegalObligation => KEPT_LEGAL_OBLIGATION,
        KeptGround::LegalClaims => KEPT_LEGAL_CLAIMS,
        KeptGround::Archiving => KEPT_ARCHIVING,
        KeptGround::ThirdPartyRights => KEPT_THIRD_PARTIES,
        KeptGround::Accurate => KEPT_ACCURATE,
    }
}

impl super::Label for IdentityStep {
    fn label(&self) -> Text {
        match self {
            IdentityStep::Fact => STEP_FACT,
            IdentityStep::Document => STEP_DOCUMENT,
        }
    }
}

impl super::Label for IdentityMethod {
    fn label(&self) -> Text {
        match self {
            IdentityMethod::EmailCode => METHOD_EMAIL_CODE,
            IdentityMethod::CheckedFact => METHOD_CHECKED_FACT,
            IdentityMethod::Document => METHOD_DOCUMENT,
            IdentityMethod::InPerson => METHOD_IN_PERSON,
            IdentityMethod::Representative => METHOD_REPRESENTATIVE,
        }
    }
}

pub fn file_purpose(purpose: FilePurpose) -> Text {
    match purpose {
        FilePurpose::Identity => IDENTITY_FILE,
        FilePurpose::Proof => PROOF_FILE,
        FilePurpose::Original => ORIGINAL_FILE,
    }
}

pub fn acting(acting: Acting) -> Text {
    match acting {
        Acting::Myself => ACTING_SELF,
        Acting::Agent => ACTING_AGENT,
        Acting::Guardian => ACTING_GUARDIAN,
        Acting::Heir => ACTING_HEIR,
    }
}
