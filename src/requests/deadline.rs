//! The GDPR deadline of one request as stored (not `crate::clock`, which
//! tells the time): what each change does to it, the pause, the extension.
//! The due date itself is `domain::due_date`, the one rule for the page,
//! the emails and the queue.

use super::RequestRow;
use crate::domain::{Date, Status, due_date};

/// What a change does to the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineEffect {
    Keep,
    /// Awaiting the subject: the clock stops.
    Pause,
    /// The subject answered: the days paused are added.
    Resume,
    /// The deadline is extended by one or two months (once).
    Extend {
        months: u32,
    },
}

/// The stored clock after a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub extension_months: u32,
    pub paused_days: i64,
    /// Set while paused: the Paris date the pause began.
    pub paused_since: Option<Date>,
    /// The current due date; `None` while paused.
    pub due_on: Option<Date>,
}

/// A pause from `since` to `today` counts the Paris calendar days between.
pub fn days_paused(since: Date, today: Date) -> i64 {
    (today.to_days() - since.to_days()).max(0)
}

impl Deadline {
    pub fn of(request: &RequestRow) -> Self {
        Deadline {
            extension_months: request.extension_months as u32,
            paused_days: request.paused_days,
            paused_since: request.paused_since.0,
            due_on: request.due_on.0,
        }
    }

    /// The clock after `effect`, on `today` (Paris), for a request
    /// received on `received`.
    pub fn after(&self, effect: DeadlineEffect, received: Date, today: Date) -> Deadline {
        let mut next = self.clone();
        match effect {
            DeadlineEffect::Keep => {}
            DeadlineEffect::Pause => next.paused_since = Some(today),
            DeadlineEffect::Resume => {
                if let Some(since) = next.paused_since.take() {
                    next.paused_days += days_paused(since, today);
                }
            }
            DeadlineEffect::Extend { months } => next.extension_months += months,
        }
        next.due_on = next
            .paused_since
            .is_none()
            .then(|| due_date(received, next.extension_months, next.paused_days));
        next
    }

    /// The due date if the clock ran again today: for a paused request,
    /// the date it would have once the subject answers now.
    pub fn running_due(&self, received: Date, today: Date) -> Date {
        let paused = self.paused_days
            + self
                .paused_since
                .map_or(0, |since| days_paused(since, today));
        due_date(received, self.extension_months, paused)
    }
}

/// The due date of `request` counting none of its current pause: the date
/// that would have passed had the clock run.
pub fn due_date_unpaused(request: &RequestRow) -> Date {
    due_date(
        request.received_on,
        request.extension_months as u32,
        request.paused_days,
    )
}

/// The queue's sort key: the due date of an open request, "9999-12-31"
/// while paused (listed after the others), none once closed.
pub fn open_due(status: Status, due_on: Option<Date>) -> Option<String> {
    if status.is_closed() {
        None
    } else {
        Some(due_on.map_or_else(|| PAUSED_KEY.to_owned(), |d| d.iso()))
    }
}

pub const PAUSED_KEY: &str = "9999-12-31";

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    fn fresh(received: Date) -> Deadline {
        Deadline {
            extension_months: 0,
            paused_days: 0,
            paused_since: None,
            due_on: Some(due_date(received, 0, 0)),
        }
    }

    #[test]
    fn a_pause_empties_the_due_date_and_its_days_are_added_on_resume() {
        let received = d("2026-03-10");
        let paused = fresh(received).after(DeadlineEffect::Pause, received, d("2026-03-20"));
        assert_eq!(paused.due_on, None);
        assert_eq!(
            paused.running_due(received, d("2026-03-27")),
            d("2026-04-17")
        );
        let resumed = paused.after(DeadlineEffect::Resume, received, d("2026-03-27"));
        assert_eq!(resumed.paused_days, 7);
        assert_eq!(resumed.due_on, Some(d("2026-04-17")));
        let extended = resumed.after(
            DeadlineEffect::Extend { months: 2 },
            received,
            d("2026-04-01"),
        );
        assert_eq!(extended.due_on, Some(d("2026-06-17")));
    }

    #[test]
    fn a_pause_and_an_extension_give_the_same_date_in_either_order() {
        let received = d("2027-01-20");
        // Paused from 28 January to 7 February (10 days, across the month
        // end), and extended by two months, in both orders.
        let pause_first = fresh(received)
            .after(DeadlineEffect::Pause, received, d("2027-01-28"))
            .after(DeadlineEffect::Resume, received, d("2027-02-07"))
            .after(
                DeadlineEffect::Extend { months: 2 },
                received,
                d("2027-02-10"),
            );
        let extension_first = fresh(received)
            .after(
                DeadlineEffect::Extend { months: 2 },
                received,
                d("2027-01-25"),
            )
            .after(DeadlineEffect::Pause, received, d("2027-01-28"))
            .after(DeadlineEffect::Resume, received, d("2027-02-07"));
        assert_eq!(pause_first.due_on, Some(d("2027-04-30")));
        assert_eq!(extension_first.due_on, pause_first.due_on);
        // Without the extension: 20 February + 10 days, Tuesday 2 March.
        let paused_only = fresh(received)
            .after(DeadlineEffect::Pause, received, d("2027-01-28"))
            .after(DeadlineEffect::Resume, received, d("2027-02-07"));
        assert_eq!(paused_only.due_on, Some(d("2027-03-02")));
    }

    #[test]
    fn paused_requests_sort_after_the_others_and_closed_ones_leave_the_queue() {
        assert_eq!(
            open_due(Status::AwaitingSubject, None).as_deref(),
            Some(PAUSED_KEY)
        );
        assert_eq!(
            open_due(Status::Received, Some(d("2026-12-28"))).as_deref(),
            Some("2026-12-28")
        );
        assert_eq!(open_due(Status::Completed, Some(d("2026-12-28"))), None);
    }
}
