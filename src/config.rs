//! Configuration from `PORTAL_*` environment variables, parsed once at
//! start: a bad value stops the program with one line naming the variable.

use lettre::message::Mailbox;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

use crate::domain::Email;

pub const DEFAULT_DPO_EMAIL: &str = "dpo@sofacto.com";
/// The portal's own privacy notice.
pub const NOTICE_PATH: &str = "/privacy";
pub const DEFAULT_MAIL_FROM: &str = "SOFACTO - Protection des données <dpo@sofacto.com>";

#[derive(Clone)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: DatabaseUrl,
    /// Base of every link in an email, e.g. `https://privacy.sofacto.com`.
    pub public_url: Url,
    /// Whether `PORTAL_PUBLIC_URL` was set (else it is the listen address).
    pub public_url_configured: bool,
    /// Where new requests and digests are sent.
    pub dpo_email: Email,
    pub mail_from: Mailbox,
    /// `None`: emails are written as `.eml` files under `outbox_dir`.
    pub smtp: Option<SmtpUrl>,
    /// How long one delivery may take, from the connection to the server's
    /// answer to the message: a server that accepts and then says nothing
    /// would otherwise hold the email worker, and every job it runs, for
    /// good. Under the outbox's lease, so that no second attempt starts
    /// while one is still under way.
    pub smtp_timeout: Duration,
    /// Holds the default SQLite file and the `.eml` outbox.
    pub data_dir: PathBuf,
    /// How often the email worker looks for due messages when nobody wakes it.
    pub outbox_poll: Duration,
    /// The header a trusted reverse proxy puts the client's address in.
    pub client_ip_header: Option<String>,
    /// The largest file a DPO or a subject may attach, in MiB.
    pub max_file_mb: u64,
    /// Past this many MiB of stored files, the daily run logs an error and
    /// the digest says so.
    pub files_warn_mb: i64,
    /// Closed requests are anonymised this many days after closing.
    pub retention_days: i64,
    /// Keys the HMACs of the rate-limit counters; unset: generated at first
    /// start and stored in the database.
    pub secret_key: Option<String>,
    /// Every rate limit's maximum.
    pub limits: Limits,
    /// The hour (Paris time, 0 to 23) of the daily digest and purge.
    pub digest_hour: u32,
    /// Whether the email worker runs the daily jobs (digest, purge,
    /// retention) itself. Always on for the portal; no variable sets it.
    /// The API tests turn it off, so that a digest sent because the test
    /// runs after the digest hour does not change what they count; they
    /// call `daily::run_due` where they test it.
    pub worker_runs_daily_jobs: bool,
    /// Keys the audit log's hashes (HMAC-SHA-256), kept outside the
    /// database; unset: plain SHA-256.
    pub audit_key: Option<String>,
    /// Every DPO must have a second factor before using the console
    /// (`PORTAL_REQUIRE_TOTP`; on by default over https).
    pub require_totp: bool,
    /// An open request with no DPO action for this many days is listed
    /// in the digest and on the dashboard until the DPO acts.
    pub stale_days: i64,
    /// A request paused for the subject's proof of identity this many days
    /// is proposed for closing as "identity not established" (a refusal,
    /// which the DPO decides; nothing closes by itself).
    pub identity_wait_days: i64,
    /// How long the operator keeps the server's logs and the backups
    /// (journald and the backup rotation are set to match): the privacy
    /// notice states these periods.
    pub log_retention_days: i64,
    pub backup_retention_days: i64,
    /// Who carries the emails, as the privacy notice names them (for
    /// example "OVHcloud, France"); unset: the SMTP server's host name.
    pub email_provider: Option<String>,
    /// Transfers outside the EU, as the privacy notice states them; unset:
    /// none.
    pub transfers: Option<String>,
    /// Lets `/metrics` answer beyond loopback to `Authorization: Bearer`
    /// this token; unset: loopback only.
    pub metrics_token: Option<String>,
}

/// A database URL; its Debug and Display hide any password.
#[derive(Clone)]
pub struct DatabaseUrl(String);

/// An SMTP URL as lettre reads it; it may hold credentials, so it is never
/// printed.
#[derive(Clone)]
pub struct SmtpUrl(String);

#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {}: {}", self.variable, self.reason)
    }
}

impl std::error::Error for ConfigError {}

