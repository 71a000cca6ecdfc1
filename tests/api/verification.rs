//! Every rule of address verification (SPEC §3.2).

use crate::helpers::{Backend, Mail, Subject, TestApp};
use reqwest::header;
use sqlx::Row;
use std::time::Duration;

/// The page without its per-response script nonces.
fn without_nonces(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = ["nonce=\"", "crossorigin=\""]
        .iter()
        .filter_map(|attr| rest.find(attr))
        .min()
    {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let value_start = tail.find('"').unwrap() + 1;
        let value_end = value_start + tail[value_start..].find('"').unwrap();
        out.push_str(&tail[..value_start]);
        rest = &tail[value_end..];
    }
    out.push_str(rest);
    out
}

async fn page(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "late@example.org");
    subject.ask_code("access").await;
    let code = subject.latest_code().await;
    app.clock.advance(Duration::from_secs(10 * 60 + 1));
    let html = page(subject.enter_code(&code).await).await;
    assert!(html.contains("Ce code a expiré"), "{html}");
}

#[tokio::test]
async fn five_wrong_codes_end_the_code_even_the_right_one() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "guess@example.org");
    subject.ask_code("access").await;
    let code = subject.latest_code().await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for attempt in 1..=5 {
        let html = page(subject.enter_code(wrong).await).await;
        let expected = if attempt < 5 {
            "Ce code ne correspond pas"
        } else {
            "Trop d'essais"
        };
        assert!(html.contains(expected), "attempt {attempt}");
        assert!(
            html.contains(r#"value="000000""#) || html.contains(r#"value="111111""#),
            "the typed code is kept"
        );
    }
    let html = page(subject.enter_code(&code).await).await;
    assert!(html.contains("Trop d'essais"), "{html}");
    assert!(
        subject
            .get("/my-requests")
            .await
            .text()
            .await
            .unwrap()
            .contains("confirmez d'abord")
    );
}

#[tokio::test]
async fn a_malformed_code_is_refused_without_using_a_try() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "typo@example.org");
    subject.ask_code("access").await;
    let html = page(subject.enter_code("12 34").await).await;
    assert!(html.contains("Le code comporte 6 chiffres."));
    let attempts = app.scalar("SELECT attempts FROM verifications").await;
    assert_eq!(attempts, 0);
}

#[tokio::test]
async fn a_code_and_its_link_work_once() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "once@example.org");
    subject.ask_code("erasure").await;
    let code = subject.latest_code().await;
    let token = subject.latest_link_token().await;
    assert_eq!(token.len(), 64);
    assert_eq!(subject.enter_code(&code).await.status(), 303);

    let html = page(subject.enter_code(&code).await).await;
    assert!(
        html.contains("Aucune vérification n'est en cours"),
        "{html}"
    );
    let stranger = Subject::new(&app, "once@example.org");
    let html = page(
        stranger
            .post(
                &format!("/verify/link/{token}"),
                &[("form[token]", token.as_str())],
            )
            .await,
    )
    .await;
    assert!(html.contains("Ce lien n'est plus valable"), "{html}");
    let html = page(stranger.get(&format!("/verify/link/{token}")).await).await;
    assert!(
        html.contains("Ce lien n'est plus valable") && !html.contains("Confirmer mon adresse"),
        "a used link says so at once, with no button: {html}"
    );
}

#[tokio::test]
async fn opening_the_link_changes_nothing_until_the_button_is_pressed() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "click@example.org");
    subject.ask_code("portability").await;
    let token = subject.latest_link_token().await;

    // A mail scanner, or the person in another browser, opens the link.
    let elsewhere = Subject::new(&app, "click@example.org");
    let html = page(elsewhere.get(&format!("/verify/link/{token}")).await).await;
    assert!(html.contains("Confirmer mon adresse"));
    assert!(
        html.contains("confirme l'adresse c***@example.org")
            && html.contains("Vous n'avez rien demandé ?"),
        "the link page names the address it confirms and warns: {html}"
    );
    let consumed: Option<i64> = sqlx::query("SELECT consumed_at FROM verifications")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0);
    assert!(consumed.is_none(), "a GET consumes nothing");

    let confirmed = elsewhere
        .post(
            &format!("/verify/link/{token}"),
            &[("form[token]", token.as_str())],
        )
        .await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(
        confirmed.headers()[header::LOCATION],
        "/request/new?right=portability"
    );
    let cookie = confirmed
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portal_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let form = page(elsewhere.get("/request/new?right=portability").await).await;
    assert!(form.contains("c***@example.org") && form.contains("form[submission_key]"));
}

