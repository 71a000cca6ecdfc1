//! The optional second factor: TOTP (RFC 6238, 30-second steps, 6 digits,
//! one step of drift either way, each step accepted once) and ten
//! single-use recovery codes, stored as hashes.

use crate::secure::{random_bytes, sha256_hex};
use qrcode::QrCode;
use qrcode::render::svg;
use totp_rs::{Algorithm, Builder, Secret, Totp};

const ISSUER: &str = "SOFACTO";
/// Crockford's base32, as for request references: nothing is misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const RECOVERY_CODES: usize = 10;

/// A new secret of 160 random bits, in base32 as authenticator apps take it.
pub fn new_secret() -> String {
    Secret::new(Box::new(random_bytes::<20>())).to_base32()
}

fn totp(secret: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .ok()
}

/// The time step `code` belongs to, if it is right within one step.
pub fn matching_step(secret: &str, code: &str, now_secs: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, "-")?.check(&code, now_secs)
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &str, account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The QR code of `url`, drawn on the server as SVG.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// Ten codes such as `7K3M9-QX2AB`, each usable once instead of the app.
pub fn recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            // 16 characters of 32: 80 bits.
            let chars: String = random_bytes::<16>()
                .iter()
                .map(|b| ALPHABET[usize::from(b & 31)] as char)
                .collect();
            format!(
                "{}-{}-{}-{}",
                &chars[..4],
                &chars[4..8],
                &chars[8..12],
                &chars[12..]
            )
        })
        .collect()
}

/// A recovery code of `account_id` as typed, read leniently, then hashed
/// for storage with the account as its salt: one table of hashes cannot
/// be searched for every account at once.
pub fn recovery_hash(account_id: &str, typed: &str) -> String {
    sha256_hex(&["recovery", account_id, &normalized_recovery(typed)])
}

/// The hash of a code made before codes were salted (10 characters, 50
/// bits): still accepted until the DPO draws new ones.
pub fn legacy_recovery_hash(typed: &str) -> String {
    sha256_hex(&["recovery", &normalized_recovery(typed)])
}

fn normalized_recovery(typed: &str) -> String {
    let normalized: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    normalized
}

/// For tests and the CLI: the code an authenticator app shows at `time`.
pub fn code_at(secret: &str, time_secs: u64) -> Option<String> {
    Some(totp(secret, "-")?.generate(time_secs).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_one_step_either_side_only() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).unwrap();
        assert_eq!(matching_step(&secret, &code, now), Some(now / 30));
        assert_eq!(
            matching_step(&secret, &code, now + 30),
            Some(now / 30),
            "one step late"
        );
        assert_eq!(
            matching_step(&secret, &code, now - 30),
            Some(now / 30),
            "one step early"
        );
        assert_eq!(matching_step(&secret, &code, now + 90), None);
        assert_eq!(matching_step(&secret, "000000x", now), None);
    }

    #[test]
    fn the_rfc_6238_vector_holds() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890".
        let secret = Secret::new(Box::new(*b"12345678901234567890")).to_base32();
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109).unwrap(), "081804");
    }

    #[test]
    fn the_qr_code_is_svg_and_the_url_names_the_issuer() {
        let secret = new_secret();
        let url = otpauth_url(&secret, "dpo@sofacto.com").unwrap();
        assert!(
            url.starts_with("otpauth://totp/SOFACTO:dpo%40sofacto.com?"),
            "{url}"
        );
        let svg = qr_svg(&url).unwrap();
        assert!(svg.contains("<svg"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_leniently() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        let code = &codes[0];
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(
            recovery_hash("account", code),
            recovery_hash("account", &code.to_lowercase().replace('-', " "))
        );
        assert_ne!(
            recovery_hash("account", code),
            recovery_hash("another", code),
            "salted by the account"
        );
    }
}
