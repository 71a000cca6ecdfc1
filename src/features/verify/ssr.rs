use super::*;
use crate::clock::Millis;
use crate::db::new_id;
use crate::domain::{Email, RightKind};
use crate::email::{outbox, templates};
use crate::features::language::initial_lang;
use crate::features::session::ssr::{add_response_cookie, open as open_session, request_context};
use crate::i18n::Lang;
use crate::secure::{
    client_ip_hash, constant_time_eq, cookie, random_code, random_token, set_cookie, sha256_hex,
};
use crate::startup::AppState;
use sqlx::Row;

/// Remembers, in this browser, which verification the code page is about.
pub const PENDING_COOKIE: &str = "portal_verification";
const HOUR_MS: Millis = 3_600_000;
const PER_ADDRESS_PER_HOUR: i64 = 3;
const PER_ADDRESS_PER_DAY: i64 = 10;

fn db_error(e: sqlx::Error) -> AppError {
    AppError::internal("verification: database error", e)
}

struct Pending {
    id: String,
    email: String,
    right_kind: Option<String>,
    sent_at: Millis,
    expires_at: Millis,
    attempts: i64,
    consumed: bool,
}

fn pending_from_row(row: sqlx::any::AnyRow) -> Pending {
    Pending {
        id: row.get("id"),
        email: row.get("email"),
        right_kind: row.get("right_kind"),
        sent_at: row.get("sent_at"),
        expires_at: row.get("expires_at"),
        attempts: row.get("attempts"),
        consumed: row.get::<Option<i64>, _>("consumed_at").is_some(),
    }
}

const PENDING_COLUMNS: &str = "id, email, right_kind, sent_at, expires_at, attempts, consumed_at";

