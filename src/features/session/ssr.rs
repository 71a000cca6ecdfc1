use crate::clock::Millis;
use crate::domain::Email;
use crate::error::AppError;
use crate::secure::{cookie, random_token, set_cookie, sha256_hex};
use crate::startup::AppState;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use leptos::prelude::*;
use sqlx::Row;

pub const SESSION_COOKIE: &str = "portal_session";
/// A verified session lasts one hour, then the address is verified again.
pub const SESSION_TTL_MS: Millis = 60 * 60 * 1000;

/// The application state and request of the current server function or
/// render.
pub fn request_context() -> Result<(AppState, Parts), AppError> {
    let state = use_context::<AppState>()
        .ok_or_else(|| AppError::internal("no AppState in context", "missing"))?;
    let parts = use_context::<Parts>()
        .ok_or_else(|| AppError::internal("no request parts in context", "missing"))?;
    Ok((state, parts))
}

/// Adds a header to the response of the current server function or render.
pub fn add_response_cookie(value: HeaderValue) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// Opens a session for a just-verified address and sets its cookie.
pub async fn open(state: &AppState, email: &Email) -> Result<(), AppError> {
    let token = random_token();
    let now = state.clock.now();
    sqlx::query("INSERT INTO subject_sessions (token_hash, email, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(sha256_hex(&["session", &token]))
        .bind(email.as_str())
        .bind(now)
        .bind(now + SESSION_TTL_MS)
        .execute(&state.pool)
        .await
        .map_err(|e| AppError::internal("cannot open a subject session", e))?;
    add_response_cookie(set_cookie(
        SESSION_COOKIE,
        &token,
        (SESSION_TTL_MS / 1000) as u64,
        state.config.cookies_secure(),
    ));
    Ok(())
}

/// The verified address of this request's session, if it has a live one.
pub async fn current(state: &AppState, parts: &Parts) -> Result<Option<Email>, AppError> {
    let Some(token) = cookie(parts, SESSION_COOKIE) else {
        return Ok(None);
    };
    let row =
        sqlx::query("SELECT email FROM subject_sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(sha256_hex(&["session", token]))
            .bind(state.clock.now())
            .fetch_optional(&state.pool)
            .await
            .map_err(|e| AppError::internal("cannot read a subject session", e))?;
    Ok(row.and_then(|row| Email::parse(row.get::<String, _>("email").as_str()).ok()))
}

/// The verified address of the current server function's request.
pub async fn current_subject() -> Result<Option<Email>, AppError> {
    let (state, parts) = request_context()?;
    current(&state, &parts).await
}

/// Ends the session: deletes its row and its cookie.
pub async fn close(state: &AppState, parts: &Parts) -> Result<(), AppError> {
    if let Some(token) = cookie(parts, SESSION_COOKIE) {
        sqlx::query("DELETE FROM subject_sessions WHERE token_hash = $1")
            .bind(sha256_hex(&["session", token]))
            .execute(&state.pool)
            .await
            .map_err(|e| AppError::internal("cannot close a subject session", e))?;
    }
    add_response_cookie(set_cookie(
        SESSION_COOKIE,
        "",
        0,
        state.config.cookies_secure(),
    ));
    Ok(())
}
