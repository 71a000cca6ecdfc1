//! Limits that hold: counters keyed by HMAC, one count per mailbox, per
//! IPv6 /48, a ceiling for the whole portal, filing limits, and wrong codes
//! capped across codes.

use crate::helpers::{Backend, Mail, Subject, TestApp, right_fields};
use crate::on_both_databases;
use reqwest::header;
use sqlx::Row;
use std::time::Duration;

async fn page(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

async fn counters_are_hmacs_under_a_stored_secret(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "hmac@example.org");
    assert_eq!(subject.ask_code("access").await.status(), 303);
    let names: Vec<String> = sqlx::query("SELECT counter FROM send_counters")
        .fetch_all(&app.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("counter"))
        .collect();
    assert!(names.len() >= 3, "{names:?}");
    let plain = privacy_portal::secure::sha256_hex(&["email", "hmac@example.org"]);
    for name in &names {
        assert!(!name.contains(&plain) && !name.contains("hmac@"), "{name}");
        assert!(!name.contains("127.0.0.1"), "{name}");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM server_secrets").await,
        1,
        "a secret made at first start and kept"
    );
}

async fn aliases_of_one_mailbox_share_its_limit(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    app.to_next_hour();
    for alias in [
        "j.doe+1@gmail.com",
        "jdoe@googlemail.com",
        "JDoe+2@gmail.com",
    ] {
        let response = Subject::new(&app, alias).ask_code("access").await;
        assert_eq!(response.status(), 303, "{alias}");
    }
    let html = page(
        Subject::new(&app, "jd.oe+3@gmail.com")
            .ask_code("access")
            .await,
    )
    .await;
    assert!(html.contains("Trop de codes"), "{html}");
}

on_both_databases!(
    counters_are_hmacs_under_a_stored_secret,
    aliases_of_one_mailbox_share_its_limit,
    filing_is_limited_per_address_with_a_clear_message,
    an_agent_is_capped_per_person_they_act_for,
    a_subject_cannot_flood_the_dpo_with_messages_and_files,
    wrong_codes_are_capped_per_address_and_day_across_codes,
);

#[tokio::test]
async fn a_configured_secret_is_not_stored() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Files, |c| {
        c.secret_key = Some("a secret of at least thirty-two characters".into())
    })
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM server_secrets").await, 0);
}

/// The portal-wide hourly ceiling on codes keeps a fifth for addresses it
/// knows (a live verification, an open request): a flood of new addresses
/// pauses newcomers first; then everyone.
async fn the_portal_pauses_codes_past_its_hourly_ceiling_keeping_a_share(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |c| c.limits.codes_per_hour = 5).await;
    app.to_next_hour();
    let known = Subject::new(&app, "known@example.org");
    known.file("access").await;
    for i in 0..3 {
        let response = Subject::new(&app, &format!("ceiling{i}@example.org"))
            .ask_code("access")
            .await;
        assert_eq!(response.status(), 303, "newcomer {i}");
    }
    // Four codes this hour: the newcomers' share (4 of 5) is used up.
    let html = page(
        Subject::new(&app, "ceiling9@example.org")
            .ask_code("access")
            .await,
    )
    .await;
    assert!(html.contains("L'envoi des codes est suspendu"), "{html}");
    // Someone with an open request still gets one.
    app.clock.advance(Duration::from_secs(61));
    assert_eq!(
        known.ask_code("access").await.status(),
        303,
        "the reserved share"
    );
    // The whole ceiling reached: everyone waits.
    app.clock.advance(Duration::from_secs(61));
    let html = page(known.ask_code("access").await).await;
    assert!(html.contains("L'envoi des codes est suspendu"), "{html}");
}

on_both_databases!(the_portal_pauses_codes_past_its_hourly_ceiling_keeping_a_share);

/// Behind a proxy: one IPv6 /48 has its own, higher, limit across its /64s.
#[tokio::test]
async fn an_ipv6_48_is_limited_across_its_64s() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Smtp, |c| {
        c.client_ip_header = Some("x-forwarded-for".into());
        c.limits.codes_per_ip_per_hour = 100;
        c.limits.codes_per_ip48_per_hour = 2;
    })
    .await;
    app.to_next_hour();
    let ask = |i: u32| {
        app.http
            .post(format!("{}/verify", app.address))
            .header(header::ACCEPT, "text/html")
            .header("x-forwarded-for", format!("2001:db8:7:{i:x}::1"))
            .form(&[
                ("form[email]", format!("v6-{i}@example.org")),
                ("form[right]", "access".to_owned()),
            ])
            .send()
    };
    assert_eq!(ask(1).await.unwrap().status(), 303);
    assert_eq!(ask(2).await.unwrap().status(), 303);
    let html = ask(3).await.unwrap().text().await.unwrap();
    assert!(html.contains("Trop de codes"), "{html}");
}

