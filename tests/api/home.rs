use crate::helpers::{Backend, Mail, TestApp};
use reqwest::header;

#[tokio::test]
async fn the_home_page_is_server_rendered_in_french_by_default() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="fr""#), "{html}");
    assert!(html.contains("Exercer vos droits"));
    for right in [
        "Accès",
        "Rectification",
        "Effacement",
        "Limitation",
        "Portabilité",
        "Opposition",
    ] {
        assert!(html.contains(right), "the home page names {right}");
    }
    assert!(
        html.contains("https://www.cnil.fr/fr/agir"),
        "the CNIL complaint link is there"
    );
}

#[tokio::test]
async fn the_language_link_sets_a_cookie_and_the_page_follows_it() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let response = app.get("/lang/en?next=%2F").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()[header::LOCATION], "/");
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("portal_lang=en;"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let html = app
        .http
        .get(format!("{}/", app.address))
        .header(header::COOKIE, "portal_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("Exercise your rights"));
    assert!(html.contains("Erasure"));
}

#[tokio::test]
async fn the_language_link_never_redirects_to_another_site() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    for next in ["https%3A%2F%2Fevil.example", "%2F%2Fevil.example"] {
        let response = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(response.headers()[header::LOCATION], "/", "{next}");
    }
    assert_eq!(app.get("/lang/de").await.status(), 404);
}

#[tokio::test]
async fn the_language_link_comes_back_to_the_same_page_and_query() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let html = app.get("/verify?right=erasure").await.text().await.unwrap();
    let link = html
        .split("<a ")
        .find(|tag| tag.contains(r#"class="lang-switch""#))
        .expect("a language link");
    let href = link
        .split(r#"href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert_eq!(href, "/lang/en?next=/verify%3Fright%3Derasure");

    let response = app.get(&href).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()[header::LOCATION],
        "/verify?right=erasure"
    );
}

#[tokio::test]
async fn pages_that_may_show_personal_data_are_never_cached() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    for path in ["/verify?right=access", "/my-requests", "/dpo/login", "/dpo"] {
        let response = app.get(path).await;
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-store",
            "{path}"
        );
    }
    let home = app.get("/").await;
    assert!(home.headers().get(header::CACHE_CONTROL).is_none());
}

#[tokio::test]
async fn an_unknown_address_gets_the_portal_404_page() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let response = app.get("/no-such-page").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page introuvable"), "{html}");
}

#[tokio::test]
async fn responses_carry_protective_headers() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let response = app.get("/").await;
    assert_eq!(
        response.headers()[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff"
    );
    assert_eq!(response.headers()[header::REFERRER_POLICY], "same-origin");
    assert_eq!(response.headers()[header::X_FRAME_OPTIONS], "DENY");
}

#[tokio::test]
async fn posts_from_another_site_are_refused() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let post = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut request = app.http.post(format!("{}/verify", app.address)).form(&[
            ("form[email]", "jane@example.org"),
            ("form[right]", "access"),
        ]);
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    assert_eq!(
        post(Some("https://evil.example"), None)
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(post(Some("null"), None).await.unwrap().status(), 403);
    assert_eq!(post(None, Some("cross-site")).await.unwrap().status(), 403);
    let same = app.address.clone();
    assert_eq!(
        post(Some(&same), Some("same-origin"))
            .await
            .unwrap()
            .status(),
        303
    );
}
