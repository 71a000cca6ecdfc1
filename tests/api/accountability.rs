//! Accountability (GDPR Art. 5(2)): the hash-chained audit log, the register
//! and evidence exports, the dashboard, the daily digest, retention and
//! failed emails, on both databases.

use crate::helpers::{Backend, DAY, Dpo, Mail, Subject, TestApp, broken, download, eventually};
use crate::on_both_databases;
use privacy_portal::audit::{self, Entry, Who};
use privacy_portal::domain::Date;
use reqwest::header;
use sqlx::Row;
use std::time::Duration;

async fn record_some(app: &TestApp, how_many: usize) {
    for i in 0..how_many {
        let entry = Entry::named("test.entry", Who::System).facts(serde_json::json!({ "i": i }));
        audit::record(&app.pool, app.clock_now(), &entry)
            .await
            .unwrap();
    }
}

async fn appends_from_many_tasks_form_one_chain(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let before = audit::verify(&app.pool).await.unwrap().entries;
    let tasks: Vec<_> = (0..40)
        .map(|task| {
            let pool = app.pool.clone();
            let now = app.clock_now();
            tokio::spawn(async move {
                for i in 0..10 {
                    let entry = Entry::named("test.concurrent", Who::System)
                        .facts(serde_json::json!({ "task": task, "i": i }));
                    audit::record(&pool, now, &entry).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let verdict = audit::verify(&app.pool).await.unwrap();
    assert_eq!(verdict.broken, None);
    assert_eq!(verdict.entries, before + 400);
    assert_eq!(
        app.scalar("SELECT COUNT(DISTINCT prev_hash) FROM audit_log")
            .await,
        verdict.entries,
        "no two entries follow the same one: the chain did not fork"
    );
}

async fn an_edit_a_deletion_and_a_reordering_are_caught(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    record_some(&app, 6).await;
    assert_eq!(broken(&app).await, None);

    // An edit.
    app.exec("UPDATE audit_log SET facts = '{\"i\":99}' WHERE seq = 3")
        .await;
    let found = broken(&app).await.expect("an edit is caught");
    assert!(found.contains("entry 3 was changed"), "{found}");
    app.exec("UPDATE audit_log SET facts = '{\"i\":2}' WHERE seq = 3")
        .await;
    assert_eq!(broken(&app).await, None, "restored");

    // A deletion in the middle.
    let row = sqlx::query("SELECT hash FROM audit_log WHERE seq = 4")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let hash4: String = row.get("hash");
    app.exec("CREATE TABLE audit_keep AS SELECT * FROM audit_log WHERE seq = 4")
        .await;
    app.exec("DELETE FROM audit_log WHERE seq = 4").await;
    let found = broken(&app).await.expect("a deletion is caught");
    assert!(found.contains("entry 4 is missing"), "{found}");
    app.exec("INSERT INTO audit_log SELECT * FROM audit_keep")
        .await;
    assert_eq!(broken(&app).await, None, "restored");

    // A reordering: entries 4 and 5 swap places.
    for sql in [
        "UPDATE audit_log SET seq = -1 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = 5",
        "UPDATE audit_log SET seq = 5 WHERE seq = -1",
    ] {
        app.exec(sql).await;
    }
    let found = broken(&app).await.expect("a reordering is caught");
    assert!(found.contains("entry 4"), "{found}");
    for sql in [
        "UPDATE audit_log SET seq = -1 WHERE seq = 5",
        "UPDATE audit_log SET seq = 5 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = -1",
    ] {
        app.exec(sql).await;
    }
    assert_eq!(broken(&app).await, None, "restored");
    let head = audit::verify(&app.pool).await.unwrap();

    // The tail cut off, the head row left behind.
    let last = head.entries;
    app.exec(&format!("DELETE FROM audit_log WHERE seq = {last}"))
        .await;
    let found = broken(&app).await.expect("a cut tail is caught");
    assert!(found.contains("removed from its end"), "{found}");
    assert_ne!(hash4, head.head_hash);
}

async fn every_change_and_sign_in_is_in_the_log(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "trail@example.org");
    let reference = subject.file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "check-identity", "received", &[])
        .await;
    dpo.done(
        &reference,
        "note",
        "identity_check",
        &[("form[note]", "Pièce d'identité vue.")],
    )
    .await;
    let attached = dpo
        .attach(&reference, "identity_check", "copie.json", b"{}")
        .await;
    assert_eq!(attached.status(), 303);
    let file_id: String = sqlx::query("SELECT id FROM request_files")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("id");
    assert_eq!(
        dpo.get(&format!("/dpo/files/{file_id}")).await.status(),
        200
    );

    let actions: Vec<String> =
        sqlx::query("SELECT action FROM audit_log WHERE reference = $1 ORDER BY seq")
            .bind(&reference)
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("action"))
            .collect();
    assert_eq!(
        actions,
        [
            "request.received",
            "request.identity_check_started",
            "request.note_added",
            "request.file_attached",
            "file.downloaded"
        ]
    );
    let facts: String = sqlx::query(
        "SELECT facts FROM audit_log WHERE reference = $1 AND action = 'request.received'",
    )
    .bind(&reference)
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .get("facts");
    assert!(facts.contains("\"status\":\"received\""), "{facts}");
    assert!(
        !facts.contains("trail@"),
        "no personal data in the log: {facts}"
    );
    for action in ["account.created", "account.signed_in"] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
            ))
            .await,
            1,
            "{action}"
        );
    }
    // The notes' text is not in the log, only that a note was added.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE facts LIKE '%identité%'")
            .await,
        0
    );

    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("Journal d'audit de la demande"), "{page}");
    assert!(page.contains("Fichier téléchargé"), "{page}");
    assert!(
        page.contains(&format!("/dpo/requests/{reference}/evidence")),
        "{page}"
    );

    // Failed sign-ins: recorded for an existing account, five an hour at
    // most; never for an address without an account.
    let stranger = Dpo::browser(&app, "nobody@sofacto.com");
    for _ in 0..8 {
        dpo.sign_in_with("not the right passphrase at all").await;
        stranger
            .sign_in_with("not the right passphrase at all")
            .await;
        app.clock.advance(Duration::from_secs(70));
    }
    let failed = "SELECT COUNT(*) FROM audit_log WHERE action = 'account.sign_in_failed'";
    assert_eq!(app.scalar(failed).await, 5);
    app.clock.advance(Duration::from_secs(3600));
    dpo.sign_in_with("not the right passphrase at all").await;
    assert_eq!(app.scalar(failed).await, 6);
    assert_eq!(broken(&app).await, None);
}

