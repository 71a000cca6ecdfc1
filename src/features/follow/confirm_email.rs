//! `/confirm-email/:token`: a new address the DPO recorded for a subject
//! becomes the request's address once confirmed from that mailbox. The
//! link opens a page with a button (a mail scanner that follows links
//! confirms nothing); the post records the change, audited, and from then
//! on the request's messages go there and the subject follows it with it.

use crate::domain::{Actor, EventKind};
use crate::error::AppError;
use crate::i18n::{current_lang, subject};
use crate::requests::{self, Change, ChangeError};
use crate::state::{app_state, request_context};
use crate::web::form::FormReply;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ConfirmForm {}

/// `POST /confirm-email/{token}`.
pub async fn confirm(token: String) -> Result<FormReply, AppError> {
    let (state, _) = request_context()?;
    let hash = crate::secure::sha256_hex(&[&token]);
    let Some((request, _)) =
        requests::read::pending_email(&state.pool, &hash, state.clock.now()).await?
    else {
        return Ok(FormReply::go(format!("/confirm-email/{token}")));
    };
    let mut change = Change::event(EventKind::EmailConfirmed, Actor::Subject);
    change.confirm_email = true;
    match requests::apply(&state, &request, change).await {
        Ok(_) | Err(ChangeError::ChangedMeanwhile | ChangeError::NotAllowed { .. }) => {
            Ok(FormReply::go(format!("/confirm-email/{token}?done=1")))
        }
        Err(ChangeError::Failed(e)) => Err(e),
    }
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let lang = current_lang();
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let done = use_query_map().with_untracked(|q| q.get("done").is_some());
    let found = Resource::new_blocking(
        || (),
        move |_| {
            let token = token.clone();
            async move {
                let state = app_state().ok()?;
                let hash = crate::secure::sha256_hex(&[&token]);
                requests::read::pending_email(&state.pool, &hash, state.clock.now())
                    .await
                    .ok()
                    .flatten()
                    .map(|(request, email)| (request.reference.to_string(), email, token))
            }
        },
    );
    view! {
        <section class="page narrow">
            <h1>{subject::CONFIRM_EMAIL_TITLE.get(lang)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match (done, found.await) {
                        (true, _) => view! { <p class="alert" role="status">{subject::CONFIRM_EMAIL_DONE.get(lang)}</p> <p><a href="/my-requests">{subject::CONFIRM_EMAIL_FOLLOW.get(lang)}</a></p> }.into_any(),
                        (false, Some((reference, email, token))) => view! {
                            <p>{subject::CONFIRM_EMAIL_INTRO.with(lang, &[("email", &email), ("reference", &reference)])}</p>
                            <form method="post" action=format!("/confirm-email/{token}")>
                                <button type="submit">{subject::CONFIRM_EMAIL_BUTTON.get(lang)}</button>
                            </form>
                        }.into_any(),
                        (false, None) => view! { <p class="alert alert--error">{subject::CONFIRM_EMAIL_GONE.get(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
