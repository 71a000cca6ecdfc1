//! The DPO console (SPEC §4): sign-in with an optional second factor, the
//! queue, each request with its decisions, requests from other channels.
//! Rendered on the server with plain forms: it has no island, so none of
//! its code or texts reach a data subject's browser.

pub mod actions;
pub mod emails;
pub mod exports;
pub mod pages;
pub mod signin;
pub mod systems;
pub mod templates;

pub use emails::FailedEmailsPage;
pub use pages::dashboard::{self, DashboardPage};
pub use pages::letter::{GroupLetterPage, LetterPage};
pub use pages::queue::QueuePage;
pub use pages::record::RecordPage;
pub use pages::request::ConsoleRequestPage;
pub use signin::account::AccountPage;
pub use signin::pages::{LoginPage, SecondFactorPage};
pub use signin::totp;
pub use systems::SystemsPage;
pub use templates::TemplatesPage;

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
                    |args: &FormArgs<signin::login::LoginForm>| signin::login::LoginTyped {
                        email: args.form.email.clone(),
                        next: args.form.next.clone(),
                    },
                    |args| signin::login::sign_in(args.form),
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
                    |args: &FormArgs<signin::login::CodeForm>| args.form.clone(),
                    |args| signin::login::second_factor(args.form),
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
                    |_| signin::login::sign_out(),
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
            "/dpo/letters/group/{reference}",
            post(
                |State(state): State<AppState>,
                 Path(reference): Path<String>,
                 request: Request<Body>| async move {
                    let page = format!("/dpo/letters/group/{reference}");
                    plain_post(
                        state,
                        request,
                        move |_| page,
                        |args: &FormArgs<pages::letter::GroupPosted>| args.form.clone(),
                        move |args| pages::letter::mark_group_posted(reference, args.form),
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
                    |args: &pages::record::RecordRequest| args.clone(),
                    pages::record::record,
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
                    |_| signin::account::start(),
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
                    |args: &FormArgs<signin::account::ConfirmForm>| args.form.clone(),
                    |args| signin::account::confirm(args.form),
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
                        move |_| emails::retry(id),
                    )
                },
            ),
        )
        .route(
            "/dpo/systems/{name}/retry",
            post(
                |State(state): State<AppState>,
                 Path(name): Path<String>,
                 request: Request<Body>| {
                    plain_post(
                        state,
                        request,
                        |_| "/dpo/systems".into(),
                        |_: &EmptyForm| (),
                        move |_| systems::retry(name),
                    )
                },
            ),
        )
        .route(
            "/dpo/handover",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/dpo".into(),
                    |args: &FormArgs<actions::handover::HandoverForm>| args.form.clone(),
                    |args| actions::handover::handover(args.form),
                )
            }),
        )
        .route(
            "/dpo/templates",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/dpo/templates".into(),
                    |args: &FormArgs<templates::TemplateForm>| args.form.clone(),
                    |args| templates::save(args.form),
                )
            }),
        )
        .route("/dpo/export/register", post(exports::register))
        .route(
            "/dpo/requests/{reference}/evidence",
            post(exports::evidence),
        )
        .route(
            "/dpo/requests/{reference}/evidence/page",
            post(exports::evidence_page),
        )
        .route("/dpo/files/{id}", get(actions::files::dpo_download))
}

/// The routes that take files: their own body limit and timeout.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route(
        "/dpo/requests/{reference}/attach",
        post(actions::files::attach),
    )
}

/// A post without fields.
#[derive(Clone, serde::Deserialize)]
struct EmptyForm {}
