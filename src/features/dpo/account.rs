//! `/dpo/account`: turning on the second factor. The secret is drawn on
//! the server as a QR code (SVG); a first code confirms it; ten recovery
//! codes are shown once and stored as hashes.

use super::pages::guarded;
use super::session::require_dpo;
use super::totp;
use crate::error::AppError;
use crate::i18n::{console, current_lang};
use crate::state::{AppState, app_state, request_context};
use crate::web::form::{FormReply, Notice, posted};
use crate::web::islands::{FormNotice, FormStateProvider};
use anyhow::Context;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub code: String,
}

#[derive(sqlx::FromRow)]
struct TotpState {
    totp_secret: Option<String>,
    totp_pending_secret: Option<String>,
}

async fn totp_state(state: &AppState, account_id: &str) -> Result<TotpState, AppError> {
    Ok(sqlx::query_as::<_, TotpState>(
        "SELECT totp_secret, totp_pending_secret FROM dpo_accounts WHERE id = $1",
    )
    .bind(account_id)
    .fetch_one(&state.pool)
    .await
    .context("account: read the second factor")?)
}

/// `POST /dpo/account/totp`: draws a secret to enrol.
pub async fn start() -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, _) = request_context()?;
    sqlx::query(
        "UPDATE dpo_accounts SET totp_pending_secret = $1 WHERE id = $2 AND totp_secret IS NULL",
    )
    .bind(totp::new_secret())
    .bind(&dpo.account_id)
    .execute(&state.pool)
    .await
    .context("account: draw a secret")?;
    Ok(FormReply::go("/dpo/account"))
}

/// `POST /dpo/account/totp/confirm`: a first code turns the factor on.
pub async fn confirm(form: ConfirmForm) -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, _) = request_context()?;
    let lang = current_lang();
    let row = totp_state(&state, &dpo.account_id).await?;
    let Some(secret) = row
        .totp_pending_secret
        .filter(|_| row.totp_secret.is_none())
    else {
        return Ok(FormReply::go("/dpo/account"));
    };
    let now_secs = (state.clock.now() / 1000) as u64;
    let Some(step) = totp::matching_step(&secret, &form.code, now_secs) else {
        return Ok(FormReply::notice(Notice::error(
            console::CODE_REFUSED.get(lang),
        )));
    };
    let codes = totp::recovery_codes();
    let mut tx = state.pool.begin().await.context("account: begin")?;
    sqlx::query(
        "UPDATE dpo_accounts SET totp_secret = $1, totp_pending_secret = NULL, totp_last_step = $2 WHERE id = $3",
    )
    .bind(&secret)
    .bind(step as i64)
    .bind(&dpo.account_id)
    .execute(&mut *tx)
    .await
    .context("account: turn the second factor on")?;
    sqlx::query("DELETE FROM dpo_recovery_codes WHERE account_id = $1")
        .bind(&dpo.account_id)
        .execute(&mut *tx)
        .await
        .context("account: clear old recovery codes")?;
    for code in &codes {
        sqlx::query("INSERT INTO dpo_recovery_codes (account_id, code_hash) VALUES ($1, $2)")
            .bind(&dpo.account_id)
            .bind(totp::recovery_hash(code))
            .execute(&mut *tx)
            .await
            .context("account: store a recovery code")?;
    }
    let entry = crate::audit::Entry::new(
        "account.second_factor_enabled",
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
        let row = totp_state(&state, &dpo.account_id).await?;
        let enrolling = row
            .totp_secret
            .is_none()
            .then_some(row.totp_pending_secret)
            .flatten();
        let qr = enrolling.as_ref().and_then(|secret| {
            let url = totp::otpauth_url(secret, dpo.email.as_str())?;
            totp::qr_svg(&url)
        });
        Ok(view! {
            <section class="page console narrow">
                <h1>{console::ACCOUNT_TITLE.get(lang)}</h1>
                <p>{dpo.email.as_str().to_owned()}</p>
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
