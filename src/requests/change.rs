//! The one door through which a request changes. A change may move the
//! status (checked against `Status::can_become`) or keep it (a note, an
//! assignment, a message); either way, in one transaction, it
//! compares-and-sets the status it was decided on, applies its effect on
//! the GDPR clock, records the timeline event and queues the emails.
//! Whoever loses a race is told the request changed meanwhile.

use super::deadline::{DeadlineEffect, open_due};
use super::notices::Notice;
use super::{EventAudit, NewEvent, RequestRow, audit_event, record_event};
use crate::domain::choice::{FilePurpose, IdentityMethod, IdentityStep};
use crate::domain::outcome::Outcome;
use crate::domain::{Actor, Date, EventKind, Status};
use crate::email::OutgoingEmail;
use crate::email::templates::Composed;
use crate::error::AppError;
use crate::state::AppState;
use anyhow::Context;

pub struct Change {
    pub event: EventKind,
    /// The new status, or `None` to keep it.
    pub to: Option<Status>,
    pub actor: Actor,
    /// The DPO account that acted, for `Actor::Dpo`.
    pub actor_id: Option<String>,
    /// What the event says: a message, a reason, a note.
    pub note: Option<String>,
    /// Structured facts of the event, as JSON.
    pub detail: Option<String>,
    /// Whether the data subject sees the event on the follow page.
    pub visible_to_subject: bool,
    pub clock: DeadlineEffect,
    /// `Some(None)` unassigns.
    pub assign: Option<Option<String>>,
    /// The decision (completion or refusal), stored as JSON.
    pub outcome: Option<Outcome>,
    /// Marks the request as a test (left out of the dashboard's rates), or
    /// not; `None` keeps the mark.
    pub mark_test: Option<bool>,
    /// Files stored with the change (a reply file, a subject's attachment).
    pub files: Vec<NewFile>,
    /// Reply files shared with the subject by this change: those listed in
    /// `share_only` when it is given, else every one not shared yet.
    pub share_files: bool,
    pub share_only: Option<Vec<String>>,
    /// A reply file removed before it was shared (attached by mistake).
    pub remove_file: Option<String>,
    /// A shared reply file whose download expired, shared again from now.
    pub reshare_file: Option<String>,
    /// The subject's contact details as the DPO corrected them.
    pub contact: Option<ContactCorrection>,
    /// The pending email address, confirmed from its mailbox, becomes the
    /// request's address.
    pub confirm_email: bool,
    pub emails: Vec<OutgoingEmail>,
    /// Notices that go by post (`requests::post`).
    pub letters: Vec<Composed>,
    /// A letter of this request marked posted, and the day.
    pub posted: Option<(String, Date)>,
    /// The step of a question on identity (a fact, then a document).
    pub identity_step: Option<IdentityStep>,
    /// How identity was established, recorded with today's date. Either
    /// this or a closing deletes the identity documents received.
    pub identity: Option<IdentityMethod>,
    /// Another request (its id) to link this one with: both groups merge.
    pub link: Option<String>,
    /// The answer waits to go in one email with the linked requests'
    /// answers (`requests::together`).
    pub together: bool,
}

impl Change {
    /// Adds to the request without deciding or moving anything. Only a
    /// recipient told after closing (Art. 19) amends the recorded outcome.
    pub fn is_addendum(&self) -> bool {
        self.to.is_none()
            && self.clock == DeadlineEffect::Keep
            && (self.outcome.is_none() || self.event == EventKind::RecipientTold)
            && self.assign.is_none()
            && !self.share_files
    }

    /// Sends a notice to the subject the way it goes: an email, or a
    /// letter to post.
    pub fn tell(&mut self, notice: Notice) {
        match notice {
            Notice::Email(email) => self.emails.push(email),
            Notice::Letter(letter) => self.letters.push(letter),
        }
    }

    /// A change with no effect beyond its event, by `actor`.
    pub fn event(event: EventKind, actor: Actor) -> Self {
        Change {
            event,
            to: None,
            actor,
            actor_id: None,
            note: None,
            detail: None,
            visible_to_subject: true,
            clock: DeadlineEffect::Keep,
            assign: None,
            outcome: None,
            mark_test: None,
            files: Vec::new(),
            share_files: false,
            emails: Vec::new(),
            letters: Vec::new(),
            posted: None,
            share_only: None,
            remove_file: None,
            reshare_file: None,
            contact: None,
            confirm_email: false,
            identity_step: None,
            identity: None,
            link: None,
            together: false,
        }
    }
}

