//! Forms that work twice: with WASM, a submit calls the server function and
//! the page updates in place; without JavaScript, the browser posts to the
//! page's own URL, the server runs the same function and either redirects
//! (success) or renders the page again with what was typed and the errors.

use crate::error::AppError;
use crate::i18n::{Lang, tr};
use serde::{Deserialize, Serialize};

pub mod fields;
#[cfg(feature = "ssr")]
pub mod ssr;

/// Why a field was refused. Translated by `ErrorCode::message`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    TooLong,
    InvalidEmail,
    InvalidPhone,
    InvalidChoice,
    ChooseCategory,
    CodeFormat,
    CodeWrong,
    CodeExpired,
    CodeTooManyTries,
    LinkInvalid,
}

impl ErrorCode {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            ErrorCode::Required => tr(lang, "Ce champ est obligatoire.", "This field is required."),
            ErrorCode::TooLong => tr(lang, "Ce texte est trop long.", "This text is too long."),
            ErrorCode::InvalidEmail => tr(
                lang,
                "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
                "Enter a valid email address, for example name@example.com.",
            ),
            ErrorCode::InvalidPhone => tr(
                lang,
                "Saisissez un numéro de téléphone (chiffres, espaces, +, -, points, parenthèses).",
                "Enter a phone number (digits, spaces, +, -, dots, brackets).",
            ),
            ErrorCode::InvalidChoice => tr(
                lang,
                "Choisissez une des options proposées.",
                "Choose one of the options.",
            ),
            ErrorCode::ChooseCategory => tr(
                lang,
                "Cochez au moins une catégorie de données, ou choisissez « toutes mes données ».",
                "Tick at least one category of data, or choose \"all my data\".",
            ),
            ErrorCode::CodeFormat => tr(
                lang,
                "Le code comporte 6 chiffres.",
                "The code has 6 digits.",
            ),
            ErrorCode::CodeWrong => tr(
                lang,
                "Ce code ne correspond pas. Vérifiez le dernier e-mail reçu.",
                "This code does not match. Check the latest email you received.",
            ),
            ErrorCode::CodeExpired => tr(
                lang,
                "Ce code a expiré (il est valable 10 minutes). Demandez-en un nouveau.",
                "This code has expired (it is valid for 10 minutes). Ask for a new one.",
            ),
            ErrorCode::CodeTooManyTries => tr(
                lang,
                "Trop d'essais pour ce code. Demandez-en un nouveau.",
                "Too many tries for this code. Ask for a new one.",
            ),
            ErrorCode::LinkInvalid => tr(
                lang,
                "Ce lien n'est plus valable : il a déjà servi ou a expiré. Demandez un nouveau code.",
                "This link is no longer valid: it was already used or has expired. Ask for a new code.",
            ),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, ErrorCode)>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, code: ErrorCode) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.0.push((field, code));
        }
    }

    pub fn get(&self, field: &str) -> Option<ErrorCode> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, code)| *code)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

/// Free text limit of every text area.
pub const MAX_TEXT_CHARS: usize = 5000;
/// Limit of one-line fields (names, customer number, data item…).
pub const MAX_LINE_CHARS: usize = 200;

/// Checks a required one-line or free-text value; returns it trimmed.
pub fn required(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, ErrorCode::Required);
    } else if value.chars().count() > max {
        errors.add(field, ErrorCode::TooLong);
    }
    value.to_owned()
}

/// Checks an optional value; returns `None` when blank.
pub fn optional(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> Option<String> {
    let value = value.trim();
    if value.chars().count() > max {
        errors.add(field, ErrorCode::TooLong);
    }
    (!value.is_empty()).then(|| value.to_owned())
}

/// Something a form's server function decides: either where to go next, or
/// the page again with errors.
pub trait FormOutcome {
    fn redirect_to(&self) -> Option<String>;
}

/// What a JavaScript-off post leaves for the page it renders again.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Posted<F, O> {
    pub form: F,
    pub outcome: Result<O, AppError>,
}

/// The posted form and its outcome when this render answers a plain form
/// post (server only; `None` in the browser and for a GET).
pub fn posted<F, O>() -> Option<Posted<F, O>>
where
    F: Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<Posted<F, O>>()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The submit handler of a progressively enhanced form: reads the form as
/// the server function's arguments, lets `accept` run the browser-side
/// checks, and dispatches the action instead of posting the page. If the
/// form cannot be read, the browser posts it as it would without WASM.
pub fn dispatch_on_submit<S>(
    action: leptos::prelude::ServerAction<S>,
    accept: impl Fn(&S) -> bool + 'static,
) -> impl FnMut(leptos::ev::SubmitEvent) + 'static
where
    S: serde::de::DeserializeOwned + leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    use leptos::form::FromFormData;
    move |ev: leptos::ev::SubmitEvent| {
        if let Ok(args) = S::from_event(&ev) {
            ev.prevent_default();
            if accept(&args) {
                action.dispatch(args);
            }
        }
    }
}

/// `aria-describedby` value of a field's error message.
pub fn error_id(field: &str) -> String {
    format!("{}-error", field.replace(['[', ']', '.'], "-"))
}

/// Once an action's outcome names the next page, goes there (browser only:
/// without JavaScript the server answers with a redirect instead).
pub fn follow_redirects<O>(outcome: leptos::prelude::Signal<Option<Result<O, AppError>>>)
where
    O: FormOutcome + Clone + Send + Sync + 'static,
{
    use leptos::prelude::Get;
    let navigate = leptos_router::hooks::use_navigate();
    leptos::prelude::Effect::new(move |_| {
        if let Some(Ok(outcome)) = outcome.get()
            && let Some(next) = outcome.redirect_to()
        {
            navigate(&next, Default::default());
        }
    });
}
