//! The verifications table: one pending proof of address per mailbox, its
//! code, link and holder stored as hashes only. The rules (limits, tries,
//! cookies) are `features::verify`'s; this is storage.

use crate::clock::Millis;
use crate::db::Pool;
use crate::domain::{Lang, RightKind};
use crate::secure::{constant_time_eq, sha256_hex};
use anyhow::Context;

/// A verification as the code and link pages read it.
#[derive(sqlx::FromRow)]
pub struct Pending {
    pub id: String,
    pub email: String,
    pub right_kind: Option<String>,
    pub sent_at: Millis,
    pub expires_at: Millis,
    /// Wrong codes typed by the browser that asked, and by any other.
    pub attempts: i64,
    pub other_attempts: i64,
    pub holder_hash: Option<String>,
    pub consumed_at: Option<Millis>,
}

impl Pending {
    pub fn consumed(&self) -> bool {
        self.consumed_at.is_some()
    }

    pub fn right(&self) -> Option<RightKind> {
        self.right_kind.as_deref().and_then(RightKind::parse)
    }

    /// Whether `holder` is the secret of the browser that asked.
    pub fn held_by(&self, holder: Option<&str>) -> bool {
        match (&self.holder_hash, holder) {
            (Some(stored), Some(holder)) => {
                constant_time_eq(stored, &sha256_hex(&["holder", holder]))
            }
            _ => false,
        }
    }

    pub fn live(&self, now: Millis) -> bool {
        !self.consumed() && self.expires_at > now
    }
}

const COLUMNS: &str = "id, email, right_kind, sent_at, expires_at, attempts, other_attempts, holder_hash, consumed_at";

/// How a verification is found.
#[derive(Clone, Copy)]
pub enum By {
    Id,
    Email,
    /// The hash of a link's token.
    LinkHash,
}

pub async fn find(pool: &Pool, by: By, value: &str) -> anyhow::Result<Option<Pending>> {
    let column = match by {
        By::Id => "id",
        By::Email => "email",
        By::LinkHash => "link_hash",
    };
    sqlx::query_as::<_, Pending>(&format!(
        "SELECT {COLUMNS} FROM verifications WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(pool)
    .await
    .context("verification: read")
}

/// A fresh code for a mailbox, its secrets already hashed.
pub struct NewCode<'a> {
    pub email: &'a str,
    pub id: &'a str,
    pub right: Option<RightKind>,
    pub lang: Lang,
    pub code_hash: String,
    pub link_hash: String,
    pub holder_hash: String,
    pub now: Millis,
    pub expires_at: Millis,
    /// A code sent after this replaces nothing: it is too soon.
    pub resend_after: Millis,
}

/// Stores the code, replacing whatever the mailbox had unless a code was
/// sent after `resend_after`: false then (a parallel request sent one a
/// moment ago).
pub async fn store_code(conn: &mut sqlx::AnyConnection, new: &NewCode<'_>) -> anyhow::Result<bool> {
    let written = sqlx::query(
        "INSERT INTO verifications (email, id, right_kind, lang, code_hash, link_hash, holder_hash, attempts, other_attempts, \
           created_at, sent_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $10, 0, 0, $7, $7, $8) \
         ON CONFLICT (email) DO UPDATE SET id = excluded.id, right_kind = excluded.right_kind, lang = excluded.lang, \
           code_hash = excluded.code_hash, link_hash = excluded.link_hash, holder_hash = excluded.holder_hash, \
           attempts = 0, other_attempts = 0, created_at = excluded.created_at, \
           sent_at = excluded.sent_at, expires_at = excluded.expires_at, consumed_at = NULL \
         WHERE verifications.sent_at <= $9",
    )
    .bind(new.email)
    .bind(new.id)
    .bind(new.right.map(RightKind::slug))
    .bind(new.lang.code())
    .bind(&new.code_hash)
    .bind(&new.link_hash)
    .bind(new.now)
    .bind(new.expires_at)
    .bind(new.resend_after)
    .bind(&new.holder_hash)
    .execute(conn)
    .await
    .context("verification: store the code")?;
    Ok(written.rows_affected() == 1)
}

/// Whose tries a guess counts against.
#[derive(Clone, Copy)]
pub enum Tries {
    /// The browser that asked for the code.
    Holder,
    /// Any other browser.
    Other,
}

/// Counts one try before the comparison, atomically, so that parallel
/// guesses cannot pass `max`: the stored code hash and the tries counted,
/// or `None` when no try is left (or the verification was used).
pub async fn count_try(
    pool: &Pool,
    id: &str,
    tries: Tries,
    max: i64,
) -> anyhow::Result<Option<(String, i64)>> {
    let column = match tries {
        Tries::Holder => "attempts",
        Tries::Other => "other_attempts",
    };
    sqlx::query_as::<_, (String, i64)>(&format!(
        "UPDATE verifications SET {column} = {column} + 1 WHERE id = $1 AND consumed_at IS NULL AND {column} < $2 \
         RETURNING code_hash, {column} AS attempts"
    ))
    .bind(id)
    .bind(max)
    .fetch_optional(pool)
    .await
    .context("verification: count a try")
}

/// Uses the verification up: true for the one caller that did.
pub async fn consume(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    now: Millis,
) -> anyhow::Result<bool> {
    let consumed = sqlx::query(
        "UPDATE verifications SET consumed_at = $1 WHERE id = $2 AND consumed_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await
    .context("verification: consume")?;
    Ok(consumed.rows_affected() == 1)
}

/// Whether `email` is someone the portal already knows: a verification
/// used (the code was typed), or one still live from before this hour (a
/// flood's own first codes are not "known" within its hour), or an open
/// request. They keep a share of the hourly ceiling on codes that
/// newcomers cannot use up.
pub async fn known(
    conn: &mut sqlx::AnyConnection,
    email: &str,
    now: Millis,
) -> anyhow::Result<bool> {
    let hour_start = now - now.rem_euclid(3_600_000);
    let found: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ( \
           SELECT 1 AS one FROM verifications WHERE email = $1 \
             AND (consumed_at IS NOT NULL OR (expires_at > $2 AND created_at < $3)) \
           UNION ALL SELECT 1 AS one FROM requests WHERE email = $1 AND closed_at IS NULL \
         ) AS known",
    )
    .bind(email)
    .bind(now)
    .bind(hour_start)
    .fetch_one(conn)
    .await
    .context("verification: is this address known")?;
    Ok(found > 0)
}
