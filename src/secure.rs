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
    fn hashes_separate_their_parts_and_compare_in_constant_time() {
        assert_ne!(sha256_hex(&["ab", "c"]), sha256_hex(&["a", "bc"]));
        let h = sha256_hex(&["x"]);
        assert!(constant_time_eq(&h, &sha256_hex(&["x"])));
        assert!(!constant_time_eq(&h, &sha256_hex(&["y"])));
    }
}
