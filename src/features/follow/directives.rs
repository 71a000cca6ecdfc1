//! The subject's directives for after death (French law 78-17, art. 85),
//! on the "my requests" page of a verified address: record or replace
//! them, or revoke them. Plain forms; `crate::directives` stores them.

use crate::directives::{DirectiveChoice, NewDirectives};
use crate::domain::request::{MAX_LINE_CHARS, MAX_TEXT_CHARS};
use crate::domain::{Email, ErrorCode, FieldErrors};
use crate::error::AppError;
use crate::i18n::{Label, current_lang, long_date, subject};
use crate::state::request_context;
use crate::web::fields::{RadioGroup, TextField};
use crate::web::form::{FormReply, Notice, posted};
use crate::web::islands::{FormNotice, FormStateProvider};
use crate::web::subject_session as session;
use leptos::prelude::*;
use serde::Deserialize;

/// The directives as typed (`form[…]`), which the privacy notice lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DirectivesForm {
    pub first_name: String,
    pub last_name: String,
    pub choice: String,
    pub person_name: String,
    pub person_email: String,
    pub note: String,
}

/// What the save route decodes.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DirectivesPost {
    #[serde(default)]
    pub form: DirectivesForm,
}

/// The fields of the form, for the privacy notice's test.
pub const FIELDS: [&str; 6] = [
    "first_name",
    "last_name",
    "choice",
    "person_name",
    "person_email",
    "note",
];

fn check(form: &DirectivesForm) -> Result<NewDirectives, FieldErrors> {
    let mut errors = FieldErrors::default();
    let first_name = errors.text("first_name", &form.first_name, MAX_LINE_CHARS, true);
    let last_name = errors.text("last_name", &form.last_name, MAX_LINE_CHARS, true);
    let choice = DirectiveChoice::parse(form.choice.trim());
    if choice.is_none() {
        errors.add("choice", ErrorCode::Required);
    }
    // Communicating needs someone to communicate to.
    let person_name = errors.text(
        "person_name",
        &form.person_name,
        MAX_LINE_CHARS,
        choice == Some(DirectiveChoice::Communicate),
    );
    let person_email = match form.person_email.trim() {
        "" => None,
        typed => match Email::parse(typed) {
            Ok(email) => Some(email),
            Err(_) => {
                errors.add("person_email", ErrorCode::InvalidEmail);
                None
            }
        },
    };
    let note = errors.text("note", &form.note, MAX_TEXT_CHARS, false);
    match (first_name, last_name, choice) {
        (Some(first_name), Some(last_name), Some(choice)) if errors.is_empty() => {
            Ok(NewDirectives {
                first_name,
                last_name,
                choice,
                person_name: person_name.filter(|n| !n.is_empty()),
                person_email,
                note: note.filter(|n| !n.is_empty()),
            })
        }
        _ => Err(errors),
    }
}

fn session_expired() -> FormReply {
    let lang = current_lang();
    FormReply::notice(
        Notice::error(subject::SESSION_EXPIRED_MESSAGE.get(lang)).with_link(
            "/verify",
            subject::VERIFY_AGAIN.get(lang),
            true,
        ),
    )
}

/// `POST /my-requests/directives`.
pub async fn save(form: DirectivesForm) -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    let Some(email) = session::current(&state, &parts).await? else {
        return Ok(session_expired());
    };
    let new = match check(&form) {
        Ok(new) => new,
        Err(errors) => return Ok(FormReply::invalid(errors)),
    };
    crate::directives::save(&state.pool, &email, &new, state.clock.now()).await?;
    Ok(FormReply::go("/my-requests?directives=saved#directives"))
}

/// `POST /my-requests/directives/revoke`.
pub async fn revoke() -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    let Some(email) = session::current(&state, &parts).await? else {
        return Ok(session_expired());
    };
    crate::directives::revoke(&state.pool, &email, state.clock.now()).await?;
    Ok(FormReply::go("/my-requests?directives=revoked#directives"))
}

/// The section of the "my requests" page: the directives in force, and the
/// form to record, replace or revoke them.
#[component]
pub fn DirectivesSection(current: Option<crate::directives::Directives>) -> impl IntoView {
    let lang = current_lang();
    let posted = posted::<DirectivesForm>();
    let reply = posted.as_ref().map(|p| p.shown_reply(lang));
    let form = posted.map(|p| p.form).unwrap_or_else(|| match &current {
        Some(d) => DirectivesForm {
            first_name: d.first_name.clone(),
            last_name: d.last_name.clone(),
            choice: d.choice.slug().to_owned(),
            person_name: d.person_name.clone().unwrap_or_default(),
            person_email: d.person_email.clone().unwrap_or_default(),
            note: d.note.clone().unwrap_or_default(),
        },
        None => DirectivesForm::default(),
    });
    view! {
        <section class="page" id="directives">
            <h2>{subject::DIRECTIVES_TITLE.get(lang)}</h2>
            <p>{subject::DIRECTIVES_INTRO.get(lang)}</p>
            {current.as_ref().map(|d| view! {
                <p class="alert" role="status" data-directives=d.choice.slug()>
                    {subject::DIRECTIVES_IN_FORCE.with(lang, &[("date", &long_date(lang, crate::domain::Date::paris_of(d.updated_at))), ("choice", &d.choice.label().get(lang))])}
                </p>
            })}
            <FormStateProvider reply>
                <form method="post" action="/my-requests/directives">
                    <FormNotice />
                    <div class="field-row">
                        <TextField field="first_name" label=subject::FIRST_NAME value=form.first_name.clone() required=true autocomplete="given-name" />
                        <TextField field="last_name" label=subject::LAST_NAME value=form.last_name.clone() required=true autocomplete="family-name" />
                    </div>
                    <RadioGroup field="choice" legend=subject::DIRECTIVES_CHOICE choices=DirectiveChoice::ALL selected=form.choice.clone() />
                    <TextField field="person_name" label=subject::DIRECTIVES_PERSON value=form.person_name.clone() hint=subject::DIRECTIVES_PERSON_HINT />
                    <TextField field="person_email" label=subject::DIRECTIVES_PERSON_EMAIL value=form.person_email.clone() input_type="email" maxlength=254 />
                    <TextField field="note" label=subject::DIRECTIVES_NOTE value=form.note.clone() multiline=true maxlength=MAX_TEXT_CHARS />
                    <button type="submit">{subject::DIRECTIVES_SAVE.get(lang)}</button>
                </form>
            </FormStateProvider>
            {current.is_some().then(|| view! {
                <form method="post" action="/my-requests/directives/revoke" class="secondary-actions">
                    <button type="submit" class="secondary">{subject::DIRECTIVES_REVOKE.get(lang)}</button>
                </form>
            })}
        </section>
    }
}

impl Label for DirectiveChoice {
    fn label(&self) -> crate::i18n::Text {
        match self {
            DirectiveChoice::Erase => subject::DIRECTIVE_ERASE,
            DirectiveChoice::Communicate => subject::DIRECTIVE_COMMUNICATE,
        }
    }
}
