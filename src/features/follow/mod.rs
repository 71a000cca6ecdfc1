//! Following one's requests (SPEC §3.5): a verified address sees its own
//! requests only, with status, due date and timeline, and can withdraw one.

use crate::domain::{Date, RightKind, Status};
use crate::error::AppError;
use crate::features::forms::FormOutcome;
use crate::i18n::{Lang, tr};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod ssr;
mod views;

pub use views::{MyRequestsPage, RequestPage};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub reference: String,
    pub right: RightKind,
    pub status: Status,
    pub received_on: Date,
    pub due_on: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub kind: String,
    /// Paris date and time, formatted on the server (`2026-11-26 14:05`).
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub masked_email: String,
    pub timeline: Vec<TimelineEntry>,
}

/// What the follow pages can show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access<T> {
    /// No verified session: verify the address first.
    SignInFirst,
    /// Not one of this address's requests (or no such request: the same).
    NotFound,
    Found(T),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub reference: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WithdrawOutcome {
    Withdrawn {
        reference: String,
    },
    /// Already closed: nothing to withdraw.
    NotWithdrawable,
    SignInFirst,
    NotFound,
}

impl FormOutcome for WithdrawOutcome {
    fn redirect_to(&self) -> Option<String> {
        match self {
            WithdrawOutcome::Withdrawn { reference } => Some(format!("/my-requests/{reference}")),
            _ => None,
        }
    }
}

pub fn status_label(lang: Lang, status: Status) -> &'static str {
    match status {
        Status::Received => tr(lang, "Reçue", "Received"),
        Status::IdentityCheck => tr(lang, "Vérification d'identité", "Identity check"),
        Status::InProgress => tr(lang, "En cours de traitement", "In progress"),
        Status::AwaitingSubject => tr(
            lang,
            "En attente de votre réponse",
            "Waiting for your answer",
        ),
        Status::Completed => tr(lang, "Traitée", "Completed"),
        Status::Refused => tr(lang, "Refusée", "Refused"),
        Status::Withdrawn => tr(lang, "Retirée", "Withdrawn"),
    }
}

pub fn event_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "received" => tr(lang, "Demande reçue", "Request received"),
        "withdrawn" => tr(lang, "Demande retirée par vous", "Request withdrawn by you"),
        _ => tr(lang, "Étape de traitement", "Processing step"),
    }
}

/// Signing out always ends on the home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedOut;

impl FormOutcome for SignedOut {
    fn redirect_to(&self) -> Option<String> {
        Some("/".into())
    }
}

/// Ends the verified session at once (a shared phone, a library computer).
#[leptos::server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<SignedOut, AppError> {
    let (state, parts) = crate::features::session::ssr::request_context()?;
    crate::features::session::ssr::close(&state, &parts).await?;
    Ok(SignedOut)
}

#[leptos::server(prefix = "/api", endpoint = "my_requests")]
pub async fn my_requests() -> Result<Access<Vec<RequestSummary>>, AppError> {
    ssr::list().await
}

#[leptos::server(prefix = "/api", endpoint = "my_request")]
pub async fn my_request(reference: String) -> Result<Access<RequestDetail>, AppError> {
    ssr::detail(reference).await
}

#[leptos::server(prefix = "/api", endpoint = "withdraw_request")]
pub async fn withdraw_request(form: WithdrawForm) -> Result<WithdrawOutcome, AppError> {
    ssr::withdraw(form).await
}
