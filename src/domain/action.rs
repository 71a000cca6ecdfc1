//! The DPO's actions on a request, beside the statuses they lead to
//! (`Status::can_become`): which status each needs, and where it goes.
//! The console offers exactly the actions `Action::offered` gives, each
//! with its form; the server refuses the others whatever is posted.

use super::Status;
use super::choice::choice_enum;

choice_enum! {
    /// The actions, as named in their addresses, in the order the request
    /// page offers them.
    pub enum Action {
        CheckIdentity = "check-identity",
        Start = "start",
        /// A proof of identity, on a reasonable doubt (Art. 12(6)): the
        /// clock pauses until the subject answers.
        AskInformation = "ask-information",
        /// Which data or which processing the subject means (recital 63):
        /// the clock runs on.
        AskClarification = "ask-clarification",
        RecordAnswer = "record-answer",
        Complete = "complete",
        Extend = "extend",
        Message = "message",
        Note = "note",
        Assign = "assign",
        Refuse = "refuse",
        /// Lifts a restriction in force, telling the subject before it
        /// takes effect (Art. 18(3)).
        LiftRestriction = "lift-restriction",
        /// Records a recipient told of the rectification, erasure or
        /// restriction after closing (Art. 19).
        AddRecipient = "add-recipient",
        /// Marks the request as a test, or not: a test is left out of the
        /// dashboard's rates and counts, and stays in the queue and the
        /// register.
        MarkTest = "mark-test",
        /// Records the day a letter was posted (or handed over): the proof
        /// that the subject was told.
        MarkPosted = "mark-posted",
        /// Removes a reply file attached by mistake, before it is shared.
        RemoveFile = "remove-file",
        /// Shares a reply file again for 7 days once its download expired.
        ReshareFile = "reshare-file",
        /// Corrects the subject's name, language, reply channel or email
        /// address, with a reason; a new address is confirmed from its
        /// mailbox before anything is sent to it.
        CorrectContact = "correct-contact",
        /// Asks the subject, at the address the person acting for them
        /// gave, to confirm that they act for them.
        AskSubject = "ask-subject",
        /// Links another request of the same person (one letter asking
        /// for several rights): they are shown together.
        Link = "link",
    }
}

/// What decides the actions a request offers, besides its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub status: Status,
    /// Extended once already.
    pub extended: bool,
    /// False where the law forbids a refusal (`RightDetails::may_be_refused`).
    pub refusable: bool,
    /// A completed restriction not lifted yet.
    pub restriction_in_force: bool,
    /// A right whose answer says which recipients were told (Art. 19).
    pub tells_recipients: bool,
    /// Letters printed but not marked posted yet.
    pub letters_to_post: bool,
    /// Reply files attached and not shared yet.
    pub unshared_files: bool,
    /// Shared reply files whose download has expired.
    pub expired_files: bool,
    /// Filed by someone acting for the subject, who gave the subject's
    /// address.
    pub subject_reachable: bool,
}

impl Standing {
    /// A request in `status`, with nothing else that matters.
    pub fn of(status: Status) -> Standing {
        Standing {
            status,
            extended: false,
            refusable: true,
            restriction_in_force: false,
            tells_recipients: false,
            letters_to_post: false,
            unshared_files: false,
            expired_files: false,
            subject_reachable: false,
        }
    }
}

impl Action {
    /// The status the action leads to, if it changes it.
    pub fn target(self) -> Option<Status> {
        match self {
            Action::CheckIdentity => Some(Status::IdentityCheck),
            Action::Start => Some(Status::InProgress),
            Action::AskInformation => Some(Status::AwaitingSubject),
            Action::Complete => Some(Status::Completed),
            Action::Refuse => Some(Status::Refused),
            // Back to the status before the pause (requests::apply).
            Action::RecordAnswer => None,
            Action::AskClarification
            | Action::Extend
            | Action::Message
            | Action::Note
            | Action::Assign
            | Action::LiftRestriction
            | Action::AddRecipient
            | Action::MarkTest
            | Action::MarkPosted
            | Action::RemoveFile
            | Action::ReshareFile
            | Action::CorrectContact
            | Action::AskSubject
            | Action::Link => None,
        }
    }

    /// Whether the action is offered on a request in `status` (the server
    /// refuses the others whatever is posted).
    pub fn allowed_from(self, status: Status) -> bool {
        use Status::*;
        match self {
            Action::CheckIdentity => status == Received,
            Action::Start => matches!(status, Received | IdentityCheck),
            Action::AskInformation => matches!(status, Received | IdentityCheck | InProgress),
            Action::RecordAnswer => status == AwaitingSubject,
            Action::Complete => status == InProgress,
            Action::Refuse | Action::Extend => {
                matches!(
                    status,
                    Received | IdentityCheck | InProgress | AwaitingSubject
                )
            }
            Action::AskClarification
            | Action::Assign
            | Action::CorrectContact
            | Action::AskSubject => !status.is_closed(),
            // Addenda: also after closing, which they never reopen. A
            // message goes to a subject who was answered, not to one who
            // withdrew.
            Action::Note
            | Action::MarkTest
            | Action::MarkPosted
            | Action::RemoveFile
            | Action::Link => true,
            // Shared files come with a completion.
            Action::ReshareFile => status == Completed,
            Action::Message => status != Withdrawn,
            Action::LiftRestriction | Action::AddRecipient => status == Completed,
        }
    }

