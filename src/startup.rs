//! Builds the application from its configuration; shared by `main` and the
//! tests, which start it on port 0 with a fresh database.

use crate::app::{App, shell};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::{self, Pool};
use crate::email::Mailer;
use crate::features::language::ssr::switch_language;
use crate::worker::OutboxWorker;
use anyhow::Context;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef, MatchedPath, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted: a form with every free-text field full
/// fits well within it.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub config: Arc<Config>,
    /// Wakes the email worker as soon as a message is queued.
    pub outbox_wakeup: Arc<Notify>,
    pub clock: SharedClock,
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    worker: OutboxWorker,
    state: AppState,
}

/// The Leptos settings cargo-leptos passes through `LEPTOS_*` variables,
/// with the defaults of `Cargo.toml` so the binary also runs on its own.
pub fn leptos_options_from_env() -> anyhow::Result<LeptosOptions> {
    let var =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let site_addr: SocketAddr = var("LEPTOS_SITE_ADDR", "127.0.0.1:3000")
        .parse()
        .context("configuration error: LEPTOS_SITE_ADDR: not an IP:port such as 127.0.0.1:3000")?;
    Ok(LeptosOptions::builder()
        .output_name(var("LEPTOS_OUTPUT_NAME", "privacy_portal"))
        .site_root(var("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(var("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(site_addr)
        .build())
}

impl Application {
    pub async fn build(
        config: Config,
        leptos_options: LeptosOptions,
        clock: SharedClock,
    ) -> anyhow::Result<Self> {
        let pool = db::connect(&config.database_url).await?;
        db::migrate(&pool).await?;
        let mailer = Arc::new(Mailer::from_config(&config)?);
        let config = Arc::new(config);
        let outbox_wakeup = Arc::new(Notify::new());

        let listener = TcpListener::bind(leptos_options.site_addr)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {} (LEPTOS_SITE_ADDR)",
                    leptos_options.site_addr
                )
            })?;

        let state = AppState {
            leptos_options,
            pool: pool.clone(),
            config: config.clone(),
            outbox_wakeup: outbox_wakeup.clone(),
            clock: clock.clone(),
        };
        let worker = OutboxWorker {
            pool,
            mailer,
            from: config.mail_from.clone(),
            clock,
            wakeup: outbox_wakeup,
            poll: config.outbox_poll,
        };
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            worker,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then lets in-flight requests
    /// finish and stops the email worker; queued emails stay in the outbox.
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let worker = tokio::spawn(self.worker.run(stop_rx));
        tracing::info!(address = %self.listener.local_addr()?, "portal listening");
        // Files are written as headers then body: without TCP_NODELAY,
        // Nagle's algorithm and delayed ACKs hold each small file ~40 ms.
        let listener = axum::serve::ListenerExt::tap_io(self.listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let served = axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        let _ = stop_tx.send(true);
        let _ = worker.await;
        self.state.pool.close().await;
        tracing::info!("portal stopped");
        served.context("the HTTP server failed")
    }
}

fn router(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let site_root = Path::new(options.site_root.as_ref()).to_path_buf();
    let pkg_dir = site_root.join(options.site_pkg_dir.as_ref());
    drop_stale_compressed_files(&pkg_dir);

    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let routes = generate_route_list(App);

    // Built files are served by tower-http, precompressed by the build; the
    // leptos_axum file handler is far slower.
    let pkg = Router::new()
        .fallback_service(
            ServeDir::new(&pkg_dir)
                .precompressed_gzip()
                .precompressed_br(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ));
    let public_files = ServeDir::new(&site_root)
        .precompressed_gzip()
        .not_found_service(axum::handler::Handler::with_state(not_found, state.clone()));

    Router::new()
        .route("/health", get(health))
        .route("/lang/{code}", get(switch_language))
        .merge(plain_form_routes())
        .nest("/pkg", pkg)
        .leptos_routes_with_context(&state, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback_service(public_files)
        .layer(axum::middleware::from_fn(refuse_cross_site_posts))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Server functions read their bodies themselves: refuse oversized
        // ones before they are read, with 413 rather than a 500.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(security_headers())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
                tracing::info_span!("http", method = %request.method(), route = route.as_deref().unwrap_or("-"))
            }),
        )
        .with_state(state)
}

