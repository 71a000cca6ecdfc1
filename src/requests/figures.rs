//! The dashboard's figures (`/dpo/dashboard`), computed from one snapshot
//! of the database: counts by status and by right, the overdue requests,
//! the on-time rate and the median days to close over 12 months, and the
//! requests received and closed per month.

use crate::clock::Millis;
use crate::domain::{Date, RightKind, Status};
use anyhow::Context;
use sqlx::Row;

/// The window of the rates and the chart.
pub const MONTHS: usize = 12;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Every status with its number of requests.
    pub by_status: Vec<(Status, i64)>,
    /// Every right: (all requests, open ones).
    pub by_right: Vec<(RightKind, i64, i64)>,
    /// Open requests past their due date, most overdue first (at most 50).
    pub overdue: Vec<(String, RightKind, Date)>,
    pub overdue_count: i64,
    /// Completed or refused in the window, and of those, answered on or
    /// before their due date: the day the answer's email was sent, or the
    /// closing day when there was no address to send it to. A refusal after
    /// the due date is late like a completion. Withdrawn requests are left
    /// out.
    pub decided: i64,
    pub on_time: i64,
    /// Open requests already past their due date: late too, so they count
    /// in the rate (leaving them out would flatter it).
    pub late_open: i64,
    /// Median calendar days from receipt to closing, completed and refused
    /// requests of the window.
    pub median_days: Option<f64>,
    /// (year, month, received, closed), oldest first.
    pub months: Vec<(i32, u32, i64, i64)>,
}

impl Stats {
    /// The requests the on-time rate counts: those decided in the window
    /// and those still open past their due date.
    pub fn counted(&self) -> i64 {
        self.decided + self.late_open
    }

    /// The on-time rate in percent, one decimal: 10 answered on time and 5
    /// open and late give 10 of 15, 66.7 %.
    pub fn on_time_percent(&self) -> Option<f64> {
        let counted = self.counted();
        (counted > 0).then(|| (self.on_time as f64 * 1000.0 / counted as f64).round() / 10.0)
    }
}

/// The first day of the month `back` months before `today`'s.
fn month_start(today: Date, back: u32) -> Date {
    let index = today.year * 12 + today.month as i32 - 1 - back as i32;
    Date::new(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).unwrap_or(today)
}

/// Midnight, Paris time, at the start of `date`, in milliseconds.
fn paris_midnight(date: Date) -> Millis {
    let utc = date.to_days() * 86_400_000;
    utc - crate::domain::paris_offset_millis(utc)
}

/// Every figure from one snapshot of the database, so that they add up
/// while other DPOs work: one read transaction (repeatable read on
/// PostgreSQL; a WAL read transaction is one already on SQLite).
pub async fn stats(pool: &crate::db::Pool, now: Millis) -> anyhow::Result<Stats> {
    let mut tx = pool.begin().await.context("dashboard: begin")?;
    if tx.backend_name() == "PostgreSQL" {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .context("dashboard: one snapshot")?;
    }
    let stats = read_stats(&mut tx, now).await?;
    tx.rollback().await.context("dashboard: end")?;
    Ok(stats)
}