async fn filing_is_limited_per_address_with_a_clear_message(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |c| {
        c.limits.open_requests_per_address = 2;
        c.limits.requests_per_address_per_day = 3;
    })
    .await;
    let subject = Subject::new(&app, "many@example.org");
    subject.file("access").await;
    let key = subject.form_key("objection").await;
    let second = subject
        .submit("objection", &key, &right_fields("objection"))
        .await;
    assert_eq!(second.status(), 303);
    // Two open: the third is refused, and what was typed stays.
    let key = subject.form_key("erasure").await;
    let html = page(
        subject
            .submit("erasure", &key, &right_fields("erasure"))
            .await,
    )
    .await;
    assert!(
        html.contains("Vous avez déjà 2 demandes en cours"),
        "{html}"
    );
    // A cap never stops a right: the other ways in are named.
    assert!(
        html.contains("dpo@sofacto.com") && html.contains("256 rue de Thor, 34000 Montpellier"),
        "{html}"
    );
    assert!(html.contains("value=\"Jeanne\""), "nothing typed is lost");
    // One withdrawn: a third may be filed, then the day's limit is reached.
    let first: String = sqlx::query("SELECT reference FROM requests ORDER BY received_at LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("reference");
    assert_eq!(subject.withdraw(&first).await.status(), 303);
    let key = subject.form_key("erasure").await;
    assert_eq!(
        subject
            .submit("erasure", &key, &right_fields("erasure"))
            .await
            .status(),
        303
    );
    sqlx::query("UPDATE requests SET closed_at = 1, status = 'withdrawn'")
        .execute(&app.pool)
        .await
        .unwrap();
    let key = subject.form_key("access").await;
    let html = page(
        subject
            .submit("access", &key, &right_fields("access"))
            .await,
    )
    .await;
    assert!(
        html.contains("Trop de demandes ont été déposées aujourd'hui"),
        "{html}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 3);
    // Counted in the filing's own transaction: the refused one rolled back
    // with its count, and the day's counters stay at three.
    assert_eq!(app.scalar("SELECT MAX(sends) FROM send_counters").await, 3);
}

/// A subject's messages are capped per request and day, their files'
/// bytes per address and day, and the DPO is emailed at most once per
/// request every 15 minutes; each refusal says how else to write.
async fn a_subject_cannot_flood_the_dpo_with_messages_and_files(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |c| {
        c.limits.messages_per_request_per_day = 2;
        c.limits.file_mb_per_address_per_day = 1;
    })
    .await;
    let told = || app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'dpo_subject_wrote'");
    let subject = Subject::new(&app, "chatty@example.org");
    let first = subject.file("access").await;
    let key = subject.form_key("objection").await;
    let second = crate::helpers::reference_of(
        &subject
            .submit("objection", &key, &right_fields("objection"))
            .await,
    )
    .unwrap();
    let pdf = |size: usize| {
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.resize(size, b' ');
        bytes
    };
    // Two messages on the first request, one with 600 KB: the DPO is told
    // of the first only.
    let sent = subject
        .send_message(
            &first,
            "Voici ma facture.",
            Some(("facture.pdf", pdf(600_000))),
        )
        .await;
    assert_eq!(sent.status(), 303);
    // A file of a refused type is refused before anything is counted.
    let html = page(
        subject
            .send_message(
                &first,
                "Un programme.",
                Some(("outil.exe", b"MZ\x90\x00".to_vec())),
            )
            .await,
    )
    .await;
    assert!(
        html.contains("Ce type de fichier n'est pas accepté"),
        "{html}"
    );
    assert_eq!(
        subject
            .send_message(&first, "Et encore.", None)
            .await
            .status(),
        303
    );
    assert_eq!(told().await, 1);
    // A third today: refused, the DPO's address given.
    let html = page(subject.send_message(&first, "Une troisième.", None).await).await;
    assert!(html.contains("les 2 messages possibles"), "{html}");
    assert!(html.contains("dpo@sofacto.com"), "{html}");
    assert!(
        html.contains("Une troisième.</textarea>"),
        "what was typed stays: {html}"
    );
    // Another 600 KB file today from the same address: past 1 MiB, refused;
    // the same message without it goes.
    let html = page(
        subject
            .send_message(&second, "Pièce jointe.", Some(("copie.pdf", pdf(600_000))))
            .await,
    )
    .await;
    assert!(html.contains("1 Mio de fichiers"), "{html}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM request_files").await, 1);
    // 16 minutes on: the DPO is told of the second request's message.
    app.clock.advance(Duration::from_secs(16 * 60));
    assert_eq!(
        subject
            .send_message(&second, "Sans fichier.", None)
            .await
            .status(),
        303
    );
    assert_eq!(told().await, 2);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_events WHERE kind = 'subject_message'")
            .await,
        3
    );
    // The next day, the first request takes messages again.
    app.clock.advance(Duration::from_secs(24 * 3600));
    app.every_email_sent().await;
    subject.verify_again().await;
    assert_eq!(
        subject
            .send_message(&first, "Bonjour.", None)
            .await
            .status(),
        303
    );
}

