//! The reference of the filing figure: a raw insert-and-commit loop, one
//! row per transaction, with the portal's SQLite settings.

use crate::load::DURATION;
use sqlx::{Connection, Executor};
use std::path::Path;
use std::time::Instant;

/// Commits per second of one row of `bytes` bytes, each in its own
/// transaction, with the portal's SQLite settings (WAL, synchronous=FULL).
pub async fn commits_per_second(dir: &Path, bytes: usize) -> f64 {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=rwc", dir.join("raw.db").display());
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    for pragma in [
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = FULL",
        // Each figure that sets itself beside it starts from an empty table.
        "DROP TABLE IF EXISTS raw",
        "CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    ] {
        conn.execute(pragma).await.unwrap();
    }
    let body = "x".repeat(bytes);
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < DURATION {
        let mut tx = conn.begin().await.unwrap();
        sqlx::query("INSERT INTO raw (id, body) VALUES ($1, $2)")
            .bind(format!("{n:032}"))
            .bind(&body)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        n += 1;
    }
    n as f64 / started.elapsed().as_secs_f64()
}
