//! A system's credentials. The API key (`spp_` and 64 hex digits) is shown
//! once and stored as its SHA-256: it is 256 random bits, so a plain hash
//! is as good as a slow one and lets each call find its system by index.
//! The webhook secret follows Standard Webhooks (`whsec_` and base64 of 32
//! random bytes) and signs each delivery as that specification says.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What every API key starts with, so that a leaked one is recognised
/// (secret scanners, logs) for what it is.
pub const API_KEY_PREFIX: &str = "spp_";
pub const SECRET_PREFIX: &str = "whsec_";

pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", crate::secure::random_token())
}

pub fn key_hash(api_key: &str) -> String {
    crate::secure::sha256_hex(&["system api key", api_key])
}

/// The key's prefix and first four hex digits: enough to tell two keys
/// apart in a list, far too little to guess one.
pub fn hint(api_key: &str) -> String {
    api_key.chars().take(API_KEY_PREFIX.len() + 4).collect()
}

pub fn new_webhook_secret() -> String {
    format!(
        "{SECRET_PREFIX}{}",
        STANDARD.encode(crate::secure::random_bytes::<32>())
    )
}

/// The `webhook-signature` header's value for one delivery: `v1,` and the
/// base64 HMAC-SHA256, under the secret's decoded bytes, of
/// `id.timestamp.body`. `None` when the secret is not `whsec_` + base64.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_say_what_they_are_and_differ() {
        let (a, b) = (new_api_key(), new_api_key());
        assert!(a.starts_with("spp_") && a.len() == 4 + 64);
        assert_ne!(a, b);
        assert_ne!(key_hash(&a), key_hash(&b));
        assert_eq!(hint(&a).len(), 8);
    }

    /// The example of the Standard Webhooks specification's reference
    /// libraries: this secret, id, timestamp and body sign to this value.
    #[test]
    fn signatures_match_the_specifications_example() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(sign("MfKQ9r8", "id", 1, body), None);
    }

    #[test]
    fn a_new_secret_signs() {
        let secret = new_webhook_secret();
        assert!(secret.starts_with("whsec_"));
        assert!(sign(&secret, "id", 1, b"{}").is_some_and(|s| s.starts_with("v1,")));
    }
}