/// The JavaScript-off side of every form: the browser posts to the page's
/// own URL, the same server function runs, and the page comes back.
fn plain_form_routes() -> Router<AppState> {
    use crate::features::follow::{SignOut, WithdrawRequest, sign_out, withdraw_request};
    use crate::features::forms::ssr::plain_post;
    use crate::features::request::{SubmitRequest, submit_request};
    use crate::features::verify::{
        CheckCode, ConfirmLink, RequestCode, ResendCode, check_code, confirm_link, request_code,
        resend_code,
    };
    Router::new()
        .route(
            "/verify",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    same_page,
                    |a: &RequestCode| a.form.clone(),
                    |a| request_code(a.form),
                )
            }),
        )
        .route(
            "/verify/code",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    same_page,
                    |a: &CheckCode| a.form.clone(),
                    |a| check_code(a.form),
                )
            }),
        )
        .route(
            "/verify/code/resend",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/verify/code".into(),
                    |a: &ResendCode| a.clone(),
                    |_| resend_code(),
                )
            }),
        )
        .route(
            "/verify/link/{token}",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    same_page,
                    |a: &ConfirmLink| a.form.clone(),
                    |a| confirm_link(a.form),
                )
            }),
        )
        .route(
            "/request/new",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    same_page,
                    |a: &SubmitRequest| a.form.clone(),
                    |a| submit_request(a.form),
                )
            }),
        )
        .route(
            "/my-requests/sign-out",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/my-requests".into(),
                    |a: &SignOut| a.clone(),
                    |_| sign_out(),
                )
            }),
        )
        .route(
            "/my-requests/{reference}/withdraw",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |path| path.trim_end_matches("/withdraw").to_owned(),
                    |a: &WithdrawRequest| a.form.clone(),
                    |a| withdraw_request(a.form),
                )
            }),
        )
}

/// Every state-changing request must come from the portal's own pages:
/// another site's form must not withdraw a request or plant its own
/// verified session in a visitor's browser. Browsers send `Origin` with
/// every POST; `Sec-Fetch-Site` covers the rare ones that do not.
async fn refuse_cross_site_posts(request: Request<Body>, next: axum::middleware::Next) -> Response {
    let method = request.method();
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        let headers = request.headers();
        let value = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        let host = value(header::HOST);
        let cross_site = match value(header::ORIGIN) {
            Some(origin) => {
                origin.split_once("://").map(|(_, authority)| authority) != host || host.is_none()
            }
            None => {
                headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site")
            }
        };
        if cross_site {
            return (
                StatusCode::FORBIDDEN,
                "Requête refusée : elle vient d'un autre site. / Request refused: it comes from another site.",
            )
                .into_response();
        }
    }
    next.run(request).await
}

fn same_page(path: &str) -> String {
    path.to_owned()
}

fn security_headers() -> tower::layer::util::Stack<
    SetResponseHeaderLayer<HeaderValue>,
    tower::layer::util::Stack<
        SetResponseHeaderLayer<HeaderValue>,
        SetResponseHeaderLayer<HeaderValue>,
    >,
> {
    tower::layer::util::Stack::new(
        SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        tower::layer::util::Stack::new(
            // Links in emails carry tokens: never pass them on to another site.
            SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ),
            SetResponseHeaderLayer::if_not_present(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ),
        ),
    )
}

/// `GET /health`: 200 when the database answers, 503 otherwise.
async fn health(State(pool): State<Pool>) -> Response {
    match sqlx::query("SELECT 1").execute(&pool).await {
        Ok(_) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"status":"ok"}"#,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"status":"unavailable"}"#,
            )
                .into_response()
        }
    }
}

/// Anything that is neither a page nor a file: the portal's own 404 page.
async fn not_found(State(state): State<AppState>, request: Request<Body>) -> Response {
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(state.clone()),
        move || shell(options.clone()),
    );
    handler(request).await.into_response()
}

/// A `.gz` or `.br` older than its source is from an earlier build; serving it
/// would hand browsers stale code.
fn drop_stale_compressed_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if ext != "gz" && ext != "br" {
            continue;
        }
        let source = path.with_extension("");
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        if modified(&source)
            .zip(modified(&path))
            .is_none_or(|(src, packed)| packed < src)
        {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Completes on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested: finishing in-flight requests");
}
