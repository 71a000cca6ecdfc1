//! Everything the console's request page shows, read in one place.

use crate::clock::Millis;
use crate::domain::choice::{Channel, Relation};
use crate::domain::outcome::Outcome;
use crate::domain::request::RightDetails;
use crate::domain::{Date, Reference, RightKind, Status};
use crate::requests::{EVENT_COLUMNS, EventRow, REQUEST_COLUMNS, RequestRow};
use anyhow::Context;

/// What the subject sent, beyond the request row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Submitted {
    pub first_name: String,
    pub last_name: String,
    #[sqlx(try_from = "String")]
    pub relation: Relation,
    pub customer_number: Option<String>,
    #[sqlx(try_from = "String")]
    pub reply_channel: Channel,
    pub reply_phone: Option<String>,
    pub reply_postal_address: Option<String>,
    pub details: String,
    pub outcome: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EmailLine {
    pub kind: String,
    pub recipient: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Millis,
    pub sent_at: Option<Millis>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FileLine {
    pub id: String,
    pub direction: String,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: Millis,
    pub shared_at: Option<Millis>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EarlierLine {
    #[sqlx(try_from = "String")]
    pub reference: Reference,
    #[sqlx(try_from = "String", rename = "right_kind")]
    pub right: RightKind,
    #[sqlx(try_from = "String")]
    pub status: Status,
    #[sqlx(try_from = "String")]
    pub received_on: Date,
    pub outcome: Option<String>,
}

pub struct RequestData {
    pub row: RequestRow,
    pub submitted: Submitted,
    pub details: Option<RightDetails>,
    pub outcome: Option<Outcome>,
    /// Every event, with the email of the DPO who acted.
    pub events: Vec<(EventRow, Option<String>)>,
    pub emails: Vec<EmailLine>,
    pub files: Vec<FileLine>,
    pub earlier: Vec<EarlierLine>,
    /// The DPO accounts a request can be assigned to.
    pub accounts: Vec<(String, String)>,
    /// The request's entries in the audit log, with the email of the DPO
    /// who acted.
    pub audit: Vec<(crate::audit::AuditRow, Option<String>)>,
}

pub async fn load(
    pool: &crate::db::Pool,
    reference: &Reference,
) -> anyhow::Result<Option<RequestData>> {
    let Some(row) = sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE reference = $1"
    ))
    .bind(reference.as_str())
    .fetch_optional(pool)
    .await
    .context("request page: read the request")?
    else {
        return Ok(None);
    };
    let submitted = sqlx::query_as::<_, Submitted>(
        "SELECT first_name, last_name, relation, customer_number, reply_channel, reply_phone, \
         reply_postal_address, details, outcome FROM requests WHERE id = $1",
    )
    .bind(&row.id)
    .fetch_one(pool)
    .await
    .context("request page: read what was sent")?;
    let events = sqlx::query_as::<_, EventRow>(&format!(
        "SELECT {EVENT_COLUMNS} FROM request_events WHERE request_id = $1 ORDER BY at, id"
    ))
    .bind(&row.id)
    .fetch_all(pool)
    .await
    .context("request page: read the timeline")?;
    let accounts: Vec<(String, String)> = sqlx::query_as::<_, (String, String)>(
        "SELECT id, email FROM dpo_accounts WHERE disabled_at IS NULL ORDER BY email",
    )
    .fetch_all(pool)
    .await
    .context("request page: read the accounts")?;
    let all_accounts: Vec<(String, String)> =
        sqlx::query_as::<_, (String, String)>("SELECT id, email FROM dpo_accounts")
            .fetch_all(pool)
            .await
            .context("request page: read the accounts")?;
    // The email of the DPO account that acted, if one did.
    let who = |actor_id: &Option<String>| {
        actor_id.as_ref().and_then(|id| {
            all_accounts
                .iter()
                .find(|(a, _)| a == id)
                .map(|(_, email)| email.clone())
        })
    };
    let events = events
        .into_iter()
        .map(|event| {
            let by = who(&event.actor_id);
            (event, by)
        })
        .collect();
    let emails = sqlx::query_as::<_, EmailLine>(
        "SELECT kind, recipient, status, attempts, last_error, created_at, sent_at FROM outbox \
         WHERE request_id = $1 ORDER BY created_at, id",
    )
    .bind(&row.id)
    .fetch_all(pool)
    .await
    .context("request page: read the emails")?;
    let files = sqlx::query_as::<_, FileLine>(
        "SELECT id, direction, name, size, sha256, created_at, shared_at FROM request_files \
         WHERE request_id = $1 ORDER BY created_at, id",
    )
    .bind(&row.id)
    .fetch_all(pool)
    .await
    .context("request page: read the files")?;
    let earlier = match &row.email.0 {
        Some(email) => sqlx::query_as::<_, EarlierLine>(
            "SELECT reference, right_kind, status, received_on, outcome FROM requests \
             WHERE email = $1 AND id <> $2 ORDER BY received_at DESC LIMIT 50",
        )
        .bind(email.as_str())
        .bind(&row.id)
        .fetch_all(pool)
        .await
        .context("request page: read the subject's other requests")?,
        None => Vec::new(),
    };
    let audit = crate::audit::trail(pool, reference.as_str())
        .await?
        .into_iter()
        .map(|entry| {
            let by = who(&entry.actor_id);
            (entry, by)
        })
        .collect();
    let details = serde_json::from_str(&submitted.details).ok();
    let outcome = submitted
        .outcome
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    Ok(Some(RequestData {
        row,
        submitted,
        details,
        outcome,
        events,
        emails,
        files,
        earlier,
        accounts,
        audit,
    }))
}