#[tokio::test]
async fn resending_waits_a_minute_then_replaces_the_code_without_a_second_verification() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "again@example.org");
    subject.ask_code("access").await;
    let first = subject.latest_code().await;

    let html = page(subject.post("/verify/code/resend", &[]).await).await;
    assert!(
        html.contains("Patientez") && html.contains("secondes"),
        "{html}"
    );
    // Asking again from the address form in the cooldown sends nothing more.
    assert_eq!(subject.ask_code("access").await.status(), 303);
    assert_eq!(app.smtp.as_ref().unwrap().count_to(&subject.email), 1);

    app.clock.advance(Duration::from_secs(61));
    let html = page(subject.post("/verify/code/resend", &[]).await).await;
    assert!(html.contains("Un nouveau code est parti"), "{html}");
    let sink = app.smtp.as_ref().unwrap();
    crate::helpers::eventually(Duration::from_secs(10), || async {
        (sink.count_to(&subject.email) == 2).then_some(())
    })
    .await
    .expect("a second email");
    let second = subject.latest_code().await;
    let rows = app.scalar("SELECT COUNT(*) FROM verifications").await;
    assert_eq!(rows, 1, "never a second pending verification");

    if first != second {
        let html = page(subject.enter_code(&first).await).await;
        assert!(
            html.contains("Ce code ne correspond pas"),
            "the old code no longer works"
        );
    }
    assert_eq!(subject.enter_code(&second).await.status(), 303);
}

#[tokio::test]
async fn an_address_gets_three_codes_an_hour() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    app.to_next_hour();
    let subject = Subject::new(&app, "bombed@example.org");
    subject.ask_code("access").await;
    for _ in 0..2 {
        app.clock.advance(Duration::from_secs(61));
        assert!(
            page(subject.post("/verify/code/resend", &[]).await)
                .await
                .contains("Un nouveau code est parti")
        );
    }
    app.clock.advance(Duration::from_secs(61));
    let html = page(subject.post("/verify/code/resend", &[]).await).await;
    assert!(html.contains("Trop de codes ont été demandés"), "{html}");
    // Another browser asking for the same address, once the code has
    // expired, is limited too.
    app.clock.advance(Duration::from_secs(600));
    let other = Subject::new(&app, "bombed@example.org");
    assert!(
        page(other.ask_code("access").await)
            .await
            .contains("Trop de codes")
    );
    // An hour later, it works again.
    app.clock.advance(Duration::from_secs(3600));
    assert_eq!(other.ask_code("access").await.status(), 303);
}

#[tokio::test]
async fn a_connection_gets_a_limited_number_of_codes_an_hour() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Smtp, |config| {
        config.limits.codes_per_ip_per_hour = 2
    })
    .await;
    app.to_next_hour();
    for (i, expected) in [303, 303, 200].into_iter().enumerate() {
        let subject = Subject::new(&app, &format!("ip{i}@example.org"));
        let response = subject.ask_code("access").await;
        assert_eq!(response.status(), expected, "address {i}");
        if expected == 200 {
            assert!(page(response).await.contains("depuis cette connexion"));
        }
    }
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let known = Subject::new(&app, "known@example.org");
    known.file("access").await;
    app.clock.advance(Duration::from_secs(61));

    let known_again = Subject::new(&app, "known@example.org");
    let unknown = Subject::new(&app, "unknown@example.org");
    let a = known_again.ask_code("erasure").await;
    let b = unknown.ask_code("erasure").await;
    assert_eq!(a.status(), b.status());
    assert_eq!(a.headers()[header::LOCATION], b.headers()[header::LOCATION]);
    let page_a = page(known_again.get("/verify/code").await).await;
    let page_b = page(unknown.get("/verify/code").await).await;
    assert_eq!(
        without_nonces(&page_a.replace("k***@", "u***@")),
        without_nonces(&page_b),
        "the code pages differ only by the masked address"
    );
    let sink = app.smtp.as_ref().unwrap();
    sink.wait_for_text("unknown@example.org", "Code").await;
    crate::helpers::eventually(Duration::from_secs(10), || async {
        (sink.count_to("known@example.org") == 3).then_some(())
    })
    .await
    .expect("both addresses got a code");
}

#[tokio::test]
async fn a_bad_address_is_refused_with_the_typed_value_kept() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "jane@");
    let response = subject.ask_code("access").await;
    assert_eq!(response.status(), 200);
    let html = page(response).await;
    assert!(html.contains("Saisissez une adresse e-mail valide"));
    assert!(html.contains(r#"value="jane@""#));
    let long = format!("{}@example.org", "a".repeat(250));
    let html = page(Subject::new(&app, &long).ask_code("access").await).await;
    assert!(html.contains("Saisissez une adresse e-mail valide"));
}

#[tokio::test]
async fn verifications_are_forgotten_after_a_day_and_sessions_when_they_end() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "forget@example.org");
    subject.verify("access").await;
    let other = Subject::new(&app, "abandoned@example.org");
    other.ask_code("access").await;
    other.latest_code().await;

    let now = privacy_portal::clock::Clock::now(app.clock.as_ref());
    let purged = privacy_portal::purge::purge(&app.pool, now).await.unwrap();
    assert_eq!(purged, Default::default(), "nothing is due yet");

    app.clock.advance(Duration::from_secs(2 * 24 * 3600 + 1));
    let now = privacy_portal::clock::Clock::now(app.clock.as_ref());
    let purged = privacy_portal::purge::purge(&app.pool, now).await.unwrap();
    assert_eq!(purged.verifications, 2);
    assert_eq!(purged.code_emails, 2);
    assert!(purged.send_counters >= 4, "{purged:?}");
    assert_eq!(purged.sessions, 1);
    for table in ["verifications", "send_counters", "subject_sessions"] {
        let n = app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await;
        assert_eq!(n, 0, "{table}");
    }
}

