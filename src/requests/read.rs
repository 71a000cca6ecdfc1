//! Every read of one request or of a subject's requests that the pages
//! need, in one place beside the writes (`file`, `change`). Features parse,
//! call these, render.

use super::{REQUEST_COLUMNS, RequestRow};
use crate::clock::Millis;
use crate::db::Pool;
use crate::domain::{Email, Reference};
use anyhow::Context;

/// The request `reference`, as stored now.
pub async fn by_reference(
    pool: &Pool,
    reference: &Reference,
) -> anyhow::Result<Option<RequestRow>> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE reference = $1"
    ))
    .bind(reference.as_str())
    .fetch_optional(pool)
    .await
    .context("request: read by reference")
}

/// The request whose pending address has the confirmation link `hash`,
/// still valid at `now`, and that address.
pub async fn pending_email(
    pool: &Pool,
    hash: &str,
    now: crate::clock::Millis,
) -> anyhow::Result<Option<(RequestRow, String)>> {
    use sqlx::Row;
    let Some(row) = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS}, pending_email FROM requests WHERE pending_email_hash = $1 \
         AND pending_email_until > $2 AND pending_email IS NOT NULL"
    ))
    .bind(hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .context("request: find a pending address")?
    else {
        return Ok(None);
    };
    let request = <RequestRow as sqlx::FromRow<_>>::from_row(&row)
        .context("request: read a pending address")?;
    Ok(Some((request, row.get("pending_email"))))
}

/// The open requests assigned to the DPO account `account_id`, oldest
/// first: what a handover moves.
pub async fn open_assigned_to(pool: &Pool, account_id: &str) -> anyhow::Result<Vec<RequestRow>> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE assignee_id = $1 AND closed_at IS NULL \
         ORDER BY received_at, reference"
    ))
    .bind(account_id)
    .fetch_all(pool)
    .await
    .context("request: read those assigned to an account")
}

/// The request `reference` if it was filed from `email`.
pub async fn owned(
    pool: &Pool,
    reference: &Reference,
    email: &Email,
) -> anyhow::Result<Option<RequestRow>> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE reference = $1 AND email = $2"
    ))
    .bind(reference.as_str())
    .bind(email.as_str())
    .fetch_optional(pool)
    .await
    .context("follow: read a request")
}

/// The events of `request_id`, in order (a decision's checks read them).
pub async fn events(pool: &Pool, request_id: &str) -> anyhow::Result<Vec<super::EventRow>> {
    sqlx::query_as::<_, super::EventRow>(&format!(
        "SELECT {} FROM request_events WHERE request_id = $1 ORDER BY at, id",
        super::EVENT_COLUMNS
    ))
    .bind(request_id)
    .fetch_all(pool)
    .await
    .context("request: read its events")
}

/// The recorded outcome of `request_id`, parsed.
pub async fn outcome(
    pool: &Pool,
    request_id: &str,
) -> anyhow::Result<Option<crate::domain::outcome::Outcome>> {
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT outcome FROM requests WHERE id = $1")
            .bind(request_id)
            .fetch_optional(pool)
            .await
            .context("request: read its outcome")?;
    Ok(stored
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok()))
}

/// Whether retention has anonymised the request.
pub async fn anonymised(pool: &Pool, request_id: &str) -> anyhow::Result<bool> {
    let at: Option<Option<Millis>> =
        sqlx::query_scalar("SELECT anonymised_at FROM requests WHERE id = $1")
            .bind(request_id)
            .fetch_optional(pool)
            .await
            .context("request: read whether it is anonymised")?;
    Ok(at.flatten().is_some())
}

/// What the subject asked for, parsed; `None` once anonymised.
pub async fn details(
    pool: &Pool,
    request_id: &str,
) -> anyhow::Result<Option<crate::domain::request::RightDetails>> {
    let stored: Option<String> = sqlx::query_scalar("SELECT details FROM requests WHERE id = $1")
        .bind(request_id)
        .fetch_optional(pool)
        .await
        .context("request: read its details")?;
    Ok(stored.and_then(|json| serde_json::from_str(&json).ok()))
}

