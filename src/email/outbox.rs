//! The durable outbox. A message is inserted in the same transaction as the
//! change that causes it, so a rolled-back change sends nothing and a
//! committed one cannot lose its email. Workers claim messages with a lease,
//! which works the same on SQLite and on PostgreSQL with several instances.

use super::OutgoingEmail;
use crate::clock::Millis;
use crate::db::{Pool, new_id};
use lettre::message::Mailbox;
use sqlx::{AnyConnection, Row};
use std::time::Duration;

/// How long a worker owns a claimed message before another may retry it.
pub const LEASE: Duration = Duration::from_secs(120);
/// Retry delays double from this one...
const FIRST_RETRY: Duration = Duration::from_secs(5);
/// ...up to this one...
const MAX_RETRY: Duration = Duration::from_secs(3600);
/// ...for a day at most: then the message has failed for good, and the
/// console shows it.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Queues `email` on `conn`, which should be inside the caller's transaction.
/// Returns the outbox id.
pub async fn enqueue(
    conn: &mut AnyConnection,
    email: &OutgoingEmail,
    from: &Mailbox,
    request_id: Option<&str>,
    now: Millis,
) -> anyhow::Result<String> {
    let id = new_id();
    let message = email.to_message(from, &id)?;
    let raw = String::from_utf8(message.formatted())?;
    sqlx::query(
        "INSERT INTO outbox (id, kind, recipient, message, status, attempts, next_attempt_at, created_at, request_id) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $6)",
    )
    .bind(&id)
    .bind(email.kind.slug())
    .bind(email.to.as_str())
    .bind(raw)
    .bind(now)
    .bind(request_id)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub struct Claimed {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub message: String,
    pub attempts: i64,
    pub created_at: Millis,
    pub lease_id: String,
}

/// Takes the oldest due messages, `max` at most, for `lease`, in one
/// commit; none when nothing is due. A message another worker holds is
/// left to it: on PostgreSQL the second UPDATE re-reads the lease after
/// the first one's commit and skips it.
pub async fn claim_due(
    pool: &Pool,
    now: Millis,
    max: i64,
    lease: Duration,
) -> sqlx::Result<Vec<Claimed>> {
    let lease_id = new_id();
    let rows = sqlx::query(
        "UPDATE outbox SET lease_id = $1, lease_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox \
                      WHERE status = 'pending' AND next_attempt_at <= $3 \
                        AND (lease_until IS NULL OR lease_until < $3) \
                      ORDER BY next_attempt_at LIMIT $4) \
           AND status = 'pending' AND (lease_until IS NULL OR lease_until < $3) \
         RETURNING id, kind, recipient, message, attempts, created_at, next_attempt_at",
    )
    .bind(&lease_id)
    .bind(now + lease.as_millis() as Millis)
    .bind(now)
    .bind(max)
    .fetch_all(pool)
    .await?;
    let mut claimed: Vec<(Millis, Claimed)> = rows
        .into_iter()
        .map(|row| {
            (
                row.get("next_attempt_at"),
                Claimed {
                    id: row.get("id"),
                    kind: row.get("kind"),
                    recipient: row.get("recipient"),
                    message: row.get("message"),
                    attempts: row.get("attempts"),
                    created_at: row.get("created_at"),
                    lease_id: lease_id.clone(),
                },
            )
        })
        .collect();
    // RETURNING gives no order: the oldest first, as they were queued.
    claimed.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    Ok(claimed.into_iter().map(|(_, c)| c).collect())
}

/// A sent code email is emptied at once: it held a live code and link,
/// which must not sit in the database in clear.
/// On SQLite one process owns the database, so at its start any claim
/// still held was left by a crash: release them, and those messages go out
/// now rather than when their lease expires. (One may have been delivered
/// just before the crash; it goes again with the same Message-ID, which
/// mail clients show once.) Not on PostgreSQL, where another instance may
/// be sending.
pub async fn release_crashed_claims(pool: &Pool) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE outbox SET lease_id = NULL, lease_until = NULL \
         WHERE status = 'pending' AND lease_id IS NOT NULL",
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Marks `sent` delivered, in one commit for the batch. Only while this
/// worker's lease holds: a message whose lease expired and was claimed
/// again is the other claim's to record.
pub async fn mark_sent(pool: &Pool, sent: &[Claimed], now: Millis) -> sqlx::Result<()> {
    if sent.is_empty() {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    for claimed in sent {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, lease_id = NULL, lease_until = NULL, last_error = NULL, \
             message = CASE WHEN kind = 'verification_code' THEN '' ELSE message END \
             WHERE id = $2 AND lease_id = $3",
        )
        .bind(now)
        .bind(&claimed.id)
        .bind(&claimed.lease_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Records a failed attempt: a transient one is retried later, a permanent
/// one is kept as `failed` for a person to look at.
pub async fn mark_failed(
    pool: &Pool,
    claimed: &Claimed,
    error: &str,
    permanent: bool,
    now: Millis,
) -> sqlx::Result<()> {
    let next = now + retry_delay(claimed.attempts).as_millis() as Millis;
    let permanent = permanent || now - claimed.created_at >= GIVE_UP_AFTER.as_millis() as Millis;
    // A code email that will not be sent is emptied like a sent one: its
    // code must not sit in the database in clear.
    sqlx::query(
        "UPDATE outbox SET status = $1, next_attempt_at = $2, last_error = $3, lease_id = NULL, lease_until = NULL, \
         message = CASE WHEN kind = 'verification_code' AND $1 = 'failed' THEN '' ELSE message END \
         WHERE id = $4 AND lease_id = $5",
    )
    .bind(if permanent { "failed" } else { "pending" })
    .bind(next)
    .bind(error.chars().take(500).collect::<String>())
    .bind(&claimed.id)
    .bind(&claimed.lease_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The wait after the `attempts`-th failed attempt: 5 s, 10 s, 20 s … 1 h.
pub fn retry_delay(attempts: i64) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    FIRST_RETRY.saturating_mul(1 << doublings).min(MAX_RETRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        assert_eq!(retry_delay(1), Duration::from_secs(5));
        assert_eq!(retry_delay(2), Duration::from_secs(10));
        assert_eq!(retry_delay(5), Duration::from_secs(80));
        assert_eq!(retry_delay(12), Duration::from_secs(3600));
        assert_eq!(retry_delay(1000), Duration::from_secs(3600));
    }
}

/// An email the outbox gave up on, as the DPO's list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FailedEmail {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Millis,
    pub reference: Option<String>,
}

/// The 200 latest emails given up on, newest first.
pub async fn failed(pool: &Pool) -> anyhow::Result<Vec<FailedEmail>> {
    use anyhow::Context;
    sqlx::query_as::<_, FailedEmail>(
        "SELECT o.id, o.kind, o.recipient, o.attempts, o.last_error, o.created_at, r.reference \
         FROM outbox o LEFT JOIN requests r ON r.id = o.request_id \
         WHERE o.status = 'failed' ORDER BY o.created_at DESC LIMIT 200",
    )
    .fetch_all(pool)
    .await
    .context("failed emails: read")
}

/// The kind of the failed email `id`, if it is still failed.
pub async fn failed_kind(
    conn: &mut sqlx::AnyConnection,
    id: &str,
) -> anyhow::Result<Option<String>> {
    use anyhow::Context;
    sqlx::query_scalar::<_, String>("SELECT kind FROM outbox WHERE id = $1 AND status = 'failed'")
        .bind(id)
        .fetch_optional(conn)
        .await
        .context("retry: read")
}

/// Queues the failed email `id` again from `now`, with a new day of
/// attempts. `None` when it was not failed any more; else the reference
/// of its request, if it has one.
pub async fn queue_again(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    now: Millis,
) -> anyhow::Result<Option<Option<String>>> {
    use anyhow::Context;
    let requeued = sqlx::query_scalar::<_, Option<String>>(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, created_at = $1, \
         lease_id = NULL, lease_until = NULL WHERE id = $2 AND status = 'failed' RETURNING request_id",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .context("retry: queue again")?;
    let Some(request_id) = requeued else {
        return Ok(None);
    };
    let reference = match request_id {
        Some(request_id) => {
            sqlx::query_scalar::<_, String>("SELECT reference FROM requests WHERE id = $1")
                .bind(request_id)
                .fetch_optional(&mut *conn)
                .await
                .context("retry: read the reference")?
        }
        None => None,
    };
    Ok(Some(reference))
}
