//! Limits counted in the database, so that they hold across instances: one
//! row per counter and fixed window, incremented atomically, so parallel
//! requests are counted one by one. Counter names carry no address: each is
//! an HMAC-SHA-256 under a key derived from the server's secret for the UTC
//! day of its window, so the keys rotate daily and a leaked table cannot be
//! reversed by hashing every IPv4 address or common mailbox.

use crate::clock::Millis;
use crate::config::Limits;
use crate::db::Pool;
use anyhow::Context;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;
use std::net::IpAddr;

pub const HOUR_MS: Millis = 3_600_000;
pub const DAY_MS: Millis = 24 * HOUR_MS;

/// The server's secret for counter names: `PORTAL_SECRET_KEY`, or one
/// generated at first start and kept in the database (the same for every
/// instance).
pub struct CounterKey {
    secret: Vec<u8>,
}

impl CounterKey {
    pub fn new(secret: &[u8]) -> Self {
        CounterKey {
            secret: secret.to_vec(),
        }
    }

    /// The configured secret, or the stored one (made and stored on first
    /// start; whichever instance stores first wins).
    pub async fn load(pool: &Pool, configured: Option<&str>) -> anyhow::Result<Self> {
        if let Some(secret) = configured {
            return Ok(CounterKey::new(secret.as_bytes()));
        }
        let fresh = crate::secure::hex(&crate::secure::random_bytes::<32>());
        sqlx::query(
            "INSERT INTO server_secrets (name, value) VALUES ('counters', $1) ON CONFLICT (name) DO NOTHING",
        )
        .bind(&fresh)
        .execute(pool)
        .await
        .context("limits: store a new secret")?;
        let stored: String =
            sqlx::query("SELECT value FROM server_secrets WHERE name = 'counters'")
                .fetch_one(pool)
                .await
                .context("limits: read the secret")?
                .get("value");
        Ok(CounterKey::new(stored.as_bytes()))
    }

    fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
        for part in parts {
            mac.update(part);
            mac.update(&[0]);
        }
        mac.finalize().into_bytes().to_vec()
    }

    /// A stable keyed hash of `value` for the audit log (a search typed by
    /// a DPO): whoever holds the key can check what was searched; the log
    /// itself holds no personal data.
    pub fn audit_tag(&self, value: &str) -> String {
        crate::secure::hex(&Self::mac(&self.secret, &[b"audit", value.as_bytes()]))
    }

    /// The counter's name for `value` in the window starting at
    /// `window_start`: `kind:` and the HMAC under that UTC day's key.
    pub fn name(&self, kind: &str, value: &str, window_start: Millis) -> String {
        let day = window_start.div_euclid(DAY_MS).to_string();
        let day_key = Self::mac(&self.secret, &[b"counters", day.as_bytes()]);
        let mac = Self::mac(&day_key, &[kind.as_bytes(), value.as_bytes()]);
        format!("{kind}:{}", crate::secure::hex(&mac))
    }
}

crate::domain::choice::choice_enum! {
    /// Every counter the portal keeps. The slug begins the stored counter
    /// name, so it never changes.
    pub enum Counter {
        CodesPerAddressHour = "email-hour",
        CodesPerAddressDay = "email-day",
        CodesPerIpHour = "ip-hour",
        CodesPerIp48Hour = "ip48-hour",
        CodesPerHour = "codes-global-hour",
        /// Wrong codes typed by the browser that asked for the code.
        WrongCodesDay = "wrong-codes-day",
        /// Wrong codes typed elsewhere, capped apart so that another
        /// browser cannot use up the owner's day.
        WrongCodesOtherDay = "wrong-codes-other-day",
        RequestsPerAddressDay = "requests-day",
        RequestsPerIpDay = "requests-ip-day",
        LoginsPerIpHour = "dpo-login-ip",
        /// Console sign-ins from one IPv6 /48.
        LoginsPerIp48Hour = "dpo-login-ip48",
        /// Second-factor codes typed from one client network.
        DpoCodesPerIpHour = "dpo-code-ip",
        /// A subject's messages on one request.
        MessagesPerRequestDay = "messages-day",
        /// The bytes of the files one address sends.
        FileBytesPerAddressDay = "file-bytes-day",
        /// Calls one system's API key makes (`crate::api`).
        ApiCallsPerKeyMinute = "api-key-minute",
    }
}