async fn the_register_leaves_out_people_unless_asked_and_defuses_formulas(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "register@example.org");
    let first = subject.file("objection").await;
    let second = Subject::new(&app, "register2@example.org")
        .file("access")
        .await;
    sqlx::query(
        "UPDATE requests SET first_name = '=HYPERLINK(\"http://evil.example\",\"x\")', last_name = '@SUM(1+1)' \
         WHERE reference = $1",
    )
    .bind(&first)
    .execute(&app.pool)
    .await
    .unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(
        &first,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "manifestly_unfounded"),
            ("form[refuse_explanation]", "Aucun traitement de ce type."),
        ],
    )
    .await;

    let (disposition, csv) = download(dpo.post("/dpo/export/register", &[]).await).await;
    assert!(disposition.contains("register-"), "{disposition}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[0].starts_with("reference,right,channel,received_on"),
        "{csv}"
    );
    assert!(!lines[0].contains("email"), "{csv}");
    let refused = lines.iter().find(|l| l.starts_with(&first)).unwrap();
    assert!(
        refused.contains(",refused,refused: manifestly_unfounded,yes,0,no"),
        "{refused}"
    );
    assert!(lines.iter().any(|l| l.starts_with(&second)));
    assert!(!csv.contains("register@example.org") && !csv.contains("Martin"));
    assert!(!csv.contains("Aucun traitement"), "no free text");

    let (_, csv) = download(dpo.post("/dpo/export/register", &[("personal", "1")]).await).await;
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with("first_name,last_name,email")
    );
    assert!(csv.contains("register@example.org") && csv.contains("Martin"));
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'@SUM(1+1)"),
        "{csv}"
    );
    assert!(!csv.contains(",=") && !csv.contains(",@"), "{csv}");

    let exports: Vec<String> =
        sqlx::query("SELECT facts FROM audit_log WHERE action = 'export.register' ORDER BY seq")
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("facts"))
            .collect();
    assert_eq!(
        exports,
        ["{\"personal_data\":false}", "{\"personal_data\":true}"]
    );
    // Compressed on the way, as a browser asks for it: the stream ends
    // cleanly.
    let compressed = dpo
        .client
        .post(format!("{}/dpo/export/register", app.address))
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "br");
    assert!(!compressed.bytes().await.expect("the whole body").is_empty());
    // Signed out: no register.
    let stranger = Dpo::browser(&app, "x@sofacto.com");
    assert_eq!(
        stranger.post("/dpo/export/register", &[]).await.status(),
        303
    );
}

