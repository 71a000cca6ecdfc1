//! Signing in to the console: email and password, then the second factor
//! when the account has one. The same message, and the same work, for an
//! unknown address and a wrong password. Wrong passwords slow down their
//! source (the client network, or a browser that signed in before: its
//! device cookie), never the account, so strangers cannot keep the DPO
//! out; wrong codes, which take the password, lock the account. Limits per
//! client network and /48; argon2 off the async runtime, a few at a time.

use crate::accounts::verify_password_off_runtime;
use crate::clock::Millis;
use crate::domain::Email;
use crate::error::AppError;
use crate::features::dpo::signin::console_session::{self as session, SessionState};
use crate::features::dpo::signin::totp;
use crate::i18n::{console, current_lang};
use crate::limits;
use crate::limits::ClientNetworks;
use crate::state::{AppState, request_context};
use crate::web::form::{FormReply, Notice};
use anyhow::Context;
use serde::Deserialize;

/// Failures allowed before the account is locked.
pub const LOCK_AFTER: i64 = 10;
/// The first lock; each one after it in a row (no sign-in between) lasts
/// twice as long, up to [`MAX_LOCK_MS`].
pub const LOCK_MS: Millis = 30 * 60 * 1000;
pub const MAX_LOCK_MS: Millis = 24 * 3600 * 1000;
/// Codes one pending sign-in may try; then the password again.
pub const CODE_TRIES: i64 = 5;