impl Counter {
    /// The fixed window the counter counts in.
    pub fn window_ms(self) -> Millis {
        match self {
            Counter::CodesPerAddressHour
            | Counter::CodesPerIpHour
            | Counter::CodesPerIp48Hour
            | Counter::CodesPerHour
            | Counter::LoginsPerIpHour
            | Counter::LoginsPerIp48Hour
            | Counter::DpoCodesPerIpHour => HOUR_MS,
            Counter::CodesPerAddressDay
            | Counter::WrongCodesDay
            | Counter::WrongCodesOtherDay
            | Counter::RequestsPerAddressDay
            | Counter::RequestsPerIpDay
            | Counter::MessagesPerRequestDay
            | Counter::FileBytesPerAddressDay => DAY_MS,
            Counter::ApiCallsPerKeyMinute => 60_000,
        }
    }

    /// Its maximum in the window, from the settings.
    pub fn max(self, limits: &Limits) -> i64 {
        match self {
            Counter::CodesPerAddressHour => limits.codes_per_address_per_hour,
            Counter::CodesPerAddressDay => limits.codes_per_address_per_day,
            Counter::CodesPerIpHour => limits.codes_per_ip_per_hour,
            Counter::CodesPerIp48Hour => limits.codes_per_ip48_per_hour,
            Counter::CodesPerHour => limits.codes_per_hour,
            Counter::WrongCodesDay | Counter::WrongCodesOtherDay => {
                limits.wrong_codes_per_address_per_day
            }
            Counter::RequestsPerAddressDay => limits.requests_per_address_per_day,
            Counter::RequestsPerIpDay => limits.requests_per_ip_per_day,
            Counter::LoginsPerIpHour => limits.logins_per_ip_per_hour,
            Counter::LoginsPerIp48Hour => limits.logins_per_ip48_per_hour,
            Counter::DpoCodesPerIpHour => limits.dpo_codes_per_ip_per_hour,
            Counter::MessagesPerRequestDay => limits.messages_per_request_per_day,
            Counter::FileBytesPerAddressDay => limits.file_mb_per_address_per_day * 1_048_576,
            Counter::ApiCallsPerKeyMinute => limits.api_calls_per_key_per_minute,
        }
    }
}

/// One counter for one value (a mailbox key, a network, or nothing for
/// the portal-wide ones), with its maximum.
pub struct Limit<'a> {
    pub counter: Counter,
    pub value: &'a str,
    pub max: i64,
}

impl<'a> Limit<'a> {
    pub fn new(counter: Counter, value: &'a str, limits: &Limits) -> Self {
        Limit {
            counter,
            value,
            max: counter.max(limits),
        }
    }
}

// The policy: which counters each act is counted in.

/// A code sent to `mailbox` for `client`: the mailbox's hour and day, the
/// client's network (and its IPv6 /48). The portal-wide ceiling is
/// [`Counter::CodesPerHour`], counted after these.
pub fn code_sends<'a>(
    limits: &Limits,
    mailbox: &'a str,
    client: &'a ClientNetworks,
) -> Vec<Limit<'a>> {
    let mut checks = vec![
        Limit::new(Counter::CodesPerAddressHour, mailbox, limits),
        Limit::new(Counter::CodesPerAddressDay, mailbox, limits),
        Limit::new(Counter::CodesPerIpHour, &client.narrow, limits),
    ];
    if let Some(wide) = &client.wide {
        checks.push(Limit::new(Counter::CodesPerIp48Hour, wide, limits));
    }
    checks
}

/// Wrong codes for `mailbox` today: the browser that asked for the code
/// (`holds`) and the others are capped apart.
pub fn wrong_codes<'a>(limits: &Limits, mailbox: &'a str, holds: bool) -> Limit<'a> {
    let counter = if holds {
        Counter::WrongCodesDay
    } else {
        Counter::WrongCodesOtherDay
    };
    Limit::new(counter, mailbox, limits)
}

/// A request filed by `mailbox` from `client`.
pub fn filings<'a>(
    limits: &Limits,
    mailbox: &'a str,
    client: &'a ClientNetworks,
) -> [Limit<'a>; 2] {
    [
        Limit::new(Counter::RequestsPerAddressDay, mailbox, limits),
        Limit::new(Counter::RequestsPerIpDay, &client.narrow, limits),
    ]
}

/// A subject's message on the request `request_id`, from `mailbox`: the
/// request's messages of the day, and the address's bytes of files.
pub fn messages<'a>(limits: &Limits, request_id: &'a str, mailbox: &'a str) -> [Limit<'a>; 2] {
    [
        Limit::new(Counter::MessagesPerRequestDay, request_id, limits),
        Limit::new(Counter::FileBytesPerAddressDay, mailbox, limits),
    ]
}

/// The share of the hourly ceiling on codes kept for known addresses.
pub const RESERVED_PERCENT: i64 = 20;

/// What new addresses may use of a ceiling of `max`: all but the reserved
/// share (at least one kept when the ceiling allows it).
pub fn newcomers_share(max: i64) -> i64 {
    let reserved = (max * RESERVED_PERCENT)
        .div_euclid(100)
        .max(i64::from(max > 1));
    max - reserved
}

