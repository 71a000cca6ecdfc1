//! Pages that are the same for everyone who reads them in a language (the
//! home page) are rendered once per language and then served from memory.
//! Each answer still gets a fresh CSP nonce: the cached page and its policy
//! keep a placeholder where the first render's nonce was.

use super::lang::request_lang;
use crate::domain::Lang;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// The paths rendered once per language.
const CACHED: &[&str] = &["/"];
const PLACEHOLDER: &str = "__PORTAL_NONCE__";
const MAX_PAGE_BYTES: usize = 1 << 20;

struct Cached {
    headers: HeaderMap,
    csp: String,
    body: String,
}

/// The rendered pages, by path and language.
type Pages = HashMap<(&'static str, Lang), Arc<Cached>>;

#[derive(Clone, Default)]
pub struct PageCache(Arc<RwLock<Pages>>);

/// The nonce of a page's policy: `'nonce-…'`.
fn nonce_of(csp: &str) -> Option<&str> {
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let len = csp[start..].find('\'')?;
    Some(&csp[start..start + len]).filter(|n| n.len() >= 16)
}

impl PageCache {
    pub async fn serve(&self, request: Request<Body>, next: axum::middleware::Next) -> Response {
        let path = CACHED.iter().find(|p| **p == request.uri().path()).copied();
        let (Some(path), true, None) =
            (path, request.method() == Method::GET, request.uri().query())
        else {
            return next.run(request).await;
        };
        let (parts, body) = request.into_parts();
        let lang = request_lang(&parts);
        let hit = self
            .0
            .read()
            .ok()
            .and_then(|c| c.get(&(path, lang)).cloned());
        if let Some(page) = hit {
            return page.answer();
        }
        let response = next.run(Request::from_parts(parts, body)).await;
        let csp = response
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let cacheable = response.status() == StatusCode::OK
            && !response.headers().contains_key(header::SET_COOKIE)
            && !response.headers().contains_key(header::CONTENT_ENCODING);
        let (Some(csp), true) = (csp, cacheable) else {
            return response;
        };
        let (parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::empty())
                .unwrap_or_default();
        };
        if let (Some(nonce), Ok(text)) = (nonce_of(&csp), std::str::from_utf8(&bytes)) {
            let mut headers = parts.headers.clone();
            headers.remove(header::CONTENT_LENGTH);
            headers.remove(header::DATE);
            let page = Cached {
                headers,
                csp: csp.replace(nonce, PLACEHOLDER),
                body: text.replace(nonce, PLACEHOLDER),
            };
            if let Ok(mut cache) = self.0.write() {
                cache.insert((path, lang), Arc::new(page));
            }
        }
        Response::from_parts(parts, Body::from(bytes))
    }
}

impl Cached {
    fn answer(&self) -> Response {
        let nonce = crate::secure::hex(&crate::secure::random_bytes::<16>());
        let mut response = Response::new(Body::from(self.body.replace(PLACEHOLDER, &nonce)));
        *response.headers_mut() = self.headers.clone();
        if let Ok(csp) = HeaderValue::from_str(&self.csp.replace(PLACEHOLDER, &nonce)) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_nonce_is_read_from_the_policy() {
        let csp = "default-src 'none'; script-src 'nonce-bVkRDNgjSj1ZreRam-hB2Q' 'strict-dynamic'";
        assert_eq!(super::nonce_of(csp), Some("bVkRDNgjSj1ZreRam-hB2Q"));
        assert_eq!(super::nonce_of("script-src 'self'"), None);
    }
}
