//! A request as typed in the form, and the same request once every rule has
//! passed. `ValidRequest::parse` is the one place those rules live; the
//! browser runs it before sending and the server again before storing.

use super::choice::{
    Acting, Category, Channel, DataFormat, DestinationChoice, ErasureGround, Processing, Relation,
    RepliesTo, RestrictionGround, ScopeChoice,
};
use super::errors::{ErrorCode, FieldErrors};
use super::{Email, EmailError, Lang, RightKind};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use validator::{Validate, ValidationErrorsKind};

// One constant per kind of text length, in characters: the `validator`
// attributes below, the forms' `maxlength` and `FieldErrors::text` all use
// these (`u64`, as `validator` wants them).

/// Free text limit of every text area.
pub const MAX_TEXT_CHARS: u64 = 5000;
/// Limit of one-line fields (names, customer number, data item…).
pub const MAX_LINE_CHARS: u64 = 200;
/// Limit of the values of a rectification row and of a postal address.
pub const MAX_VALUE_CHARS: u64 = 1000;
/// Limit of a phone number as typed (spaces, dots and a prefix included).
pub const MAX_PHONE_CHARS: u64 = 40;
/// Rows of one rectification request.
pub const MAX_ROWS: usize = 50;

/// The form as typed: every value a string, so that it can be shown again
/// exactly as it was. The length limits are declared here, once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RequestForm {
    /// One per form display, so a double submission stores one request.
    pub submission_key: String,
    pub right: String,
    #[validate(length(max = MAX_LINE_CHARS))]
    pub first_name: String,
    #[validate(length(max = MAX_LINE_CHARS))]
    pub last_name: String,
    pub relation: String,
    #[validate(length(max = MAX_LINE_CHARS))]
    pub customer_number: String,
    pub reply_channel: String,
    #[validate(length(max = MAX_PHONE_CHARS))]
    pub reply_phone: String,
    #[validate(length(max = MAX_VALUE_CHARS))]
    pub reply_postal: String,
    pub lang: String,
    /// `all` or `some` (then the `cat_*` boxes).
    pub scope: String,
    pub cat_navigation: Option<String>,
    pub cat_prospect: Option<String>,
    pub cat_client: Option<String>,
    pub cat_contact: Option<String>,
    #[validate(nested)]
    pub rows: Vec<RectificationRow>,
    #[validate(length(max = MAX_TEXT_CHARS))]
    pub statement: String,
    /// The "add a row" button, without JavaScript.
    pub add_row: Option<String>,
    pub erasure_ground: String,
    pub restriction_ground: String,
    pub format: String,
    pub destination: String,
    #[validate(length(max = MAX_LINE_CHARS))]
    pub org_name: String,
    pub org_email: String,
    pub processing: String,
    #[validate(length(max = MAX_TEXT_CHARS))]
    pub reason: String,
    #[validate(length(max = MAX_TEXT_CHARS))]
    pub details: String,
    /// Who files (`Acting`): empty or `self` for the person concerned.
    pub acting: String,
    /// Someone acting for the person concerned: their own names, the end
    /// of an agent's mandate, whom the answers go to, and the person
    /// concerned's address when known.
    #[validate(length(max = MAX_LINE_CHARS))]
    pub rep_first_name: String,
    #[validate(length(max = MAX_LINE_CHARS))]
    pub rep_last_name: String,
    pub mandate_until: String,
    pub replies_to: String,
    pub subject_email: String,
}

/// Someone filing for the person concerned: stored apart from them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representative {
    pub acting: Acting,
    pub first_name: String,
    pub last_name: String,
    /// The last day of an agent's mandate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mandate_until: Option<crate::domain::Date>,
    pub replies_to: RepliesTo,
    /// The person concerned's own address, unverified: only the DPO's
    /// question to them goes there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_email: Option<Email>,
}

