use super::*;
use crate::db::new_id;
use crate::domain::{Date, Reference, Status, due_date};
use crate::email::outbox;
use crate::email::templates::{self, RequestFacts};
use crate::features::session::ssr::{current, request_context};
use crate::secure::{random_bytes, random_token};
use crate::startup::AppState;
use sqlx::Row;

fn db_error(e: sqlx::Error) -> AppError {
    AppError::internal("request: database error", e)
}

pub async fn form_context() -> Result<Option<FormContext>, AppError> {
    let (state, parts) = request_context()?;
    Ok(current(&state, &parts).await?.map(|email| FormContext {
        masked_email: email.masked(),
        submission_key: random_token(),
    }))
}

pub async fn submit(form: RequestForm) -> Result<SubmitOutcome, AppError> {
    let (state, parts) = request_context()?;
    let Some(email) = current(&state, &parts).await? else {
        return Ok(SubmitOutcome::SignInFirst);
    };
    if form.add_row.is_some() {
        return Ok(SubmitOutcome::Edited);
    }
    let valid = match ValidRequest::try_from(&form) {
        Ok(valid) => valid,
        Err(errors) => return Ok(SubmitOutcome::Invalid(errors)),
    };
    let key = form.submission_key.trim();
    if key.is_empty() || key.len() > 128 {
        return Err(AppError::internal(
            "request: submission key missing or too long",
            key.len(),
        ));
    }
    let reference = store(&state, &email, &valid, key).await?;
    Ok(SubmitOutcome::Submitted {
        reference: reference.to_string(),
    })
}

/// Stores the request, its first event and its two emails in one
/// transaction. A second submission of the same form returns the first
/// one's reference and stores nothing.
pub async fn store(
    state: &AppState,
    email: &Email,
    valid: &ValidRequest,
    submission_key: &str,
) -> Result<Reference, AppError> {
    if let Some(existing) = existing_submission(state, email, submission_key).await? {
        return Ok(existing);
    }
    let now = state.clock.now();
    let received_on = Date::paris_of(now);
    let due_on = due_date(received_on);
    let id = new_id();
    let details = serde_json::to_string(&valid.details)
        .map_err(|e| AppError::internal("request: details as JSON", e))?;
    let (phone, postal) = match &valid.reply {
        ReplyChannel::Phone { number } => (Some(number.as_str()), None),
        ReplyChannel::Postal { address } => (None, Some(address.as_str())),
        _ => (None, None),
    };
    let channel = match valid.reply {
        ReplyChannel::Email => "email",
        ReplyChannel::Phone { .. } => "phone",
        ReplyChannel::Postal { .. } => "postal",
        ReplyChannel::InPerson => "in_person",
    };

    // References are random: on the rare collision, draw another.
    for _ in 0..5 {
        let reference = Reference::from_random(random_bytes());
        let mut tx = state.pool.begin().await.map_err(db_error)?;
        let inserted = sqlx::query(
            "INSERT INTO requests (id, reference, submission_key, email, right_kind, status, lang, first_name, last_name, \
             relation, customer_number, reply_channel, reply_phone, reply_postal_address, details, received_at, received_on, due_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(reference.as_str())
        .bind(submission_key)
        .bind(email.as_str())
        .bind(valid.right.slug())
        .bind(Status::Received.slug())
        .bind(valid.lang.code())
        .bind(&valid.first_name)
        .bind(&valid.last_name)
        .bind(&valid.relation)
        .bind(valid.customer_number.as_deref())
        .bind(channel)
        .bind(phone)
        .bind(postal)
        .bind(&details)
        .bind(now)
        .bind(received_on.iso())
        .bind(due_on.iso())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await.map_err(db_error)?;
            // Either this form was submitted a moment ago, or the reference
            // is taken.
            if let Some(existing) = existing_submission(state, email, submission_key).await? {
                return Ok(existing);
            }
            continue;
        }
        record_event(&mut tx, &id, now, "subject", "received")
            .await
            .map_err(db_error)?;

        let facts = RequestFacts {
            reference: &reference,
            right: valid.right,
            received_on,
            due_on,
        };
        let follow = state.config.link(&format!("/my-requests/{reference}"));
        let console = state.config.link(&format!("/dpo/requests/{reference}"));
        for message in [
            templates::acknowledgment(valid.lang, email, &facts, &follow),
            templates::dpo_new_request(&state.config.dpo_email, &facts, &console),
        ] {
            outbox::enqueue(&mut tx, &message, &state.config.mail_from, Some(&id), now)
                .await
                .map_err(|e| AppError::internal("request: cannot queue an email", e))?;
        }
        tx.commit().await.map_err(db_error)?;
        state.outbox_wakeup.notify_one();
        tracing::info!(right = valid.right.slug(), "request received");
        return Ok(reference);
    }
    Err(AppError::internal(
        "request: no free reference after 5 draws",
        "collisions",
    ))
}

/// Adds a step to a request's timeline, shown to the subject.
pub async fn record_event(
    conn: &mut sqlx::AnyConnection,
    request_id: &str,
    at: crate::clock::Millis,
    actor: &str,
    kind: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO request_events (id, request_id, at, actor, kind, visible_to_subject) VALUES ($1, $2, $3, $4, $5, 1)",
    )
    .bind(new_id())
    .bind(request_id)
    .bind(at)
    .bind(actor)
    .bind(kind)
    .execute(conn)
    .await
    .map(|_| ())
}

async fn existing_submission(
    state: &AppState,
    email: &Email,
    key: &str,
) -> Result<Option<Reference>, AppError> {
    let row =
        sqlx::query("SELECT reference FROM requests WHERE submission_key = $1 AND email = $2")
            .bind(key)
            .bind(email.as_str())
            .fetch_optional(&state.pool)
            .await
            .map_err(db_error)?;
    Ok(row.and_then(|row| Reference::parse(&row.get::<String, _>("reference"))))
}