    /// An addendum: possible on a closed request too, and audited like any
    /// change, but it neither reopens the request nor moves its clock.
    pub fn is_addendum(self) -> bool {
        matches!(
            self,
            Action::Message
                | Action::Note
                | Action::LiftRestriction
                | Action::AddRecipient
                | Action::MarkTest
                | Action::MarkPosted
                | Action::RemoveFile
                | Action::ReshareFile
                | Action::Link
        )
    }

    /// Whether the action is offered on, and accepted for, a request
    /// standing so.
    pub fn allowed(self, standing: &Standing) -> bool {
        self.allowed_from(standing.status)
            && (standing.refusable || self != Action::Refuse)
            && (standing.restriction_in_force || self != Action::LiftRestriction)
            && (standing.tells_recipients || self != Action::AddRecipient)
            && (standing.letters_to_post || self != Action::MarkPosted)
            && (standing.unshared_files || self != Action::RemoveFile)
            && (standing.expired_files || self != Action::ReshareFile)
            && (standing.subject_reachable || self != Action::AskSubject)
    }

    /// The step a DPO most likely takes next on a request standing so: the
    /// one form the request page opens at its top. A letter to post comes
    /// first (until it is posted the subject was not told); then confirm
    /// the identity of a new request, record the answer of a subject who
    /// was asked, or complete one in progress. `None` once closed with
    /// nothing waiting.
    pub fn next_step(standing: &Standing) -> Option<Action> {
        let step = if standing.letters_to_post {
            Action::MarkPosted
        } else {
            match standing.status {
                Status::Received | Status::IdentityCheck => Action::Start,
                Status::AwaitingSubject => Action::RecordAnswer,
                Status::InProgress => Action::Complete,
                Status::Completed | Status::Refused | Status::Withdrawn => return None,
            }
        };
        Action::offered(*standing).find(|a| *a == step)
    }

    /// The actions offered on a request standing so, in page order; an
    /// extension is offered once.
    pub fn offered(standing: Standing) -> impl Iterator<Item = Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(move |action| action.allowed(&standing))
            .filter(move |action| !(standing.extended && *action == Action::Extend))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_request_offers_only_addenda_and_an_open_one_a_note() {
        for status in Status::ALL {
            let offered: Vec<Action> = Action::offered(Standing::of(*status)).collect();
            assert!(offered.contains(&Action::Note), "{status:?}");
            assert_eq!(
                offered.contains(&Action::Message),
                *status != Status::Withdrawn
            );
            assert!(!offered.contains(&Action::LiftRestriction));
            assert!(!offered.contains(&Action::AddRecipient));
            assert_eq!(
                offered.iter().all(|a| a.is_addendum()),
                status.is_closed(),
                "{status:?}: {offered:?}"
            );
        }
        assert!(Action::offered(Standing::of(Status::InProgress)).any(|a| a == Action::Extend));
        assert!(
            !Action::offered(Standing {
                extended: true,
                ..Standing::of(Status::InProgress)
            })
            .any(|a| a == Action::Extend)
        );
        // An objection to direct marketing cannot be refused.
        assert!(Action::offered(Standing::of(Status::InProgress)).any(|a| a == Action::Refuse));
        assert!(
            !Action::offered(Standing {
                refusable: false,
                ..Standing::of(Status::InProgress)
            })
            .any(|a| a == Action::Refuse)
        );
        assert!(
            Action::offered(Standing {
                refusable: false,
                ..Standing::of(Status::InProgress)
            })
            .any(|a| a == Action::Complete)
        );
    }

    #[test]
    fn the_next_step_is_always_an_offered_action() {
        use Status::*;
        let next = |standing: Standing| Action::next_step(&standing);
        assert_eq!(next(Standing::of(Received)), Some(Action::Start));
        assert_eq!(next(Standing::of(IdentityCheck)), Some(Action::Start));
        assert_eq!(
            next(Standing::of(AwaitingSubject)),
            Some(Action::RecordAnswer)
        );
        assert_eq!(next(Standing::of(InProgress)), Some(Action::Complete));
        for closed in [Completed, Refused, Withdrawn] {
            assert_eq!(next(Standing::of(closed)), None);
        }
        for status in Status::ALL {
            let letter = Standing {
                letters_to_post: true,
                ..Standing::of(*status)
            };
            assert_eq!(next(letter), Some(Action::MarkPosted), "{status:?}");
            if let Some(step) = next(Standing::of(*status)) {
                assert!(Action::offered(Standing::of(*status)).any(|a| a == step));
            }
        }
    }

    #[test]
    fn a_restriction_in_force_can_be_lifted_once_completed() {
        let in_force = Standing {
            restriction_in_force: true,
            ..Standing::of(Status::Completed)
        };
        assert!(Action::offered(in_force).any(|a| a == Action::LiftRestriction));
        assert!(Action::LiftRestriction.is_addendum());
    }

    #[test]
    fn every_status_change_is_one_the_statuses_allow() {
        for action in Action::ALL {
            for from in Status::ALL {
                if let Some(to) = action.target().filter(|_| action.allowed_from(*from)) {
                    assert!(from.can_become(to), "{action:?}: {from:?} to {to:?}");
                }
            }
        }
    }
}