/// The 200 latest requests filed from `email`.
pub async fn of_subject(pool: &Pool, email: &Email) -> anyhow::Result<Vec<RequestRow>> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE email = $1 ORDER BY received_at DESC LIMIT 200"
    ))
    .bind(email.as_str())
    .fetch_all(pool)
    .await
    .context("follow: list the requests")
}

/// How many requests filed from `email` are still open: for the person
/// themselves, or when `for_person` (first and last name) is given, for
/// that person by someone acting for them (an agent acting for many people
/// is capped per person, not for all of them at once). Names compare as
/// the search folds them (`Dupont` and `DUPONT` are one person).
pub async fn open_count(
    pool: &Pool,
    email: &Email,
    for_person: Option<(&str, &str)>,
) -> anyhow::Result<i64> {
    let Some((first, last)) = for_person else {
        return sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM requests WHERE email = $1 AND closed_at IS NULL AND acting = 'self'",
        )
        .bind(email.as_str())
        .fetch_one(pool)
        .await
        .context("request: count the open requests");
    };
    use super::search::fold;
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT first_name, last_name FROM requests \
         WHERE email = $1 AND closed_at IS NULL AND acting <> 'self'",
    )
    .bind(email.as_str())
    .fetch_all(pool)
    .await
    .context("request: count the open requests for a person")?;
    let person = (fold(first), fold(last));
    Ok(rows
        .iter()
        .filter(|row| {
            (
                fold(&row.get::<String, _>("first_name")),
                fold(&row.get::<String, _>("last_name")),
            ) == person
        })
        .count() as i64)
}

/// Whether `address` (the session's) already filed a request from this
/// form display.
pub async fn submitted(pool: &Pool, submission_key: &str, address: &Email) -> anyhow::Result<bool> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT reference FROM requests WHERE submission_key = $1 AND email = $2",
    )
    .bind(submission_key)
    .bind(address.as_str())
    .fetch_optional(pool)
    .await
    .context("request: look for this submission")?
    .is_some())
}

/// A reply file with its content, for the subject's download.
#[derive(sqlx::FromRow)]
pub struct ReplyFile {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
    pub shared_at: Option<Millis>,
}

pub async fn reply_file(
    pool: &Pool,
    request_id: &str,
    file_id: &str,
) -> anyhow::Result<Option<ReplyFile>> {
    sqlx::query_as::<_, ReplyFile>(
        "SELECT name, content_type, data, shared_at FROM request_files \
         WHERE id = $1 AND request_id = $2 AND direction = 'to_subject'",
    )
    .bind(file_id)
    .bind(request_id)
    .fetch_optional(pool)
    .await
    .context("follow: read a reply file")
}

/// Any file of any request, with the request's reference, for the DPO.
#[derive(sqlx::FromRow)]
pub struct StoredFile {
    pub reference: String,
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

pub async fn stored_file(pool: &Pool, file_id: &str) -> anyhow::Result<Option<StoredFile>> {
    sqlx::query_as::<_, StoredFile>(
        "SELECT f.name, f.content_type, f.data, r.reference FROM request_files f \
         JOIN requests r ON r.id = f.request_id WHERE f.id = $1",
    )
    .bind(file_id)
    .fetch_optional(pool)
    .await
    .context("files: read")
}

/// One of the subject's other requests, as the request page lists them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EarlierLine {
    #[sqlx(try_from = "String")]
    pub reference: Reference,
    #[sqlx(try_from = "String", rename = "right_kind")]
    pub right: crate::domain::RightKind,
    #[sqlx(try_from = "String")]
    pub status: crate::domain::Status,
    #[sqlx(try_from = "String")]
    pub received_on: crate::domain::Date,
    pub outcome: Option<String>,
}