async fn an_evidence_file_is_checked_against_the_log(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "evidence@example.org");
    let reference = subject.file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "check-identity", "received", &[])
        .await;
    dpo.attach(&reference, "identity_check", "copie.json", b"{\"a\":1}")
        .await;
    app.every_email_sent().await;

    let (disposition, text) = download(
        dpo.post(&format!("/dpo/requests/{reference}/evidence"), &[])
            .await,
    )
    .await;
    assert!(disposition.contains(&format!("evidence-{reference}.json")));
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let document = &file["document"];
    assert_eq!(document["request"]["reference"], reference.as_str());
    assert_eq!(document["request"]["subject"]["first_name"], "Jeanne");
    assert_eq!(document["timeline"].as_array().unwrap().len(), 3);
    let emails = document["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 2, "acknowledgment and the DPO's notification");
    for email in emails {
        assert_eq!(email["status"], "sent");
        assert!(
            email["message_id"].as_str().unwrap().starts_with('<'),
            "{email}"
        );
    }
    assert_eq!(
        document["files"][0]["sha256"],
        privacy_portal::secure::sha256_bytes_hex(b"{\"a\":1}").as_str()
    );
    let trail = document["audit"].as_array().unwrap();
    assert_eq!(trail.len(), 3);
    assert!(
        trail
            .iter()
            .all(|e| e["hash"].as_str().unwrap().len() == 64)
    );

    let verdict = audit::verify_evidence(&app.pool, &file).await.unwrap();
    assert_eq!(verdict.broken, None);

    let mut changed = file.clone();
    changed["document"]["request"]["subject"]["first_name"] = "Jeanna".into();
    let found = audit::verify_evidence(&app.pool, &changed)
        .await
        .unwrap()
        .broken
        .expect("a changed document is caught");
    assert!(found.contains("changed after it was exported"), "{found}");

    let mut changed = file.clone();
    changed["document"]["audit"][1]["action"] = "request.refused".into();
    let found = audit::verify_evidence(&app.pool, &changed)
        .await
        .unwrap()
        .broken
        .expect("a changed entry is caught");
    assert!(found.contains("entry"), "{found}");

    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export.evidence'")
            .await,
        1
    );
}

