use super::choice::choice_enum;

choice_enum! {
    /// The six rights of GDPR Articles 15 to 21 that a data subject can
    /// exercise through the portal.
    pub enum RightKind {
        Access = "access",
        Rectification = "rectification",
        Erasure = "erasure",
        Restriction = "restriction",
        Portability = "portability",
        Objection = "objection",
    }
}

impl RightKind {
    /// Whether the answer says which recipients were told of it (Art. 19:
    /// a rectification, an erasure or a restriction).
    pub fn tells_recipients(self) -> bool {
        matches!(
            self,
            RightKind::Rectification | RightKind::Erasure | RightKind::Restriction
        )
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_right_parses_back_from_its_slug() {
        for right in RightKind::ALL {
            assert_eq!(RightKind::parse(right.slug()), Some(*right));
        }
        assert_eq!(RightKind::parse("complaint"), None);
        assert_eq!(RightKind::ALL.len(), 6);
    }
}
