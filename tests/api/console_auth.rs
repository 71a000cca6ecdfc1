//! Signing in to the console, and what it guards.

use crate::helpers::{Backend, Dpo, Mail, PASSWORD, Subject, TestApp};
use crate::on_both_databases;
use privacy_portal::accounts;
use privacy_portal::features::dpo::totp;
use reqwest::header;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Every console page and action, as a stranger would try them.
fn console_routes(reference: &str) -> Vec<(&'static str, String)> {
    let mut routes = vec![
        ("GET", "/dpo".to_owned()),
        ("GET", "/dpo?due=overdue".to_owned()),
        ("GET", format!("/dpo/requests/{reference}")),
        ("GET", "/dpo/new".to_owned()),
        ("GET", "/dpo/new?right=access".to_owned()),
        ("GET", "/dpo/account".to_owned()),
        (
            "GET",
            "/dpo/files/0123456789abcdef0123456789abcdef".to_owned(),
        ),
        ("POST", "/dpo/new".to_owned()),
        ("POST", "/dpo/account/totp".to_owned()),
        ("POST", "/dpo/account/totp/confirm".to_owned()),
        ("POST", format!("/dpo/requests/{reference}/attach")),
    ];
    for action in privacy_portal::features::dpo::actions::Action::ALL {
        routes.push((
            "POST",
            format!("/dpo/requests/{reference}/{}", action.slug()),
        ));
    }
    routes
}

