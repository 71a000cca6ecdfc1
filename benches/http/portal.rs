//! The portal's release binary in its own process, so that its resident
//! set can be read, with its rate limits raised; and a DPO account added
//! with its command line, then signed in with the tests' DPO driver.

use crate::helpers::{Dpo, PASSWORD};
use std::io::Write as _;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The release binary; `PORTAL_BENCH_BINARY` names another (an earlier
/// build, for a before-and-after).
pub fn portal_binary() -> String {
    std::env::var("PORTAL_BENCH_BINARY").unwrap_or_else(|_| "target/release/privacy-portal".into())
}

/// A child process stopped when dropped.
pub struct Process(pub Child);

impl Process {
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn wait_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

pub fn portal_command(data_dir: &Path, database_url: &str) -> Command {
    let mut command = Command::new(portal_binary());
    command
        .env("PORTAL_DATA_DIR", data_dir)
        .env("PORTAL_DATABASE_URL", database_url)
        .env("RUST_LOG", "warn");
    command
}

/// The portal's release binary, serving `database_url` on `port`.
pub fn start(data_dir: &Path, database_url: &str, port: u16, smtp_port: u16) -> Process {
    let child = portal_command(data_dir, database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("PORTAL_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("PORTAL_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
        .env("PORTAL_OUTBOX_POLL_SECS", "1")
        .env("PORTAL_CODES_PER_IP_PER_HOUR", "100000")
        .env("PORTAL_CODES_PER_IP48_PER_HOUR", "100000")
        .env("PORTAL_CODES_PER_ADDRESS_PER_HOUR", "100000")
        .env("PORTAL_CODES_PER_ADDRESS_PER_DAY", "100000")
        .env("PORTAL_CODES_PER_HOUR", "100000")
        .env("PORTAL_OPEN_REQUESTS_PER_ADDRESS", "100000")
        .env("PORTAL_REQUESTS_PER_ADDRESS_PER_DAY", "100000")
        .env("PORTAL_REQUESTS_PER_IP_PER_DAY", "100000")
        .env("PORTAL_LOGINS_PER_IP_PER_HOUR", "100000")
        .env("PORTAL_API_CALLS_PER_KEY_PER_MINUTE", "1000000")
        .stdout(Stdio::null())
        .spawn()
        .expect("target/release/privacy-portal: run `make build` first");
    wait_port(port);
    Process(child)
}

/// Creates a DPO account with the CLI, in the database the portal at
/// `base` serves, and signs it in.
pub async fn signed_in_dpo(base: &str, data_dir: &Path, database_url: &str) -> Dpo {
    let dpo = Dpo::at(base, "bench@sofacto.com");
    let mut add = portal_command(data_dir, database_url)
        .args(["dpo", "add", &dpo.email])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success(), "dpo add");
    dpo.sign_in().await;
    dpo
}
