//! Limits counted in the database, so that they hold across instances: one
//! row per counter and fixed window, incremented atomically, so parallel
//! requests are counted one by one. Counter names carry hashes only.

use crate::clock::Millis;
use anyhow::Context;
use sqlx::Row;

pub const HOUR_MS: Millis = 3_600_000;
pub const DAY_MS: Millis = 24 * HOUR_MS;

/// Counts one more event for `counter` in the window of `window_ms` that
/// holds `now`; `false` when that makes more than `limit`.
pub async fn hit(
    conn: &mut sqlx::AnyConnection,
    counter: &str,
    window_ms: Millis,
    limit: i64,
    now: Millis,
) -> anyhow::Result<bool> {
    let count: i64 = sqlx::query(
        "INSERT INTO send_counters (counter, window_start, sends) VALUES ($1, $2, 1) \
         ON CONFLICT (counter, window_start) DO UPDATE SET sends = send_counters.sends + 1 RETURNING sends",
    )
    .bind(counter)
    .bind(now - now.rem_euclid(window_ms))
    .fetch_one(conn)
    .await
    .context("limits: count")?
    .get("sends");
    Ok(count <= limit)
}
