use crate::helpers::{Backend, Mail, SmtpSink, TestApp, eventually, free_port, read_dir_files};
use crate::on_both_databases;
use privacy_portal::clock::Clock;
use privacy_portal::domain::Email;
use privacy_portal::email::OutgoingEmail;
use privacy_portal::email::outbox;
use sqlx::Row;
use std::time::Duration;

fn sample_email(marker: &str) -> OutgoingEmail {
    OutgoingEmail {
        kind: "test",
        to: Email::parse("jane.doe@example.org").unwrap(),
        subject: format!("Test {marker}"),
        text: format!("Bonjour, voici le test {marker}."),
        html: format!("<p>Bonjour, voici le test {marker}.</p>"),
    }
}

/// Queues an email in its own transaction, as a feature would, and wakes the
/// worker. Returns the outbox id.
async fn queue(app: &TestApp, email: &OutgoingEmail) -> String {
    let mut tx = app.pool.begin().await.unwrap();
    let id = outbox::enqueue(
        &mut tx,
        email,
        &app.state.config.mail_from,
        None,
        app.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.state.outbox_wakeup.notify_one();
    id
}

async fn status_of(app: &TestApp, id: &str) -> (String, i64, Option<String>) {
    let row = sqlx::query("SELECT status, attempts, last_error FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (
        row.get("status"),
        row.get("attempts"),
        row.get("last_error"),
    )
}

async fn a_queued_email_reaches_the_smtp_server(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let id = queue(&app, &sample_email("MARKER-SMTP-1")).await;

    let received = app.smtp.as_ref().unwrap().wait_for("MARKER-SMTP-1").await;
    assert!(received.contains("To: jane.doe@example.org"), "{received}");
    assert!(
        received.contains("multipart/alternative"),
        "plain text and HTML"
    );
    let sent = eventually(Duration::from_secs(5), || async {
        let (status, attempts, _) = status_of(&app, &id).await;
        (status == "sent").then_some(attempts)
    })
    .await;
    assert_eq!(
        sent,
        Some(1),
        "sent on the first attempt and recorded as sent"
    );
}

async fn a_rolled_back_change_sends_nothing(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let mut tx = app.pool.begin().await.unwrap();
    outbox::enqueue(
        &mut tx,
        &sample_email("MARKER-ROLLBACK"),
        &app.state.config.mail_from,
        None,
        app.clock.now(),
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    // A later email is delivered; the rolled-back one never is.
    queue(&app, &sample_email("MARKER-AFTER")).await;
    let sink = app.smtp.as_ref().unwrap();
    sink.wait_for("MARKER-AFTER").await;
    assert!(
        !sink
            .messages()
            .iter()
            .any(|m| m.contains("MARKER-ROLLBACK"))
    );
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(count, 1);
}

async fn an_smtp_outage_delays_an_email_but_loses_nothing(backend: Backend) {
    let port = free_port();
    let app = TestApp::spawn(backend, Mail::SmtpDown { port }).await;
    let id = queue(&app, &sample_email("MARKER-OUTAGE")).await;

    let failed = eventually(Duration::from_secs(10), || async {
        let (status, attempts, error) = status_of(&app, &id).await;
        (attempts >= 1 && error.is_some()).then_some(status)
    })
    .await;
    assert_eq!(
        failed.as_deref(),
        Some("pending"),
        "a failed attempt is recorded and the email stays queued"
    );

    // The server comes back; once the retry delay has passed, it goes out.
    let sink = SmtpSink::start(port);
    app.clock.advance(Duration::from_secs(60));
    app.state.outbox_wakeup.notify_one();
    sink.wait_for("MARKER-OUTAGE").await;
    let sent = eventually(Duration::from_secs(5), || async {
        let (status, attempts, error) = status_of(&app, &id).await;
        (status == "sent").then_some((attempts, error))
    })
    .await;
    assert_eq!(sent, Some((2, None)));
}

async fn an_email_still_refused_after_a_day_fails_for_good(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::SmtpDown { port: free_port() }).await;
    let id = queue(&app, &sample_email("MARKER-GIVE-UP")).await;
    eventually(Duration::from_secs(10), || async {
        let (_, attempts, _) = status_of(&app, &id).await;
        (attempts >= 1).then_some(())
    })
    .await
    .expect("a first attempt");
    app.clock.advance(Duration::from_secs(24 * 3600 + 60));
    app.state.outbox_wakeup.notify_one();
    let failed = eventually(Duration::from_secs(10), || async {
        let (status, _, error) = status_of(&app, &id).await;
        (status == "failed").then_some(error)
    })
    .await;
    assert!(
        failed.flatten().is_some_and(|e| !e.is_empty()),
        "failed, with the last error kept for the console"
    );
}

on_both_databases!(
    an_email_still_refused_after_a_day_fails_for_good,
    a_queued_email_reaches_the_smtp_server,
    a_rolled_back_change_sends_nothing,
    an_smtp_outage_delays_an_email_but_loses_nothing,
);

#[tokio::test]
async fn without_smtp_each_email_becomes_an_eml_file_under_data_outbox() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    queue(&app, &sample_email("MARKER-EML")).await;
    let outbox_dir = app.data_dir.path().join("outbox");
    let file = eventually(Duration::from_secs(10), || async {
        std::fs::read_dir(&outbox_dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|ext| ext == "eml"))
    })
    .await
    .expect("an .eml file appears");
    let content = std::fs::read_to_string(file).unwrap();
    assert!(content.contains("MARKER-EML"));
    assert!(content.contains("To: jane.doe@example.org"));
    assert_eq!(read_dir_files(&outbox_dir).len(), 1);
}

#[tokio::test]
async fn stopping_the_server_leaves_queued_emails_in_the_outbox() {
    let mut app = TestApp::spawn(Backend::Sqlite, Mail::SmtpDown { port: free_port() }).await;
    // Due in an hour: the worker must not touch it before the stop.
    let mut tx = app.pool.begin().await.unwrap();
    let later = app.clock.now() + 3_600_000;
    let id = outbox::enqueue(
        &mut tx,
        &sample_email("MARKER-STOP"),
        &app.state.config.mail_from,
        None,
        later,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.stop().await;

    let pool = privacy_portal::db::connect(&app.state.config.database_url)
        .await
        .unwrap();
    let row = sqlx::query("SELECT status, attempts FROM outbox WHERE id = $1")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("status"), "pending");
    assert_eq!(row.get::<i64, _>("attempts"), 0);
}
