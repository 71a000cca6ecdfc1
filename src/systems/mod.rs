//! SOFACTO's own systems (SPEC §4b, issue 18): the CRM, billing, the
//! newsletter tool… each declared once with the rights it handles. When a
//! request becomes actionable each concerned system gets a task
//! (`tasks`), pushed to its webhook (`webhook`) or pulled through the API
//! (`crate::api`), and answers with a result that the DPO's reply starts
//! from. This module owns the `systems` table; a system's API key is kept
//! only as its SHA-256 (`keys`).

pub mod keys;
pub mod tasks;
pub mod webhook;

use crate::audit::{self, AuditAction, Entry, Who};
use crate::clock::Millis;
use crate::db::Pool;
use crate::domain::RightKind;
use crate::domain::task::SystemName;
use anyhow::Context;

/// A declared system, as the CLI, the console and the API read it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SystemRow {
    pub id: String,
    pub name: String,
    pub rights: String,
    pub webhook_url: Option<String>,
    pub key_hint: String,
    pub enabled: i64,
    pub created_at: Millis,
}

const COLUMNS: &str = "id, name, rights, webhook_url, key_hint, enabled, created_at";

impl SystemRow {
    /// The rights it handles (a stored slug that no longer parses is left
    /// out).
    pub fn rights(&self) -> Vec<RightKind> {
        self.rights
            .split(',')
            .filter_map(RightKind::parse)
            .collect()
    }

    pub fn handles(&self, right: RightKind) -> bool {
        self.rights().contains(&right)
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled == 1
    }
}

/// How a new system receives its tasks.
pub enum Delivery {
    /// POSTed to this URL, signed.
    Webhook(url::Url),
    /// Only listed through the API.
    Pull,
}

/// What `add` and `rotate_key` show once: the API key, and a webhook
/// system's signing secret.
pub struct Credentials {
    pub api_key: String,
    pub webhook_secret: Option<String>,
}

#[derive(Debug)]
pub enum SystemError {
    NameTaken,
    Unknown,
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for SystemError {
    fn from(error: anyhow::Error) -> Self {
        SystemError::Failed(error)
    }
}

/// A webhook must be HTTPS, except on loopback (a receiver on the same
/// machine, or a test): the task carries the subject's identifiers.
pub fn parse_webhook_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(host)) => host == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err("a webhook is an https:// URL (http:// only on loopback)".to_owned()),
    }
}

/// Declares a system. The key and the secret are returned once; only the
/// key's hash and the sealed secret are stored.
pub async fn add(
    pool: &Pool,
    secrets: &crate::secure::SecretBox,
    name: &SystemName,
    rights: &[RightKind],
    delivery: Delivery,
    now: Millis,
) -> Result<Credentials, SystemError> {
    let id = crate::db::new_id();
    let api_key = keys::new_api_key();
    let (webhook_url, webhook_secret) = match delivery {
        Delivery::Webhook(url) => (Some(url.to_string()), Some(keys::new_webhook_secret())),
        Delivery::Pull => (None, None),
    };
    let rights_text: Vec<&str> = rights.iter().map(|r| r.slug()).collect();
    let mut tx = pool.begin().await.context("systems: begin")?;
    let inserted = sqlx::query(
        "INSERT INTO systems (id, name, rights, webhook_url, webhook_secret, key_hash, key_hint, enabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&id)
    .bind(name.as_str())
    .bind(rights_text.join(","))
    .bind(webhook_url.as_deref())
    .bind(webhook_secret.as_deref().map(|s| secrets.seal(s)))
    .bind(keys::key_hash(&api_key))
    .bind(keys::hint(&api_key))
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("systems: insert")?;
    if inserted.rows_affected() == 0 {
        return Err(SystemError::NameTaken);
    }
    let facts = serde_json::json!({
        "name": name.as_str(),
        "rights": rights_text,
        "delivery": if webhook_url.is_some() { "webhook" } else { "pull" },
    });
    audit::append(
        &mut tx,
        now,
        &Entry::new(AuditAction::SystemAdded, Who::Operator)
            .object(&id)
            .facts(facts),
    )
    .await?;
    tx.commit().await.context("systems: commit")?;
    Ok(Credentials {
        api_key,
        webhook_secret,
    })
}

pub async fn list(pool: &Pool) -> anyhow::Result<Vec<SystemRow>> {
    sqlx::query_as::<_, SystemRow>(&format!("SELECT {COLUMNS} FROM systems ORDER BY name"))
        .fetch_all(pool)
        .await
        .context("systems: list")
}

pub async fn by_name(pool: &Pool, name: &SystemName) -> anyhow::Result<Option<SystemRow>> {
    sqlx::query_as::<_, SystemRow>(&format!("SELECT {COLUMNS} FROM systems WHERE name = $1"))
        .bind(name.as_str())
        .fetch_optional(pool)
        .await
        .context("systems: find by name")
}

/// The enabled system whose API key is `api_key`.
pub async fn by_key(pool: &Pool, api_key: &str) -> anyhow::Result<Option<SystemRow>> {
    sqlx::query_as::<_, SystemRow>(&format!(
        "SELECT {COLUMNS} FROM systems WHERE key_hash = $1 AND enabled = 1"
    ))
    .bind(keys::key_hash(api_key))
    .fetch_optional(pool)
    .await
    .context("systems: find by key")
}

/// A new API key (and a new webhook secret for a webhook system); the old
/// ones stop working at once.
pub async fn rotate_key(
    pool: &Pool,
    secrets: &crate::secure::SecretBox,
    name: &SystemName,
    now: Millis,
) -> Result<Credentials, SystemError> {
    let system = by_name(pool, name).await?.ok_or(SystemError::Unknown)?;
    let api_key = keys::new_api_key();
    let webhook_secret = system
        .webhook_url
        .as_ref()
        .map(|_| keys::new_webhook_secret());
    let mut tx = pool.begin().await.context("systems: begin")?;
    sqlx::query(
        "UPDATE systems SET key_hash = $1, key_hint = $2, key_rotated_at = $3, \
         webhook_secret = COALESCE($4, webhook_secret) WHERE id = $5",
    )
    .bind(keys::key_hash(&api_key))
    .bind(keys::hint(&api_key))
    .bind(now)
    .bind(webhook_secret.as_deref().map(|s| secrets.seal(s)))
    .bind(&system.id)
    .execute(&mut *tx)
    .await
    .context("systems: rotate the key")?;
    audit::append(
        &mut tx,
        now,
        &Entry::new(AuditAction::SystemKeyRotated, Who::Operator).object(&system.id),
    )
    .await?;
    tx.commit().await.context("systems: commit")?;
    Ok(Credentials {
        api_key,
        webhook_secret,
    })
}

/// Stops a system: its key stops working and it gets no new task. Its
/// open tasks stay on the requests, for the DPO.
pub async fn disable(pool: &Pool, name: &SystemName, now: Millis) -> Result<(), SystemError> {
    let system = by_name(pool, name).await?.ok_or(SystemError::Unknown)?;
    let mut tx = pool.begin().await.context("systems: begin")?;
    sqlx::query("UPDATE systems SET enabled = 0 WHERE id = $1")
        .bind(&system.id)
        .execute(&mut *tx)
        .await
        .context("systems: disable")?;
    audit::append(
        &mut tx,
        now,
        &Entry::new(AuditAction::SystemDisabled, Who::Operator).object(&system.id),
    )
    .await?;
    tx.commit().await.context("systems: commit")?;
    Ok(())
}

/// A system as the console's list shows it: its tasks, its last
/// delivery and result, and the deliveries that fail.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SystemLine {
    pub id: String,
    pub name: String,
    pub rights: String,
    pub webhook_url: Option<String>,
    pub enabled: i64,
    pub open_tasks: i64,
    pub last_delivered_at: Option<Millis>,
    pub last_result_at: Option<Millis>,
    /// Tasks whose delivery failed at least once and is not done yet.
    pub failing: i64,
    /// The last of their errors.
    pub last_error: Option<String>,
}

