//! Open requests nobody works on. Retention counts from closing, so a
//! request left open would be kept forever: one with no DPO action for
//! `PORTAL_STALE_DAYS` is listed in the digest and on the dashboard until
//! the DPO acts on it (any action is a timeline event by a DPO). Nothing
//! closes or is anonymised by itself: an open request is unfinished work
//! and its own evidence.

use crate::clock::Millis;
use crate::domain::{Reference, RightKind, Status};
use anyhow::Context;

/// One open request without a DPO action since `last_action`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Stale {
    #[sqlx(try_from = "String")]
    pub reference: Reference,
    #[sqlx(try_from = "String", rename = "right_kind")]
    pub right: RightKind,
    #[sqlx(try_from = "String")]
    pub status: Status,
    /// The last DPO event, or the receipt when no DPO ever acted.
    pub last_action: Millis,
}

/// The open requests whose last DPO action (or receipt) is before
/// `now - stale_days`, the longest silent first.
pub async fn list(
    conn: &mut sqlx::AnyConnection,
    now: Millis,
    stale_days: i64,
) -> anyhow::Result<Vec<Stale>> {
    sqlx::query_as::<_, Stale>(
        "SELECT reference, right_kind, status, last_action FROM (\
             SELECT r.reference, r.right_kind, r.status, COALESCE((\
                 SELECT MAX(e.at) FROM request_events e WHERE e.request_id = r.id AND e.actor = 'dpo'\
             ), r.received_at) AS last_action \
             FROM requests r WHERE r.closed_at IS NULL\
         ) AS open_requests WHERE last_action < $1 ORDER BY last_action, reference",
    )
    .bind(now - stale_days * 86_400_000)
    .fetch_all(conn)
    .await
    .context("stale requests: read")
}