fn invalid(variable: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        reason: reason.into(),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// `site_addr` is where the server listens; it gives the default public URL.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let data_dir = PathBuf::from(get("PORTAL_DATA_DIR").unwrap_or_else(|| "data".into()));

        let database_url = match get("PORTAL_DATABASE_URL") {
            Some(url) => DatabaseUrl::parse(&url)?,
            None => DatabaseUrl(format!("sqlite://{}", data_dir.join("portal.db").display())),
        };

        let public_url_configured = get("PORTAL_PUBLIC_URL").is_some();
        let public_url = match get("PORTAL_PUBLIC_URL") {
            Some(raw) => {
                let url = Url::parse(&raw).map_err(|e| {
                    invalid(
                        "PORTAL_PUBLIC_URL",
                        format!("not an absolute URL ({e}); example: https://privacy.sofacto.com"),
                    )
                })?;
                if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                    return Err(invalid(
                        "PORTAL_PUBLIC_URL",
                        "must start with http:// or https:// and name a host",
                    ));
                }
                url
            }
            None => {
                let addr = get("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
                Url::parse(&format!("http://{addr}"))
                    .map_err(|e| invalid("LEPTOS_SITE_ADDR", format!("not a host:port ({e})")))?
            }
        };

        let audit_key = secret(&get, "PORTAL_AUDIT_KEY")?;
        let require_totp = match get("PORTAL_REQUIRE_TOTP").map(|v| v.to_ascii_lowercase()) {
            None => public_url.scheme() == "https",
            Some(v) if matches!(v.as_str(), "1" | "true" | "on" | "yes") => true,
            Some(v) if matches!(v.as_str(), "0" | "false" | "off" | "no") => false,
            Some(_) => {
                return Err(invalid(
                    "PORTAL_REQUIRE_TOTP",
                    "must be on or off (true/false, 1/0); default: on over https",
                ));
            }
        };

        let dpo_email =
            Email::parse(&get("PORTAL_DPO_EMAIL").unwrap_or_else(|| DEFAULT_DPO_EMAIL.into()))
                .map_err(|e| invalid("PORTAL_DPO_EMAIL", e.to_string()))?;

        let mail_from: Mailbox = get("PORTAL_MAIL_FROM")
            .unwrap_or_else(|| DEFAULT_MAIL_FROM.into())
            .parse()
            .map_err(|e| {
                invalid(
                    "PORTAL_MAIL_FROM",
                    format!("not a mailbox ({e}); example: SOFACTO <dpo@sofacto.com>"),
                )
            })?;

        let smtp = get("PORTAL_SMTP_URL")
            .map(|url| SmtpUrl::parse(&url))
            .transpose()?;

        let outbox_poll = match get("PORTAL_OUTBOX_POLL_SECS") {
            Some(secs) => Duration::from_secs(
                secs.parse::<u64>()
                    .ok()
                    .filter(|s| (1..=3600).contains(s))
                    .ok_or_else(|| {
                        invalid(
                            "PORTAL_OUTBOX_POLL_SECS",
                            "must be a whole number of seconds between 1 and 3600",
                        )
                    })?,
            ),
            None => Duration::from_secs(10),
        };

        let client_ip_header = match get("PORTAL_CLIENT_IP_HEADER") {
            Some(name) => Some(
                axum::http::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| {
                        invalid(
                            "PORTAL_CLIENT_IP_HEADER",
                            "not an HTTP header name; example: X-Forwarded-For",
                        )
                    })?
                    .to_string(),
            ),
            None => None,
        };

        let smtp_timeout =
            Duration::from_secs(number(&get, "PORTAL_SMTP_TIMEOUT_SECS", 60, 5..=100)? as u64);
        let max_file_mb = number(&get, "PORTAL_MAX_FILE_MB", 20, 1..=1024)? as u64;
        let files_warn_mb = number(&get, "PORTAL_FILES_WARN_MB", 5120, 1..=10_000_000)?;
        let retention_days = number(&get, "PORTAL_RETENTION_DAYS", 1095, 1..=36_500)?;
        let secret_key = secret(&get, "PORTAL_SECRET_KEY")?;
        let limits = Limits::from_lookup(&get)?;
        let digest_hour = number(&get, "PORTAL_DIGEST_HOUR", 8, 0..=23)? as u32;
        let stale_days = number(&get, "PORTAL_STALE_DAYS", 90, 1..=3650)?;
        let identity_wait_days = number(&get, "PORTAL_IDENTITY_WAIT_DAYS", 30, 1..=3650)?;
        let log_retention_days = number(&get, "PORTAL_LOG_RETENTION_DAYS", 30, 1..=3650)?;
        let backup_retention_days = number(&get, "PORTAL_BACKUP_RETENTION_DAYS", 30, 1..=3650)?;
        let email_provider = get("PORTAL_EMAIL_PROVIDER");
        let transfers = get("PORTAL_TRANSFERS");
        let metrics_token = secret(&get, "PORTAL_METRICS_TOKEN")?;

        Ok(Config {
            database_url,
            public_url,
            public_url_configured,
            dpo_email,
            mail_from,
            smtp,
            smtp_timeout,
            data_dir,
            outbox_poll,
            client_ip_header,
            max_file_mb,
            files_warn_mb,
            retention_days,
            digest_hour,
            worker_runs_daily_jobs: true,
            require_totp,
            audit_key,
            stale_days,
            identity_wait_days,
            log_retention_days,
            backup_retention_days,
            email_provider,
            transfers,
            metrics_token,
            secret_key,
            limits,
        })
    }

    /// `PORTAL_MAX_FILE_MB` in bytes.
    pub fn max_file_bytes(&self) -> usize {
        (self.max_file_mb as usize) * 1024 * 1024
    }

    /// The controller's facts, with the configured DPO address.
    pub fn controller(&self) -> crate::domain::Controller {
        crate::domain::Controller::sofacto(self.dpo_email.clone(), self.link(NOTICE_PATH))
    }

    /// Who carries the emails, for the privacy notice: the configured
    /// name, else the SMTP server's host; `None` when emails are only
    /// written as files on this server.
    pub fn email_carrier(&self) -> Option<String> {
        let smtp = self.smtp.as_ref()?;
        Some(
            self.email_provider
                .clone()
                .or_else(|| smtp.host())
                .unwrap_or_else(|| "SMTP".to_owned()),
        )
    }

    /// The DPO console is served over https, or to this machine only (its
    /// public URL on loopback: `make run`, a test); over plain http to a
    /// network, its passwords and personal data would travel in clear.
    pub fn console_allowed(&self) -> bool {
        use url::Host;
        self.public_url.scheme() == "https"
            || match self.public_url.host() {
                Some(Host::Domain(name)) => name == "localhost",
                Some(Host::Ipv4(ip)) => ip.is_loopback(),
                Some(Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            }
    }

    /// Cookies get `Secure` when the portal is reached over https.
    pub fn cookies_secure(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// An absolute link for emails, from a path such as `/my-requests`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }
}

/// A key or token setting: unset, or 32 characters at least (guessing it
/// must cost as much as guessing a random 128-bit key written in hex).
fn secret(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
) -> Result<Option<String>, ConfigError> {
    match get(variable) {
        Some(value) if value.len() < 32 => Err(invalid(
            variable,
            "must have at least 32 characters (e.g. `openssl rand -hex 32`)",
        )),
        value => Ok(value),
    }
}

/// Every rate limit's maximum, each from its own setting. Which counter
/// each one caps, and over which window, is `limits::Counter`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Codes one address may be sent in an hour, and in a day.
    pub codes_per_address_per_hour: i64,
    pub codes_per_address_per_day: i64,
    /// Codes one IPv4 address or IPv6 /64 may ask for in an hour.
    pub codes_per_ip_per_hour: i64,
    /// Codes one IPv6 /48 may ask for in an hour.
    pub codes_per_ip48_per_hour: i64,
    /// Codes the whole portal sends in an hour: past it, sending pauses to
    /// protect the sender's reputation.
    pub codes_per_hour: i64,
    /// Wrong codes one address may type in a day, across codes.
    pub wrong_codes_per_address_per_day: i64,
    /// Open requests one address may have at once.
    pub open_requests_per_address: i64,
    /// Requests one address, and one client network, may file in a day.
    pub requests_per_address_per_day: i64,
    pub requests_per_ip_per_day: i64,
    /// Console sign-in attempts one client may make in an hour.
    pub logins_per_ip_per_hour: i64,
    /// Console sign-in attempts one IPv6 /48 may make in an hour.
    pub logins_per_ip48_per_hour: i64,
    /// Second-factor codes one client may type in an hour.
    pub dpo_codes_per_ip_per_hour: i64,
    /// Messages a subject may send on one request in a day.
    pub messages_per_request_per_day: i64,
    /// MiB of files one address may send in a day, across its requests.
    pub file_mb_per_address_per_day: i64,
    /// Calls one system's API key may make in a minute.
    pub api_calls_per_key_per_minute: i64,
}