pub async fn overview(pool: &Pool) -> anyhow::Result<Vec<SystemLine>> {
    sqlx::query_as::<_, SystemLine>(
        "SELECT s.id, s.name, s.rights, s.webhook_url, s.enabled, \
         (SELECT COUNT(*) FROM system_tasks t WHERE t.system_id = s.id AND t.state = 'open') AS open_tasks, \
         (SELECT MAX(t.delivered_at) FROM system_tasks t WHERE t.system_id = s.id) AS last_delivered_at, \
         (SELECT MAX(t.result_at) FROM system_tasks t WHERE t.system_id = s.id) AS last_result_at, \
         (SELECT COUNT(*) FROM system_tasks t WHERE t.system_id = s.id AND t.delivery IN ('pending', 'failed') \
            AND t.last_error IS NOT NULL) AS failing, \
         (SELECT t.last_error FROM system_tasks t WHERE t.system_id = s.id AND t.delivery IN ('pending', 'failed') \
            AND t.last_error IS NOT NULL ORDER BY t.created_at DESC LIMIT 1) AS last_error \
         FROM systems s ORDER BY s.name",
    )
    .fetch_all(pool)
    .await
    .context("systems: the overview")
}

/// Sends every failing delivery of `name` again now (the console's retry,
/// once the receiver is mended), with an audit entry by the DPO. Returns
/// how many, or `None` for an unknown system.
pub async fn retry_deliveries(
    pool: &Pool,
    name: &SystemName,
    dpo_id: &str,
    now: Millis,
) -> anyhow::Result<Option<u64>> {
    let Some(system) = by_name(pool, name).await? else {
        return Ok(None);
    };
    let mut tx = pool.begin().await.context("systems: begin")?;
    let queued = sqlx::query(
        "UPDATE system_tasks SET delivery = 'pending', next_attempt_at = $1, lease_id = NULL, lease_until = NULL \
         WHERE system_id = $2 AND delivery IN ('pending', 'failed') AND last_error IS NOT NULL",
    )
    .bind(now)
    .bind(&system.id)
    .execute(&mut *tx)
    .await
    .context("systems: queue the deliveries again")?
    .rows_affected();
    audit::append(
        &mut tx,
        now,
        &Entry::new(AuditAction::DeliveriesRetried, Who::Dpo(dpo_id))
            .object(&system.id)
            .facts(serde_json::json!({ "tasks": queued })),
    )
    .await?;
    tx.commit().await.context("systems: commit")?;
    Ok(Some(queued))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_are_https_except_on_loopback() {
        assert!(parse_webhook_url("https://crm.sofacto.com/hooks/privacy").is_ok());
        assert!(parse_webhook_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(parse_webhook_url("http://[::1]:9000/hook").is_ok());
        assert!(parse_webhook_url("http://localhost/hook").is_ok());
        assert!(parse_webhook_url("http://crm.sofacto.com/hook").is_err());
        assert!(parse_webhook_url("ftp://127.0.0.1/hook").is_err());
        assert!(parse_webhook_url("crm").is_err());
    }
}
