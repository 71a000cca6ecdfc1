use serde::{Deserialize, Serialize};

/// Where a request stands. `received → identity_check → in_progress →
/// completed`, with `awaiting_subject` (the legal clock paused), `refused`
/// and `withdrawn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Received,
    IdentityCheck,
    InProgress,
    AwaitingSubject,
    Completed,
    Refused,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Received,
        Status::IdentityCheck,
        Status::InProgress,
        Status::AwaitingSubject,
        Status::Completed,
        Status::Refused,
        Status::Withdrawn,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::IdentityCheck => "identity_check",
            Status::InProgress => "in_progress",
            Status::AwaitingSubject => "awaiting_subject",
            Status::Completed => "completed",
            Status::Refused => "refused",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
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
            (AwaitingSubject, IdentityCheck | InProgress | Refused) => true,
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
            assert_eq!(Status::parse(status.slug()), Some(status));
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
    }
}
