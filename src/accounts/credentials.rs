//! What signing in reads and writes on an account: the password hash, the
//! failures and their back-off or lock, the second factor (its secret, the
//! last step used, the recovery codes). The rules are the console's
//! (`features::dpo::login` and `account`); this is storage.

use crate::clock::Millis;
use crate::db::Pool;
use anyhow::Context;

/// An account as signing in reads it.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub locked_until: Option<Millis>,
    pub next_login_at: Option<Millis>,
    pub disabled_at: Option<Millis>,
}

const COLUMNS: &str = "id, email, password_hash, totp_secret, totp_last_step, locked_until, next_login_at, disabled_at";

/// How an account is looked up.
#[derive(Clone, Copy)]
pub enum By {
    Email,
    Id,
}

pub async fn find(pool: &Pool, by: By, value: &str) -> anyhow::Result<Option<Credentials>> {
    let column = match by {
        By::Email => "email",
        By::Id => "id",
    };
    sqlx::query_as::<_, Credentials>(&format!(
        "SELECT {COLUMNS} FROM dpo_accounts WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(pool)
    .await
    .context("sign-in: read the account")
}

/// Counts one more failure in a row; the count.
pub async fn count_failure(pool: &Pool, account_id: &str) -> anyhow::Result<i64> {
    sqlx::query_scalar::<_, i64>(
        "UPDATE dpo_accounts SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
    )
    .bind(account_id)
    .fetch_one(pool)
    .await
    .context("sign-in: count a failure")
}

/// Locks the account for `lock_ms(locks in a row)` from `now`, and starts
/// the count of failures again, if it still has `after` failures (another
/// failure at the same moment may have locked it): when the lock ends.
pub async fn lock(
    pool: &Pool,
    account_id: &str,
    now: Millis,
    after: i64,
    lock_ms: impl Fn(i64) -> Millis,
) -> anyhow::Result<Option<Millis>> {
    let Some(locks) = sqlx::query_scalar::<_, i64>(
        "UPDATE dpo_accounts SET locks = locks + 1, failed_logins = 0, next_login_at = NULL \
         WHERE id = $1 AND failed_logins >= $2 RETURNING locks",
    )
    .bind(account_id)
    .bind(after)
    .fetch_optional(pool)
    .await
    .context("sign-in: count a lock")?
    else {
        return Ok(None);
    };
    let until = now + lock_ms(locks);
    sqlx::query("UPDATE dpo_accounts SET locked_until = $1 WHERE id = $2")
        .bind(until)
        .bind(account_id)
        .execute(pool)
        .await
        .context("sign-in: lock")?;
    Ok(Some(until))
}

/// No attempt is checked before `at`.
pub async fn back_off(pool: &Pool, account_id: &str, at: Millis) -> anyhow::Result<()> {
    sqlx::query("UPDATE dpo_accounts SET next_login_at = $1 WHERE id = $2")
        .bind(at)
        .bind(account_id)
        .execute(pool)
        .await
        .context("sign-in: back off")?;
    Ok(())
}

pub async fn clear_failures(
    conn: &mut sqlx::AnyConnection,
    account_id: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE dpo_accounts SET failed_logins = 0, next_login_at = NULL, locked_until = NULL, locks = 0 WHERE id = $1",
    )
    .bind(account_id)
    .execute(conn)
    .await
    .context("sign-in: reset the failures")?;
    Ok(())
}

/// Records `step` as the last TOTP step used, if it is later than the one
/// stored: true when it was, so a code is accepted once.
pub async fn use_totp_step(pool: &Pool, account_id: &str, step: i64) -> anyhow::Result<bool> {
    Ok(sqlx::query(
        "UPDATE dpo_accounts SET totp_last_step = $1 WHERE id = $2 \
         AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(account_id)
    .execute(pool)
    .await
    .context("second factor: record the step")?
    .rows_affected()
        == 1)
}

/// Uses the recovery code of this hash, if it exists and is unused.
pub async fn use_recovery_code(
    pool: &Pool,
    account_id: &str,
    code_hash: &str,
    now: Millis,
) -> anyhow::Result<bool> {
    Ok(sqlx::query(
        "UPDATE dpo_recovery_codes SET used_at = $1 WHERE account_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .bind(code_hash)
    .execute(pool)
    .await
    .context("second factor: use a recovery code")?
    .rows_affected()
        == 1)
}

/// The second factor: the one in force, and one being enrolled.
#[derive(sqlx::FromRow)]
pub struct TotpState {
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
}

pub async fn totp_state(pool: &Pool, account_id: &str) -> anyhow::Result<TotpState> {
    sqlx::query_as::<_, TotpState>(
        "SELECT totp_secret, totp_pending_secret FROM dpo_accounts WHERE id = $1",
    )
    .bind(account_id)
    .fetch_one(pool)
    .await
    .context("account: read the second factor")
}

/// Stores a secret to enrol, unless a second factor is already on.
pub async fn set_pending_secret(pool: &Pool, account_id: &str, secret: &str) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE dpo_accounts SET totp_pending_secret = $1 WHERE id = $2 AND totp_secret IS NULL",
    )
    .bind(secret)
    .bind(account_id)
    .execute(pool)
    .await
    .context("account: draw a secret")?;
    Ok(())
}

/// Turns the second factor on with `secret` (first code at `step`), and
/// replaces the recovery codes by these hashes.
pub async fn enable_totp(
    conn: &mut sqlx::AnyConnection,
    account_id: &str,
    secret: &str,
    step: i64,
    recovery_hashes: &[String],
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE dpo_accounts SET totp_secret = $1, totp_pending_secret = NULL, totp_last_step = $2 WHERE id = $3",
    )
    .bind(secret)
    .bind(step)
    .bind(account_id)
    .execute(&mut *conn)
    .await
    .context("account: turn the second factor on")?;
    sqlx::query("DELETE FROM dpo_recovery_codes WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await
        .context("account: clear old recovery codes")?;
    for hash in recovery_hashes {
        sqlx::query("INSERT INTO dpo_recovery_codes (account_id, code_hash) VALUES ($1, $2)")
            .bind(account_id)
            .bind(hash)
            .execute(&mut *conn)
            .await
            .context("account: store a recovery code")?;
    }
    Ok(())
}

/// When `source` may next try a password on `account_key`, if it must wait.
pub async fn source_wait(
    pool: &Pool,
    account_key: &str,
    source: &str,
) -> anyhow::Result<Option<Millis>> {
    sqlx::query_scalar::<_, Millis>(
        "SELECT next_at FROM sign_in_failures WHERE account_key = $1 AND source = $2",
    )
    .bind(account_key)
    .bind(source)
    .fetch_optional(pool)
    .await
    .context("sign-in: read the source's failures")
}

/// Counts one more wrong password from `source` on `account_key`, which
/// then waits `backoff(failures)`; the count.
pub async fn count_source_failure(
    pool: &Pool,
    account_key: &str,
    source: &str,
    now: Millis,
    backoff: impl Fn(i64) -> Millis,
) -> anyhow::Result<i64> {
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_failures (account_key, source, failures, next_at, updated_at) \
         VALUES ($1, $2, 1, $3, $3) ON CONFLICT (account_key, source) \
         DO UPDATE SET failures = sign_in_failures.failures + 1, updated_at = $3 RETURNING failures",
    )
    .bind(account_key)
    .bind(source)
    .bind(now)
    .fetch_one(pool)
    .await
    .context("sign-in: count a wrong password")?;
    sqlx::query("UPDATE sign_in_failures SET next_at = $1 WHERE account_key = $2 AND source = $3")
        .bind(now + backoff(failures))
        .bind(account_key)
        .bind(source)
        .execute(pool)
        .await
        .context("sign-in: slow the source down")?;
    Ok(failures)
}

