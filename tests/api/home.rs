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
    assert_eq!(response.headers()[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(response.headers()[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(
        response.headers()["cross-origin-opener-policy"],
        "same-origin"
    );
    assert_eq!(
        response.headers()["cross-origin-resource-policy"],
        "same-origin"
    );
    let permissions = response.headers()["permissions-policy"].to_str().unwrap();
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
        assert!(permissions.contains(feature), "{permissions}");
    }
    assert!(
        response
            .headers()
            .get(header::STRICT_TRANSPORT_SECURITY)
            .is_none(),
        "no HSTS over plain http"
    );
}

/// The policy as a map of directive to its sources.
fn directives(policy: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    policy
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut words = d.split_whitespace().map(str::to_owned);
            (words.next().unwrap(), words.collect())
        })
        .collect()
}

/// Every page carries a policy built from the nonce on its own scripts:
/// each directive is checked, and the nonce changes with every response.
#[tokio::test]
async fn every_page_has_a_content_security_policy_with_its_own_nonce() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let mut nonces = Vec::new();
    for path in [
        "/",
        "/verify?right=access",
        "/verify?right=access",
        "/dpo/login",
        "/no-such-page",
    ] {
        let response = app.get(path).await;
        let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        let html = response.text().await.unwrap();
        let d = directives(&policy);
        let expect = |name: &str, sources: &[&str]| {
            assert_eq!(
                d.get(name)
                    .map(|s| s.iter().map(String::as_str).collect::<Vec<_>>()),
                Some(sources.to_vec()),
                "{path}: {name} in {policy}"
            );
        };
        expect("default-src", &["'none'"]);
        expect("style-src", &["'self'"]);
        expect("img-src", &["'self'", "data:"]);
        expect("connect-src", &["'self'"]);
        expect("font-src", &["'self'"]);
        expect("form-action", &["'self'"]);
        expect("base-uri", &["'none'"]);
        expect("frame-ancestors", &["'none'"]);
        let script = &d["script-src"];
        assert_eq!(
            script[1..],
            ["'strict-dynamic'", "'self'", "'wasm-unsafe-eval'"],
            "{policy}"
        );
        let nonce = script[0]
            .strip_prefix("'nonce-")
            .and_then(|n| n.strip_suffix('\''))
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"));
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
        // Every script of the page carries it; none is without.
        let scripts = html.matches("<script").count();
        assert_eq!(
            html.matches(&format!("<script nonce=\"{nonce}\"")).count()
                + html
                    .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                    .count(),
            scripts,
            "{path}: {html}"
        );
        if html.contains("modulepreload") {
            assert!(html.contains("rel=\"modulepreload\" href="), "{html}");
            assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
        }
        nonces.push(nonce.to_owned());
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "a fresh nonce for every response");
}

#[tokio::test]
async fn over_https_browsers_are_told_to_stay_on_https() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Files, |c| {
        c.public_url = url::Url::parse("https://privacy.sofacto.com").unwrap();
        c.public_url_configured = true;
    })
    .await;
    let response = app.get("/").await;
    assert_eq!(
        response.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=63072000; includeSubDomains"
    );
    // Cookies carry the __Host- prefix (Secure, no Domain, Path=/).
    let switched = app.get("/lang/en?next=/").await;
    let cookie = switched.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-portal_lang=en; Path=/;"),
        "{cookie}"
    );
    assert!(
        cookie.contains("; Secure") && !cookie.contains("Domain"),
        "{cookie}"
    );
    let asked = app
        .http
        .post(format!("{}/verify", app.address))
        .header(header::ORIGIN, "https://privacy.sofacto.com")
        .form(&[
            ("form[email]", "host@example.org"),
            ("form[right]", "access"),
        ])
        .send()
        .await
        .unwrap();
    let cookie = asked.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-portal_verification="),
        "{cookie}"
    );
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
    assert_eq!(
        post(Some("null"), Some("cross-site"))
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(post(None, Some("cross-site")).await.unwrap().status(), 403);
    let same = app.address.clone();
    assert_eq!(
        post(Some(&same), Some("same-origin"))
            .await
            .unwrap()
            .status(),
        303
    );
    // PORTAL_PUBLIC_URL unset: the bound address also as `localhost`.
    let localhost = same.replace("127.0.0.1", "localhost");
    // (Accepted: the code page, where the code just sent can be typed.)
    assert_eq!(post(Some(&localhost), None).await.unwrap().status(), 303);
    // Another scheme or port is another site.
    let other_port = format!("{same}1");
    assert_eq!(post(Some(&other_port), None).await.unwrap().status(), 403);
    let https = same.replace("http://", "https://");
    assert_eq!(post(Some(&https), None).await.unwrap().status(), 403);
}

/// Behind a proxy that rewrites `Host`, the portal's own origin
/// (`PORTAL_PUBLIC_URL`) is still accepted, and only it.
#[tokio::test]
async fn the_origin_is_compared_with_the_public_url_not_the_host() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Files, |c| {
        c.public_url = url::Url::parse("https://privacy.sofacto.com").unwrap();
        c.public_url_configured = true;
    })
    .await;
    let post = |origin: &str| {
        app.http
            .post(format!("{}/verify", app.address))
            .header(header::ORIGIN, origin)
            .header(header::HOST, "portal-backend:8080")
            .form(&[
                ("form[email]", "jane@example.org"),
                ("form[right]", "access"),
            ])
            .send()
    };
    assert_eq!(
        post("https://privacy.sofacto.com").await.unwrap().status(),
        303
    );
    assert_eq!(
        post("http://portal-backend:8080").await.unwrap().status(),
        403
    );
    assert_eq!(post(&app.address).await.unwrap().status(), 403);
}

/// The home page lists each cookie with its purpose and a lifetime under
/// 24 hours.
#[tokio::test]
async fn the_home_page_lists_every_cookie_and_its_lifetime() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let html = app.get("/").await.text().await.unwrap();
    for (name, lifetime) in [
        ("portal_lang", "23 heures"),
        ("portal_verification", "1 heure"),
        ("portal_session", "1 heure"),
        ("portal_dpo", "8 heures"),
        ("portal_dpo_device", "23 heures"),
    ] {
        let row = html
            .split("<tr>")
            .find(|row| row.contains(&format!("<code>{name}</code>")))
            .unwrap_or_else(|| panic!("{name} is not listed: {html}"));
        assert!(row.contains(lifetime), "{name}: {row}");
    }
}

/// After its first render the home page comes from memory, per language,
/// with a fresh nonce in every answer, the same in its policy and its
/// scripts.
#[tokio::test]
async fn the_home_page_is_served_from_memory_with_a_fresh_nonce_each_time() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let mut nonces = Vec::new();
    for lang in ["fr", "en", "fr", "en", "fr"] {
        let response = app
            .http
            .get(format!("{}/", app.address))
            .header(header::ACCEPT_LANGUAGE, lang)
            .send()
            .await
            .unwrap();
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        let start = csp.find("'nonce-").unwrap() + 7;
        let nonce = csp[start..start + csp[start..].find('\'').unwrap()].to_owned();
        let html = response.text().await.unwrap();
        assert!(html.contains(&format!(r#"<html lang="{lang}""#)), "{lang}");
        assert!(
            html.contains(&format!(r#"nonce="{nonce}""#)),
            "the page's scripts carry the policy's nonce"
        );
        assert!(!html.contains("__PORTAL_NONCE__"));
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "a fresh nonce each time");
}
