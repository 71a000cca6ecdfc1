//! A real SMTP server (Python's aiosmtpd) on loopback, and the reader of
//! the Maildir it stores into, which the drivers hold to read codes and
//! notifications without owning the server.

use super::{eventually, read_dir_files};
use std::net::TcpStream;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A real SMTP server (Python's aiosmtpd) on loopback, storing what it
/// receives in a Maildir; read it through `Mailbox`, which it derefs to.
pub struct SmtpSink {
    pub port: u16,
    pub maildir: TempDir,
    mailbox: Mailbox,
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
        let maildir = tempfile::tempdir().unwrap();
        let sink = SmtpSink {
            port,
            mailbox: Mailbox(maildir.path().join("Maildir")),
            maildir,
            handler,
            child: std::sync::Mutex::new(None),
        };
        sink.restart();
        sink
    }

    /// A reader of what this server receives, for a driver to keep.
    pub fn mailbox(&self) -> Mailbox {
        self.mailbox.clone()
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
}

impl Deref for SmtpSink {
    type Target = Mailbox;

    fn deref(&self) -> &Mailbox {
        &self.mailbox
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The Maildir an SMTP sink stores into, read by its path: a driver keeps a
/// copy without borrowing the sink (it reads nothing once the sink is gone).
#[derive(Clone, Debug)]
pub struct Mailbox(PathBuf);

impl Mailbox {
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
        read_dir_files(&self.0.join("new"))
    }

    pub async fn wait_for(&self, needle: &str) -> String {
        eventually(Duration::from_secs(15), || async {
            self.messages().into_iter().find(|m| m.contains(needle))
        })
        .await
        .unwrap_or_else(|| panic!("no email containing {needle:?} reached the SMTP server"))
    }
}
