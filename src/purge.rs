//! Forgets what the portal no longer needs (SPEC §6): verifications, their
//! code emails and the send counters after a day or two, ended sessions at
//! once: the subjects', and the DPOs' once idle or too old to be used
//! (`console_session`), run by the worker and the daily job; and the
//! console's kept counts that came back to zero (`requests::tally`).

use crate::clock::Millis;
use crate::db::Pool;
use crate::features::dpo::signin::console_session::{ABSOLUTE_MS, IDLE_MS};

const DAY_MS: Millis = 24 * 3_600_000;
/// An unfinished verification and its code email are kept this long (the
/// privacy notice states it).
pub const VERIFICATION_KEPT_MS: Millis = DAY_MS;
/// The limits' counters (HMACs of addresses) are kept this long.
pub const COUNTERS_KEPT_MS: Millis = 2 * DAY_MS;

/// How many rows each purge removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub verifications: u64,
    pub code_emails: u64,
    pub send_counters: u64,
    pub sessions: u64,
    pub dpo_sessions: u64,
    pub sign_in_failures: u64,
    /// The console's kept counts back at zero (`requests::tally::prune`).
    pub zero_counts: u64,
}

pub async fn purge(pool: &Pool, now: Millis) -> sqlx::Result<Purged> {
    let delete = |sql: &'static str, before: Millis| async move {
        sqlx::query(sql)
            .bind(before)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
    };
    Ok(Purged {
        verifications: delete(
            "DELETE FROM verifications WHERE sent_at < $1",
            now - VERIFICATION_KEPT_MS,
        )
        .await?,
        code_emails: delete(
            "DELETE FROM outbox WHERE kind = 'verification_code' AND created_at < $1",
            now - VERIFICATION_KEPT_MS,
        )
        .await?,
        send_counters: delete(
            "DELETE FROM send_counters WHERE window_start < $1",
            now - COUNTERS_KEPT_MS,
        )
        .await?,
        sessions: delete("DELETE FROM subject_sessions WHERE expires_at < $1", now).await?,
        dpo_sessions: sqlx::query(
            "DELETE FROM dpo_sessions WHERE last_seen_at < $1 OR created_at < $2",
        )
        .bind(now - IDLE_MS)
        .bind(now - ABSOLUTE_MS)
        .execute(pool)
        .await?
        .rows_affected(),
        sign_in_failures: delete(
            "DELETE FROM sign_in_failures WHERE updated_at < $1",
            now - DAY_MS,
        )
        .await?,
        zero_counts: sqlx::query("DELETE FROM queue_tally WHERE n = 0")
            .execute(pool)
            .await?
            .rows_affected()
            + sqlx::query("DELETE FROM queue_days WHERE n = 0")
                .execute(pool)
                .await?
                .rows_affected(),
    })
}
