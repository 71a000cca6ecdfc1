//! The operator's commands, run as the binary on a server: `--version`,
//! `check`, `mail test`, `migrate --dry-run`, a database newer than the
//! binary, and the JSON log format.

use crate::helpers::{Backend, Mail, SmtpSink, TestApp, free_port};
use crate::on_both_databases;
use privacy_portal::operator::{COMMIT, VERSION};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "0123456789abcdef0123456789abcdef-not-shown";

/// The built site, as `make build` leaves it.
fn site_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("site")
}

/// Runs the binary with only `env` (and PATH), as a unit file would.
fn portal(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privacy-portal"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTAL_DATA_DIR", data_dir)
        .env("LEPTOS_SITE_ROOT", site_root())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run privacy-portal")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn version_names_the_release_and_the_commit() {
    let dir = tempfile::tempdir().unwrap();
    let output = portal(dir.path(), &["--version"], &[]);
    assert!(output.status.success());
    assert_eq!(
        stdout(&output).trim(),
        format!("privacy-portal {VERSION} (commit {COMMIT})")
    );
}

#[test]
fn check_fails_one_line_each_and_shows_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on this port; the password must never be printed.
    let smtp = format!("smtp://mailer:hunter2-smtp@127.0.0.1:{}", free_port());
    let output = portal(
        dir.path(),
        &["check"],
        &[
            ("PORTAL_SMTP_URL", &smtp),
            ("PORTAL_PUBLIC_URL", "http://privacy.sofacto.com"),
            ("LEPTOS_SITE_ROOT", "/nonexistent/site"),
        ],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("smtp://mailer:***@127.0.0.1:"), "{text}");
    for failure in [
        "FAIL database: ",
        "FAIL site: ",
        "FAIL public URL: http://privacy.sofacto.com/ is plain http to a network",
        "FAIL email: cannot reach the SMTP server 127.0.0.1",
        "FAIL PORTAL_SECRET_KEY: unset",
    ] {
        assert_eq!(
            text.lines()
                .filter(|l| l.trim_start().starts_with(failure))
                .count(),
            1,
            "{failure} in:\n{text}"
        );
    }
    assert!(text.contains("5 check(s) failed"), "{text}");
    // Changes nothing: no database was created to look at it.
    assert!(!dir.path().join("portal.db").exists());
}

#[test]
fn check_passes_on_a_migrated_portal_with_its_smtp_server() {
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(free_port());
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let env = [
        ("PORTAL_SMTP_URL", smtp.as_str()),
        ("PORTAL_SECRET_KEY", SECRET),
        ("PORTAL_PUBLIC_URL", "http://127.0.0.1:3000"),
    ];
    let before = portal(dir.path(), &["check"], &env);
    assert_eq!(before.status.code(), Some(1));
    assert!(
        stdout(&before).contains("FAIL database: ")
            && stdout(&before).contains("1 check(s) failed"),
        "{}",
        stdout(&before)
    );

    assert!(portal(dir.path(), &["migrate"], &env).status.success());
    let after = portal(dir.path(), &["check"], &env);
    let text = stdout(&after);
    assert_eq!(after.status.code(), Some(0), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(
        text.contains("PORTAL_SECRET_KEY        set (42 characters, not shown)"),
        "{text}"
    );
    for passed in [
        "ok   database: answers and is migrated",
        "ok   site: ",
        "ok   public URL: http://127.0.0.1:3000/ is plain http on loopback",
        "ok   email: the SMTP server 127.0.0.1 accepts a connection",
        "ok   PORTAL_SECRET_KEY: set",
    ] {
        assert!(text.contains(passed), "{passed} in:\n{text}");
    }
    assert!(text.contains("all checks passed"));
}

#[tokio::test]
async fn mail_test_sends_through_the_server_and_says_what_it_answered() {
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(free_port());
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let output = portal(
        dir.path(),
        &["mail", "test", "Operator@Example.org"],
        &[("PORTAL_SMTP_URL", &smtp)],
    );
    let text = stdout(&output);
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.starts_with("the SMTP server 127.0.0.1 answered 250"),
        "{text}"
    );
    let message = sink
        .mailbox()
        .wait_for_text("operator@example.org", "privacy-portal mail test")
        .await;
    assert!(message.contains(COMMIT), "{message}");

    // Without a server: the file it wrote.
    let files = portal(dir.path(), &["mail", "test", "operator@example.org"], &[]);
    assert!(files.status.success());
    assert!(
        stdout(&files).starts_with("no SMTP server set: written to "),
        "{}",
        stdout(&files)
    );
    let bad = portal(dir.path(), &["mail", "test", "not an address"], &[]);
    assert_eq!(bad.status.code(), Some(2));
}

