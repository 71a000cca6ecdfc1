//! Filing a request (SPEC §3.3–3.4): the common fields, the fields of each
//! right, checked on the server and echoed in the browser, stored in one
//! transaction with its timeline event and its two emails.

use crate::domain::{Email, RightKind};
use crate::error::AppError;
use crate::features::forms::{
    ErrorCode, FieldErrors, FormOutcome, MAX_LINE_CHARS, MAX_TEXT_CHARS, optional, required,
};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[cfg(feature = "ssr")]
pub mod ssr;
mod views;

pub use views::RequestFormPage;

/// A choice: its stored value, then its French and English labels.
pub type Choice = (&'static str, &'static str, &'static str);

pub const RELATIONS: &[Choice] = &[
    ("visitor", "Visiteur du site internet", "Website visitor"),
    (
        "prospect",
        "Prospect (demande de documentation, d'essai…)",
        "Prospect (asked for documentation, a trial…)",
    ),
    ("client", "Client", "Client"),
    (
        "client_staff",
        "Membre du personnel d'un client",
        "Member of a client's staff",
    ),
    (
        "occasional_contact",
        "Contact occasionnel",
        "Occasional contact",
    ),
    ("regular_contact", "Contact régulier", "Regular contact"),
];

pub const CHANNELS: &[Choice] = &[
    ("email", "Par e-mail", "By email"),
    ("phone", "Par téléphone", "By phone"),
    ("postal", "Par courrier postal", "By post"),
    ("in_person", "Lors d'un rendez-vous", "In person"),
];

/// The categories of data SOFACTO's privacy policy lists, with what each
/// holds and how long it is kept.
pub const CATEGORIES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "navigation",
        "Données de navigation",
        "adresse IP, durée de visite, type de navigateur, pages consultées — conservées 6 mois",
        "Browsing data",
        "IP address, visit time, browser type, pages visited — kept 6 months",
    ),
    (
        "prospect",
        "Données de prospect",
        "identité, coordonnées, demandes de documentation ou d'essai, échanges — conservées 3 ans",
        "Prospect data",
        "identity, contact details, documentation or trial requests, exchanges — kept 3 years",
    ),
    (
        "client",
        "Données client",
        "contrat, facturation, moyens de paiement, factures et règlements — conservées pendant le contrat puis 3 ans",
        "Client data",
        "contract, billing, payment means, invoices and payments — kept for the contract, then 3 years",
    ),
    (
        "contact",
        "Coordonnées de contact régulier",
        "noms, civilité, adresse postale, e-mail, téléphones, profils LinkedIn et Twitter",
        "Regular contact details",
        "names, title, postal address, email, phone numbers, LinkedIn and Twitter profiles",
    ),
];

pub const ERASURE_GROUNDS: &[Choice] = &[
    (
        "no_longer_necessary",
        "Les données ne sont plus nécessaires",
        "The data is no longer needed",
    ),
    (
        "consent_withdrawn",
        "Je retire mon consentement",
        "I withdraw my consent",
    ),
    (
        "objection",
        "Je m'oppose au traitement",
        "I object to the processing",
    ),
    (
        "unlawful",
        "Le traitement est illicite",
        "The processing is unlawful",
    ),
    (
        "legal_obligation",
        "Une obligation légale impose l'effacement",
        "A legal obligation requires erasure",
    ),
];

pub const RESTRICTION_GROUNDS: &[Choice] = &[
    (
        "accuracy_contested",
        "Je conteste l'exactitude des données",
        "I contest the accuracy of the data",
    ),
    (
        "unlawful_no_erasure",
        "Le traitement est illicite mais je ne veux pas l'effacement",
        "The processing is unlawful but I do not want erasure",
    ),
    (
        "legal_claims",
        "J'en ai besoin pour constater, exercer ou défendre des droits en justice",
        "I need the data for legal claims",
    ),
    (
        "objection_pending",
        "Mon opposition est en cours d'examen",
        "My objection is being examined",
    ),
];

