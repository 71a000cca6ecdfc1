//! Builds the application from its configuration; shared by `main` and the
//! tests, which start it on port 0 with a fresh database.

use crate::app::{App, shell};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::{self, Pool};
use crate::email::Mailer;
use crate::features;
use crate::state::{AppState, ExtraContext, RenderPage};
use crate::web::assets::{Assets, find_hash_file};
use crate::web::lang::request_lang;
use crate::web::plain_post::MAX_BODY_BYTES;

/// Uploads read at once, each held in memory up to `PORTAL_MAX_FILE_MB`.
pub const MAX_CONCURRENT_UPLOADS: usize = 8;
use crate::worker::OutboxWorker;
use anyhow::Context;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub struct Application {
    listener: TcpListener,
    router: Router,
    worker: OutboxWorker,
    webhooks: crate::systems::webhook::WebhookWorker,
    state: AppState,
}

/// The Leptos settings cargo-leptos passes through `LEPTOS_*` variables,
/// with the defaults of `Cargo.toml` so the binary also runs on its own;
/// without `LEPTOS_SITE_ROOT`, the site beside the binary, then `target/site`.
pub fn leptos_options_from_env() -> anyhow::Result<LeptosOptions> {
    let var =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let site_addr: SocketAddr = var("LEPTOS_SITE_ADDR", "127.0.0.1:3000")
        .parse()
        .context("configuration error: LEPTOS_SITE_ADDR: not an IP:port such as 127.0.0.1:3000")?;
    let site_root = std::env::var("LEPTOS_SITE_ROOT")
        .ok()
        .or_else(site_beside_the_binary)
        .unwrap_or_else(|| "target/site".to_owned());
    Ok(leptos_options(&site_root, site_addr))
}

/// An installed portal (`make dist`) keeps its built site in `site/`
/// beside the binary: found there whatever folder it is started from.
fn site_beside_the_binary() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let site = exe.parent()?.join("site");
    site.join("pkg")
        .is_dir()
        .then(|| site.display().to_string())
}

/// Options for the site built under `site_root`. The build hashes the file
/// names; the hash file is looked for wherever the binary was started from
/// and given to Leptos by its absolute path.
pub fn leptos_options(site_root: &str, site_addr: SocketAddr) -> LeptosOptions {
    let hash_file = find_hash_file(Path::new(site_root));
    LeptosOptions::builder()
        .output_name("privacy_portal")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(site_addr)
        .hash_files(hash_file.is_some())
        .hash_file(Arc::<str>::from(
            hash_file
                .map(|path| path.display().to_string())
                .unwrap_or_else(|| "hash.txt".into()),
        ))
        .build()
}

impl Application {
    pub async fn build(
        config: Config,
        leptos_options: LeptosOptions,
        clock: SharedClock,
    ) -> anyhow::Result<Self> {
        let pool = db::connect(&config.database_url).await?;
        db::migrate(&pool).await?;
        // The audit key, once per process; with it, the log's tail is
        // keyed from the next entry on.
        crate::audit::set_key(config.audit_key.as_deref());
        if config.audit_key.is_some() {
            let mut conn = pool.acquire().await.context("audit: connect")?;
            if crate::audit::key_started(&mut conn).await?.is_none() {
                tracing::error!(
                    "PORTAL_AUDIT_KEY is set but keyed hashing has not started: run `privacy-portal audit key-start` once"
                );
            }
        }
        let mailer = Arc::new(Mailer::from_config(&config)?);
        let config = Arc::new(config);
        if !config.console_allowed() {
            tracing::error!(
                "the DPO console is refused: PORTAL_PUBLIC_URL is plain http to a network; give it an https:// address"
            );
        }
        let outbox_wakeup = Arc::new(Notify::new());
        let tasks_wakeup = Arc::new(Notify::new());

        let listener = TcpListener::bind(leptos_options.site_addr)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {} (LEPTOS_SITE_ADDR)",
                    leptos_options.site_addr
                )
            })?;

        let assets = Arc::new(Assets::load(
            &leptos_options.output_name,
            &leptos_options.site_pkg_dir,
            leptos_options
                .hash_files
                .then(|| Path::new(leptos_options.hash_file.as_ref())),
        ));
        let secrets = Arc::new(crate::secure::SecretBox::new(config.secret_key.as_deref()));
        // Second factors stored before sealing (or before the setting)
        // are sealed now.
        let sealed = crate::accounts::credentials::seal_stored(&pool, &secrets).await?;
        if sealed > 0 {
            tracing::info!(
                sealed,
                "second-factor secrets sealed with PORTAL_SECRET_KEY"
            );
        }
        let counter_key =
            Arc::new(crate::limits::CounterKey::load(&pool, config.secret_key.as_deref()).await?);
        let state = AppState {
            leptos_options,
            pool: pool.clone(),
            config: config.clone(),
            outbox_wakeup: outbox_wakeup.clone(),
            tasks_wakeup: tasks_wakeup.clone(),
            clock: clock.clone(),
            assets,
            render_page: render_page(),
            allowed_origins: crate::web::headers::allowed_origins(
                &config,
                listener.local_addr().context("the listen address")?,
            )
            .into(),
            counter_key,
            secrets,
            metrics: Arc::default(),
        };
        let webhooks = crate::systems::webhook::WebhookWorker {
            pool: pool.clone(),
            secrets: state.secrets.clone(),
            clock: clock.clone(),
            wakeup: tasks_wakeup,
            poll: config.outbox_poll,
            sqlite: config.database_url.is_sqlite(),
        };
        let worker = OutboxWorker {
            pool,
            mailer,
            from: config.mail_from.clone(),
            clock,
            wakeup: outbox_wakeup,
            poll: config.outbox_poll,
            state: state.clone(),
        };
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            worker,
            webhooks,
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
        let worker = tokio::spawn(self.worker.run(stop_rx.clone()));
        let webhooks = tokio::spawn(self.webhooks.run(stop_rx));
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
        let _ = webhooks.await;
        self.state.pool.close().await;
        tracing::info!("portal stopped");
        served.context("the HTTP server failed")
    }
}

