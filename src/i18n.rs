//! The portal's two languages. Every text a person reads lives in one
//! `Texts` value per language, so a missing translation is a compile error.

use crate::domain::RightKind;
use serde::{Deserialize, Serialize};

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "portal_lang";
/// Six months: long enough to be remembered, short enough to be forgotten.
pub const LANG_COOKIE_MAX_AGE_SECS: u64 = 180 * 24 * 3600;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
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

    /// The language read from a `Cookie:` header value, if it names one.
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Lang::parse(value))
    }

    pub fn other(self) -> Self {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    pub fn pick<T>(self, fr: T, en: T) -> T {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// One text in both languages, side by side where it is used.
pub fn tr(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    lang.pick(fr, en)
}

pub struct RightText {
    /// The right's short name, e.g. "Effacement".
    pub name: &'static str,
    /// What the right gives, in one plain sentence.
    pub summary: &'static str,
    /// When a person would use it.
    pub example: &'static str,
    pub start: &'static str,
}

pub struct Texts {
    /// The other language's name, written in that language.
    pub switch_to: &'static str,
    pub switch_to_label: &'static str,
    pub skip_to_content: &'static str,
    pub site_name: &'static str,
    pub controller_line: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub home_steps_title: &'static str,
    pub home_steps: [&'static str; 3],
    pub rights_title: &'static str,
    pub rights: [RightText; 6],
    pub article: &'static str,
    pub gdpr: &'static str,
    pub portal_data_title: &'static str,
    pub portal_data: [&'static str; 4],
    pub complaint_title: &'static str,
    pub complaint_body: &'static str,
    pub complaint_link: &'static str,
    pub other_channels: &'static str,
    pub footer_dpo: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
}

impl Texts {
    pub fn right(&self, right: RightKind) -> &RightText {
        &self.rights[right.index()]
    }
}

pub static FR: Texts = Texts {
    switch_to: "English",
    switch_to_label: "Read this site in English",
    skip_to_content: "Aller au contenu",
    site_name: "Vos données chez SOFACTO",
    controller_line: "Portail des demandes relatives aux données personnelles",
    home_title: "Exercer vos droits sur vos données personnelles",
    home_intro: "SOFACTO traite des données sur les visiteurs de son site, ses prospects, ses clients et leurs équipes. Ce portail vous permet de nous demander, en quelques minutes, ce que le RGPD vous autorise à demander, et de suivre la réponse jusqu'au bout.",
    home_steps_title: "Comment ça se passe",
    home_steps: [
        "Vous choisissez un droit et confirmez votre adresse e-mail avec un code à 6 chiffres.",
        "Vous décrivez votre demande ; vous recevez aussitôt un accusé de réception avec sa référence et sa date limite de réponse.",
        "Notre délégué à la protection des données vous répond dans un délai d'un mois, prolongeable de deux mois pour les demandes complexes, et vous prévient à chaque étape.",
    ],
    rights_title: "Vos six droits",
    rights: [
        RightText {
            name: "Accès",
            summary: "Savoir quelles données SOFACTO détient sur vous, pourquoi, depuis où et jusqu'à quand, et en recevoir une copie.",
            example: "Par exemple : « Que savez-vous de moi depuis ma demande d'essai ? »",
            start: "Demander l'accès",
        },
        RightText {
            name: "Rectification",
            summary: "Faire corriger une donnée inexacte ou compléter une donnée incomplète.",
            example: "Par exemple : un nom mal orthographié, une ancienne adresse postale.",
            start: "Demander une rectification",
        },
        RightText {
            name: "Effacement",
            summary: "Faire supprimer tout ou partie de vos données, sauf celles que la loi nous oblige à garder.",
            example: "Par exemple : vous n'êtes plus intéressé par nos services.",
            start: "Demander l'effacement",
        },
        RightText {
            name: "Limitation",
            summary: "Geler l'utilisation de vos données sans les effacer, le temps d'une vérification ou d'une action en justice.",
            example: "Par exemple : vous contestez l'exactitude d'une donnée.",
            start: "Demander une limitation",
        },
        RightText {
            name: "Portabilité",
            summary: "Recevoir les données que vous nous avez fournies dans un format lisible par une machine (JSON ou CSV), ou les faire transmettre à un autre organisme.",
            example: "Par exemple : vous changez de prestataire.",
            start: "Demander la portabilité",
        },
        RightText {
            name: "Opposition",
            summary: "Vous opposer à un traitement fondé sur notre intérêt légitime ; pour la prospection commerciale, votre refus suffit, sans justification.",
            example: "Par exemple : ne plus recevoir nos messages commerciaux.",
            start: "M'opposer à un traitement",
        },
    ],
    article: "Article",
    gdpr: "RGPD",
    portal_data_title: "Ce que ce portail fait de vos données",
    portal_data: [
        "Nous ne collectons que ce qu'il faut pour traiter votre demande : votre adresse e-mail, votre nom, votre lien avec SOFACTO et le contenu de la demande.",
        "Les vérifications d'adresse non abouties sont effacées après 24 heures ; les demandes closes sont anonymisées après 3 ans.",
        "Seuls des cookies strictement nécessaires sont déposés (session, sécurité des formulaires, langue) ; aucun traceur, aucune ressource tierce.",
        "Vos données ne servent qu'à répondre à votre demande et à prouver que nous y avons répondu.",
    ],
    complaint_title: "Si vous n'êtes pas satisfait",
    complaint_body: "Vous pouvez à tout moment adresser une réclamation à la Commission nationale de l'informatique et des libertés (CNIL), autorité de contrôle française, sans avoir à passer d'abord par ce portail.",
    complaint_link: "Adresser une réclamation à la CNIL",
    other_channels: "Vous préférez écrire ? SOFACTO SAS, délégué à la protection des données, 256 rue de Thor, 34000 Montpellier, ou dpo@sofacto.com.",
    footer_dpo: "Responsable du traitement : SOFACTO SAS, 256 rue de Thor, 34000 Montpellier — RCS Montpellier 810 193 177.",
    not_found_title: "Page introuvable",
    not_found_body: "Cette adresse ne correspond à aucune page du portail.",
    back_home: "Retour à l'accueil",
};

pub static EN: Texts = Texts {
    switch_to: "Français",
    switch_to_label: "Lire ce site en français",
    skip_to_content: "Skip to content",
    site_name: "Your data at SOFACTO",
    controller_line: "Personal data request portal",
    home_title: "Exercise your rights over your personal data",
    home_intro: "SOFACTO processes data about visitors to its website, its prospects, its clients and their staff. This portal lets you ask us, in a few minutes, for anything the GDPR entitles you to, and follow the answer to the end.",
    home_steps_title: "How it works",
    home_steps: [
        "Choose a right and confirm your email address with a 6-digit code.",
        "Describe your request; you immediately get an acknowledgment with its reference and the date by which we must answer.",
        "Our data protection officer answers within one month, which can be extended by two months for complex requests, and keeps you informed at every step.",
    ],
    rights_title: "Your six rights",
    rights: [
        RightText {
            name: "Access",
            summary: "Find out which data SOFACTO holds about you, why, where it came from and how long it is kept, and get a copy.",
            example: "For example: \"What do you know about me since I asked for a trial?\"",
            start: "Ask for access",
        },
        RightText {
            name: "Rectification",
            summary: "Have inaccurate data corrected or incomplete data completed.",
            example: "For example: a misspelt name, an old postal address.",
            start: "Ask for a correction",
        },
        RightText {
            name: "Erasure",
            summary: "Have all or part of your data deleted, except what the law obliges us to keep.",
            example: "For example: you are no longer interested in our services.",
            start: "Ask for erasure",
        },
        RightText {
            name: "Restriction",
            summary: "Freeze the use of your data without deleting it, while something is checked or a legal claim is pursued.",
            example: "For example: you dispute the accuracy of some data.",
            start: "Ask for a restriction",
        },
        RightText {
            name: "Portability",
            summary: "Receive the data you gave us in a machine-readable format (JSON or CSV), or have it sent to another organisation.",
            example: "For example: you are moving to another provider.",
            start: "Ask for portability",
        },
        RightText {
            name: "Objection",
            summary: "Object to processing based on our legitimate interest; for direct marketing, your refusal is enough, no reason needed.",
            example: "For example: you no longer want our marketing messages.",
            start: "Object to processing",
        },
    ],
    article: "Article",
    gdpr: "GDPR",
    portal_data_title: "What this portal does with your data",
    portal_data: [
        "We collect only what is needed to handle your request: your email address, your name, your relation to SOFACTO and what you ask.",
        "Unfinished address checks are deleted after 24 hours; closed requests are anonymised after 3 years.",
        "Only strictly necessary cookies are set (session, form security, language); no trackers, nothing loaded from third parties.",
        "Your data is used only to answer your request and to prove that we did.",
    ],
    complaint_title: "If you are not satisfied",
    complaint_body: "You may lodge a complaint with the CNIL, the French data protection authority, at any time, without having to use this portal first.",
    complaint_link: "Lodge a complaint with the CNIL",
    other_channels: "Prefer to write? SOFACTO SAS, data protection officer, 256 rue de Thor, 34000 Montpellier, France, or dpo@sofacto.com.",
    footer_dpo: "Controller: SOFACTO SAS, 256 rue de Thor, 34000 Montpellier, France — RCS Montpellier 810 193 177.",
    not_found_title: "Page not found",
    not_found_body: "This address does not match any page of the portal.",
    back_home: "Back to the home page",
};

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "28 décembre 2026" / "28 December 2026".
pub fn long_date(lang: Lang, date: crate::domain::Date) -> String {
    let month = lang.pick(MONTHS_FR, MONTHS_EN)[(date.month as usize).saturating_sub(1) % 12];
    format!("{} {month} {}", date.day, date.year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_header_selects_the_language() {
        assert_eq!(
            Lang::from_cookie_header("a=1; portal_lang=en; b=2"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_cookie_header("portal_lang=de"), None);
        assert_eq!(Lang::from_cookie_header(""), None);
    }

    #[test]
    fn rights_are_named_as_the_policy_names_them() {
        let fr: Vec<_> = RightKind::ALL.iter().map(|r| FR.right(*r).name).collect();
        assert_eq!(
            fr,
            [
                "Accès",
                "Rectification",
                "Effacement",
                "Limitation",
                "Portabilité",
                "Opposition"
            ]
        );
        let en: Vec<_> = RightKind::ALL.iter().map(|r| EN.right(*r).name).collect();
        assert_eq!(
            en,
            [
                "Access",
                "Rectification",
                "Erasure",
                "Restriction",
                "Portability",
                "Objection"
            ]
        );
    }
}
