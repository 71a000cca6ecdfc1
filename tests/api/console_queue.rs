//! The DPO's queue: filtered by assignee, reached from the link in the
//! DPO's email through the sign-in, and every view and search read through
//! an index.

use crate::helpers::{Backend, Dpo, Mail, PASSWORD, Subject, TestApp};
use crate::on_both_databases;
use reqwest::header;

async fn a_request_is_assigned_and_the_queue_filters_by_assignee(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let first = Subject::new(&app, "one@example.org").file("access").await;
    let second = Subject::new(&app, "two@example.org").file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    use sqlx::Row;
    let id: String = sqlx::query("SELECT id FROM dpo_accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0);
    dpo.done(
        &first,
        "assign",
        "received",
        &[("form[assignee]", id.as_str())],
    )
    .await;
    let mine = dpo.page("/dpo?who=mine").await;
    assert!(mine.contains(&first) && !mine.contains(&second), "{mine}");
    let unassigned = dpo.page("/dpo?who=unassigned").await;
    assert!(unassigned.contains(&second) && !unassigned.contains(&first));
    let bogus = dpo
        .act(
            &second,
            "assign",
            "received",
            &[("form[assignee]", "no-such-account")],
        )
        .await;
    assert_eq!(bogus.status(), 200);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM request_events WHERE kind = 'assigned' AND visible_to_subject = 0"
        )
        .await,
        1
    );
}

async fn the_link_in_the_dpo_email_leads_to_the_request_through_the_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let reference = Subject::new(&app, "link@example.org")
        .file("restriction")
        .await;
    let email = app
        .smtp
        .as_ref()
        .unwrap()
        .wait_for_text("dpo@sofacto.com", &reference)
        .await;
    let link = email
        .split_whitespace()
        .find(|word| word.contains("/dpo/requests/"))
        .unwrap()
        .to_owned();
    // The email carries the portal's public address; the path is ours.
    assert!(link.starts_with("http"), "{link}");
    let path = link[link.find("/dpo/requests/").unwrap()..].to_owned();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    let first = dpo.get(&path).await;
    let login = first.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        login.starts_with("/dpo/login?next=/dpo/requests/"),
        "{login}"
    );
    let signed_in = dpo
        .post(
            "/dpo/login",
            &[
                ("form[email]", "dpo@sofacto.com"),
                ("form[password]", PASSWORD),
                ("form[next]", path.as_str()),
            ],
        )
        .await;
    assert_eq!(signed_in.headers()[header::LOCATION], path.as_str());
    assert!(dpo.page(&path).await.contains(&reference));
}

on_both_databases!(
    a_request_is_assigned_and_the_queue_filters_by_assignee,
    the_link_in_the_dpo_email_leads_to_the_request_through_the_sign_in,
);

#[tokio::test]
async fn every_queue_view_and_search_uses_an_index_on_sqlite() {
    use sqlx::Row;
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let today = privacy_portal::domain::Date::new(2026, 11, 26).unwrap();
    for (name, sql) in privacy_portal::requests::queue::plans_to_check(today) {
        let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
            .fetch_all(&app.pool)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .iter()
            .map(|row| row.get::<String, _>("detail"))
            .collect();
        let on_requests: Vec<&String> = plan
            .iter()
            .filter(|line| line.contains(" r ") || line.contains("requests"))
            .collect();
        assert!(
            on_requests
                .iter()
                .any(|line| line.contains("USING INDEX") || line.contains("USING COVERING INDEX")),
            "{name}: {plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|line| line.starts_with("SCAN r") && !line.contains("INDEX")),
            "{name} scans the table: {plan:?}"
        );
        assert!(
            !plan.iter().any(|line| line.contains("TEMP B-TREE")),
            "{name} sorts without an index: {plan:?}"
        );
    }
    let counts = sqlx::query(&format!(
        "EXPLAIN QUERY PLAN {}",
        privacy_portal::requests::queue::counts_sql(true)
    ))
    .bind("2026-11-26")
    .bind("2026-12-03")
    .bind("me")
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let detail: String = counts[0].get("detail");
    assert!(
        detail.contains("COVERING INDEX requests_open_counts"),
        "the counts read the open requests' index only: {detail}"
    );
}
