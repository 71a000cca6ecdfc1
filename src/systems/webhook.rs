//! Pushes each task of a webhook system to its URL, signed as Standard
//! Webhooks says (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
//! Tasks wait in `system_tasks` like emails in the outbox: claimed under a
//! lease, retried with the outbox's backoff, nothing lost across a restart.
//! Every attempt is a row of `task_deliveries`, which the DPO sees; a
//! delivery the receiver took is an audit entry.

use crate::audit::{self, AuditAction, Entry, Who};
use crate::clock::{Millis, SharedClock};
use crate::db::{Pool, new_id};
use crate::domain::task::DeliveryError;
use crate::email::outbox::{LEASE, retry_delay};
use crate::secure::SecretBox;
use anyhow::Context;
use sqlx::Row;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// A receiver that has not answered in this time has failed this attempt.
pub const TIMEOUT: Duration = Duration::from_secs(crate::domain::task::WEBHOOK_TIMEOUT_SECS);
/// After this long without a delivery, the task waits for the DPO's retry.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(3 * 24 * 3600);
/// The event type each delivery carries.
pub const EVENT_TYPE: &str = "task.created";

/// One claimed delivery.
pub struct Claimed {
    pub task_id: String,
    pub system_id: String,
    pub url: String,
    pub sealed_secret: Option<String>,
    pub attempts: i64,
    pub created_at: Millis,
    pub lease_id: String,
}

/// Takes the oldest due delivery for `LEASE`.
pub async fn claim_next(pool: &Pool, now: Millis) -> anyhow::Result<Option<Claimed>> {
    let lease_id = new_id();
    let row = sqlx::query(
        "UPDATE system_tasks SET lease_id = $1, lease_until = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM system_tasks \
                     WHERE delivery = 'pending' AND next_attempt_at <= $3 \
                       AND (lease_until IS NULL OR lease_until < $3) \
                     ORDER BY next_attempt_at LIMIT 1) \
           AND delivery = 'pending' AND (lease_until IS NULL OR lease_until < $3) \
         RETURNING id, system_id, attempts, created_at",
    )
    .bind(&lease_id)
    .bind(now + LEASE.as_millis() as Millis)
    .bind(now)
    .fetch_optional(pool)
    .await
    .context("webhook: claim a delivery")?;
    let Some(row) = row else {
        return Ok(None);
    };
    let system_id: String = row.get("system_id");
    let system = sqlx::query("SELECT webhook_url, webhook_secret FROM systems WHERE id = $1")
        .bind(&system_id)
        .fetch_one(pool)
        .await
        .context("webhook: read the system")?;
    Ok(Some(Claimed {
        task_id: row.get("id"),
        url: system
            .get::<Option<String>, _>("webhook_url")
            .unwrap_or_default(),
        sealed_secret: system.get("webhook_secret"),
        system_id,
        attempts: row.get("attempts"),
        created_at: row.get("created_at"),
        lease_id,
    }))
}

/// On SQLite the one process owns the database: claims left at its start
/// were left by a crash, and go now.
pub async fn release_crashed_claims(pool: &Pool) -> anyhow::Result<u64> {
    Ok(sqlx::query(
        "UPDATE system_tasks SET lease_id = NULL, lease_until = NULL \
         WHERE delivery = 'pending' AND lease_id IS NOT NULL",
    )
    .execute(pool)
    .await
    .context("webhook: release crashed claims")?
    .rows_affected())
}

/// The body of a delivery: the event type, when, and the task as the API
/// shows it (identifiers only).
pub async fn body_of(pool: &Pool, claimed: &Claimed, now: Millis) -> anyhow::Result<Vec<u8>> {
    let task = super::tasks::get(pool, &claimed.system_id, &claimed.task_id)
        .await?
        .context("webhook: the task is gone")?;
    serde_json::to_vec(&serde_json::json!({
        "type": EVENT_TYPE,
        "timestamp": crate::domain::iso_instant(now),
        "data": task,
    }))
    .context("webhook: the body as JSON")
}

/// What one attempt came to.
pub struct Attempt {
    pub status_code: Option<u16>,
    pub error: Option<String>,
}

impl Attempt {
    pub fn delivered(&self) -> bool {
        self.status_code
            .is_some_and(|code| (200..300).contains(&code))
    }
}

/// POSTs `body` to the claimed URL, signed. The timestamp is the real
/// time (the receiver checks it against its own clock).
pub async fn post(
    client: &reqwest::Client,
    secrets: &SecretBox,
    claimed: &Claimed,
    body: Vec<u8>,
) -> Attempt {
    let Some(secret) = claimed
        .sealed_secret
        .as_deref()
        .and_then(|s| secrets.open(s))
    else {
        return Attempt {
            status_code: None,
            error: Some(DeliveryError::SecretUnreadable.code()),
        };
    };
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let message_id = format!("msg_{}", claimed.task_id);
    let Some(signature) = super::keys::sign(&secret, &message_id, timestamp, &body) else {
        return Attempt {
            status_code: None,
            error: Some(DeliveryError::SecretInvalid.code()),
        };
    };
    let sent = client
        .post(&claimed.url)
        .header("content-type", "application/json")
        .header("webhook-id", &message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            let code = response.status().as_u16();
            Attempt {
                status_code: Some(code),
                error: (!(200..300).contains(&code)).then(|| DeliveryError::Status(code).code()),
            }
        }
        // The error names the URL, which is the system's, not a person's.
        Err(e) => Attempt {
            status_code: None,
            error: Some(
                if e.is_timeout() {
                    DeliveryError::Timeout
                } else if e.is_connect() {
                    DeliveryError::Connect
                } else {
                    DeliveryError::Request
                }
                .code(),
            ),
        },
    }
}

