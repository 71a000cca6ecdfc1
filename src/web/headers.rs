//! What every response tells the browser about itself: the Content Security
//! Policy (built from the nonce Leptos puts on the page's scripts), the
//! isolation and privacy headers, HSTS over https; and the check that a
//! state-changing request comes from the portal's own pages.

use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// The policy of a page whose scripts carry `nonce`. Scripts run only with
/// the nonce; the islands loader imports the WASM's JavaScript, which
/// `'strict-dynamic'` trusts because a nonced script asked for it
/// (`'self'` is the fallback for browsers without CSP 3). In `cargo leptos
/// watch`, the reload websocket on `watch_port` is allowed too.
pub fn page_policy(nonce: &str, watch_port: Option<u32>) -> String {
    let connect = match watch_port {
        Some(port) => format!("'self' ws://*:{port} wss://*:{port}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic' 'self' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src {connect}; font-src 'self'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// The policy of an HTML answer that was not rendered as a page (an error
/// text): no script at all.
pub const NO_SCRIPT_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The features the portal never uses, turned off for it and anything it
/// could ever embed.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), \
     display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), \
     midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), \
     xr-spatial-tracking=()";

/// Two years, the preload list's minimum.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Adds the page's policy, from the nonce of this render. Called by the
/// shell, once per page.
pub fn set_page_policy() {
    use leptos::prelude::use_context;
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let watch_port = std::env::var("LEPTOS_WATCH").is_ok().then(|| {
        use_context::<AppState>()
            .map(|s| {
                s.leptos_options
                    .reload_external_port
                    .unwrap_or(s.leptos_options.reload_port)
            })
            .unwrap_or(3001)
    });
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce.to_string(), watch_port)) {
        crate::state::add_response_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Whether `path` is the console's: `/dpo` and below.
fn is_console(path: &str) -> bool {
    path == "/dpo" || path.starts_with("/dpo/")
}

/// `/dpo` over plain http to a network (`Config::console_allowed`): a
/// page that tells the operator what to set, and nothing of the console.
pub async fn console_needs_https(
    State(state): State<AppState>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let console = is_console(path);
    if !console || state.config.console_allowed() {
        return next.run(request).await;
    }
    (
        StatusCode::FORBIDDEN,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, NO_SCRIPT_POLICY),
        ],
        format!(
            "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>HTTPS</title></head>\
             <body><p>{}</p><p lang=\"en\">{}</p></body></html>",
            crate::i18n::console::CONSOLE_NEEDS_HTTPS.get(crate::domain::Lang::Fr),
            crate::i18n::console::CONSOLE_NEEDS_HTTPS.get(crate::domain::Lang::En)
        ),
    )
        .into_response()
}

/// The console pages a DPO without a second factor may open when one is
/// required: enrolling it, and leaving.
const WITHOUT_SECOND_FACTOR: [&str; 5] = [
    "/dpo/account",
    "/dpo/account/totp",
    "/dpo/account/totp/confirm",
    "/dpo/logout",
    "/dpo/login",
];

/// With `PORTAL_REQUIRE_TOTP`, a signed-in DPO without a second factor is
/// sent to enrol one before anything else of the console.
pub async fn second_factor_required(
    State(state): State<AppState>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let console = is_console(path);
    if !state.config.require_totp
        || !console
        || WITHOUT_SECOND_FACTOR
            .iter()
            .any(|allowed| path == *allowed || path.starts_with("/dpo/login/"))
    {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    use crate::features::dpo::signin::console_session::{SessionState, session};
    match session(&state, &parts).await {
        Ok(SessionState::SignedIn(dpo)) if !dpo.has_totp => {
            axum::response::Redirect::to("/dpo/account").into_response()
        }
        Ok(_) => next.run(Request::from_parts(parts, body)).await,
        Err(e) => e.into_response(),
    }
}

/// The headers of every response; an HTML answer without a policy of its
/// own gets the one that allows no script.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    let https = state.config.public_url.scheme() == "https";
    add_security_headers(&mut response, https);
    response
}

/// The headers `security_headers` gives every response, those it already
/// has kept; also given to the built files, which are answered before
/// the middleware (`startup::router`).
pub fn add_security_headers(response: &mut Response, https: bool) {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // Links in emails carry tokens: never pass a URL on, not even to
    // ourselves.
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    if html {
        set(header::CONTENT_SECURITY_POLICY, NO_SCRIPT_POLICY);
    }
}