#[derive(Debug)]
pub enum ChangeError {
    /// The status table does not allow this move.
    NotAllowed {
        from: Status,
        to: Status,
    },
    /// Someone else changed the request after it was read: nothing was
    /// written; read it again.
    ChangedMeanwhile,
    Failed(AppError),
}

impl From<anyhow::Error> for ChangeError {
    fn from(error: anyhow::Error) -> Self {
        ChangeError::Failed(AppError::from(error))
    }
}

/// The contact details a correction writes. A new email address waits,
/// with the SHA-256 of its confirmation link, until confirmed.
#[derive(Clone, Debug)]
pub struct ContactCorrection {
    pub first_name: String,
    pub last_name: String,
    pub lang: crate::domain::Lang,
    pub reply_channel: crate::domain::choice::Channel,
    pub reply_phone: Option<String>,
    pub reply_postal_address: Option<String>,
    /// (address, link hash, valid until)
    pub pending_email: Option<(String, String, crate::clock::Millis)>,
}

/// A file stored with a change.
pub struct NewFile {
    /// `to_subject` (a reply file) or `from_subject`.
    pub direction: crate::domain::choice::FileDirection,
    pub name: String,
    pub content_type: &'static str,
    pub data: Vec<u8>,
    /// An identity document, a proof of representation, or neither.
    pub purpose: Option<FilePurpose>,
}

