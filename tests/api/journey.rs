//! The data subject's journey over HTTP, as a browser without JavaScript
//! drives it: forms posted to the pages' own URLs, cookies kept.

use crate::helpers::{Backend, Mail, Subject, TestApp, right_fields};
use crate::on_both_databases;
use reqwest::header;
use sqlx::Row;
use std::time::Duration;

async fn each_right_is_filed_acknowledged_and_sent_to_the_dpo(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    for (i, right) in crate::helpers::RIGHTS.iter().enumerate() {
        let subject = Subject::new(&app, &format!("person{i}@example.org"));
        let reference = subject.file(right).await;

        let receipt = subject
            .get(&format!("/my-requests/{reference}?new=1"))
            .await;
        assert_eq!(receipt.status(), 200);
        let html = receipt.text().await.unwrap();
        assert!(
            html.contains(&reference) && html.contains("Demande envoyée"),
            "{right}"
        );

        let ack = sink.wait_for_text(&subject.email, &reference).await;
        assert!(ack.contains("Réponse au plus tard le"), "{ack}");
        let dpo = sink.wait_for_text("dpo@sofacto.com", &reference).await;
        assert!(dpo.contains("/dpo/requests/"), "{dpo}");
        assert!(
            !dpo.contains("Jeanne") && !dpo.contains("Martin") && !dpo.contains(&subject.email),
            "no personal content: {dpo}"
        );

        let list = subject.get("/my-requests").await.text().await.unwrap();
        assert!(list.contains(&reference));
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 6);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_events WHERE kind = 'received'")
            .await,
        6
    );
    let row = sqlx::query("SELECT status, due_on, received_on, details FROM requests WHERE right_kind = 'portability'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("status"), "received");
    let received =
        privacy_portal::domain::Date::parse_iso(&row.get::<String, _>("received_on")).unwrap();
    assert_eq!(
        row.get::<String, _>("due_on"),
        privacy_portal::domain::due_date(received, 0, 0).iso()
    );
    assert!(row.get::<String, _>("details").contains("dpo@acme.example"));
}

async fn a_double_submission_stores_one_request(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "double@example.org");
    subject.verify("erasure").await;
    let key = subject.form_key("erasure").await;
    let fields = right_fields("erasure");
    let (first, second) = tokio::join!(
        subject.submit("erasure", &key, &fields),
        subject.submit("erasure", &key, &fields)
    );
    assert_eq!(
        first.headers()[header::LOCATION],
        second.headers()[header::LOCATION]
    );
    let again = subject.submit("erasure", &key, &fields).await;
    assert_eq!(
        again.headers()[header::LOCATION],
        first.headers()[header::LOCATION]
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'dpo_new_request'")
            .await,
        1
    );
}

async fn a_failure_after_the_insert_leaves_nothing(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    // Make the second write of the transaction (the DPO email) fail.
    match backend {
        Backend::Sqlite => {
            sqlx::query(
                "CREATE TRIGGER fail_dpo_email BEFORE INSERT ON outbox WHEN NEW.kind = 'dpo_new_request' \
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            )
            .execute(&app.pool)
            .await
            .unwrap();
        }
        Backend::Postgres => {
            sqlx::query(
                "CREATE FUNCTION fail_dpo_email() RETURNS trigger AS $$ BEGIN \
                 IF NEW.kind = 'dpo_new_request' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            )
            .execute(&app.pool)
            .await
            .unwrap();
            sqlx::query("CREATE TRIGGER fail_dpo_email BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION fail_dpo_email()")
                .execute(&app.pool)
                .await
                .unwrap();
        }
    }
    let subject = Subject::new(&app, "atomic@example.org");
    subject.verify("access").await;
    let key = subject.form_key("access").await;
    let response = subject
        .submit("access", &key, &right_fields("access"))
        .await;
    assert_eq!(response.status(), 200, "the form comes back");
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Un problème est survenu de notre côté"),
        "{html}"
    );
    assert!(html.contains(r#"value="Jeanne""#), "nothing typed is lost");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM request_events").await, 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE kind <> 'verification_code'")
            .await,
        0
    );
}

async fn another_address_cannot_reach_a_request(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let owner = Subject::new(&app, "owner@example.org");
    let reference = owner.file("access").await;

    let other = Subject::new(&app, "other@example.org");
    other.verify("access").await;
    let page = other
        .get(&format!("/my-requests/{reference}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Demande introuvable"), "{page}");
    assert!(
        !other
            .get("/my-requests")
            .await
            .text()
            .await
            .unwrap()
            .contains(&reference)
    );
    let withdraw = other.withdraw(&reference).await;
    assert_ne!(withdraw.status(), 303);
    let status: String = sqlx::query("SELECT status FROM requests")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "received");

    // Without any session, nothing is shown either.
    let stranger = Subject::new(&app, "stranger@example.org");
    let page = stranger
        .get(&format!("/my-requests/{reference}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("confirmez d'abord votre adresse") && !page.contains("Jeanne"));
}

async fn withdrawing_a_request_closes_it_and_tells_the_dpo(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "withdraw@example.org");
    let reference = subject.file("objection").await;
    let response = subject.withdraw(&reference).await;
    assert_eq!(response.status(), 303);
    let page = subject
        .get(&format!("/my-requests/{reference}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Retirée") && page.contains("Demande retirée par vous"),
        "{page}"
    );
    app.smtp
        .as_ref()
        .unwrap()
        .wait_for_text(
            "dpo@sofacto.com",
            &format!("a retiré sa demande {reference}"),
        )
        .await;
    let again = subject.withdraw(&reference).await;
    assert_eq!(
        again.status(),
        200,
        "a closed request cannot be withdrawn twice"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_events WHERE kind = 'withdrawn'")
            .await,
        1
    );
}

async fn two_withdrawals_at_once_close_the_request_once(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "racing@example.org");
    let reference = subject.file("erasure").await;
    let (first, second) = tokio::join!(subject.withdraw(&reference), subject.withdraw(&reference));
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 303], "one wins, the other is told");
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM request_events WHERE kind = 'withdrawn' AND actor = 'subject'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'dpo_withdrawn'")
            .await,
        1,
        "the DPO is told once"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM requests WHERE status = 'withdrawn' AND closed_at IS NOT NULL"
        )
        .await,
        1
    );
}

