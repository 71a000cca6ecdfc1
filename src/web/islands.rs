//! The browser side of every public form: once the WASM runs, a submit is
//! checked with the server's own rules, sent to the form's server function
//! and answered in place. The form and its fields are rendered on the
//! server; only these small pieces hydrate.
//!
//! A submit posts the form's own fields, URL-encoded exactly as the browser
//! would post them without JavaScript, to the server function's endpoint,
//! and reads back its JSON [`FormReply`]: the browser needs no serializer
//! and no server-function client (they made a third of the bundle).
//!
//! A feature's form island calls [`enhanced_form`] around its
//! server-rendered fields, which hold a [`FieldError`] per field, a
//! [`FormNotice`] and a [`SubmitButton`]; those read the form's state from
//! the context the form provides.

use super::form::{FormReply, Notice, Tone, error_id, input_id};
use crate::domain::{ErrorCode, FieldErrors};
use crate::i18n::{Label, current_lang, site};
use leptos::prelude::*;

/// The fields of a submitted form, by name, as the browser sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The value of the field named `name` (`form[email]`), or "".
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The value of a checkbox: `Some` when ticked.
    pub fn checked(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// A form's typed value, read from its fields in the browser to run the
/// server's checks before sending. The server reads the same names with
/// serde; a test holds the two together.
pub trait FromFields: Sized {
    fn from_fields(fields: &Fields) -> Self;
}

/// A form the browser does not check (a button): nothing to read.
impl FromFields for () {
    fn from_fields(_: &Fields) -> Self {}
}

/// The state one enhanced form shares with its fields.
#[derive(Clone, Copy)]
pub struct FormState {
    pub errors: RwSignal<FieldErrors>,
    pub notice: RwSignal<Option<Notice>>,
    pub pending: RwSignal<bool>,
}

impl FormState {
    fn from_reply(reply: Option<FormReply>) -> Self {
        let reply = reply.unwrap_or_default();
        FormState {
            errors: RwSignal::new(reply.errors),
            notice: RwSignal::new(reply.notice),
            pending: RwSignal::new(false),
        }
    }

    fn error(self, field: &str) -> Option<ErrorCode> {
        self.errors.with(|errors| errors.get(field))
    }

    /// Shows what the server answered, or goes where it says.
    #[cfg(feature = "hydrate")]
    fn apply(self, reply: Option<FormReply>) {
        match reply {
            Some(FormReply {
                next: Some(next), ..
            }) => go_to(&next),
            Some(reply) => {
                self.pending.set(false);
                self.errors.set(reply.errors);
                self.notice.set(reply.notice);
            }
            None => {
                self.pending.set(false);
                self.notice
                    .set(Some(Notice::error(site::TROUBLE_KEPT.get(current_lang()))));
            }
        }
    }
}

/// The form's state, or an empty one outside a form.
pub fn use_form_state() -> FormState {
    use_context::<FormState>().unwrap_or_else(|| FormState::from_reply(None))
}

/// A form that posts to `action` without JavaScript and, with it, checks
/// its fields with `check` and sends them to the server function at
/// `endpoint` instead. `reply` is what the server answered a
/// JavaScript-off post, if this render answers one.
pub fn enhanced_form<F: FromFields + 'static>(
    action: String,
    endpoint: &'static str,
    class: &'static str,
    reply: Option<FormReply>,
    check: fn(&F) -> FieldErrors,
    children: Children,
) -> impl IntoView {
    let state = FormState::from_reply(reply);
    provide_context(state);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            let Some(fields) = browser::fields_of(&ev) else {
                // A form that cannot be read is posted as without JavaScript.
                return;
            };
            ev.prevent_default();
            if state.pending.get_untracked() {
                return;
            }
            let errors = check(&F::from_fields(&fields));
            let valid = errors.is_empty();
            state.errors.set(errors);
            state.notice.set(None);
            if valid {
                state.pending.set(true);
                leptos::task::spawn_local(async move {
                    state.apply(browser::post(endpoint, &fields).await);
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, check, endpoint);
    };
    view! {
        <form class=class method="post" action=action novalidate on:submit=on_submit>
            {children()}
        </form>
    }
}

#[cfg(feature = "hydrate")]
fn go_to(next: &str) {
    let _ = window().location().set_href(next);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Fields;
    use crate::web::form::FormReply;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{FormData, HtmlFormElement, Request, RequestInit, Response, UrlSearchParams};

    /// The submitted form's fields (files left out).
    pub fn fields_of(ev: &leptos::ev::SubmitEvent) -> Option<Fields> {
        let form: HtmlFormElement = ev.target()?.dyn_into().ok()?;
        let data = FormData::new_with_form(&form).ok()?;
        let mut fields = Vec::new();
        for entry in js_sys::try_iter(&data).ok()??.flatten() {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                fields.push((name, value));
            }
        }
        Some(Fields(fields))
    }

    /// Posts `fields` as a URL-encoded form to `endpoint` and reads the
    /// JSON reply; `None` when anything fails on the way.
    pub async fn post(endpoint: &str, fields: &Fields) -> Option<FormReply> {
        let body = UrlSearchParams::new().ok()?;
        for (name, value) in &fields.0 {
            body.append(name, value);
        }
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&JsValue::from(body.to_string()));
        let request = Request::new_with_str_and_init(endpoint, &init).ok()?;
        let headers = request.headers();
        headers
            .set("Content-Type", "application/x-www-form-urlencoded")
            .ok()?;
        headers.set("Accept", "application/json").ok()?;
        let response: Response =
            JsFuture::from(leptos::prelude::window().fetch_with_request(&request))
                .await
                .ok()?
                .dyn_into()
                .ok()?;
        if !response.ok() {
            return None;
        }
        let text = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        leptos::serde_json::from_str(&text).ok()
    }
}

