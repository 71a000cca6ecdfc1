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
        kind: privacy_portal::email::EmailKind::DpoMessage,
        to: Email::parse("jane.doe@example.org").unwrap(),
        subject: format!("Test {marker}"),
        text: format!("Bonjour, voici le test {marker}."),
        html: format!("<p>Bonjour, voici le test {marker}.</p>"),
        lang: privacy_portal::domain::Lang::Fr,
        body: Default::default(),
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

/// An SMTP server that accepts connections and never says a word (a
/// relay that hangs, TLS expected where the URL says plain): each attempt
/// gives up after `smtp_timeout`, is recorded as a temporary failure, and
/// the worker goes on; once a real server listens there, the email goes.
#[tokio::test]
async fn a_server_that_accepts_and_never_answers_does_not_hold_the_worker() {
    let port = free_port();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            if let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        }
    });
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::SmtpDown { port }, |config| {
        config.smtp_timeout = Duration::from_secs(1);
    })
    .await;
    let id = queue(&app, &sample_email("MARKER-SILENT")).await;
    let gave_up = eventually(Duration::from_secs(10), || async {
        let (status, attempts, error) = status_of(&app, &id).await;
        (attempts >= 1 && error.is_some()).then_some((status, error))
    })
    .await;
    assert_eq!(
        gave_up,
        Some((
            "pending".to_owned(),
            Some("SMTP server did not answer within 1 s".to_owned())
        )),
        "the attempt ends, and the email stays queued"
    );

    // The silent server goes (its connections with it); a real one comes.
    silent.abort();
    let _ = silent.await;
    let sink = SmtpSink::start(port);
    app.clock.advance(Duration::from_secs(60));
    app.state.outbox_wakeup.notify_one();
    sink.wait_for("MARKER-SILENT").await;
    let sent = eventually(Duration::from_secs(5), || async {
        let (status, attempts, _) = status_of(&app, &id).await;
        (status == "sent").then_some(attempts)
    })
    .await;
    assert_eq!(sent, Some(2));
}

/// A server that takes a message and answers its end only after the
/// delivery's timeout. Its late "250" must not be read as the answer to the
/// retry's first command, as it would on the same pooled connection: the
/// retry connects afresh and the email is sent (twice under one
/// Message-ID, a duplicate at worst, never a loss).
#[tokio::test]
async fn a_late_answer_is_not_taken_for_the_answer_to_the_retry() {
    use std::sync::{Arc, Mutex};
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let port = free_port();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    // (connection number, message) for each message the server took.
    let taken: Arc<Mutex<Vec<(usize, String)>>> = Arc::default();
    let server = {
        let taken = taken.clone();
        tokio::spawn(async move {
            for connection in 0.. {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let taken = taken.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 late.test ESMTP\r\n").await;
                    while let Ok(Some(line)) = lines.next_line().await {
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let answer: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250 late.test\r\n",
                            "DATA" => {
                                let _ = write.write_all(b"354 go on\r\n").await;
                                let mut message = String::new();
                                while let Ok(Some(line)) = lines.next_line().await {
                                    if line == "." {
                                        break;
                                    }
                                    message.push_str(&line);
                                    message.push('\n');
                                }
                                taken.lock().unwrap().push((connection, message));
                                if connection == 0 {
                                    tokio::time::sleep(Duration::from_secs(2)).await;
                                }
                                b"250 queued\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 ok\r\n",
                        };
                        if write.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        })
    };
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::SmtpDown { port }, |config| {
        config.smtp_timeout = Duration::from_secs(1);
    })
    .await;
    let id = queue(&app, &sample_email("MARKER-LATE")).await;
    eventually(Duration::from_secs(10), || async {
        let (_, attempts, error) = status_of(&app, &id).await;
        (attempts == 1 && error.is_some()).then_some(())
    })
    .await
    .expect("the first attempt gave up");
    // The late answer arrives; then the retry is due.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    app.clock.advance(Duration::from_secs(60));
    app.state.outbox_wakeup.notify_one();
    let sent = eventually(Duration::from_secs(10), || async {
        let (status, attempts, _) = status_of(&app, &id).await;
        (status == "sent").then_some(attempts)
    })
    .await;
    assert_eq!(sent, Some(2));
    let taken = taken.lock().unwrap().clone();
    server.abort();
    assert_eq!(taken.len(), 2, "{taken:?}");
    assert_eq!(taken[0].0, 0);
    assert_ne!(taken[1].0, 0, "the retry came on a new connection");
    assert!(taken.iter().all(|(_, m)| m.contains("MARKER-LATE")));
    let ids: Vec<&str> = taken
        .iter()
        .map(|(_, m)| {
            m.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .unwrap()
        })
        .collect();
    assert_eq!(
        ids[0], ids[1],
        "one Message-ID: a duplicate the mailbox can tell"
    );
}

/// A temporary refusal (4xx) is retried later and later; a permanent one
/// (5xx) fails at once, and the DPO sees it with the server's answer.
#[tokio::test]
async fn a_4xx_is_retried_with_backoff_and_a_5xx_fails_at_once_for_the_dpo_to_see() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Refusing).await;
    let to = |address: &str, marker: &str| OutgoingEmail {
        to: Email::parse(address).unwrap(),
        ..sample_email(marker)
    };
    let busy = queue(&app, &to("busy@example.org", "MARKER-BUSY")).await;
    let nobody = queue(&app, &to("nobody@example.org", "MARKER-NOBODY")).await;
    let fine = queue(&app, &to("fine@example.org", "MARKER-FINE")).await;
    app.smtp.as_ref().unwrap().wait_for("MARKER-FINE").await;

    let failed = eventually(Duration::from_secs(10), || async {
        let (status, attempts, error) = status_of(&app, &nobody).await;
        (status == "failed").then_some((attempts, error.unwrap_or_default()))
    })
    .await
    .expect("the 5xx fails at once");
    assert_eq!(failed.0, 1, "not retried");
    assert!(failed.1.contains("550"), "{}", failed.1);

    let mut delays = Vec::new();
    for attempt in 1..=3 {
        // Generous: with the whole suite on two cores, a retry can wait
        // for the CPU; what is checked is the delays below, not the speed.
        let next = eventually(Duration::from_secs(30), || async {
            let (status, attempts, _) = status_of(&app, &busy).await;
            assert_eq!(status, "pending", "a 4xx is not a failure");
            let next: i64 = sqlx::query("SELECT next_attempt_at FROM outbox WHERE id = $1")
                .bind(&busy)
                .fetch_one(&app.pool)
                .await
                .unwrap()
                .get(0);
            // The attempt is counted when the email is claimed, and its
            // next time recorded once the server has answered: wait for both.
            (attempts == attempt && next > app.clock.now()).then_some(next)
        })
        .await
        .unwrap_or_else(|| panic!("attempt {attempt}"));
        delays.push(next - app.clock.now());
        app.clock
            .advance(Duration::from_millis((next - app.clock.now()) as u64 + 10));
        app.state.outbox_wakeup.notify_one();
    }
    assert!(
        delays[0] >= 4_000 && delays[1] >= 2 * delays[0] - 100 && delays[2] >= 2 * delays[1] - 100,
        "the delays double: {delays:?}"
    );
    assert_eq!(status_of(&app, &fine).await.0, "sent");

    let dpo = crate::helpers::Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page("/dpo/emails").await;
    assert!(
        page.contains("550") && page.contains("nobody@example.org"),
        "{page}"
    );
    assert!(
        !page.contains("busy@example.org"),
        "a retried email is not a failure yet"
    );
}

