//! DPO accounts: an email and an argon2id password hash.

use crate::clock::Millis;
use crate::db::{Pool, new_id};
use crate::domain::Email;
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordVerifier};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_BYTES: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("the password must be at most {MAX_PASSWORD_BYTES} bytes")]
    PasswordTooLong,
    #[error("a DPO account already exists for this address")]
    AlreadyExists,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

pub async fn create_account(
    pool: &Pool,
    email: &Email,
    password: &str,
    now: Millis,
) -> Result<(), CreateAccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(CreateAccountError::PasswordTooShort);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(CreateAccountError::PasswordTooLong);
    }
    let hash = hash_password(password)?;
    let inserted = sqlx::query(
        "INSERT INTO dpo_accounts (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (email) DO NOTHING",
    )
    .bind(new_id())
    .bind(email.as_str())
    .bind(hash)
    .bind(now)
    .execute(pool)
    .await
    .map_err(anyhow::Error::from)?;
    if inserted.rows_affected() == 0 {
        return Err(CreateAccountError::AlreadyExists);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_and_verifies_only_its_password() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }
}