impl Limits {
    /// Each limit: its variable, its default and its highest value (the
    /// lowest is 1).
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let limit = |variable, default, highest| number(get, variable, default, 1..=highest);
        const MANY: i64 = 10_000_000;
        Ok(Limits {
            codes_per_address_per_hour: limit("PORTAL_CODES_PER_ADDRESS_PER_HOUR", 3, MANY)?,
            codes_per_address_per_day: limit("PORTAL_CODES_PER_ADDRESS_PER_DAY", 10, MANY)?,
            codes_per_ip_per_hour: limit("PORTAL_CODES_PER_IP_PER_HOUR", 20, 100_000)?,
            codes_per_ip48_per_hour: limit("PORTAL_CODES_PER_IP48_PER_HOUR", 80, MANY)?,
            codes_per_hour: limit("PORTAL_CODES_PER_HOUR", 500, MANY)?,
            wrong_codes_per_address_per_day: limit(
                "PORTAL_WRONG_CODES_PER_ADDRESS_PER_DAY",
                10,
                MANY,
            )?,
            open_requests_per_address: limit("PORTAL_OPEN_REQUESTS_PER_ADDRESS", 5, MANY)?,
            requests_per_address_per_day: limit("PORTAL_REQUESTS_PER_ADDRESS_PER_DAY", 10, MANY)?,
            requests_per_ip_per_day: limit("PORTAL_REQUESTS_PER_IP_PER_DAY", 30, MANY)?,
            logins_per_ip_per_hour: limit("PORTAL_LOGINS_PER_IP_PER_HOUR", 30, 100_000)?,
            logins_per_ip48_per_hour: limit("PORTAL_LOGINS_PER_IP48_PER_HOUR", 120, 1_000_000)?,
            dpo_codes_per_ip_per_hour: limit("PORTAL_DPO_CODES_PER_IP_PER_HOUR", 30, 100_000)?,
            messages_per_request_per_day: limit("PORTAL_MESSAGES_PER_REQUEST_PER_DAY", 10, MANY)?,
            file_mb_per_address_per_day: limit(
                "PORTAL_FILE_MB_PER_ADDRESS_PER_DAY",
                60,
                1_000_000,
            )?,
            api_calls_per_key_per_minute: limit(
                "PORTAL_API_CALLS_PER_KEY_PER_MINUTE",
                600,
                1_000_000,
            )?,
        })
    }
}

