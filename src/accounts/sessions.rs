//! The DPO sessions table: the cookie holds a token, this table its hash,
//! so sessions survive a restart and work on every instance. The rules
//! (timeouts, the cookie) are `features::dpo::signin::console_session`'s; this is storage.

use crate::clock::Millis;
use anyhow::Context;

/// A session with its account, as the guard reads it.
#[derive(sqlx::FromRow)]
pub struct SessionRow {
    pub account_id: String,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub second_factor_pending: i64,
    pub email: String,
    pub disabled_at: Option<Millis>,
    /// 1 when the account has a second factor.
    pub has_totp: i64,
}

pub async fn find(pool: &crate::db::Pool, token_hash: &str) -> anyhow::Result<Option<SessionRow>> {
    sqlx::query_as::<_, SessionRow>(
        "SELECT s.account_id, s.created_at, s.last_seen_at, s.second_factor_pending, a.email, a.disabled_at, \
         CASE WHEN a.totp_secret IS NULL THEN 0 ELSE 1 END AS has_totp \
         FROM dpo_sessions s JOIN dpo_accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await
    .context("dpo session: read")
}

pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    token_hash: &str,
    account_id: &str,
    now: Millis,
    second_factor_pending: bool,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO dpo_sessions (token_hash, account_id, created_at, last_seen_at, second_factor_pending) \
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now)
    .bind(i64::from(second_factor_pending))
    .execute(conn)
    .await
    .context("dpo session: open")?;
    Ok(())
}

/// Ends a session; the account it belonged to, if there was one.
pub async fn delete(
    conn: &mut sqlx::AnyConnection,
    token_hash: &str,
) -> anyhow::Result<Option<String>> {
    sqlx::query_scalar::<_, String>(
        "DELETE FROM dpo_sessions WHERE token_hash = $1 RETURNING account_id",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
    .context("dpo session: end")
}

/// Reserves one code try on the pending sign-in `token_hash`, before the
/// code is checked: the try's number, or `None` once `max` were used (or
/// the session is gone). One statement, so parallel tries cannot all pass.
pub async fn reserve_code_try(
    pool: &crate::db::Pool,
    token_hash: &str,
    max: i64,
) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar::<_, i64>(
        "UPDATE dpo_sessions SET code_tries = code_tries + 1 \
         WHERE token_hash = $1 AND second_factor_pending = 1 AND code_tries < $2 RETURNING code_tries",
    )
    .bind(token_hash)
    .bind(max)
    .fetch_optional(pool)
    .await
    .context("dpo session: reserve a code try")
}

pub async fn touch(pool: &crate::db::Pool, token_hash: &str, now: Millis) -> anyhow::Result<()> {
    sqlx::query("UPDATE dpo_sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(pool)
        .await
        .context("dpo session: touch")?;
    Ok(())
}
