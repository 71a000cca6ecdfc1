//! What an operator runs before going live and after an upgrade: the
//! version and commit, `check` (the effective configuration, secrets
//! masked, then one line per check), `mail test` and the pending
//! migrations. Each check says what is wrong and what to do, in one line.

use crate::config::Config;
use crate::db;
use crate::web::assets::{Assets, find_hash_file};
use leptos::prelude::LeptosOptions;
use lettre::message::Mailbox;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use std::path::Path;
use std::time::Duration;

/// The release and the commit it was built from (see build.rs).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const COMMIT: &str = env!("PORTAL_GIT_COMMIT");
/// What `--version` prints after the program's name.
pub const VERSION_LINE: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("PORTAL_GIT_COMMIT"),
    ")"
);

/// How long `check` waits for the SMTP server's greeting and answer.
const SMTP_PATIENCE: Duration = Duration::from_secs(15);

/// One check's verdict.
#[derive(Debug, PartialEq, Eq)]
pub struct Verdict {
    pub ok: bool,
    pub line: String,
}

impl Verdict {
    fn ok(line: impl Into<String>) -> Self {
        Verdict {
            ok: true,
            line: line.into(),
        }
    }

    fn fail(line: impl Into<String>) -> Self {
        Verdict {
            ok: false,
            line: line.into(),
        }
    }
}

/// The settings that decide where data goes and who is told, as the
/// portal will use them; passwords and keys show only whether they are set.
pub fn effective_configuration(
    config: &Config,
    options: &LeptosOptions,
) -> Vec<(&'static str, String)> {
    let secret = |value: &Option<String>| match value {
        Some(value) => format!("set ({} characters, not shown)", value.chars().count()),
        None => "unset".to_owned(),
    };
    vec![
        ("PORTAL_DATABASE_URL", config.database_url.to_string()),
        ("PORTAL_PUBLIC_URL", config.public_url.to_string()),
        ("PORTAL_DPO_EMAIL", config.dpo_email.as_str().to_owned()),
        ("PORTAL_MAIL_FROM", config.mail_from.to_string()),
        (
            "PORTAL_SMTP_URL",
            match &config.smtp {
                Some(url) => masked_url(url.expose()),
                None => format!(
                    "unset: emails are written as .eml files under {}",
                    config.outbox_dir().display()
                ),
            },
        ),
        (
            "PORTAL_SMTP_TIMEOUT_SECS",
            config.smtp_timeout.as_secs().to_string(),
        ),
        ("PORTAL_DATA_DIR", config.data_dir.display().to_string()),
        ("PORTAL_SECRET_KEY", secret(&config.secret_key)),
        ("PORTAL_AUDIT_KEY", secret(&config.audit_key)),
        (
            "PORTAL_CLIENT_IP_HEADER",
            config
                .client_ip_header
                .clone()
                .unwrap_or_else(|| "unset: the TCP peer's address counts".to_owned()),
        ),
        ("PORTAL_REQUIRE_TOTP", config.require_totp.to_string()),
        ("PORTAL_RETENTION_DAYS", config.retention_days.to_string()),
        ("PORTAL_MAX_FILE_MB", config.max_file_mb.to_string()),
        ("PORTAL_DIGEST_HOUR", config.digest_hour.to_string()),
        ("LEPTOS_SITE_ROOT", options.site_root.to_string()),
        ("LEPTOS_SITE_ADDR", options.site_addr.to_string()),
    ]
}

/// A URL with its password replaced by `***` (the user name stays: it
/// says which account is used, and is no secret).
fn masked_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "(not a URL; not shown)".to_owned(),
    }
}

/// Every check, in order; none changes anything (the database is not
/// migrated, no email is sent).
pub async fn check(config: &Config, options: &LeptosOptions) -> Vec<Verdict> {
    vec![
        check_database(config).await,
        check_site(options),
        check_public_url(config),
        check_smtp(config).await,
        check_secret_key(config),
    ]
}

async fn check_database(config: &Config) -> Verdict {
    if let Some(path) = config.database_url.sqlite_path()
        && !path.exists()
    {
        return Verdict::fail(format!(
            "database: {} does not exist yet; `privacy-portal migrate` (or the first start) creates it",
            path.display()
        ));
    }
    let pool = match db::connect(&config.database_url).await {
        Ok(pool) => pool,
        Err(e) => return Verdict::fail(format!("database: cannot connect: {e:#}")),
    };
    if let Err(e) = sqlx::query("SELECT 1").execute(&pool).await {
        return Verdict::fail(format!("database: does not answer: {e}"));
    }
    let state = db::migration_state(&pool).await;
    pool.close().await;
    match state {
        Err(e) => Verdict::fail(format!("database: {e:#}")),
        Ok(state) if !state.unknown.is_empty() => Verdict::fail(format!(
            "database: migrated by a newer portal (migration {} is unknown to version {VERSION}); run that version",
            state.unknown[0]
        )),
        Ok(state) if !state.pending.is_empty() => Verdict::fail(format!(
            "database: {} migration(s) pending; `privacy-portal migrate` (or the next start) applies them",
            state.pending.len()
        )),
        Ok(state) => Verdict::ok(format!(
            "database: answers and is migrated ({} migrations)",
            state.applied
        )),
    }
}

fn check_site(options: &LeptosOptions) -> Verdict {
    let root = Path::new(options.site_root.as_ref());
    let pkg = root.join(options.site_pkg_dir.as_ref());
    let hash_file = find_hash_file(root);
    let assets = Assets::load(
        &options.output_name,
        &options.site_pkg_dir,
        hash_file.as_deref(),
    );
    let missing: Vec<String> = [&assets.css, &assets.js, &assets.wasm]
        .into_iter()
        .filter(|name| !pkg.join(name).is_file())
        .cloned()
        .collect();
    if missing.is_empty() {
        Verdict::ok(format!("site: {} holds the built files", root.display()))
    } else {
        Verdict::fail(format!(
            "site: {} lacks {}; set LEPTOS_SITE_ROOT to the built site (`site/` beside the binary)",
            pkg.display(),
            missing.join(", ")
        ))
    }
}

