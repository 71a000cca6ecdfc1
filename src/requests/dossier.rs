//! Everything about one request, read by one function: the request with
//! what the subject sent (its details and outcome parsed here, once), the
//! timeline, the emails, the letters, the files and the request's audit
//! entries. The
//! console's request page and the evidence file are both built from a
//! [`Dossier`]. The subject's follow page reads its own filtered view,
//! [`SubjectDossier`], whose type holds no note, email or audit data.

use super::{EVENT_COLUMNS, EventRow, REQUEST_COLUMNS, RequestRow};
use crate::audit::AuditRow;
use crate::clock::Millis;
use crate::domain::choice::{Channel, Relation};
use crate::domain::outcome::Outcome;
use crate::domain::request::RightDetails;
use crate::domain::{Email, Reference};
use anyhow::Context;

/// What the subject sent, beyond the request row: the personal columns.
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
    /// A new address the DPO recorded, waiting for its confirmation.
    pub pending_email: Option<String>,
    pub details: String,
    pub outcome: Option<String>,
    pub anonymised_at: Option<Millis>,
}

/// One email about the request, with its delivery state.
#[derive(Clone, Debug)]
pub struct EmailLine {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Millis,
    pub sent_at: Option<Millis>,
    /// The `Message-ID` it went out under, the same on every retry.
    pub message_id: Option<String>,
    /// The stored message (empty for a code email once sent): its subject
    /// and text are read from it only when asked (`subject_and_text`), for
    /// the evidence file, not on every request page.
    pub message: String,
}

impl EmailLine {
    /// The subject and plain text of the stored message.
    pub fn subject_and_text(&self) -> (Option<String>, Option<String>) {
        let Some(parsed) = mail_parser::MessageParser::default().parse(self.message.as_bytes())
        else {
            return (None, None);
        };
        (
            parsed.subject().map(str::to_owned),
            parsed.body_text(0).map(|text| text.into_owned()),
        )
    }
}

#[derive(sqlx::FromRow)]
struct EmailRow {
    id: String,
    kind: String,
    recipient: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
    created_at: Millis,
    sent_at: Option<Millis>,
    message: String,
}

/// One file of the request (never its content).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FileLine {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub direction: crate::domain::choice::FileDirection,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: Millis,
    pub shared_at: Option<Millis>,
    /// An identity document, a proof of representation, or neither.
    #[sqlx(try_from = "Option<String>")]
    pub purpose: super::Maybe<crate::domain::choice::FilePurpose>,
    /// The task of one of SOFACTO's systems whose result brought it.
    pub task_id: Option<String>,
}

pub struct Dossier {
    pub row: RequestRow,
    pub submitted: Submitted,
    /// The personal columns the evidence file lists, as stored
    /// (`columns::in_evidence`), in that order.
    pub personal: Vec<(&'static str, Option<String>)>,
    pub details: Option<RightDetails>,
    pub outcome: Option<Outcome>,
    /// Every event, notes and all, in order.
    pub events: Vec<EventRow>,
    pub emails: Vec<EmailLine>,
    pub files: Vec<FileLine>,
    /// The letters to post or posted, in order.
    pub letters: Vec<super::post::Letter>,
    /// The request's entries in the audit log, in order.
    pub audit: Vec<AuditRow>,
    /// The tasks of SOFACTO's systems, with their results.
    pub tasks: Vec<crate::systems::tasks::RequestTask>,
}

/// The dossier of `reference`, on `conn` (a transaction reads it as one
/// snapshot).
pub async fn read(
    conn: &mut sqlx::AnyConnection,
    reference: &Reference,
) -> anyhow::Result<Option<Dossier>> {
    let Some(row) = sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE reference = $1"
    ))
    .bind(reference.as_str())
    .fetch_optional(&mut *conn)
    .await
    .context("dossier: read the request")?
    else {
        return Ok(None);
    };
    let submitted = sqlx::query_as::<_, Submitted>(
        "SELECT first_name, last_name, relation, customer_number, reply_channel, reply_phone, \
         reply_postal_address, pending_email, details, outcome, anonymised_at FROM requests WHERE id = $1",
    )
    .bind(&row.id)
    .fetch_one(&mut *conn)
    .await
    .context("dossier: read what was sent")?;
    let personal_columns: Vec<&'static str> = super::columns::in_evidence().collect();
    let stored = sqlx::query(&format!(
        "SELECT {} FROM requests WHERE id = $1",
        personal_columns.join(", ")
    ))
    .bind(&row.id)
    .fetch_one(&mut *conn)
    .await
    .context("dossier: read the personal columns")?;
    let personal = personal_columns
        .into_iter()
        .map(|column| {
            use sqlx::Row;
            Ok((column, stored.try_get::<Option<String>, _>(column)?))
        })
        .collect::<Result<_, sqlx::Error>>()
        .context("dossier: read the personal columns")?;
    let events = sqlx::query_as::<_, EventRow>(&format!(
        "SELECT {EVENT_COLUMNS} FROM request_events WHERE request_id = $1 ORDER BY at, id"
    ))
    .bind(&row.id)
    .fetch_all(&mut *conn)
    .await
    .context("dossier: read the timeline")?;
    let emails = sqlx::query_as::<_, EmailRow>(
        "SELECT id, kind, recipient, status, attempts, last_error, created_at, sent_at, message FROM outbox \
         WHERE request_id = $1 ORDER BY created_at, id",
    )
    .bind(&row.id)
    .fetch_all(&mut *conn)
    .await
    .context("dossier: read the emails")?
    .into_iter()
    .map(|e| EmailLine {
        message_id: message_id(&e.message),
        id: e.id,
        kind: e.kind,
        recipient: e.recipient,
        status: e.status,
        attempts: e.attempts,
        last_error: e.last_error,
        created_at: e.created_at,
        sent_at: e.sent_at,
        message: e.message,
    })
    .collect();
    let files = files_of(&mut *conn, &row.id).await?;
    let letters = super::post::of_request(&mut *conn, &row.id).await?;
    let audit = crate::audit::trail(&mut *conn, reference.as_str()).await?;
    let tasks = crate::systems::tasks::of_request(&mut *conn, &row.id).await?;
    let details = serde_json::from_str(&submitted.details).ok();
    let outcome = submitted
        .outcome
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    Ok(Some(Dossier {
        row,
        submitted,
        personal,
        details,
        outcome,
        events,
        emails,
        files,
        letters,
        audit,
        tasks,
    }))
}

