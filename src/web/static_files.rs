//! The build's files (`/pkg/…`), read once at start and served from
//! memory with their brotli and gzip copies: no file system call per
//! request. Hashed names never change content, so browsers keep them a
//! year; any other file is revalidated.

use axum::body::Body;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

struct File {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

/// Every file of the build's `pkg` folder, by name.
#[derive(Clone, Default)]
pub struct StaticFiles(Arc<HashMap<String, File>>);

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "js" | "mjs" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "ts" => "video/mp2t",
        _ => "application/octet-stream",
    }
}

impl StaticFiles {
    /// Reads `dir`; `hashed` says which names carry a content hash.
    pub fn load(dir: &Path, hashed: impl Fn(&str) -> bool) -> StaticFiles {
        let mut files = HashMap::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            tracing::warn!(dir = %dir.display(), "no built files to serve: build the site first");
            return StaticFiles::default();
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".gz") || name.ends_with(".br") || !entry.path().is_file() {
                continue;
            }
            let Ok(identity) = std::fs::read(entry.path()) else {
                continue;
            };
            let read = |suffix: &str| {
                std::fs::read(dir.join(format!("{name}.{suffix}")))
                    .ok()
                    .map(Bytes::from)
            };
            let cache_control = if hashed(&name) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            files.insert(
                name.clone(),
                File {
                    content_type: HeaderValue::from_static(content_type(&name)),
                    cache_control: HeaderValue::from_static(cache_control),
                    identity: Bytes::from(identity),
                    gzip: read("gz"),
                    brotli: read("br"),
                },
            );
        }
        StaticFiles(Arc::new(files))
    }

    /// Whether the build has a file named `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// The file named `name`, in the best encoding the client accepts.
    pub fn respond(&self, name: &str, request_headers: &HeaderMap) -> Response<Body> {
        let Some(file) = self.0.get(name) else {
            return Response::builder()
                .status(StatusCode::NOT_FOUND)
                .body(Body::empty())
                .unwrap_or_default();
        };
        let accepts = |coding: &str| {
            request_headers
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|part| {
                    let mut pieces = part.trim().split(';');
                    pieces
                        .next()
                        .is_some_and(|c| c.trim().eq_ignore_ascii_case(coding))
                        && !pieces
                            .any(|q| matches!(q.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"))
                })
        };
        let (body, encoding) = match (&file.brotli, &file.gzip) {
            (Some(br), _) if accepts("br") => (br.clone(), Some("br")),
            (_, Some(gz)) if accepts("gzip") => (gz.clone(), Some("gzip")),
            _ => (file.identity.clone(), None),
        };
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, file.content_type.clone());
        headers.insert(header::CACHE_CONTROL, file.cache_control.clone());
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_accepted_encoding_is_served() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app.abc.js"), "plain").unwrap();
        std::fs::write(dir.path().join("app.abc.js.gz"), "gz").unwrap();
        std::fs::write(dir.path().join("app.abc.js.br"), "br").unwrap();
        let files = StaticFiles::load(dir.path(), |_| true);
        let encoding = |accept: &str| {
            let mut headers = HeaderMap::new();
            if !accept.is_empty() {
                headers.insert(
                    header::ACCEPT_ENCODING,
                    HeaderValue::from_str(accept).unwrap(),
                );
            }
            files
                .respond("app.abc.js", &headers)
                .headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(encoding("gzip, deflate, br"), Some("br".into()));
        assert_eq!(encoding("gzip"), Some("gzip".into()));
        assert_eq!(encoding("br;q=0, gzip"), Some("gzip".into()));
        assert_eq!(encoding(""), None);
        let missing = files.respond("nope.js", &HeaderMap::new());
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }
}
