//! Linked requests answered in one email (SPEC §3). One letter asking for
//! access and erasure becomes two requests; when the DPO chooses it, the
//! answer to the first is held (`held_answers`) and leaves in one email
//! with the answer to the last one still open. A held answer never waits
//! past the day before its own request's due date, nor once no linked
//! request is open: the daily run (`release_due`) sends what is held then.
//! The day that email leaves is the day each request was answered
//! (`figures::answer_sent`), so holding never hides a late answer.

use super::{EventAudit, NewEvent, audit_event, record_event};
use crate::clock::Millis;
use crate::db::new_id;
use crate::domain::{Actor, Date, Email, EventKind, Lang, Reference, Status};
use crate::email::templates::{self, Body};
use crate::email::{EmailKind, OutgoingEmail, outbox};
use crate::state::AppState;
use anyhow::Context;
use sqlx::{AnyConnection, Row};

/// Queues `email` for `request_id` as the change that wrote it chose:
/// an answer `held` while a linked request is open, or sent with the
/// answers held for the same address, or alone. Returns the outbox id, or
/// `None` when held.
pub(super) async fn route(
    tx: &mut AnyConnection,
    state: &AppState,
    request_id: &str,
    reference: &Reference,
    email: &OutgoingEmail,
    held: bool,
    now: Millis,
) -> anyhow::Result<Option<String>> {
    let from = &state.config.mail_from;
    if !email.kind.is_answer() {
        return outbox::enqueue(tx, email, from, Some(request_id), now)
            .await
            .map(Some);
    }
    let (group, due_on): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT linked_group, due_on FROM requests WHERE id = $1")
            .bind(request_id)
            .fetch_one(&mut *tx)
            .await
            .context("together: read the request's group")?;
    let Some(group) = group else {
        return outbox::enqueue(tx, email, from, Some(request_id), now)
            .await
            .map(Some);
    };
    // Held only while it can still leave in time: a due date after
    // tomorrow (the daily run sends it the day before). Without one (a
    // request closed while paused), it goes now.
    let tomorrow = Date::paris_of(now).add_days(1);
    let may_wait = due_on
        .as_deref()
        .and_then(Date::parse_iso)
        .is_some_and(|due| due > tomorrow);
    if held && may_wait && others_open(tx, &group, request_id).await? {
        sqlx::query(
            "INSERT INTO held_answers (id, request_id, linked_group, recipient, reference, kind, lang, subject, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(new_id())
        .bind(request_id)
        .bind(&group)
        .bind(email.to.as_str())
        .bind(reference.as_str())
        .bind(email.kind.slug())
        .bind(email.lang.code())
        .bind(&email.subject)
        .bind(serde_json::to_string(&email.body).context("together: the answer as JSON")?)
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("together: hold an answer")?;
        return Ok(None);
    }
    let waiting = waiting(tx, &group, email.to.as_str()).await?;
    if waiting.is_empty() {
        return outbox::enqueue(tx, email, from, Some(request_id), now)
            .await
            .map(Some);
    }
    let mut parts: Vec<(String, Body)> = waiting
        .iter()
        .map(|w| (w.reference.clone(), w.body.clone()))
        .collect();
    parts.push((reference.to_string(), email.body.clone()));
    let joined =
        templates::answers_together(email.lang, &email.to, parts, &state.config.controller());
    let outbox_id = outbox::enqueue(tx, &joined, from, Some(request_id), now).await?;
    sent(tx, &waiting, &outbox_id, reference, now).await?;
    Ok(Some(outbox_id))
}

/// Whether a request of `group` other than `request_id` is still open.
async fn others_open(
    tx: &mut AnyConnection,
    group: &str,
    request_id: &str,
) -> anyhow::Result<bool> {
    let open: Option<String> = sqlx::query_scalar(
        "SELECT id FROM requests WHERE linked_group = $1 AND id <> $2 AND closed_at IS NULL LIMIT 1",
    )
    .bind(group)
    .bind(request_id)
    .fetch_optional(&mut *tx)
    .await
    .context("together: look for an open linked request")?;
    Ok(open.is_some())
}

/// One answer waiting to go.
struct Waiting {
    id: String,
    request_id: String,
    reference: String,
    status: String,
    kind: String,
    lang: String,
    subject: String,
    body: Body,
}

/// The answers held for `recipient` in `group`, oldest first.
async fn waiting(
    tx: &mut AnyConnection,
    group: &str,
    recipient: &str,
) -> anyhow::Result<Vec<Waiting>> {
    let rows = sqlx::query(
        "SELECT h.id, h.request_id, h.reference, h.kind, h.lang, h.subject, h.body, r.status \
         FROM held_answers h JOIN requests r ON r.id = h.request_id \
         WHERE h.linked_group = $1 AND h.recipient = $2 AND h.outbox_id IS NULL \
         ORDER BY h.created_at, h.reference",
    )
    .bind(group)
    .bind(recipient)
    .fetch_all(&mut *tx)
    .await
    .context("together: read the held answers")?;
    rows.iter()
        .map(|row| {
            let body: Option<String> = row.get("body");
            Ok(Waiting {
                id: row.get("id"),
                request_id: row.get("request_id"),
                reference: row.get("reference"),
                status: row.get("status"),
                kind: row.get("kind"),
                lang: row.get("lang"),
                subject: row.get("subject"),
                body: serde_json::from_str(body.as_deref().unwrap_or_default())
                    .context("together: read a held answer")?,
            })
        })
        .collect()
}

/// Marks the `waiting` answers as sent in `outbox_id`, their content
/// emptied, and records it on each request (the timeline and the audit).
/// `with`: the request whose answer carried them, if any.
async fn sent(
    tx: &mut AnyConnection,
    waiting: &[Waiting],
    outbox_id: &str,
    with: &Reference,
    now: Millis,
) -> anyhow::Result<()> {
    for held in waiting {
        let claimed = sqlx::query(
            "UPDATE held_answers SET outbox_id = $1, body = NULL WHERE id = $2 AND outbox_id IS NULL",
        )
        .bind(outbox_id)
        .bind(&held.id)
        .execute(&mut *tx)
        .await
        .context("together: mark a held answer sent")?;
        anyhow::ensure!(
            claimed.rows_affected() == 1,
            "together: a held answer was sent meanwhile"
        );
        let detail = serde_json::json!({ "with": with.as_str() }).to_string();
        let event_id = record_event(
            tx,
            &held.request_id,
            now,
            &NewEvent {
                kind: EventKind::AnswerReleased,
                actor: Actor::System,
                actor_id: None,
                note: None,
                detail: Some(&detail),
                visible_to_subject: true,
            },
        )
        .await?;
        let reference = Reference::try_from(held.reference.clone())
            .map_err(|_| anyhow::anyhow!("together: a held answer's reference"))?;
        let status = Status::parse(&held.status).unwrap_or(Status::Completed);
        audit_event(
            tx,
            now,
            &EventAudit {
                reference: &reference,
                event_id: &event_id,
                kind: EventKind::AnswerReleased,
                actor: Actor::System,
                actor_id: None,
                from: Some(status),
                to: status,
                emails: &[outbox_id.to_owned()],
                files: &[],
            },
        )
        .await?;
    }
    Ok(())
}

/// Sends the answers that may wait no longer: those whose request is due
/// tomorrow or earlier, and those no open linked request is left to join
/// (it was withdrawn, or answered without joining). Each address's answers
/// in a group go as one email. Returns how many emails were queued.
pub async fn release_due(state: &AppState, now: Millis) -> anyhow::Result<usize> {
    let tomorrow = Date::paris_of(now).add_days(1);
    let due: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT h.linked_group, h.recipient FROM held_answers h JOIN requests r ON r.id = h.request_id \
         WHERE h.outbox_id IS NULL AND (r.due_on IS NULL OR r.due_on <= $1 OR NOT EXISTS ( \
           SELECT 1 FROM requests o WHERE o.linked_group = h.linked_group AND o.closed_at IS NULL))",
    )
    .bind(tomorrow.iso())
    .fetch_all(&state.pool)
    .await
    .context("together: find the answers that may wait no longer")?;
    let mut queued = 0;
    for (group, recipient) in due {
        // One group's trouble (another instance sent it a moment before)
        // never stops the others, nor the day's other jobs.
        match release_group(state, &group, &recipient, now).await {
            Ok(true) => queued += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(error = format!("{e:#}"), "held answers not sent"),
        }
    }
    if queued > 0 {
        state.outbox_wakeup.notify_one();
    }
    Ok(queued)
}