/// A request's files (never their content), oldest first.
pub async fn files_of(
    conn: &mut sqlx::AnyConnection,
    request_id: &str,
) -> anyhow::Result<Vec<FileLine>> {
    sqlx::query_as::<_, FileLine>(
        "SELECT id, direction, name, content_type, size, sha256, created_at, shared_at, purpose, task_id FROM request_files \
         WHERE request_id = $1 ORDER BY created_at, id",
    )
    .bind(request_id)
    .fetch_all(conn)
    .await
    .context("dossier: read the files")
}

/// What the subject's follow page may show of one of their requests: the
/// request, the events meant for them, and the reply files shared with
/// them. Notes, emails, other files and audit entries are not read.
pub struct SubjectDossier {
    pub row: RequestRow,
    pub timeline: Vec<EventRow>,
    pub files: Vec<SharedFileLine>,
}

/// A reply file shared with the subject, as their page lists it.
#[derive(sqlx::FromRow)]
pub struct SharedFileLine {
    pub id: String,
    pub name: String,
    pub shared_at: Millis,
}

/// The subject's view of `reference`, if it was filed from `email` (a
/// stranger's reference reads as none), on `conn`.
pub async fn read_for_subject(
    conn: &mut sqlx::AnyConnection,
    reference: &Reference,
    email: &Email,
) -> anyhow::Result<Option<SubjectDossier>> {
    let Some(row) = sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE reference = $1 AND email = $2"
    ))
    .bind(reference.as_str())
    .bind(email.as_str())
    .fetch_optional(&mut *conn)
    .await
    .context("follow: read a request")?
    else {
        return Ok(None);
    };
    let timeline = sqlx::query_as::<_, EventRow>(&format!(
        "SELECT {EVENT_COLUMNS} FROM request_events WHERE request_id = $1 AND visible_to_subject = 1 ORDER BY at, id"
    ))
    .bind(&row.id)
    .fetch_all(&mut *conn)
    .await
    .context("follow: read the timeline")?;
    let files = sqlx::query_as::<_, SharedFileLine>(
        "SELECT id, name, shared_at FROM request_files \
         WHERE request_id = $1 AND direction = 'to_subject' AND shared_at IS NOT NULL ORDER BY created_at, id",
    )
    .bind(&row.id)
    .fetch_all(&mut *conn)
    .await
    .context("follow: read the reply files")?;
    Ok(Some(SubjectDossier {
        row,
        timeline,
        files,
    }))
}

/// The `Message-ID` header of a raw message, if it has one.
pub fn message_id(raw: &str) -> Option<String> {
    raw.lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("message-id")
                .then(|| value.trim().to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_id_is_read_from_the_headers_only() {
        let raw = "From: a@b.c\r\nMessage-ID: <1@portal>\r\nSubject: x\r\n\r\nMessage-ID: <fake>";
        assert_eq!(message_id(raw).as_deref(), Some("<1@portal>"));
        assert_eq!(message_id("Subject: x\r\n\r\nbody"), None);
    }
}