pub const FORMATS: &[Choice] = &[("json", "JSON", "JSON"), ("csv", "CSV", "CSV")];

pub const DESTINATIONS: &[Choice] = &[
    ("me", "À moi", "To me"),
    (
        "organisation",
        "Directement à un autre organisme",
        "Directly to another organisation",
    ),
];

pub const PROCESSINGS: &[Choice] = &[
    (
        "prospecting",
        "La prospection commerciale",
        "Direct marketing",
    ),
    (
        "statistics",
        "Les statistiques et la segmentation",
        "Statistics and segmentation",
    ),
    (
        "other_legitimate_interest",
        "Un autre traitement fondé sur l'intérêt légitime de SOFACTO",
        "Other processing based on SOFACTO's legitimate interest",
    ),
];

pub fn label(choices: &[Choice], value: &str, lang: Lang) -> &'static str {
    choices
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(_, fr, en)| lang.pick(*fr, *en))
        .unwrap_or("")
}

fn is_choice(choices: &[Choice], value: &str) -> bool {
    choices.iter().any(|(v, _, _)| *v == value)
}

/// The form as typed: every value a string, so it can be shown again as is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct RequestForm {
    /// One per form display, so a double submission stores one request.
    pub submission_key: String,
    pub right: String,
    #[validate(length(max = 200, code = "too_long"))]
    pub first_name: String,
    #[validate(length(max = 200, code = "too_long"))]
    pub last_name: String,
    pub relation: String,
    #[validate(length(max = 200, code = "too_long"))]
    pub customer_number: String,
    pub reply_channel: String,
    #[validate(length(max = 40, code = "too_long"))]
    pub reply_phone: String,
    #[validate(length(max = 5000, code = "too_long"))]
    pub reply_postal: String,
    pub lang: String,
    /// `all` or `some` (then the `cat_*` boxes).
    pub scope: String,
    pub cat_navigation: Option<String>,
    pub cat_prospect: Option<String>,
    pub cat_client: Option<String>,
    pub cat_contact: Option<String>,
    pub rows: Vec<RectificationRow>,
    #[validate(length(max = 5000, code = "too_long"))]
    pub statement: String,
    /// The "add a row" button, without JavaScript.
    pub add_row: Option<String>,
    pub erasure_ground: String,
    pub restriction_ground: String,
    pub format: String,
    pub destination: String,
    #[validate(length(max = 200, code = "too_long"))]
    pub org_name: String,
    pub org_email: String,
    pub processing: String,
    #[validate(length(max = 5000, code = "too_long"))]
    pub reason: String,
    #[validate(length(max = 5000, code = "too_long"))]
    pub details: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RectificationRow {
    pub item: String,
    pub current: String,
    pub corrected: String,
}

impl RequestForm {
    fn category_boxes(&self) -> [(&'static str, bool); 4] {
        [
            ("navigation", self.cat_navigation.is_some()),
            ("prospect", self.cat_prospect.is_some()),
            ("client", self.cat_client.is_some()),
            ("contact", self.cat_contact.is_some()),
        ]
    }

    pub fn has_category(&self, category: &str) -> bool {
        self.category_boxes()
            .iter()
            .any(|(c, on)| *c == category && *on)
    }
}

/// How the person wants the answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum ReplyChannel {
    Email,
    Phone { number: String },
    Postal { address: String },
    InPerson,
}

/// All the data, or some categories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    All,
    Categories(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    pub item: String,
    pub current: Option<String>,
    pub corrected: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    Subject,
    Organisation { name: String, email: String },
}

/// What each right asks for, once checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "right", rename_all = "snake_case")]
pub enum RightDetails {
    Access {
        scope: Scope,
        details: Option<String>,
    },
    Rectification {
        rows: Vec<Rectification>,
        statement: Option<String>,
    },
    Erasure {
        scope: Scope,
        ground: Option<String>,
        details: Option<String>,
    },
    Restriction {
        ground: String,
        scope: Scope,
        details: Option<String>,
    },
    Portability {
        format: String,
        destination: Destination,
        details: Option<String>,
    },
    Objection {
        processing: String,
        reason: Option<String>,
    },
}

