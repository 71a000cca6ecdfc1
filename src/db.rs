//! The database: SQLite for one machine, PostgreSQL for several instances,
//! behind sqlx's `Any` driver so that one set of queries and one
//! `migrations/` folder serve both. Queries use `$1` placeholders, which both
//! understand; every integer column is BIGINT so both decode it as `i64`.

use crate::config::DatabaseUrl;
use anyhow::Context;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub type Pool = AnyPool;

pub async fn connect(url: &DatabaseUrl) -> anyhow::Result<Pool> {
    sqlx::any::install_default_drivers();
    let mut connect_url = url.expose().to_owned();
    if url.is_sqlite() {
        if let Some(path) = url.sqlite_path()
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).with_context(|| {
                format!("cannot create the database folder {}", parent.display())
            })?;
        }
        if !connect_url.contains("mode=") {
            connect_url.push_str(if connect_url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
    }
    AnyPoolOptions::new()
        .max_connections(if url.is_sqlite() { 8 } else { 16 })
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                if conn.backend_name() == "SQLite" {
                    // WAL lets readers run beside the writer; FULL makes a
                    // committed request survive a power cut; the busy timeout
                    // makes writers queue instead of failing.
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                        // What is deleted is overwritten, not left in free
                        // pages (retention, purges; `retention::wipe`).
                        "PRAGMA secure_delete = ON",
                    ] {
                        conn.execute(pragma).await?;
                    }
                }
                Ok(())
            })
        })
        .connect(&connect_url)
        .await
        .with_context(|| format!("cannot open the database {url} (PORTAL_DATABASE_URL)"))
}

/// Applies the migrations, then fills what a migration added but SQL
/// alone cannot compute the same way on both databases (Paris dates).
/// The schema's migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A database migrated by a newer portal: the program exits 3 (which the
/// systemd unit does not restart: it would fail again).
#[derive(Debug)]
pub struct NewerDatabase(pub i64);

impl std::fmt::Display for NewerDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the database was migrated by a newer portal (migration {} is unknown to version {}): run that version or a newer one, or restore the backup taken before the upgrade",
            self.0,
            crate::operator::VERSION
        )
    }
}

impl std::error::Error for NewerDatabase {}

/// Where a database stands against this binary's migrations.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MigrationState {
    /// How many of this binary's migrations the database has.
    pub applied: usize,
    /// This binary's migrations the database lacks: version, description.
    pub pending: Vec<(i64, String)>,
    /// Migrations the database has and this binary does not know: it was
    /// migrated by a newer portal.
    pub unknown: Vec<i64>,
}

/// Reads the migrations table without changing anything (a database
/// without one has nothing applied).
pub async fn migration_state(pool: &Pool) -> anyhow::Result<MigrationState> {
    use sqlx::Row;
    let has_table = match sqlx::query("SELECT version FROM _sqlx_migrations WHERE 1 = 0")
        .fetch_all(pool)
        .await
    {
        Ok(_) => true,
        // Only "no such table" means nothing is applied (PostgreSQL's
        // undefined_table, SQLite's message); any other failure is one.
        Err(sqlx::Error::Database(e))
            if e.code().as_deref() == Some("42P01") || e.message().contains("no such table") =>
        {
            false
        }
        Err(e) => return Err(e).context("cannot read the migrations table"),
    };
    let applied: Vec<i64> = if has_table {
        sqlx::query("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_all(pool)
            .await
            .context("cannot read the migrations table")?
            .iter()
            .map(|row| row.get::<i64, _>("version"))
            .collect()
    } else {
        Vec::new()
    };
    Ok(MigrationState::against(&applied))
}

impl MigrationState {
    /// This binary's migrations against the versions a database has
    /// applied (none for a database not yet created).
    pub fn against(applied: &[i64]) -> MigrationState {
        let known: Vec<&sqlx::migrate::Migration> = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .collect();
        let mut unknown: Vec<i64> = applied
            .iter()
            .copied()
            .filter(|version| !known.iter().any(|m| m.version == *version))
            .collect();
        unknown.sort_unstable();
        MigrationState {
            applied: known
                .iter()
                .filter(|m| applied.contains(&m.version))
                .count(),
            pending: known
                .iter()
                .filter(|m| !applied.contains(&m.version))
                .map(|m| (m.version, m.description.to_string()))
                .collect(),
            unknown,
        }
    }
}

pub async fn migrate(pool: &Pool) -> anyhow::Result<()> {
    // Forward only: a database a newer portal migrated is not this
    // binary's to serve (its queries may miss new columns' meaning).
    let state = migration_state(pool).await?;
    if let Some(version) = state.unknown.first() {
        return Err(NewerDatabase(*version).into());
    }
    MIGRATOR
        .run(pool)
        .await
        .context("cannot apply the database migrations")?;
    let filled = crate::requests::figures::backfill(pool).await?;
    if filled > 0 {
        tracing::info!(filled, "closed requests given their answer dates");
    }
    search_terms_in_code_point_order(pool).await?;
    let indexed = crate::requests::search::backfill(pool).await?;
    if indexed > 0 {
        tracing::info!(indexed, "requests indexed for the search");
    }
    Ok(())
}

/// A random, unguessable row id: 128 bits as 32 hex digits.
pub fn new_id() -> String {
    crate::secure::hex(&crate::secure::random_bytes::<16>())
}

/// The search reads a range of `request_terms.term` in code-point order
/// (`requests::search`). SQLite compares text as bytes; PostgreSQL by the
/// database's collation, in which a range may not hold (in `da_DK`, "aa"
/// sorts after "z"), so the column gets the "C" collation, once. SQLite's
/// SQL cannot name it, hence here rather than in the migration.
async fn search_terms_in_code_point_order(pool: &Pool) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await.context("database: connect")?;
    if conn.backend_name() != "PostgreSQL" {
        return Ok(());
    }
    let collation: Option<String> = sqlx::query_scalar(
        "SELECT CAST(collation_name AS TEXT) FROM information_schema.columns \
         WHERE table_name = 'request_terms' AND column_name = 'term'",
    )
    .fetch_one(&mut *conn)
    .await
    .context("database: read the search terms' collation")?;
    if collation.as_deref() != Some("C") {
        sqlx::query(r#"ALTER TABLE request_terms ALTER COLUMN term TYPE TEXT COLLATE "C""#)
            .execute(&mut *conn)
            .await
            .context("database: give the search terms the C collation")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_32_hex_digits_and_differ() {
        let (a, b) = (super::new_id(), super::new_id());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
