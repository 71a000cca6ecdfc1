//! The jobs that run once a day at `PORTAL_DIGEST_HOUR`, Paris time: the
//! DPO's digest and the retention purge. Several instances may share one
//! PostgreSQL: a job runs on the instance that first inserts its row for
//! the day into `daily_runs`, and the digest is queued in that same
//! transaction, so it goes out once, or not at all if the instance stops
//! before committing (then the next one sends it).

use crate::audit;
use crate::clock::Millis;
use crate::domain::paris_offset_millis;
use crate::domain::{Date, RightKind};
use crate::email::outbox;
use crate::email::templates::{self, DigestLine, PausedLine, StaleLine};
use crate::state::AppState;
use anyhow::Context;
use sqlx::Row;

/// Requests due within this many days are in the digest.
pub const DIGEST_WITHIN_DAYS: i64 = 7;

/// The hour of the day in Paris at `now`.
pub fn paris_hour(now: Millis) -> u32 {
    let local = now + paris_offset_millis(now);
    (local.rem_euclid(86_400_000) / 3_600_000) as u32
}

/// Claims `job` for `day` on `conn`: true for the one caller that inserts
/// the row.
async fn claim(
    conn: &mut sqlx::AnyConnection,
    job: &str,
    day: Date,
    now: Millis,
) -> anyhow::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO daily_runs (job, day, ran_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(job)
    .bind(day.iso())
    .bind(now)
    .execute(conn)
    .await
    .with_context(|| format!("daily: claim {job}"))?;
    Ok(inserted.rows_affected() == 1)
}

/// Whether `job` already ran for `day` (a cheap look before the work;
/// [`claim`] still decides, under a race).
async fn ran(pool: &crate::db::Pool, job: &str, day: Date) -> anyhow::Result<bool> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT job FROM daily_runs WHERE job = $1 AND day = $2")
            .bind(job)
            .bind(day.iso())
            .fetch_optional(pool)
            .await
            .with_context(|| format!("daily: look for {job}"))?;
    Ok(found.is_some())
}

/// What the daily jobs did on this call.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DailyRun {
    /// `Some(n)`: this instance ran the digest (n requests due soon, late
    /// or left without action; 0 sends nothing).
    pub digest: Option<usize>,
    /// `Some(n)`: this instance ran the purge (n requests anonymised).
    pub purge: Option<u64>,
}

/// Runs today's jobs if their hour has come and no instance ran them yet.
pub async fn run_due(state: &AppState) -> anyhow::Result<DailyRun> {
    let now = state.clock.now();
    if paris_hour(now) < state.config.digest_hour {
        return Ok(DailyRun::default());
    }
    let today = Date::paris_of(now);
    // Answers held to go together that may wait no longer (idempotent:
    // each is claimed as it goes).
    crate::requests::together::release_due(state, now).await?;
    let digest = send_digest(state, today, now).await?;
    let purge = {
        let mut conn = state.pool.acquire().await.context("daily: connect")?;
        if claim(&mut conn, "purge", today, now).await? {
            drop(conn);
            crate::purge::purge(&state.pool, now).await?;
            let retained = crate::retention::run(
                &state.pool,
                now,
                state.config.retention_days,
                &state.config.outbox_dir(),
            )
            .await?;
            Some(retained.requests)
        } else {
            None
        }
    };
    Ok(DailyRun { digest, purge })
}

/// The digest's requests: open, not paused, due on or before
/// `today + 7 days`, soonest first.
pub async fn digest_lines(state: &AppState, today: Date) -> anyhow::Result<Vec<DigestLine>> {
    let rows = sqlx::query(
        "SELECT reference, right_kind, open_due FROM requests \
         WHERE open_due IS NOT NULL AND open_due <> '' AND open_due <= $1 ORDER BY open_due, reference",
    )
    .bind(today.add_days(DIGEST_WITHIN_DAYS).iso())
    .fetch_all(&state.pool)
    .await
    .context("digest: read the requests")?;
    let mut lines = Vec::new();
    for row in rows {
        let reference: String = row.get("reference");
        let (Ok(reference), Ok(right), Some(due_on)) = (
            crate::domain::Reference::try_from(reference),
            RightKind::try_from(row.get::<String, _>("right_kind")),
            Date::parse_iso(&row.get::<String, _>("open_due")),
        ) else {
            continue;
        };
        lines.push(DigestLine {
            link: state.config.link(&format!("/dpo/requests/{reference}")),
            reference,
            right,
            due_on,
            days_left: due_on.to_days() - today.to_days(),
        });
    }
    Ok(lines)
}

