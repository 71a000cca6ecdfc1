//! Directives for after death (French law 78-17, art. 85): a verified
//! subject records what SOFACTO should do with their data once they die
//! (erase it, or communicate it to a person they designate) and may
//! replace or revoke them; each change is audited without its content.
//! When an heir or the designated person files, the DPO finds them by the
//! deceased's address, else by name.

use crate::clock::Millis;
use crate::db::Pool;
use crate::domain::Email;
use crate::domain::choice::choice_enum;
use anyhow::Context;

choice_enum! {
    /// What the subject wants done with their data after death.
    pub enum DirectiveChoice {
        /// Erase everything SOFACTO holds about them.
        Erase = "erase",
        /// Communicate it to the person designated, then erase it.
        Communicate = "communicate",
    }
}

/// One subject's directives, as recorded.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Directives {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[sqlx(try_from = "String")]
    pub choice: DirectiveChoice,
    pub person_name: Option<String>,
    pub person_email: Option<String>,
    pub note: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// The directives as typed, once checked.
pub struct NewDirectives {
    pub first_name: String,
    pub last_name: String,
    pub choice: DirectiveChoice,
    pub person_name: Option<String>,
    pub person_email: Option<Email>,
    pub note: Option<String>,
}

const COLUMNS: &str = "id, email, first_name, last_name, choice, person_name, person_email, note, created_at, updated_at";

/// The directives of the verified address `email`.
pub async fn of(pool: &Pool, email: &Email) -> anyhow::Result<Option<Directives>> {
    sqlx::query_as::<_, Directives>(&format!(
        "SELECT {COLUMNS} FROM directives WHERE email = $1"
    ))
    .bind(email.as_str())
    .fetch_optional(pool)
    .await
    .context("directives: read")
}

/// Records (or replaces) the directives of `email`, audited.
pub async fn save(
    pool: &Pool,
    email: &Email,
    new: &NewDirectives,
    now: Millis,
) -> anyhow::Result<()> {
    let mut tx = pool.begin().await.context("directives: begin")?;
    let id = crate::db::new_id();
    sqlx::query(
        "INSERT INTO directives (id, email, first_name, last_name, choice, person_name, person_email, note, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         ON CONFLICT (email) DO UPDATE SET first_name = $3, last_name = $4, choice = $5, person_name = $6, \
         person_email = $7, note = $8, updated_at = $9",
    )
    .bind(&id)
    .bind(email.as_str())
    .bind(&new.first_name)
    .bind(&new.last_name)
    .bind(new.choice.slug())
    .bind(new.person_name.as_deref())
    .bind(new.person_email.as_ref().map(Email::as_str))
    .bind(new.note.as_deref())
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("directives: save")?;
    let entry = crate::audit::Entry::new(
        crate::audit::AuditAction::DirectivesRecorded,
        crate::audit::Who::Subject,
    )
    .facts(serde_json::json!({ "choice": new.choice.slug() }));
    crate::audit::append(&mut tx, now, &entry).await?;
    tx.commit().await.context("directives: commit")
}

/// Deletes the directives of `email`; whether there were any.
pub async fn revoke(pool: &Pool, email: &Email, now: Millis) -> anyhow::Result<bool> {
    let mut tx = pool.begin().await.context("directives: begin")?;
    let deleted = sqlx::query("DELETE FROM directives WHERE email = $1")
        .bind(email.as_str())
        .execute(&mut *tx)
        .await
        .context("directives: revoke")?;
    if deleted.rows_affected() == 0 {
        tx.rollback().await.context("directives: roll back")?;
        return Ok(false);
    }
    let entry = crate::audit::Entry::new(
        crate::audit::AuditAction::DirectivesRevoked,
        crate::audit::Who::Subject,
    );
    crate::audit::append(&mut tx, now, &entry).await?;
    tx.commit().await.context("directives: commit")?;
    Ok(true)
}

/// The directives a deceased person left: by their address when the heir
/// gave it (`true`: found by address), else by their name, compared
/// without case.
pub async fn find_for(
    pool: &Pool,
    email: Option<&Email>,
    first_name: &str,
    last_name: &str,
) -> anyhow::Result<Vec<(Directives, bool)>> {
    if let Some(email) = email
        && let Some(found) = of(pool, email).await?
    {
        return Ok(vec![(found, true)]);
    }
    let found = sqlx::query_as::<_, Directives>(&format!(
        "SELECT {COLUMNS} FROM directives WHERE LOWER(last_name) = LOWER($1) AND LOWER(first_name) = LOWER($2) \
         ORDER BY updated_at DESC LIMIT 10"
    ))
    .bind(last_name.trim())
    .bind(first_name.trim())
    .fetch_all(pool)
    .await
    .context("directives: find by name")?;
    Ok(found.into_iter().map(|d| (d, false)).collect())
}
