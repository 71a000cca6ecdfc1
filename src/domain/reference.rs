use serde::{Deserialize, Serialize};
use std::fmt;

/// Crockford's base32: no I, L, O or U, so nothing is misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A request's public reference, `R-7K3M-9QX2`: 40 random bits, easy to
/// read out on the phone, impossible to guess from another one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference(String);

impl Reference {
    /// Builds a reference from 40 random bits (5 bytes).
    pub fn from_random(bytes: [u8; 5]) -> Self {
        let mut value = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let mut chars = [0u8; 8];
        for slot in chars.iter_mut().rev() {
            *slot = ALPHABET[(value & 31) as usize];
            value >>= 5;
        }
        let s = std::str::from_utf8(&chars).unwrap_or_default();
        Reference(format!("R-{}-{}", &s[..4], &s[4..]))
    }

    /// Accepts what a person might type: lower case, spaces, O for 0, I or
    /// L for 1, with or without the dashes.
    pub fn parse(input: &str) -> Option<Self> {
        let trimmed = input.trim();
        let explicit_prefix = trimmed
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case("r-"));
        let rest = if explicit_prefix {
            &trimmed[2..]
        } else {
            trimmed
        };
        let mut body: String = rest
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        if !explicit_prefix && body.len() == 9 && body.starts_with('R') {
            body.remove(0);
        }
        (body.len() == 8 && body.bytes().all(|b| ALPHABET.contains(&b)))
            .then(|| Reference(format!("R-{}-{}", &body[..4], &body[4..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reference {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Reference::parse(&value).ok_or_else(|| "not a request reference".to_owned())
    }
}

impl From<Reference> for String {
    fn from(value: Reference) -> Self {
        value.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_have_the_documented_shape() {
        let reference = Reference::from_random([0xff, 0x00, 0x12, 0x34, 0x56]);
        let s = reference.as_str();
        assert_eq!(s.len(), 11);
        assert!(s.starts_with("R-") && s.as_bytes()[6] == b'-');
        assert!(
            s[2..]
                .chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
        );
        assert_eq!(Reference::from_random([0; 5]).as_str(), "R-0000-0000");
        assert_eq!(Reference::from_random([0xff; 5]).as_str(), "R-ZZZZ-ZZZZ");
    }

    #[test]
    fn typed_references_are_read_leniently() {
        let expected = Reference::parse("R-7K3M-9QX2").unwrap();
        for typed in ["r-7k3m-9qx2", "R 7K3M 9QX2", "7K3M9QX2", "R-7K3M-9QX2 "] {
            assert_eq!(Reference::parse(typed).as_ref(), Some(&expected), "{typed}");
        }
        assert_eq!(
            Reference::parse("R-OIL0-0000").unwrap().as_str(),
            "R-0110-0000"
        );
        assert!(Reference::parse("R-7K3M-9QX").is_none());
        assert!(
            Reference::parse("R-7K3M-9QXU").is_none(),
            "U is not in the alphabet"
        );
        assert!(Reference::parse("€x").is_none() && Reference::parse("é").is_none());
    }
}
