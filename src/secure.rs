//! Random secrets and their hashes. Secrets are stored only as SHA-256
//! hashes and compared in constant time.

use axum::http::request::Parts;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 256 random bits as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// A 6-digit code, uniform over the whole 000000–999999 range.
pub fn random_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

pub fn sha256_hex(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hex(&hasher.finalize())
}

/// The SHA-256 of a file's bytes, as 64 hex digits.
pub fn sha256_bytes_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Lower-case hexadecimal, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A hash of the client's network, for per-connection limits without
/// storing the address itself. Behind a reverse proxy, `forwarded_header`
/// (e.g. `x-forwarded-for`) names the header where the proxy puts the
/// client's address; its last entry is the one the proxy saw. IPv6 clients
/// are counted per /64, the block one subscriber usually gets.
pub fn client_ip_hash(parts: &Parts, forwarded_header: Option<&str>) -> String {
    use std::net::IpAddr;
    let forwarded = forwarded_header
        .and_then(|name| parts.headers.get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    let network = match forwarded.or(peer) {
        Some(IpAddr::V6(v6)) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
        Some(IpAddr::V4(v4)) => v4.to_string(),
        None => String::new(),
    };
    sha256_hex(&["ip", &network])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_six_digits_and_tokens_256_bits() {
        for _ in 0..1000 {
            let code = random_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
        let token = random_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, random_token());
    }

    #[test]
    fn codes_cover_the_low_end_of_the_range() {
        // A leading zero appears in about 10% of codes: 1000 draws without
        // one would mean the range is wrong.
        assert!((0..1000).map(|_| random_code()).any(|c| c.starts_with('0')));
    }

    fn parts(peer: &str, forwarded: Option<&str>) -> Parts {
        let mut request = axum::http::Request::builder().uri("/");
        if let Some(value) = forwarded {
            request = request.header("x-forwarded-for", value);
        }
        let (mut parts, _) = request.body(()).unwrap().into_parts();
        parts.extensions.insert(axum::extract::ConnectInfo(
            peer.parse::<std::net::SocketAddr>().unwrap(),
        ));
        parts
    }

    #[test]
    fn clients_are_counted_by_ipv4_address_or_ipv6_block() {
        let a = client_ip_hash(&parts("203.0.113.7:1000", None), None);
        assert_eq!(a, client_ip_hash(&parts("203.0.113.7:2000", None), None));
        assert_ne!(a, client_ip_hash(&parts("203.0.113.8:1000", None), None));
        let v6 = client_ip_hash(&parts("[2001:db8:1:2:aaaa::1]:1000", None), None);
        assert_eq!(
            v6,
            client_ip_hash(&parts("[2001:db8:1:2:bbbb::9]:1000", None), None),
            "same /64"
        );
        assert_ne!(
            v6,
            client_ip_hash(&parts("[2001:db8:1:3::1]:1000", None), None)
        );
    }

    #[test]
    fn behind_a_proxy_the_forwarded_address_counts() {
        let proxy = "10.0.0.1:5000";
        let header = Some("x-forwarded-for");
        let one = client_ip_hash(&parts(proxy, Some("198.51.100.1, 203.0.113.7")), header);
        let other = client_ip_hash(&parts(proxy, Some("203.0.113.8")), header);
        assert_ne!(one, other);
        assert_eq!(
            one,
            client_ip_hash(&parts("203.0.113.7:1", None), None),
            "the last entry is the client"
        );
        // Without the setting, the header is ignored: anyone could forge it.
        assert_eq!(
            client_ip_hash(&parts(proxy, Some("203.0.113.9")), None),
            client_ip_hash(&parts(proxy, None), None)
        );
    }

    #[test]
    fn hashes_separate_their_parts_and_compare_in_constant_time() {
        assert_ne!(sha256_hex(&["ab", "c"]), sha256_hex(&["a", "bc"]));
        let h = sha256_hex(&["x"]);
        assert!(constant_time_eq(&h, &sha256_hex(&["x"])));
        assert!(!constant_time_eq(&h, &sha256_hex(&["y"])));
    }
}
