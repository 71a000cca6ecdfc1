//! The console's pages (the queue, one request, the dashboard, recording a
//! request from another channel) and what they share: the guard and the
//! console's navigation.

pub mod dashboard;
pub mod letter;
pub mod queue;
pub mod record;
pub mod request;

use crate::error::AppError;
use crate::features::dpo::signin::console_session::{Dpo, require_dpo};
use crate::i18n::{console, current_lang, site};
use crate::web::form::encode_query_value;
use axum::http::request::Parts;
use leptos::prelude::*;
use std::future::Future;

/// A console page: rendered for a signed-in DPO only. Anyone else is sent
/// to the sign-in page, which brings them back here.
pub fn guarded<F, Fut, V>(body: F) -> impl IntoView
where
    F: FnOnce(Dpo) -> Fut + Send + 'static,
    Fut: Future<Output = Result<V, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match require_dpo().await {
                    Ok(Some(dpo)) => {
                        let email = dpo.email.as_str().to_owned();
                        match body(dpo).await {
                            Ok(page) => view! { <ConsoleNav email /> {page} }.into_any(),
                            Err(_) => trouble().into_any(),
                        }
                    }
                    Ok(None) => {
                        let next = use_context::<Parts>()
                            .map(|parts| parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default())
                            .unwrap_or_default();
                        let login = format!("/dpo/login?next={}", encode_query_value(&next));
                        // Whatever the client accepts: no page without a DPO.
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(axum::http::StatusCode::FOUND);
                            if let Ok(location) = axum::http::HeaderValue::from_str(&login) {
                                response.insert_header(axum::http::header::LOCATION, location);
                            }
                        }
                        let lang = current_lang();
                        view! {
                            <section class="page narrow">
                                <p><a href=login>{console::SIGN_IN.get(lang)}</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(_) => trouble().into_any(),
                }
            })}
        </Suspense>
    }
}

pub fn trouble() -> impl IntoView {
    view! {
        <section class="page narrow">
            <p class="alert alert--error">{site::TROUBLE.get(current_lang())}</p>
        </section>
    }
}

/// The console's own navigation, above every console page.
#[component]
fn ConsoleNav(email: String) -> impl IntoView {
    let lang = current_lang();
    view! {
        <nav class="console-nav" aria-label=console::NAV_LABEL.get(lang)>
            <ul>
                <li><a href="/dpo">{console::NAV_QUEUE.get(lang)}</a></li>
                <li><a href="/dpo/dashboard">{console::NAV_DASHBOARD.get(lang)}</a></li>
                <li><a href="/dpo/emails">{console::NAV_FAILED_EMAILS.get(lang)}</a></li>
                <li><a href="/dpo/systems">{console::NAV_SYSTEMS.get(lang)}</a></li>
                <li><a href="/dpo/new">{console::NAV_RECORD.get(lang)}</a></li>
                <li><a href="/dpo/templates">{console::NAV_TEMPLATES.get(lang)}</a></li>
                <li><a href="/dpo/account">{console::NAV_ACCOUNT.get(lang)}</a></li>
            </ul>
            <form method="post" action="/dpo/logout" class="console-nav__out">
                <span class="muted">{email}</span>
                <button type="submit" class="secondary">{console::SIGN_OUT.get(lang)}</button>
            </form>
        </nav>
    }
}
