//! The dashboard's figures (`/dpo/dashboard`), computed from one snapshot
//! of the database: counts by status and by right, the overdue requests,
//! the on-time rate, the median and 95th-percentile days to answer, the
//! extensions, the refusals by reason and the requests by channel over 12
//! months, and the requests received and closed per month. Every figure is
//! a grouped query over a date column; none reads the requests one by one.

use crate::clock::Millis;
use crate::domain::choice::IntakeChannel;
use crate::domain::outcome::{Outcome, RefusalReason};
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
    /// the due date is late like a completion. Withdrawn requests and those
    /// marked as tests are left out of every rate and count of the window.
    pub decided: i64,
    pub on_time: i64,
    /// Open requests already past their due date: late too, so they count
    /// in the rate (leaving them out would flatter it).
    pub late_open: i64,
    /// Calendar days from receipt to the answer, completed and refused
    /// requests of the window: the median and the 95th percentile.
    pub median_days: Option<f64>,
    pub p95_days: Option<f64>,
    /// Extensions granted in the window (Art. 12(3)).
    pub extensions: i64,
    /// Refusals of the window by reason.
    pub refusals: Vec<(RefusalReason, i64)>,
    /// Requests received in the window by channel.
    pub by_channel: Vec<(IntakeChannel, i64)>,
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
         WHERE received_on >= $1 AND is_test = 0 GROUP BY substr(received_on, 1, 7)",
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

    // Closings of the window, each figure one grouped query over the
    // dates stored at closing (`requests::apply`) and at the answer's
    // sending (`answer_sent`), from the `requests_answers` index.
    let year_ago = today.add_days(-365).iso();
    for row in sqlx::query(
        "SELECT substr(closed_on, 1, 7) AS month, COUNT(*) AS n FROM requests \
         WHERE closed_on >= $1 AND is_test = 0 GROUP BY substr(closed_on, 1, 7)",
    )
    .bind(first_month.iso())
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: count closed per month")?
    {
        let month: String = row.get("month");
        if let Some(date) = Date::parse_iso(&format!("{month}-01"))
            && let Some(entry) = months
                .iter_mut()
                .find(|(y, m, _, _)| *y == date.year && *m == date.month)
        {
            entry.3 = row.get("n");
        }
    }
    // Answered on or before the due date: the day the answer left; one
    // still queued is not answered before today.
    let rate = sqlx::query(
        "SELECT COUNT(*) AS decided, \
         COALESCE(SUM(CASE WHEN COALESCE(answered_on, $2) <= due_on THEN 1 ELSE 0 END), 0) AS on_time \
         FROM requests WHERE closed_on >= $1 AND status IN ('completed', 'refused') AND is_test = 0",
    )
    .bind(&year_ago)
    .bind(&today_iso)
    .fetch_one(&mut *tx)
    .await
    .context("dashboard: count the decisions")?;
    let late_open: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM requests \
         WHERE open_due IS NOT NULL AND open_due <> '' AND open_due < $1 AND is_test = 0",
    )
    .bind(&today_iso)
    .fetch_one(&mut *tx)
    .await
    .context("dashboard: count the late open requests")?
    .get("n");
    // Days to answer, as a histogram (a few hundred rows at most, however
    // many requests): its median and 95th percentile.
    let histogram: Vec<(i64, i64)> = sqlx::query(
        "SELECT answer_days, COUNT(*) AS n FROM requests \
         WHERE closed_on >= $1 AND status IN ('completed', 'refused') AND is_test = 0 \
         AND answer_days IS NOT NULL GROUP BY answer_days ORDER BY answer_days",
    )
    .bind(&year_ago)
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: days to answer")?
    .iter()
    .map(|row| (row.get("answer_days"), row.get("n")))
    .collect();
    let extensions: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM requests WHERE extended_at >= $1 AND is_test = 0")
            .bind(paris_midnight(today.add_days(-365)))
            .fetch_one(&mut *tx)
            .await
            .context("dashboard: count the extensions")?
            .get("n");
    let mut refusals: Vec<(RefusalReason, i64)> =
        RefusalReason::ALL.iter().map(|r| (*r, 0)).collect();
    for row in sqlx::query(
        "SELECT refusal_reason, COUNT(*) AS n FROM requests \
         WHERE closed_on >= $1 AND status = 'refused' AND is_test = 0 GROUP BY refusal_reason",
    )
    .bind(&year_ago)
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: count refusals by reason")?
    {
        let reason: Option<String> = row.get("refusal_reason");
        if let Some(reason) = reason.as_deref().and_then(RefusalReason::parse)
            && let Some(slot) = refusals.iter_mut().find(|(r, _)| *r == reason)
        {
            slot.1 = row.get("n");
        }
    }
    let mut by_channel: Vec<(IntakeChannel, i64)> =
        IntakeChannel::ALL.iter().map(|c| (*c, 0)).collect();
    for row in sqlx::query(
        "SELECT intake, COUNT(*) AS n FROM requests \
         WHERE received_on >= $1 AND is_test = 0 GROUP BY intake",
    )
    .bind(&year_ago)
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: count requests by channel")?
    {
        if let Some(channel) = IntakeChannel::parse(&row.get::<String, _>("intake"))
            && let Some(slot) = by_channel.iter_mut().find(|(c, _)| *c == channel)
        {
            slot.1 = row.get("n");
        }
    }
    Ok(Stats {
        by_status,
        by_right,
        overdue,
        overdue_count,
        decided: rate.get("decided"),
        on_time: rate.get("on_time"),
        late_open,
        median_days: percentile(&histogram, 50),
        p95_days: percentile(&histogram, 95),
        extensions,
        refusals,
        by_channel,
        months,
    })
}