/// How long the `locks`-th lock in a row lasts: 30 minutes, 1, 2, 4, 8, 16
/// hours, then 24 hours.
pub fn lock_ms(locks: i64) -> Millis {
    (LOCK_MS << (locks - 1).clamp(0, 6)).min(MAX_LOCK_MS)
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// What a failed sign-in shows again: the address, never the password.
#[derive(Clone, Debug, Default)]
pub struct LoginTyped {
    pub email: String,
    pub next: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub next: String,
}

use crate::accounts::credentials::{self, By, Credentials as Account};

impl Account {
    /// Whether a password may be checked now: not disabled, not locked by
    /// wrong codes (the source's own wait is apart).
    fn may_try_password(&self, now: Millis) -> bool {
        self.disabled_at.is_none() && self.locked_until.is_none_or(|until| until <= now)
    }

    /// Whether a code may be checked now.
    fn may_try(&self, now: Millis) -> bool {
        self.disabled_at.is_none()
            && self.locked_until.is_none_or(|until| until <= now)
            && self.next_login_at.is_none_or(|at| at <= now)
    }
}

/// The wait before the next attempt after `failures` failures in a row.
pub fn backoff_ms(failures: i64) -> Millis {
    if failures < 3 {
        0
    } else {
        1000 * (1i64 << (failures - 3).min(6))
    }
}

/// The longest a source waits after wrong passwords.
pub const MAX_SOURCE_WAIT_MS: Millis = 15 * 60 * 1000;

/// The wait of a source after `failures` wrong passwords: none for two,
/// then 1 s doubling each time, up to 15 minutes (from the thirteenth).
pub fn source_backoff_ms(failures: i64) -> Millis {
    if failures < 3 {
        0
    } else {
        (1000i64 << (failures - 3).min(20)).min(MAX_SOURCE_WAIT_MS)
    }
}

/// A browser that signed in to an account keeps this cookie (23 hours,
/// renewed at each sign-in, like every cookie of the portal under a day):
/// its tries are counted apart from strangers'.
pub const DEVICE_COOKIE: &str = "portal_dpo_device";
pub const DEVICE_MAX_AGE_SECS: u64 = 23 * 3600;

/// The cookie's value for `device_id` on `account_id`: the id and a keyed
/// hash that only this server can make.
fn device_value(state: &AppState, account_id: &str, device_id: &str) -> String {
    let tag = state
        .counter_key
        .audit_tag(&format!("dpo-device:{account_id}:{device_id}"));
    format!("{device_id}.{tag}")
}

/// The source of a try on `account_id`: its device, when the browser holds
/// a valid device cookie for this account, else its client network.
pub(crate) fn source(
    state: &AppState,
    parts: &axum::http::request::Parts,
    account_id: &str,
) -> String {
    let secure = state.config.cookies_secure();
    let device = crate::web::cookies::read(parts, DEVICE_COOKIE, secure)
        .and_then(|value| value.split_once('.').map(|(id, _)| (id, value)))
        .filter(|(id, value)| {
            crate::secure::constant_time_eq(value, &device_value(state, account_id, id))
        });
    match device {
        Some((id, _)) => format!("device:{id}"),
        None => network_source(state, parts),
    }
}

fn network_source(state: &AppState, parts: &axum::http::request::Parts) -> String {
    let client = ClientNetworks::of_request(parts, state.config.client_ip_header.as_deref());
    format!(
        "net:{}",
        state
            .counter_key
            .audit_tag(&format!("dpo-net:{}", client.narrow))
    )
}

/// Gives this browser a device cookie for `account_id` (after a sign-in),
/// the same id as before when it holds a valid one, for another 23 hours.
fn remember_device(state: &AppState, parts: &axum::http::request::Parts, account_id: &str) {
    let id = match source(state, parts, account_id).strip_prefix("device:") {
        Some(id) => id.to_owned(),
        None => crate::secure::random_token(),
    };
    let value = device_value(state, account_id, &id);
    crate::state::add_response_header(
        axum::http::header::SET_COOKIE,
        crate::web::cookies::set(
            DEVICE_COOKIE,
            &value,
            DEVICE_MAX_AGE_SECS,
            state.config.cookies_secure(),
        ),
    );
}

/// Only console pages: a sign-in never sends anyone elsewhere.
pub fn safe_next(next: &str) -> String {
    let local = next.starts_with("/dpo")
        && !next.contains("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
        && !next.starts_with("/dpo/login");
    if local {
        next.to_owned()
    } else {
        "/dpo".to_owned()
    }
}

/// The pending sign-in ended after [`CODE_TRIES`] wrong codes.
fn tries_over() -> FormReply {
    let lang = current_lang();
    FormReply::notice(Notice::error(console::CODE_TRIES_OVER.get(lang)).with_link(
        "/dpo/login",
        console::SIGN_IN.get(lang),
        false,
    ))
}

fn refused() -> FormReply {
    FormReply::notice(Notice::error(console::SIGN_IN_FAILED.get(current_lang())))
}

async fn record_failure(state: &AppState, account: &Account, now: Millis) -> anyhow::Result<()> {
    let account_id = account.id.as_str();
    crate::audit::record_failed_sign_in(&state.pool, account_id, now).await?;
    let failures = credentials::count_failure(&state.pool, account_id).await?;
    // Two failures at once (10 and 11) lock once: the lock claims the
    // count it resets.
    let locked = if failures >= LOCK_AFTER {
        credentials::lock(&state.pool, account_id, now, LOCK_AFTER, lock_ms).await?
    } else {
        None
    };
    if let Some(until) = locked {
        tracing::warn!("a DPO account is locked after repeated failures");
        // The DPO hears of it, and the log says until when.
        let mut tx = state.pool.begin().await.context("sign-in: begin")?;
        if let Ok(to) = Email::parse(&account.email) {
            let email =
                crate::email::templates::account_locked(&to, until, &state.config.controller());
            crate::email::outbox::enqueue(&mut tx, &email, &state.config.mail_from, None, now)
                .await?;
        }
        crate::audit::append(
            &mut tx,
            now,
            &crate::audit::Entry::new(
                crate::audit::AuditAction::AccountLocked,
                crate::audit::Who::System,
            )
            .account(account_id)
            .facts(serde_json::json!({ "until": until })),
        )
        .await?;
        tx.commit().await.context("sign-in: commit")?;
        state.outbox_wakeup.notify_one();
    } else {
        credentials::back_off(&state.pool, account_id, now + backoff_ms(failures)).await?;
    }
    Ok(())
}

/// Clears the failures and records the sign-in; `factor` names the
/// second factor given, if any.
async fn record_success(
    conn: &mut sqlx::AnyConnection,
    account_id: &str,
    factor: Option<&str>,
    now: Millis,
) -> anyhow::Result<()> {
    credentials::clear_failures(&mut *conn, account_id).await?;
    let entry = crate::audit::Entry::new(
        crate::audit::AuditAction::AccountSignedIn,
        crate::audit::Who::Dpo(account_id),
    )
    .account(account_id)
    .facts(serde_json::json!({ "second_factor": factor }));
    crate::audit::append(conn, now, &entry).await?;
    Ok(())
}

/// `POST /dpo/login`.
pub async fn sign_in(form: LoginForm) -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    let now = state.clock.now();
    let client = ClientNetworks::of_request(&parts, state.config.client_ip_header.as_deref());
    let mut conn = state.pool.acquire().await.context("sign-in: connect")?;
    // Per client network, and per IPv6 /48 (where one client may hold a
    // whole range of /64s).
    let mut within = limits::hit(
        &mut conn,
        &state.counter_key,
        &limits::Limit::new(
            limits::Counter::LoginsPerIpHour,
            &client.narrow,
            &state.config.limits,
        ),
        now,
    )
    .await?;
    if let (true, Some(wide)) = (within, &client.wide) {
        within = limits::hit(
            &mut conn,
            &state.counter_key,
            &limits::Limit::new(
                limits::Counter::LoginsPerIp48Hour,
                wide,
                &state.config.limits,
            ),
            now,
        )
        .await?;
    }
    if !within {
        return Ok(FormReply::notice(Notice::error(
            console::SIGN_IN_LIMITED.get(current_lang()),
        )));
    }
    drop(conn);
    let typed = form.email.trim().to_lowercase();
    let account = match Email::parse(&form.email) {
        Ok(email) => credentials::find(&state.pool, By::Email, email.as_str()).await?,
        Err(_) => None,
    };
    let Some(account) = account.filter(|a| a.disabled_at.is_none()) else {
        // The same work as a real check (argon2, and the failure counted
        // under a keyed hash of the address), so that the answer's timing
        // does not tell which addresses have an account.
        let key = format!(
            "unknown:{}",
            state.counter_key.audit_tag(&format!("dpo-login:{typed}"))
        );
        let source = network_source(&state, &parts);
        if credentials::source_wait(&state.pool, &key, &source)
            .await?
            .is_none_or(|at| at <= now)
        {
            verify_password_off_runtime(form.password, None).await;
            credentials::count_source_failure(&state.pool, &key, &source, now, source_backoff_ms)
                .await?;
        } else {
            verify_password_off_runtime(form.password, None).await;
        }
        return Ok(refused());
    };
    let source = source(&state, &parts, &account.id);
    let waiting = credentials::source_wait(&state.pool, &account.id, &source)
        .await?
        .is_some_and(|at| at > now);
    if !account.may_try_password(now) || waiting {
        // Locked or waiting: the same argon2 work as any other answer, so
        // that a quick refusal does not tell that this account exists.
        verify_password_off_runtime(form.password, None).await;
        return Ok(refused());
    }
    if !verify_password_off_runtime(form.password, Some(account.password_hash.clone())).await {
        credentials::count_source_failure(
            &state.pool,
            &account.id,
            &source,
            now,
            source_backoff_ms,
        )
        .await?;
        // The audit entry off the response path: an unknown address has
        // none, and the answer must take the same time.
        let (pool, id) = (state.pool.clone(), account.id.clone());
        tokio::spawn(async move {
            if let Err(e) = crate::audit::record_failed_sign_in(&pool, &id, now).await {
                tracing::error!(error = format!("{e:#}"), "a failed sign-in was not audited");
            }
        });
        return Ok(refused());
    }
    let pending = account.totp_secret.is_some();
    let mut tx = state.pool.begin().await.context("sign-in: begin")?;
    credentials::clear_source(&mut tx, &account.id, &source).await?;
    // With a second factor still to come, the failures are cleared only
    // once it is given: otherwise the password alone would reset the
    // count of wrong codes, and the lock-out would never reach them.
    session::open(&mut tx, &state, &parts, &account.id, pending).await?;
    if !pending {
        record_success(&mut tx, &account.id, None, now).await?;
        remember_device(&state, &parts, &account.id);
    }
    tx.commit().await.context("sign-in: commit")?;
    let next = safe_next(&form.next);
    Ok(FormReply::go(if pending {
        format!(
            "/dpo/login/code?next={}",
            crate::web::form::encode_query_value(&next)
        )
    } else {
        next
    }))
}

/// `POST /dpo/login/code`: a TOTP code, or a recovery code.
pub async fn second_factor(form: CodeForm) -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    let SessionState::SecondFactorPending {
        account_id,
        token_hash,
    } = session::session(&state, &parts).await?
    else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let now = state.clock.now();
    // Codes from one network are limited apart from passwords.
    let client = ClientNetworks::of_request(&parts, state.config.client_ip_header.as_deref());
    let mut conn = state
        .pool
        .acquire()
        .await
        .context("second factor: connect")?;
    let limit = limits::Limit::new(
        limits::Counter::DpoCodesPerIpHour,
        &client.narrow,
        &state.config.limits,
    );
    if !limits::hit(&mut conn, &state.counter_key, &limit, now).await? {
        return Ok(FormReply::notice(Notice::error(
            console::CODES_LIMITED.get(current_lang()),
        )));
    }
    drop(conn);
    let Some(account) = credentials::find(&state.pool, By::Id, &account_id).await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    if !account.may_try(now) {
        return Ok(refused());
    }
    // The try is reserved before the code is checked: parallel tries
    // cannot pass the limit.
    let Some(try_number) =
        crate::accounts::sessions::reserve_code_try(&state.pool, &token_hash, CODE_TRIES).await?
    else {
        session::end_pending(&state, &token_hash).await?;
        return Ok(tries_over());
    };
    // Which factor was accepted, if any.
    // Sealed at rest; a secret that does not open (PORTAL_SECRET_KEY
    // changed) accepts no code, and says so in the log.
    let secret = account.totp_secret.as_deref().map(|sealed| {
        let opened = state.secrets.open(sealed);
        if opened.is_none() {
            tracing::error!("a second-factor secret does not open: was PORTAL_SECRET_KEY changed?");
        }
        opened.unwrap_or_default()
    });
    let accepted = match secret.as_deref() {
        Some("") => None,
        Some(secret) => match totp::matching_step(secret, &form.code, (now / 1000) as u64) {
            // A code is accepted once: never a step at or before the last.
            Some(step)
                if account
                    .totp_last_step
                    .is_none_or(|last| (step as i64) > last) =>
            {
                credentials::use_totp_step(&state.pool, &account.id, step as i64)
                    .await?
                    .then_some("totp")
            }
            Some(_) => None,
            None => {
                // Salted with the account; a code from before salting is
                // still accepted, once.
                let used = credentials::use_recovery_code(
                    &state.pool,
                    &account.id,
                    &totp::recovery_hash(&account.id, &form.code),
                    now,
                )
                .await?
                    || credentials::use_recovery_code(
                        &state.pool,
                        &account.id,
                        &totp::legacy_recovery_hash(&form.code),
                        now,
                    )
                    .await?;
                used.then_some("recovery_code")
            }
        },
        None => Some("none"),
    };
    let Some(factor) = accepted else {
        record_failure(&state, &account, now).await?;
        if try_number >= CODE_TRIES {
            session::end_pending(&state, &token_hash).await?;
            return Ok(tries_over());
        }
        return Ok(FormReply::notice(Notice::error(
            console::CODE_REFUSED.get(current_lang()),
        )));
    };
    let mut tx = state.pool.begin().await.context("second factor: begin")?;
    // A new session id once fully signed in.
    session::open(&mut tx, &state, &parts, &account.id, false).await?;
    record_success(&mut tx, &account.id, Some(factor), now).await?;
    tx.commit().await.context("second factor: commit")?;
    remember_device(&state, &parts, &account.id);
    Ok(FormReply::go(safe_next(&form.next)))
}

