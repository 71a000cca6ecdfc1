//! Every read of one request or of a subject's requests that the pages
//! need, in one place beside the writes (`file`, `change`). Features parse,
//! call these, render.

use super::{EVENT_COLUMNS, EventRow, REQUEST_COLUMNS, RequestRow};
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

/// How many requests filed from `email` are still open.
pub async fn open_count(pool: &Pool, email: &Email) -> anyhow::Result<i64> {
    sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM requests WHERE email = $1 AND closed_at IS NULL",
    )
    .bind(email.as_str())
    .fetch_one(pool)
    .await
    .context("request: count the open requests")
}

/// Whether a request was already filed from this form display.
pub async fn submitted(pool: &Pool, submission_key: &str) -> anyhow::Result<bool> {
    Ok(
        sqlx::query_scalar::<_, String>("SELECT reference FROM requests WHERE submission_key = $1")
            .bind(submission_key)
            .fetch_optional(pool)
            .await
            .context("request: look for this submission")?
            .is_some(),
    )
}

/// The events the subject sees, in order.
pub async fn subject_timeline(pool: &Pool, request_id: &str) -> anyhow::Result<Vec<EventRow>> {
    sqlx::query_as::<_, EventRow>(&format!(
        "SELECT {EVENT_COLUMNS} FROM request_events WHERE request_id = $1 AND visible_to_subject = 1 ORDER BY at, id"
    ))
    .bind(request_id)
    .fetch_all(pool)
    .await
    .context("follow: read the timeline")
}

/// A reply file shared with the subject, as their page lists it.
#[derive(sqlx::FromRow)]
pub struct SharedFileLine {
    pub id: String,
    pub name: String,
    pub shared_at: Millis,
}

pub async fn shared_files(pool: &Pool, request_id: &str) -> anyhow::Result<Vec<SharedFileLine>> {
    sqlx::query_as::<_, SharedFileLine>(
        "SELECT id, name, shared_at FROM request_files \
         WHERE request_id = $1 AND direction = 'to_subject' AND shared_at IS NOT NULL ORDER BY created_at, id",
    )
    .bind(request_id)
    .fetch_all(pool)
    .await
    .context("follow: read the reply files")
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
