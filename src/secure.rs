//! Random secrets and their hashes. Secrets are stored only as SHA-256
//! hashes and compared in constant time.

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

/// Secrets the portal must read back (a second factor's key) are sealed
/// with ChaCha20-Poly1305 under a key derived from `PORTAL_SECRET_KEY`,
/// which lives outside the database: a copy of the database alone does not
/// give them. Sealed values read `v1:` and hex (nonce, then ciphertext and
/// tag). Without the setting they are stored as they are, and a value
/// stored before sealing is read as it is.
pub struct SecretBox {
    key: Option<chacha20poly1305::Key>,
}

const SEALED: &str = "v1:";

impl SecretBox {
    pub fn new(secret_key: Option<&str>) -> Self {
        use hmac::{Hmac, Mac};
        let key = secret_key.map(|secret| {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
                .expect("HMAC takes any key length");
            mac.update(b"portal secrets at rest v1");
            let bytes: [u8; 32] = mac.finalize().into_bytes().into();
            chacha20poly1305::Key::from(bytes)
        });
        SecretBox { key }
    }

    /// Whether values are sealed (the setting is there).
    pub fn seals(&self) -> bool {
        self.key.is_some()
    }

    pub fn seal(&self, plain: &str) -> String {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let Some(key) = &self.key else {
            return plain.to_owned();
        };
        let nonce_bytes = random_bytes::<12>();
        let nonce = chacha20poly1305::Nonce::from_slice(&nonce_bytes);
        let sealed = chacha20poly1305::ChaCha20Poly1305::new(key)
            .encrypt(nonce, plain.as_bytes())
            .expect("sealing a short value cannot fail");
        format!("{SEALED}{}{}", hex(&nonce_bytes), hex(&sealed))
    }

    /// The value as it was sealed; `None` when it cannot be opened (another
    /// key, a changed byte, no key for a sealed value).
    pub fn open(&self, stored: &str) -> Option<String> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let Some(sealed) = stored.strip_prefix(SEALED) else {
            return Some(stored.to_owned());
        };
        let bytes = unhex(sealed)?;
        if bytes.len() < 12 + 16 {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = chacha20poly1305::ChaCha20Poly1305::new(self.key.as_ref()?)
            .decrypt(chacha20poly1305::Nonce::from_slice(nonce), sealed)
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Lower-case hexadecimal, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_unchanged() {
        let key = "0123456789abcdef0123456789abcdef";
        let sealed_box = SecretBox::new(Some(key));
        let sealed = sealed_box.seal("JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with("v1:") && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(sealed, sealed_box.seal("JBSWY3DPEHPK3PXP"), "a fresh nonce");
        assert_eq!(
            sealed_box.open(&sealed).as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
        let other = SecretBox::new(Some("another key, also long enough....."));
        assert_eq!(other.open(&sealed), None);
        assert_eq!(SecretBox::new(None).open(&sealed), None);
        let mut changed = sealed.clone().into_bytes();
        let last = changed.len() - 1;
        changed[last] = if changed[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(sealed_box.open(&String::from_utf8(changed).unwrap()), None);
        // Stored before sealing, or without the setting: read as it is.
        assert_eq!(sealed_box.open("PLAIN").as_deref(), Some("PLAIN"));
        assert_eq!(SecretBox::new(None).seal("PLAIN"), "PLAIN");
    }

    #[test]
    fn hashes_separate_their_parts_and_compare_in_constant_time() {
        assert_ne!(sha256_hex(&["ab", "c"]), sha256_hex(&["a", "bc"]));
        let h = sha256_hex(&["x"]);
        assert!(constant_time_eq(&h, &sha256_hex(&["x"])));
        assert!(!constant_time_eq(&h, &sha256_hex(&["y"])));
    }
}