/// Sends what is held for `recipient` in `group`, in one email: `true`
/// when one was queued.
async fn release_group(
    state: &AppState,
    group: &str,
    recipient: &str,
    now: Millis,
) -> anyhow::Result<bool> {
    let mut tx = state.pool.begin().await.context("together: begin")?;
    let waiting = waiting(&mut tx, group, recipient).await?;
    let Some(first) = waiting.first() else {
        return Ok(false);
    };
    let Ok(to) = Email::parse(recipient) else {
        tracing::error!("a held answer's address does not parse: it stays held");
        return Ok(false);
    };
    let lang = Lang::parse(&first.lang).unwrap_or(Lang::Fr);
    let controller = state.config.controller();
    let email = if let [alone] = waiting.as_slice() {
        templates::held_alone(
            lang,
            EmailKind::parse(&alone.kind).unwrap_or(EmailKind::Completed),
            &to,
            alone.subject.clone(),
            alone.body.clone(),
            &controller,
        )
    } else {
        let parts = waiting
            .iter()
            .map(|w| (w.reference.clone(), w.body.clone()))
            .collect();
        templates::answers_together(lang, &to, parts, &controller)
    };
    let request_id = first.request_id.clone();
    let outbox_id = outbox::enqueue(
        &mut tx,
        &email,
        &state.config.mail_from,
        Some(&request_id),
        now,
    )
    .await?;
    let with = Reference::try_from(first.reference.clone())
        .map_err(|_| anyhow::anyhow!("together: a held answer's reference"))?;
    sent(&mut tx, &waiting, &outbox_id, &with, now).await?;
    tx.commit().await.context("together: commit")?;
    Ok(true)
}
