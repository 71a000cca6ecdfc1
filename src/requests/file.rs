//! Filing a request: the request, its first timeline event and its emails
//! (the acknowledgment, and the DPO notification for a request from the
//! portal), in one transaction.

use super::deadline::open_due;
use super::{EventAudit, NewEvent, audit_event, record_event};
use crate::db::new_id;
use crate::domain::choice::IntakeChannel;
use crate::domain::request::ValidRequest;
use crate::domain::{Actor, Date, Email, EventKind, Reference, Status, due_date};
use crate::email::{outbox, templates};
use crate::error::AppError;
use crate::secure::random_bytes;
use crate::state::AppState;
use anyhow::{Context, anyhow};
use sqlx::Row;

/// How a request reached SOFACTO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intake {
    /// Filed by a verified address on the portal.
    Portal,
    /// A letter or an email to the DPO, recorded in the console by the DPO
    /// account `recorded_by`; the clock starts the day it arrived. Its
    /// receipt is that date, never a made-up time of day: the instant
    /// stored (`received_at`) is when it was recorded.
    OtherChannel {
        channel: IntakeChannel,
        arrived_on: Date,
    },
}

pub struct NewRequest<'a> {
    /// The subject's address: verified on the portal, given (or not) in a
    /// letter.
    pub email: Option<&'a Email>,
    pub valid: &'a ValidRequest,
    /// One per form display: a double submission stores one request.
    pub submission_key: &'a str,
    pub intake: Intake,
    pub recorded_by: Option<&'a str>,
    /// Or the one of SOFACTO's systems that recorded it (the API).
    pub recorded_by_system: Option<&'a str>,
    /// Why a request from another channel is recorded after the day it
    /// arrived: the note of its first event.
    pub late_reason: Option<&'a str>,
}

/// Stores a checked request. A second submission of the same form, from
/// the same address, returns the first one's reference and stores nothing.
/// A key another address used (copied from someone else's form) tells
/// nothing about that request: this one is filed under a fresh key.
pub async fn file(state: &AppState, new: NewRequest<'_>) -> Result<Reference, AppError> {
    file_within(state, new, &[])
        .await?
        .ok_or_else(|| anyhow!("file: refused by a limit, with none given").into())
}