/// The `percent`th percentile of a histogram of (value, count), sorted by
/// value: the smallest value at or below which `percent` % of the counts
/// lie (nearest rank); the median of an even count is the mean of the two
/// middle values.
fn percentile(histogram: &[(i64, i64)], percent: i64) -> Option<f64> {
    let total: i64 = histogram.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The value at 1-based rank `rank`.
    let at = |rank: i64| {
        let mut seen = 0;
        histogram
            .iter()
            .find(|(_, n)| {
                seen += n;
                seen >= rank
            })
            .map(|(value, _)| *value as f64)
    };
    if percent == 50 {
        let (low, high) = ((total + 1) / 2, total / 2 + 1);
        return Some((at(low)? + at(high)?) / 2.0);
    }
    at((total * percent + 99) / 100)
}

/// Records that a decision's answer left: its email was sent `now`. The
/// worker calls it after sending a completion or a refusal, or answers
/// held to go together (each request they answer); the first sending
/// counts.
pub async fn answer_sent(
    pool: &crate::db::Pool,
    outbox_id: &str,
    now: Millis,
) -> anyhow::Result<()> {
    let today = Date::paris_of(now);
    let rows = sqlx::query(
        "SELECT r.id, r.received_on FROM requests r JOIN outbox o ON o.request_id = r.id \
         WHERE o.id = $1 AND r.answered_on IS NULL AND r.closed_on IS NOT NULL \
         UNION SELECT r.id, r.received_on FROM requests r JOIN held_answers h ON h.request_id = r.id \
         WHERE h.outbox_id = $1 AND r.answered_on IS NULL AND r.closed_on IS NOT NULL",
    )
    .bind(outbox_id)
    .fetch_all(pool)
    .await
    .context("figures: read the answered requests")?;
    for row in rows {
        let received = Date::parse_iso(&row.get::<String, _>("received_on")).unwrap_or(today);
        sqlx::query(
            "UPDATE requests SET answered_on = $1, answer_days = $2 WHERE id = $3 AND answered_on IS NULL",
        )
        .bind(today.iso())
        .bind(today.to_days() - received.to_days())
        .bind(row.get::<String, _>("id"))
        .execute(pool)
        .await
        .context("figures: record the answer's day")?;
    }
    Ok(())
}