async fn refused_everywhere(app: &TestApp, dpo: &Dpo, reference: &str, label: &str) {
    for (method, path) in console_routes(reference) {
        let response = match method {
            "GET" => dpo.get(&path).await,
            _ => {
                dpo.post(
                    &path,
                    &[
                        ("form[seen]", "received"),
                        ("form[note]", "x"),
                        ("form[summary]", "x"),
                    ],
                )
                .await
            }
        };
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.text().await.unwrap();
        assert!(
            matches!(status, 302 | 303) && location.starts_with("/dpo/login"),
            "{label}: {method} {path} answered {status} {location}"
        );
        assert!(
            !body.contains(reference) || path.contains(reference),
            "{label}: {path} leaks"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_events WHERE actor = 'dpo'")
            .await,
        0,
        "{label}"
    );
}

async fn every_console_page_and_action_refuses_a_stranger_and_an_expired_session(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let reference = Subject::new(&app, "guard@example.org").file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    refused_everywhere(&app, &dpo, &reference, "no session").await;
    dpo.sign_in().await;
    assert_eq!(dpo.get("/dpo").await.status(), 200);
    app.clock.advance(Duration::from_secs(31 * 60));
    refused_everywhere(&app, &dpo, &reference, "idle for 31 minutes").await;
}

async fn a_session_ends_after_30_idle_minutes_or_8_hours(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    for _ in 0..23 {
        app.clock.advance(Duration::from_secs(20 * 60));
        assert_eq!(
            dpo.get("/dpo").await.status(),
            200,
            "active, within 8 hours"
        );
    }
    app.clock.advance(Duration::from_secs(21 * 60));
    assert_eq!(
        dpo.get("/dpo").await.status(),
        302,
        "8 hours after signing in"
    );
    dpo.sign_in().await;
    let out = dpo.post("/dpo/logout", &[]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(
        dpo.get("/dpo").await.status(),
        302,
        "signing out ends it at once"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM dpo_sessions").await, 0);
}

/// Wrong passwords slow their source down, never the account: a stranger
/// cannot keep the DPO out. An unknown address gets the same message and
/// the same work (argon2, and a failure counted under a keyed hash).
async fn wrong_passwords_slow_their_source_down_and_never_lock(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    let same_message = |html: &str| html.contains("ne permettent pas d'entrer");
    let unknown = Dpo::browser(&app, "nobody@sofacto.com");
    let before = accounts::DUMMY_VERIFICATIONS.load(Ordering::Relaxed);
    let html = unknown.sign_in_with(PASSWORD).await.text().await.unwrap();
    assert!(
        same_message(&html),
        "an unknown address gets the same message"
    );
    assert!(
        accounts::DUMMY_VERIFICATIONS.load(Ordering::Relaxed) > before,
        "and the same argon2 work"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sign_in_failures WHERE account_key LIKE 'unknown:%'")
            .await,
        1,
        "and the same writes"
    );
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT account_key || source FROM sign_in_failures")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(
        keys.iter()
            .all(|k| !k.contains("nobody") && !k.contains("127.0.0.1")),
        "{keys:?}"
    );

    for _ in 0..3 {
        assert!(same_message(
            &dpo.sign_in_with("not the password at all")
                .await
                .text()
                .await
                .unwrap()
        ));
    }
    let waiting = dpo.sign_in_with(PASSWORD).await;
    assert_eq!(
        waiting.status(),
        200,
        "after 3 failures, a wait before the next try"
    );
    app.clock.advance(Duration::from_secs(2));
    dpo.sign_in().await;

    // A stranger fails on and on: they wait longer and longer, up to 15
    // minutes, and the account is never locked.
    let stranger = Dpo::browser(&app, "dpo@sofacto.com");
    for failure in 0..20 {
        app.clock.advance(Duration::from_secs(16 * 60));
        let response = stranger.sign_in_with("not the password at all").await;
        assert_eq!(response.status(), 200, "failure {failure}");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM dpo_accounts WHERE locked_until IS NOT NULL")
            .await,
        0,
        "never locked by passwords"
    );
    let wait = app
        .scalar("SELECT MAX(next_at) FROM sign_in_failures")
        .await
        - app.clock_now();
    assert_eq!(wait, 15 * 60 * 1000, "the longest wait");
    // The DPO's own browser, which signed in before, is not slowed by the
    // stranger's failures from the same network.
    dpo.sign_in().await;
    assert_eq!(dpo.get("/dpo").await.status(), 200);
}

/// Turns the second factor on for the signed-in `dpo`, as they would from
/// their account page: the secret, the code used, and the recovery codes.
async fn enrol_totp(app: &TestApp, dpo: &Dpo) -> (String, String, Vec<String>) {
    use sqlx::Row;
    assert_eq!(dpo.post("/dpo/account/totp", &[]).await.status(), 303);
    let page = dpo.page("/dpo/account").await;
    assert!(page.contains("<svg"), "a QR code drawn on the server");
    let stored: String = sqlx::query("SELECT totp_pending_secret FROM dpo_accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0);
    // Sealed when PORTAL_SECRET_KEY is set: the test opens it as the
    // portal does.
    let secret = app.state.secrets.open(&stored).expect("the secret opens");
    enrol_totp_pending(app, dpo, &secret).await
}

/// Confirms the pending `secret` with a code and the password.
async fn enrol_totp_pending(
    app: &TestApp,
    dpo: &Dpo,
    secret: &str,
) -> (String, String, Vec<String>) {
    let secret = secret.to_owned();
    let code = totp::code_at(&secret, (app.clock_now() / 1000) as u64).unwrap();
    let enabled = dpo
        .post(
            "/dpo/account/totp/confirm",
            &[("form[code]", &code), ("form[password]", PASSWORD)],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(enabled.contains("codes de secours"), "{enabled}");
    let recovery: Vec<String> = enabled
        .split(|c: char| c.is_whitespace() || c == '<' || c == '>')
        .filter(|w| w.len() == 19 && w.as_bytes()[4] == b'-' && w.as_bytes()[14] == b'-')
        .map(str::to_owned)
        .collect();
    assert_eq!(recovery.len(), 10, "{enabled}");
    (secret, code, recovery)
}

async fn a_second_factor_is_asked_and_a_code_works_once(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let (secret, code, recovery) = enrol_totp(&app, &dpo).await;
    let now = || (app.clock_now() / 1000) as u64;

    // Signing in now takes a code; the one used to enrol is spent.
    let fresh = Dpo::browser(&app, "dpo@sofacto.com");
    let response = fresh.sign_in_with(PASSWORD).await;
    assert!(
        response.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/dpo/login/code")
    );
    assert_eq!(
        fresh.get("/dpo").await.status(),
        302,
        "not in before the code"
    );
    let reused = fresh
        .post("/dpo/login/code", &[("form[code]", &code)])
        .await;
    assert_eq!(reused.status(), 200, "a code is refused on reuse");
    app.clock.advance(Duration::from_secs(30));
    let next = totp::code_at(&secret, now()).unwrap();
    assert_eq!(
        fresh
            .post("/dpo/login/code", &[("form[code]", &next)])
            .await
            .status(),
        303
    );
    assert_eq!(fresh.get("/dpo").await.status(), 200);

    // A recovery code works once.
    let other = Dpo::browser(&app, "dpo@sofacto.com");
    app.clock.advance(Duration::from_secs(5));
    other.sign_in_with(PASSWORD).await;
    assert_eq!(
        other
            .post("/dpo/login/code", &[("form[code]", &recovery[0])])
            .await
            .status(),
        303
    );
    let again = Dpo::browser(&app, "dpo@sofacto.com");
    again.sign_in_with(PASSWORD).await;
    assert_eq!(
        again
            .post("/dpo/login/code", &[("form[code]", &recovery[0])])
            .await
            .status(),
        200
    );
}

async fn the_right_password_does_not_clear_wrong_codes(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let (secret, _, _) = enrol_totp(&app, &dpo).await;
    // Someone who has the password guesses codes, signing in again
    // between guesses: the tenth wrong code still locks the account.
    for attempt in 1..=10 {
        app.clock.advance(Duration::from_secs(65));
        let thief = Dpo::browser(&app, "dpo@sofacto.com");
        let password = thief.sign_in_with(PASSWORD).await;
        assert_eq!(password.status(), 303, "attempt {attempt}");
        let right = totp::code_at(&secret, (app.clock_now() / 1000) as u64).unwrap();
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        let guessed = thief
            .post("/dpo/login/code", &[("form[code]", wrong)])
            .await;
        assert_eq!(guessed.status(), 200, "attempt {attempt}");
    }
    app.clock.advance(Duration::from_secs(65));
    assert_eq!(
        Dpo::browser(&app, "dpo@sofacto.com")
            .sign_in_with(PASSWORD)
            .await
            .status(),
        200,
        "locked, even with the right password"
    );
}

/// A DPO session left idle (or too old) is deleted by the purge, not only
/// refused: its row holds who was signed in, and when.
async fn expired_dpo_sessions_are_purged(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    Dpo::browser(&app, "dpo@sofacto.com").sign_in().await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM dpo_sessions").await, 2);
    app.clock.advance(Duration::from_secs(31 * 60));
    let active = Dpo::browser(&app, "dpo@sofacto.com");
    active.sign_in().await;
    let purged = privacy_portal::purge::purge(&app.pool, app.clock_now())
        .await
        .unwrap();
    assert_eq!(purged.dpo_sessions, 2, "the idle ones");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM dpo_sessions").await, 1);
    assert_eq!(
        active.get("/dpo").await.status(),
        200,
        "the active one stays"
    );
}

/// A password reset unlocks an account but never enables one someone
/// disabled: only `enable` does, audited.
async fn a_password_reset_does_not_enable_a_disabled_account(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "left@sofacto.com").await;
    let address = privacy_portal::domain::Email::parse("left@sofacto.com").unwrap();
    let now = app.clock_now();
    accounts::disable(&app.pool, &address, now).await.unwrap();
    accounts::reset_password(&app.pool, &address, PASSWORD, now)
        .await
        .unwrap();
    let html = dpo.sign_in_with(PASSWORD).await.text().await.unwrap();
    assert!(
        html.contains("ne permettent pas d'entrer"),
        "still disabled: {html}"
    );
    accounts::enable(&app.pool, &address, now).await.unwrap();
    dpo.sign_in().await;
    assert_eq!(dpo.get("/dpo").await.status(), 200);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'account.enabled'")
            .await,
        1
    );
}

/// Over plain http to a network, the console is not served at all: its
/// password and the requests' data would travel in clear. On this machine
/// (the tests, `make run`) it is.
async fn the_console_refuses_plain_http_off_loopback(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Files, |config| {
        config.public_url = reqwest::Url::parse("http://privacy.sofacto.com").unwrap();
    })
    .await;
    for path in ["/dpo/login", "/dpo", "/dpo/requests/R-AAAA-AAAA"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 403, "{path}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("PORTAL_PUBLIC_URL") && html.contains("https://"),
            "{html}"
        );
    }
    let login = app
        .http
        .post(format!("{}/dpo/login", app.address))
        .form(&[("email", "dpo@sofacto.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 403);
    assert_eq!(app.get("/").await.status(), 200, "the subject's pages stay");
    let local = TestApp::spawn(backend, Mail::Files).await;
    assert_eq!(local.get("/dpo/login").await.status(), 200);
}

/// A code that is not the account's current one.
fn wrong_code(app: &TestApp, secret: &str) -> &'static str {
    let right = totp::code_at(secret, (app.clock_now() / 1000) as u64).unwrap();
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// The second factor holds: each try is reserved before it is checked, so
/// parallel tries cannot pass five; the pending sign-in ends after five
/// wrong codes; codes are limited per network apart from passwords.
async fn the_second_factor_holds_against_parallel_and_repeated_guesses(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Files, |c| {
        c.limits.dpo_codes_per_ip_per_hour = 12;
    })
    .await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let (secret, _, _) = enrol_totp(&app, &dpo).await;
    app.clock.advance(Duration::from_secs(31));

    // Eight guesses at once on one pending sign-in: five are checked.
    let thief = Dpo::browser(&app, "dpo@sofacto.com");
    assert_eq!(thief.sign_in_with(PASSWORD).await.status(), 303);
    let wrong = wrong_code(&app, &secret);
    let fields = [("form[code]", wrong)];
    let guesses = (0..8).map(|_| thief.post("/dpo/login/code", &fields));
    futures::future::join_all(guesses).await;
    let failures = app.scalar("SELECT failed_logins FROM dpo_accounts").await;
    assert!(failures <= 5, "{failures} codes were checked");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM dpo_sessions WHERE second_factor_pending = 1")
            .await,
        0,
        "the pending sign-in ended"
    );
    let right = totp::code_at(&secret, (app.clock_now() / 1000) as u64).unwrap();
    let after = thief
        .post("/dpo/login/code", &[("form[code]", &right)])
        .await;
    assert_eq!(
        after.headers()[header::LOCATION],
        "/dpo/login",
        "the password again"
    );

    // One by one: the fifth wrong code ends it, and says so (in the next
    // hour: the per-network limit on codes counts apart).
    app.clock.advance(Duration::from_secs(31 * 60));
    app.to_next_hour();
    app.exec("UPDATE dpo_accounts SET failed_logins = 0, next_login_at = NULL")
        .await;
    let slow = Dpo::browser(&app, "dpo@sofacto.com");
    assert_eq!(slow.sign_in_with(PASSWORD).await.status(), 303);
    app.exec("UPDATE dpo_accounts SET failed_logins = 0, next_login_at = NULL")
        .await;
    for attempt in 1..=5 {
        app.clock.advance(Duration::from_secs(70));
        let html = slow
            .post(
                "/dpo/login/code",
                &[("form[code]", wrong_code(&app, &secret))],
            )
            .await
            .text()
            .await
            .unwrap();
        let over = html.contains("Cinq codes erronés");
        assert_eq!(over, attempt == 5, "attempt {attempt}: {html}");
    }

    // The per-network limit on codes (12 here): the thirteenth is refused
    // before anything is checked.
    app.to_next_hour();
    let mut limited = false;
    for _ in 0..3 {
        let browser = Dpo::browser(&app, "dpo@sofacto.com");
        app.exec("UPDATE dpo_accounts SET failed_logins = 0, next_login_at = NULL")
            .await;
        browser.sign_in_with(PASSWORD).await;
        for _ in 0..5 {
            let html = browser
                .post(
                    "/dpo/login/code",
                    &[("form[code]", wrong_code(&app, &secret))],
                )
                .await
                .text()
                .await
                .unwrap();
            limited |= html.contains("Trop de codes depuis cette connexion");
            app.exec("UPDATE dpo_accounts SET failed_logins = 0, next_login_at = NULL")
                .await;
        }
    }
    assert!(limited, "the per-network limit on codes");
}

/// Each lock in a row lasts twice as long as the one before, and the DPO
/// is emailed each time; a sign-in starts the curve again. Locks come from
/// wrong codes, which take the password.
async fn locks_grow_and_the_dpo_is_emailed(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap().mailbox();
    let dpo = Dpo::create(&app, "locked@sofacto.com").await;
    dpo.sign_in().await;
    let (secret, _, _) = enrol_totp(&app, &dpo).await;
    let lock_for = || async {
        let until = app.scalar("SELECT locked_until FROM dpo_accounts").await;
        (until - app.clock_now()) / 60_000
    };
    let fail_ten = || async {
        for pending in 0..2 {
            app.clock.advance(Duration::from_secs(120));
            let thief = Dpo::browser(&app, "locked@sofacto.com");
            assert_eq!(
                thief.sign_in_with(PASSWORD).await.status(),
                303,
                "{pending}"
            );
            for _ in 0..5 {
                app.clock.advance(Duration::from_secs(120));
                thief
                    .post(
                        "/dpo/login/code",
                        &[("form[code]", wrong_code(&app, &secret))],
                    )
                    .await;
            }
        }
    };
    fail_ten().await;
    assert_eq!(lock_for().await, 30);
    let locked = sink
        .wait_for_text("locked@sofacto.com", "est bloqué jusqu'au")
        .await;
    let until = locked.split("est bloqué jusqu'au ").nth(1).unwrap();
    assert!(
        until.starts_with(|c: char| c.is_alphabetic()) && until.contains("(heure de Paris)"),
        "the end of the lock in words, with its zone: {until}"
    );
    app.clock.advance(Duration::from_secs(31 * 60));
    fail_ten().await;
    assert_eq!(lock_for().await, 60, "twice as long");
    app.every_email_sent().await;
    assert_eq!(sink.count_to("locked@sofacto.com"), 2);
    app.clock.advance(Duration::from_secs(61 * 60));
    let back = Dpo::browser(&app, "locked@sofacto.com");
    assert_eq!(back.sign_in_with(PASSWORD).await.status(), 303);
    app.clock.advance(Duration::from_secs(31));
    let right = totp::code_at(&secret, (app.clock_now() / 1000) as u64).unwrap();
    let signed = back
        .post("/dpo/login/code", &[("form[code]", &right)])
        .await;
    assert_eq!(signed.status(), 303);
    assert_eq!(app.scalar("SELECT locks FROM dpo_accounts").await, 0);
}

/// Sign-ins are limited per IPv6 /48 as well as per /64: one client with a
/// whole range cannot try without end.
async fn sign_ins_are_limited_per_ipv6_48(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Files, |c| {
        c.client_ip_header = Some("x-forwarded-for".into());
        c.limits.logins_per_ip48_per_hour = 3;
    })
    .await;
    Dpo::create(&app, "dpo@sofacto.com").await;
    let try_from = |ip: String| {
        let app = &app;
        async move {
            app.http
                .post(format!("{}/dpo/login", app.address))
                .header("x-forwarded-for", ip)
                .header(header::ACCEPT, "text/html")
                .form(&[
                    ("form[email]", "dpo@sofacto.com"),
                    ("form[password]", "not the password at all"),
                    ("form[next]", "/dpo"),
                ])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    for subnet in 1..=3 {
        let html = try_from(format!("2001:db8:1:{subnet}::1")).await;
        assert!(!html.contains("Trop de tentatives"), "{subnet}: {html}");
    }
    let html = try_from("2001:db8:1:4::1".to_owned()).await;
    assert!(
        html.contains("Trop de tentatives"),
        "the fourth /64 of one /48: {html}"
    );
    let html = try_from("2001:db8:2:1::1".to_owned()).await;
    assert!(!html.contains("Trop de tentatives"), "another /48: {html}");
}

/// Enrolling a second factor asks for the password again; with
/// PORTAL_REQUIRE_TOTP, a DPO without one is sent to enrol before anything
/// else of the console.
async fn a_second_factor_is_required_and_enrolled_with_the_password(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Files, |c| c.require_totp = true).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    for path in ["/dpo", "/dpo/dashboard", "/dpo/requests/R-AAAA-AAAA"] {
        let response = dpo.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()[header::LOCATION], "/dpo/account");
    }
    let note = dpo
        .post("/dpo/requests/R-AAAA-AAAA/note", &[("form[note]", "x")])
        .await;
    assert_eq!(note.headers()[header::LOCATION], "/dpo/account");
    let page = dpo.page("/dpo/account").await;
    assert!(page.contains("exige un second facteur"), "{page}");

    assert_eq!(dpo.post("/dpo/account/totp", &[]).await.status(), 303);
    let secret: String = sqlx::query_scalar("SELECT totp_pending_secret FROM dpo_accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let code = totp::code_at(&secret, (app.clock_now() / 1000) as u64).unwrap();
    let html = dpo
        .post(
            "/dpo/account/totp/confirm",
            &[
                ("form[code]", &code),
                ("form[password]", "not the password at all"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("n'est pas le bon"), "{html}");
    // Counted like a wrong password at sign-in: a stolen session cannot
    // guess it fast.
    assert_eq!(
        app.scalar("SELECT failures FROM sign_in_failures WHERE account_key = (SELECT id FROM dpo_accounts)")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM dpo_accounts WHERE totp_secret IS NOT NULL")
            .await,
        0
    );
    let (_, _, recovery) = enrol_totp_pending(&app, &dpo, &secret).await;
    assert_eq!(recovery.len(), 10);
    // 16 characters of 32 (80 bits), stored salted with the account.
    assert_eq!(recovery[0].replace('-', "").len(), 16);
    let account: String = sqlx::query_scalar("SELECT id FROM dpo_accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM dpo_recovery_codes")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(stored.contains(&totp::recovery_hash(&account, &recovery[0])));
    assert!(!stored.contains(&totp::legacy_recovery_hash(&recovery[0])));
    assert_eq!(
        dpo.get("/dpo").await.status(),
        200,
        "enrolled: the console opens"
    );
}

/// With PORTAL_SECRET_KEY, a second factor's secret is stored sealed (a
/// copy of the database alone does not give it), and signing in works; one
/// stored before is sealed at the next start.
async fn second_factor_secrets_are_sealed_at_rest(backend: Backend) {
    let key = "a secret key outside the database, 32+ chars";
    let app = TestApp::spawn_with(backend, Mail::Files, move |c| {
        c.secret_key = Some(key.to_owned());
    })
    .await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let (secret, _, _) = enrol_totp(&app, &dpo).await;
    let stored: String = sqlx::query_scalar("SELECT totp_secret FROM dpo_accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        stored.starts_with("v1:") && !stored.contains(&secret),
        "{stored}"
    );
    app.clock.advance(Duration::from_secs(31));
    let again = Dpo::browser(&app, "dpo@sofacto.com");
    assert_eq!(again.sign_in_with(PASSWORD).await.status(), 303);
    let code = totp::code_at(&secret, (app.clock_now() / 1000) as u64).unwrap();
    let signed = again
        .post("/dpo/login/code", &[("form[code]", &code)])
        .await;
    assert_eq!(signed.status(), 303, "the sealed secret opens");

    // Stored in clear (before the setting): sealed at the next start.
    sqlx::query("UPDATE dpo_accounts SET totp_secret = $1")
        .bind(&secret)
        .execute(&app.pool)
        .await
        .unwrap();
    let secrets = privacy_portal::secure::SecretBox::new(Some(key));
    let sealed = privacy_portal::accounts::credentials::seal_stored(&app.pool, &secrets)
        .await
        .unwrap();
    assert_eq!(sealed, 1);
    let stored: String = sqlx::query_scalar("SELECT totp_secret FROM dpo_accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(secrets.open(&stored).as_deref(), Some(secret.as_str()));
}

on_both_databases!(
    second_factor_secrets_are_sealed_at_rest,
    a_second_factor_is_required_and_enrolled_with_the_password,
    sign_ins_are_limited_per_ipv6_48,
    the_second_factor_holds_against_parallel_and_repeated_guesses,
    locks_grow_and_the_dpo_is_emailed,
    the_console_refuses_plain_http_off_loopback,
    a_password_reset_does_not_enable_a_disabled_account,
    expired_dpo_sessions_are_purged,
    the_right_password_does_not_clear_wrong_codes,
    every_console_page_and_action_refuses_a_stranger_and_an_expired_session,
    a_session_ends_after_30_idle_minutes_or_8_hours,
    wrong_passwords_slow_their_source_down_and_never_lock,
    a_second_factor_is_asked_and_a_code_works_once,
);
