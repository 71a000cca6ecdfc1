//! Requests paused while the DPO waits for the subject's proof of identity
//! (GDPR Art. 12(6)). A paused request never disappears: the digest lists
//! those paused for more than [`DIGEST_AFTER_DAYS`], says when the due date
//! would have passed had the clock run, and after `PORTAL_IDENTITY_WAIT_DAYS`
//! proposes closing them as "identity not established". The DPO decides;
//! nothing closes by itself.

use super::{REQUEST_COLUMNS, RequestRow};
use crate::domain::{Date, Reference, RightKind, Status};
use anyhow::Context;

/// The digest lists requests paused for longer than this.
pub const DIGEST_AFTER_DAYS: i64 = 14;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paused {
    pub reference: Reference,
    pub right: RightKind,
    /// The Paris date the pause began.
    pub since: Date,
    /// Calendar days paused so far.
    pub days: i64,
    /// The due date had the clock not stopped.
    pub due_had_it_run: Date,
}

impl Paused {
    pub fn of(request: &RequestRow, today: Date) -> Option<Paused> {
        let since = request.paused_since.0?;
        Some(Paused {
            reference: request.reference.clone(),
            right: request.right,
            since,
            days: super::deadline::days_paused(since, today),
            due_had_it_run: super::deadline::due_date_unpaused(request),
        })
    }

    /// Whether the due date would have passed had the clock run.
    pub fn past_due_had_it_run(&self, today: Date) -> bool {
        self.due_had_it_run < today
    }

    /// Whether to propose closing it as "identity not established".
    pub fn may_close(&self, identity_wait_days: i64) -> bool {
        self.days >= identity_wait_days
    }
}

/// The requests awaiting the subject for at least `min_days` on `today`,
/// longest first.
pub async fn list(
    conn: &mut sqlx::AnyConnection,
    today: Date,
    min_days: i64,
) -> anyhow::Result<Vec<Paused>> {
    let rows = sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests \
         WHERE status = $1 AND paused_since IS NOT NULL AND paused_since <= $2 \
         ORDER BY paused_since, reference"
    ))
    .bind(Status::AwaitingSubject.slug())
    .bind(today.add_days(-min_days).iso())
    .fetch_all(&mut *conn)
    .await
    .context("paused: read the requests")?;
    Ok(rows.iter().filter_map(|r| Paused::of(r, today)).collect())
}