/// Read back from its stored JSON (`#[sqlx(try_from = "String")]`).
#[cfg(feature = "ssr")]
impl TryFrom<String> for Representative {
    type Error = String;
    fn try_from(json: String) -> Result<Self, String> {
        serde_json::from_str(&json).map_err(|e| e.to_string())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RectificationRow {
    #[validate(length(max = MAX_LINE_CHARS))]
    pub item: String,
    #[validate(length(max = MAX_VALUE_CHARS))]
    pub current: String,
    #[validate(length(max = MAX_VALUE_CHARS))]
    pub corrected: String,
}

impl RequestForm {
    /// Whether the box of `category` is ticked.
    pub fn has_category(&self, category: Category) -> bool {
        match category {
            Category::Navigation => self.cat_navigation.is_some(),
            Category::Prospect => self.cat_prospect.is_some(),
            Category::Client => self.cat_client.is_some(),
            Category::Contact => self.cat_contact.is_some(),
        }
    }

    /// A blank form for `right`, with the usual choices made.
    pub fn blank(right: RightKind, submission_key: String, lang: Lang) -> Self {
        RequestForm {
            submission_key,
            right: right.slug().into(),
            reply_channel: Channel::Email.slug().into(),
            lang: lang.code().into(),
            scope: ScopeChoice::All.slug().into(),
            destination: DestinationChoice::Me.slug().into(),
            format: DataFormat::Json.slug().into(),
            ..Default::default()
        }
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

impl ReplyChannel {
    pub fn channel(&self) -> Channel {
        match self {
            ReplyChannel::Email => Channel::Email,
            ReplyChannel::Phone { .. } => Channel::Phone,
            ReplyChannel::Postal { .. } => Channel::Postal,
            ReplyChannel::InPerson => Channel::InPerson,
        }
    }
}

/// All the data, or some categories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    All,
    Categories(Vec<Category>),
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

/// What each right asks for, once checked. Stored as JSON.
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
        ground: Option<ErasureGround>,
        details: Option<String>,
    },
    Restriction {
        ground: RestrictionGround,
        scope: Scope,
        details: Option<String>,
    },
    Portability {
        format: DataFormat,
        destination: Destination,
        details: Option<String>,
    },
    Objection {
        processing: Processing,
        reason: Option<String>,
    },
}

impl RightDetails {
    /// Whether the DPO may refuse the request at all: not an objection to
    /// direct marketing, which must be honoured (GDPR Art. 21(3)).
    pub fn may_be_refused(&self) -> bool {
        !matches!(self, RightDetails::Objection { processing, .. } if processing.is_direct_marketing())
    }
}

/// A request that passed every check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidRequest {
    pub right: RightKind,
    pub first_name: String,
    pub last_name: String,
    pub relation: Relation,
    pub customer_number: Option<String>,
    pub reply: ReplyChannel,
    pub lang: Lang,
    pub details: RightDetails,
    /// Filed by someone acting for the person concerned.
    pub representative: Option<Representative>,
}

impl ValidRequest {
    /// Every rule of the form, the same in the browser and on the server.
    /// Only the fields the right's form shows can carry an error.
    pub fn parse(form: &RequestForm) -> Result<ValidRequest, FieldErrors> {
        let mut p = Parser::new(form);
        let right = p.choice("right", &form.right, RightKind::parse);
        let first_name = p.required("first_name", &form.first_name);
        let last_name = p.required("last_name", &form.last_name);
        let relation = p.choice("relation", &form.relation, Relation::parse);
        let customer_number = p.optional("customer_number", &form.customer_number);
        let reply = reply_channel(&mut p, form);
        let lang = p.choice("lang", &form.lang, Lang::parse);
        let details = match right {
            Some(RightKind::Access) => access(&mut p, form),
            Some(RightKind::Rectification) => rectification(&mut p, form),
            Some(RightKind::Erasure) => erasure(&mut p, form),
            Some(RightKind::Restriction) => restriction(&mut p, form),
            Some(RightKind::Portability) => portability(&mut p, form),
            Some(RightKind::Objection) => objection(&mut p, form),
            None => None,
        };
        let representative = representative(&mut p, form, reply.as_ref());
        match (right, first_name, last_name, relation, reply, lang, details) {
            (
                Some(right),
                Some(first_name),
                Some(last_name),
                Some(relation),
                Some(reply),
                Some(lang),
                Some(details),
            ) if p.errors.is_empty() => Ok(ValidRequest {
                right,
                first_name,
                last_name,
                relation,
                customer_number,
                reply,
                lang,
                details,
                representative: representative.ok().flatten(),
            }),
            _ => {
                if p.errors.is_empty() {
                    p.errors.add("right", ErrorCode::InvalidChoice);
                }
                Err(p.errors)
            }
        }
    }
}

/// Collects the errors of one form. Lengths come from the `validate`
/// rules of `RequestForm`; a field is only reported when its right uses it.
struct Parser {
    errors: FieldErrors,
    too_long: HashSet<String>,
}

impl Parser {
    fn new(form: &RequestForm) -> Self {
        let mut too_long = HashSet::new();
        if let Err(errors) = form.validate() {
            for (field, kind) in errors.errors() {
                match kind {
                    ValidationErrorsKind::Field(_) => {
                        too_long.insert(field.to_string());
                    }
                    ValidationErrorsKind::List(rows) => {
                        for (i, row) in rows {
                            for sub in row.errors().keys() {
                                too_long.insert(format!("{field}[{i}][{sub}]"));
                            }
                        }
                    }
                    ValidationErrorsKind::Struct(_) => {}
                }
            }
        }
        Parser {
            errors: FieldErrors::default(),
            too_long,
        }
    }

