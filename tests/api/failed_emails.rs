//! Emails that failed for good: listed for the DPO with the server's
//! answer and retried from there (and the retry audited), except a
//! verification code, which is not sent again.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, eventually};
use crate::on_both_databases;
use reqwest::header;
use sqlx::Row;
use std::time::Duration;

async fn a_failed_email_is_listed_and_retried(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "bounce@example.org");
    let reference = subject.file("objection").await;
    app.every_email_sent().await;
    // The acknowledgment bounced for good.
    sqlx::query(
        "UPDATE outbox SET status = 'failed', attempts = 3, last_error = '550 5.1.1 mailbox unavailable' \
         WHERE kind IN ('acknowledgment', 'verification_code')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page("/dpo/emails").await;
    assert!(page.contains("550 5.1.1 mailbox unavailable"), "{page}");
    assert!(page.contains(&reference));
    assert!(page.contains("code expiré"), "a code is not sent again");
    let id: String = sqlx::query("SELECT id FROM outbox WHERE kind = 'acknowledgment'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("id");
    let code_id: String = sqlx::query("SELECT id FROM outbox WHERE kind = 'verification_code'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("id");
    let before = app.smtp.as_ref().unwrap().count_to("bounce@example.org");

    let response = dpo.post(&format!("/dpo/emails/{id}/retry"), &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()[header::LOCATION],
        "/dpo/emails?retried=1"
    );
    eventually(Duration::from_secs(15), || async {
        (app.smtp.as_ref().unwrap().count_to("bounce@example.org") > before).then_some(())
    })
    .await
    .expect("the retried email is delivered");
    eventually(Duration::from_secs(15), || async {
        let status: String = sqlx::query("SELECT status FROM outbox WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .unwrap()
            .get("status");
        (status == "sent").then_some(())
    })
    .await
    .expect("recorded as sent");
    let retried = sqlx::query(
        "SELECT actor, reference, object_id FROM audit_log WHERE action = 'email.retried'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(retried.get::<String, _>("actor"), "dpo");
    assert_eq!(retried.get::<String, _>("reference"), reference);
    assert_eq!(retried.get::<String, _>("object_id"), id);

    let refused = dpo.post(&format!("/dpo/emails/{code_id}/retry"), &[]).await;
    assert_eq!(refused.status(), 200);
    assert!(refused.text().await.unwrap().contains("pas renvoyé"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'email.retried'")
            .await,
        1
    );
}

on_both_databases!(a_failed_email_is_listed_and_retried);
