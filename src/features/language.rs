//! Switching between French and English: a plain link on every page, which
//! sets the one language cookie and comes back to the same page.

use crate::i18n::{current_lang, site};
use crate::state::AppState;
use crate::web::form::encode_query_value;
use crate::web::lang::lang_cookie;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use serde::Deserialize;

/// The link to the other language, back to the same page.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let lang = current_lang();
    let other = lang.other();
    let location = use_location();
    // The router's `search` comes without its `?`.
    let search = location.search.get_untracked();
    let next = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    };
    let href = format!("/lang/{}?next={}", other.code(), encode_query_value(&next));
    view! {
        <a
            class="lang-switch"
            href=href
            hreflang=other.code()
            lang=other.code()
            aria-label=site::SWITCH_TO_LABEL.get(lang)
        >
            {site::SWITCH_TO.get(lang)}
        </a>
    }
}

pub fn plain_routes() -> Router<AppState> {
    Router::new().route("/lang/{code}", get(switch_language))
}

#[derive(Deserialize)]
struct SwitchQuery {
    next: Option<String>,
}

/// `GET /lang/{code}?next=/path`: remembers the language, goes back.
async fn switch_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<SwitchQuery>,
) -> Response {
    let Some(lang) = crate::domain::Lang::parse(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let next = query
        .next
        .as_deref()
        .filter(|next| is_local_path(next))
        .unwrap_or("/");
    let location = HeaderValue::from_str(next).unwrap_or(HeaderValue::from_static("/"));
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (
                header::SET_COOKIE,
                lang_cookie(lang, state.config.cookies_secure()),
            ),
        ],
    )
        .into_response()
}

/// Only paths on this site: an open redirect would let anyone dress a
/// phishing link in the portal's address.
fn is_local_path(next: &str) -> bool {
    // Browsers drop tabs and newlines from a Location, so `/\t/evil` would
    // become `//evil`: no control characters or spaces at all.
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/verify?right=access"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("/\t/evil.example"));
        assert!(!is_local_path("/\n/evil.example"));
    }
}
