use super::*;
use crate::domain::{Email, Reference, paris_date_time};
use crate::email::{outbox, templates};
use crate::features::request::ssr::record_event;
use crate::features::session::ssr::{current, request_context};
use crate::startup::AppState;
use sqlx::Row;

fn db_error(e: sqlx::Error) -> AppError {
    AppError::internal("follow: database error", e)
}

fn summary_from_row(row: &sqlx::any::AnyRow) -> Option<RequestSummary> {
    Some(RequestSummary {
        reference: row.get("reference"),
        right: RightKind::parse(&row.get::<String, _>("right_kind"))?,
        status: Status::parse(&row.get::<String, _>("status"))?,
        received_on: Date::parse_iso(&row.get::<String, _>("received_on"))?,
        due_on: Date::parse_iso(&row.get::<String, _>("due_on"))?,
    })
}

const SUMMARY_COLUMNS: &str = "id, reference, right_kind, status, received_on, due_on";

pub async fn list() -> Result<Access<Vec<RequestSummary>>, AppError> {
    let (state, parts) = request_context()?;
    let Some(email) = current(&state, &parts).await? else {
        return Ok(Access::SignInFirst);
    };
    let rows = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM requests WHERE email = $1 ORDER BY received_at DESC LIMIT 200"
    ))
    .bind(email.as_str())
    .fetch_all(&state.pool)
    .await
    .map_err(db_error)?;
    Ok(Access::Found(
        rows.iter().filter_map(summary_from_row).collect(),
    ))
}

async fn owned(
    state: &AppState,
    email: &Email,
    reference: &str,
) -> Result<Option<(String, RequestSummary)>, AppError> {
    let Some(reference) = Reference::parse(reference) else {
        return Ok(None);
    };
    let row = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM requests WHERE reference = $1 AND email = $2"
    ))
    .bind(reference.as_str())
    .bind(email.as_str())
    .fetch_optional(&state.pool)
    .await
    .map_err(db_error)?;
    Ok(row.and_then(|row| Some((row.get("id"), summary_from_row(&row)?))))
}

pub async fn detail(reference: String) -> Result<Access<RequestDetail>, AppError> {
    let (state, parts) = request_context()?;
    let Some(email) = current(&state, &parts).await? else {
        return Ok(Access::SignInFirst);
    };
    let Some((id, summary)) = owned(&state, &email, &reference).await? else {
        return Ok(Access::NotFound);
    };
    let events = sqlx::query(
        "SELECT kind, at FROM request_events WHERE request_id = $1 AND visible_to_subject = 1 ORDER BY at, id",
    )
    .bind(&id)
    .fetch_all(&state.pool)
    .await
    .map_err(db_error)?;
    let timeline = events
        .iter()
        .map(|row| TimelineEntry {
            kind: row.get("kind"),
            at: paris_date_time(row.get("at")),
        })
        .collect();
    Ok(Access::Found(RequestDetail {
        summary,
        masked_email: email.masked(),
        timeline,
    }))
}

pub async fn withdraw(form: WithdrawForm) -> Result<WithdrawOutcome, AppError> {
    let (state, parts) = request_context()?;
    let Some(email) = current(&state, &parts).await? else {
        return Ok(WithdrawOutcome::SignInFirst);
    };
    let Some((id, summary)) = owned(&state, &email, &form.reference).await? else {
        return Ok(WithdrawOutcome::NotFound);
    };
    if !summary.status.can_become(Status::Withdrawn) {
        return Ok(WithdrawOutcome::NotWithdrawable);
    }
    let now = state.clock.now();
    let mut tx = state.pool.begin().await.map_err(db_error)?;
    let changed = sqlx::query(
        "UPDATE requests SET status = $1, closed_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(Status::Withdrawn.slug())
    .bind(now)
    .bind(&id)
    .bind(summary.status.slug())
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    if changed.rows_affected() != 1 {
        // Someone changed it meanwhile; let the person look again.
        return Ok(WithdrawOutcome::NotWithdrawable);
    }
    record_event(&mut tx, &id, now, "subject", "withdrawn")
        .await
        .map_err(db_error)?;
    let reference = Reference::parse(&summary.reference)
        .ok_or_else(|| AppError::internal("follow: stored reference", "unparsable"))?;
    let console = state.config.link(&format!("/dpo/requests/{reference}"));
    let message =
        templates::dpo_withdrawn(&state.config.dpo_email, &reference, summary.right, &console);
    outbox::enqueue(&mut tx, &message, &state.config.mail_from, Some(&id), now)
        .await
        .map_err(|e| AppError::internal("follow: cannot queue the withdrawal email", e))?;
    tx.commit().await.map_err(db_error)?;
    state.outbox_wakeup.notify_one();
    Ok(WithdrawOutcome::Withdrawn {
        reference: reference.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_paris_time() {
        let at = |date: &str, h: i64, m: i64| {
            Date::parse_iso(date).unwrap().to_days() * 86_400_000 + (h * 60 + m) * 60_000
        };
        assert_eq!(paris_date_time(at("2026-01-15", 13, 5)), "2026-01-15 14:05");
        assert_eq!(paris_date_time(at("2026-07-15", 13, 5)), "2026-07-15 15:05");
        assert_eq!(
            paris_date_time(at("2026-07-15", 22, 30)),
            "2026-07-16 00:30"
        );
    }
}