/// An agent acting for many people (a lawyer, an association) is capped
/// per person, and their own requests are counted apart.
async fn an_agent_is_capped_per_person_they_act_for(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |c| {
        c.limits.open_requests_per_address = 1;
    })
    .await;
    let agent = Subject::new(&app, "cabinet@avocats.example");
    let until = privacy_portal::domain::Date::paris_of(app.clock_now())
        .add_days(90)
        .iso();
    let file_for = |first: &'static str, last: &'static str| {
        let (agent, until) = (&agent, until.clone());
        async move {
            let key = agent.form_key("access").await;
            agent
                .post(
                    "/request/new",
                    &[
                        ("form[submission_key]", key.as_str()),
                        ("form[right]", "access"),
                        ("form[first_name]", first),
                        ("form[last_name]", last),
                        ("form[relation]", "client"),
                        ("form[reply_channel]", "email"),
                        ("form[lang]", "fr"),
                        ("form[scope]", "all"),
                        ("form[acting]", "agent"),
                        ("form[rep_first_name]", "Luc"),
                        ("form[rep_last_name]", "Bernard"),
                        ("form[replies_to]", "representative"),
                        ("form[mandate_until]", until.as_str()),
                    ],
                )
                .await
        }
    };
    agent.verify("access").await;
    assert_eq!(file_for("Jeanne", "Martin").await.status(), 303);
    assert_eq!(file_for("Paul", "Durand").await.status(), 303);
    // The same person again (however the name is written): capped, and
    // the message names the other ways in.
    let html = page(file_for("JEANNE", "martin").await).await;
    assert!(
        html.contains("Vous avez déjà 1 demandes en cours pour cette personne"),
        "{html}"
    );
    assert!(html.contains("dpo@sofacto.com"), "{html}");
    // The agent's own request is counted apart.
    let key = agent.form_key("objection").await;
    let own = agent
        .submit("objection", &key, &right_fields("objection"))
        .await;
    assert_eq!(own.status(), 303);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 3);
}

async fn wrong_codes_are_capped_per_address_and_day_across_codes(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |c| {
        c.limits.wrong_codes_per_address_per_day = 3
    })
    .await;
    let subject = Subject::new(&app, "guess@example.org");
    subject.ask_code("access").await;
    let code = subject.latest_code().await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..2 {
        let html = page(subject.enter_code(wrong).await).await;
        assert!(html.contains("Ce code ne correspond pas"), "{html}");
    }
    // A new code does not buy new guesses.
    app.clock.advance(Duration::from_secs(61));
    assert!(
        page(subject.post("/verify/code/resend", &[]).await)
            .await
            .contains("Un nouveau code est parti")
    );
    let html = page(subject.enter_code(wrong).await).await;
    assert!(html.contains("Ce code ne correspond pas"), "{html}");
    crate::helpers::eventually(Duration::from_secs(15), || async {
        (app.smtp.as_ref().unwrap().count_to("guess@example.org") == 2).then_some(())
    })
    .await
    .expect("the second code arrived");
    let fresh = subject.latest_code().await;
    assert_ne!(fresh, code);
    let html = page(subject.enter_code(&fresh).await).await;
    assert!(!html.contains("Ce code ne correspond pas"), "{html}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM subject_sessions").await,
        0,
        "the fourth try of the day is refused, even with the right code"
    );
}