/// Whether `limit`'s count in the window that holds `now` is within its
/// maximum, without counting anything.
pub async fn within(
    conn: &mut sqlx::AnyConnection,
    key: &CounterKey,
    limit: &Limit<'_>,
    now: Millis,
) -> anyhow::Result<bool> {
    let window_start = now - now.rem_euclid(limit.counter.window_ms());
    let count: Option<i64> = sqlx::query_scalar(
        "SELECT sends FROM send_counters WHERE counter = $1 AND window_start = $2",
    )
    .bind(key.name(limit.counter.slug(), limit.value, window_start))
    .bind(window_start)
    .fetch_optional(conn)
    .await
    .context("limits: read a count")?;
    Ok(count.unwrap_or(0) <= limit.max)
}

/// Counts one more event for `limit` in the window that holds `now`;
/// `false` when that makes more than its maximum.
pub async fn hit(
    conn: &mut sqlx::AnyConnection,
    key: &CounterKey,
    limit: &Limit<'_>,
    now: Millis,
) -> anyhow::Result<bool> {
    hit_by(conn, key, limit, now, 1).await
}

/// Counts `amount` more (bytes, say) for `limit` in the window that holds
/// `now`; `false` when that makes more than its maximum.
pub async fn hit_by(
    conn: &mut sqlx::AnyConnection,
    key: &CounterKey,
    limit: &Limit<'_>,
    now: Millis,
    amount: i64,
) -> anyhow::Result<bool> {
    let window_start = now - now.rem_euclid(limit.counter.window_ms());
    let count: i64 = sqlx::query(
        "INSERT INTO send_counters (counter, window_start, sends) VALUES ($1, $2, $3) \
         ON CONFLICT (counter, window_start) DO UPDATE SET sends = send_counters.sends + $3 RETURNING sends",
    )
    .bind(key.name(limit.counter.slug(), limit.value, window_start))
    .bind(window_start)
    .bind(amount)
    .fetch_one(conn)
    .await
    .context("limits: count")?
    .get("sends");
    Ok(count <= limit.max)
}

/// How many events `limit` has counted in the window that holds `now`.
pub async fn count(
    conn: &mut sqlx::AnyConnection,
    key: &CounterKey,
    limit: &Limit<'_>,
    now: Millis,
) -> anyhow::Result<i64> {
    let window_start = now - now.rem_euclid(limit.counter.window_ms());
    let row =
        sqlx::query("SELECT sends FROM send_counters WHERE counter = $1 AND window_start = $2")
            .bind(key.name(limit.counter.slug(), limit.value, window_start))
            .bind(window_start)
            .fetch_optional(conn)
            .await
            .context("limits: read a count")?;
    Ok(row.map_or(0, |r| r.get("sends")))
}

/// The networks a client is counted in: its IPv4 address; or for IPv6 its
/// /64 (one subscriber) and its /48 (one site), the wider one with a higher
/// limit. IPv4-mapped IPv6 addresses count as the IPv4 address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientNetworks {
    pub narrow: String,
    pub wide: Option<String>,
}

impl ClientNetworks {
    pub fn of(ip: Option<IpAddr>) -> Self {
        match ip.map(|ip| ip.to_canonical()) {
            Some(IpAddr::V6(v6)) => {
                let [a, b, c, d, ..] = v6.segments();
                ClientNetworks {
                    narrow: format!("{a:x}:{b:x}:{c:x}:{d:x}::/64"),
                    wide: Some(format!("{a:x}:{b:x}:{c:x}::/48")),
                }
            }
            Some(IpAddr::V4(v4)) => ClientNetworks {
                narrow: v4.to_string(),
                wide: None,
            },
            None => ClientNetworks {
                narrow: String::new(),
                wide: None,
            },
        }
    }

    /// The client of a request: the TCP peer, or behind a proxy the last
    /// address of the last `forwarded_header` line (the one the proxy
    /// itself wrote; anything before it came from the client).
    pub fn of_request(parts: &axum::http::request::Parts, forwarded_header: Option<&str>) -> Self {
        let forwarded = forwarded_header
            .and_then(|name| parts.headers.get_all(name).iter().next_back())
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|last| last.trim().parse::<IpAddr>().ok());
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        ClientNetworks::of(forwarded.or(peer))
    }
}

/// Providers that deliver `name+tag@` to `name@`: the tag is dropped
/// before counting. Gmail also ignores dots in the local part.
const PLUS_TAG_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "me.com",
    "protonmail.com",
    "proton.me",
    "fastmail.com",
];

