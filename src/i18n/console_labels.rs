//! The words for the console's closed lists: each is an exhaustive match,
//! so a new variant does not compile until it has its words. Server-only,
//! like the console.

use super::Text;
use super::console::*;
use crate::domain::Action;
use crate::domain::choice::{FileDirection, IntakeChannel};
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
        Action::RecordAnswer => (A_RECORD_ANSWER, Some(A_RECORD_ANSWER_HINT), B_RECORD_ANSWER),
        // Its hint follows its fields.
        Action::Complete => (A_COMPLETE, None, B_COMPLETE),
        Action::Extend => (A_EXTEND, Some(A_EXTEND_HINT), B_EXTEND),
        Action::Message => (A_MESSAGE, None, B_MESSAGE),
        Action::Note => (A_NOTE, Some(A_NOTE_HINT), B_NOTE),
        Action::Assign => (A_ASSIGN, None, B_ASSIGN),
        // Its hint follows its fields.
        Action::Refuse => (A_REFUSE, None, B_REFUSE),
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
        EmailKind::DpoDigest => MAIL_DIGEST,
        EmailKind::Acknowledgment => MAIL_ACK,
        EmailKind::DpoNewRequest => MAIL_DPO_NEW,
        EmailKind::InformationRequested => MAIL_INFO,
        EmailKind::InformationReminder => MAIL_REMINDER,
        EmailKind::DpoMessage => MAIL_MESSAGE,
        EmailKind::Extended => MAIL_EXTENDED,
        EmailKind::Completed => MAIL_COMPLETED,
        EmailKind::Refused => MAIL_REFUSED,
        EmailKind::Withdrawn => MAIL_WITHDRAWN,
        EmailKind::DpoWithdrawn => MAIL_DPO_WITHDRAWN,
        EmailKind::DpoSubjectAnswered => MAIL_DPO_ANSWERED,
        EmailKind::DpoSubjectWrote => MAIL_DPO_WROTE,
    }
}

pub fn intake(channel: IntakeChannel) -> Text {
    match channel {
        IntakeChannel::Portal => INTAKE_PORTAL,
        IntakeChannel::Letter => INTAKE_LETTER,
        IntakeChannel::Email => INTAKE_EMAIL,
    }
}

pub fn file_direction(direction: FileDirection) -> Text {
    match direction {
        FileDirection::ToSubject => FILE_TO_SUBJECT,
        FileDirection::FromSubject => FILE_FROM_SUBJECT,
    }
}
