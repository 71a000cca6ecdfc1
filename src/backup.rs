//! `privacy-portal backup FILE`: a consistent copy of everything the portal
//! keeps (requests, their files, the audit log, the accounts) while it
//! serves. SQLite writes the copy with `VACUUM INTO`, inside one read
//! transaction, so a request committed during the backup is either wholly
//! in it or not at all; the copy is then checked. PostgreSQL is copied by
//! `pg_dump` (custom format), which also reads one snapshot.

use crate::config::DatabaseUrl;
use crate::db;
use anyhow::{Context, bail};
use sqlx::{Connection, Row};
use std::path::Path;

/// What the copy holds, for the operator's record.
#[derive(Debug)]
pub struct Summary {
    pub requests: i64,
    pub files: i64,
    pub audit_entries: i64,
}

/// Creates `file` empty, readable and writable by its owner only (0600),
/// before anything is written to it: a backup holds every request.
fn create_private(file: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
        .with_context(|| format!("cannot create {}", file.display()))?;
    Ok(())
}

pub async fn backup(url: &DatabaseUrl, file: &Path) -> anyhow::Result<Summary> {
    if file.exists() {
        bail!("{} already exists: name a new file", file.display());
    }
    // VACUUM INTO accepts an empty file, and pg_dump writes into it: the
    // copy keeps the mode.
    create_private(file)?;
    if url.is_sqlite() {
        let target = file
            .to_str()
            .context("the backup file's path must be valid UTF-8")?;
        let pool = db::connect(url).await?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&pool)
            .await
            .context("cannot write the backup (VACUUM INTO)")?;
        pool.close().await;
        // Read-only, without the server's settings: the copy stays one
        // plain file.
        let mut copy = sqlx::AnyConnection::connect(&format!("sqlite://{target}?mode=ro"))
            .await
            .context("cannot open the backup")?;
        let integrity: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut copy)
            .await
            .context("cannot check the backup")?
            .get(0);
        if integrity != "ok" {
            bail!("the backup failed its integrity check: {integrity}");
        }
        summarise(&mut copy).await
    } else {
        pg_dump(url, file)?;
        let pool = db::connect(url).await?;
        let mut conn = pool.acquire().await.context("cannot connect")?;
        summarise(&mut conn).await
    }
}

async fn summarise(conn: &mut sqlx::AnyConnection) -> anyhow::Result<Summary> {
    let mut counts = Vec::new();
    for table in ["requests", "request_files", "audit_log"] {
        let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await
            .with_context(|| format!("cannot count {table}"))?;
        counts.push(row.get::<i64, _>(0));
    }
    Ok(Summary {
        requests: counts[0],
        files: counts[1],
        audit_entries: counts[2],
    })
}

/// Runs `pg_dump --format=custom`; the password goes through the
/// environment, not the command line, where other users could read it.
fn pg_dump(url: &DatabaseUrl, file: &Path) -> anyhow::Result<()> {
    let mut parsed = url::Url::parse(url.expose()).context("PORTAL_DATABASE_URL")?;
    let password = parsed.password().map(str::to_owned);
    let _ = parsed.set_password(None);
    let mut command = std::process::Command::new("pg_dump");
    command
        .arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(file)
        .arg(parsed.as_str());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let status = command
        .status()
        .context("cannot run pg_dump: install PostgreSQL's client tools")?;
    if !status.success() {
        bail!("pg_dump failed ({status})");
    }
    Ok(())
}