/// The open requests with no DPO action for `PORTAL_STALE_DAYS`.
pub async fn stale_lines(state: &AppState, now: Millis) -> anyhow::Result<Vec<StaleLine>> {
    let mut conn = state.pool.acquire().await.context("digest: connect")?;
    let stale = crate::requests::stale::list(&mut conn, now, state.config.stale_days).await?;
    Ok(stale
        .into_iter()
        .map(|request| StaleLine {
            link: state
                .config
                .link(&format!("/dpo/requests/{}", request.reference)),
            days_silent: (now - request.last_action) / 86_400_000,
            reference: request.reference,
            right: request.right,
        })
        .collect())
}

/// The requests paused for an identity proof for more than 14 days.
pub async fn paused_lines(state: &AppState, today: Date) -> anyhow::Result<Vec<PausedLine>> {
    use crate::requests::paused;
    let mut conn = state.pool.acquire().await.context("digest: connect")?;
    let paused = paused::list(&mut conn, today, paused::DIGEST_AFTER_DAYS + 1).await?;
    Ok(paused
        .into_iter()
        .map(|p| PausedLine {
            link: state.config.link(&format!("/dpo/requests/{}", p.reference)),
            past_due_had_it_run: p.past_due_had_it_run(today).then_some(p.due_had_it_run),
            may_close: p.may_close(state.config.identity_wait_days),
            days: p.days,
            right: p.right,
            reference: p.reference,
        })
        .collect())
}

/// The MiB of stored files and `PORTAL_FILES_WARN_MB`, when past it: an
/// error in the log for the operator, and a line in the digest.
async fn files_over(state: &AppState) -> anyhow::Result<Option<(i64, i64)>> {
    let bytes: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM request_files")
            .fetch_one(&state.pool)
            .await
            .context("digest: add up the stored files")?;
    let mb = (bytes + 1024 * 1024 - 1) / (1024 * 1024);
    let limit = state.config.files_warn_mb;
    if mb <= limit {
        return Ok(None);
    }
    tracing::error!(
        stored_mb = mb,
        limit_mb = limit,
        "stored files passed PORTAL_FILES_WARN_MB"
    );
    Ok(Some((mb, limit)))
}

/// Queues today's digest, once for all instances, every day: even with
/// nothing due it carries the audit chain's head out of the database.
/// Returns `None` when another run had it.
async fn send_digest(state: &AppState, today: Date, now: Millis) -> anyhow::Result<Option<usize>> {
    // The worker asks every minute: once today's digest is out, skip the
    // reads and the walk of the whole audit chain below.
    if ran(&state.pool, "digest", today).await? {
        return Ok(None);
    }
    let lines = digest_lines(state, today).await?;
    let paused = paused_lines(state, today).await?;
    let stale = stale_lines(state, now).await?;
    let verdict = audit::verify(&state.pool).await?;
    let failed_emails = crate::email::outbox::failed(&state.pool).await?.len();
    let files_over = files_over(state).await?;
    let mut tx = state.pool.begin().await.context("digest: begin")?;
    if !claim(&mut tx, "digest", today, now).await? {
        return Ok(None);
    }
    let digest = templates::Digest {
        lines: &lines,
        paused: &paused,
        stale: &stale,
        stale_days: state.config.stale_days,
        failed_emails,
        files_over,
        audit_entries: verdict.entries,
        audit: match &verdict.broken {
            None => Ok(&verdict.head_hash),
            Some(broken) => Err(broken),
        },
        queue_link: &state.config.link("/dpo?due=week"),
        failed_link: &state.config.link("/dpo/emails"),
    };
    let email = templates::dpo_digest(&digest, &state.config.controller());
    let id = outbox::enqueue(&mut tx, &email, &state.config.mail_from, None, now)
        .await
        .context("digest: queue")?;
    // A broken chain is reported, never anchored: no head in the entry.
    let head = verdict.broken.is_none().then_some(&verdict.head_hash);
    let entry = audit::Entry::new(crate::audit::AuditAction::DigestSent, audit::Who::System)
        .object(&id)
        .facts(serde_json::json!({
            "requests": lines.len(),
            "paused": paused.len(),
            "stale": stale.len(),
            "failed_emails": failed_emails,
            "files_over_mb": files_over.map(|(mb, _)| mb),
            "audit_entries": verdict.entries,
            "audit_head": head,
            "audit_broken": verdict.broken.is_some(),
        }));
    audit::append(&mut tx, now, &entry).await?;
    tx.commit().await.context("digest: commit")?;
    state.outbox_wakeup.notify_one();
    Ok(Some(lines.len() + paused.len() + stale.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hour_is_read_in_paris() {
        // 2026-01-15 07:30 UTC is 08:30 in Paris (winter).
        let winter =
            Date::new(2026, 1, 15).unwrap().to_days() * 86_400_000 + 7 * 3_600_000 + 1_800_000;
        assert_eq!(paris_hour(winter), 8);
        // 2026-07-15 07:30 UTC is 09:30 in Paris (summer).
        let summer =
            Date::new(2026, 7, 15).unwrap().to_days() * 86_400_000 + 7 * 3_600_000 + 1_800_000;
        assert_eq!(paris_hour(summer), 9);
    }
}