/// A request that passed every check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidRequest {
    pub right: RightKind,
    pub first_name: String,
    pub last_name: String,
    pub relation: String,
    pub customer_number: Option<String>,
    pub reply: ReplyChannel,
    pub lang: Lang,
    pub details: RightDetails,
}

fn choice(errors: &mut FieldErrors, field: &str, choices: &[Choice], value: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, ErrorCode::Required);
    } else if !is_choice(choices, value) {
        errors.add(field, ErrorCode::InvalidChoice);
    }
    value.to_owned()
}

fn is_phone(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&digits)
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()/".contains(c))
}

fn scope(form: &RequestForm, errors: &mut FieldErrors) -> Scope {
    match form.scope.trim() {
        "all" => Scope::All,
        "some" => {
            let chosen: Vec<String> = form
                .category_boxes()
                .iter()
                .filter(|(_, on)| *on)
                .map(|(c, _)| (*c).to_owned())
                .collect();
            if chosen.is_empty() {
                errors.add("categories", ErrorCode::ChooseCategory);
            }
            Scope::Categories(chosen)
        }
        "" => {
            errors.add("scope", ErrorCode::Required);
            Scope::All
        }
        _ => {
            errors.add("scope", ErrorCode::InvalidChoice);
            Scope::All
        }
    }
}

impl TryFrom<&RequestForm> for ValidRequest {
    type Error = FieldErrors;

