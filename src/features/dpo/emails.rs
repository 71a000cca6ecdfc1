//! `/dpo/emails`: the emails the outbox gave up on (a permanent refusal, or
//! a day of failed attempts), with the last error and a button to try again.
//! A retry is audited.

use crate::audit::{self, Entry, Who};
use crate::email::outbox;
use crate::error::AppError;
use crate::features::dpo::pages::guarded;
use crate::features::dpo::signin::console_session::require_dpo;
use crate::i18n::{console, current_lang, long_date_time};
use crate::state::{app_state, request_context};
use crate::web::form::{FormReply, Notice};
use anyhow::Context;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub use crate::email::outbox::{FailedEmail, failed};

/// A code email is not sent again: its code has expired; the subject asks
/// for a new one.
fn can_retry(kind: &str) -> bool {
    kind != "verification_code"
}

/// `POST /dpo/emails/{id}/retry`: queued again now, with a new day of
/// attempts.
pub async fn retry(id: String) -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, _) = request_context()?;
    let now = state.clock.now();
    let lang = current_lang();
    let mut tx = state.pool.begin().await.context("retry: begin")?;
    let kind = outbox::failed_kind(&mut tx, &id).await?;
    match kind.as_deref() {
        None => {
            return Ok(FormReply::notice(Notice::error(
                console::RETRY_GONE.get(lang),
            )));
        }
        Some(kind) if !can_retry(kind) => {
            return Ok(FormReply::notice(Notice::error(
                console::RETRY_CODE.get(lang),
            )));
        }
        Some(_) => {}
    }
    let Some(reference) = outbox::queue_again(&mut tx, &id, now).await? else {
        return Ok(FormReply::notice(Notice::error(
            console::RETRY_GONE.get(lang),
        )));
    };
    let mut entry = Entry::new(
        crate::audit::AuditAction::EmailRetried,
        Who::Dpo(&dpo.account_id),
    )
    .object(&id);
    if let Some(reference) = &reference {
        entry = entry.reference(reference);
    }
    audit::append(&mut tx, now, &entry).await?;
    tx.commit().await.context("retry: commit")?;
    state.outbox_wakeup.notify_one();
    Ok(FormReply::go("/dpo/emails?retried=1"))
}

/// `/dpo/emails`.
#[component]
pub fn FailedEmailsPage() -> impl IntoView {
    let retried = use_query_map().with_untracked(|q| q.get("retried").is_some());
    let notice = crate::web::form::posted::<()>()
        .and_then(|p| p.shown_reply(current_lang()).notice)
        .map(|n| n.text);
    guarded(move |_dpo| async move {
        let state = app_state()?;
        let emails = failed(&state.pool).await?;
        let lang = current_lang();
        Ok(view! {
            <section class="page console">
                <h1>{console::FAILED_TITLE.get(lang)}</h1>
                {notice.map(|text| view! { <p class="alert alert--error" role="alert">{text}</p> })}
                {retried.then(|| view! { <p class="alert" role="status">{console::RETRY_QUEUED.get(lang)}</p> })}
                <p>{console::FAILED_INTRO.get(lang)}</p>
                {if emails.is_empty() {
                    view! { <p>{console::NO_FAILED.get(lang)}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap"><table>
                            <thead><tr>
                                <th scope="col">{console::COL_REFERENCE.get(lang)}</th>
                                <th scope="col">{console::EMAIL_KIND.get(lang)}</th>
                                <th scope="col">{console::EMAIL_TO.get(lang)}</th>
                                <th scope="col">{console::EMAIL_QUEUED.get(lang)}</th>
                                <th scope="col">{console::LAST_ERROR.get(lang)}</th>
                                <th scope="col"><span class="visually-hidden">{console::RETRY.get(lang)}</span></th>
                            </tr></thead>
                            <tbody>
                                {emails.into_iter().map(|email| view! {
                                    <tr>
                                        <td>{email.reference.clone().map(|r| view! { <a href=format!("/dpo/requests/{r}")>{r.clone()}</a> })}</td>
                                        <td>{crate::features::dpo::pages::request::email_kind_label(&email.kind).get(lang)}</td>
                                        <td>{email.recipient.clone()}</td>
                                        <td>{long_date_time(lang, email.created_at)}</td>
                                        <td>{console::ATTEMPTS.with(lang, &[("attempts", &email.attempts)])} " — " {email.last_error.clone().unwrap_or_default()}</td>
                                        <td>{if can_retry(&email.kind) {
                                            view! {
                                                <form method="post" action=format!("/dpo/emails/{}/retry", email.id)>
                                                    <button type="submit" class="secondary">{console::RETRY.get(lang)}</button>
                                                </form>
                                            }.into_any()
                                        } else {
                                            view! { <span class="muted">{console::CODE_NOT_RETRIED.get(lang)}</span> }.into_any()
                                        }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }}
            </section>
        })
    })
}