/// A whole number setting within `range`, or `default` when unset.
fn number(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ConfigError> {
    match get(variable) {
        Some(value) => value
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                invalid(
                    variable,
                    format!(
                        "must be a whole number between {} and {}",
                        range.start(),
                        range.end()
                    ),
                )
            }),
        None => Ok(default),
    }
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        if raw.starts_with("sqlite:")
            || raw.starts_with("postgres://")
            || raw.starts_with("postgresql://")
        {
            Ok(DatabaseUrl(raw.to_owned()))
        } else {
            Err(invalid(
                "PORTAL_DATABASE_URL",
                "must start with sqlite:// (a file) or postgres:// (a server); example: sqlite://data/portal.db",
            ))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }

    /// The SQLite file this URL names, if it names one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self
            .0
            .strip_prefix("sqlite://")
            .or_else(|| self.0.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_sqlite() {
            return f.write_str(&self.0);
        }
        // A password with a bare `/`, `?` or `#` makes the URL unreadable
        // as a URL: then nothing of it is shown. A password may also come
        // as a query parameter.
        let Ok(mut url) = Url::parse(&self.0) else {
            return f.write_str("(not a URL; not shown)");
        };
        if url.password().is_some() {
            let _ = url.set_password(Some("***"));
        }
        if url.query().is_some() {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(name, value)| {
                    let hidden = name.contains("password") || name.contains("key");
                    let value = if hidden {
                        "***".into()
                    } else {
                        value.into_owned()
                    };
                    (name.into_owned(), value)
                })
                .collect();
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        write!(f, "{url}")
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl SmtpUrl {
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        // Validate with lettre itself, so what passes here also connects.
        // Its error is not echoed: it could quote the password.
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(raw).map_err(|_| {
            invalid(
                "PORTAL_SMTP_URL",
                "not an SMTP URL lettre understands; examples: smtp://127.0.0.1:25, \
                 smtp://user:pass@mail.example.com:587?tls=required, smtps://user:pass@mail.example.com",
            )
        })?;
        Ok(SmtpUrl(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The server's host name alone (no credentials).
    pub fn host(&self) -> Option<String> {
        Url::parse(&self.0).ok()?.host_str().map(str::to_owned)
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpUrl(<redacted>)")
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_url)
            .field("public_url", &self.public_url.as_str())
            .field("smtp", &self.smtp.as_ref().map(|_| "<configured>"))
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_are_an_embedded_sqlite_file_and_eml_files() {
        let config = config(&[]).unwrap();
        assert_eq!(config.database_url.expose(), "sqlite://data/portal.db");
        assert_eq!(
            config.database_url.sqlite_path(),
            Some(PathBuf::from("data/portal.db"))
        );
        assert_eq!(config.dpo_email.as_str(), "dpo@sofacto.com");
        assert!(config.smtp.is_none());
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(
            config.link("/my-requests"),
            "http://127.0.0.1:3000/my-requests"
        );
        assert!(!config.cookies_secure());
        assert!(!config.require_totp, "off over plain http");
    }

    #[test]
    fn a_second_factor_is_required_over_https_unless_turned_off() {
        let https = [("PORTAL_PUBLIC_URL", "https://privacy.sofacto.com")];
        assert!(config(&https).unwrap().require_totp);
        let off = [https[0], ("PORTAL_REQUIRE_TOTP", "off")];
        assert!(!config(&off).unwrap().require_totp);
        assert!(
            config(&[("PORTAL_REQUIRE_TOTP", "on")])
                .unwrap()
                .require_totp
        );
        assert!(config(&[("PORTAL_REQUIRE_TOTP", "maybe")]).is_err());
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        for (variable, value) in [
            ("PORTAL_DATABASE_URL", "mysql://localhost/db"),
            ("PORTAL_PUBLIC_URL", "privacy.sofacto.com"),
            ("PORTAL_PUBLIC_URL", "ftp://privacy.sofacto.com"),
            ("PORTAL_DPO_EMAIL", "dpo-at-sofacto"),
            ("PORTAL_MAIL_FROM", "<<nobody"),
            ("PORTAL_SMTP_URL", "http://mail.example.com"),
            ("PORTAL_OUTBOX_POLL_SECS", "0"),
            // Past the outbox's lease, a second attempt could start.
            ("PORTAL_SMTP_TIMEOUT_SECS", "120"),
            ("PORTAL_CODES_PER_IP_PER_HOUR", "many"),
            ("PORTAL_CLIENT_IP_HEADER", "bad header"),
            ("PORTAL_MAX_FILE_MB", "0"),
            ("PORTAL_LOGINS_PER_IP_PER_HOUR", "lots"),
            ("PORTAL_RETENTION_DAYS", "0"),
            ("PORTAL_DIGEST_HOUR", "24"),
            ("PORTAL_SECRET_KEY", "too short"),
            ("PORTAL_AUDIT_KEY", "too short"),
            ("PORTAL_METRICS_TOKEN", "too short"),
            ("PORTAL_CODES_PER_HOUR", "0"),
            ("PORTAL_OPEN_REQUESTS_PER_ADDRESS", "-1"),
        ] {
            let error = config(&[(variable, value)]).unwrap_err();
            assert_eq!(error.variable, variable, "{value}");
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("configuration error: {variable}: "))
            );
        }
    }

    #[test]
    fn secrets_are_never_printed() {
        let error =
            config(&[("PORTAL_SMTP_URL", "smtx://user:hunter2@mail.example.com")]).unwrap_err();
        assert!(!error.to_string().contains("hunter2"));

        let config = config(&[
            ("PORTAL_SMTP_URL", "smtps://user:hunter2@mail.example.com"),
            (
                "PORTAL_DATABASE_URL",
                "postgres://portal:s3cret@db.example.com/portal",
            ),
            ("PORTAL_PUBLIC_URL", "https://privacy.sofacto.com"),
        ])
        .unwrap();
        let printed = format!("{config:?} {}", config.database_url);
        assert!(
            !printed.contains("hunter2") && !printed.contains("s3cret"),
            "{printed}"
        );
        assert!(config.cookies_secure());

        // A password that breaks the URL, or one given as a parameter.
        for (url, shown) in [
            (
                "postgres://portal:ab/cd@db.example.com/portal",
                "(not a URL; not shown)",
            ),
            (
                "postgres://portal@db.example.com/portal?password=s3cret&sslmode=verify-full",
                "postgres://portal@db.example.com/portal?password=***&sslmode=verify-full",
            ),
        ] {
            let url = DatabaseUrl::parse(url).unwrap();
            assert_eq!(url.to_string(), shown);
        }
    }
}
