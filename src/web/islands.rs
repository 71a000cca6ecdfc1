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
    /// On the server, each field's label and the id of its control, for
    /// the error summary's links (the browser reads them from the page).
    labels: StoredValue<Vec<FieldLabel>>,
}

/// A field's label and the id of the control its error links to.
#[derive(Clone, Debug)]
pub struct FieldLabel {
    pub field: String,
    pub label: String,
    pub target: String,
}

impl FormState {
    fn from_reply(reply: Option<FormReply>) -> Self {
        let reply = reply.unwrap_or_default();
        FormState {
            errors: RwSignal::new(reply.errors),
            notice: RwSignal::new(reply.notice),
            pending: RwSignal::new(false),
            labels: StoredValue::new(Vec::new()),
        }
    }

    /// Tells the error summary how to name `field` and where its control
    /// is. Called by the server-rendered fields.
    pub fn register(self, field: FieldLabel) {
        self.labels.update_value(|labels| labels.push(field));
    }

    /// The label of `field` and the id of its control: on the server from
    /// the fields rendered in this form, in the browser from the page.
    /// A field that did not register is linked by its usual id, unnamed.
    fn label_of(self, field: &str) -> (Option<String>, String) {
        #[cfg(feature = "hydrate")]
        let found = browser::label_of(field);
        #[cfg(not(feature = "hydrate"))]
        let found = self.labels.with_value(|labels| {
            labels
                .iter()
                .find(|l| l.field == field)
                .map(|l| (l.label.clone(), l.target.clone()))
        });
        match found {
            Some((label, target)) => (Some(label), target),
            None => (None, input_id(field)),
        }
    }

    fn error(self, field: &str) -> Option<ErrorCode> {
        self.errors.with(|errors| errors.get(field))
    }

    /// Shows what the server answered, or goes where it says.
    #[cfg(feature = "hydrate")]
    fn apply(self, reply: Option<FormReply>, form: web_sys::HtmlFormElement) {
        match reply {
            Some(FormReply {
                next: Some(next), ..
            }) => go_to(&next),
            Some(reply) => {
                self.pending.set(false);
                self.errors.set(reply.errors);
                self.notice.set(reply.notice);
                browser::focus_alert(form);
            }
            None => {
                self.pending.set(false);
                self.notice
                    .set(Some(Notice::error(site::TROUBLE_KEPT.get(current_lang()))));
                browser::focus_alert(form);
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
            let Some((form, fields)) = browser::fields_of(&ev) else {
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
                    state.apply(browser::post(endpoint, &fields).await, form);
                });
            } else {
                browser::focus_alert(form);
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
    use web_sys::{
        FormData, HtmlElement, HtmlFormElement, Request, RequestInit, Response, UrlSearchParams,
    };

    /// The submitted form and its fields (files left out).
    pub fn fields_of(ev: &leptos::ev::SubmitEvent) -> Option<(HtmlFormElement, Fields)> {
        let form: HtmlFormElement = ev.target()?.dyn_into().ok()?;
        let data = FormData::new_with_form(&form).ok()?;
        let mut fields = Vec::new();
        for entry in js_sys::try_iter(&data).ok()??.flatten() {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                fields.push((name, value));
            }
        }
        Some((form, Fields(fields)))
    }

    /// Once the page shows them, moves the focus to the form's error
    /// summary or error message, so that it is read out and its links are
    /// next under the keyboard.
    pub fn focus_alert(form: HtmlFormElement) {
        leptos::prelude::request_animation_frame(move || {
            if let Some(alert) = form
                .query_selector(".alert--error")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            {
                let _ = alert.focus();
            }
        });
    }

    /// A field's label and the id of its control, as the page shows them.
    pub fn label_of(field: &str) -> Option<(String, String)> {
        let label = leptos::prelude::document()
            .query_selector(&format!("[data-field=\"{field}\"]"))
            .ok()??;
        Some((
            label.get_attribute("data-label")?,
            label.get_attribute("data-target")?,
        ))
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
        let errors = state.errors.get();
        (state.notice.with(Option::is_none) && !errors.is_empty()).then(|| {
            let items = errors
                .0
                .into_iter()
                .map(|(field, code)| {
                    let (label, target) = state.label_of(&field);
                    let message = code.label().get(lang);
                    let text = match label {
                        Some(label) => site::FIELD_ERROR
                            .with(lang, &[("label", &label), ("message", &message)]),
                        None => message.to_owned(),
                    };
                    view! { <li><a href=format!("#{target}")>{text}</a></li> }
                })
                .collect_view();
            view! {
                <div class="alert alert--error error-summary" tabindex="-1" autofocus>
                    <p>{site::ERRORS_SUMMARY.get(lang)}</p>
                    <ul>{items}</ul>
                </div>
            }
        })
    };
    let notice = move || {
        state.notice.get().map(|notice| {
            let (class, focusable) = match notice.tone {
                Tone::Info => ("alert", None),
                Tone::Error => ("alert alert--error", Some("-1")),
            };
            view! {
                <p class=class tabindex=focusable>
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
