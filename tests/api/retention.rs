//! Retention: closed requests are anonymised after the configured period,
//! with no personal data left in any table and what the register needs
//! kept; the home page states the period.

use crate::helpers::{Backend, DAY, Dpo, Mail, Subject, TestApp, broken, download};
use crate::on_both_databases;
use privacy_portal::domain::Date;
use sqlx::Row;
use std::time::Duration;

/// Every text value in every column of every table, lower-cased.
async fn every_stored_text(app: &TestApp, backend: Backend) -> Vec<(String, String, String)> {
    let tables: Vec<String> = match backend {
        Backend::Sqlite => sqlx::query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ),
        Backend::Postgres => sqlx::query(
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables WHERE table_schema = 'public'",
        ),
    }
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get("name"))
    .collect();
    let mut found = Vec::new();
    for table in tables {
        let sql = match backend {
            Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
            Backend::Postgres => format!(
                "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns WHERE table_name = '{table}'"
            ),
        };
        let columns: Vec<String> = sqlx::query(&sql)
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("name"))
            .collect();
        for column in columns {
            // SQLite's quote() writes a BLOB as hex, so every value reads as text.
            let value = match backend {
                Backend::Sqlite => format!("quote({column})"),
                Backend::Postgres => format!("CAST({column} AS TEXT)"),
            };
            let values: Vec<Option<String>> =
                sqlx::query(&format!("SELECT {value} AS v FROM {table}"))
                    .fetch_all(&app.pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get("v"))
                    .collect();
            for value in values.into_iter().flatten() {
                found.push((table.clone(), column.clone(), value.to_lowercase()));
            }
        }
    }
    found
}

async fn closed_requests_are_anonymised_after_the_retention_period(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "canary.mail@example.org");
    subject.verify("rectification").await;
    let key = subject.form_key("rectification").await;
    let fields = [
        ("form[submission_key]", key.as_str()),
        ("form[right]", "rectification"),
        ("form[first_name]", "Canaryfirst"),
        ("form[last_name]", "Canarylast"),
        ("form[relation]", "client"),
        ("form[customer_number]", "CANARY-778"),
        ("form[reply_channel]", "postal"),
        ("form[reply_postal]", "12 rue Canarypost, 34000 Montpellier"),
        ("form[lang]", "fr"),
        ("form[rows][0][item]", "Canaryitem"),
        ("form[rows][0][current]", "Canaryold"),
        ("form[rows][0][corrected]", "Canarynew"),
    ];
    let filed = subject.post("/request/new", &fields).await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let reference: String = sqlx::query("SELECT reference FROM requests")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("reference");
    let message = subject
        .send_message(
            &reference,
            "Canarymessage from the subject",
            Some(("canary.txt", b"canarybytes".to_vec())),
        )
        .await;
    assert_eq!(message.status(), 303);
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(
        &reference,
        "note",
        "received",
        &[("form[note]", "Canarynote about the person")],
    )
    .await;
    dpo.done(&reference, "check-identity", "received", &[])
        .await;
    dpo.done(&reference, "start", "identity_check", &[]).await;
    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &[
            ("form[summary]", "Canarysummary: corrected"),
            ("form[recipients][0][name]", "Canaryrecipient"),
            (
                "form[recipients][0][on]",
                &Date::paris_of(app.clock_now()).iso(),
            ),
        ],
    )
    .await;
    app.every_email_sent().await;
    let canaries = ["canary"];
    let before = every_stored_text(&app, backend).await;
    assert!(
        before.iter().any(|(_, _, v)| v.contains("canary")),
        "the canaries are stored before the purge"
    );

    // One day short: nothing changes.
    app.clock.advance(DAY * 1094);
    let retained = privacy_portal::retention::run(
        &app.pool,
        app.clock_now(),
        1095,
        &app.state.config.outbox_dir(),
    )
    .await
    .unwrap();
    assert_eq!(retained.requests, 0);

    app.clock.advance(DAY * 2);
    privacy_portal::purge::purge(&app.pool, app.clock_now())
        .await
        .unwrap();
    privacy_portal::retention::run(
        &app.pool,
        app.clock_now(),
        1095,
        &app.state.config.outbox_dir(),
    )
    .await
    .unwrap();
    let after = every_stored_text(&app, backend).await;
    let left: Vec<_> = after
        .iter()
        .filter(|(_, _, v)| canaries.iter().any(|c| v.contains(c)))
        .collect();
    assert!(
        left.is_empty(),
        "personal data left after the purge: {left:?}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM request_files").await, 0);
    // Nor in the database's files: SQLite overwrote the deleted cells and
    // emptied its log; PostgreSQL vacuumed the tables.
    match backend {
        Backend::Sqlite => {
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(app.data_dir.path()).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if name.starts_with("portal.db") {
                    bytes.extend(std::fs::read(&path).unwrap());
                }
            }
            let found = bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"canary"));
            assert!(!found, "a canary is left in the database's files");
        }
        Backend::Postgres => {
            let vacuumed = crate::helpers::eventually(Duration::from_secs(10), || async {
                (app.scalar(
                    "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname IN ('requests', 'request_events') \
                     AND last_vacuum IS NOT NULL",
                )
                .await
                    == 2)
                    .then_some(())
            })
            .await;
            assert!(vacuumed.is_some(), "the tables were vacuumed");
        }
    }

    // Kept for the register: the reference, the right, the dates, the outcome.
    let row = sqlx::query(
        "SELECT right_kind, status, received_on, due_on, closed_at, outcome, anonymised_at FROM requests WHERE reference = $1",
    )
    .bind(&reference)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("right_kind"), "rectification");
    assert_eq!(row.get::<String, _>("status"), "completed");
    assert!(row.get::<Option<i64>, _>("closed_at").is_some());
    assert!(row.get::<Option<i64>, _>("anonymised_at").is_some());
    assert!(
        row.get::<String, _>("outcome")
            .contains("\"outcome\":\"completed\"")
    );

    // The chain verifies, and records the purge.
    assert_eq!(broken(&app).await, None);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'request.anonymised' AND reference = '{reference}'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'retention.purged'")
            .await,
        1
    );
    // The console still opens it, and the register still lists it.
    app.clock.advance(Duration::from_secs(1));
    dpo.sign_in().await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(
        page.contains(&reference) && page.contains("Anonymisée"),
        "{page}"
    );
    let (_, csv) = download(dpo.post("/dpo/export/register", &[("personal", "1")]).await).await;
    assert!(csv.contains(&reference) && csv.contains(",yes,"), "{csv}");
    // The search finds it by its reference, and no longer by name.
    let by_reference = dpo.page(&format!("/dpo?q={}", &reference[2..])).await;
    assert!(by_reference.contains(&reference), "{by_reference}");
    assert!(by_reference.contains("<table"), "{by_reference}");
    let by_name = dpo.page("/dpo?q=canaryfirst").await;
    assert!(!by_name.contains("<table"), "{by_name}");
}

on_both_databases!(closed_requests_are_anonymised_after_the_retention_period);

/// The home page states the retention period from the setting.
#[tokio::test]
async fn the_home_page_states_the_configured_retention() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Files, |c| c.retention_days = 730).await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("anonymisées après 2 ans"), "{html}");
}
