//! The data subject's session: opened when an address is verified, bound to
//! that address, kept in the database; the cookie holds a random token only.

use super::cookies;
use crate::clock::Millis;
use crate::domain::Email;
use crate::error::AppError;
use crate::secure::{random_token, sha256_hex};
use crate::state::{AppState, add_response_header, request_context};
use anyhow::Context;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use sqlx::Row;

pub const SESSION_COOKIE: &str = "portal_session";
/// A verified session lasts one hour, then the address is verified again.
pub const SESSION_TTL_MS: Millis = 60 * 60 * 1000;

/// Opens a session for a just-verified address and sets its cookie, on
/// `conn` (the caller's transaction).
pub async fn open(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    email: &Email,
) -> Result<(), AppError> {
    let token = random_token();
    let now = state.clock.now();
    sqlx::query(
        "INSERT INTO subject_sessions (token_hash, email, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(sha256_hex(&["session", &token]))
    .bind(email.as_str())
    .bind(now)
    .bind(now + SESSION_TTL_MS)
    .execute(conn)
    .await
    .context("session: open")?;
    add_response_header(
        SET_COOKIE,
        cookies::set(
            SESSION_COOKIE,
            &token,
            (SESSION_TTL_MS / 1000) as u64,
            state.config.cookies_secure(),
        ),
    );
    Ok(())
}

/// The verified address of this request's session, if it has a live one.
pub async fn current(state: &AppState, parts: &Parts) -> Result<Option<Email>, AppError> {
    let Some(token) = cookies::read(parts, SESSION_COOKIE, state.config.cookies_secure()) else {
        return Ok(None);
    };
    let row =
        sqlx::query("SELECT email FROM subject_sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(sha256_hex(&["session", token]))
            .bind(state.clock.now())
            .fetch_optional(&state.pool)
            .await
            .context("session: read")?;
    Ok(row.and_then(|row| Email::parse(row.get::<String, _>("email").as_str()).ok()))
}

/// The verified address of the request being answered.
pub async fn current_subject() -> Result<Option<Email>, AppError> {
    let (state, parts) = request_context()?;
    current(&state, &parts).await
}

/// Ends the session: deletes its row and its cookie.
pub async fn close(state: &AppState, parts: &Parts) -> Result<(), AppError> {
    if let Some(token) = cookies::read(parts, SESSION_COOKIE, state.config.cookies_secure()) {
        sqlx::query("DELETE FROM subject_sessions WHERE token_hash = $1")
            .bind(sha256_hex(&["session", token]))
            .execute(&state.pool)
            .await
            .context("session: close")?;
    }
    add_response_header(
        SET_COOKIE,
        cookies::remove(SESSION_COOKIE, state.config.cookies_secure()),
    );
    Ok(())
}
