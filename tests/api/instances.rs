//! Several instances on one PostgreSQL (issue 10 §2): each email is sent
//! once, whichever worker takes it; a subject's and a DPO's sessions work
//! on either instance. (The digest and the purge running once a day across
//! instances: `digest.rs`.)

use crate::helpers::{
    Backend, Dpo, Mail, Subject, TestApp, common_fields, eventually, reference_of, right_fields,
    submission_key_in,
};
use reqwest::header;
use std::collections::HashMap;
use std::time::Duration;

#[tokio::test]
async fn two_instances_send_each_email_once_and_share_sessions() {
    let raise = |c: &mut privacy_portal::config::Config| {
        c.limits.open_requests_per_address = 1000;
        c.limits.requests_per_address_per_day = 1000;
        c.limits.requests_per_ip_per_day = 1000;
    };
    let first = TestApp::spawn_with(Backend::Postgres, Mail::Smtp, raise).await;
    let url = first.state.config.database_url.clone();
    // One mail server for both: a message sent twice would show there.
    let smtp = first.state.config.smtp.clone();
    let second = TestApp::spawn_with(Backend::Postgres, Mail::Files, move |c| {
        raise(c);
        c.database_url = url;
        c.smtp = smtp;
    })
    .await;
    let instances = [first.address.clone(), second.address.clone()];

    // Verified on the first; the form from one instance, sent to the other.
    let subject = Subject::new(&first, "twice@example.org");
    subject.verify("access").await;
    let mut references = Vec::new();
    for i in 0..20 {
        let (form_from, send_to) = (&instances[i % 2], &instances[(i + 1) % 2]);
        let form = subject
            .client
            .get(format!("{form_from}/request/new?right=access"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let key = submission_key_in(&form).expect("the session works here");
        let mut fields = vec![
            ("form[submission_key]", key.as_str()),
            ("form[right]", "access"),
        ];
        fields.extend(common_fields());
        fields.extend(right_fields("access"));
        let filed = subject
            .client
            .post(format!("{send_to}/request/new"))
            .header(header::ACCEPT, "text/html")
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(filed.status(), 303, "filed on the other instance");
        references.push(reference_of(&filed).expect("a reference"));
        // The follow page, from either instance.
        let follow = subject
            .client
            .get(format!("{form_from}/my-requests/{}", references[i]))
            .send()
            .await
            .unwrap();
        assert_eq!(follow.status(), 200);
    }

    // Both workers drain one outbox: every email once.
    let sink = first.smtp.as_ref().unwrap();
    let queued = first.scalar("SELECT COUNT(*) FROM outbox").await as usize;
    assert_eq!(
        queued,
        1 + 2 * references.len(),
        "a code, then two emails a request"
    );
    eventually(Duration::from_secs(30), || async {
        (first
            .scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
            .await
            == 0)
            .then_some(())
    })
    .await
    .expect("everything sent");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for raw in sink.messages() {
        let message = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        *per_id
            .entry(message.message_id().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(per_id.len(), queued, "every email arrived");
    assert!(per_id.values().all(|&n| n == 1), "none twice: {per_id:?}");

    // A DPO signed in on one instance is signed in on the other.
    let dpo = Dpo::create(&first, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let queue = dpo
        .client
        .get(format!("{}/dpo", second.address))
        .send()
        .await
        .unwrap();
    assert_eq!(queue.status(), 200);
    assert!(queue.text().await.unwrap().contains(&references[0]));
}