async fn read_stats(tx: &mut sqlx::AnyConnection, now: Millis) -> anyhow::Result<Stats> {
    let today = Date::paris_of(now);
    let mut by_status: Vec<(Status, i64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for row in sqlx::query("SELECT status, COUNT(*) AS n FROM requests GROUP BY status")
        .fetch_all(&mut *tx)
        .await
        .context("dashboard: count by status")?
    {
        if let Some(status) = Status::parse(&row.get::<String, _>("status"))
            && let Some(slot) = by_status.iter_mut().find(|(s, _)| *s == status)
        {
            slot.1 = row.get("n");
        }
    }
    let mut by_right: Vec<(RightKind, i64, i64)> =
        RightKind::ALL.iter().map(|r| (*r, 0, 0)).collect();
    for row in sqlx::query(
        "SELECT right_kind, COUNT(*) AS n, COALESCE(SUM(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END), 0) AS open \
         FROM requests GROUP BY right_kind",
    )
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: count by right")?
    {
        if let Some(right) = RightKind::parse(&row.get::<String, _>("right_kind"))
            && let Some(slot) = by_right.iter_mut().find(|(r, _, _)| *r == right)
        {
            slot.1 = row.get("n");
            slot.2 = row.get("open");
        }
    }
    let today_iso = today.iso();
    let overdue_count: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM requests WHERE open_due IS NOT NULL AND open_due <> '' AND open_due < $1",
    )
    .bind(&today_iso)
    .fetch_one(&mut *tx)
    .await
    .context("dashboard: count the overdue")?
    .get("n");
    let overdue = sqlx::query(
        "SELECT reference, right_kind, open_due FROM requests \
         WHERE open_due IS NOT NULL AND open_due <> '' AND open_due < $1 ORDER BY open_due, reference LIMIT 50",
    )
    .bind(&today_iso)
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: list the overdue")?
    .iter()
    .filter_map(|row| {
        Some((
            row.get::<String, _>("reference"),
            RightKind::parse(&row.get::<String, _>("right_kind"))?,
            Date::parse_iso(&row.get::<String, _>("open_due"))?,
        ))
    })
    .collect();

    let first_month = month_start(today, MONTHS as u32 - 1);
    let mut months: Vec<(i32, u32, i64, i64)> = (0..MONTHS as u32)
        .rev()
        .map(|back| {
            let m = month_start(today, back);
            (m.year, m.month, 0, 0)
        })
        .collect();
    for row in sqlx::query(
        "SELECT substr(received_on, 1, 7) AS month, COUNT(*) AS n FROM requests \
         WHERE received_on >= $1 GROUP BY substr(received_on, 1, 7)",
    )
    .bind(first_month.iso())
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: count received per month")?
    {
        let month: String = row.get("month");
        if let Some(date) = Date::parse_iso(&format!("{month}-01"))
            && let Some(entry) = months
                .iter_mut()
                .find(|(y, m, _, _)| *y == date.year && *m == date.month)
        {
            entry.2 = row.get("n");
        }
    }

    // Closings of the window: rates, median and the chart's second bar.
    let year_ago = paris_midnight(today.add_days(-365));
    let window_start = paris_midnight(first_month).min(year_ago);
    // When the answer left: its email's sending time; `pending` when it is
    // queued but not sent yet (not answered until it goes).
    let closed = sqlx::query(
        "SELECT r.status, r.closed_at, r.received_on, r.due_on, \
         (SELECT MIN(o.sent_at) FROM outbox o WHERE o.request_id = r.id AND o.kind IN ('completed', 'refused') \
          AND o.status = 'sent') AS sent_at, \
         (SELECT COUNT(*) FROM outbox o WHERE o.request_id = r.id AND o.kind IN ('completed', 'refused')) AS answers \
         FROM requests r WHERE r.closed_at >= $1",
    )
    .bind(window_start)
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: read the closings")?;
    let (mut decided, mut on_time, mut days) = (0, 0, Vec::new());
    for row in &closed {
        let closed_at: Millis = row.get("closed_at");
        let closed_on = Date::paris_of(closed_at);
        if let Some(entry) = months
            .iter_mut()
            .find(|(y, m, _, _)| *y == closed_on.year && *m == closed_on.month)
        {
            entry.3 += 1;
        }
        let status: String = row.get("status");
        if closed_at < year_ago || !matches!(status.as_str(), "completed" | "refused") {
            continue;
        }
        decided += 1;
        let due = row
            .get::<Option<String>, _>("due_on")
            .as_deref()
            .and_then(Date::parse_iso);
        let sent_at: Option<Millis> = row.get("sent_at");
        let answers: i64 = row.get("answers");
        let answered_on = match (sent_at, answers) {
            (Some(sent), _) => Date::paris_of(sent),
            // Queued, not sent yet: not answered before today.
            (None, n) if n > 0 => today,
            // No address (a letter to answer by post): the closing day.
            (None, _) => closed_on,
        };
        if due.is_some_and(|due| answered_on <= due) {
            on_time += 1;
        }
        if let Some(received) = Date::parse_iso(&row.get::<String, _>("received_on")) {
            days.push(closed_on.to_days() - received.to_days());
        }
    }
    days.sort_unstable();
    let median_days = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2] as f64),
        n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    };
    Ok(Stats {
        by_status,
        by_right,
        overdue,
        overdue_count,
        decided,
        on_time,
        late_open: overdue_count,
        median_days,
        months,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_requests_past_due_count_as_late() {
        // 10 answered on time, 5 open and 40 days late: 10 of 15.
        let stats = Stats {
            decided: 10,
            on_time: 10,
            late_open: 5,
            ..Stats::default()
        };
        assert_eq!(stats.counted(), 15);
        assert_eq!(stats.on_time_percent(), Some(66.7));
        assert_eq!(Stats::default().on_time_percent(), None);
    }

    #[test]
    fn months_go_back_across_the_year() {
        let today = Date::new(2026, 2, 14).unwrap();
        assert_eq!(month_start(today, 0), Date::new(2026, 2, 1).unwrap());
        assert_eq!(month_start(today, 2), Date::new(2025, 12, 1).unwrap());
        assert_eq!(month_start(today, 11), Date::new(2025, 3, 1).unwrap());
    }
}
