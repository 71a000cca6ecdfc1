//! An upgrade loses nothing (issue 21 §5). The previous release's binary
//! (`.ci/previous-release` names it, `.ci/previous-release.sh` builds it;
//! `make test` does both) serves a database where three subjects file
//! requests and one writes with a file; the DPO answers one with a reply
//! file and refuses another, and every email goes out. Then this build's
//! binary is copied over the old one, as an operator upgrades, and started
//! on the same data folder and database. Every request, event, file (byte
//! for byte), email and audit entry is still there as it was, the sessions
//! still hold, `audit verify` passes with the new binary, and the new
//! binary closes the request the old one left open.

use crate::helpers::{
    Backend, Dpo, PASSWORD, SmtpSink, Subject, access_answer, eventually, every_email_sent_in,
    free_port,
};
use crate::on_both_databases;
use privacy_portal::config::DatabaseUrl;
use privacy_portal::db::Pool;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const DPO: &str = "dpo@sofacto.com";

/// The previous release's tag and commit, and its binary, built.
fn previous_release() -> (String, String, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let line = std::fs::read_to_string(root.join(".ci/previous-release")).unwrap();
    let mut words = line.split_whitespace();
    let (tag, commit) = (words.next().unwrap(), words.next().unwrap());
    let binary = root.join(format!("target/upgrade/privacy-portal-{tag}"));
    assert!(
        binary.exists(),
        "{} is missing: `.ci/previous-release.sh` builds it (`make test` runs it first)",
        binary.display()
    );
    (tag.to_owned(), commit.to_owned(), binary)
}

/// One installation: a binary at a fixed path, its data folder, its
/// database and its SMTP server, as a unit file would start it.
struct Install {
    binary: PathBuf,
    data: tempfile::TempDir,
    database_url: String,
    port: u16,
    smtp: SmtpSink,
    child: Option<Child>,
}

impl Install {
    fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env(
                "LEPTOS_SITE_ROOT",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("target/site"),
            )
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", self.port))
            .env("PORTAL_DATA_DIR", self.data.path())
            .env("PORTAL_DATABASE_URL", &self.database_url)
            .env("PORTAL_PUBLIC_URL", self.address())
            .env(
                "PORTAL_SMTP_URL",
                format!("smtp://127.0.0.1:{}", self.smtp.port),
            )
            .env("PORTAL_OUTBOX_POLL_SECS", "1")
            .env("PORTAL_CODES_PER_IP_PER_HOUR", "1000")
            .env("PORTAL_REQUESTS_PER_IP_PER_DAY", "1000")
            .env("RUST_LOG", "warn");
        command
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut command = self.command();
        command.args(args);
        crate::helpers::output_of(command, stdin)
    }

    async fn serve(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data.path().join("server.log"))
            .unwrap();
        self.child = Some(
            self.command()
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("start privacy-portal"),
        );
        let client = reqwest::Client::new();
        let health = format!("{}/health", self.address());
        let started = eventually(Duration::from_secs(30), || async {
            let ok = client.get(&health).send().await.ok()?.status().is_success();
            ok.then_some(())
        })
        .await;
        assert!(
            started.is_some(),
            "the portal did not start: {}",
            std::fs::read_to_string(self.data.path().join("server.log")).unwrap_or_default()
        );
    }

    /// SIGTERM, as systemd stops the unit before the new binary starts.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let status = child.wait().unwrap();
            assert!(status.success(), "the portal stopped with {status}");
        }
    }
}

