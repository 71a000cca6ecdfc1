use crate::helpers::{Backend, Mail, TestApp};
use reqwest::header;

/// Needs the site built by `cargo leptos build` (as `make test` does first).
#[tokio::test]
async fn built_files_have_hashed_names_and_are_served_compressed_and_cached_for_good() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let assets = app.state.assets.clone();
    for file in [&assets.js, &assets.wasm, &assets.css] {
        assert!(
            file.split('.').count() == 3,
            "{file}: the build hashes the names (hash-files = true)"
        );
        for encoding in ["br", "gzip"] {
            let response = app
                .http
                .get(format!("{}/pkg/{file}", app.address))
                .header(header::ACCEPT_ENCODING, encoding)
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
                encoding,
                "{file}: built with --precompress"
            );
            assert_eq!(
                response.headers()[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable",
                "{file}"
            );
            // Answered before the middleware, with the same security
            // headers as everything else.
            assert_eq!(
                response.headers()[header::X_CONTENT_TYPE_OPTIONS],
                "nosniff"
            );
            assert_eq!(
                response.headers()["cross-origin-resource-policy"],
                "same-origin"
            );
            assert_eq!(response.headers()[header::VARY], "accept-encoding");
        }
    }
    // A name the build does not have: the portal's own 404, through the
    // middleware, with its headers too.
    let missing = app
        .http
        .get(format!("{}/pkg/no-such-file.css", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn pages_are_compressed_when_the_browser_accepts_it() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let response = app
        .http
        .get(format!("{}/", app.address))
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn public_files_are_served_from_the_site_root() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let response = app.get("/favicon.svg").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "image/svg+xml");
}

#[tokio::test]
async fn pages_name_the_hashed_files_and_only_pages_with_forms_load_a_script() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let assets = app.state.assets.clone();
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains(&format!("/pkg/{}", assets.css)), "{home}");
    assert!(
        !home.contains(".js") && !home.contains(".wasm"),
        "the home page has no form: no script at all"
    );
    let verify = app.get("/verify").await.text().await.unwrap();
    assert!(verify.contains(&format!("/pkg/{}", assets.js)), "{verify}");
    assert!(verify.contains(&format!("/pkg/{}", assets.wasm)));
    assert!(verify.contains("<leptos-island"), "the form is an island");
}