/// A server that accepts the connection and never greets (TLS expected on
/// port 465 while the URL says smtp://): `check` and `mail test` give up
/// and say so, in their own time, instead of hanging.
#[test]
fn an_smtp_server_that_never_answers_is_given_up_on() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let smtp = format!("smtp://127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (checked, mailed) = std::thread::scope(|scope| {
        let checked = scope.spawn(|| portal(dir.path(), &["check"], &[("PORTAL_SMTP_URL", &smtp)]));
        let mailed = scope.spawn(|| {
            portal(
                dir.path(),
                &["mail", "test", "operator@example.org"],
                &[
                    ("PORTAL_SMTP_URL", &smtp),
                    ("PORTAL_SMTP_TIMEOUT_SECS", "5"),
                ],
            )
        });
        (checked.join().unwrap(), mailed.join().unwrap())
    });
    assert!(started.elapsed() < Duration::from_secs(40));
    assert_eq!(checked.status.code(), Some(1));
    let text = stdout(&checked);
    assert!(
        text.lines().any(|line| line.contains(
            "email: the SMTP server 127.0.0.1 accepted the connection but did not answer within 15 s"
        )),
        "{text}"
    );
    assert!(!mailed.status.success());
    let said = String::from_utf8_lossy(&mailed.stderr);
    assert!(
        said.contains("the SMTP server 127.0.0.1 did not answer within 5 s"),
        "{said}"
    );
}

#[test]
fn migrate_dry_run_lists_what_is_pending_and_applies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let known = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
        .unwrap()
        .count();
    let dry = portal(dir.path(), &["migrate", "--dry-run"], &[]);
    let text = stdout(&dry);
    assert!(dry.status.success(), "{text}");
    assert!(
        text.starts_with(&format!(
            "{known} pending migration(s), none applied (dry run"
        )),
        "{text}"
    );
    assert_eq!(text.lines().count(), known + 1, "{text}");
    assert!(
        !dir.path().join("portal.db").exists(),
        "a dry run creates nothing"
    );
    // Still nothing applied.
    let again = portal(dir.path(), &["migrate", "--dry-run"], &[]);
    assert!(stdout(&again).starts_with(&format!("{known} pending")));

    assert!(portal(dir.path(), &["migrate"], &[]).status.success());
    let after = portal(dir.path(), &["migrate", "--dry-run"], &[]);
    assert_eq!(
        stdout(&after).trim(),
        format!("no pending migrations ({known} applied)")
    );
}

/// A database a newer portal migrated: this one refuses to migrate or
/// serve it, and says why.
async fn a_database_newer_than_the_binary_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (29991231000000, 'from the future', TRUE, $1, 0)",
    )
    .bind(vec![0u8; 48])
    .execute(&app.pool)
    .await
    .unwrap();
    let state = privacy_portal::db::migration_state(&app.pool)
        .await
        .unwrap();
    assert_eq!(state.unknown, vec![29991231000000]);
    let error = privacy_portal::db::migrate(&app.pool)
        .await
        .expect_err("a newer database is refused");
    let message = format!("{error:#}");
    assert!(
        message.contains("migrated by a newer portal (migration 29991231000000"),
        "{message}"
    );
}

on_both_databases!(a_database_newer_than_the_binary_is_refused);

