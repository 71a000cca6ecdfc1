//! The accounts store: every read and write of the DPO accounts, their
//! sessions and their second factor. An account is an email, an argon2id
//! password hash and an optional second factor, created and managed from
//! the command line (`privacy-portal dpo …`); the console's sign-in,
//! session and account pages call `sessions` and `credentials` here and
//! hold no SQL of their own.

pub mod credentials;
pub mod sessions;

use crate::clock::Millis;
use crate::db::{Pool, new_id};
use crate::domain::Email;
use anyhow::Context;
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordVerifier, Version};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

pub const MIN_PASSWORD_CHARS: usize = 15;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// OWASP's argon2id settings: 19 MiB, 2 passes, 1 lane.
pub const ARGON2_MEMORY_KIB: u32 = 19_456;
pub const ARGON2_PASSES: u32 = 2;
pub const ARGON2_LANES: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("the password must have at most {MAX_PASSWORD_CHARS} characters")]
    PasswordTooLong,
    #[error("a DPO account already exists for this address")]
    AlreadyExists,
    #[error("no DPO account has this address")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, None)
        .expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn check_password(password: &str) -> Result<(), AccountError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooLong);
    }
    Ok(())
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// Password checks that run at once; the others wait their turn.
pub const ARGON2_PERMITS: usize = 4;
pub static ARGON2_AT_ONCE: tokio::sync::Semaphore =
    tokio::sync::Semaphore::const_new(ARGON2_PERMITS);

/// Password checks running now, and the most ever at once (read by a test).
static ARGON2_RUNNING: AtomicUsize = AtomicUsize::new(0);
pub static ARGON2_PEAK: AtomicUsize = AtomicUsize::new(0);

/// How many sign-ins checked a password against the dummy hash: an unknown
/// address costs the same argon2 work as a known one, so the time an
/// answer takes tells nothing. Read by the tests.
pub static DUMMY_VERIFICATIONS: AtomicU64 = AtomicU64::new(0);

/// Checks `password` against the account's hash, or against a dummy hash
/// when there is no such account, off the async runtime.
pub async fn verify_password_off_runtime(password: String, stored_hash: Option<String>) -> bool {
    static DUMMY_HASH: OnceLock<String> = OnceLock::new();
    // A few at a time (19 MiB each): a burst of sign-ins waits here rather
    // than filling the blocking pool and the memory.
    let Ok(_permit) = ARGON2_AT_ONCE.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let running = ARGON2_RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        ARGON2_PEAK.fetch_max(running, Ordering::SeqCst);
        let verified = match stored_hash {
            Some(hash) => verify_password(&password, &hash),
            None => {
                let dummy = DUMMY_HASH.get_or_init(|| {
                    hash_password("no account has this password, ever").unwrap_or_default()
                });
                DUMMY_VERIFICATIONS.fetch_add(1, Ordering::Relaxed);
                let _ = verify_password(&password, dummy);
                false
            }
        };
        ARGON2_RUNNING.fetch_sub(1, Ordering::SeqCst);
        verified
    })
    .await
    .unwrap_or(false)
}

pub async fn create_account(
    pool: &Pool,
    email: &Email,
    password: &str,
    now: Millis,
) -> Result<String, AccountError> {
    check_password(password)?;
    let hash = hash_password(password)?;
    let id = new_id();
    let mut tx = pool.begin().await.context("accounts: begin")?;
    let inserted = sqlx::query(
        "INSERT INTO dpo_accounts (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (email) DO NOTHING",
    )
    .bind(&id)
    .bind(email.as_str())
    .bind(hash)
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("accounts: create")?;
    if inserted.rows_affected() == 0 {
        return Err(AccountError::AlreadyExists);
    }
    audit_operator(&mut tx, crate::audit::AuditAction::AccountCreated, &id, now).await?;
    tx.commit().await.context("accounts: commit")?;
    Ok(id)
}

/// One account as `dpo list` shows it.
#[derive(Debug, sqlx::FromRow)]
pub struct AccountLine {
    pub id: String,
    pub email: String,
    pub totp_secret: Option<String>,
    pub disabled_at: Option<Millis>,
    pub locked_until: Option<Millis>,
    pub created_at: Millis,
}

pub async fn list(pool: &Pool) -> anyhow::Result<Vec<AccountLine>> {
    sqlx::query_as::<_, AccountLine>(
        "SELECT id, email, totp_secret, disabled_at, locked_until, created_at FROM dpo_accounts ORDER BY email",
    )
    .fetch_all(pool)
    .await
    .context("accounts: list")
}

/// Whether `id` names an account that can work (for an assignment).
pub async fn exists(pool: &Pool, id: &str) -> anyhow::Result<bool> {
    let found = sqlx::query("SELECT id FROM dpo_accounts WHERE id = $1 AND disabled_at IS NULL")
        .bind(id)
        .fetch_optional(pool)
        .await
        .context("accounts: find by id")?;
    Ok(found.is_some())
}

/// (id, email) of the accounts a request can be assigned to, by email.
pub async fn enabled_emails(pool: &Pool) -> anyhow::Result<Vec<(String, String)>> {
    sqlx::query_as::<_, (String, String)>(
        "SELECT id, email FROM dpo_accounts WHERE disabled_at IS NULL ORDER BY email",
    )
    .fetch_all(pool)
    .await
    .context("accounts: read the enabled ones")
}

/// (id, email) of every account, disabled ones too: who acted on a request.
pub async fn all_emails(pool: &Pool) -> anyhow::Result<Vec<(String, String)>> {
    sqlx::query_as::<_, (String, String)>("SELECT id, email FROM dpo_accounts")
        .fetch_all(pool)
        .await
        .context("accounts: read them all")
}

