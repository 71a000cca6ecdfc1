use super::*;
use crate::domain::{Actor, Date, Email, EventKind, Reference, Status};
use crate::i18n::{current_lang, subject};
use crate::requests::dossier::{self, SharedFileLine, SubjectDossier};
use crate::requests::notices::Notices;
use crate::requests::{self, Change, ChangeError, EventRow, RequestRow, read};
use crate::state::{AppState, request_context};
use crate::web::form::Notice;
use crate::web::subject_session as session;
use anyhow::Context;

/// What the follow pages can show.
pub enum Access<T> {
    /// No verified session: verify the address first.
    SignInFirst,
    /// Not one of this address's requests (or no such request: the same).
    NotFound,
    Found(T),
}

/// The address's requests, and its directives for after death.
pub async fn list()
-> Result<Access<(Vec<RequestRow>, Option<crate::directives::Directives>)>, AppError> {
    let (state, parts) = request_context()?;
    let Some(email) = session::current(&state, &parts).await? else {
        return Ok(Access::SignInFirst);
    };
    let rows = read::of_subject(&state.pool, &email).await?;
    let directives = crate::directives::of(&state.pool, &email).await?;
    Ok(Access::Found((rows, directives)))
}

/// The request `reference` if it belongs to `email`.
pub async fn owned(
    state: &AppState,
    email: &Email,
    reference: &str,
) -> anyhow::Result<Option<RequestRow>> {
    let Some(reference) = Reference::parse(reference) else {
        return Ok(None);
    };
    read::owned(&state.pool, &reference, email).await
}

pub struct Detail {
    pub request: RequestRow,
    pub masked_email: String,
    pub timeline: Vec<EventRow>,
    /// The DPO's reply files, once shared.
    pub files: Vec<SharedFileLine>,
    pub today: Date,
    pub now: crate::clock::Millis,
}

pub async fn detail(reference: String) -> Result<Access<Detail>, AppError> {
    let (state, parts) = request_context()?;
    let Some(email) = session::current(&state, &parts).await? else {
        return Ok(Access::SignInFirst);
    };
    let Some(reference) = Reference::parse(&reference) else {
        return Ok(Access::NotFound);
    };
    let mut conn = state.pool.acquire().await.context("follow: connect")?;
    let Some(SubjectDossier {
        row: request,
        timeline,
        files,
    }) = dossier::read_for_subject(&mut conn, &reference, &email).await?
    else {
        return Ok(Access::NotFound);
    };
    drop(conn);
    let now = state.clock.now();
    Ok(Access::Found(Detail {
        request,
        masked_email: email.masked(),
        timeline,
        files,
        today: Date::paris_of(now),
        now,
    }))
}

pub async fn withdraw(form: WithdrawForm) -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    let lang = current_lang();
    let expired = || {
        FormReply::notice(
            Notice::error(subject::SESSION_EXPIRED_WITHDRAW.get(lang)).with_link(
                "/verify",
                subject::VERIFY_AGAIN.get(lang),
                false,
            ),
        )
    };
    let Some(email) = session::current(&state, &parts).await? else {
        return Ok(expired());
    };
    let Some(request) = owned(&state, &email, &form.reference).await? else {
        return Ok(expired());
    };
    let mut change = Change::event(EventKind::Withdrawn, Actor::Subject);
    change.to = Some(Status::Withdrawn);
    change.emails = Notices::new(&state, &request).withdrawn(&email);
    match requests::apply(&state, &request, change).await {
        Ok(_) => Ok(FormReply::go(format!("/my-requests/{}", request.reference))),
        Err(ChangeError::NotAllowed { .. } | ChangeError::ChangedMeanwhile) => Ok(
            FormReply::notice(Notice::info(subject::ALREADY_CLOSED.get(lang))),
        ),
        Err(ChangeError::Failed(e)) => Err(e),
    }
}

/// Ends the verified session at once (a shared phone, a library computer).
pub async fn sign_out() -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    session::close(&state, &parts).await?;
    Ok(FormReply::go("/"))
}