/// Gives server-rendered fields the state of a form that is not an island
/// (the console's plain forms): its errors and notice after a post.
#[component]
pub fn FormStateProvider(reply: Option<FormReply>, children: Children) -> impl IntoView {
    // A child owner scopes the context to this form; the view keeps it
    // (and the state's signals) alive until it is rendered.
    let owner = Owner::new();
    let view = owner.with(|| {
        provide_context(FormState::from_reply(reply));
        children()
    });
    leptos::tachys::reactive_graph::OwnedView::new_with_owner(view, owner)
}

/// The message under a field, and its `aria-invalid` kept in step.
#[island]
pub fn FieldError(field: String) -> impl IntoView {
    let state = use_form_state();
    let id = error_id(&field);
    let input = input_id(&field);
    let message = {
        let field = field.clone();
        move || {
            state
                .error(&field)
                .map(|code| code.label().get(current_lang()))
        }
    };
    Effect::new(move |_| {
        let invalid = state.error(&field).is_some();
        if let Some(element) = document().get_element_by_id(&input) {
            let _ = element.set_attribute("aria-invalid", if invalid { "true" } else { "false" });
        }
    });
    view! { <p class="field-error" id=id>{message}</p> }
}

/// The form's message: the server's notice, or a summary of the refused
/// fields. Announced to screen readers.
#[island]
pub fn FormNotice() -> impl IntoView {
    let state = use_form_state();
    let lang = current_lang();
    let summary = move || {
        (state.notice.with(Option::is_none) && state.errors.with(|e| !e.is_empty()))
            .then(|| view! { <p class="alert alert--error">{site::ERRORS_SUMMARY.get(lang)}</p> })
    };
    let notice = move || {
        state.notice.get().map(|notice| {
            let class = match notice.tone {
                Tone::Info => "alert",
                Tone::Error => "alert alert--error",
            };
            view! {
                <p class=class>
                    {notice.text}
                    {notice.link.map(|link| view! {
                        " "
                        <a href=link.href target=link.new_tab.then_some("_blank")>{link.label}</a>
                    })}
                </p>
            }
        })
    };
    view! {
        <div class="notice-area" role="status" aria-live="polite">
            {notice}
            {summary}
        </div>
    }
}

/// The submit button: disabled and saying so while the form is sent.
#[island]
pub fn SubmitButton(label: String, #[prop(optional)] class: Option<String>) -> impl IntoView {
    let state = use_form_state();
    let lang = current_lang();
    view! {
        <button
            type="submit"
            class=class
            disabled=move || state.pending.get()
            aria-busy=move || state.pending.get().then_some("true")
        >
            {move || if state.pending.get() { site::SENDING.get(lang).to_owned() } else { label.clone() }}
        </button>
    }
}
