//! The DPO's queue: filtered by assignee, reached from the link in the
//! DPO's email through the sign-in, and every view and search read through
//! an index.

use crate::helpers::{
    Backend, Dpo, Mail, PASSWORD, Subject, TestApp, reference_of, submission_key_in,
};
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

/// The queue's search (SPEC §4): a name in either order, part of an email
/// address, a customer number, a phone number however it is written, part
/// of a reference; after a correction, by the new name only.
async fn the_queue_finds_a_request_by_any_of_its_values(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "jh.dupont@exemple-mail.fr");
    subject.verify("access").await;
    let key = subject.form_key("access").await;
    let filed = subject
        .post(
            "/request/new",
            &[
                ("form[submission_key]", key.as_str()),
                ("form[right]", "access"),
                ("form[first_name]", "Jeanne-Hélène"),
                ("form[last_name]", "Dupont"),
                ("form[relation]", "client"),
                ("form[customer_number]", "C-2024-00123"),
                ("form[reply_channel]", "email"),
                ("form[lang]", "fr"),
                ("form[scope]", "all"),
            ],
        )
        .await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let web = reference_of(&filed).unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = privacy_portal::domain::Date::paris_of(app.clock_now()).iso();
    let form = dpo.page("/dpo/new?right=objection").await;
    let key = submission_key_in(&form).unwrap();
    let called = dpo
        .post(
            "/dpo/new",
            &[
                ("form[submission_key]", key.as_str()),
                ("form[right]", "objection"),
                ("form[first_name]", "Paul"),
                ("form[last_name]", "Durand"),
                ("form[relation]", "prospect"),
                ("form[reply_channel]", "phone"),
                ("form[reply_phone]", "06 12 34 56 78"),
                ("form[lang]", "fr"),
                ("form[processing]", "prospecting"),
                ("intake[channel]", "phone"),
                ("intake[arrived_on]", today.as_str()),
                ("intake[email]", ""),
                ("intake[late_reason]", ""),
            ],
        )
        .await;
    assert_eq!(called.status(), 303, "{}", called.text().await.unwrap());
    let phoned = crate::helpers::recorded_reference(&called);
    let search = |typed: &str| {
        let dpo = &dpo;
        // The filters stay on the page; a search ignores them.
        let url = reqwest::Url::parse_with_params(
            "http://portal/dpo",
            &[("status", "completed"), ("q", typed)],
        )
        .unwrap();
        let path = format!("/dpo?{}", url.query().unwrap());
        // The results only: the letters to post are listed above them.
        async move {
            let page = dpo.page(&path).await;
            match (page.find("<table"), page.find("</table>")) {
                (Some(from), Some(to)) => page[from..to].to_owned(),
                _ => page,
            }
        }
    };
    let tail = phoned[phoned.len() - 4..].to_owned();
    for (typed, found) in [
        ("dupont", &web),
        ("Dupont Jeanne", &web),
        ("Jeanne Dupont", &web),
        ("hélène", &web),
        ("jh.dupont@", &web),
        ("exemple-mail", &web),
        ("00123", &web),
        ("c2024", &web),
        (web.as_str(), &web),
        ("durand paul", &phoned),
        ("+33 6 12 34 56 78", &phoned),
        ("06.12.34.56.78", &phoned),
        ("0033612345678", &phoned),
        (tail.as_str(), &phoned),
    ] {
        let page = search(typed).await;
        let other = if found == &web { &phoned } else { &web };
        assert!(page.contains(found.as_str()), "{typed}: {page}");
        assert!(!page.contains(other.as_str()), "{typed} finds both: {page}");
    }
    // On PostgreSQL the terms compare in code-point order, whatever the
    // database's collation.
    if matches!(backend, Backend::Postgres) {
        let collation: Option<String> = sqlx::query_scalar(
            "SELECT CAST(collation_name AS TEXT) FROM information_schema.columns \
             WHERE table_name = 'request_terms' AND column_name = 'term'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(collation.as_deref(), Some("C"));
    }
    // Too short: said so, and no list rather than every request.
    let short = search("é").await;
    assert!(short.contains("au moins deux"), "{short}");
    assert!(!short.contains("<table"), "{short}");

    // A corrected name is found at once; the old one no longer is.
    let corrected = dpo
        .act(
            &web,
            "correct-contact",
            "received",
            &[
                ("form[c_first_name]", "Jeanne"),
                ("form[c_last_name]", "Martin-Roux"),
                ("form[c_lang]", "fr"),
                ("form[c_reply]", "email"),
                ("form[c_email]", "jh.dupont@exemple-mail.fr"),
                ("form[c_reason]", "Nom d'usage donné par téléphone."),
            ],
        )
        .await;
    assert_eq!(corrected.status(), 303);
    assert!(search("roux jeanne").await.contains(&web));
    assert!(!search("Dupont Jeanne").await.contains(&web));
}

