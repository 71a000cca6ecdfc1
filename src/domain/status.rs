use super::choice::choice_enum;

choice_enum! {
    /// Where a request stands. `received → identity_check → in_progress →
    /// completed`, with `awaiting_subject` (the legal clock paused), `refused`
    /// and `withdrawn`.
    pub enum Status {
        Received = "received",
        IdentityCheck = "identity_check",
        InProgress = "in_progress",
        AwaitingSubject = "awaiting_subject",
        Completed = "completed",
        Refused = "refused",
        Withdrawn = "withdrawn",
    }
}

impl Status {
    /// For a decided request (completed or refused), whether its answer
    /// left on or before its due date: `answered_on` is the day its email
    /// was sent, or the closing day when there was none to send; `None`
    /// while it waits to be sent, so it is late once `today` passes the
    /// due date. `None` for any other request, or without a due date. The
    /// register, the evidence file and the dashboard (in SQL) read it so.
    pub fn answered_on_time(
        self,
        answered_on: Option<super::Date>,
        due: Option<super::Date>,
        today: super::Date,
    ) -> Option<bool> {
        matches!(self, Status::Completed | Status::Refused)
            .then_some(due?)
            .map(|due| answered_on.unwrap_or(today) <= due)
    }

    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Status::Completed | Status::Refused | Status::Withdrawn
        )
    }

    /// Whether the server accepts a move from `self` to `next`.
    pub fn can_become(self, next: Status) -> bool {
        use Status::*;
        match (self, next) {
            (from, Withdrawn) => !from.is_closed(),
            (Received, IdentityCheck | InProgress | AwaitingSubject | Refused) => true,
            (IdentityCheck, InProgress | AwaitingSubject | Refused) => true,
            (InProgress, AwaitingSubject | Completed | Refused) => true,
            // The subject answers: back to where it was, whichever.
            (AwaitingSubject, Received | IdentityCheck | InProgress | Refused) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.slug()), Some(*status));
        }
    }

    #[test]
    fn closed_requests_cannot_move_and_open_ones_can_be_withdrawn() {
        for closed in [Status::Completed, Status::Refused, Status::Withdrawn] {
            assert!(
                Status::ALL.iter().all(|next| !closed.can_become(*next)),
                "{closed:?}"
            );
        }
        for open in [
            Status::Received,
            Status::IdentityCheck,
            Status::InProgress,
            Status::AwaitingSubject,
        ] {
            assert!(open.can_become(Status::Withdrawn));
        }
        assert!(
            !Status::Received.can_become(Status::Completed),
            "never completed unprocessed"
        );
        for before in [Status::Received, Status::IdentityCheck, Status::InProgress] {
            assert!(before.can_become(Status::AwaitingSubject));
            assert!(
                Status::AwaitingSubject.can_become(before),
                "the subject's answer goes back to {before:?}"
            );
        }
    }
}