fn check_public_url(config: &Config) -> Verdict {
    let url = &config.public_url;
    if url.scheme() == "https" {
        Verdict::ok(format!("public URL: {url} is https"))
    } else if config.console_allowed() {
        Verdict::ok(format!(
            "public URL: {url} is plain http on loopback (only for a test on this machine)"
        ))
    } else {
        Verdict::fail(format!(
            "public URL: {url} is plain http to a network; set PORTAL_PUBLIC_URL to the https:// address of the proxy"
        ))
    }
}

async fn check_smtp(config: &Config) -> Verdict {
    let Some(url) = &config.smtp else {
        return Verdict::ok(format!(
            "email: no SMTP server set; emails are written under {}",
            config.outbox_dir().display()
        ));
    };
    let host = url.host().unwrap_or_default();
    let transport = match crate::email::smtp_transport(url) {
        Ok(transport) => transport,
        Err(e) => return Verdict::fail(format!("email: PORTAL_SMTP_URL cannot be used: {e}")),
    };
    // lettre's timeout covers the TCP connection only: a server that
    // accepts and never greets (TLS expected on 465) would hold `check`.
    let answer = tokio::time::timeout(SMTP_PATIENCE, transport.test_connection()).await;
    let Ok(answer) = answer else {
        return Verdict::fail(format!(
            "email: the SMTP server {host} accepted the connection but did not answer within {} s (TLS expected? smtps:// for port 465)",
            SMTP_PATIENCE.as_secs()
        ));
    };
    match answer {
        Ok(true) => Verdict::ok(format!(
            "email: the SMTP server {host} accepts a connection"
        )),
        Ok(false) => Verdict::fail(format!("email: the SMTP server {host} did not answer NOOP")),
        Err(e) => Verdict::fail(format!(
            "email: cannot reach the SMTP server {host}: {}",
            smtp_failure(&e)
        )),
    }
}

fn check_secret_key(config: &Config) -> Verdict {
    if config.secret_key.is_some() {
        Verdict::ok("PORTAL_SECRET_KEY: set")
    } else {
        Verdict::fail(
            "PORTAL_SECRET_KEY: unset; second factors would be stored unsealed; set 32 characters or more (`openssl rand -hex 32`)",
        )
    }
}

/// An SMTP error in words, without the URL (it may hold a password).
fn smtp_failure(e: &lettre::transport::smtp::Error) -> String {
    match e.status() {
        Some(code) => format!("the server answered {code}"),
        None if e.is_timeout() => "timed out".to_owned(),
        None => {
            let text = e.to_string();
            // lettre's own words ("Connection refused", a TLS failure);
            // they name no credentials.
            if text.is_empty() {
                "the connection failed".to_owned()
            } else {
                text
            }
        }
    }
}

/// `mail test ADDRESS`: one plain email through the configured server,
/// outside the outbox (it concerns no request); returns what the server
/// answered, or where the file was written.
pub async fn mail_test(config: &Config, to: &crate::domain::Email) -> anyhow::Result<String> {
    let recipient: Mailbox = to
        .as_str()
        .parse()
        .map_err(|e| anyhow::anyhow!("{}: not an address SMTP can carry: {e}", to.as_str()))?;
    let message = Message::builder()
        .from(config.mail_from.clone())
        .to(recipient)
        .subject("SOFACTO privacy portal: test email")
        .body(format!(
            "This email was sent by `privacy-portal mail test` (version {VERSION_LINE}) to check that the portal's emails reach their recipients.\n\nCe message a été envoyé par `privacy-portal mail test` pour vérifier que les e-mails du portail arrivent.\n"
        ))?;
    match &config.smtp {
        Some(url) => {
            let host = url.host().unwrap_or_default();
            let transport = crate::email::smtp_transport(url)?;
            let patience = config.smtp_timeout;
            let answer = tokio::time::timeout(patience, transport.send(message))
                .await
                .map_err(|_| {
                    anyhow::anyhow!(
                        "the SMTP server {host} did not answer within {} s (TLS expected? smtps:// for port 465)",
                        patience.as_secs()
                    )
                })?;
            match answer {
                Ok(response) => Ok(format!(
                    "the SMTP server {host} answered {}: {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                )),
                Err(e) => Err(anyhow::anyhow!(
                    "the SMTP server {host} did not take the email: {}",
                    smtp_failure(&e)
                )),
            }
        }
        None => {
            let dir = config.outbox_dir();
            std::fs::create_dir_all(&dir)?;
            let transport = lettre::AsyncFileTransport::<Tokio1Executor>::new(&dir);
            let id = transport.send(message).await?;
            Ok(format!(
                "no SMTP server set: written to {}",
                dir.join(format!("{id}.eml")).display()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_a_url_is_masked_and_the_rest_kept() {
        assert_eq!(
            masked_url("smtps://mailer:s3cret@smtp.example.com:465"),
            "smtps://mailer:***@smtp.example.com:465"
        );
        assert_eq!(masked_url("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
        assert!(!masked_url("not a url s3cret").contains("s3cret"));
    }

    #[test]
    fn the_version_line_names_the_release_and_the_commit() {
        assert!(VERSION_LINE.starts_with(VERSION));
        assert!(VERSION_LINE.contains(COMMIT));
        assert!(!COMMIT.is_empty());
    }
}