/// The 50 latest other requests filed from `email`.
pub async fn earlier(
    pool: &Pool,
    email: &Email,
    request_id: &str,
) -> anyhow::Result<Vec<EarlierLine>> {
    sqlx::query_as::<_, EarlierLine>(
        "SELECT reference, right_kind, status, received_on, outcome FROM requests \
         WHERE email = $1 AND id <> $2 ORDER BY received_at DESC LIMIT 50",
    )
    .bind(email.as_str())
    .bind(request_id)
    .fetch_all(pool)
    .await
    .context("request page: read the subject's other requests")
}

/// The other requests linked with `request_id` (one letter, several
/// rights), oldest first.
pub async fn linked(pool: &Pool, request_id: &str) -> anyhow::Result<Vec<EarlierLine>> {
    sqlx::query_as::<_, EarlierLine>(
        "SELECT reference, right_kind, status, received_on, outcome FROM requests \
         WHERE linked_group = (SELECT linked_group FROM requests WHERE id = $1) AND id <> $1 \
         ORDER BY received_at, reference LIMIT 50",
    )
    .bind(request_id)
    .fetch_all(pool)
    .await
    .context("request page: read the linked requests")
}

/// Whether the request's answer is held to go with the linked requests'
/// answers (`requests::together`).
pub async fn answer_held(pool: &Pool, request_id: &str) -> anyhow::Result<bool> {
    let held: Option<String> = sqlx::query_scalar(
        "SELECT id FROM held_answers WHERE request_id = $1 AND outbox_id IS NULL LIMIT 1",
    )
    .bind(request_id)
    .fetch_optional(pool)
    .await
    .context("request page: look for a held answer")?;
    Ok(held.is_some())
}

/// One request's register row, from its stored columns (the CSV's
/// cells are `features::dpo::exports`'s).
pub struct RegisterRow {
    pub reference: String,
    pub right_kind: String,
    pub intake: String,
    pub received_at: Millis,
    pub received_on: String,
    pub first_due_on: String,
    pub due_on: Option<String>,
    pub extended_at: Option<Millis>,
    pub extension_months: i64,
    pub closed_at: Option<Millis>,
    pub status: String,
    pub outcome: Option<String>,
    pub anonymised_at: Option<Millis>,
    /// The personal columns the register shows when asked
    /// (`columns::in_register`), in that order.
    pub personal: Vec<String>,
    pub paused_days: i64,
    pub reply_channel: String,
    /// When processing started: identity confirmed, or not in doubt.
    pub started_at: Option<Millis>,
    /// The email of the DPO account the request is assigned to.
    pub handler: Option<String>,
    /// The answer's email: sent (`Some(true)`), not (yet) delivered
    /// (`Some(false)`), or none (no address, or no answer yet).
    pub answer_delivered: Option<bool>,
    /// The day the answer left (`requests::figures`).
    pub answered_on: Option<String>,
    pub is_test: i64,
    /// Why the deadline was extended, as the subject was told (Art. 12(3)).
    pub extension_reason: Option<String>,
    /// How identity was established (`IdentityMethod`), and the day.
    pub identity_method: Option<String>,
    pub identity_on: Option<String>,
    /// Who filed: 'self', or someone acting for the subject (`Acting`).
    pub acting: String,
}

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for RegisterRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        Ok(RegisterRow {
            reference: row.try_get("reference")?,
            right_kind: row.try_get("right_kind")?,
            intake: row.try_get("intake")?,
            received_at: row.try_get("received_at")?,
            received_on: row.try_get("received_on")?,
            first_due_on: row.try_get("first_due_on")?,
            due_on: row.try_get("due_on")?,
            extended_at: row.try_get("extended_at")?,
            extension_months: row.try_get("extension_months")?,
            closed_at: row.try_get("closed_at")?,
            status: row.try_get("status")?,
            outcome: row.try_get("outcome")?,
            anonymised_at: row.try_get("anonymised_at")?,
            paused_days: row.try_get("paused_days")?,
            reply_channel: row.try_get("reply_channel")?,
            started_at: row.try_get("started_at")?,
            handler: row.try_get("handler")?,
            answered_on: row.try_get("answered_on")?,
            is_test: row.try_get("is_test")?,
            extension_reason: row.try_get("extension_reason")?,
            identity_method: row.try_get("identity_method")?,
            identity_on: row.try_get("identity_on")?,
            acting: row.try_get("acting")?,
            answer_delivered: match (
                row.try_get::<i64, _>("answers")?,
                row.try_get::<i64, _>("answers_sent")?,
            ) {
                (0, _) => None,
                (_, sent) => Some(sent > 0),
            },
            personal: super::columns::in_register()
                .map(|column| {
                    row.try_get::<Option<String>, _>(column)
                        .map(Option::unwrap_or_default)
                })
                .collect::<Result<_, _>>()?,
        })
    }
}

