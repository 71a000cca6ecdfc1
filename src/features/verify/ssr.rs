use super::*;
use crate::clock::Millis;
use crate::db::new_id;
use crate::domain::RightKind;
use crate::email::{outbox, templates};
use crate::i18n::{Label, Lang, current_lang, subject};
use crate::limits::{self, ClientNetworks, Counter, Limit};
use crate::secure::{constant_time_eq, random_code, random_token, sha256_hex};
use crate::state::{AppState, add_response_header, request_context};
use crate::web::cookies;
use crate::web::form::Notice;
use crate::web::subject_session as session;
use anyhow::Context;
use axum::http::header::SET_COOKIE;

/// Remembers, in this browser, which verification the code page is about:
/// its id, and after a dot the holder's secret when this browser asked for
/// the current code.
pub const PENDING_COOKIE: &str = "portal_verification";
/// It lives an hour: a code is valid for 10 minutes, and a few resends fit.
pub const PENDING_COOKIE_SECS: u64 = 3600;

use crate::verifications::{self, By, NewCode, Pending, Tries};

/// What this browser's cookie says: the verification's id and, if this
/// browser asked for the current code, the holder's secret.
fn browser_pending<'a>(
    state: &AppState,
    parts: &'a axum::http::request::Parts,
) -> Option<(&'a str, Option<&'a str>)> {
    let value = cookies::read(parts, PENDING_COOKIE, state.config.cookies_secure())?;
    Some(match value.split_once('.') {
        Some((id, holder)) => (id, Some(holder)),
        None => (value, None),
    })
}

/// The verification this browser is in the middle of, unless it was
/// already used, and whether this browser holds its current code.
async fn pending_in_browser(
    state: &AppState,
    parts: &axum::http::request::Parts,
) -> anyhow::Result<Option<(Pending, bool)>> {
    let Some((id, holder)) = browser_pending(state, parts) else {
        return Ok(None);
    };
    Ok(verifications::find(&state.pool, By::Id, id)
        .await?
        .filter(|p| !p.consumed())
        .map(|p| {
            let held = p.held_by(holder);
            (p, held)
        }))
}

/// Points this browser at the verification `id`; `holder` is the secret of
/// the browser that asked for its current code, `None` for another one.
fn remember_pending(state: &AppState, id: &str, holder: Option<&str>) {
    let value = match holder {
        Some(holder) => format!("{id}.{holder}"),
        None => id.to_owned(),
    };
    add_response_header(
        SET_COOKIE,
        cookies::set(
            PENDING_COOKIE,
            &value,
            PENDING_COOKIE_SECS,
            state.config.cookies_secure(),
        ),
    );
}

fn forget_pending(state: &AppState) {
    add_response_header(
        SET_COOKIE,
        cookies::remove(PENDING_COOKIE, state.config.cookies_secure()),
    );
}

/// Counts one more code for this mailbox, this client and the whole
/// portal, in the caller's transaction. The upserts are atomic, so parallel
/// requests are counted one by one.
async fn count_send(
    tx: &mut sqlx::AnyConnection,
    state: &AppState,
    email: &Email,
    client: &ClientNetworks,
    now: Millis,
) -> anyhow::Result<Option<SendResult>> {
    let config = &state.config;
    let mailbox = limits::mailbox_key(email.as_str());
    let checks = limits::code_sends(&config.limits, &mailbox, client);
    for limit in &checks {
        if !limits::hit(tx, &state.counter_key, limit, now).await? {
            return Ok(Some(SendResult::Limited));
        }
    }
    // The portal-wide ceiling keeps a share for people it already knows
    // (a live verification, an open request): a flood of new addresses
    // cannot stop them.
    let global = Limit::new(Counter::CodesPerHour, "", &config.limits);
    let newcomers = Limit {
        max: limits::newcomers_share(global.max),
        ..Limit::new(Counter::CodesPerHour, "", &config.limits)
    };
    let within_all = limits::hit(tx, &state.counter_key, &global, now).await?;
    if !within_all {
        tracing::error!(
            limit = global.max,
            "verification codes paused: the portal's hourly ceiling is reached (PORTAL_CODES_PER_HOUR)"
        );
        return Ok(Some(SendResult::Paused));
    }
    // The same counter, read again (this send is counted): past the
    // newcomers' share, only known addresses go on.
    if !limits::within(tx, &state.counter_key, &newcomers, now).await?
        && !crate::verifications::known(tx, email.as_str(), now).await?
    {
        tracing::error!(
            limit = global.max,
            reserved = global.max - newcomers.max,
            "verification codes paused for new addresses: the newcomers' share of PORTAL_CODES_PER_HOUR is used up"
        );
        return Ok(Some(SendResult::Paused));
    }
    Ok(None)
}

