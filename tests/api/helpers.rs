use privacy_portal::clock::ManualClock;
use privacy_portal::config::{Config, DatabaseUrl, SmtpUrl};
use privacy_portal::db::Pool;
use privacy_portal::startup::Application;
use privacy_portal::state::AppState;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Runs one scenario against each database the portal supports.
#[macro_export]
macro_rules! on_both_databases {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test]
                async fn on_sqlite() {
                    super::$scenario($crate::helpers::Backend::Sqlite).await;
                }
                #[tokio::test]
                async fn on_postgres() {
                    super::$scenario($crate::helpers::Backend::Postgres).await;
                }
            }
        )*
    };
}

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
        eventually(Duration::from_secs(15), || async {
            (self
                .scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
                .await
                == 0)
                .then_some(())
        })
        .await
        .expect("every queued email was sent");
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

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh database on the PostgreSQL server named by
/// `PORTAL_TEST_POSTGRES_URL` (`make test` starts one).
async fn fresh_postgres_database() -> String {
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

/// A real SMTP server (Python's aiosmtpd) on loopback, storing what it
/// receives in a Maildir.
pub struct SmtpSink {
    pub port: u16,
    pub maildir: TempDir,
    handler: &'static str,
    child: std::sync::Mutex<Option<Child>>,
}

impl SmtpSink {
    pub fn start(port: u16) -> SmtpSink {
        Self::start_with(port, "aiosmtpd.handlers.Mailbox")
    }

    /// One that refuses "busy…" recipients for now (451) and "nobody…"
    /// for good (550): `smtp_refuser.py`.
    pub fn start_refusing(port: u16) -> SmtpSink {
        Self::start_with(port, "smtp_refuser.Refusing")
    }

    fn start_with(port: u16, handler: &'static str) -> SmtpSink {
        let sink = SmtpSink {
            port,
            maildir: tempfile::tempdir().unwrap(),
            handler,
            child: std::sync::Mutex::new(None),
        };
        sink.restart();
        sink
    }

    /// Stops the server (an outage); what it received stays readable.
    pub fn stop(&self) {
        if let Some(mut child) = self.child.lock().unwrap().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and Maildir.
    pub fn restart(&self) {
        self.stop();
        let python = std::env::var("PORTAL_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let here = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join("api");
        let child = Command::new(python)
            .env("PYTHONPATH", here)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
            ])
            .args(["-c", self.handler])
            .arg(self.maildir.path().join("Maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start aiosmtpd (pip install aiosmtpd; `make test` does)");
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start listening on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        *self.child.lock().unwrap() = Some(child);
    }

    /// The decoded plain-text part of the latest message to `to` whose text
    /// contains `needle`, waiting for it.
    pub async fn wait_for_text(&self, to: &str, needle: &str) -> String {
        eventually(Duration::from_secs(15), || async {
            self.messages().into_iter().rev().find_map(|raw| {
                let message = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
                let addressed = message.to()?.first()?.address()? == to;
                let text = message.body_text(0)?.into_owned();
                (addressed && text.contains(needle)).then_some(text)
            })
        })
        .await
        .unwrap_or_else(|| panic!("no email to {to} containing {needle:?}"))
    }

    /// How many messages went to `to`.
    pub fn count_to(&self, to: &str) -> usize {
        self.messages()
            .iter()
            .filter_map(|raw| mail_parser::MessageParser::default().parse(raw.as_bytes()))
            .filter(|m| m.to().and_then(|t| t.first()).and_then(|a| a.address()) == Some(to))
            .count()
    }

    /// Every message received so far, as raw RFC 5322 text.
    pub fn messages(&self) -> Vec<String> {
        read_dir_files(&self.maildir.path().join("Maildir").join("new"))
    }

    pub async fn wait_for(&self, needle: &str) -> String {
        eventually(Duration::from_secs(15), || async {
            self.messages().into_iter().find(|m| m.contains(needle))
        })
        .await
        .unwrap_or_else(|| panic!("no email containing {needle:?} reached the SMTP server"))
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

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