/// Like `file`, counting the filing in each of `limits` in its own
/// transaction: one commit for the request, its event, its emails, its
/// audit entry and its counts. `None`, with nothing written, when that
/// takes one past its maximum. A second submission of the same form is
/// not counted again.
pub async fn file_within(
    state: &AppState,
    new: NewRequest<'_>,
    limits: &[crate::limits::Limit<'_>],
) -> Result<Option<Reference>, AppError> {
    let address = new.email.map(Email::as_str).unwrap_or("");
    if let Some(existing) = existing_submission(state, new.submission_key, address).await? {
        return Ok(Some(existing));
    }
    // Only another address's use of the key: the same address's parallel
    // submission must still meet this one on the key and file once.
    let taken_by_other: Option<String> = sqlx::query_scalar(
        "SELECT reference FROM requests WHERE submission_key = $1 AND email <> $2",
    )
    .bind(new.submission_key)
    .bind(address)
    .fetch_optional(&state.pool)
    .await
    .context("file: look for the key elsewhere")?;
    let fresh;
    let submission_key = if taken_by_other.is_some() {
        fresh = crate::secure::random_token();
        fresh.as_str()
    } else {
        new.submission_key
    };
    let now = state.clock.now();
    let received_at = now;
    let (received_on, intake) = match new.intake {
        Intake::Portal => (Date::paris_of(now), IntakeChannel::Portal.slug()),
        Intake::OtherChannel {
            channel,
            arrived_on,
        } => (arrived_on, channel.slug()),
    };
    let due_on = due_date(received_on, 0, 0);
    let valid = new.valid;
    let id = new_id();
    // The columns the form gives, as `columns::FROM_FORM` fills them.
    let mut from_form = Vec::new();
    for (column, fill) in super::columns::FROM_FORM {
        let value = fill(valid).with_context(|| format!("file: {column}"))?;
        from_form.push((*column, value));
    }
    let (names, places): (Vec<&str>, Vec<String>) = from_form
        .iter()
        .enumerate()
        .map(|(i, (column, _))| (*column, format!("${}", i + 11)))
        .unzip();
    let insert = format!(
        "INSERT INTO requests (id, reference, submission_key, email, status, received_at, received_on, \
         first_due_on, due_on, open_due, intake, {}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, {}) ON CONFLICT DO NOTHING",
        names.join(", "),
        places.join(", ")
    );

    // References are random: on the rare collision, draw another.
    for _ in 0..5 {
        let reference = Reference::from_random(random_bytes());
        let mut tx = state.pool.begin().await.context("file: begin")?;
        let mut query = sqlx::query(&insert)
            .bind(&id)
            .bind(reference.as_str())
            .bind(submission_key)
            .bind(address)
            .bind(Status::Received.slug())
            .bind(received_at)
            .bind(received_on.iso())
            .bind(due_on.iso())
            .bind(open_due(Status::Received, Some(due_on)))
            .bind(intake);
        for (_, value) in &from_form {
            query = query.bind(value.as_deref());
        }
        let inserted = query
            .execute(&mut *tx)
            .await
            .context("file: insert the request")?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await.context("file: roll back")?;
            // Either this form was submitted a moment ago, or the reference
            // is taken.
            if let Some(existing) = existing_submission(state, submission_key, address).await? {
                return Ok(Some(existing));
            }
            continue;
        }
        super::search::reindex(&mut tx, &id).await?;
        let (actor, note) = match new.intake {
            Intake::Portal => (Actor::Subject, None),
            Intake::OtherChannel { channel, .. } => (
                if new.recorded_by_system.is_some() {
                    Actor::System
                } else {
                    Actor::Dpo
                },
                Some(new.late_reason.unwrap_or(channel.slug())),
            ),
        };
        let event_id = record_event(
            &mut tx,
            &id,
            received_at,
            &NewEvent {
                kind: EventKind::Received,
                actor,
                actor_id: new.recorded_by,
                note,
                detail: None,
                visible_to_subject: true,
            },
        )
        .await?;

        let facts = templates::RequestFacts {
            reference: &reference,
            right: valid.right,
            received_on,
            due_on,
        };
        let intake_channel = match new.intake {
            Intake::Portal => IntakeChannel::Portal,
            Intake::OtherChannel { channel, .. } => channel,
        };
        let (emails, letters) = super::notices::filed(
            &state.config,
            valid.lang,
            &facts,
            new.email,
            valid.reply.channel(),
            intake_channel,
        );
        for letter in &letters {
            super::post::insert(&mut tx, &id, letter, now).await?;
        }
        let mut queued = Vec::new();
        for message in &emails {
            queued.push(
                outbox::enqueue(&mut tx, message, &state.config.mail_from, Some(&id), now)
                    .await
                    .context("file: queue an email")?,
            );
        }
        audit_event(
            &mut tx,
            now,
            &EventAudit {
                reference: &reference,
                event_id: &event_id,
                kind: EventKind::Received,
                actor,
                actor_id: new.recorded_by,
                from: None,
                to: Status::Received,
                emails: &queued,
                files: &[],
            },
        )
        .await?;
        // Which system recorded it, in the chain beside the event.
        if let Some(system_id) = new.recorded_by_system {
            crate::audit::append(
                &mut tx,
                now,
                &crate::audit::Entry::new(
                    crate::audit::AuditAction::RequestRecordedBySystem,
                    crate::audit::Who::System,
                )
                .reference(reference.as_str())
                .object(system_id)
                .facts(serde_json::json!({ "system": system_id, "channel": intake })),
            )
            .await?;
        }
        // Counted in the console's kept counts, last before the commit
        // (`requests::tally`).
        let counted =
            super::tally::Place::of(Status::Received, valid.right, None, Some(due_on), None);
        super::tally::moved(&mut tx, None, counted.as_ref()).await?;
        // The limits' counters last too: on PostgreSQL one counts every
        // filing from a network, and is held only until the commit.
        for limit in limits {
            if !crate::limits::hit(&mut tx, &state.counter_key, limit, now).await? {
                tx.rollback()
                    .await
                    .context("file: roll back past a limit")?;
                return Ok(None);
            }
        }
        tx.commit().await.context("file: commit")?;
        state.outbox_wakeup.notify_one();
        tracing::info!(right = valid.right.slug(), intake, "request received");
        return Ok(Some(reference));
    }
    Err(anyhow!("file: no free reference after 5 draws").into())
}

async fn existing_submission(
    state: &AppState,
    key: &str,
    address: &str,
) -> anyhow::Result<Option<Reference>> {
    let row =
        sqlx::query("SELECT reference FROM requests WHERE submission_key = $1 AND email = $2")
            .bind(key)
            .bind(address)
            .fetch_optional(&state.pool)
            .await
            .context("file: look for an earlier submission")?;
    Ok(row.and_then(|row| Reference::parse(&row.get::<String, _>("reference"))))
}