/// What every page render and server function gets: the state, and the
/// language of the request.
fn provide_request_context(state: &AppState) {
    provide_context(state.clone());
    provide_context(state.assets.clone());
    if let Some(parts) = use_context::<Parts>() {
        provide_context(request_lang(&parts));
    }
}

fn render_page() -> RenderPage {
    Arc::new(
        |state: AppState, request: Request<Body>, extra: ExtraContext| {
            Box::pin(async move {
                let options = state.leptos_options.clone();
                let handler = leptos_axum::render_app_async_with_context(
                    move || {
                        provide_request_context(&state);
                        extra();
                    },
                    move || shell(options.clone()),
                );
                handler(request).await.into_response()
            })
        },
    )
}

fn router(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let site_root = Path::new(options.site_root.as_ref()).to_path_buf();
    let pkg_dir = site_root.join(options.site_pkg_dir.as_ref());

    let context = {
        let state = state.clone();
        move || provide_request_context(&state)
    };
    let routes = generate_route_list(App);

    // The build's files and their precompressed copies, from memory.
    let assets = state.assets.clone();
    let built =
        crate::web::static_files::StaticFiles::load(&pkg_dir, |name| assets.is_hashed(name));
    let pkg = Router::new().route(
        "/{*file}",
        get({
            let built = built.clone();
            move |axum::extract::Path(file): axum::extract::Path<String>,
                  headers: axum::http::HeaderMap| {
                let built = built.clone();
                async move { built.respond(&file, &headers) }
            }
        }),
    );
    let public_files = ServeDir::new(&site_root)
        .precompressed_br()
        .precompressed_gzip()
        .not_found_service(axum::handler::Handler::with_state(not_found, state.clone()));

    // Every route but the uploads: bodies of 64 KiB at most, 30 seconds.
    let pages = Router::new()
        .route("/health", get(health))
        .route("/metrics", get(crate::metrics::serve))
        .merge(features::language::plain_routes())
        .merge(features::verify::plain_routes())
        .merge(features::request::plain_routes())
        .merge(features::follow::plain_routes())
        .merge(features::dpo::plain_routes())
        .nest("/pkg", pkg)
        .leptos_routes_with_context(&state, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback_service(public_files)
        // The home page: rendered once per language, then from memory.
        .layer(axum::middleware::from_fn({
            let cache = crate::web::page_cache::PageCache::default();
            move |request: Request<Body>, next: axum::middleware::Next| {
                let cache = cache.clone();
                async move { cache.serve(request, next).await }
            }
        }))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Server functions read their bodies themselves: refuse oversized
        // ones before they are read, with 413 rather than a 500.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ));
    // The routes that take a file: PORTAL_MAX_FILE_MB and some room for
    // the form around it, at most MAX_CONCURRENT_UPLOADS at once (each is
    // held in memory; the others wait, within the timeout), and time for a
    // slow connection.
    let upload_limit = state.config.max_file_bytes() + MAX_BODY_BYTES;
    let uploads = features::dpo::upload_routes()
        .merge(features::follow::upload_routes())
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(upload_limit))
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            MAX_CONCURRENT_UPLOADS,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(300),
        ));

    // The systems' API takes a key, never a cookie: no cross-site check,
    // no session, its own errors (`crate::api`).
    let api = Router::new().nest("/api/v1", crate::api::routes(&state));

    pages
        .merge(uploads)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::headers::refuse_cross_site_posts,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::headers::second_factor_required,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::headers::console_needs_https,
        ))
        .layer(axum::middleware::from_fn(unreadable_calls_are_bad_requests))
        .merge(api)
        .layer(axum::middleware::from_fn(no_store_personal_pages))
        // Pages and server-function answers; the built files are already
        // compressed, and are left as they are.
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::headers::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::time_requests,
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
                tracing::info_span!("http", method = %request.method(), route = route.as_deref().unwrap_or("-"))
            }),
        )
        // Outermost: a built file (the CSS, the WASM and its JS) is
        // answered from memory before the middleware above, none of which
        // applies to it (no body, no session, no personal data, already
        // compressed), with the same security headers. It is left out of
        // the request metrics and the trace. Anything else, a name the
        // build does not have included, goes through them all.
        .layer(axum::middleware::from_fn({
            let https = state.config.public_url.scheme() == "https";
            move |request: Request<Body>, next: axum::middleware::Next| {
                let built = built.clone();
                async move {
                    let name = request.uri().path().strip_prefix("/pkg/");
                    match name {
                        Some(name) if request.method() == Method::GET && built.contains(name) => {
                            let mut response = built.respond(name, request.headers());
                            crate::web::headers::add_security_headers(&mut response, https);
                            response
                        }
                        _ => next.run(request).await,
                    }
                }
            }
        }))
        .with_state(state)
}