    fn check_length(&mut self, field: &str) {
        if self.too_long.contains(field) {
            self.errors.add(field, ErrorCode::TooLong);
        }
    }

    // The lengths were checked by the `validator` attributes (declared on
    // the form with the constants above); the rest is the one free-text
    // check, `FieldErrors::text`.
    fn required(&mut self, field: &str, value: &str) -> Option<String> {
        self.check_length(field);
        self.errors.text(field, value, u64::MAX, true)
    }

    fn optional(&mut self, field: &str, value: &str) -> Option<String> {
        self.check_length(field);
        self.errors.text(field, value, u64::MAX, false)
    }

    fn choice<T>(&mut self, field: &str, value: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
        let value = value.trim();
        if value.is_empty() {
            self.errors.add(field, ErrorCode::Required);
            return None;
        }
        let parsed = parse(value);
        if parsed.is_none() {
            self.errors.add(field, ErrorCode::InvalidChoice);
        }
        parsed
    }

    /// A choice that may be left blank.
    fn optional_choice<T>(
        &mut self,
        field: &str,
        value: &str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ()> {
        if value.trim().is_empty() {
            return Ok(None);
        }
        self.choice(field, value, parse).map(Some).ok_or(())
    }

    fn email(&mut self, field: &str, value: &str) -> Option<Email> {
        match Email::parse(value) {
            Ok(email) => Some(email),
            Err(EmailError::Empty) => {
                self.errors.add(field, ErrorCode::Required);
                None
            }
            Err(_) => {
                self.errors.add(field, ErrorCode::InvalidEmail);
                None
            }
        }
    }
}

fn is_phone(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&digits)
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()/".contains(c))
}

fn reply_channel(p: &mut Parser, form: &RequestForm) -> Option<ReplyChannel> {
    match p.choice("reply_channel", &form.reply_channel, Channel::parse)? {
        Channel::Email => Some(ReplyChannel::Email),
        Channel::InPerson => Some(ReplyChannel::InPerson),
        Channel::Phone => {
            let number = p.required("reply_phone", &form.reply_phone)?;
            if !is_phone(&number) {
                p.errors.add("reply_phone", ErrorCode::InvalidPhone);
                return None;
            }
            Some(ReplyChannel::Phone { number })
        }
        Channel::Postal => Some(ReplyChannel::Postal {
            address: p.required("reply_postal", &form.reply_postal)?,
        }),
    }
}

/// Someone acting for the person concerned, or `Ok(None)`: their names; an
/// agent's mandate runs to a day; an heir's answers go to the heir (the
/// person concerned died); answers to the person concerned go by post, to
/// the address given under "how to answer" (the portal cannot send mail
/// to an address nobody verified).
fn representative(
    p: &mut Parser,
    form: &RequestForm,
    reply: Option<&ReplyChannel>,
) -> Result<Option<Representative>, ()> {
    let acting = match p.optional_choice("acting", &form.acting, Acting::parse)? {
        None | Some(Acting::Myself) => return Ok(None),
        Some(acting) => acting,
    };
    let first_name = p.required("rep_first_name", &form.rep_first_name);
    let last_name = p.required("rep_last_name", &form.rep_last_name);
    let mandate_until = if acting == Acting::Agent {
        match form.mandate_until.trim() {
            "" => {
                p.errors.add("mandate_until", ErrorCode::Required);
                None
            }
            typed => {
                let until = crate::domain::Date::parse_iso(typed);
                if until.is_none() {
                    p.errors.add("mandate_until", ErrorCode::InvalidDate);
                }
                until
            }
        }
    } else {
        None
    };
    let replies_to = if acting == Acting::Heir {
        Some(RepliesTo::Representative)
    } else {
        p.choice("replies_to", &form.replies_to, RepliesTo::parse)
    };
    if replies_to == Some(RepliesTo::Subject)
        && reply.is_some_and(|r| r.channel() != Channel::Postal)
    {
        p.errors.add("replies_to", ErrorCode::RepliesByPost);
    }
    let subject_email = match form.subject_email.trim() {
        "" => None,
        _ => Some(p.email("subject_email", &form.subject_email).ok_or(())?),
    };
    match (first_name, last_name, replies_to) {
        (Some(first_name), Some(last_name), Some(replies_to))
            if acting != Acting::Agent || mandate_until.is_some() =>
        {
            Ok(Some(Representative {
                acting,
                first_name,
                last_name,
                mandate_until,
                replies_to,
                subject_email,
            }))
        }
        _ => Err(()),
    }
}

fn scope(p: &mut Parser, form: &RequestForm) -> Option<Scope> {
    match p.choice("scope", &form.scope, ScopeChoice::parse)? {
        ScopeChoice::All => Some(Scope::All),
        ScopeChoice::Some => {
            let chosen: Vec<Category> = Category::ALL
                .iter()
                .copied()
                .filter(|c| form.has_category(*c))
                .collect();
            if chosen.is_empty() {
                p.errors.add("categories", ErrorCode::ChooseCategory);
                return None;
            }
            Some(Scope::Categories(chosen))
        }
    }
}

fn access(p: &mut Parser, form: &RequestForm) -> Option<RightDetails> {
    let details = p.optional("details", &form.details);
    Some(RightDetails::Access {
        scope: scope(p, form)?,
        details,
    })
}

fn rectification(p: &mut Parser, form: &RequestForm) -> Option<RightDetails> {
    if form.rows.len() > MAX_ROWS {
        p.errors.add("rows", ErrorCode::TooLong);
        return None;
    }
    let mut rows = Vec::new();
    for (i, row) in form.rows.iter().enumerate() {
        // A row left blank is simply not used.
        if [&row.item, &row.current, &row.corrected]
            .iter()
            .all(|v| v.trim().is_empty())
        {
            continue;
        }
        let item = p.required(&format!("rows[{i}][item]"), &row.item);
        let current = p.optional(&format!("rows[{i}][current]"), &row.current);
        let corrected = p.required(&format!("rows[{i}][corrected]"), &row.corrected);
        if let (Some(item), Some(corrected)) = (item, corrected) {
            rows.push(Rectification {
                item,
                current,
                corrected,
            });
        }
    }
    let statement = p.optional("statement", &form.statement);
    if rows.is_empty() && p.errors.is_empty() {
        p.errors.add("rows[0][item]", ErrorCode::Required);
        p.errors.add("rows[0][corrected]", ErrorCode::Required);
    }
    (!rows.is_empty()).then_some(RightDetails::Rectification { rows, statement })
}

fn erasure(p: &mut Parser, form: &RequestForm) -> Option<RightDetails> {
    let ground = p.optional_choice("erasure_ground", &form.erasure_ground, ErasureGround::parse);
    let details = p.optional("details", &form.details);
    Some(RightDetails::Erasure {
        scope: scope(p, form)?,
        ground: ground.ok()?,
        details,
    })
}

fn restriction(p: &mut Parser, form: &RequestForm) -> Option<RightDetails> {
    let ground = p.choice(
        "restriction_ground",
        &form.restriction_ground,
        RestrictionGround::parse,
    );
    let details = p.optional("details", &form.details);
    Some(RightDetails::Restriction {
        scope: scope(p, form)?,
        ground: ground?,
        details,
    })
}

fn portability(p: &mut Parser, form: &RequestForm) -> Option<RightDetails> {
    let format = p.choice("format", &form.format, DataFormat::parse);
    let details = p.optional("details", &form.details);
    let destination = match p.choice("destination", &form.destination, DestinationChoice::parse)? {
        DestinationChoice::Me => Destination::Subject,
        DestinationChoice::Organisation => {
            let name = p.required("org_name", &form.org_name);
            let email = p.email("org_email", &form.org_email);
            Destination::Organisation {
                name: name?,
                email: email?.as_str().to_owned(),
            }
        }
    };
    Some(RightDetails::Portability {
        format: format?,
        destination,
        details,
    })
}

fn objection(p: &mut Parser, form: &RequestForm) -> Option<RightDetails> {
    let processing = p.choice("processing", &form.processing, Processing::parse)?;
    // An objection to direct marketing needs no reason (GDPR Art. 21(2));
    // every other objection gives the subject's particular situation.
    let reason = if processing.is_direct_marketing() {
        p.optional("reason", &form.reason)
    } else {
        Some(p.required("reason", &form.reason)?)
    };
    Some(RightDetails::Objection { processing, reason })
}

pub mod intake;

#[cfg(test)]
mod tests;