/// The mailbox an address reaches, for per-address limits: lower case, a
/// punycode domain, and for the providers above without `+tag` (and for
/// Gmail without dots), so that `J.Doe+1@GMail.com` and `jdoe@gmail.com`
/// share one count.
pub fn mailbox_key(address: &str) -> String {
    let lower = address.trim().to_lowercase();
    let Some((local, domain)) = lower.rsplit_once('@') else {
        return lower;
    };
    let domain = idna::domain_to_ascii(domain).unwrap_or_else(|_| domain.to_owned());
    let domain = if domain == "googlemail.com" {
        "gmail.com".to_owned()
    } else {
        domain
    };
    let mut local = local.to_owned();
    if PLUS_TAG_DOMAINS.contains(&domain.as_str()) {
        if let Some((name, _tag)) = local.split_once('+') {
            local = name.to_owned();
        }
        if domain == "gmail.com" {
            local.retain(|c| c != '.');
        }
    }
    format!("{local}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifth_of_the_code_ceiling_is_kept_for_known_addresses() {
        assert_eq!(newcomers_share(500), 400);
        assert_eq!(newcomers_share(5), 4);
        assert_eq!(newcomers_share(2), 1);
        assert_eq!(newcomers_share(1), 1, "nothing to keep");
    }

    #[test]
    fn one_mailbox_one_count() {
        let key = mailbox_key("jdoe@gmail.com");
        for alias in [
            "J.Doe+1@GMail.com",
            "j.d.o.e@googlemail.com",
            "jdoe+x+y@gmail.com",
        ] {
            assert_eq!(mailbox_key(alias), key, "{alias}");
        }
        assert_eq!(mailbox_key("Jane+x@Outlook.com"), "jane@outlook.com");
        assert_eq!(mailbox_key("jane+x@example.org"), "jane+x@example.org");
        assert_eq!(mailbox_key("j.ane@example.org"), "j.ane@example.org");
        assert_eq!(mailbox_key("marie@EXÄMPLE.fr"), "marie@xn--exmple-cua.fr");
    }

    #[test]
    fn names_depend_on_the_secret_the_day_and_the_value() {
        let key = CounterKey::new(b"secret one");
        let at = 1_790_000_000_000;
        let name = key.name("ip-hour", "203.0.113.7", at);
        assert!(name.starts_with("ip-hour:") && !name.contains("203.0.113.7"));
        assert_eq!(name, key.name("ip-hour", "203.0.113.7", at + HOUR_MS));
        assert_ne!(name, key.name("ip-hour", "203.0.113.8", at));
        assert_ne!(
            name,
            CounterKey::new(b"secret two").name("ip-hour", "203.0.113.7", at)
        );
        assert_ne!(
            name,
            key.name("ip-hour", "203.0.113.7", at + DAY_MS),
            "rotates daily"
        );
    }

    #[test]
    fn ipv6_counts_per_64_and_48_and_mapped_ipv4_as_ipv4() {
        let v6 = ClientNetworks::of(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        assert_eq!(v6.narrow, "2001:db8:1:2::/64");
        assert_eq!(v6.wide.as_deref(), Some("2001:db8:1::/48"));
        let mapped = ClientNetworks::of(Some("::ffff:203.0.113.7".parse().unwrap()));
        assert_eq!(
            mapped,
            ClientNetworks::of(Some("203.0.113.7".parse().unwrap()))
        );
        assert_eq!(mapped.wide, None);
    }

    fn parts(peer: &str, forwarded: &[&str]) -> axum::http::request::Parts {
        let mut request = axum::http::Request::builder().uri("/");
        for value in forwarded {
            request = request.header("x-forwarded-for", *value);
        }
        let (mut parts, _) = request.body(()).unwrap().into_parts();
        parts.extensions.insert(axum::extract::ConnectInfo(
            peer.parse::<std::net::SocketAddr>().unwrap(),
        ));
        parts
    }

    #[test]
    fn behind_a_proxy_the_last_value_of_the_last_line_counts() {
        let header = Some("x-forwarded-for");
        let proxy = "10.0.0.1:5000";
        let client = ClientNetworks::of(Some("203.0.113.7".parse().unwrap()));
        assert_eq!(
            ClientNetworks::of_request(&parts(proxy, &["198.51.100.1, 203.0.113.7"]), header),
            client
        );
        assert_eq!(
            ClientNetworks::of_request(&parts(proxy, &["198.51.100.1", "203.0.113.7"]), header),
            client,
            "a forged first line is ignored"
        );
        assert_eq!(
            ClientNetworks::of_request(&parts(proxy, &["203.0.113.9"]), None),
            ClientNetworks::of(Some("10.0.0.1".parse().unwrap())),
            "without the setting the header is ignored: anyone could forge it"
        );
    }
}