/// Where a page or an answer may show personal data: the subject's
/// verification, form and requests, the console, and server functions.
const PERSONAL_PREFIXES: [&str; 5] = ["/verify", "/request", "/my-requests", "/dpo", "/api/"];

/// Pages that may show personal data are never kept by a browser's cache
/// or a proxy: the back button on a shared computer shows nothing.
async fn no_store_personal_pages(request: Request<Body>, next: axum::middleware::Next) -> Response {
    let personal = PERSONAL_PREFIXES
        .iter()
        .any(|prefix| request.uri().path().starts_with(prefix));
    let mut response = next.run(request).await;
    if personal {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// server_fn answers a call whose body it cannot decode (not a form, bad
/// UTF-8, a missing or repeated field) with 500, as if the server had
/// failed. It is the caller's fault: 400, with a message in both languages.
/// Failures on our side (`AppError::Internal`) keep their 500.
async fn unreadable_calls_are_bad_requests(
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let call = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !call || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (parts, Body::empty()).into_response();
    };
    if let Ok(crate::error::AppError::Transport(_)) = serde_json::from_slice(&bytes) {
        parts.status = StatusCode::BAD_REQUEST;
        let unreadable = crate::error::AppError::Transport(
            "Ce formulaire n'a pas pu être lu. / This form could not be read.".into(),
        );
        let body = serde_json::to_vec(&unreadable).unwrap_or_default();
        parts.headers.remove(header::CONTENT_LENGTH);
        return (parts, Body::from(body)).into_response();
    }
    (parts, Body::from(bytes)).into_response()
}

/// `GET /health`: 200 when the database answers, 503 otherwise; both say
/// the version and the commit that answers.
async fn health(State(pool): State<Pool>) -> Response {
    use crate::operator::{COMMIT, VERSION};
    match sqlx::query("SELECT 1").execute(&pool).await {
        Ok(_) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::json!({"status": "ok", "version": VERSION, "commit": COMMIT}).to_string(),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/json")],
                serde_json::json!({"status": "unavailable", "version": VERSION, "commit": COMMIT})
                    .to_string(),
            )
                .into_response()
        }
    }
}

/// Anything that is neither a page nor a file: the portal's own 404 page.
async fn not_found(State(state): State<AppState>, request: Request<Body>) -> Response {
    state.render(request, Arc::new(|| ())).await
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
