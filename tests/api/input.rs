//! Input from anyone: line breaks stored as LF, hidden characters refused
//! with a clear message on both databases, codes never kept in clear.

use crate::helpers::{Backend, Mail, Subject, TestApp, eventually};
use crate::on_both_databases;
use sqlx::Row;
use std::time::Duration;

async fn free_text_is_stored_with_lf_and_hidden_characters_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "text@example.org");
    subject.verify("rectification").await;
    let fields = |key: &str, first: &str| {
        vec![
            ("form[submission_key]", key.to_owned()),
            ("form[right]", "rectification".to_owned()),
            ("form[first_name]", first.to_owned()),
            ("form[last_name]", "Martin".to_owned()),
            ("form[relation]", "prospect".to_owned()),
            ("form[reply_channel]", "email".to_owned()),
            ("form[lang]", "fr".to_owned()),
            ("form[rows][0][item]", "Adresse".to_owned()),
            ("form[rows][0][current]", "1 rue A".to_owned()),
            (
                "form[rows][0][corrected]",
                "2 rue B\r\n34000 Montpellier".to_owned(),
            ),
        ]
    };
    for bad in ["Jea\u{0}nne", "Jeanne\u{202E}", "Jeanne\u{1b}[31m"] {
        let key = subject.form_key("rectification").await;
        let f = fields(&key, bad);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = subject.post("/request/new", &pairs).await;
        assert_eq!(response.status(), 200, "{bad:?}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("caractères invisibles ou de contrôle"),
            "{html}"
        );
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 0);
    let key = subject.form_key("rectification").await;
    let f = fields(&key, "Jeanne");
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(subject.post("/request/new", &pairs).await.status(), 303);
    let details: String = sqlx::query("SELECT details FROM requests")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("details");
    assert!(details.contains("2 rue B\\n34000"), "{details}");
    assert!(!details.contains("\\r"), "{details}");
}

async fn a_code_email_that_fails_for_good_is_emptied(backend: Backend) {
    let port = crate::helpers::free_port();
    let app = TestApp::spawn(backend, Mail::SmtpDown { port }).await;
    let subject = Subject::new(&app, "down@example.org");
    assert_eq!(subject.ask_code("access").await.status(), 303);
    // The server is down until the code has expired: the outbox gives up
    // on it for good.
    app.clock.advance(Duration::from_secs(11 * 60));
    app.state.outbox_wakeup.notify_one();
    eventually(Duration::from_secs(20), || async {
        let row =
            sqlx::query("SELECT status, message FROM outbox WHERE kind = 'verification_code'")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        (row.get::<String, _>("status") == "failed").then(|| row.get::<String, _>("message"))
    })
    .await
    .map(|message| assert_eq!(message, "", "no code left in clear"))
    .expect("the code email failed for good");
}

/// A submission key copied from someone else's form says nothing about
/// their request: the second person's request is filed under a fresh key,
/// and the redirect names theirs only. The same form sent twice by its
/// owner still files once.
async fn a_submission_key_is_looked_up_for_the_session_address_only(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let first = Subject::new(&app, "first.key@example.org");
    first.verify("access").await;
    let key = first.form_key("access").await;
    let fields = crate::helpers::right_fields("access");
    let theirs =
        crate::helpers::reference_of(&first.submit("access", &key, &fields).await).unwrap();
    let again = crate::helpers::reference_of(&first.submit("access", &key, &fields).await).unwrap();
    assert_eq!(again, theirs, "the owner's double submission files once");

    let second = Subject::new(&app, "second.key@example.org");
    second.verify("access").await;
    let response = second.submit("access", &key, &fields).await;
    assert_eq!(response.status(), 303);
    let mine = crate::helpers::reference_of(&response).unwrap();
    assert_ne!(mine, theirs, "the other request is not revealed");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM requests WHERE email = 'second.key@example.org'")
            .await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 2);
}

on_both_databases!(
    free_text_is_stored_with_lf_and_hidden_characters_are_refused,
    a_code_email_that_fails_for_good_is_emptied,
    a_submission_key_is_looked_up_for_the_session_address_only,
);

/// Script and markup typed in every text field stay text (issue 10 §3): in
/// the subject's and the DPO's pages, in the emails, in the register and
/// in the evidence file.
#[tokio::test]
async fn markup_typed_anywhere_stays_text_in_pages_emails_and_exports() {
    const SCRIPT: &str = "<script>alert('x')</script>";
    const IMAGE: &str = "\"><img src=x onerror=alert(1)>";
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = crate::helpers::Subject::new(&app, "markup@example.org");
    subject.verify("objection").await;
    let key = subject.form_key("objection").await;
    let hostile = format!("{SCRIPT}{IMAGE}");
    let mut fields = vec![
        ("form[submission_key]", key.as_str()),
        ("form[right]", "objection"),
        ("form[first_name]", hostile.as_str()),
        ("form[last_name]", hostile.as_str()),
        ("form[relation]", "prospect"),
        ("form[customer_number]", hostile.as_str()),
        ("form[reply_channel]", "postal"),
        ("form[reply_postal]", hostile.as_str()),
        ("form[lang]", "fr"),
        ("form[processing]", "prospecting"),
        ("form[reason]", hostile.as_str()),
        ("form[details]", hostile.as_str()),
    ];
    let filed = subject.post("/request/new", &fields).await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let reference = crate::helpers::reference_of(&filed).expect("a reference");
    subject.send_message(&reference, &hostile, None).await;
    fields.clear();

    let inert = |what: &str, text: &str| {
        assert!(!text.contains("<script>alert"), "{what}: {text}");
        assert!(!text.contains("<img src=x"), "{what}: {text}");
    };
    let follow = subject
        .get(&format!("/my-requests/{reference}"))
        .await
        .text()
        .await
        .unwrap();
    inert("follow page", &follow);
    assert!(follow.contains("&lt;script&gt;alert"), "shown as text");

    let dpo = crate::helpers::Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    inert("DPO page", &page);
    assert!(page.contains("&lt;script&gt;alert"), "shown as text");
    inert("queue", &dpo.page("/dpo?q=markup").await);

    app.every_email_sent().await;
    for raw in app.smtp.as_ref().unwrap().messages() {
        let message = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        if let Some(html) = message.body_html(0) {
            inert("an email's HTML", &html);
        }
    }

    let register = dpo.post("/dpo/export/register", &[("personal", "1")]).await;
    assert_eq!(register.status(), 200);
    let csv = register.text().await.unwrap();
    assert!(csv.contains(&reference));
    assert!(!csv.lines().any(|l| l.contains(",=") || l.contains(",@")));

    let evidence = dpo
        .post(&format!("/dpo/requests/{reference}/evidence"), &[])
        .await;
    assert_eq!(evidence.status(), 200);
    let headers = evidence.headers().clone();
    assert_eq!(headers[reqwest::header::CONTENT_TYPE], "application/json");
    assert_eq!(headers[reqwest::header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        headers[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let body = evidence.text().await.unwrap();
    serde_json::from_str::<serde_json::Value>(&body).expect("valid JSON");
    let escaped = serde_json::to_string(hostile.as_str()).unwrap();
    assert!(
        body.contains(escaped.trim_matches('"')),
        "kept exactly, as a JSON string"
    );
}
