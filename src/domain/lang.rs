use serde::{Deserialize, Serialize};

/// The two languages of the portal: of its pages, and of each request (its
/// emails are written in it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }
}

impl TryFrom<String> for Lang {
    type Error = String;
    fn try_from(code: String) -> Result<Self, String> {
        Lang::parse(&code).ok_or_else(|| format!("not a language: {code}"))
    }
}

impl super::choice::Choice for Lang {
    fn all() -> &'static [Self] {
        &Lang::ALL
    }
    fn slug(self) -> &'static str {
        self.code()
    }
}