async fn pending_by_id(state: &AppState, id: &str) -> Result<Option<Pending>, AppError> {
    sqlx::query(&format!(
        "SELECT {PENDING_COLUMNS} FROM verifications WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&state.pool)
    .await
    .map(|row| row.map(pending_from_row))
    .map_err(db_error)
}

/// The verification of an address, live or not.
async fn verification_of(state: &AppState, email: &Email) -> Result<Option<Pending>, AppError> {
    sqlx::query(&format!(
        "SELECT {PENDING_COLUMNS} FROM verifications WHERE email = $1"
    ))
    .bind(email.as_str())
    .fetch_optional(&state.pool)
    .await
    .map(|row| row.map(pending_from_row))
    .map_err(db_error)
}

/// The verification this browser is in the middle of, unless it was
/// already used.
async fn pending_in_browser(
    state: &AppState,
    parts: &axum::http::request::Parts,
) -> Result<Option<Pending>, AppError> {
    match cookie(parts, PENDING_COOKIE) {
        Some(id) => Ok(pending_by_id(state, id).await?.filter(|p| !p.consumed)),
        None => Ok(None),
    }
}

fn remember_pending(state: &AppState, id: &str) {
    add_response_cookie(set_cookie(
        PENDING_COOKIE,
        id,
        3600,
        state.config.cookies_secure(),
    ));
}

fn forget_pending(state: &AppState) {
    add_response_cookie(set_cookie(
        PENDING_COOKIE,
        "",
        0,
        state.config.cookies_secure(),
    ));
}

/// Counts one more code for this address and this connection, in the
/// caller's transaction; `false` when a limit is passed. The upsert is
/// atomic, so parallel requests are counted one by one.
async fn count_send(
    tx: &mut sqlx::AnyConnection,
    state: &AppState,
    email_hash: &str,
    ip_hash: &str,
    now: Millis,
) -> Result<bool, AppError> {
    let day = 24 * HOUR_MS;
    for (counter, window, limit) in [
        (
            format!("email-hour:{email_hash}"),
            HOUR_MS,
            PER_ADDRESS_PER_HOUR,
        ),
        (format!("email-day:{email_hash}"), day, PER_ADDRESS_PER_DAY),
        (
            format!("ip-hour:{ip_hash}"),
            HOUR_MS,
            state.config.codes_per_ip_per_hour,
        ),
    ] {
        let sends: i64 = sqlx::query(
            "INSERT INTO send_counters (counter, window_start, sends) VALUES ($1, $2, 1) \
             ON CONFLICT (counter, window_start) DO UPDATE SET sends = send_counters.sends + 1 RETURNING sends",
        )
        .bind(counter)
        .bind(now - now.rem_euclid(window))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?
        .get("sends");
        if sends > limit {
            return Ok(false);
        }
    }
    Ok(true)
}

fn seconds_left(sent_at: Millis, now: Millis) -> Option<u64> {
    let wait = sent_at + RESEND_COOLDOWN_SECS * 1000 - now;
    (wait > 0).then(|| ((wait + 999) / 1000) as u64)
}

enum SendResult {
    Queued,
    /// Another code went out less than a minute ago.
    TooSoon,
    Limited,
}

impl From<SendResult> for VerifyOutcome {
    /// What the person is told when no code went out.
    fn from(result: SendResult) -> Self {
        match result {
            SendResult::Limited => VerifyOutcome::Limited,
            SendResult::TooSoon | SendResult::Queued => {
                VerifyOutcome::Wait(RESEND_COOLDOWN_SECS as u64)
            }
        }
    }
}

/// Issues a fresh code and link for `email` under the verification `id`,
/// replacing whatever the address had (so never two pending), counting the
/// send for the limits and queueing the email, all in one transaction.
async fn send_fresh_code(
    state: &AppState,
    id: &str,
    email: &Email,
    right: Option<RightKind>,
    lang: Lang,
    ip_hash: &str,
) -> Result<SendResult, AppError> {
    let now = state.clock.now();
    let code = random_code();
    let token = random_token();
    let email_hash = sha256_hex(&["email", email.as_str()]);

    let mut tx = state.pool.begin().await.map_err(db_error)?;
    if !count_send(&mut tx, state, &email_hash, ip_hash, now).await? {
        tx.rollback().await.map_err(db_error)?;
        return Ok(SendResult::Limited);
    }
    let written = sqlx::query(
        "INSERT INTO verifications (email, id, right_kind, lang, code_hash, link_hash, attempts, created_at, sent_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, $8) \
         ON CONFLICT (email) DO UPDATE SET id = excluded.id, right_kind = excluded.right_kind, lang = excluded.lang, \
           code_hash = excluded.code_hash, link_hash = excluded.link_hash, attempts = 0, created_at = excluded.created_at, \
           sent_at = excluded.sent_at, expires_at = excluded.expires_at, consumed_at = NULL \
         WHERE verifications.sent_at <= $9",
    )
    .bind(email.as_str())
    .bind(id)
    .bind(right.map(RightKind::slug))
    .bind(lang.code())
    .bind(sha256_hex(&["code", id, &code]))
    .bind(sha256_hex(&["link", &token]))
    .bind(now)
    .bind(now + CODE_TTL_SECS * 1000)
    .bind(now - RESEND_COOLDOWN_SECS * 1000)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    if written.rows_affected() == 0 {
        // A parallel request sent one a moment ago.
        tx.rollback().await.map_err(db_error)?;
        return Ok(SendResult::TooSoon);
    }
    let link = state.config.link(&format!("/verify/link/{token}"));
    let message = templates::verification_code(lang, email, &code, &link);
    outbox::enqueue(&mut tx, &message, &state.config.mail_from, None, now)
        .await
        .map_err(|e| AppError::internal("verification: cannot queue the code email", e))?;
    tx.commit().await.map_err(db_error)?;
    state.outbox_wakeup.notify_one();
    Ok(SendResult::Queued)
}

pub async fn request_code(form: EmailForm) -> Result<VerifyOutcome, AppError> {
    let (state, parts) = request_context()?;
    let errors = check_email_form(&form);
    if !errors.is_empty() {
        return Ok(VerifyOutcome::Invalid(errors));
    }
    let email = Email::parse(&form.email)
        .map_err(|e| AppError::internal("verification: checked email", e))?;
    let now = state.clock.now();

    let existing = verification_of(&state, &email).await?;
    let live = existing.filter(|v| !v.consumed && v.expires_at > now);
    if let Some(live) = &live
        && let Some(seconds) = seconds_left(live.sent_at, now)
    {
        // A code went out a moment ago. This browser asked for it (a double
        // click, the back button): go on to typing it. Another browser must
        // wait, so it cannot spend the owner's tries.
        if cookie(&parts, PENDING_COOKIE) == Some(live.id.as_str()) {
            return Ok(VerifyOutcome::Next("/verify/code".into()));
        }
        return Ok(VerifyOutcome::Wait(seconds));
    }
    let id = live.map(|v| v.id).unwrap_or_else(new_id);
    let right = RightKind::parse(&form.right);
    match send_fresh_code(
        &state,
        &id,
        &email,
        right,
        initial_lang(),
        &client_ip_hash(&parts, state.config.client_ip_header.as_deref()),
    )
    .await?
    {
        SendResult::Queued => {
            remember_pending(&state, &id);
            Ok(VerifyOutcome::Next("/verify/code".into()))
        }
        refused => Ok(refused.into()),
    }
}

pub async fn resend_code() -> Result<VerifyOutcome, AppError> {
    let (state, parts) = request_context()?;
    let now = state.clock.now();
    let Some(pending) = pending_in_browser(&state, &parts).await? else {
        return Ok(VerifyOutcome::Restart);
    };
    if let Some(seconds) = seconds_left(pending.sent_at, now) {
        return Ok(VerifyOutcome::Wait(seconds));
    }
    let Ok(email) = Email::parse(&pending.email) else {
        return Ok(VerifyOutcome::Restart);
    };
    let right = pending.right_kind.as_deref().and_then(RightKind::parse);
    match send_fresh_code(
        &state,
        &pending.id,
        &email,
        right,
        initial_lang(),
        &client_ip_hash(&parts, state.config.client_ip_header.as_deref()),
    )
    .await?
    {
        SendResult::Queued => Ok(VerifyOutcome::Resent),
        refused => Ok(refused.into()),
    }
}

fn invalid_code(code: ErrorCode) -> VerifyOutcome {
    let mut errors = FieldErrors::default();
    errors.add("code", code);
    VerifyOutcome::Invalid(errors)
}

pub async fn check_code(form: CodeForm) -> Result<VerifyOutcome, AppError> {
    let (state, parts) = request_context()?;
    let now = state.clock.now();
    let Some(pending) = pending_in_browser(&state, &parts).await? else {
        return Ok(VerifyOutcome::Restart);
    };
    let Some(code) = normalize_code(&form.code) else {
        return Ok(invalid_code(ErrorCode::CodeFormat));
    };
    if pending.expires_at <= now {
        return Ok(invalid_code(ErrorCode::CodeExpired));
    }
    if pending.attempts >= MAX_CODE_TRIES {
        return Ok(invalid_code(ErrorCode::CodeTooManyTries));
    }
    // Count the try before comparing, atomically, so parallel guesses
    // cannot exceed the limit.
    let counted = sqlx::query(
        "UPDATE verifications SET attempts = attempts + 1 WHERE id = $1 AND consumed_at IS NULL AND attempts < $2 \
         RETURNING code_hash, attempts",
    )
    .bind(&pending.id)
    .bind(MAX_CODE_TRIES)
    .fetch_optional(&state.pool)
    .await
    .map_err(db_error)?;
    let Some(row) = counted else {
        return Ok(invalid_code(ErrorCode::CodeTooManyTries));
    };
    let stored: String = row.get("code_hash");
    if !constant_time_eq(&stored, &sha256_hex(&["code", &pending.id, &code])) {
        let attempts: i64 = row.get("attempts");
        return Ok(invalid_code(if attempts >= MAX_CODE_TRIES {
            ErrorCode::CodeTooManyTries
        } else {
            ErrorCode::CodeWrong
        }));
    }
    verified(&state, &pending, now).await
}

pub async fn confirm_link(form: LinkForm) -> Result<VerifyOutcome, AppError> {
    let (state, _) = request_context()?;
    let now = state.clock.now();
    let token = form.token.trim();
    let invalid = || {
        let mut errors = FieldErrors::default();
        errors.add("token", ErrorCode::LinkInvalid);
        Ok(VerifyOutcome::Invalid(errors))
    };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return invalid();
    }
    let pending = sqlx::query(&format!(
        "SELECT {PENDING_COLUMNS} FROM verifications WHERE link_hash = $1"
    ))
    .bind(sha256_hex(&["link", token]))
    .fetch_optional(&state.pool)
    .await
    .map_err(db_error)?
    .map(pending_from_row);
    match pending {
        Some(pending) if !pending.consumed && pending.expires_at > now => {
            verified(&state, &pending, now).await
        }
        _ => invalid(),
    }
}

/// Consumes the verification (once, even under a race) and opens the session.
async fn verified(
    state: &AppState,
    pending: &Pending,
    now: Millis,
) -> Result<VerifyOutcome, AppError> {
    let consumed = sqlx::query(
        "UPDATE verifications SET consumed_at = $1 WHERE id = $2 AND consumed_at IS NULL",
    )
    .bind(now)
    .bind(&pending.id)
    .execute(&state.pool)
    .await
    .map_err(db_error)?;
    if consumed.rows_affected() != 1 {
        return Ok(VerifyOutcome::Restart);
    }
    let email = Email::parse(&pending.email)
        .map_err(|e| AppError::internal("verification: stored email", e))?;
    open_session(state, &email).await?;
    forget_pending(state);
    Ok(VerifyOutcome::Next(
        match pending.right_kind.as_deref().and_then(RightKind::parse) {
            Some(right) => format!("/request/new?right={}", right.slug()),
            None => "/my-requests".into(),
        },
    ))
}

pub async fn pending_code() -> Result<Option<CodeTarget>, AppError> {
    let (state, parts) = request_context()?;
    Ok(pending_in_browser(&state, &parts)
        .await?
        .and_then(|p| Email::parse(&p.email).ok())
        .map(|email| CodeTarget {
            masked_email: email.masked(),
        }))
}