/// Applies `change` to `request`, as read (its status and version). Returns the
/// timeline event's id.
pub async fn apply(
    state: &AppState,
    request: &RequestRow,
    change: Change,
) -> Result<String, ChangeError> {
    let from = request.status;
    let to = match (change.clock, change.to) {
        // The subject's answer goes back to where the request was.
        (DeadlineEffect::Resume, None) => request.resume_status.0.unwrap_or(Status::InProgress),
        (_, Some(to)) => to,
        (_, None) => from,
    };
    if (change.to.is_some() || to != from) && !from.can_become(to) {
        return Err(ChangeError::NotAllowed { from, to });
    }
    // A closed request stays closed; only an addendum (a note, a message,
    // a file) is added to it, without moving its status or its clock.
    if from.is_closed() && !change.is_addendum() {
        return Err(ChangeError::NotAllowed { from, to });
    }
    let now = state.clock.now();
    let today = Date::paris_of(now);
    let clock = request
        .deadline()
        .after(change.clock, request.received_on, today);
    let resume_status = match change.clock {
        DeadlineEffect::Pause => Some(from.slug()),
        DeadlineEffect::Resume => None,
        _ => request.resume_status.0.map(Status::slug),
    };
    let assignee = change
        .assign
        .clone()
        .unwrap_or_else(|| request.assignee_id.clone());
    // Where the request counts in the console's kept counts, before and
    // after (`requests::tally`).
    let counted = (
        super::tally::Place::of_row(request),
        super::tally::Place::of(
            to,
            request.right,
            assignee.as_deref(),
            clock.due_on,
            clock.paused_since,
        ),
    );
    // The dates the dashboard counts in SQL (`requests::figures`): the
    // closing day, and for a decision the day its answer left. With an
    // answer email queued, that is the day it is sent (the worker records
    // it); with none (no address, a letter), the closing day.
    let closing = to.is_closed() && !from.is_closed();
    let decided = closing && matches!(to, Status::Completed | Status::Refused);
    // An answer by post leaves when the DPO marks its letter posted.
    let answer_queued = change.emails.iter().any(|email| email.kind.is_answer())
        || change.letters.iter().any(|letter| letter.kind.is_answer());
    let answered_now = decided && !answer_queued;
    let refusal_reason = match &change.outcome {
        Some(Outcome::Refused { reason, .. }) => Some(reason.slug()),
        _ => None,
    };
    let outcome = change
        .outcome
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .context("change: the outcome as JSON")?;

    let mut tx = state.pool.begin().await.context("change: begin")?;
    let updated = sqlx::query(
        "UPDATE requests SET status = $1, closed_at = $2, due_on = $3, open_due = $4, extension_months = $5, \
         extended_at = $6, paused_days = $7, paused_since = $8, resume_status = $9, assignee_id = $10, \
         outcome = COALESCE($11, outcome), reminded_at = $14, closed_on = COALESCE($16, closed_on), \
         answered_on = COALESCE($17, answered_on), answer_days = COALESCE($18, answer_days), \
         refusal_reason = COALESCE($19, refusal_reason), is_test = COALESCE($20, is_test), \
         identity_step = COALESCE($21, identity_step), identity_method = COALESCE($22, identity_method), \
         identity_on = COALESCE($23, identity_on), version = version + 1 \
         WHERE id = $12 AND status = $13 AND version = $15",
    )
    .bind(to.slug())
    .bind(if to.is_closed() { Some(now) } else { request.closed_at })
    .bind(clock.due_on.map(|d| d.iso()))
    .bind(open_due(to, clock.due_on))
    .bind(i64::from(clock.extension_months))
    .bind(match change.clock {
        DeadlineEffect::Extend { .. } => Some(now),
        _ => request.extended_at,
    })
    .bind(clock.paused_days)
    .bind(clock.paused_since.map(|d| d.iso()))
    .bind(resume_status)
    .bind(assignee)
    .bind(outcome.as_deref())
    .bind(&request.id)
    .bind(from.slug())
    .bind(match (change.event, change.clock) {
        // One reminder per pause.
        (EventKind::Reminded, _) => Some(now),
        (_, DeadlineEffect::Pause) => None,
        _ => request.reminded_at,
    })
    .bind(request.version)
    .bind(closing.then(|| today.iso()))
    .bind(answered_now.then(|| today.iso()))
    .bind(answered_now.then(|| today.to_days() - request.received_on.to_days()))
    .bind(refusal_reason)
    .bind(change.mark_test.map(i64::from))
    .bind(change.identity_step.map(IdentityStep::slug))
    .bind(change.identity.map(IdentityMethod::slug))
    .bind(change.identity.map(|_| today.iso()))
    .execute(&mut *tx)
    .await
    .context("change: compare and set the version")?;
    if updated.rows_affected() != 1 {
        tx.rollback().await.context("change: roll back")?;
        return Err(ChangeError::ChangedMeanwhile);
    }
    let event_id = record_event(
        &mut tx,
        &request.id,
        now,
        &NewEvent {
            kind: change.event,
            actor: change.actor,
            actor_id: change.actor_id.as_deref(),
            note: change.note.as_deref(),
            detail: change.detail.as_deref(),
            visible_to_subject: change.visible_to_subject,
        },
    )
    .await?;
    let mut files = Vec::new();
    for file in &change.files {
        let file_id = crate::db::new_id();
        let sha256 = crate::secure::sha256_bytes_hex(&file.data);
        sqlx::query(
            "INSERT INTO request_files (id, request_id, direction, name, content_type, size, sha256, data, created_at, purpose) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&file_id)
        .bind(&request.id)
        .bind(file.direction.slug())
        .bind(&file.name)
        .bind(file.content_type)
        .bind(file.data.len() as i64)
        .bind(&sha256)
        .bind(file.data.clone())
        .bind(now)
        .bind(file.purpose.map(FilePurpose::slug))
        .execute(&mut *tx)
        .await
        .context("change: store a file")?;
        files.push((file_id, sha256));
    }
    if change.share_files {
        match &change.share_only {
            None => {
                sqlx::query(
                    "UPDATE request_files SET shared_at = $1 WHERE request_id = $2 AND direction = 'to_subject' AND shared_at IS NULL",
                )
                .bind(now)
                .bind(&request.id)
                .execute(&mut *tx)
                .await
                .context("change: share the reply files")?;
            }
            Some(ids) => {
                for id in ids {
                    sqlx::query(
                        "UPDATE request_files SET shared_at = $1 WHERE id = $2 AND request_id = $3 \
                         AND direction = 'to_subject' AND shared_at IS NULL",
                    )
                    .bind(now)
                    .bind(id)
                    .bind(&request.id)
                    .execute(&mut *tx)
                    .await
                    .context("change: share a reply file")?;
                }
            }
        }
    }
    // Removed before it was shared: its content goes; the audit entry
    // keeps its SHA-256.
    if let Some(id) = &change.remove_file {
        let removed = sqlx::query(
            "SELECT sha256 FROM request_files WHERE id = $1 AND request_id = $2 AND direction = 'to_subject' AND shared_at IS NULL",
        )
        .bind(id)
        .bind(&request.id)
        .fetch_optional(&mut *tx)
        .await
        .context("change: find the file to remove")?;
        let Some(removed) = removed else {
            tx.rollback().await.context("change: roll back")?;
            return Err(ChangeError::ChangedMeanwhile);
        };
        sqlx::query("DELETE FROM request_files WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("change: remove a file")?;
        files.push((id.clone(), sqlx::Row::get(&removed, "sha256")));
    }
    if let Some(id) = &change.reshare_file {
        let shared = sqlx::query(
            "UPDATE request_files SET shared_at = $1 WHERE id = $2 AND request_id = $3 \
             AND direction = 'to_subject' AND shared_at IS NOT NULL",
        )
        .bind(now)
        .bind(id)
        .bind(&request.id)
        .execute(&mut *tx)
        .await
        .context("change: share a file again")?;
        if shared.rows_affected() != 1 {
            tx.rollback().await.context("change: roll back")?;
            return Err(ChangeError::ChangedMeanwhile);
        }
    }
    if let Some(contact) = &change.contact {
        sqlx::query(
            "UPDATE requests SET first_name = $1, last_name = $2, lang = $3, reply_channel = $4, reply_phone = $5, \
             reply_postal_address = $6, pending_email = COALESCE($7, pending_email), \
             pending_email_hash = COALESCE($8, pending_email_hash), pending_email_until = COALESCE($9, pending_email_until) \
             WHERE id = $10",
        )
        .bind(&contact.first_name)
        .bind(&contact.last_name)
        .bind(contact.lang.code())
        .bind(contact.reply_channel.slug())
        .bind(contact.reply_phone.as_deref())
        .bind(contact.reply_postal_address.as_deref())
        .bind(contact.pending_email.as_ref().map(|p| p.0.as_str()))
        .bind(contact.pending_email.as_ref().map(|p| p.1.as_str()))
        .bind(contact.pending_email.as_ref().map(|p| p.2))
        .bind(&request.id)
        .execute(&mut *tx)
        .await
        .context("change: correct the contact details")?;
    }
    if change.confirm_email {
        let confirmed = sqlx::query(
            "UPDATE requests SET email = pending_email, pending_email = NULL, pending_email_hash = NULL, \
             pending_email_until = NULL WHERE id = $1 AND pending_email IS NOT NULL",
        )
        .bind(&request.id)
        .execute(&mut *tx)
        .await
        .context("change: confirm the new address")?;
        if confirmed.rows_affected() != 1 {
            tx.rollback().await.context("change: roll back")?;
            return Err(ChangeError::ChangedMeanwhile);
        }
    }
    if change.contact.is_some() || change.confirm_email {
        super::search::reindex(&mut tx, &request.id).await?;
    }
    if let Some(other) = &change.link {
        // One group for both and for whatever either was linked to.
        sqlx::query(
            "UPDATE requests SET linked_group = (SELECT COALESCE( \
               (SELECT linked_group FROM requests WHERE id = $1), \
               (SELECT linked_group FROM requests WHERE id = $2), $1)) \
             WHERE id IN ($1, $2) \
             OR linked_group IN (SELECT linked_group FROM requests WHERE id IN ($1, $2) AND linked_group IS NOT NULL)",
        )
        .bind(&request.id)
        .bind(other)
        .execute(&mut *tx)
        .await
        .context("change: link two requests")?;
    }
    for letter in &change.letters {
        super::post::insert(&mut tx, &request.id, letter, now).await?;
    }
    if let Some((letter_id, on)) = &change.posted {
        let posted = sqlx::query(
            "UPDATE letters SET posted_on = $1, posted_by = $2 WHERE id = $3 AND request_id = $4 AND posted_on IS NULL",
        )
        .bind(on.iso())
        .bind(change.actor_id.as_deref())
        .bind(letter_id)
        .bind(&request.id)
        .execute(&mut *tx)
        .await
        .context("change: mark a letter posted")?;
        if posted.rows_affected() != 1 {
            tx.rollback().await.context("change: roll back")?;
            return Err(ChangeError::ChangedMeanwhile);
        }
        // The answer's letter: the request was answered the day it left.
        sqlx::query(
            "UPDATE requests SET answered_on = $1, answer_days = $2 WHERE id = $3 AND answered_on IS NULL \
             AND closed_on IS NOT NULL AND EXISTS (SELECT 1 FROM letters l WHERE l.id = $4 AND l.kind IN ('completed', 'refused'))",
        )
        .bind(on.iso())
        .bind(on.to_days() - request.received_on.to_days())
        .bind(&request.id)
        .bind(letter_id)
        .execute(&mut *tx)
        .await
        .context("change: the answer's posting day")?;
    }
    let mut emails = Vec::new();
    for email in &change.emails {
        let queued = super::together::route(
            &mut tx,
            state,
            &request.id,
            &request.reference,
            email,
            change.together,
            now,
        )
        .await
        .context("change: queue an email")?;
        emails.extend(queued);
    }
    audit_event(
        &mut tx,
        now,
        &EventAudit {
            reference: &request.reference,
            event_id: &event_id,
            kind: change.event,
            actor: change.actor,
            actor_id: change.actor_id.as_deref(),
            from: Some(from),
            to,
            emails: &emails,
            files: &files,
        },
    )
    .await?;
    // Processing starts: each of SOFACTO's systems that handles the right
    // gets its task, in this transaction (`systems::tasks`).
    let tasks = if to == Status::InProgress && from != Status::InProgress {
        crate::systems::tasks::create_for(
            &mut tx,
            &request.id,
            request.reference.as_str(),
            request.right,
            now,
        )
        .await?
    } else {
        0
    };
    // Identity established, or the request closed: a copy of an identity
    // document has served its purpose (SPEC §3), and goes now.
    if change.identity.is_some() || closing {
        delete_identity_documents(&mut tx, request, to, now).await?;
    }
    // Last, so that PostgreSQL holds the counters' rows for the shortest
    // time before the commit.
    super::tally::moved(&mut tx, counted.0.as_ref(), counted.1.as_ref()).await?;
    tx.commit().await.context("change: commit")?;
    if !change.emails.is_empty() {
        state.outbox_wakeup.notify_one();
    }
    if tasks > 0 {
        state.tasks_wakeup.notify_one();
    }
    tracing::info!(
        event = change.event.slug(),
        status = to.slug(),
        "request changed"
    );
    Ok(event_id)
}

/// Deletes the request's identity documents, each recorded in the
/// timeline (the subject sees it) and in the audit with its SHA-256.
async fn delete_identity_documents(
    tx: &mut sqlx::AnyConnection,
    request: &RequestRow,
    status: Status,
    now: crate::clock::Millis,
) -> anyhow::Result<()> {
    let rows = sqlx::query(
        "SELECT id, sha256 FROM request_files WHERE request_id = $1 AND purpose = 'identity'",
    )
    .bind(&request.id)
    .fetch_all(&mut *tx)
    .await
    .context("change: find the identity documents")?;
    if rows.is_empty() {
        return Ok(());
    }
    let files: Vec<(String, String)> = rows
        .iter()
        .map(|row| (sqlx::Row::get(row, "id"), sqlx::Row::get(row, "sha256")))
        .collect();
    sqlx::query("DELETE FROM request_files WHERE request_id = $1 AND purpose = 'identity'")
        .bind(&request.id)
        .execute(&mut *tx)
        .await
        .context("change: delete the identity documents")?;
    let detail = serde_json::json!({
        "files": files.iter().map(|(id, sha256)| serde_json::json!({ "id": id, "sha256": sha256 })).collect::<Vec<_>>()
    })
    .to_string();
    let event_id = record_event(
        tx,
        &request.id,
        now,
        &NewEvent {
            kind: EventKind::IdentityDocumentDeleted,
            actor: Actor::System,
            actor_id: None,
            note: None,
            detail: Some(&detail),
            visible_to_subject: true,
        },
    )
    .await?;
    audit_event(
        tx,
        now,
        &EventAudit {
            reference: &request.reference,
            event_id: &event_id,
            kind: EventKind::IdentityDocumentDeleted,
            actor: Actor::System,
            actor_id: None,
            from: Some(status),
            to: status,
            emails: &[],
            files: &files,
        },
    )
    .await
}