/// The origins the portal's own pages post from: `PORTAL_PUBLIC_URL`'s;
/// and when it is unset (a newcomer's `make run`), the bound address under
/// both `127.0.0.1` and `localhost`.
pub fn allowed_origins(config: &crate::config::Config, bound: SocketAddr) -> Vec<String> {
    let mut origins = vec![config.public_url.origin().ascii_serialization()];
    if !config.public_url_configured {
        let port = bound.port();
        origins.push(format!("http://127.0.0.1:{port}"));
        origins.push(format!("http://localhost:{port}"));
        if bound.ip().is_unspecified() || bound.is_ipv6() {
            origins.push(format!("http://[::1]:{port}"));
        }
    }
    origins.dedup();
    origins
}

/// Whether a request that changes something comes from another site: its
/// `Origin` is not one of ours (compared scheme, host and port, whatever
/// `Host` a proxy wrote). Under `Referrer-Policy: no-referrer` browsers send
/// `Origin: null` with the portal's own plain form posts: then
/// `Sec-Fetch-Site: same-origin` must vouch for them. With no `Origin` at
/// all, only a `cross-site` `Sec-Fetch-Site` is refused.
pub fn is_cross_site(headers: &axum::http::HeaderMap, allowed: &[String]) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some("null") => fetch_site != Some("same-origin"),
        Some(origin) => !allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)),
        None => fetch_site == Some("cross-site"),
    }
}

/// Every state-changing request must come from the portal's own pages:
/// another site's form must not withdraw a request or plant its own
/// verified session in a visitor's browser.
pub async fn refuse_cross_site_posts(
    State(state): State<AppState>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let method = request.method();
    if method != axum::http::Method::GET
        && method != axum::http::Method::HEAD
        && is_cross_site(request.headers(), &state.allowed_origins)
    {
        return (
            StatusCode::FORBIDDEN,
            "Requête refusée : elle vient d'un autre site. / Request refused: it comes from another site.",
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    #[test]
    fn the_page_policy_allows_only_nonced_scripts() {
        let policy = page_policy("abc", None);
        assert!(
            policy.contains("script-src 'nonce-abc' 'strict-dynamic' 'self' 'wasm-unsafe-eval'")
        );
        assert!(!policy.contains("unsafe-inline") && !policy.contains(" 'unsafe-eval'"));
        assert!(policy.contains("connect-src 'self';"));
        assert!(page_policy("abc", Some(3001)).contains("connect-src 'self' ws://*:3001"));
    }

    #[test]
    fn origins_are_compared_with_scheme_host_and_port() {
        let allowed = vec!["https://privacy.sofacto.com".to_owned()];
        let with = |origin: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ORIGIN, origin.parse().unwrap());
            headers
        };
        assert!(!is_cross_site(
            &with("https://privacy.sofacto.com"),
            &allowed
        ));
        assert!(is_cross_site(&with("http://privacy.sofacto.com"), &allowed));
        assert!(is_cross_site(
            &with("https://privacy.sofacto.com:8443"),
            &allowed
        ));
        assert!(is_cross_site(&with("https://evil.example"), &allowed));
        assert!(is_cross_site(&with("null"), &allowed));
        let mut own_form = with("null");
        own_form.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(
            !is_cross_site(&own_form, &allowed),
            "a plain post under no-referrer"
        );
        let mut sandboxed = with("null");
        sandboxed.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(is_cross_site(&sandboxed, &allowed));
        assert!(
            !is_cross_site(&HeaderMap::new(), &allowed),
            "no Origin, no Sec-Fetch-Site"
        );
    }

    #[test]
    fn an_unset_public_url_accepts_the_bound_address_by_both_names() {
        let config = crate::config::Config::from_lookup(|_| None).unwrap();
        let origins = allowed_origins(&config, "127.0.0.1:4321".parse().unwrap());
        assert!(origins.contains(&"http://127.0.0.1:4321".to_owned()));
        assert!(origins.contains(&"http://localhost:4321".to_owned()));
        let config = crate::config::Config::from_lookup(|name| {
            (name == "PORTAL_PUBLIC_URL").then(|| "https://privacy.sofacto.com".to_owned())
        })
        .unwrap();
        assert_eq!(
            allowed_origins(&config, "127.0.0.1:4321".parse().unwrap()),
            ["https://privacy.sofacto.com"]
        );
    }
}
