//! Input from anyone: line breaks stored as LF, hidden characters refused
//! with a clear message on both databases, codes never kept in clear.

use crate::helpers::{Backend, Mail, TestApp, eventually};
use crate::journey::Subject;
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

on_both_databases!(
    free_text_is_stored_with_lf_and_hidden_characters_are_refused,
    a_code_email_that_fails_for_good_is_emptied,
);
