//! Letters: the notices of a request that go by post. When a request has
//! no email address, or the subject asked for a postal reply, every notice
//! that would have been emailed (the acknowledgment, a question, an
//! extension, the answer…) is stored here instead, in the same transaction
//! as its change, to be printed from the console and marked posted. The
//! posting day is the proof that the subject was told; for an answer, it
//! is the day the request was answered.

use crate::clock::Millis;
use crate::db::new_id;
use crate::email::EmailKind;
use crate::email::templates::Composed;
use anyhow::Context;

/// One letter, as the console and the evidence file read it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Letter {
    pub id: String,
    pub request_id: String,
    #[sqlx(try_from = "String")]
    pub kind: EmailKind,
    pub subject: String,
    pub text: String,
    pub created_at: Millis,
    /// The day it was posted (or handed over), as the DPO recorded it.
    pub posted_on: Option<String>,
    /// The DPO account that recorded the posting.
    pub posted_by: Option<String>,
}

const COLUMNS: &str = "id, request_id, kind, subject, text, created_at, posted_on, posted_by";

/// `COLUMNS` of the table aliased `alias`, for a join.
fn columns_of(alias: &str) -> String {
    COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Stores a letter to print and post.
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    request_id: &str,
    letter: &Composed,
    now: Millis,
) -> anyhow::Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO letters (id, request_id, kind, subject, text, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(request_id)
    .bind(letter.kind.slug())
    .bind(&letter.subject)
    .bind(&letter.text)
    .bind(now)
    .execute(conn)
    .await
    .context("letters: store a letter")?;
    Ok(id)
}

/// A request's letters, oldest first.
pub async fn of_request(
    conn: &mut sqlx::AnyConnection,
    request_id: &str,
) -> anyhow::Result<Vec<Letter>> {
    sqlx::query_as::<_, Letter>(&format!(
        "SELECT {COLUMNS} FROM letters WHERE request_id = $1 ORDER BY created_at, id"
    ))
    .bind(request_id)
    .fetch_all(conn)
    .await
    .context("letters: read a request's letters")
}

/// The letters not posted yet of every request linked with `request_id`
/// (itself included) that is answered to the same person at the same
/// postal address (same names, same representative), with each request's
/// reference and status, by reference: what one envelope can carry as one
/// reply, never another person's notice. Empty for a request linked to
/// none.
pub async fn of_group(
    pool: &crate::db::Pool,
    request_id: &str,
) -> anyhow::Result<Vec<(Letter, String, String)>> {
    use sqlx::Row;
    let rows = sqlx::query(&format!(
        "SELECT {}, r.reference, r.status FROM letters l JOIN requests r ON r.id = l.request_id \
         WHERE l.posted_on IS NULL \
         AND r.linked_group = (SELECT linked_group FROM requests WHERE id = $1) \
         AND EXISTS (SELECT 1 FROM requests o WHERE o.id = $1 \
           AND o.reply_postal_address = r.reply_postal_address \
           AND o.first_name = r.first_name AND o.last_name = r.last_name \
           AND COALESCE(o.representative, '') = COALESCE(r.representative, '')) \
         ORDER BY r.reference, l.created_at, l.id",
        columns_of("l")
    ))
    .bind(request_id)
    .fetch_all(pool)
    .await
    .context("letters: read a group's letters")?;
    rows.iter()
        .map(|row| {
            let letter =
                <Letter as sqlx::FromRow<_>>::from_row(row).context("letters: a letter")?;
            Ok((letter, row.get("reference"), row.get("status")))
        })
        .collect()
}

/// One letter and its request's reference.
pub async fn by_id(pool: &crate::db::Pool, id: &str) -> anyhow::Result<Option<(Letter, String)>> {
    use sqlx::Row;
    let Some(row) = sqlx::query(&format!(
        "SELECT {}, r.reference FROM letters l JOIN requests r ON r.id = l.request_id WHERE l.id = $1",
        columns_of("l")
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
    .context("letters: read a letter")?
    else {
        return Ok(None);
    };
    let letter = <Letter as sqlx::FromRow<_>>::from_row(&row).context("letters: a letter")?;
    Ok(Some((letter, row.get("reference"))))
}

/// How many requests have a letter not marked posted yet: the queue's
/// "letters to post", whose list shows each request once.
pub async fn requests_with_letters_to_post(pool: &crate::db::Pool) -> anyhow::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(DISTINCT request_id) FROM letters WHERE posted_on IS NULL")
        .fetch_one(pool)
        .await
        .context("letters: count the requests with letters to post")
}