impl Drop for Install {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What must survive: every row of the tables that hold requests, their
/// timeline, files, emails, accounts and the audit chain, as text, with
/// each file's bytes hashed here.
async fn everything(pool: &Pool) -> Vec<String> {
    let mut rows = Vec::new();
    let tables = [
        (
            "requests",
            "SELECT id, reference, status, email, right_kind, first_name, last_name, \
             details, CAST(received_at AS TEXT), due_on, \
             COALESCE(CAST(closed_at AS TEXT), '') FROM requests ORDER BY id",
        ),
        (
            "request_events",
            "SELECT id, request_id, CAST(at AS TEXT), actor, kind, COALESCE(note, '') \
             FROM request_events ORDER BY id",
        ),
        (
            "outbox",
            // Not its status: the email queued at the upgrade goes after.
            "SELECT id, kind, recipient, message, COALESCE(request_id, '') \
             FROM outbox ORDER BY id",
        ),
        (
            "audit_log",
            "SELECT CAST(seq AS TEXT), action, actor, COALESCE(reference, ''), facts, \
             prev_hash, hash FROM audit_log ORDER BY seq",
        ),
        (
            "dpo_accounts",
            "SELECT id, email, password_hash FROM dpo_accounts ORDER BY id",
        ),
    ];
    for (table, sql) in tables {
        for row in sqlx::query(sql).fetch_all(pool).await.unwrap() {
            let columns: Vec<String> = (0..row.len()).map(|i| row.get(i)).collect();
            rows.push(format!("{table}: {}", columns.join(" | ")));
        }
    }
    let files = "SELECT id, request_id, direction, name, content_type, \
                 CAST(size AS TEXT), sha256, data FROM request_files ORDER BY id";
    for row in sqlx::query(files).fetch_all(pool).await.unwrap() {
        let data: Vec<u8> = row.get(7);
        let columns: Vec<String> = (0..7).map(|i| row.get(i)).collect();
        assert_eq!(
            hex(&Sha256::digest(&data)),
            columns[6],
            "a file's bytes match its hash"
        );
        rows.push(format!(
            "request_files: {} | {} bytes",
            columns.join(" | "),
            data.len()
        ));
    }
    rows
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// After an outage, the retries come 5 then 10 s apart.
async fn every_email_sent(pool: &Pool) {
    every_email_sent_in(pool, Duration::from_secs(20)).await;
}

/// `audit verify`'s verdict: the number of entries, the head's hash, and
/// "ok" when the chain is whole.
fn audit_verify(install: &Install) -> String {
    let output = install.run(&["audit", "verify"], "");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "audit verify: {text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    text
}

/// The access answer the console's completion form requires.
fn access() -> Vec<(&'static str, &'static str)> {
    access_answer(
        "Voici la copie de vos données.",
        "Vos données ne sont pas transférées hors de l'Union européenne.",
    )
}

async fn an_upgrade_keeps_every_request_file_email_and_audit_entry(backend: Backend) {
    let (tag, commit, previous) = previous_release();
    let data = tempfile::tempdir().unwrap();
    let database_url = match backend {
        Backend::Sqlite => format!("sqlite://{}", data.path().join("portal.db").display()),
        Backend::Postgres => crate::helpers::fresh_postgres_database().await,
    };
    // The binary lives where the unit runs it from, and is replaced there.
    let installed = data.path().join("bin/privacy-portal");
    std::fs::create_dir_all(installed.parent().unwrap()).unwrap();
    std::fs::copy(&previous, &installed).unwrap();
    let mut install = Install {
        binary: installed.clone(),
        data,
        database_url,
        port: free_port(),
        smtp: SmtpSink::start(free_port()),
        child: None,
    };
    let version = install.run(&["--version"], "");
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    assert!(
        version.contains(&commit[..12]),
        "{tag} is built from {commit}: {version}"
    );

    // The previous release at work.
    assert!(install.run(&["migrate"], "").status.success());
    let added = install.run(&["dpo", "add", DPO], &format!("{PASSWORD}\n"));
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    install.serve().await;
    let address = install.address();
    let mailbox = install.smtp.mailbox();
    let answered = Subject::at(&address, Some(mailbox.clone()), "answered@example.org");
    let refused = Subject::at(&address, Some(mailbox.clone()), "refused@example.org");
    let open = Subject::at(&address, Some(mailbox.clone()), "open@example.org");
    let answered_ref = answered.file("access").await;
    let refused_ref = refused.file("erasure").await;
    let open_ref = open.file("access").await;
    let written = open
        .send_message(
            &open_ref,
            "Ma facture jointe.",
            Some(("facture.pdf", b"%PDF-1.4 facture".to_vec())),
        )
        .await;
    assert_eq!(written.status(), 303, "{}", written.text().await.unwrap());

    let dpo = Dpo::at(&address, DPO);
    dpo.sign_in().await;
    dpo.done(&answered_ref, "start", "received", &[]).await;
    let reply = br#"{"nom": "Martin", "commandes": 3}"#;
    let attached = dpo
        .attach(&answered_ref, "in_progress", "copie.json", reply)
        .await;
    assert_eq!(attached.status(), 303, "{}", attached.text().await.unwrap());
    dpo.done(&answered_ref, "complete", "in_progress", &access())
        .await;
    let pool = privacy_portal::db::connect(&DatabaseUrl::parse(&install.database_url).unwrap())
        .await
        .unwrap();
    every_email_sent(&pool).await;
    // The mail server is down when the last decision is taken: its email
    // is still queued at the upgrade.
    install.smtp.stop();
    dpo.done(
        &refused_ref,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "manifestly_excessive"),
            (
                "form[refuse_explanation]",
                "Vous avez déposé dix demandes identiques ce mois-ci.",
            ),
        ],
    )
    .await;
    let before = everything(&pool).await;
    for table in [
        "requests",
        "request_events",
        "request_files",
        "outbox",
        "audit_log",
    ] {
        assert!(
            before
                .iter()
                .any(|row| row.starts_with(&format!("{table}: "))),
            "the previous release wrote {table}"
        );
    }
    let verified_before = audit_verify(&install);
    let queued: i64 = sqlx::query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert!(queued >= 1, "the refusal waits in the outbox");

