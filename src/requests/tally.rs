//! The console's counts, kept rather than scanned (issue 20): how many open
//! requests each quick filter would show. `file` and `change::apply` move a
//! request's place here in the transaction that writes it, so the counts
//! commit or roll back with the request; reading them takes a few hundred
//! rows whatever the number of requests (`queue::counts`).
//!
//! Two tables (migration `queue_tally`): open requests by status, right and
//! handler, and open requests by day. Overdue and due-this-week change with
//! the date rather than with a write, so they are kept per due date and
//! summed against today when read; those awaiting the subject too long, per
//! day their pause began. Rows back at zero go with the purge (`purge`).

use crate::domain::{Date, RightKind, Status};
use crate::requests::RequestRow;
use crate::requests::deadline::{PAUSED_KEY, open_due};
use anyhow::Context;

/// Where one request counts: nowhere once closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    status: Status,
    right: RightKind,
    /// The handling DPO's account id, '' for none.
    assignee: String,
    /// The queue's key (`deadline::open_due`): the due date, or
    /// `PAUSED_KEY` while paused.
    due_key: String,
    /// The day a pause began, for a paused request only.
    paused_since: Option<Date>,
}

impl Place {
    pub fn of(
        status: Status,
        right: RightKind,
        assignee: Option<&str>,
        due_on: Option<Date>,
        paused_since: Option<Date>,
    ) -> Option<Place> {
        let due_key = open_due(status, due_on)?;
        let paused_since = paused_since.filter(|_| due_key == PAUSED_KEY);
        Some(Place {
            status,
            right,
            assignee: assignee.unwrap_or("").to_owned(),
            due_key,
            paused_since,
        })
    }

    /// A request as stored.
    pub fn of_row(row: &RequestRow) -> Option<Place> {
        Place::of(
            row.status,
            row.right,
            row.assignee_id.as_deref(),
            row.due_on.0,
            row.paused_since.0,
        )
    }
}

/// One counter a move adds to or takes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Counter {
    Tally {
        status: &'static str,
        right: &'static str,
        assignee: String,
    },
    Day {
        kind: &'static str,
        day: String,
    },
}

fn counters(place: &Place) -> Vec<Counter> {
    let mut counters = vec![
        Counter::Tally {
            status: place.status.slug(),
            right: place.right.slug(),
            assignee: place.assignee.clone(),
        },
        Counter::Day {
            kind: "due",
            day: place.due_key.clone(),
        },
    ];
    if let Some(since) = place.paused_since {
        counters.push(Counter::Day {
            kind: "paused",
            day: since.iso(),
        });
    }
    counters
}

/// What moving a request from `before` to `after` adds to each counter:
/// those that do not change left out, in one fixed order so that two
/// PostgreSQL transactions moving requests in opposite directions lock
/// the rows in the same order and never wait on each other.
fn deltas(before: Option<&Place>, after: Option<&Place>) -> Vec<(Counter, i64)> {
    let mut deltas: Vec<(Counter, i64)> = Vec::new();
    let mut add = |counter: Counter, by: i64| match deltas.iter_mut().find(|(c, _)| *c == counter) {
        Some((_, n)) => *n += by,
        None => deltas.push((counter, by)),
    };
    for counter in before.map(counters).unwrap_or_default() {
        add(counter, -1);
    }
    for counter in after.map(counters).unwrap_or_default() {
        add(counter, 1);
    }
    deltas.retain(|(_, n)| *n != 0);
    deltas.sort();
    deltas
}

/// Moves one request's place in the counts, in the transaction that
/// writes the request. Nothing to write when its place stays.
pub async fn moved(
    tx: &mut sqlx::AnyConnection,
    before: Option<&Place>,
    after: Option<&Place>,
) -> anyhow::Result<()> {
    for (counter, by) in deltas(before, after) {
        match counter {
            Counter::Tally {
                status,
                right,
                assignee,
            } => sqlx::query(
                "INSERT INTO queue_tally (status, right_kind, assignee_id, n) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (status, right_kind, assignee_id) DO UPDATE SET n = queue_tally.n + excluded.n",
            )
            .bind(status)
            .bind(right)
            .bind(assignee)
            .bind(by)
            .execute(&mut *tx)
            .await
            .context("tally: count a request's status")?,
            Counter::Day { kind, day } => sqlx::query(
                "INSERT INTO queue_days (kind, day, n) VALUES ($1, $2, $3) \
                 ON CONFLICT (kind, day) DO UPDATE SET n = queue_days.n + excluded.n",
            )
            .bind(kind)
            .bind(day)
            .bind(by)
            .execute(&mut *tx)
            .await
            .context("tally: count a request's day")?,
        };
    }
    Ok(())
}

