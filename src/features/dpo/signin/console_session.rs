//! A DPO's session: opened by signing in, kept in the database (so it
//! survives a restart and works on every instance), ended by signing out,
//! after 30 idle minutes, or 8 hours after signing in, whichever comes
//! first. Every console page and action starts with [`require_dpo`].

use crate::accounts::sessions;
use crate::clock::Millis;
use crate::domain::Email;
use crate::error::AppError;
use crate::secure::{random_token, sha256_hex};
use crate::state::{AppState, add_response_header, request_context};
use crate::web::cookies;
use anyhow::Context;
use axum::extract::FromRequestParts;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

pub const IDLE_MS: Millis = 30 * 60 * 1000;
pub const ABSOLUTE_MS: Millis = 8 * 3600 * 1000;
/// `last_seen_at` is written at most this often, not on every page.
const TOUCH_EVERY_MS: Millis = 60 * 1000;

/// The cookie's name; over https `web::cookies` gives it the `__Host-`
/// prefix, which browsers only accept Secure, on `/`, without a domain.
pub const COOKIE: &str = "portal_dpo";

/// The signed-in DPO.
#[derive(Clone, Debug)]
pub struct Dpo {
    pub account_id: String,
    pub email: Email,
    /// The account has a second factor (`PORTAL_REQUIRE_TOTP` sends one
    /// without it to enrol first).
    pub has_totp: bool,
}

fn token_hash(token: &str) -> String {
    sha256_hex(&["dpo-session", token])
}

/// Opens a session for `account_id` with a new token, on `conn`; with
/// `second_factor_pending`, it only lets the DPO give the code. Any session
/// this browser had is ended first.
pub async fn open(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    parts: &Parts,
    account_id: &str,
    second_factor_pending: bool,
) -> anyhow::Result<()> {
    let secure = state.config.cookies_secure();
    if let Some(old) = cookies::read(parts, COOKIE, secure) {
        sessions::delete(&mut *conn, &token_hash(old)).await?;
    }
    let token = random_token();
    let now = state.clock.now();
    sessions::insert(
        &mut *conn,
        &token_hash(&token),
        account_id,
        now,
        second_factor_pending,
    )
    .await?;
    add_response_header(
        SET_COOKIE,
        cookies::set(COOKIE, &token, (ABSOLUTE_MS / 1000) as u64, secure),
    );
    Ok(())
}

/// What this request's DPO cookie names.
pub enum SessionState {
    None,
    /// Password accepted, second factor still to give.
    SecondFactorPending {
        account_id: String,
        /// The session's key, to reserve each code try on it.
        token_hash: String,
    },
    SignedIn(Dpo),
}

/// Reads the session of the request, ending it if it has timed out.
pub async fn session(state: &AppState, parts: &Parts) -> Result<SessionState, AppError> {
    let Some(token) = cookies::read(parts, COOKIE, state.config.cookies_secure()) else {
        return Ok(SessionState::None);
    };
    let hash = token_hash(token);
    let row = sessions::find(&state.pool, &hash).await?;
    let Some(row) = row else {
        return Ok(SessionState::None);
    };
    let now = state.clock.now();
    let expired = now - row.last_seen_at > IDLE_MS || now - row.created_at > ABSOLUTE_MS;
    if expired || row.disabled_at.is_some() {
        let mut conn = state.pool.acquire().await.context("dpo session: connect")?;
        sessions::delete(&mut conn, &hash).await?;
        return Ok(SessionState::None);
    }
    if row.second_factor_pending != 0 {
        return Ok(SessionState::SecondFactorPending {
            account_id: row.account_id,
            token_hash: hash,
        });
    }
    if now - row.last_seen_at > TOUCH_EVERY_MS {
        sessions::touch(&state.pool, &hash, now).await?;
    }
    let email = Email::parse(&row.email).context("dpo session: stored email")?;
    Ok(SessionState::SignedIn(Dpo {
        account_id: row.account_id,
        email,
        has_totp: row.has_totp != 0,
    }))
}

/// Why a console route refuses: nobody is signed in (or only half, the
/// second factor still to give), or the session could not be read.
#[derive(Debug)]
pub enum NotSignedIn {
    SignIn,
    Trouble,
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        match self {
            NotSignedIn::SignIn => Redirect::to("/dpo/login").into_response(),
            NotSignedIn::Trouble => AppError::Internal.into_response(),
        }
    }
}

/// The one guard of the console: a handler that takes a `Dpo` runs for a
/// signed-in DPO only. Downloads and exports take it as an extractor;
/// pages and actions, which run inside Leptos, through [`require_dpo`].
impl FromRequestParts<AppState> for Dpo {
    type Rejection = NotSignedIn;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session(state, parts).await {
            Ok(SessionState::SignedIn(dpo)) => Ok(dpo),
            Ok(_) => Err(NotSignedIn::SignIn),
            Err(_) => Err(NotSignedIn::Trouble),
        }
    }
}

/// The signed-in DPO of the request being answered, or `None`: the first
/// line of every console page and action, through the extractor.
pub async fn require_dpo() -> Result<Option<Dpo>, AppError> {
    let (state, mut parts) = request_context()?;
    match Dpo::from_request_parts(&mut parts, &state).await {
        Ok(dpo) => Ok(Some(dpo)),
        Err(NotSignedIn::SignIn) => Ok(None),
        Err(NotSignedIn::Trouble) => Err(AppError::Internal),
    }
}

/// Ends this browser's session at once.
/// Ends a pending sign-in (too many wrong codes): the password again.
pub async fn end_pending(state: &AppState, token_hash: &str) -> anyhow::Result<()> {
    let mut conn = state.pool.acquire().await.context("dpo session: connect")?;
    sessions::delete(&mut conn, token_hash).await?;
    Ok(())
}

pub async fn close(state: &AppState, parts: &Parts) -> Result<(), AppError> {
    let secure = state.config.cookies_secure();
    if let Some(token) = cookies::read(parts, COOKIE, secure) {
        let mut tx = state.pool.begin().await.context("dpo session: begin")?;
        if let Some(account_id) = sessions::delete(&mut tx, &token_hash(token)).await? {
            let entry = crate::audit::Entry::new(
                crate::audit::AuditAction::AccountSignedOut,
                crate::audit::Who::Dpo(&account_id),
            )
            .account(&account_id);
            crate::audit::append(&mut tx, state.clock.now(), &entry).await?;
        }
        tx.commit().await.context("dpo session: commit")?;
    }
    add_response_header(SET_COOKIE, cookies::remove(COOKIE, secure));
    Ok(())
}
