//! `/dpo/account`: turning on the second factor. The secret is drawn on
//! the server as a QR code (SVG); a first code confirms it; ten recovery
//! codes are shown once and stored as hashes.

use crate::accounts::credentials;
use crate::error::AppError;
use crate::features::dpo::pages::guarded;
use crate::features::dpo::signin::console_session::require_dpo;
use crate::features::dpo::signin::totp;
use crate::i18n::{console, current_lang};
use crate::state::{app_state, request_context};
use crate::web::form::{FormReply, Notice, posted};
use crate::web::islands::{FormNotice, FormStateProvider};
use anyhow::Context;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub code: String,
    /// The password again: a session left open is not enough to bind a
    /// second factor to the account.
    #[serde(default)]
    pub password: String,
}

/// `POST /dpo/account/totp`: draws a secret to enrol.
pub async fn start() -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, _) = request_context()?;
    let sealed = state.secrets.seal(&totp::new_secret());
    credentials::set_pending_secret(&state.pool, &dpo.account_id, &sealed).await?;
    Ok(FormReply::go("/dpo/account"))
}

/// `POST /dpo/account/totp/confirm`: a first code turns the factor on.
pub async fn confirm(form: ConfirmForm) -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, parts) = request_context()?;
    let lang = current_lang();
    let row = credentials::totp_state(&state.pool, &dpo.account_id).await?;
    let Some(secret) = row
        .totp_pending_secret
        .filter(|_| row.totp_secret.is_none())
        .and_then(|sealed| state.secrets.open(&sealed))
    else {
        return Ok(FormReply::go("/dpo/account"));
    };
    let Some(account) =
        credentials::find(&state.pool, credentials::By::Id, &dpo.account_id).await?
    else {
        return Ok(FormReply::go("/dpo/login"));
    };
    // The same limits as signing in: per network, and the source's wait
    // after wrong passwords (a stolen session cannot guess it fast).
    let now = state.clock.now();
    let client =
        crate::limits::ClientNetworks::of_request(&parts, state.config.client_ip_header.as_deref());
    let mut conn = state.pool.acquire().await.context("account: connect")?;
    let limit = crate::limits::Limit::new(
        crate::limits::Counter::LoginsPerIpHour,
        &client.narrow,
        &state.config.limits,
    );
    if !crate::limits::hit(&mut conn, &state.counter_key, &limit, now).await? {
        return Ok(FormReply::notice(Notice::error(
            console::SIGN_IN_LIMITED.get(lang),
        )));
    }
    drop(conn);
    let source = super::login::source(&state, &parts, &account.id);
    let waiting = credentials::source_wait(&state.pool, &account.id, &source)
        .await?
        .is_some_and(|at| at > now);
    if waiting
        || !crate::accounts::verify_password_off_runtime(form.password, Some(account.password_hash))
            .await
    {
        if !waiting {
            credentials::count_source_failure(
                &state.pool,
                &account.id,
                &source,
                now,
                super::login::source_backoff_ms,
            )
            .await?;
        }
        return Ok(FormReply::notice(Notice::error(
            console::TOTP_PASSWORD_WRONG.get(lang),
        )));
    }
    let now_secs = (state.clock.now() / 1000) as u64;
    let Some(step) = totp::matching_step(&secret, &form.code, now_secs) else {
        return Ok(FormReply::notice(Notice::error(
            console::CODE_REFUSED.get(lang),
        )));
    };
    let codes = totp::recovery_codes();
    let mut tx = state.pool.begin().await.context("account: begin")?;
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| totp::recovery_hash(&dpo.account_id, code))
        .collect();
    let sealed = state.secrets.seal(&secret);
    credentials::enable_totp(&mut tx, &dpo.account_id, &sealed, step as i64, &hashes).await?;
    let entry = crate::audit::Entry::new(
        crate::audit::AuditAction::AccountSecondFactorEnabled,
        crate::audit::Who::Dpo(&dpo.account_id),
    )
    .account(&dpo.account_id);
    crate::audit::append(&mut tx, state.clock.now(), &entry).await?;
    tx.commit().await.context("account: commit")?;
    Ok(FormReply::notice(Notice::info(
        console::TOTP_ENABLED.with(lang, &[("codes", &codes.join("\n"))]),
    )))
}

/// `/dpo/account`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let reply = posted::<ConfirmForm>().map(|p| p.shown_reply(current_lang()));
    guarded(move |dpo| async move {
        let state = app_state()?;
        let lang = current_lang();
        let row = credentials::totp_state(&state.pool, &dpo.account_id).await?;
        let enrolling = row
            .totp_secret
            .is_none()
            .then_some(row.totp_pending_secret)
            .flatten()
            .and_then(|sealed| state.secrets.open(&sealed));
        let qr = enrolling.as_ref().and_then(|secret| {
            let url = totp::otpauth_url(secret, dpo.email.as_str())?;
            totp::qr_svg(&url)
        });
        Ok(view! {
            <section class="page console narrow">
                <h1>{console::ACCOUNT_TITLE.get(lang)}</h1>
                <p>{dpo.email.as_str().to_owned()}</p>
                {(state.config.require_totp && row.totp_secret.is_none()).then(|| view! {
                    <p class="alert" role="note">{console::TOTP_REQUIRED.get(lang)}</p>
                })}
                <FormStateProvider reply>
                    <FormNotice />
                    {match (row.totp_secret.is_some(), enrolling) {
                        (true, _) => view! { <p>{console::TOTP_ON.get(lang)}</p> <p class="hint">{console::TOTP_RESET_HINT.get(lang)}</p> }.into_any(),
                        (false, Some(secret)) => view! {
                            <p>{console::TOTP_SCAN.get(lang)}</p>
                            <div class="qr" inner_html=qr.unwrap_or_default()></div>
                            <p class="mono">{console::TOTP_KEY.with(lang, &[("key", &secret)])}</p>
                            <form method="post" action="/dpo/account/totp/confirm">
                                <div class="field">
                                    <label for="code">{console::CODE_LABEL.get(lang)}</label>
                                    <input id="code" name="form[code]" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="8" class="code-input" />
                                </div>
                                <div class="field">
                                    <label for="password">{console::TOTP_PASSWORD.get(lang)}</label>
                                    <input id="password" name="form[password]" type="password" autocomplete="current-password" required maxlength="128" />
                                </div>
                                <button type="submit">{console::TOTP_CONFIRM.get(lang)}</button>
                            </form>
                        }.into_any(),
                        (false, None) => view! {
                            <p>{console::TOTP_OFF.get(lang)}</p>
                            <form method="post" action="/dpo/account/totp">
                                <button type="submit">{console::TOTP_START.get(lang)}</button>
                            </form>
                        }.into_any(),
                    }}
                </FormStateProvider>
            </section>
        })
    })
}