/// Requests keep coming while the SMTP server is down for a while
/// (`PORTAL_TEST_OUTAGE_MS`, 1500 by default); once it is back, every
/// acknowledgment and every DPO notification goes out.
async fn requests_filed_during_an_outage_are_all_emailed_afterwards(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |c| {
        c.limits.open_requests_per_address = 1000;
        c.limits.requests_per_address_per_day = 1000;
        c.limits.requests_per_ip_per_day = 1000;
    })
    .await;
    let subject = crate::helpers::Subject::new(&app, "outage@example.org");
    let mut references = vec![subject.file("access").await];
    let sink = app.smtp.as_ref().unwrap();
    sink.stop();
    let outage: u64 = std::env::var("PORTAL_TEST_OUTAGE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let until = std::time::Instant::now() + Duration::from_millis(outage);
    while std::time::Instant::now() < until {
        let key = subject.form_key("access").await;
        let filed = subject
            .submit("access", &key, &crate::helpers::right_fields("access"))
            .await;
        assert_eq!(filed.status(), 303, "filing goes on during the outage");
        references.push(crate::helpers::reference_of(&filed).expect("a reference"));
    }
    assert!(references.len() > 2);
    sink.restart();
    app.clock.advance(Duration::from_secs(3600));
    app.state.outbox_wakeup.notify_one();
    // Alone this takes 20 to 55 s (every email of the outage, one after the
    // other); with the whole suite on two cores it has gone past 60 s. What
    // is checked is that every email arrives, not how fast.
    let texts = eventually(Duration::from_secs(180), || async {
        // Time goes on, as it would: an attempt that failed just as the
        // server came back is retried at its time, which the frozen test
        // clock would otherwise never reach.
        app.clock.advance(Duration::from_millis(200));
        app.state.outbox_wakeup.notify_one();
        let texts: Vec<String> = sink.messages();
        references
            .iter()
            .all(|r| texts.iter().filter(|t| t.contains(r.as_str())).count() >= 2)
            .then_some(texts)
    })
    .await;
    assert!(
        texts.is_some(),
        "every request's two emails arrived after the outage"
    );
    // An email reaches the server a moment before the worker records it
    // as sent: every row ends up sent.
    app.every_email_sent().await;
}

on_both_databases!(
    requests_filed_during_an_outage_are_all_emailed_afterwards,
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