const REGISTER_PAGE: i64 = 1000;

/// A page of the register after the key (`received_at`, `reference`).
pub async fn register_page(
    pool: &Pool,
    after: &(Millis, String),
) -> anyhow::Result<Vec<RegisterRow>> {
    let personal: Vec<&str> = super::columns::in_register().collect();
    sqlx::query_as::<_, RegisterRow>(&format!(
        "SELECT r.reference, r.right_kind, r.intake, r.received_at, r.received_on, r.first_due_on, r.due_on, \
         r.extended_at, r.extension_months, r.closed_at, r.status, r.outcome, r.anonymised_at, r.paused_days, \
         r.reply_channel, r.answered_on, r.is_test, r.identity_method, r.identity_on, r.acting, {}, \
         (SELECT MIN(e.at) FROM request_events e WHERE e.request_id = r.id AND e.kind = 'processing_started') \
          AS started_at, \
         (SELECT a.email FROM dpo_accounts a WHERE a.id = r.assignee_id) AS handler, \
         (SELECT MIN(e.note) FROM request_events e WHERE e.request_id = r.id AND e.kind = 'extended') \
          AS extension_reason, \
         (SELECT COUNT(*) FROM outbox o WHERE o.request_id = r.id AND o.kind IN ('completed', 'refused')) \
          + (SELECT COUNT(*) FROM letters l WHERE l.request_id = r.id AND l.kind IN ('completed', 'refused')) AS answers, \
         (SELECT COUNT(*) FROM outbox o WHERE o.request_id = r.id AND o.kind IN ('completed', 'refused') \
          AND o.status = 'sent') \
          + (SELECT COUNT(*) FROM letters l WHERE l.request_id = r.id AND l.kind IN ('completed', 'refused') \
          AND l.posted_on IS NOT NULL) AS answers_sent \
         FROM requests r \
         WHERE r.received_at > $1 OR (r.received_at = $1 AND r.reference > $2) \
         ORDER BY r.received_at, r.reference LIMIT $3",
        personal
            .iter()
            .map(|c| format!("r.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(after.0)
    .bind(&after.1)
    .bind(REGISTER_PAGE)
    .fetch_all(pool)
    .await
    .context("register: read a page")
}

/// Whether the DPO was emailed about the subject's messages on this
/// request since `since` (`DpoSubjectWrote`).
pub async fn dpo_told_since(
    conn: &mut sqlx::AnyConnection,
    request_id: &str,
    since: crate::clock::Millis,
) -> anyhow::Result<bool> {
    let told: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE request_id = $1 AND kind = $2 AND created_at >= $3",
    )
    .bind(request_id)
    .bind(crate::email::EmailKind::DpoSubjectWrote.slug())
    .bind(since)
    .fetch_one(conn)
    .await
    .context("request: look for a recent email to the DPO")?;
    Ok(told > 0)
}
