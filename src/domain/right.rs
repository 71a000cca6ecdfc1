use serde::{Deserialize, Serialize};

/// The six rights of GDPR Articles 15 to 21 that a data subject can exercise
/// through the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RightKind {
    Access,
    Rectification,
    Erasure,
    Restriction,
    Portability,
    Objection,
}

impl RightKind {
    pub const ALL: [RightKind; 6] = [
        RightKind::Access,
        RightKind::Rectification,
        RightKind::Erasure,
        RightKind::Restriction,
        RightKind::Portability,
        RightKind::Objection,
    ];

    /// The stable name used in URLs, forms and the database.
    pub fn slug(self) -> &'static str {
        match self {
            RightKind::Access => "access",
            RightKind::Rectification => "rectification",
            RightKind::Erasure => "erasure",
            RightKind::Restriction => "restriction",
            RightKind::Portability => "portability",
            RightKind::Objection => "objection",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|right| right.slug() == slug)
    }

    /// The GDPR article that grants the right.
    pub fn article(self) -> u8 {
        match self {
            RightKind::Access => 15,
            RightKind::Rectification => 16,
            RightKind::Erasure => 17,
            RightKind::Restriction => 18,
            RightKind::Portability => 20,
            RightKind::Objection => 21,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_right_parses_back_from_its_slug() {
        for right in RightKind::ALL {
            assert_eq!(RightKind::parse(right.slug()), Some(right));
        }
        assert_eq!(RightKind::parse("complaint"), None);
    }

    #[test]
    fn index_follows_the_order_of_all() {
        for (i, right) in RightKind::ALL.into_iter().enumerate() {
            assert_eq!(right.index(), i);
        }
    }
}