/// Inserts a request with the given dates and state, as the fixture of the
/// dashboard.
async fn fixture(
    app: &TestApp,
    n: usize,
    right: &str,
    status: &str,
    received: Date,
    due: Date,
    closed: Option<Date>,
) {
    let noon = |d: Date| d.to_days() * 86_400_000 + 12 * 3_600_000;
    let open_due = if closed.is_some() {
        None
    } else {
        Some(due.iso())
    };
    sqlx::query(
        "INSERT INTO requests (id, reference, submission_key, email, right_kind, status, lang, first_name, \
         last_name, relation, reply_channel, details, received_at, received_on, first_due_on, due_on, open_due, \
         closed_at) VALUES ($1, $2, $1, 'f@example.org', $3, $4, 'fr', 'F', 'X', 'prospect', 'email', '{}', \
         $5, $6, $7, $7, $8, $9)",
    )
    .bind(format!("fixture{n}"))
    .bind(format!("R-FIX{n}-AAAA"))
    .bind(right)
    .bind(status)
    .bind(noon(received))
    .bind(received.iso())
    .bind(due.iso())
    .bind(open_due)
    .bind(closed.map(noon))
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn the_dashboard_shows_the_fixture_s_known_figures(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let today = Date::paris_of(app.clock_now());
    let d = |days: i64| today.add_days(days);
    // On time (28 days), late (35 days), refused on time (10 days).
    fixture(&app, 1, "access", "completed", d(-40), d(-10), Some(d(-12))).await;
    fixture(
        &app,
        2,
        "erasure",
        "completed",
        d(-50),
        d(-20),
        Some(d(-15)),
    )
    .await;
    fixture(&app, 3, "access", "refused", d(-30), d(0), Some(d(-20))).await;
    // Withdrawn: left out of the rate and the median.
    fixture(
        &app,
        4,
        "objection",
        "withdrawn",
        d(-20),
        d(10),
        Some(d(-19)),
    )
    .await;
    // Closed over a year ago: outside the 12 months.
    fixture(
        &app,
        5,
        "access",
        "completed",
        d(-430),
        d(-400),
        Some(d(-401)),
    )
    .await;
    // Open: one overdue, one not.
    fixture(&app, 6, "erasure", "in_progress", d(-40), d(-5), None).await;
    fixture(&app, 7, "portability", "received", d(-3), d(27), None).await;

    let stats = privacy_portal::features::dpo::dashboard::stats(&app.pool, app.clock_now())
        .await
        .unwrap();
    assert_eq!((stats.on_time, stats.decided), (2, 3));
    assert_eq!(stats.on_time_percent(), Some(66.7));
    assert_eq!(stats.median_days, Some(28.0));
    assert_eq!(stats.overdue_count, 1);
    assert_eq!(stats.overdue[0].0, "R-FIX6-AAAA");
    let count = |status: &str| {
        stats
            .by_status
            .iter()
            .find(|(s, _)| s.slug() == status)
            .unwrap()
            .1
    };
    assert_eq!(
        [
            count("completed"),
            count("refused"),
            count("withdrawn"),
            count("in_progress"),
            count("received")
        ],
        [3, 1, 1, 1, 1]
    );
    let right = |slug: &str| {
        let (_, all, open) = stats
            .by_right
            .iter()
            .find(|(r, _, _)| r.slug() == slug)
            .unwrap();
        (*all, *open)
    };
    assert_eq!(right("access"), (3, 0));
    assert_eq!(right("erasure"), (2, 1));
    assert_eq!(right("portability"), (1, 1));
    assert_eq!(stats.months.len(), 12);
    let received: i64 = stats.months.iter().map(|m| m.2).sum();
    let closed: i64 = stats.months.iter().map(|m| m.3).sum();
    assert_eq!((received, closed), (6, 4));

    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page("/dpo/dashboard").await;
    assert!(page.contains("66,7 % (2 sur 3)"), "{page}");
    assert!(page.contains("28 jours"), "{page}");
    assert!(page.contains("<svg") && page.contains("<title id=\"chart-title\">"));
    assert!(page.contains("R-FIX6-AAAA"));
    assert!(
        page.contains("Les chiffres du graphique"),
        "a text alternative"
    );
    // Signed out: the sign-in page.
    let stranger = Dpo::browser(&app, "x@sofacto.com");
    assert_eq!(stranger.get("/dpo/dashboard").await.status(), 302);
}

async fn a_failed_email_is_listed_and_retried(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "bounce@example.org");
    let reference = subject.file("objection").await;
    app.every_email_sent().await;
    // The acknowledgment bounced for good.
    sqlx::query(
        "UPDATE outbox SET status = 'failed', attempts = 3, last_error = '550 5.1.1 mailbox unavailable' \
         WHERE kind IN ('acknowledgment', 'verification_code')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page("/dpo/emails").await;
    assert!(page.contains("550 5.1.1 mailbox unavailable"), "{page}");
    assert!(page.contains(&reference));
    assert!(page.contains("code expiré"), "a code is not sent again");
    let id: String = sqlx::query("SELECT id FROM outbox WHERE kind = 'acknowledgment'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("id");
    let code_id: String = sqlx::query("SELECT id FROM outbox WHERE kind = 'verification_code'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("id");
    let before = app.smtp.as_ref().unwrap().count_to("bounce@example.org");

    let response = dpo.post(&format!("/dpo/emails/{id}/retry"), &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()[header::LOCATION],
        "/dpo/emails?retried=1"
    );
    eventually(Duration::from_secs(15), || async {
        (app.smtp.as_ref().unwrap().count_to("bounce@example.org") > before).then_some(())
    })
    .await
    .expect("the retried email is delivered");
    eventually(Duration::from_secs(15), || async {
        let status: String = sqlx::query("SELECT status FROM outbox WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .unwrap()
            .get("status");
        (status == "sent").then_some(())
    })
    .await
    .expect("recorded as sent");
    let retried = sqlx::query(
        "SELECT actor, reference, object_id FROM audit_log WHERE action = 'email.retried'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(retried.get::<String, _>("actor"), "dpo");
    assert_eq!(retried.get::<String, _>("reference"), reference);
    assert_eq!(retried.get::<String, _>("object_id"), id);

    let refused = dpo.post(&format!("/dpo/emails/{code_id}/retry"), &[]).await;
    assert_eq!(refused.status(), 200);
    assert!(refused.text().await.unwrap().contains("pas renvoyé"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'email.retried'")
            .await,
        1
    );
}

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
}

on_both_databases!(
    appends_from_many_tasks_form_one_chain,
    an_edit_a_deletion_and_a_reordering_are_caught,
    every_change_and_sign_in_is_in_the_log,
    the_register_leaves_out_people_unless_asked_and_defuses_formulas,
    an_evidence_file_is_checked_against_the_log,
    the_dashboard_shows_the_fixture_s_known_figures,
    a_failed_email_is_listed_and_retried,
    closed_requests_are_anonymised_after_the_retention_period,
);

/// Two instances on one PostgreSQL: each day's digest goes out once.
#[tokio::test]
async fn the_digest_goes_out_once_a_day_with_two_instances_on_postgres() {
    let first = TestApp::spawn_with(Backend::Postgres, Mail::Smtp, |c| c.digest_hour = 0).await;
    let url = first.state.config.database_url.clone();
    // One outbox, one mail server: either instance may deliver.
    let smtp = first.state.config.smtp.clone();
    let second = TestApp::spawn_with(Backend::Postgres, Mail::Files, move |c| {
        c.digest_hour = 0;
        c.database_url = url;
        c.smtp = smtp;
    })
    .await;
    // Nothing due: nothing sent, even though the day's run is recorded.
    let quiet = privacy_portal::daily::run_due(&first.state).await.unwrap();
    assert!(matches!(quiet.digest, None | Some(0)));
    let digests = "SELECT COUNT(*) FROM outbox WHERE kind = 'dpo_digest'";
    assert_eq!(first.scalar(digests).await, 0);

    let subject = Subject::new(&first, "digest@example.org");
    let reference = subject.file("access").await;
    for app in [&first, &second] {
        app.clock.advance(DAY * 28);
    }
    let (a, b) = tokio::join!(
        privacy_portal::daily::run_due(&first.state),
        privacy_portal::daily::run_due(&second.state)
    );
    let ran: Vec<_> = [a.unwrap(), b.unwrap()]
        .into_iter()
        .filter_map(|run| run.digest)
        .collect();
    assert!(ran.len() <= 1, "{ran:?}");
    // The workers may have run it first; either way, once.
    eventually(Duration::from_secs(15), || async {
        (first.scalar(digests).await == 1).then_some(())
    })
    .await
    .expect("one digest");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(first.scalar(digests).await, 1);
    let message: String = sqlx::query("SELECT message FROM outbox WHERE kind = 'dpo_digest'")
        .fetch_one(&first.pool)
        .await
        .unwrap()
        .get("message");
    let parsed = mail_parser::MessageParser::default()
        .parse(message.as_bytes())
        .unwrap();
    let text = parsed.body_text(0).unwrap().into_owned();
    assert!(text.contains(&reference), "{text}");
    assert!(
        text.contains(&format!("/dpo/requests/{reference}")),
        "{text}"
    );
    let head: String = sqlx::query("SELECT facts FROM audit_log WHERE action = 'digest.sent'")
        .fetch_one(&first.pool)
        .await
        .unwrap()
        .get("facts");
    let head: serde_json::Value = serde_json::from_str(&head).unwrap();
    let hash = head["audit_head"].as_str().unwrap();
    assert!(text.contains(hash), "the head hash goes out: {text}");
    assert_eq!(
        first
            .scalar("SELECT COUNT(*) FROM daily_runs WHERE job = 'digest'")
            .await,
        2,
        "yesterday's quiet run and today's"
    );

    // The next day, once more.
    for app in [&first, &second] {
        app.clock.advance(DAY);
    }
    let (_, _) = tokio::join!(
        privacy_portal::daily::run_due(&first.state),
        privacy_portal::daily::run_due(&second.state)
    );
    eventually(Duration::from_secs(15), || async {
        (first.scalar(digests).await == 2).then_some(())
    })
    .await
    .expect("the next day's digest");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(first.scalar(digests).await, 2);
    assert_eq!(
        first
            .scalar("SELECT COUNT(*) FROM daily_runs WHERE job = 'purge'")
            .await,
        3,
        "the purge runs once a day too"
    );
}

/// The home page states the retention period from the setting.
#[tokio::test]
async fn the_home_page_states_the_configured_retention() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Files, |c| c.retention_days = 730).await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("anonymisées après 2 ans"), "{html}");
}