    // The upgrade: stop, copy the new binary over the old, start.
    install.stop();
    std::fs::copy(env!("CARGO_BIN_EXE_privacy-portal"), &installed).unwrap();
    let version = install.run(&["--version"], "");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("privacy-portal {}", privacy_portal::operator::VERSION_LINE),
        "the installed binary is this build"
    );
    install.serve().await;

    let after = everything(&pool).await;
    let lost: Vec<&String> = before.iter().filter(|row| !after.contains(row)).collect();
    assert!(lost.is_empty(), "lost or changed by the upgrade: {lost:#?}");
    let verified_after = audit_verify(&install);
    assert!(
        verified_before.lines().any(|line| line == "ok"),
        "the previous release's chain verified: {verified_before}"
    );
    assert_eq!(
        verified_after, verified_before,
        "the new binary verifies the same chain, to the same head"
    );
    // The mail server is back: the new binary sends what the old one
    // queued.
    install.smtp.restart();
    mailbox
        .wait_for_text(refused.email(), "dix demandes identiques")
        .await;

    // The sessions hold: the DPO is still signed in, the subject still
    // follows their request, and both read what the old binary stored.
    let queue = dpo.get("/dpo").await;
    assert_eq!(queue.status(), 200, "the DPO's session survived");
    let queue = queue.text().await.unwrap();
    assert!(queue.contains(&open_ref), "{queue}");
    let file_id: String = sqlx::query(
        "SELECT f.id FROM request_files f JOIN requests r ON r.id = f.request_id \
         WHERE r.reference = $1 AND f.direction = 'to_subject'",
    )
    .bind(&answered_ref)
    .fetch_one(&pool)
    .await
    .unwrap()
    .get(0);
    let download = dpo.get(&format!("/dpo/files/{file_id}")).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), reply);
    let followed = answered
        .get(&format!("/my-requests/{answered_ref}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(followed.contains("copie.json"), "{followed}");

    // The new binary carries on where the old one stopped.
    dpo.done(&open_ref, "start", "received", &[]).await;
    let attached = dpo
        .attach(&open_ref, "in_progress", "copie.csv", b"nom\nMartin\n")
        .await;
    assert_eq!(attached.status(), 303, "{}", attached.text().await.unwrap());
    dpo.done(&open_ref, "complete", "in_progress", &access())
        .await;
    mailbox
        .wait_for_text(open.email(), "Voici la copie de vos données.")
        .await;
    every_email_sent(&pool).await;
    // Every email went out once: each Message-ID the outbox wrote is in
    // the mailbox once.
    let received = mailbox.messages();
    let messages: Vec<String> = sqlx::query("SELECT message FROM outbox")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    // (A code's email is emptied once sent: it holds no identifier.)
    let ids: Vec<&str> = messages
        .iter()
        .filter_map(|message| {
            message
                .lines()
                .find(|line| line.to_ascii_lowercase().starts_with("message-id:"))
        })
        .collect();
    assert!(ids.len() >= 8, "{} emails with an id", ids.len());
    for id in ids {
        let copies = received.iter().filter(|m| m.contains(id)).count();
        assert_eq!(copies, 1, "{id}");
    }
    let grown = everything(&pool).await;
    assert!(grown.len() > after.len(), "the new binary wrote on");
    let verified_last = audit_verify(&install);
    assert!(
        verified_last.lines().any(|line| line == "ok") && verified_last != verified_before,
        "{verified_last}"
    );
    install.stop();
    pool.close().await;
}

on_both_databases!(an_upgrade_keeps_every_request_file_email_and_audit_entry);