    /// Every rule of the form, the same in the browser and on the server.
    fn try_from(form: &RequestForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let right = RightKind::parse(form.right.trim());
        // Only the fields this right's form shows can carry an error.
        let has_details = !matches!(right, Some(RightKind::Rectification | RightKind::Objection));
        if let Err(e) = form.validate() {
            for field in e.field_errors().keys() {
                if field.as_ref() != "details" || has_details {
                    errors.add(field.to_string(), ErrorCode::TooLong);
                }
            }
        }
        let e = &mut errors;
        if right.is_none() {
            e.add("right", ErrorCode::InvalidChoice);
        }
        let first_name = required(e, "first_name", &form.first_name, MAX_LINE_CHARS);
        let last_name = required(e, "last_name", &form.last_name, MAX_LINE_CHARS);
        let relation = choice(e, "relation", RELATIONS, &form.relation);
        let customer_number = optional(e, "customer_number", &form.customer_number, MAX_LINE_CHARS);
        let reply = match choice(e, "reply_channel", CHANNELS, &form.reply_channel).as_str() {
            "phone" => {
                let number = required(e, "reply_phone", &form.reply_phone, 40);
                if !number.is_empty() && !is_phone(&number) {
                    e.add("reply_phone", ErrorCode::InvalidPhone);
                }
                ReplyChannel::Phone { number }
            }
            "postal" => ReplyChannel::Postal {
                address: required(e, "reply_postal", &form.reply_postal, 1000),
            },
            "in_person" => ReplyChannel::InPerson,
            _ => ReplyChannel::Email,
        };
        let lang = Lang::parse(&form.lang).unwrap_or_else(|| {
            e.add("lang", ErrorCode::InvalidChoice);
            Lang::Fr
        });
        let details = if has_details {
            optional(e, "details", &form.details, MAX_TEXT_CHARS)
        } else {
            None
        };

        let right_details = match right.unwrap_or(RightKind::Access) {
            RightKind::Access => RightDetails::Access {
                scope: scope(form, e),
                details,
            },
            RightKind::Rectification => {
                let mut rows = Vec::new();
                for (i, row) in form.rows.iter().enumerate() {
                    if row.item.trim().is_empty()
                        && row.current.trim().is_empty()
                        && row.corrected.trim().is_empty()
                    {
                        continue;
                    }
                    let item = required(e, &format!("rows[{i}][item]"), &row.item, MAX_LINE_CHARS);
                    let current = optional(e, &format!("rows[{i}][current]"), &row.current, 1000);
                    let corrected =
                        required(e, &format!("rows[{i}][corrected]"), &row.corrected, 1000);
                    rows.push(Rectification {
                        item,
                        current,
                        corrected,
                    });
                }
                if rows.is_empty() {
                    e.add("rows[0][item]", ErrorCode::Required);
                    e.add("rows[0][corrected]", ErrorCode::Required);
                }
                if form.rows.len() > 50 {
                    e.add("rows", ErrorCode::TooLong);
                }
                let statement = optional(e, "statement", &form.statement, MAX_TEXT_CHARS);
                RightDetails::Rectification { rows, statement }
            }
            RightKind::Erasure => {
                let ground = form.erasure_ground.trim();
                let ground = if ground.is_empty() {
                    None
                } else {
                    Some(choice(e, "erasure_ground", ERASURE_GROUNDS, ground))
                };
                RightDetails::Erasure {
                    scope: scope(form, e),
                    ground,
                    details,
                }
            }
            RightKind::Restriction => {
                let ground = choice(
                    e,
                    "restriction_ground",
                    RESTRICTION_GROUNDS,
                    &form.restriction_ground,
                );
                RightDetails::Restriction {
                    ground,
                    scope: scope(form, e),
                    details,
                }
            }
            RightKind::Portability => {
                let format = choice(e, "format", FORMATS, &form.format);
                let destination =
                    match choice(e, "destination", DESTINATIONS, &form.destination).as_str() {
                        "organisation" => {
                            let name = required(e, "org_name", &form.org_name, MAX_LINE_CHARS);
                            let email = match Email::parse(&form.org_email) {
                                Ok(email) => email.as_str().to_owned(),
                                Err(crate::domain::EmailError::Empty) => {
                                    e.add("org_email", ErrorCode::Required);
                                    String::new()
                                }
                                Err(_) => {
                                    e.add("org_email", ErrorCode::InvalidEmail);
                                    String::new()
                                }
                            };
                            Destination::Organisation { name, email }
                        }
                        _ => Destination::Subject,
                    };
                RightDetails::Portability {
                    format,
                    destination,
                    details,
                }
            }
            RightKind::Objection => {
                let processing = choice(e, "processing", PROCESSINGS, &form.processing);
                // Direct marketing can be refused without a reason
                // (GDPR Art. 21(2)); every other objection needs one.
                let reason = if processing == "prospecting" {
                    optional(e, "reason", &form.reason, MAX_TEXT_CHARS)
                } else {
                    Some(required(e, "reason", &form.reason, MAX_TEXT_CHARS))
                };
                RightDetails::Objection { processing, reason }
            }
        };

        errors.into_result()?;
        Ok(ValidRequest {
            right: right.unwrap_or(RightKind::Access),
            first_name,
            last_name,
            relation,
            customer_number,
            reply,
            lang,
            details: right_details,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubmitOutcome {
    /// Stored (or already stored by an earlier click): show its receipt.
    Submitted {
        reference: String,
    },
    Invalid(FieldErrors),
    /// The form changed shape (a row added without JavaScript): show it again.
    Edited,
    /// The verified session has ended: verify the address again.
    SignInFirst,
}

impl FormOutcome for SubmitOutcome {
    fn redirect_to(&self) -> Option<String> {
        match self {
            SubmitOutcome::Submitted { reference } => {
                Some(format!("/my-requests/{reference}?new=1"))
            }
            _ => None,
        }
    }
}

/// What the form page needs from the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormContext {
    pub masked_email: String,
    pub submission_key: String,
}

#[leptos::server(prefix = "/api", endpoint = "request_form_context")]
pub async fn request_form_context() -> Result<Option<FormContext>, AppError> {
    ssr::form_context().await
}

#[leptos::server(prefix = "/api", endpoint = "submit_request")]
pub async fn submit_request(form: RequestForm) -> Result<SubmitOutcome, AppError> {
    ssr::submit(form).await
}

#[cfg(test)]
mod tests;
