//! Retention (SPEC §6): a closed request is anonymised `PORTAL_RETENTION_DAYS`
//! after it closed. Its reference, right, dates, status and the kind of its
//! outcome stay for the register; everything that names or describes the
//! person goes: names, address, customer number, phone, postal address, the
//! right's own fields, notes, messages, files, emails and the letters' text. The `.eml` copies
//! of the embedded mailer go after a day: they hold codes and links in clear.
//!
//! Each anonymisation is an audit entry; the chain holds no personal data,
//! so it verifies the same afterwards. What is removed is gone from the
//! files too (`wipe`): SQLite overwrites deleted content (`secure_delete`)
//! and its write-ahead log is emptied; PostgreSQL vacuums the tables.

use crate::audit::{self, Entry, Who};
use crate::clock::Millis;
use crate::db::Pool;
use crate::domain::outcome::{KeptPart, Outcome};
use anyhow::Context;
use sqlx::Row;
use std::path::Path;

const DAY_MS: Millis = 86_400_000;
/// Requests anonymised per transaction.
const BATCH: i64 = 200;

/// What one run removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Retained {
    pub requests: u64,
    pub eml_files: u64,
}

/// Anonymises every request closed more than `retention_days` ago, and
/// deletes `.eml` files older than a day from `outbox_dir`.
pub async fn run(
    pool: &Pool,
    now: Millis,
    retention_days: i64,
    outbox_dir: &Path,
) -> anyhow::Result<Retained> {
    let cutoff = now - retention_days * DAY_MS;
    let mut requests = 0;
    loop {
        let due = sqlx::query(
            "SELECT id, reference, outcome FROM requests \
             WHERE anonymised_at IS NULL AND closed_at IS NOT NULL AND closed_at < $1 LIMIT $2",
        )
        .bind(cutoff)
        .bind(BATCH)
        .fetch_all(pool)
        .await
        .context("retention: find the requests")?;
        if due.is_empty() {
            break;
        }
        for row in &due {
            let id: String = row.get("id");
            let reference: String = row.get("reference");
            let outcome: Option<String> = row.get("outcome");
            if anonymise(pool, &id, &reference, outcome.as_deref(), cutoff, now).await? {
                requests += 1;
            }
        }
    }
    if requests > 0 {
        let entry = Entry::new(crate::audit::AuditAction::RetentionPurged, Who::System).facts(
            serde_json::json!({
                "requests": requests,
                "retention_days": retention_days,
                "closed_before": cutoff,
            }),
        );
        audit::record(pool, now, &entry).await?;
        tracing::info!(
            requests,
            "closed requests anonymised after the retention period"
        );
        wipe(pool).await?;
    }
    let eml_files = delete_old_eml(outbox_dir, now - DAY_MS);
    Ok(Retained {
        requests,
        eml_files,
    })
}

/// The tables retention empties, vacuumed on PostgreSQL.
const WIPED_POSTGRES: &str =
    "VACUUM requests, request_events, outbox, letters, request_files, request_terms, held_answers";

/// Makes what was deleted unreadable in the database's files: on SQLite
/// the deleted cells are zeroed already (`secure_delete`, `db::connect`),
/// and the write-ahead log, which still holds the pages as they were, is
/// checkpointed and truncated; PostgreSQL vacuums the tables, so the dead
/// rows' space is reclaimed.
pub async fn wipe(pool: &Pool) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await.context("retention: connect")?;
    if conn.backend_name() == "PostgreSQL" {
        // A plain string: no statement to prepare (VACUUM runs outside a
        // transaction, which the simple protocol gives).
        sqlx::Executor::execute(&mut *conn, WIPED_POSTGRES)
            .await
            .context("retention: vacuum")?;
        return Ok(());
    }
    // The checkpoint says "busy" in its row, not as an error: a reader
    // (a long export) still holds the old pages in the log.
    let busy: i64 = sqlx::query_scalar("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut *conn)
        .await
        .context("retention: empty the write-ahead log")?;
    if busy != 0 {
        tracing::error!(
            "the write-ahead log could not be emptied after retention (a reader held it): it will be at the next run"
        );
    }
    Ok(())
}

