//! What every handler, server function and server-rendered page can reach:
//! the application state and the request being answered.

use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::Pool;
use crate::error::AppError;
use crate::web::assets::Assets;
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::Request;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::Notify;

/// More context for a page render, provided before the page runs.
pub type ExtraContext = Arc<dyn Fn() + Send + Sync>;

/// Renders one of the app's pages for a request. Set by `startup`, which
/// knows the app, so that plumbing and features can render a page (a form
/// answered without JavaScript, the not-found page) without importing it.
pub type RenderPage = Arc<
    dyn Fn(AppState, Request<Body>, ExtraContext) -> Pin<Box<dyn Future<Output = Response> + Send>>
        + Send
        + Sync,
>;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub config: Arc<Config>,
    /// Wakes the email worker as soon as a message is queued.
    pub outbox_wakeup: Arc<Notify>,
    /// Wakes the webhook worker as soon as a task is created.
    #[from_ref(skip)]
    pub tasks_wakeup: Arc<Notify>,
    pub clock: SharedClock,
    /// The built site's file names (hashed by the build).
    pub assets: Arc<Assets>,
    pub render_page: RenderPage,
    /// The origins the portal's own pages post from.
    pub allowed_origins: Arc<[String]>,
    /// Names the rate-limit counters.
    pub counter_key: Arc<crate::limits::CounterKey>,
    /// Seals the secrets stored for reading back (`secure::SecretBox`).
    pub secrets: Arc<crate::secure::SecretBox>,
    /// The HTTP latencies `/metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl AppState {
    /// Renders the page of `request` with `extra` context.
    pub async fn render(&self, request: Request<Body>, extra: ExtraContext) -> Response {
        (self.render_page)(self.clone(), request, extra).await
    }
}

/// The application state and request of the current server function or
/// render.
pub fn request_context() -> Result<(AppState, Parts), AppError> {
    let state = use_context::<AppState>().ok_or_else(|| missing("AppState"))?;
    let parts = use_context::<Parts>().ok_or_else(|| missing("request parts"))?;
    Ok((state, parts))
}

/// The application state of the current render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| missing("AppState"))
}

fn missing(what: &str) -> AppError {
    AppError::from(anyhow::anyhow!("no {what} in the reactive context"))
}

/// Adds a header to the response of the current server function or render.
pub fn add_response_header(name: HeaderName, value: HeaderValue) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(name, value);
    }
}