on_both_databases!(
    two_withdrawals_at_once_close_the_request_once,
    each_right_is_filed_acknowledged_and_sent_to_the_dpo,
    a_double_submission_stores_one_request,
    a_failure_after_the_insert_leaves_nothing,
    another_address_cannot_reach_a_request,
    withdrawing_a_request_closes_it_and_tells_the_dpo,
);

#[tokio::test]
async fn an_invalid_form_comes_back_with_translated_errors_and_what_was_typed() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "typo@example.org");
    subject.verify("objection").await;
    let key = subject.form_key("objection").await;
    let long = "x".repeat(201);
    let fields = [
        ("form[submission_key]", key.as_str()),
        ("form[right]", "objection"),
        ("form[first_name]", "Jeanne"),
        ("form[last_name]", &long),
        ("form[processing]", "other_legitimate_interest"),
    ];
    let response = subject.post("/request/new", &fields).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Ce champ est obligatoire."),
        "the reason is required outside direct marketing"
    );
    assert!(
        html.contains("Ce texte est trop long."),
        "201 characters in a name"
    );
    assert!(
        html.contains(r#"value="Jeanne""#)
            && html.contains(r#"value="other_legitimate_interest" checked"#),
        "{html}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 0);

    // In English, the same errors in English.
    assert_eq!(subject.get("/lang/en?next=/").await.status(), 303);
    let response = subject
        .post(
            "/request/new",
            &[
                ("form[submission_key]", key.as_str()),
                ("form[right]", "objection"),
                ("form[processing]", "other_legitimate_interest"),
            ],
        )
        .await;
    let html = response.text().await.unwrap();
    assert!(html.contains("This field is required."), "{html}");
}

#[tokio::test]
async fn a_request_body_over_64_kib_is_refused() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let subject = Subject::new(&app, "big@example.org");
    let huge = "x".repeat(70 * 1024);
    let response = subject
        .post("/request/new", &[("form[details]", huge.as_str())])
        .await;
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn the_server_functions_answer_the_wasm_with_json() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "json@example.org");
    let response = subject
        .client
        .post(format!("{}/api/request_code", app.address))
        .header(header::ACCEPT, "application/json")
        .form(&[("form[email]", "not-an-address"), ("form[right]", "access")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(
        body.contains(r#""errors":[["email","invalid_email"]]"#),
        "{body}"
    );
    let _ = Duration::ZERO;
}

#[tokio::test]
async fn a_form_sent_after_the_session_ended_comes_back_whole() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "slow@example.org");
    subject.verify("erasure").await;
    let key = subject.form_key("erasure").await;
    app.clock.advance(Duration::from_secs(3601));
    let response = subject
        .submit("erasure", &key, &right_fields("erasure"))
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Votre vérification a expiré"), "{html}");
    assert!(
        html.contains(r#"value="Jeanne""#) && html.contains(&key),
        "what was typed is kept"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 0);
}

#[tokio::test]
async fn signing_out_ends_the_session_at_once() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "leaving@example.org");
    let reference = subject.file("access").await;
    assert!(
        subject
            .get("/my-requests")
            .await
            .text()
            .await
            .unwrap()
            .contains(&reference)
    );
    let response = subject.post("/my-requests/sign-out", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()[header::LOCATION], "/");
    let page = subject.get("/my-requests").await.text().await.unwrap();
    assert!(page.contains("confirmez d'abord votre adresse") && !page.contains(&reference));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM subject_sessions").await, 0);
}

#[tokio::test]
async fn a_server_function_call_over_64_kib_is_refused_too() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let huge = "x".repeat(200 * 1024);
    let response = app
        .http
        .post(format!("{}/api/submit_request", app.address))
        .header(header::ACCEPT, "application/json")
        .form(&[("form[details]", huge.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}