fn seconds_left(sent_at: Millis, now: Millis) -> Option<u64> {
    let wait = sent_at + RESEND_COOLDOWN_SECS * 1000 - now;
    (wait > 0).then(|| ((wait + 999) / 1000) as u64)
}

fn wait_notice(lang: Lang, seconds: u64) -> FormReply {
    FormReply::notice(Notice::info(
        subject::NOTICE_WAIT.with(lang, &[("seconds", &seconds)]),
    ))
}

fn limited_notice(lang: Lang) -> FormReply {
    FormReply::notice(Notice::error(subject::NOTICE_LIMITED.get(lang)))
}

fn restart_notice(lang: Lang) -> FormReply {
    FormReply::notice(Notice::info(subject::NOTICE_RESTART.get(lang)))
}

enum SendResult {
    /// Sent; the browser that asked holds the code with this secret.
    Queued {
        holder: String,
    },
    /// Another code went out less than a minute ago.
    TooSoon,
    Limited,
    /// The portal's hourly ceiling on codes is reached: sending pauses.
    Paused,
}

impl SendResult {
    /// What the person is told when no code went out.
    fn refusal(self, lang: Lang) -> FormReply {
        match self {
            SendResult::Limited => limited_notice(lang),
            SendResult::Paused => {
                FormReply::notice(Notice::error(subject::NOTICE_PAUSED.get(lang)))
            }
            SendResult::TooSoon | SendResult::Queued { .. } => {
                wait_notice(lang, RESEND_COOLDOWN_SECS as u64)
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
    client: &ClientNetworks,
) -> anyhow::Result<SendResult> {
    let now = state.clock.now();
    let code = random_code();
    let token = random_token();
    let holder = random_token();

    let mut tx = state.pool.begin().await.context("verification: begin")?;
    if let Some(refused) = count_send(&mut tx, state, email, client, now).await? {
        tx.rollback().await.context("verification: roll back")?;
        return Ok(refused);
    }
    let stored = verifications::store_code(
        &mut tx,
        &NewCode {
            email: email.as_str(),
            id,
            right,
            lang,
            code_hash: sha256_hex(&["code", id, &code]),
            link_hash: sha256_hex(&["link", &token]),
            holder_hash: sha256_hex(&["holder", &holder]),
            now,
            expires_at: now + CODE_TTL_SECS * 1000,
            resend_after: now - RESEND_COOLDOWN_SECS * 1000,
        },
    )
    .await?;
    if !stored {
        // A parallel request sent one a moment ago.
        tx.rollback().await.context("verification: roll back")?;
        return Ok(SendResult::TooSoon);
    }
    let link = state.config.link(&format!("/verify/link/{token}"));
    let message =
        templates::verification_code(lang, email, &code, &link, &state.config.controller());
    outbox::enqueue(&mut tx, &message, &state.config.mail_from, None, now)
        .await
        .context("verification: queue the code email")?;
    tx.commit().await.context("verification: commit")?;
    state.outbox_wakeup.notify_one();
    Ok(SendResult::Queued { holder })
}

pub async fn request_code(form: EmailForm) -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    let lang = current_lang();
    let errors = check_email_form(&form);
    let Ok(email) = Email::parse(&form.email) else {
        return Ok(FormReply::invalid(errors));
    };
    let now = state.clock.now();

    let live = verifications::find(&state.pool, By::Email, email.as_str())
        .await?
        .filter(|v| v.live(now));
    let browser = browser_pending(&state, &parts);
    if let Some(live) = &live {
        let holds = matches!(browser, Some((id, holder)) if id == live.id && live.held_by(holder));
        if !holds {
            return Ok(someone_elses_code(&state, live));
        }
        if seconds_left(live.sent_at, now).is_some() {
            // A double click, the back button: go on to typing it.
            return Ok(FormReply::go("/verify/code"));
        }
    }
    let id = live.map(|v| v.id).unwrap_or_else(new_id);
    let client = ClientNetworks::of_request(&parts, state.config.client_ip_header.as_deref());
    match send_fresh_code(
        &state,
        &id,
        &email,
        RightKind::parse(&form.right),
        lang,
        &client,
    )
    .await?
    {
        SendResult::Queued { holder } => {
            remember_pending(&state, &id, Some(&holder));
            Ok(FormReply::go("/verify/code"))
        }
        SendResult::TooSoon => {
            // Another browser's code went out in parallel.
            match verifications::find(&state.pool, By::Email, email.as_str())
                .await?
                .filter(|v| v.live(now))
            {
                Some(live) => Ok(someone_elses_code(&state, &live)),
                None => Ok(SendResult::TooSoon.refusal(lang)),
            }
        }
        refused => Ok(refused.refusal(lang)),
    }
}

/// Another browser asked for a code for this address, and it is still
/// valid: this one gets the same answer as anyone (the code page), but
/// nothing is sent and the code is not replaced. The person may type the
/// code here (the owner on a second device), with tries of its own.
fn someone_elses_code(state: &AppState, live: &Pending) -> FormReply {
    remember_pending(state, &live.id, None);
    FormReply::go("/verify/code")
}

pub async fn resend_code() -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    let lang = current_lang();
    let now = state.clock.now();
    let Some((pending, holds)) = pending_in_browser(&state, &parts).await? else {
        return Ok(restart_notice(lang));
    };
    // Only the browser that asked replaces a valid code; another one waits
    // until it expires.
    let not_before = if holds || !pending.live(now) {
        pending.sent_at
    } else {
        pending.expires_at - RESEND_COOLDOWN_SECS * 1000
    };
    if let Some(seconds) = seconds_left(not_before, now) {
        return Ok(wait_notice(lang, seconds));
    }
    let Ok(email) = Email::parse(&pending.email) else {
        return Ok(restart_notice(lang));
    };
    let client = ClientNetworks::of_request(&parts, state.config.client_ip_header.as_deref());
    match send_fresh_code(&state, &pending.id, &email, pending.right(), lang, &client).await? {
        SendResult::Queued { holder } => {
            remember_pending(&state, &pending.id, Some(&holder));
            Ok(FormReply::notice(Notice::info(
                subject::NOTICE_RESENT.get(lang),
            )))
        }
        refused => Ok(refused.refusal(lang)),
    }
}

pub async fn check_code(form: CodeForm) -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    let lang = current_lang();
    let now = state.clock.now();
    let Some((pending, holds)) = pending_in_browser(&state, &parts).await? else {
        return Ok(restart_notice(lang));
    };
    // The holder's tries and everyone else's are counted apart.
    let (tries, whose) = if holds {
        (pending.attempts, Tries::Holder)
    } else {
        (pending.other_attempts, Tries::Other)
    };
    let invalid = |code| Ok(FormReply::invalid(FieldErrors::single("code", code)));
    let Some(code) = normalize_code(&form.code) else {
        return invalid(ErrorCode::CodeFormat);
    };
    if pending.expires_at <= now {
        return invalid(ErrorCode::CodeExpired);
    }
    if tries >= MAX_CODE_TRIES {
        return invalid(ErrorCode::CodeTooManyTries);
    }
    // Wrong codes are also capped per mailbox and day, across codes: asking
    // for new codes does not buy new guesses.
    let mailbox = limits::mailbox_key(&pending.email);
    let wrong_today = limits::wrong_codes(&state.config.limits, &mailbox, holds);
    let mut conn = state
        .pool
        .acquire()
        .await
        .context("verification: connect")?;
    if limits::count(&mut conn, &state.counter_key, &wrong_today, now).await? >= wrong_today.max {
        return invalid(ErrorCode::CodeTooManyTries);
    }
    drop(conn);
    // Count the try before comparing, atomically, so parallel guesses
    // cannot exceed the limit.
    let Some((stored, attempts)) =
        verifications::count_try(&state.pool, &pending.id, whose, MAX_CODE_TRIES).await?
    else {
        return invalid(ErrorCode::CodeTooManyTries);
    };
    if !constant_time_eq(&stored, &sha256_hex(&["code", &pending.id, &code])) {
        let mut conn = state
            .pool
            .acquire()
            .await
            .context("verification: connect")?;
        limits::hit(&mut conn, &state.counter_key, &wrong_today, now).await?;
        return invalid(if attempts >= MAX_CODE_TRIES {
            ErrorCode::CodeTooManyTries
        } else {
            ErrorCode::CodeWrong
        });
    }
    verified(&state, &pending, now, lang).await
}