/// The outcome with its kind kept and its free text removed.
fn bare_outcome(outcome: Option<&str>) -> Option<String> {
    let outcome: Outcome = serde_json::from_str(outcome?).ok()?;
    let bare = match outcome {
        Outcome::Completed {
            answered_by,
            no_recipients,
            kept,
            ..
        } => Outcome::Completed {
            summary: String::new(),
            access: None,
            notified: Vec::new(),
            sent_to: None,
            answered_by,
            no_recipients,
            // The grounds stay (the register says the answer was partial);
            // what was kept, in words, goes.
            kept: kept
                .into_iter()
                .map(|part| KeptPart {
                    what: String::new(),
                    ground: part.ground,
                })
                .collect(),
        },
        Outcome::Refused { reason, .. } => Outcome::Refused {
            reason,
            explanation: String::new(),
        },
    };
    serde_json::to_string(&bare).ok()
}

/// Anonymises one request in one transaction, unless another run did it
/// first. Returns whether this one did.
async fn anonymise(
    pool: &Pool,
    id: &str,
    reference: &str,
    outcome: Option<&str>,
    cutoff: Millis,
    now: Millis,
) -> anyhow::Result<bool> {
    let mut tx = pool.begin().await.context("retention: begin")?;
    let done = sqlx::query(&format!(
        "UPDATE requests SET {}, outcome = $1, anonymised_at = $2, version = version + 1 \
         WHERE id = $3 AND anonymised_at IS NULL AND closed_at < $4",
        crate::requests::columns::blanked()
    ))
    .bind(bare_outcome(outcome))
    .bind(now)
    .bind(id)
    .bind(cutoff)
    .execute(&mut *tx)
    .await
    .context("retention: anonymise a request")?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    // Only the reference stays searchable.
    crate::requests::search::reindex(&mut tx, id).await?;
    for (what, sql) in [
        (
            "empty the timeline's notes",
            "UPDATE request_events SET note = NULL, detail = NULL WHERE request_id = $1",
        ),
        (
            "delete the emails",
            "DELETE FROM outbox WHERE request_id = $1",
        ),
        (
            "delete the answers held to go together",
            "DELETE FROM held_answers WHERE request_id = $1",
        ),
        (
            // The posting days stay: they prove the subject was told.
            "empty the letters",
            "UPDATE letters SET subject = '', text = '' WHERE request_id = $1",
        ),
        (
            "delete the files",
            "DELETE FROM request_files WHERE request_id = $1",
        ),
        (
            // A system's answer may name the person (its reason, what it
            // found); its state stays, for the register's facts.
            "empty the systems' results",
            "UPDATE system_tasks SET result = NULL, found_identifiers = NULL WHERE request_id = $1",
        ),
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("retention: {what}"))?;
    }
    let entry =
        Entry::new(crate::audit::AuditAction::RequestAnonymised, Who::System).reference(reference);
    audit::append(&mut tx, now, &entry).await?;
    tx.commit().await.context("retention: commit")?;
    Ok(true)
}

/// Deletes the `.eml` files last written before `before` (on the system
/// clock or the injected one, whichever is later).
fn delete_old_eml(dir: &Path, before: Millis) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut deleted = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|ext| ext != "eml") {
            continue;
        }
        let written = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as Millis);
        if written.is_some_and(|at| at < before) && std::fs::remove_file(&path).is_ok() {
            deleted += 1;
        }
    }
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outcome::RefusalReason;

    #[test]
    fn an_outcome_keeps_its_kind_and_loses_its_text() {
        let refused = serde_json::to_string(&Outcome::Refused {
            reason: RefusalReason::ManifestlyExcessive,
            explanation: "Jeanne Canary asked 40 times".into(),
        })
        .unwrap();
        let bare = bare_outcome(Some(&refused)).unwrap();
        assert!(!bare.contains("Canary"), "{bare}");
        assert!(bare.contains("manifestly_excessive"), "{bare}");
        assert_eq!(bare_outcome(None), None);
    }

    #[test]
    fn only_old_eml_files_are_deleted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.eml"), "code 123456").unwrap();
        std::fs::write(dir.path().join("keep.txt"), "not an email").unwrap();
        assert_eq!(delete_old_eml(dir.path(), 0), 0);
        let later = crate::clock::Clock::now(&crate::clock::SystemClock) + DAY_MS;
        assert_eq!(delete_old_eml(dir.path(), later), 1);
        assert!(dir.path().join("keep.txt").exists());
    }
}
