//! `GET /metrics` in Prometheus's text format: the open requests by status,
//! the overdue ones, the outbox's backlog and its oldest email's age, the
//! failed emails, the audit head's sequence number, and a latency
//! histogram per HTTP route pattern. Counts only: no reference, address or
//! path. It answers on loopback (not through a proxy that names a client),
//! or to `Authorization: Bearer PORTAL_METRICS_TOKEN`.

use crate::clock::Millis;
use crate::db::Pool;
use crate::domain::{Date, Status};
use crate::state::AppState;
use anyhow::Context;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, State};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::net::SocketAddr;
use std::sync::atomic::AtomicI64;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The HTTP latencies, kept since the start; the database figures are
/// read at each scrape.
pub struct Metrics {
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            latency: Family::new_with_constructor(latency_histogram),
        }
    }
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, seconds: f64) {
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }
}

/// Times every answer, by method and route *pattern* (`/my-requests/{reference}`),
/// never by path.
pub async fn time_requests(
    State(state): State<AppState>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    // Any token is a method to hyper: a fixed few, so that made-up ones
    // cannot grow the histograms without end.
    let method = match request.method().as_str() {
        known @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => known,
        _ => "other",
    }
    .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .observe(&method, &route, started.elapsed().as_secs_f64());
    response
}

/// What the database says at a scrape.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub open_by_status: Vec<(String, i64)>,
    pub overdue: i64,
    pub outbox_pending: i64,
    pub outbox_oldest_age_seconds: i64,
    pub emails_failed: i64,
    pub audit_head_seq: i64,
}

pub async fn figures(pool: &Pool, now: Millis) -> anyhow::Result<Figures> {
    let counts = crate::requests::queue::counts(pool, "", Date::paris_of(now)).await?;
    let (pending, oldest): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE status = 'pending'")
            .fetch_one(pool)
            .await
            .context("metrics: the outbox")?;
    let failed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'failed'")
        .fetch_one(pool)
        .await
        .context("metrics: the failed emails")?;
    let seq: i64 = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await
        .context("metrics: the audit head")?;
    Ok(Figures {
        // Every open status, at 0 too: a series that vanished would read
        // as "no data" to an alert.
        open_by_status: Status::ALL
            .iter()
            .filter(|status| !status.is_closed())
            .map(|status| {
                let n = counts
                    .by_status
                    .iter()
                    .find(|(s, _)| s == status)
                    .map_or(0, |(_, n)| *n);
                (status.slug().to_owned(), n)
            })
            .collect(),
        overdue: counts.overdue,
        outbox_pending: pending,
        outbox_oldest_age_seconds: oldest.map_or(0, |at| ((now - at) / 1000).max(0)),
        emails_failed: failed,
        audit_head_seq: seq,
    })
}

/// The whole exposition: the figures as gauges, then the histograms.
pub fn render(figures: &Figures, metrics: &Metrics) -> anyhow::Result<String> {
    let mut registry = Registry::with_prefix("portal");
    let by_status = Family::<StatusLabels, Gauge>::default();
    for (status, n) in &figures.open_by_status {
        by_status
            .get_or_create(&StatusLabels {
                status: status.clone(),
            })
            .set(*n);
    }
    registry.register("open_requests", "Open requests, by status", by_status);
    let gauge = |value: i64| {
        let gauge = Gauge::<i64, AtomicI64>::default();
        gauge.set(value);
        gauge
    };
    registry.register(
        "overdue_requests",
        "Open requests past their due date",
        gauge(figures.overdue),
    );
    registry.register(
        "outbox_pending_emails",
        "Emails waiting in the outbox",
        gauge(figures.outbox_pending),
    );
    registry.register(
        "outbox_oldest_age_seconds",
        "Age of the oldest email waiting in the outbox (0 when none)",
        gauge(figures.outbox_oldest_age_seconds),
    );
    registry.register(
        "failed_emails",
        "Emails the outbox gave up on (the console lists them)",
        gauge(figures.emails_failed),
    );
    registry.register(
        "audit_head_seq",
        "Sequence number of the audit log's last entry",
        gauge(figures.audit_head_seq),
    );
    registry.register(
        "http_request_duration_seconds",
        "Time to answer, by method and route pattern",
        metrics.latency.clone(),
    );
    let mut text = String::new();
    encode(&mut text, &registry).context("metrics: encode")?;
    Ok(text)
}

/// Whether the caller may read the figures: the right token, or a
/// loopback peer that no proxy speaks for.
fn allowed(state: &AppState, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    if let Some(token) = &state.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given.is_some_and(|given| crate::secure::constant_time_eq(given, token)) {
            return true;
        }
    }
    let proxied = state
        .config
        .client_ip_header
        .as_deref()
        .is_some_and(|name| headers.contains_key(name))
        || headers.contains_key("forwarded")
        || headers.contains_key("x-forwarded-for");
    peer.is_some_and(|peer| peer.ip().to_canonical().is_loopback()) && !proxied
}

/// `GET /metrics`.
pub async fn serve(State(state): State<AppState>, request: axum::http::request::Parts) -> Response {
    let peer = request
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    if !allowed(&state, peer, &request.headers) {
        return (
            StatusCode::FORBIDDEN,
            "metrics: loopback only, or Authorization: Bearer PORTAL_METRICS_TOKEN\n",
        )
            .into_response();
    }
    let now = state.clock.now();
    match figures(&state.pool, now)
        .await
        .and_then(|figures| render(&figures, &state.metrics))
    {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "metrics: cannot read the figures");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
