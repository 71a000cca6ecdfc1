//! Outgoing email: messages are composed here, queued in the `outbox` table
//! (see `outbox`), and delivered by the worker through a `Mailer`: SMTP when
//! `PORTAL_SMTP_URL` is set, `.eml` files under `data/outbox/` otherwise.

pub mod outbox;
pub mod templates;

use crate::config::Config;
use crate::domain::Email;
use anyhow::Context;
use lettre::address::Envelope;
use lettre::message::{Mailbox, MultiPart};
use lettre::{
    Address, AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use std::path::PathBuf;
use std::time::Duration;

crate::domain::choice::choice_enum! {
    /// What a message is, for the outbox, the logs and the console; the
    /// console's words for each are `i18n::console_labels::email_kind`.
    pub enum EmailKind {
        VerificationCode = "verification_code",
        Acknowledgment = "acknowledgment",
        DpoNewRequest = "dpo_new_request",
        DpoDigest = "dpo_digest",
        InformationRequested = "information_requested",
        ClarificationRequested = "clarification_requested",
        InformationReminder = "information_reminder",
        DpoMessage = "dpo_message",
        Extended = "extended",
        Completed = "completed",
        Refused = "refused",
        /// The answers to linked requests, held to go as one email.
        Answers = "answers",
        Withdrawn = "withdrawn",
        DpoWithdrawn = "dpo_withdrawn",
        DpoSubjectAnswered = "dpo_subject_answered",
        DpoSubjectWrote = "dpo_subject_wrote",
        RestrictionLifted = "restriction_lifted",
        /// A link to confirm a new address the DPO recorded.
        EmailConfirmation = "email_confirmation",
        /// To the subject, about someone who filed for them.
        RepresentationCheck = "representation_check",
        /// To a DPO: their console account was locked.
        AccountLocked = "account_locked",
    }
}

impl EmailKind {
    /// The answer to a request (a completion or a refusal): the day it is
    /// sent is the day the request was answered.
    pub fn is_answer(self) -> bool {
        matches!(
            self,
            EmailKind::Completed | EmailKind::Refused | EmailKind::Answers
        )
    }
}

/// One email ready to be queued: plain text and HTML of the same content.
pub struct OutgoingEmail {
    pub kind: EmailKind,
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The language and the content it was written from.
    pub lang: crate::domain::Lang,
    pub body: templates::Body,
}

impl OutgoingEmail {
    /// The message, with a Message-ID made from `id` (the outbox row's), so
    /// that every retry of one email carries the same Message-ID.
    pub fn to_message(&self, from: &Mailbox, id: &str) -> anyhow::Result<Message> {
        let to = smtp_address(self.to.as_str())
            .context("a validated email address is not a valid SMTP address")?;
        Message::builder()
            .message_id(Some(format!("<{id}@{}>", from.email.domain())))
            .from(from.clone())
            .to(Mailbox::new(None, to))
            .subject(&self.subject)
            .multipart(MultiPart::alternative_plain_html(
                self.text.clone(),
                self.html.clone(),
            ))
            .context("cannot compose the email")
    }
}

/// The SMTP form of an address: its domain in punycode, so that
/// `marie@exämple.fr` is sent to `marie@xn--exmple-cua.fr`.
pub fn smtp_address(address: &str) -> Option<Address> {
    let (local, domain) = address.rsplit_once('@')?;
    let domain = idna::domain_to_ascii(domain).ok()?;
    Address::new(local, domain).ok()
}

/// Why a delivery failed, in words that hold no address or content.
#[derive(Debug)]
pub struct DeliveryError {
    /// 5xx answers and malformed messages: retrying will not help.
    pub permanent: bool,
    pub summary: String,
}

/// lettre's own timeout: the TCP connection (and TLS set-up) only. What
/// follows is bounded by whoever sends (`Config::smtp_timeout`).
const SMTP_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The transport PORTAL_SMTP_URL describes, for the outbox, `check` and
/// `mail test` alike.
pub fn smtp_transport(
    url: &crate::config::SmtpUrl,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    Ok(
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())?
            .timeout(Some(SMTP_CONNECT_TIMEOUT))
            .build(),
    )
}

pub enum Mailer {
    Smtp {
        url: crate::config::SmtpUrl,
        /// Its pool of connections; replaced by a new one after a delivery
        /// that timed out (see `deliver`).
        transport: std::sync::Mutex<AsyncSmtpTransport<Tokio1Executor>>,
        /// One delivery's whole exchange, at most.
        timeout: Duration,
    },
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        match &config.smtp {
            Some(url) => Ok(Mailer::Smtp {
                url: url.clone(),
                transport: std::sync::Mutex::new(
                    smtp_transport(url)
                        .context("PORTAL_SMTP_URL was accepted at start but cannot be used")?,
                ),
                timeout: config.smtp_timeout,
            }),
            None => {
                let dir = config.outbox_dir();
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create the email folder {}", dir.display()))?;
                Ok(Mailer::Files {
                    transport: AsyncFileTransport::new(&dir),
                    dir,
                })
            }
        }
    }

    /// Delivers one stored message. `raw` is the RFC 5322 text as queued.
    pub async fn deliver(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), DeliveryError> {
        match self {
            Mailer::Smtp {
                url,
                transport,
                timeout,
            } => {
                // A clone shares the pool; the lock is held for the clone only.
                let current = transport
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .clone();
                let Ok(answer) =
                    tokio::time::timeout(*timeout, current.send_raw(envelope, raw)).await
                else {
                    // The cancelled connection goes back to the pool, where
                    // the server's late answers would be read as the answers
                    // to the next message's commands: that pool is let go,
                    // and the next delivery connects afresh.
                    if let Ok(fresh) = smtp_transport(url) {
                        *transport
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh;
                    }
                    // Perhaps after the message went: the retry carries the
                    // same Message-ID, a duplicate at worst.
                    return Err(DeliveryError {
                        permanent: false,
                        summary: format!(
                            "SMTP server did not answer within {} s",
                            timeout.as_secs()
                        ),
                    });
                };
                answer.map(|_| ()).map_err(|e| {
                    let code = e.status().map(|code| code.to_string());
                    DeliveryError {
                        permanent: e.is_permanent(),
                        summary: match code {
                            Some(code) => format!("SMTP server answered {code}"),
                            None if e.is_timeout() => "SMTP server timed out".to_owned(),
                            None => "SMTP server unreachable or the connection failed".to_owned(),
                        },
                    }
                })
            }
            Mailer::Files { transport, dir } => {
                let id = transport
                    .send_raw(envelope, raw)
                    .await
                    .map_err(|e| DeliveryError {
                        permanent: false,
                        summary: format!("cannot write the .eml file: {e}"),
                    })?;
                tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "email written");
                Ok(())
            }
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Mailer::Smtp { .. } => "SMTP",
            Mailer::Files { .. } => ".eml files",
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_unicode_domain_is_sent_in_punycode() {
        let address = super::smtp_address("marie@exämple.fr").unwrap();
        assert_eq!(address.to_string(), "marie@xn--exmple-cua.fr");
        assert!(super::smtp_address("not an address").is_none());
    }
}
