//! The DPO console (SPEC §4): sign-in with an optional second factor, the
//! queue, each request with its decisions, requests from other channels.
//! Rendered on the server with plain forms: it has no island, so none of
//! its code or texts reach a data subject's browser.

mod account;
pub mod actions;
pub mod dashboard;
mod emails;
pub mod exports;
pub mod failed_emails;
pub mod files;
pub mod login;
mod login_pages;
mod pages;
mod queue_page;
mod record;
mod request_data;
mod request_page;
pub mod session;
pub mod totp;

pub use account::AccountPage;
pub use dashboard::DashboardPage;
pub use failed_emails::FailedEmailsPage;
pub use login_pages::{LoginPage, SecondFactorPage};
pub use queue_page::QueuePage;
pub use record::RecordPage;
pub use request_page::ConsoleRequestPage;

use crate::state::AppState;
use crate::web::plain_post::{FormArgs, plain_post};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::Request;
use axum::routing::{get, post};

/// The console's form posts (all plain forms) and its downloads.
pub fn plain_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/dpo/login",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/dpo/login".into(),
                    |args: &FormArgs<login::LoginForm>| login::LoginTyped {
                        email: args.form.email.clone(),
                        next: args.form.next.clone(),
                    },
                    |args| login::sign_in(args.form),
                )
            }),
        )
        .route(
            "/dpo/login/code",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/dpo/login/code".into(),
                    |args: &FormArgs<login::CodeForm>| args.form.clone(),
                    |args| login::second_factor(args.form),
                )
            }),
        )
        .route(
            "/dpo/logout",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/dpo/login".into(),
                    |_: &EmptyForm| (),
                    |_| login::sign_out(),
                )
            }),
        )
        .route(
            "/dpo/requests/{reference}/{action}",
            post(
                |State(state): State<AppState>,
                 Path((reference, action)): Path<(String, String)>,
                 request: Request<Body>| async move {
                    let page = format!("/dpo/requests/{reference}");
                    let posted_action = action.clone();
                    plain_post(
                        state,
                        request,
                        move |_| page,
                        move |args: &FormArgs<actions::ActionForm>| actions::ActionForm {
                            action: posted_action,
                            ..args.form.clone()
                        },
                        move |args| actions::act(reference, action, args.form),
                    )
                    .await
                },
            ),
        )
        .route(
            "/dpo/new",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/dpo/new".into(),
                    |args: &record::RecordRequest| args.clone(),
                    record::record,
                )
            }),
        )
        .route(
            "/dpo/account/totp",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/dpo/account".into(),
                    |_: &EmptyForm| (),
                    |_| account::start(),
                )
            }),
        )
        .route(
            "/dpo/account/totp/confirm",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/dpo/account".into(),
                    |args: &FormArgs<account::ConfirmForm>| args.form.clone(),
                    |args| account::confirm(args.form),
                )
            }),
        )
        .route(
            "/dpo/emails/{id}/retry",
            post(
                |State(state): State<AppState>, Path(id): Path<String>, request: Request<Body>| {
                    plain_post(
                        state,
                        request,
                        |_| "/dpo/emails".into(),
                        |_: &EmptyForm| (),
                        move |_| failed_emails::retry(id),
                    )
                },
            ),
        )
        .route("/dpo/export/register", post(exports::register))
        .route(
            "/dpo/requests/{reference}/evidence",
            post(exports::evidence),
        )
        .route("/dpo/files/{id}", get(files::dpo_download))
}

/// The routes that take files: their own body limit and timeout.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/dpo/requests/{reference}/attach", post(files::attach))
}

/// The reminder to a subject who has not answered for 14 days.
pub fn reminder_email(
    state: &AppState,
    request: &crate::requests::RequestRow,
) -> Option<crate::email::OutgoingEmail> {
    emails::Mailer::new(state, request).reminder()
}

/// A post without fields.
#[derive(Clone, serde::Deserialize)]
struct EmptyForm {}