/// `POST /dpo/logout`: the session ends at once.
pub async fn sign_out() -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    session::close(&state, &parts).await?;
    Ok(FormReply::go("/dpo/login"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_third_failure_and_stay_bounded() {
        assert_eq!(backoff_ms(1), 0);
        assert_eq!(backoff_ms(2), 0);
        assert_eq!(backoff_ms(3), 1000);
        assert_eq!(backoff_ms(5), 4000);
        assert_eq!(backoff_ms(9), 64_000);
        assert_eq!(backoff_ms(40), 64_000);
    }

    #[test]
    fn a_source_slows_down_to_fifteen_minutes_and_is_never_locked_out() {
        let seconds = |n| source_backoff_ms(n) / 1000;
        assert_eq!(
            (1..=14).map(seconds).collect::<Vec<_>>(),
            [0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
        );
        assert_eq!(seconds(1000), 900);
    }

    #[test]
    fn each_lock_in_a_row_lasts_twice_as_long_up_to_a_day() {
        let minutes = |locks| lock_ms(locks) / 60_000;
        assert_eq!(
            (1..=8).map(minutes).collect::<Vec<_>>(),
            [30, 60, 120, 240, 480, 960, 1440, 1440]
        );
        assert_eq!(minutes(0), 30);
    }

    #[test]
    fn a_sign_in_only_leads_to_console_pages() {
        assert_eq!(
            safe_next("/dpo/requests/R-7K3M-9QX2"),
            "/dpo/requests/R-7K3M-9QX2"
        );
        assert_eq!(safe_next("https://evil.example"), "/dpo");
        assert_eq!(safe_next("//evil.example/dpo"), "/dpo");
        assert_eq!(safe_next("/dpo//evil"), "/dpo");
        assert_eq!(safe_next("/my-requests"), "/dpo");
        assert_eq!(safe_next("/dpo/login"), "/dpo");
        assert_eq!(safe_next(""), "/dpo");
    }
}
