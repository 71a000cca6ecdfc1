//! The portal started in-process for one test: on port 0, with a fresh
//! database (SQLite in a temporary folder, or a new database on the
//! PostgreSQL server `make test` starts), the outbox pointed at a real SMTP
//! sink, and an injected clock the test moves; with a few reads of that
//! database the scenarios share.

use super::SmtpSink;
use privacy_portal::audit;
use privacy_portal::clock::ManualClock;
use privacy_portal::config::{Config, DatabaseUrl, SmtpUrl};
use privacy_portal::db::Pool;
use privacy_portal::startup::Application;
use privacy_portal::state::AppState;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// One day of the injected clock.
pub const DAY: Duration = Duration::from_secs(86_400);

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub enum Mail {
    /// A real SMTP server on loopback receives everything.
    Smtp,
    /// An SMTP URL where nothing listens yet (an outage).
    SmtpDown { port: u16 },
    /// A real SMTP server that refuses some recipients (`smtp_refuser.py`).
    Refusing,
    /// No SMTP: `.eml` files under the data folder.
    Files,
}

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub pool: Pool,
    pub clock: Arc<ManualClock>,
    pub data_dir: TempDir,
    pub smtp: Option<SmtpSink>,
    pub http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend, mail: Mail) -> TestApp {
        Self::spawn_with(backend, mail, |_| {}).await
    }

    /// Like `spawn`, with a last word on the configuration.
    pub async fn spawn_with(
        backend: Backend,
        mail: Mail,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", data_dir.path().join("portal.db").display()),
            Backend::Postgres => fresh_postgres_database().await,
        };
        let (smtp, smtp_url) = match mail {
            Mail::Smtp => {
                let sink = SmtpSink::start(free_port());
                let url = format!("smtp://127.0.0.1:{}", sink.port);
                (Some(sink), Some(url))
            }
            Mail::SmtpDown { port } => (None, Some(format!("smtp://127.0.0.1:{port}"))),
            Mail::Refusing => {
                let sink = SmtpSink::start_refusing(free_port());
                let url = format!("smtp://127.0.0.1:{}", sink.port);
                (Some(sink), Some(url))
            }
            Mail::Files => (None, None),
        };
        let mut config = Config {
            database_url: DatabaseUrl::parse(&database_url).unwrap(),
            smtp: smtp_url.map(|url| SmtpUrl::parse(&url).unwrap()),
            data_dir: data_dir.path().to_path_buf(),
            // The tests run the daily jobs themselves (`daily::run_due`).
            worker_runs_daily_jobs: false,
            ..Config::from_lookup(|_| None).unwrap()
        };
        adjust(&mut config);
        Self::start(config, data_dir, smtp).await
    }

    async fn start(mut config: Config, data_dir: TempDir, smtp: Option<SmtpSink>) -> TestApp {
        let clock = ManualClock::starting_now();
        let options = privacy_portal::startup::leptos_options(
            "target/site",
            SocketAddr::from(([127, 0, 0, 1], 0)),
        );
        config.outbox_poll = Duration::from_millis(200);
        let application = Application::build(config, options, clock.clone())
            .await
            .expect("the app builds");
        let address = format!("http://127.0.0.1:{}", application.port());
        let state = application.state().clone();
        let (tx, rx) = oneshot::channel();
        let server = tokio::spawn(application.run_until_stopped(async move {
            let _ = rx.await;
        }));
        TestApp {
            address,
            pool: state.pool.clone(),
            state,
            clock,
            data_dir,
            smtp,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// The injected clock's time, in milliseconds.
    pub fn clock_now(&self) -> i64 {
        use privacy_portal::clock::Clock;
        self.clock.now()
    }

    /// Moves the clock to the start of the next hour, so that a test of a
    /// per-hour limit does not straddle two of its fixed windows.
    pub fn to_next_hour(&self) {
        let hour = 3_600_000;
        let into = self.clock_now().rem_euclid(hour);
        self.clock
            .advance(Duration::from_millis((hour - into + 1000) as u64));
    }

    /// Waits until the outbox has delivered everything queued so far.
    pub async fn every_email_sent(&self) {
        every_email_sent_in(&self.pool, Duration::from_secs(15)).await;
    }

    /// Runs a statement that changes the database behind the portal's back
    /// (a tampering, a fixture).
    pub async fn exec(&self, sql: &str) {
        sqlx::query(sql)
            .execute(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// The single number a query such as `SELECT COUNT(*) …` returns.
    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .get(0)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET")
    }

    /// Asks the server to stop and waits until it has.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server stopped cleanly");
        }
    }
}

/// Waits, at most `within`, until the outbox of the database behind `pool`
/// (an in-process app's, or a portal's in its own process) has delivered
/// everything queued so far.
pub async fn every_email_sent_in(pool: &Pool, within: Duration) {
    use sqlx::Row;
    eventually(within, || async {
        let unsent: i64 = sqlx::query("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
            .fetch_one(pool)
            .await
            .unwrap()
            .get(0);
        (unsent == 0).then_some(())
    })
    .await
    .expect("every queued email was sent");
}

/// Polls `check` until it returns `Some`, for at most `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A port for a server a test starts a moment later (an SMTP sink, a
/// portal). Taken below the kernel's ephemeral range (32768 and up), where
/// no `bind(0)` of another test can land meanwhile, and never twice in
/// this process: asking the kernel for a free port and releasing it let
/// two tests' servers race for the same one, and a sink that lost the race
/// left its test sending to another test's server.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    const FIRST: u32 = 20_000;
    const SPAN: u32 = 12_000;
    // Processes that run at once (a bench beside the tests) start apart.
    let start = std::process::id() % SPAN;
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        assert!(n < SPAN, "no free port left below 32000");
        let port = (FIRST + (start + n) % SPAN) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A fresh database on the PostgreSQL server named by
/// `PORTAL_TEST_POSTGRES_URL` (`make test` starts one).
pub async fn fresh_postgres_database() -> String {
    use sqlx::Connection;
    let base = std::env::var("PORTAL_TEST_POSTGRES_URL").expect(
        "PORTAL_TEST_POSTGRES_URL is not set: run `make test`, which starts a throwaway PostgreSQL, \
         or point it at a server where this user may create databases",
    );
    let name = format!("portal_test_{}", privacy_portal::db::new_id());
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    let mut url = url::Url::parse(&base).unwrap();
    url.set_path(&name);
    url.to_string()
}

/// The text of every file in `dir`, oldest first (none if it does not
/// exist yet).
pub fn read_dir_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    // In the order they arrived: Maildir names do not sort by time within
    // a second.
    let mut paths: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .map(|e| {
            (
                e.metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH),
                e.path(),
            )
        })
        .collect();
    paths.sort();
    let paths: Vec<PathBuf> = paths.into_iter().map(|(_, p)| p).collect();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// A text column of the request `reference`, as stored.
pub async fn stored(app: &TestApp, reference: &str, column: &'static str) -> Option<String> {
    use sqlx::Row;
    sqlx::query(&format!(
        "SELECT {column} FROM requests WHERE reference = $1"
    ))
    .bind(reference)
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .get(0)
}

pub async fn status_of(app: &TestApp, reference: &str) -> String {
    stored(app, reference, "status").await.unwrap()
}

/// Where the audit chain breaks, if it does.
pub async fn broken(app: &TestApp) -> Option<String> {
    audit::verify(&app.pool).await.unwrap().broken
}