on_both_databases!(
    a_request_is_assigned_and_the_queue_filters_by_assignee,
    the_link_in_the_dpo_email_leads_to_the_request_through_the_sign_in,
    the_queue_finds_a_request_by_any_of_its_values,
    next_request_follows_the_list_the_page_was_opened_from,
);

/// "Next request" leads through the list a request was opened from, and
/// keeps leading after a step done or a form sent back with an error.
async fn next_request_follows_the_list_the_page_was_opened_from(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let first = Subject::new(&app, "first@example.org").file("access").await;
    let second = Subject::new(&app, "second@example.org")
        .file("erasure")
        .await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let queue = dpo.page("/dpo?who=unassigned").await;
    // The lines' links carry the list and each line's place in it.
    let hrefs: Vec<String> = queue
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with("/dpo/requests/"))
        .map(|href| href.replace("&amp;", "&"))
        .collect();
    assert_eq!(hrefs.len(), 2, "{queue}");
    assert!(
        hrefs.iter().all(|h| h.contains("who=unassigned&at=")),
        "{hrefs:?}"
    );
    let (opened, other) = if hrefs[0].contains(&first) {
        (first.clone(), second.clone())
    } else {
        (second.clone(), first.clone())
    };
    let page = dpo.page(&hrefs[0]).await;
    assert!(page.contains("data-next-request"), "{page}");
    assert!(page.contains(&format!("/dpo/requests/{other}?")), "{page}");
    let list = hrefs[0].split_once('?').unwrap().1.to_owned();
    assert!(
        page.contains(&format!(
            r#"name="form[list]" value="{}""#,
            list.replace('&', "&amp;")
        )),
        "{page}"
    );

    // Sent back with an error, drawn at the bare address: the list is
    // the form's, and "next request" is still there.
    let refused = dpo
        .act(
            &opened,
            "link",
            "received",
            &[
                ("form[link_reference]", "R-0000-0000"),
                ("form[list]", &list),
            ],
        )
        .await;
    assert_eq!(refused.status(), 200);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("data-next-request"), "{refused}");
    assert!(
        refused.contains(&format!("/dpo/requests/{other}?")),
        "{refused}"
    );

    // Done: the answer keeps the list.
    let done = dpo
        .act(&opened, "start", "received", &[("form[list]", &list)])
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(
        done.headers()[header::LOCATION].to_str().unwrap(),
        format!("/dpo/requests/{opened}?done=start&{list}")
    );
    // The last line has no next one; a list that is not one is ignored.
    let last = hrefs[1].clone();
    assert!(!dpo.page(&last).await.contains("data-next-request"));
    let strange = dpo
        .act(
            &other,
            "start",
            "received",
            &[("form[list]", "https://evil.example/?x")],
        )
        .await;
    assert_eq!(
        strange.headers()[header::LOCATION].to_str().unwrap(),
        format!("/dpo/requests/{other}?done=start")
    );
}

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
        if sql.contains("request_terms") {
            // A search reads one range of the terms' index, then each
            // request found by its key; sorting those (at most
            // `search::MAX_FOUND`) needs no index.
            assert!(
                plan.iter()
                    .any(|line| line.starts_with("SEARCH t USING COVERING INDEX")
                        && line.contains("term>? AND term<?")),
                "{name} does not read a range of the terms: {plan:?}"
            );
            assert!(
                plan.iter()
                    .any(|line| line.starts_with("SEARCH r") && line.contains("(id=?)")),
                "{name} does not read requests by key: {plan:?}"
            );
        } else if sql.contains("FROM letters l WHERE l.posted_on IS NULL") {
            // Letters to post: the partial index holds only the letters
            // not yet posted (a day's post, not the archive), then each
            // request by its key; sorting those few needs no index.
            assert!(
                plan.iter()
                    .any(|line| line.starts_with("SCAN l USING INDEX letters_to_post")),
                "{name} does not read the letters' partial index: {plan:?}"
            );
            assert!(
                plan.iter()
                    .any(|line| line.starts_with("SEARCH r") && line.contains("(id=?)")),
                "{name} does not read requests by key: {plan:?}"
            );
        } else {
            assert!(
                !plan.iter().any(|line| line.contains("TEMP B-TREE")),
                "{name} sorts without an index: {plan:?}"
            );
        }
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
