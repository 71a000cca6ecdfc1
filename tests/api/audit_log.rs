//! The hash-chained audit log (GDPR Art. 5(2)): one chain under appends
//! from many tasks; an edit, a deletion, a reordering and a cut tail are
//! caught; every change, download and sign-in is recorded, without
//! personal data.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, broken};
use crate::on_both_databases;
use privacy_portal::audit::{self, Entry, Who};
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
    // Written off the response path (the answer takes the same time for
    // an unknown address): waited for.
    let failed = "SELECT COUNT(*) FROM audit_log WHERE action = 'account.sign_in_failed'";
    let reaches = |n: i64| {
        let app = &app;
        async move {
            crate::helpers::eventually(Duration::from_secs(10), || async {
                (app.scalar(failed).await == n).then_some(())
            })
            .await
            .is_some()
        }
    };
    assert!(reaches(5).await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.scalar(failed).await, 5, "five an hour at most");
    app.clock.advance(Duration::from_secs(3600));
    dpo.sign_in_with("not the right passphrase at all").await;
    assert!(reaches(6).await);
    assert_eq!(broken(&app).await, None);
}

/// A DPO's reads leave a trace (Art. 5(2)): opening a request and searching
/// the queue, once per DPO, thing and hour; a search as a keyed hash, not
/// what was typed.
async fn a_dpo_viewing_a_request_or_searching_is_recorded_once_an_hour(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let reference = Subject::new(&app, "looked-at@example.org")
        .file("access")
        .await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let count = |action: &'static str| {
        let app = &app;
        async move {
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
            ))
            .await
        }
    };
    let path = format!("/dpo/requests/{reference}");
    dpo.page(&path).await;
    dpo.page(&path).await;
    assert_eq!(count("request.viewed").await, 1);
    dpo.page("/dpo?q=looked-at").await;
    dpo.page("/dpo?q=looked-at").await;
    assert_eq!(count("queue.searched").await, 1);
    let tag: String =
        sqlx::query_scalar("SELECT object_id FROM audit_log WHERE action = 'queue.searched'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(tag.len(), 64, "{tag}");
    let texts: Vec<String> = sqlx::query_scalar("SELECT facts FROM audit_log")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(texts.iter().all(|t| !t.contains("looked")), "{texts:?}");
    // Another DPO, or the next hour: recorded again.
    let other = Dpo::create(&app, "dpo2@sofacto.com").await;
    other.sign_in().await;
    other.page(&path).await;
    assert_eq!(count("request.viewed").await, 2);
    app.clock.advance(Duration::from_secs(61 * 60));
    dpo.sign_in().await;
    dpo.page(&path).await;
    dpo.page("/dpo?q=looked-at").await;
    assert_eq!(count("request.viewed").await, 3);
    assert_eq!(count("queue.searched").await, 2);
    assert_eq!(broken(&app).await, None);
}

/// Whoever can write to the database can rewrite the chain from an entry on
/// and recompute every hash: the walk then holds. The head the digest sent
/// out (`SEQ:HASH`) does not: `check_anchor` finds the rewrite.
async fn a_rewritten_chain_is_caught_by_the_anchor_sent_out(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    record_some(&app, 6).await;
    let verdict = audit::verify(&app.pool).await.unwrap();
    let anchor = audit::Anchor::parse(&format!("{}:{}", verdict.entries, verdict.head_hash))
        .expect("the digest's form parses");
    assert_eq!(audit::check_anchor(&app.pool, &anchor).await.unwrap(), None);
    let early: String = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = 2")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let early = audit::Anchor {
        seq: 2,
        hash: early,
    };
    assert_eq!(audit::Anchor::parse("6:xyz"), None);
    assert_eq!(audit::Anchor::parse("no anchor"), None);

    // Entry 3 edited, and every hash from it on recomputed.
    let mut rows: Vec<audit::AuditRow> = sqlx::query_as(&format!(
        "SELECT {} FROM audit_log WHERE seq >= 3 ORDER BY seq",
        audit::AUDIT_COLUMNS
    ))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut prev: String = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = 2")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    rows[0].facts = r#"{"i":99}"#.to_owned();
    for row in &mut rows {
        row.prev_hash = prev.clone();
        row.hash = row.expected_hash();
        prev = row.hash.clone();
        sqlx::query("UPDATE audit_log SET facts = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&row.facts)
            .bind(&row.prev_hash)
            .bind(&row.hash)
            .bind(row.seq)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(broken(&app).await, None, "the walk alone cannot see it");
    let found = audit::check_anchor(&app.pool, &anchor)
        .await
        .unwrap()
        .expect("the anchor catches it");
    assert!(found.contains("rewritten"), "{found}");
    assert_eq!(
        audit::check_anchor(&app.pool, &early).await.unwrap(),
        None,
        "an anchor before the rewrite still holds"
    );
    let gone = audit::Anchor {
        seq: 99,
        hash: anchor.hash.clone(),
    };
    assert!(
        audit::check_anchor(&app.pool, &gone)
            .await
            .unwrap()
            .is_some()
    );
}

on_both_databases!(
    a_rewritten_chain_is_caught_by_the_anchor_sent_out,
    a_dpo_viewing_a_request_or_searching_is_recorded_once_an_hour,
    appends_from_many_tasks_form_one_chain,
    an_edit_a_deletion_and_a_reordering_are_caught,
    every_change_and_sign_in_is_in_the_log,
);