/// Fills the dates of requests closed before they were stored (migration
/// 7), in batches: the closing day, the day the answer left (its first
/// sent email, or the closing day when none was queued) and the refusal's
/// reason. Run by `db::migrate`; it finds nothing to do once done.
pub async fn backfill(pool: &crate::db::Pool) -> anyhow::Result<u64> {
    let mut filled = 0;
    loop {
        let rows = sqlx::query(
            "SELECT r.id, r.status, r.closed_at, r.received_on, r.outcome, \
             (SELECT MIN(o.sent_at) FROM outbox o WHERE o.request_id = r.id \
              AND o.kind IN ('completed', 'refused') AND o.status = 'sent') AS sent_at, \
             (SELECT COUNT(*) FROM outbox o WHERE o.request_id = r.id \
              AND o.kind IN ('completed', 'refused')) AS answers \
             FROM requests r WHERE r.closed_at IS NOT NULL AND r.closed_on IS NULL LIMIT 500",
        )
        .fetch_all(pool)
        .await
        .context("backfill: read closed requests")?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut tx = pool.begin().await.context("backfill: begin")?;
        for row in &rows {
            let closed_on = Date::paris_of(row.get::<Millis, _>("closed_at"));
            let status = Status::parse(&row.get::<String, _>("status"));
            let decided = matches!(status, Some(Status::Completed | Status::Refused));
            let sent_at: Option<Millis> = row.get("sent_at");
            let answers: i64 = row.get("answers");
            let answered_on = match (decided, sent_at, answers) {
                (false, _, _) => None,
                (true, Some(sent), _) => Some(Date::paris_of(sent)),
                (true, None, 0) => Some(closed_on),
                // Queued: the worker records it when it goes.
                (true, None, _) => None,
            };
            let received = Date::parse_iso(&row.get::<String, _>("received_on"));
            let reason = row
                .get::<Option<String>, _>("outcome")
                .and_then(|o| serde_json::from_str::<Outcome>(&o).ok())
                .and_then(|o| match o {
                    Outcome::Refused { reason, .. } => Some(reason.slug()),
                    Outcome::Completed { .. } => None,
                });
            sqlx::query(
                "UPDATE requests SET closed_on = $1, answered_on = $2, answer_days = $3, \
                 refusal_reason = COALESCE(refusal_reason, $4) WHERE id = $5",
            )
            .bind(closed_on.iso())
            .bind(answered_on.map(|d| d.iso()))
            .bind(
                answered_on
                    .zip(received)
                    .map(|(a, r)| a.to_days() - r.to_days()),
            )
            .bind(reason)
            .bind(row.get::<String, _>("id"))
            .execute(&mut *tx)
            .await
            .context("backfill: fill a request")?;
        }
        tx.commit().await.context("backfill: commit")?;
        filled += rows.len() as u64;
    }
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
    fn percentiles_come_from_the_histogram() {
        // 1, 2, 2, 3, 10: median 2, 95th percentile 10.
        let odd = [(1, 1), (2, 2), (3, 1), (10, 1)];
        assert_eq!(percentile(&odd, 50), Some(2.0));
        assert_eq!(percentile(&odd, 95), Some(10.0));
        // 4, 6: median 5; 20 values 1..=20: the 95th is 19.
        assert_eq!(percentile(&[(4, 1), (6, 1)], 50), Some(5.0));
        let twenty: Vec<(i64, i64)> = (1..=20).map(|v| (v, 1)).collect();
        assert_eq!(percentile(&twenty, 95), Some(19.0));
        assert_eq!(percentile(&twenty, 50), Some(10.5));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn months_go_back_across_the_year() {
        let today = Date::new(2026, 2, 14).unwrap();
        assert_eq!(month_start(today, 0), Date::new(2026, 2, 1).unwrap());
        assert_eq!(month_start(today, 2), Date::new(2025, 12, 1).unwrap());
        assert_eq!(month_start(today, 11), Date::new(2025, 3, 1).unwrap());
    }
}