/// A link token as the emails carry it: 64 hex digits (256 bits).
fn is_link_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

pub async fn confirm_link(form: LinkForm) -> Result<FormReply, AppError> {
    let (state, _) = request_context()?;
    let lang = current_lang();
    let now = state.clock.now();
    let token = form.token.trim();
    let invalid = || {
        Ok(FormReply::notice(
            Notice::error(ErrorCode::LinkInvalid.label().get(lang)).with_link(
                "/verify",
                subject::GET_NEW_CODE.get(lang),
                false,
            ),
        ))
    };
    if !is_link_token(token) {
        return invalid();
    }
    match verifications::find(&state.pool, By::LinkHash, &sha256_hex(&["link", token])).await? {
        Some(pending) if !pending.consumed() && pending.expires_at > now => {
            verified(&state, &pending, now, lang).await
        }
        _ => invalid(),
    }
}

/// The masked address a link confirms, while the link is valid. Reading it
/// changes nothing (mail scanners open links).
pub async fn link_address(token: String) -> Result<Option<String>, AppError> {
    let (state, _) = request_context()?;
    let now = state.clock.now();
    let token = token.trim();
    if !is_link_token(token) {
        return Ok(None);
    }
    Ok(
        verifications::find(&state.pool, By::LinkHash, &sha256_hex(&["link", token]))
            .await?
            .filter(|p| p.live(now))
            .and_then(|p| Email::parse(&p.email).ok())
            .map(|email| email.masked()),
    )
}

/// Consumes the verification (once, even under a race) and opens the
/// session, in one transaction: a code is never spent without a session.
async fn verified(
    state: &AppState,
    pending: &Pending,
    now: Millis,
    lang: Lang,
) -> Result<FormReply, AppError> {
    let email = Email::parse(&pending.email).context("verification: stored email")?;
    let mut tx = state.pool.begin().await.context("verification: begin")?;
    if !verifications::consume(&mut tx, &pending.id, now).await? {
        return Ok(restart_notice(lang));
    }
    session::open(&mut tx, state, &email).await?;
    tx.commit().await.context("verification: commit")?;
    forget_pending(state);
    Ok(FormReply::go(match pending.right() {
        Some(right) => format!("/request/new?right={}", right.slug()),
        None => "/my-requests".into(),
    }))
}

/// The masked address the code page talks about, if this browser is in the
/// middle of a verification.
pub async fn pending_code() -> Result<Option<String>, AppError> {
    let (state, parts) = request_context()?;
    Ok(pending_in_browser(&state, &parts)
        .await?
        .and_then(|(p, _)| Email::parse(&p.email).ok())
        .map(|email| email.masked()))
}