/// Forgets a source's wrong passwords (it signed in).
pub async fn clear_source(
    conn: &mut sqlx::AnyConnection,
    account_key: &str,
    source: &str,
) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE account_key = $1 AND source = $2")
        .bind(account_key)
        .bind(source)
        .execute(conn)
        .await
        .context("sign-in: forget the source's failures")?;
    Ok(())
}

/// Seals every second-factor secret still stored as it is, when `secrets`
/// seals (`PORTAL_SECRET_KEY` is set); how many it sealed.
pub async fn seal_stored(pool: &Pool, secrets: &crate::secure::SecretBox) -> anyhow::Result<u64> {
    if !secrets.seals() {
        return Ok(0);
    }
    let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id, totp_secret, totp_pending_secret FROM dpo_accounts \
         WHERE totp_secret NOT LIKE 'v1:%' OR totp_pending_secret NOT LIKE 'v1:%'",
    )
    .fetch_all(pool)
    .await
    .context("accounts: read the secrets to seal")?;
    let seal = |value: Option<String>| {
        value.map(|v| {
            if v.starts_with("v1:") {
                v
            } else {
                secrets.seal(&v)
            }
        })
    };
    let mut sealed = 0;
    for (id, secret, pending) in rows {
        sqlx::query(
            "UPDATE dpo_accounts SET totp_secret = $1, totp_pending_secret = $2 WHERE id = $3",
        )
        .bind(seal(secret))
        .bind(seal(pending))
        .bind(&id)
        .execute(pool)
        .await
        .context("accounts: seal a secret")?;
        sealed += 1;
    }
    Ok(sealed)
}