#[test]
fn serving_a_newer_database_stops_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    assert!(portal(dir.path(), &["migrate"], &[]).status.success());
    let url = privacy_portal::config::DatabaseUrl::parse(&format!(
        "sqlite://{}",
        dir.path().join("portal.db").display()
    ))
    .unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = privacy_portal::db::connect(&url).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (29991231000000, 'from the future', TRUE, $1, 0)",
        )
        .bind(vec![0u8; 48])
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    });
    let port = free_port().to_string();
    // Spawned with a deadline: a portal that served anyway would never end.
    let mut child = Command::new(env!("CARGO_BIN_EXE_privacy-portal"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTAL_DATA_DIR", dir.path())
        .env("LEPTOS_SITE_ROOT", site_root())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the portal serves a database a newer portal migrated");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let served = child.wait_with_output().unwrap();
    // 3: not a crash, and not to be restarted (the unit's
    // RestartPreventExitStatus).
    assert_eq!(served.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&served.stderr);
    assert!(stderr.contains("migrated by a newer portal"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    let migrated = portal(dir.path(), &["migrate"], &[]);
    assert_eq!(migrated.status.code(), Some(3));
    let dry = portal(dir.path(), &["migrate", "--dry-run"], &[]);
    assert_eq!(dry.status.code(), Some(1));
}

/// The log canary in the JSON format (the end2end run covers the text
/// one): a subject files a request through the binary, and no line holds
/// their address, names, reference or the token of a link.
#[tokio::test]
async fn json_logs_are_one_object_a_line_and_hold_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sink = SmtpSink::start(free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_privacy-portal"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTAL_DATA_DIR", dir.path())
        .env("LEPTOS_SITE_ROOT", site_root())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PORTAL_LOG_FORMAT", "json")
        .env("PORTAL_SMTP_URL", format!("smtp://127.0.0.1:{}", sink.port))
        .env("PORTAL_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("RUST_LOG", "info,tower_http=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await;
        if answer.is_ok_and(|a| a.status().is_success()) {
            break;
        }
        assert!(Instant::now() < deadline, "the portal did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let subject = crate::helpers::Subject::at(
        &format!("http://127.0.0.1:{port}"),
        Some(sink.mailbox()),
        "json.canary@example.org",
    );
    let reference = subject.file("erasure").await;
    let followed = subject.get(&format!("/my-requests/{reference}")).await;
    assert_eq!(followed.status(), 200);
    // A page whose path holds a token: the log names the route only.
    let _ = client
        .get(format!(
            "http://127.0.0.1:{port}/verify/link/{}",
            "ab".repeat(32)
        ))
        .send()
        .await;
    terminate(child.id());
    let output = child.wait_with_output().unwrap();
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    assert!(lines.len() >= 2, "{text}");
    for line in &lines {
        let object: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            object["level"].is_string() && object["timestamp"].is_string(),
            "{line}"
        );
        for canary in [
            "ab".repeat(32),
            "json.canary".to_owned(),
            "example.org".to_owned(),
            "Jeanne".to_owned(),
            "Martin".to_owned(),
            reference.clone(),
        ] {
            assert!(!line.contains(&canary), "{canary} in the log: {line}");
        }
    }
    assert!(
        lines.iter().any(|l| l.contains("\"request received\"")),
        "the filing was logged: {text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("\"portal listening\"")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("/verify/link/{token}")),
        "the route pattern is logged: {text}"
    );

    let bad = portal(dir.path(), &["check"], &[("PORTAL_LOG_FORMAT", "xml")]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        "configuration error: PORTAL_LOG_FORMAT: must be text (the default) or json"
    );
}

/// SIGTERM, as systemd stops the portal.
fn terminate(pid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}

/// The value of the sample `name` (with its labels) in a Prometheus text.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// `/metrics` counts what an operator watches, names routes by pattern,
/// holds no personal data, and answers only on loopback or to its token.
async fn metrics_report_the_queue_the_outbox_and_the_latencies(backend: Backend) {
    const TOKEN: &str = "a-metrics-token-of-at-least-32-characters";
    let app = TestApp::spawn_with(backend, Mail::Smtp, |config| {
        config.metrics_token = Some(TOKEN.to_owned());
    })
    .await;
    let subject = crate::helpers::Subject::new(&app, "metrics.person@example.org");
    let reference = subject.file("access").await;
    subject.get(&format!("/my-requests/{reference}")).await;
    app.every_email_sent().await;

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = response.text().await.unwrap();
    assert_eq!(
        sample(&text, r#"portal_open_requests{status="received"}"#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"portal_open_requests{status="in_progress"}"#),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "portal_overdue_requests"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "portal_outbox_pending_emails"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "portal_outbox_oldest_age_seconds"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(sample(&text, "portal_failed_emails"), Some(0.0), "{text}");
    let head = app.scalar("SELECT seq FROM audit_head WHERE id = 1").await;
    assert!(head > 0);
    assert_eq!(
        sample(&text, "portal_audit_head_seq"),
        Some(head as f64),
        "{text}"
    );
    assert!(
        sample(
            &text,
            r#"portal_http_request_duration_seconds_count{method="GET",route="/my-requests/{reference}"}"#
        )
        .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    for personal in [reference.as_str(), "metrics.person", "example.org"] {
        assert!(!text.contains(personal), "{personal} in /metrics");
    }

    // An email waiting: the backlog and its age.
    app.exec("UPDATE outbox SET status = 'pending', next_attempt_at = 9999999999999 WHERE kind = 'acknowledgment'")
        .await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert_eq!(
        sample(&text, "portal_outbox_pending_emails"),
        Some(1.0),
        "{text}"
    );

    // Through a proxy (it names the client), only with the token.
    let client = reqwest::Client::new();
    let url = format!("{}/metrics", app.address);
    let proxied = |token: Option<&str>| {
        let mut request = client.get(&url).header("X-Forwarded-For", "203.0.113.9");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    assert_eq!(proxied(None).await.unwrap().status(), 403);
    assert_eq!(proxied(Some("wrong-token")).await.unwrap().status(), 403);
    assert_eq!(proxied(Some(TOKEN)).await.unwrap().status(), 200);

    // Made-up methods share one label.
    for method in ["AAAB", "AAAC"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        client
            .request(method, format!("{}/", app.address))
            .send()
            .await
            .unwrap();
    }
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(!text.contains("AAAB") && !text.contains("AAAC"), "{text}");
    assert!(text.contains(r#"method="other""#), "{text}");
}

on_both_databases!(metrics_report_the_queue_the_outbox_and_the_latencies);
