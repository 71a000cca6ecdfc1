use crate::helpers::{Backend, Mail, TestApp};
use reqwest::header;

/// Needs the site built by `cargo leptos build` (as `make test` does first).
#[tokio::test]
async fn built_files_are_served_compressed_and_cacheable() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    for file in [
        "privacy_portal.js",
        "privacy_portal.wasm",
        "privacy_portal.css",
    ] {
        let response = app
            .http
            .get(format!("{}/pkg/{file}", app.address))
            .header(header::ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            200,
            "{file}: build the site first (make test does)"
        );
        assert_eq!(
            response.headers()[header::CONTENT_ENCODING],
            "gzip",
            "{file}"
        );
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "public, max-age=3600",
            "{file}"
        );
        assert!(
            response.headers().contains_key(header::LAST_MODIFIED),
            "{file}"
        );
    }
}

#[tokio::test]
async fn public_files_are_served_from_the_site_root() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let response = app.get("/favicon.svg").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "image/svg+xml");
}
