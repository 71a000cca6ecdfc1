//! Forgets what the portal no longer needs (SPEC §6): verifications and
//! their send records after 24 hours, ended sessions at once.

use crate::clock::Millis;
use crate::db::Pool;

const DAY_MS: Millis = 24 * 3_600_000;

/// How many rows each purge removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub verifications: u64,
    pub verification_sends: u64,
    pub sessions: u64,
}

pub async fn purge(pool: &Pool, now: Millis) -> sqlx::Result<Purged> {
    let verifications = sqlx::query("DELETE FROM verifications WHERE created_at < $1")
        .bind(now - DAY_MS)
        .execute(pool)
        .await?
        .rows_affected();
    let verification_sends = sqlx::query("DELETE FROM verification_sends WHERE sent_at < $1")
        .bind(now - DAY_MS)
        .execute(pool)
        .await?
        .rows_affected();
    let sessions = sqlx::query("DELETE FROM subject_sessions WHERE expires_at < $1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(Purged {
        verifications,
        verification_sends,
        sessions,
    })
}