/// Counts again from the requests themselves, in one transaction: after
/// requests were written around `file` and `change`: a bench's seeding.
pub async fn recount(pool: &crate::db::Pool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await.context("tally: begin")?;
    for sql in [
        "DELETE FROM queue_tally",
        "DELETE FROM queue_days",
        "INSERT INTO queue_tally (status, right_kind, assignee_id, n) \
         SELECT status, right_kind, COALESCE(assignee_id, ''), COUNT(*) \
         FROM requests WHERE open_due IS NOT NULL \
         GROUP BY status, right_kind, COALESCE(assignee_id, '')",
        "INSERT INTO queue_days (kind, day, n) \
         SELECT 'due', open_due, COUNT(*) FROM requests WHERE open_due IS NOT NULL GROUP BY open_due",
    ] {
        sqlx::query(sql)
            .execute(&mut *tx)
            .await
            .context("tally: recount")?;
    }
    sqlx::query(
        "INSERT INTO queue_days (kind, day, n) \
         SELECT 'paused', paused_since, COUNT(*) FROM requests \
         WHERE open_due = $1 AND paused_since IS NOT NULL GROUP BY paused_since",
    )
    .bind(PAUSED_KEY)
    .execute(&mut *tx)
    .await
    .context("tally: recount the paused requests")?;
    tx.commit().await.context("tally: commit the recount")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    fn place(status: Status, assignee: Option<&str>) -> Option<Place> {
        Place::of(
            status,
            RightKind::Access,
            assignee,
            (status != Status::AwaitingSubject).then(|| d("2027-01-10")),
            (status == Status::AwaitingSubject).then(|| d("2026-12-20")),
        )
    }

    #[test]
    fn a_closed_request_counts_nowhere_and_a_filed_one_in_two_counters() {
        assert_eq!(place(Status::Completed, None), None);
        let filed = deltas(None, place(Status::Received, None).as_ref());
        assert_eq!(filed.len(), 2);
        assert!(filed.iter().all(|(_, n)| *n == 1));
    }

    #[test]
    fn an_assignment_moves_only_the_status_counter() {
        let moved = deltas(
            place(Status::Received, None).as_ref(),
            place(Status::Received, Some("a")).as_ref(),
        );
        assert_eq!(moved.len(), 2, "{moved:?}");
        assert_eq!(moved.iter().map(|(_, n)| n).sum::<i64>(), 0);
        assert!(
            moved
                .iter()
                .all(|(c, _)| matches!(c, Counter::Tally { .. }))
        );
        // A note: nothing to write.
        let same = place(Status::InProgress, Some("a"));
        assert!(deltas(same.as_ref(), same.as_ref()).is_empty());
    }

    #[test]
    fn a_pause_counts_its_first_day_and_a_close_takes_every_counter_back() {
        let paused = place(Status::AwaitingSubject, None);
        let pause = deltas(place(Status::InProgress, None).as_ref(), paused.as_ref());
        assert!(pause.contains(&(
            Counter::Day {
                kind: "paused",
                day: "2026-12-20".into()
            },
            1
        )));
        assert!(pause.contains(&(
            Counter::Day {
                kind: "due",
                day: PAUSED_KEY.into()
            },
            1
        )));
        let closed = deltas(paused.as_ref(), None);
        assert_eq!(closed.len(), 3);
        assert!(closed.iter().all(|(_, n)| *n == -1));
        // The pause's first day is kept for a paused request only.
        let running = Place::of(
            Status::InProgress,
            RightKind::Access,
            None,
            Some(d("2027-01-10")),
            Some(d("2026-12-20")),
        )
        .unwrap();
        assert_eq!(running.paused_since, None);
    }

    #[test]
    fn counters_are_written_in_one_order_whichever_way_a_request_moves() {
        let a = place(Status::Received, Some("a"));
        let b = place(Status::InProgress, Some("b"));
        let forth: Vec<Counter> = deltas(a.as_ref(), b.as_ref())
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        let back: Vec<Counter> = deltas(b.as_ref(), a.as_ref())
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(forth, back);
    }
}