#[tokio::test]
async fn a_sent_code_email_does_not_stay_readable_in_the_database() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "clear@example.org");
    subject.ask_code("access").await;
    let code = subject.latest_code().await;
    let emptied = crate::helpers::eventually(Duration::from_secs(10), || async {
        let row =
            sqlx::query("SELECT status, message FROM outbox WHERE kind = 'verification_code'")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        (row.get::<String, _>("status") == "sent").then(|| row.get::<String, _>("message"))
    })
    .await
    .unwrap();
    assert!(emptied.is_empty() && !emptied.contains(&code));
}

async fn parallel_requests_for_one_address_send_one_code(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let browsers: Vec<_> = (0..8)
        .map(|_| Subject::new(&app, "racer@example.org"))
        .collect();
    let answers = futures::future::join_all(browsers.iter().map(|b| b.ask_code("access"))).await;
    let sent = answers.iter().filter(|r| r.status() == 303).count();
    assert!(sent >= 1);
    let rows = app.scalar("SELECT COUNT(*) FROM verifications").await;
    assert_eq!(rows, 1, "never a second pending verification");
    let queued = app.scalar("SELECT COUNT(*) FROM outbox").await;
    assert_eq!(queued, 1, "one code email");
}

/// Another browser asking for an address whose code is still valid gets
/// the answer anyone gets, the code page; nothing is sent, the owner's code
/// is not replaced, and wrong guesses there do not spend the owner's tries.
#[tokio::test]
async fn another_browser_cannot_replace_or_spend_a_valid_code() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let owner = Subject::new(&app, "owner@example.org");
    assert_eq!(owner.ask_code("access").await.status(), 303);
    let code = owner.latest_code().await;
    for wait in [0, 61, 300] {
        app.clock.advance(Duration::from_secs(wait));
        let intruder = Subject::new(&app, "owner@example.org");
        let answer = intruder.ask_code("access").await;
        assert_eq!(answer.status(), 303, "after {wait} s");
        assert_eq!(answer.headers()[header::LOCATION], "/verify/code");
        let html = page(intruder.get("/verify/code").await).await;
        assert!(html.contains("o***@example.org"), "{html}");
        // Asking again from the code page waits for the code to expire.
        let html = page(intruder.post("/verify/code/resend", &[]).await).await;
        assert!(html.contains("Patientez"), "{html}");
        for _ in 0..6 {
            intruder.enter_code("000000").await;
        }
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox").await,
        1,
        "one code sent"
    );
    assert_eq!(
        app.scalar("SELECT attempts FROM verifications").await,
        0,
        "the owner's tries are untouched"
    );
    assert_eq!(
        app.scalar("SELECT other_attempts FROM verifications").await,
        5
    );
    assert_eq!(
        owner.enter_code(&code).await.status(),
        303,
        "the owner's code still works"
    );
}

/// The owner on a second device is sent to the code page too, and the
/// code from the email works there.
#[tokio::test]
async fn the_code_works_in_a_second_browser_of_the_owner() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let phone = Subject::new(&app, "two@example.org");
    phone.ask_code("erasure").await;
    let code = phone.latest_code().await;
    let laptop = Subject::new(&app, "two@example.org");
    assert_eq!(laptop.ask_code("erasure").await.status(), 303);
    let answer = laptop.enter_code(&code).await;
    assert_eq!(answer.status(), 303);
    assert_eq!(
        answer.headers()[header::LOCATION],
        "/request/new?right=erasure"
    );
}

crate::on_both_databases!(parallel_requests_for_one_address_send_one_code);

/// An address with a Unicode domain, which the form accepts, is delivered
/// to its punycode form instead of failing for ever.
#[tokio::test]
async fn a_unicode_domain_gets_its_code() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "marie@exämple.fr");
    assert_eq!(subject.ask_code("access").await.status(), 303);
    let text = app
        .smtp
        .as_ref()
        .unwrap()
        .wait_for_text("marie@xn--exmple-cua.fr", "/verify/link/")
        .await;
    assert!(text.contains("/verify/link/"));
}
