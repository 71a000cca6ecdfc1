use crate::i18n::{LANG_COOKIE, LANG_COOKIE_MAX_AGE_SECS, Lang};
use crate::startup::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use serde::Deserialize;

pub fn language_cookie(lang: Lang, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age={LANG_COOKIE_MAX_AGE_SECS}; SameSite=Lax; HttpOnly{secure}",
        lang.code()
    ))
    .expect("a cookie made of ASCII constants is a valid header value")
}

/// Adds the language cookie to the response of the current server function.
pub fn remember_language(lang: Lang) {
    let secure = use_context::<AppState>().is_some_and(|state| state.config.cookies_secure());
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(header::SET_COOKIE, language_cookie(lang, secure));
    }
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// `GET /lang/{code}?next=/path`: the language switch without JavaScript.
pub async fn switch_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<SwitchQuery>,
) -> Response {
    let Some(lang) = Lang::parse(&code) else {
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
                language_cookie(lang, state.config.cookies_secure()),
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

    #[test]
    fn the_cookie_is_secure_only_over_https() {
        let plain = language_cookie(Lang::En, false);
        assert!(
            plain
                .to_str()
                .unwrap()
                .starts_with("portal_lang=en; Path=/")
        );
        assert!(!plain.to_str().unwrap().contains("Secure"));
        assert!(
            language_cookie(Lang::Fr, true)
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
    }
}
