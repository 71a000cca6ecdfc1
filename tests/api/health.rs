use crate::helpers::{Backend, Mail, TestApp};
use crate::on_both_databases;
use sqlx::Row;

async fn the_health_endpoint_answers_ok(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    // The version and the commit that answers, as `--version` says them.
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["commit"], privacy_portal::operator::COMMIT);
    assert!(
        privacy_portal::operator::COMMIT
            .chars()
            .all(|c| c.is_ascii_hexdigit())
            && privacy_portal::operator::COMMIT.len() >= 12,
        "built from a git checkout: {}",
        privacy_portal::operator::COMMIT
    );
}

async fn migrations_create_the_tables_and_can_run_again(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    for table in ["outbox", "dpo_accounts"] {
        let count: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&app.pool)
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"))
            .get("n");
        assert_eq!(count, 0, "{table} starts empty");
    }
    // A restart applies nothing twice.
    privacy_portal::db::migrate(&app.pool)
        .await
        .expect("migrations are idempotent");
}

on_both_databases!(
    the_health_endpoint_answers_ok,
    migrations_create_the_tables_and_can_run_again
);

#[tokio::test]
async fn the_health_endpoint_says_unavailable_when_the_database_is_gone() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    app.pool.close().await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn the_sqlite_file_is_created_in_wal_mode_with_foreign_keys() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    assert!(app.data_dir.path().join("portal.db").exists());
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query("PRAGMA foreign_keys")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(fk, 1);
    let sync: i64 = sqlx::query("PRAGMA synchronous")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(sync, 2, "synchronous=FULL");
}

/// PostgreSQL over TLS. The throwaway server of `make test` has a
/// self-signed certificate: `sslmode=require` encrypts without checking it
/// (`verify-full` with `sslrootcert=` checks a real one).
#[tokio::test]
async fn postgres_can_be_reached_over_tls() {
    if std::env::var("PORTAL_TEST_POSTGRES_TLS").as_deref() != Ok("1") {
        eprintln!("skipped: PORTAL_TEST_POSTGRES_TLS=1 says the test server has TLS on");
        return;
    }
    let base = std::env::var("PORTAL_TEST_POSTGRES_URL").unwrap();
    let url =
        privacy_portal::config::DatabaseUrl::parse(&format!("{base}?sslmode=require")).unwrap();
    let pool = privacy_portal::db::connect(&url)
        .await
        .expect("a TLS connection");
    let encrypted: bool = sqlx::query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert!(encrypted, "the connection is encrypted");
}