/// Records an attempt: its row, then either the delivery (with its audit
/// entry) or the next try.
pub async fn record(
    pool: &Pool,
    claimed: &Claimed,
    attempt: &Attempt,
    now: Millis,
) -> anyhow::Result<()> {
    let mut tx = pool.begin().await.context("webhook: begin")?;
    sqlx::query("INSERT INTO task_deliveries (id, task_id, at, status_code, error) VALUES ($1, $2, $3, $4, $5)")
        .bind(new_id())
        .bind(&claimed.task_id)
        .bind(now)
        .bind(attempt.status_code.map(i64::from))
        .bind(attempt.error.as_deref())
        .execute(&mut *tx)
        .await
        .context("webhook: record the attempt")?;
    if attempt.delivered() {
        let updated = sqlx::query(
            "UPDATE system_tasks SET delivery = 'delivered', delivered_at = $1, last_error = NULL, \
             lease_id = NULL, lease_until = NULL WHERE id = $2 AND lease_id = $3",
        )
        .bind(now)
        .bind(&claimed.task_id)
        .bind(&claimed.lease_id)
        .execute(&mut *tx)
        .await
        .context("webhook: mark delivered")?;
        if updated.rows_affected() == 1 {
            let reference: String = sqlx::query_scalar(
                "SELECT r.reference FROM system_tasks t JOIN requests r ON r.id = t.request_id WHERE t.id = $1",
            )
            .bind(&claimed.task_id)
            .fetch_one(&mut *tx)
            .await
            .context("webhook: the task's reference")?;
            let facts = serde_json::json!({
                "system": claimed.system_id,
                "attempts": claimed.attempts,
                "status": attempt.status_code,
            });
            audit::append(
                &mut tx,
                now,
                &Entry::new(AuditAction::TaskDelivered, Who::System)
                    .reference(&reference)
                    .object(&claimed.task_id)
                    .facts(facts),
            )
            .await?;
        }
    } else {
        let give_up = now - claimed.created_at >= GIVE_UP_AFTER.as_millis() as Millis;
        sqlx::query(
            "UPDATE system_tasks SET delivery = $1, next_attempt_at = $2, last_error = $3, \
             lease_id = NULL, lease_until = NULL WHERE id = $4 AND lease_id = $5",
        )
        .bind(if give_up { "failed" } else { "pending" })
        .bind(now + retry_delay(claimed.attempts).as_millis() as Millis)
        .bind(attempt.error.as_deref())
        .bind(&claimed.task_id)
        .bind(&claimed.lease_id)
        .execute(&mut *tx)
        .await
        .context("webhook: schedule the next attempt")?;
    }
    tx.commit().await.context("webhook: commit")
}

/// Delivers due tasks until told to stop; sleeps until woken (a task was
/// created) or the poll interval passes.
pub struct WebhookWorker {
    pub pool: Pool,
    pub secrets: Arc<SecretBox>,
    pub clock: SharedClock,
    pub wakeup: Arc<Notify>,
    pub poll: Duration,
    pub sqlite: bool,
}

impl WebhookWorker {
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let client = match reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
        {
            Ok(client) => client,
            Err(e) => {
                tracing::error!(error = %e, "the webhook client cannot start: tasks wait to be pulled");
                return;
            }
        };
        if self.sqlite {
            match release_crashed_claims(&self.pool).await {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    tasks = n,
                    "webhook deliveries claimed before a crash go again"
                ),
                Err(e) => tracing::error!(
                    error = format!("{e:#}"),
                    "cannot release the webhook claims left by a crash"
                ),
            }
        }
        loop {
            while !*stop.borrow() {
                match claim_next(&self.pool, self.clock.now()).await {
                    Ok(Some(claimed)) => self.deliver(&client, claimed).await,
                    Ok(None) => break,
                    Err(e) => {
                        tracing::error!(error = format!("{e:#}"), "cannot read the webhook queue");
                        break;
                    }
                }
            }
            tokio::select! {
                _ = self.wakeup.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    async fn deliver(&self, client: &reqwest::Client, claimed: Claimed) {
        let attempt = match body_of(&self.pool, &claimed, self.clock.now()).await {
            Ok(body) => post(client, &self.secrets, &claimed, body).await,
            Err(e) => {
                tracing::error!(task_id = %claimed.task_id, error = format!("{e:#}"), "cannot prepare a webhook delivery");
                Attempt {
                    status_code: None,
                    error: Some(DeliveryError::Internal.code()),
                }
            }
        };
        if attempt.delivered() {
            tracing::info!(task_id = %claimed.task_id, "task delivered to its webhook");
        } else {
            tracing::warn!(
                task_id = %claimed.task_id,
                attempt = claimed.attempts,
                reason = attempt.error.as_deref().unwrap_or_default(),
                "webhook delivery failed"
            );
        }
        if let Err(e) = record(&self.pool, &claimed, &attempt, self.clock.now()).await {
            // The lease expires and the delivery goes again: a duplicate
            // (same webhook-id) at worst, never a loss.
            tracing::error!(task_id = %claimed.task_id, error = format!("{e:#}"), "cannot record a webhook delivery");
        }
    }
}
