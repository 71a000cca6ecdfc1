//! The daily jobs across instances: the DPO's digest goes out once a day,
//! and the purge runs once a day, with two instances on one PostgreSQL.

use crate::helpers::{Backend, DAY, Mail, Subject, TestApp, eventually};
use sqlx::Row;
use std::time::Duration;

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
    // Nothing due: the digest still goes out (it carries the audit head
    // out of the database every day), once.
    let quiet = privacy_portal::daily::run_due(&first.state).await.unwrap();
    assert!(matches!(quiet.digest, None | Some(0)));
    let digests = "SELECT COUNT(*) FROM outbox WHERE kind = 'dpo_digest'";
    eventually(Duration::from_secs(15), || async {
        (first.scalar(digests).await == 1).then_some(())
    })
    .await
    .expect("the quiet day's digest");

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
        (first.scalar(digests).await == 2).then_some(())
    })
    .await
    .expect("one digest");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(first.scalar(digests).await, 2);
    let message: String = sqlx::query(
        "SELECT message FROM outbox WHERE kind = 'dpo_digest' ORDER BY created_at DESC LIMIT 1",
    )
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
    let head: String = sqlx::query(
        "SELECT facts FROM audit_log WHERE action = 'digest.sent' ORDER BY seq DESC LIMIT 1",
    )
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
        (first.scalar(digests).await == 3).then_some(())
    })
    .await
    .expect("the next day's digest");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(first.scalar(digests).await, 3);
    assert_eq!(
        first
            .scalar("SELECT COUNT(*) FROM daily_runs WHERE job = 'purge'")
            .await,
        3,
        "the purge runs once a day too"
    );
}

/// Past `PORTAL_FILES_WARN_MB` of stored files, the digest says so (and
/// the daily run logs an error); below it, nothing.
async fn the_digest_warns_when_stored_files_pass_a_size(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |c| {
        c.digest_hour = 0;
        c.files_warn_mb = 1;
    })
    .await;
    let sink = app.smtp.as_ref().unwrap().mailbox();
    let subject = Subject::new(&app, "heavy@example.org");
    let reference = subject.file("access").await;
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(600_000, b' ');
    let sent = subject
        .send_message(&reference, "Première pièce.", Some(("a.pdf", pdf.clone())))
        .await;
    assert_eq!(sent.status(), 303);
    privacy_portal::daily::run_due(&app.state).await.unwrap();
    let quiet = sink
        .wait_for_text("dpo@sofacto.com", "Journal d'audit")
        .await;
    assert!(!quiet.contains("PORTAL_FILES_WARN_MB"), "{quiet}");

    let sent = subject
        .send_message(&reference, "Seconde pièce.", Some(("b.pdf", pdf)))
        .await;
    assert_eq!(sent.status(), 303);
    app.clock.advance(DAY);
    privacy_portal::daily::run_due(&app.state).await.unwrap();
    let warned = sink
        .wait_for_text("dpo@sofacto.com", "PORTAL_FILES_WARN_MB")
        .await;
    assert!(
        warned.contains("2 Mio") && warned.contains("1 Mio"),
        "{warned}"
    );
}

crate::on_both_databases!(the_digest_warns_when_stored_files_pass_a_size);