/// Records a change made from the command line to the account `id`.
async fn audit_operator(
    conn: &mut sqlx::AnyConnection,
    action: crate::audit::AuditAction,
    id: &str,
    now: Millis,
) -> anyhow::Result<()> {
    let entry = crate::audit::Entry::new(action, crate::audit::Who::Operator).account(id);
    crate::audit::append(conn, now, &entry).await?;
    Ok(())
}

/// Ends every live session of the account.
async fn end_sessions(conn: &mut sqlx::AnyConnection, account_id: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM dpo_sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await
        .context("accounts: end the sessions")?;
    Ok(())
}

async fn account_id(conn: &mut sqlx::AnyConnection, email: &Email) -> Result<String, AccountError> {
    use sqlx::Row;
    let row = sqlx::query("SELECT id FROM dpo_accounts WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(conn)
        .await
        .context("accounts: find")?;
    row.map(|row| row.get::<String, _>("id"))
        .ok_or(AccountError::NotFound)
}

/// The account can no longer sign in; its sessions end at once.
pub async fn disable(pool: &Pool, email: &Email, now: Millis) -> Result<String, AccountError> {
    let mut tx = pool.begin().await.context("accounts: begin")?;
    let id = account_id(&mut tx, email).await?;
    sqlx::query("UPDATE dpo_accounts SET disabled_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&id)
        .execute(&mut *tx)
        .await
        .context("accounts: disable")?;
    end_sessions(&mut tx, &id).await?;
    audit_operator(
        &mut tx,
        crate::audit::AuditAction::AccountDisabled,
        &id,
        now,
    )
    .await?;
    tx.commit().await.context("accounts: commit")?;
    Ok(id)
}

/// Lets a disabled account sign in again (`dpo enable`): only this, so
/// that a password reset never brings back an account someone disabled.
pub async fn enable(pool: &Pool, email: &Email, now: Millis) -> Result<String, AccountError> {
    let mut tx = pool.begin().await.context("accounts: begin")?;
    let id = account_id(&mut tx, email).await?;
    sqlx::query("UPDATE dpo_accounts SET disabled_at = NULL WHERE id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await
        .context("accounts: enable")?;
    audit_operator(&mut tx, crate::audit::AuditAction::AccountEnabled, &id, now).await?;
    tx.commit().await.context("accounts: commit")?;
    Ok(id)
}

/// A new password; the account is unlocked (a disabled one stays
/// disabled: `enable`), and its sessions end at once.
pub async fn reset_password(
    pool: &Pool,
    email: &Email,
    password: &str,
    now: Millis,
) -> Result<String, AccountError> {
    check_password(password)?;
    let hash = hash_password(password)?;
    let mut tx = pool.begin().await.context("accounts: begin")?;
    let id = account_id(&mut tx, email).await?;
    sqlx::query(
        "UPDATE dpo_accounts SET password_hash = $1, failed_logins = 0, locked_until = NULL, \
         next_login_at = NULL, locks = 0 WHERE id = $2",
    )
    .bind(hash)
    .bind(&id)
    .execute(&mut *tx)
    .await
    .context("accounts: reset the password")?;
    sqlx::query("DELETE FROM sign_in_failures WHERE account_key = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await
        .context("accounts: forget the wrong passwords")?;
    end_sessions(&mut tx, &id).await?;
    audit_operator(
        &mut tx,
        crate::audit::AuditAction::AccountPasswordReset,
        &id,
        now,
    )
    .await?;
    tx.commit().await.context("accounts: commit")?;
    Ok(id)
}

/// Removes the second factor (a lost phone, no recovery code left); the
/// account enrols again after signing in. Its sessions end at once.
pub async fn reset_totp(pool: &Pool, email: &Email, now: Millis) -> Result<String, AccountError> {
    let mut tx = pool.begin().await.context("accounts: begin")?;
    let id = account_id(&mut tx, email).await?;
    sqlx::query(
        "UPDATE dpo_accounts SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = $1",
    )
    .bind(&id)
    .execute(&mut *tx)
    .await
    .context("accounts: reset the second factor")?;
    sqlx::query("DELETE FROM dpo_recovery_codes WHERE account_id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await
        .context("accounts: delete the recovery codes")?;
    end_sessions(&mut tx, &id).await?;
    audit_operator(
        &mut tx,
        crate::audit::AuditAction::AccountSecondFactorReset,
        &id,
        now,
    )
    .await?;
    tx.commit().await.context("accounts: commit")?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_with_the_owasp_parameters_and_verifies_only_its_password() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery staple!", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn passwords_have_15_to_128_characters() {
        assert!(matches!(
            check_password(&"a".repeat(14)),
            Err(AccountError::PasswordTooShort)
        ));
        assert!(check_password(&"é".repeat(15)).is_ok());
        assert!(check_password(&"a".repeat(128)).is_ok());
        assert!(matches!(
            check_password(&"a".repeat(129)),
            Err(AccountError::PasswordTooLong)
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_sign_ins_runs_argon2_a_few_at_a_time() {
        let hash = hash_password("a passphrase long enough").unwrap();
        let checks = (0..12).map(|_| {
            let hash = hash.clone();
            tokio::spawn(verify_password_off_runtime("wrong".to_owned(), Some(hash)))
        });
        for check in checks {
            assert!(!check.await.unwrap());
        }
        let peak = ARGON2_PEAK.load(Ordering::SeqCst);
        assert!((1..=ARGON2_PERMITS).contains(&peak), "{peak} at once");
    }
}
