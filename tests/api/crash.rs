//! Nothing lost under crashes (issue 10 §2): the release binary serves on
//! SQLite while verified subjects file requests, and is killed with SIGKILL
//! at random moments and restarted. Afterwards every reference acknowledged
//! to a client exists exactly once, both its emails were delivered (a
//! repeat only as a retry of the same Message-ID), and the database and
//! the audit chain are whole. `PORTAL_CRASH_RUNS` kills (10 in `make
//! test`; `make crash` runs 200).

use crate::helpers::{SmtpSink, Subject, eventually, free_port, try_file};
use sqlx::{Connection, Row};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;

const DPO: &str = "dpo@sofacto.com";

struct Portal {
    port: u16,
    smtp_port: u16,
    data_dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Portal {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn database_url(&self) -> String {
        format!(
            "sqlite://{}",
            self.data_dir.path().join("portal.db").display()
        )
    }

    async fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data_dir.path().join("server.log"))
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_privacy-portal"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", self.port))
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("PORTAL_DATA_DIR", self.data_dir.path())
            .env("PORTAL_PUBLIC_URL", self.base())
            .env(
                "PORTAL_SMTP_URL",
                format!("smtp://127.0.0.1:{}", self.smtp_port),
            )
            .env("PORTAL_OUTBOX_POLL_SECS", "1")
            .env("PORTAL_OPEN_REQUESTS_PER_ADDRESS", "100000")
            .env("PORTAL_REQUESTS_PER_ADDRESS_PER_DAY", "100000")
            .env("PORTAL_REQUESTS_PER_IP_PER_DAY", "100000")
            .env("PORTAL_CODES_PER_IP_PER_HOUR", "1000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start privacy-portal");
        self.child = Some(child);
        let client = reqwest::Client::new();
        let health = format!("{}/health", self.base());
        eventually(Duration::from_secs(30), || async {
            let ok = client.get(&health).send().await.ok()?.status().is_success();
            ok.then_some(())
        })
        .await
        .expect("the portal answers /health after a start");
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
        }
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.kill();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Verifies `email` with the subject's driver, in a fresh browser that
/// gives up after 10 s; the session lives in the database, so it outlives
/// the kills.
async fn verified(portal: &Portal, sink: &SmtpSink, email: &str) -> reqwest::Client {
    let subject = Subject {
        client: client(),
        ..Subject::at(&portal.base(), Some(sink.mailbox()), email)
    };
    subject.verify("access").await;
    subject.client
}

fn pseudo_random(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[tokio::test]
async fn sigkill_under_load_loses_no_acknowledged_request_or_email() {
    let runs: usize = std::env::var("PORTAL_CRASH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    sqlx::any::install_default_drivers();
    let sink = SmtpSink::start(free_port());
    let mut portal = Portal {
        port: free_port(),
        smtp_port: sink.port,
        data_dir: tempfile::tempdir().unwrap(),
        child: None,
    };
    portal.start().await;
    let mut browsers = Vec::new();
    for i in 0..4 {
        let email = format!("crash{i}@example.org");
        browsers.push((email.clone(), verified(&portal, &sink, &email).await));
    }

    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let base = portal.base();
    let filers: Vec<_> = browsers
        .into_iter()
        .map(|(email, browser)| {
            let (acknowledged, stop, base) = (acknowledged.clone(), stop.clone(), base.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    // A steady load, not a flood: the point is the kills,
                    // and every email must be delivered in the test's time.
                    if let Some(reference) = try_file(&base, &browser, "access").await {
                        acknowledged.lock().await.push((reference, email.clone()));
                    }
                    tokio::time::sleep(Duration::from_millis(40)).await;
                }
            })
        })
        .collect();

    let started = std::time::Instant::now();
    let mut seed = 0x5DEE_CE66_D1CE_u64;
    for _ in 0..runs {
        let wait = 50 + pseudo_random(&mut seed) % 400;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        portal.kill();
        portal.start().await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    for filer in filers {
        filer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().await.clone();
    let loaded = started.elapsed();
    assert!(
        acknowledged.len() >= runs,
        "enough requests were filed under the kills: {}",
        acknowledged.len()
    );

    // Every acknowledged request's two emails arrive, once per Message-ID.
    let delivered = eventually(Duration::from_secs(120), || async {
        let mut ids: HashMap<(String, String), HashSet<String>> = HashMap::new();
        for raw in sink.messages() {
            let message = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
            let to = message.to()?.first()?.address()?.to_owned();
            let id = message.message_id()?.to_owned();
            let text = message.body_text(0)?.into_owned();
            for (reference, _) in &acknowledged {
                if text.contains(reference.as_str()) {
                    ids.entry((reference.clone(), to.clone()))
                        .or_default()
                        .insert(id.clone());
                }
            }
        }
        let complete = acknowledged.iter().all(|(reference, email)| {
            ids.contains_key(&(reference.clone(), email.clone()))
                && ids.contains_key(&(reference.clone(), DPO.to_owned()))
        });
        complete.then_some(ids)
    })
    .await;
    let Some(delivered) = delivered else {
        let mut db = sqlx::AnyConnection::connect(&portal.database_url())
            .await
            .unwrap();
        let rows = sqlx::query("SELECT kind, status, attempts, COALESCE(last_error, '') FROM outbox WHERE status <> 'sent'")
            .fetch_all(&mut db)
            .await
            .unwrap();
        let stuck: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {}",
                    r.get::<String, _>(0),
                    r.get::<String, _>(1),
                    r.get::<i64, _>(2),
                    r.get::<String, _>(3)
                )
            })
            .collect();
        panic!(
            "not every acknowledged request's emails were delivered ({} acknowledged, {} messages); unsent: {stuck:?}",
            acknowledged.len(),
            sink.messages().len()
        );
    };
    for ((reference, to), message_ids) in &delivered {
        assert_eq!(
            message_ids.len(),
            1,
            "{reference} to {to}: one message, retries share its Message-ID"
        );
    }

    portal.kill();
    let mut db = sqlx::AnyConnection::connect(&portal.database_url())
        .await
        .unwrap();
    for (reference, _) in &acknowledged {
        let rows: i64 = sqlx::query("SELECT COUNT(*) FROM requests WHERE reference = $1")
            .bind(reference)
            .fetch_one(&mut db)
            .await
            .unwrap()
            .get(0);
        assert_eq!(rows, 1, "{reference} exists exactly once");
    }
    let integrity: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .unwrap()
        .get(0);
    assert_eq!(integrity, "ok");
    db.close().await.unwrap();
    let audit = Command::new(env!("CARGO_BIN_EXE_privacy-portal"))
        .args(["audit", "verify"])
        .env_clear()
        .env("PORTAL_DATABASE_URL", portal.database_url())
        .output()
        .unwrap();
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stdout)
    );
    eprintln!(
        "crash test: {runs} SIGKILLs in {loaded:?}, {} requests acknowledged, all delivered after {:?}, integrity ok",
        acknowledged.len(),
        started.elapsed()
    );
    assert!(Path::new(&portal.data_dir.path().join("server.log")).exists());
}
