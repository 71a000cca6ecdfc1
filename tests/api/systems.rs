//! SOFACTO's own systems (issue 18): each gets a task when a request's
//! processing starts, pulls it or has it pushed to its webhook (signed as
//! Standard Webhooks says), and answers with a result, once per
//! Idempotency-Key. Every error is a problem+json document.

use crate::helpers::{
    Backend, Dpo, Mail, Receiver, Subject, System, TestApp, eventually, free_port, result_file,
};
use crate::on_both_databases;
use std::time::Duration;

/// A subject files `right`, and the DPO starts processing it.
async fn started(app: &TestApp, email: &str, right: &str) -> String {
    let subject = Subject::new(app, email);
    let reference = subject.file(right).await;
    let local = email.split('@').next().unwrap();
    let dpo = Dpo::create(app, &format!("dpo-{local}@sofacto.com")).await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;
    reference
}

async fn a_pull_system_lists_reads_and_answers_its_own_tasks(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let crm = System::add(&app, "crm", "access,erasure", None).await;
    let billing = System::add(&app, "billing", "erasure", None).await;

    // Filed but not started: no task yet.
    let subject = Subject::new(&app, "claire@example.org");
    let reference = subject.file("access").await;
    assert!(crm.task_ids("?state=open").await.is_empty());
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;

    let open = crm.json("/api/v1/tasks?state=open").await;
    let tasks = open["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{open}");
    let task = &tasks[0];
    let id = task["id"].as_str().unwrap().to_owned();
    assert_eq!(task["reference"], reference.as_str());
    assert_eq!(task["right"], "access");
    assert_eq!(task["state"], "open");
    assert_eq!(task["subject"]["email"], "claire@example.org");
    assert!(task["subject"]["last_name"].is_string());
    // Identifiers only: none of the request's free text.
    let text = open.to_string();
    assert!(
        !text.contains("details") && !text.contains("statement"),
        "{text}"
    );
    assert_eq!(
        crm.json(&format!("/api/v1/tasks/{id}")).await["id"],
        id.as_str()
    );

    // Billing does not handle access: no task, and crm's is not its own.
    assert!(billing.task_ids("").await.is_empty());
    let foreign = billing.get(&format!("/api/v1/tasks/{id}")).await;
    assert_eq!(foreign.status(), 404);
    let foreign = billing
        .answer(&id, "b-1", &serde_json::json!({ "outcome": "done" }))
        .await;
    assert_eq!(foreign.status(), 404);

    // The result, with a file, under a key; the same call again gets the
    // same answer and stores nothing more.
    let export = br#"{"contacts":[{"email":"claire@example.org","created":"2024-03-01"}]}"#;
    let result = serde_json::json!({
        "outcome": "done",
        "files": [result_file("crm.json", "application/json", export)],
        "identifiers": { "crm_contact_id": "C-2231" },
    });
    let first = crm.answer(&id, "crm-result-1", &result).await;
    assert_eq!(first.status(), 200);
    let first: serde_json::Value = first.json().await.unwrap();
    assert_eq!(first["state"], "done");
    assert_eq!(first["files"], 1);
    let again = crm.answer(&id, "crm-result-1", &result).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<serde_json::Value>().await.unwrap(), first);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files WHERE task_id IS NOT NULL")
            .await,
        1
    );
    // The file waits, unshared, among the reply files.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files WHERE direction = 'to_subject' AND shared_at IS NULL")
            .await,
        1
    );
    // The same key with another body, and another key for an answered task.
    let other = crm
        .answer(
            &id,
            "crm-result-1",
            &serde_json::json!({ "outcome": "not_found" }),
        )
        .await;
    assert_eq!(other.status(), 422);
    assert_eq!(
        other.json::<serde_json::Value>().await.unwrap()["type"],
        "urn:privacy-portal:problem:idempotency-key-reused"
    );
    let late = crm
        .answer(
            &id,
            "crm-result-2",
            &serde_json::json!({ "outcome": "not_found" }),
        )
        .await;
    assert_eq!(late.status(), 409);

    assert!(crm.task_ids("?state=open").await.is_empty());
    assert_eq!(crm.task_ids("?state=done").await, vec![id.clone()]);

    // The audit chain holds the task and its result, with the file's hash.
    let sha256 = privacy_portal::secure::sha256_bytes_hex(export);
    let facts: String = sqlx::query_scalar(
        "SELECT facts FROM audit_log WHERE action = 'task.result' AND object_id = $1",
    )
    .bind(&id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(facts.contains(&sha256), "{facts}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'task.created'")
            .await,
        1
    );
    assert!(crate::helpers::broken(&app).await.is_none());

    // An erasure: both systems get a task; billing keeps invoices under
    // the Code de commerce, with its ground.
    let erasure = started(&app, "paul@example.org", "erasure").await;
    let billing_task = billing.task_ids("?state=open").await;
    assert_eq!(billing_task.len(), 1);
    assert_eq!(crm.task_ids("?state=open").await.len(), 1);
    let kept = billing
        .answer(
            &billing_task[0],
            "bill-1",
            &serde_json::json!({
                "outcome": "retained",
                "reason": "Factures 2024 et 2025",
                "legal_ground": "legal_obligation",
            }),
        )
        .await;
    assert_eq!(kept.status(), 200);
    let stored: String = sqlx::query_scalar(
        "SELECT t.result FROM system_tasks t JOIN requests r ON r.id = t.request_id WHERE r.reference = $1 AND t.state = 'retained'",
    )
    .bind(&erasure)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        stored.contains("legal_obligation") && stored.contains("Factures 2024"),
        "{stored}"
    );
}

async fn every_error_is_a_problem_document(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |config| {
        config.max_file_mb = 1;
        config.limits.api_calls_per_key_per_minute = 12;
    })
    .await;
    let crm = System::add(&app, "crm", "access,objection", None).await;
    let reference = started(&app, "claire@example.org", "access").await;
    let id = crm.task_ids("").await.remove(0);

    async fn problem(
        response: reqwest::Response,
        status: u16,
        slug: &str,
    ) -> reqwest::header::HeaderMap {
        assert_eq!(response.status(), status, "{slug}");
        let headers = response.headers().clone();
        assert_eq!(
            headers["content-type"], "application/problem+json",
            "{slug}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body["type"],
            format!("urn:privacy-portal:problem:{slug}"),
            "{body}"
        );
        assert_eq!(body["status"], status);
        assert!(body["title"].is_string() && body["detail"].is_string());
        headers
    }

    // No key, a wrong key, a key of a disabled system: 401.
    let http = reqwest::Client::new();
    let none = http
        .get(format!("{}/api/v1/tasks", app.address))
        .send()
        .await
        .unwrap();
    let headers = problem(none, 401, "unauthorized").await;
    assert_eq!(headers["www-authenticate"], "Bearer");
    problem(
        crm.with_key("spp_0000").get("/api/v1/tasks").await,
        401,
        "unauthorized",
    )
    .await;
    let ghost = System::add(&app, "ghost", "access", None).await;
    privacy_portal::systems::disable(
        &app.pool,
        &privacy_portal::domain::task::SystemName::parse("ghost").unwrap(),
        app.clock_now(),
    )
    .await
    .unwrap();
    problem(ghost.get("/api/v1/tasks").await, 401, "unauthorized").await;

    // Another system's task, an unknown task, an unknown route: 404.
    problem(crm.get("/api/v1/tasks/nope").await, 404, "not-found").await;
    problem(crm.get("/api/v1/nothing-here").await, 404, "not-found").await;

    // Not JSON: 415. No key: 400. Bad JSON and a result the law does not
    // allow: 422, each naming its field.
    let text = reqwest::Client::new()
        .post(format!("{}/api/v1/tasks/{id}/result", app.address))
        .bearer_auth(&crm.key)
        .header("idempotency-key", "k")
        .header("content-type", "text/plain")
        .body("done")
        .send()
        .await
        .unwrap();
    assert!(
        problem(text, 415, "unsupported-media-type")
            .await
            .contains_key("retry-after")
    );
    let keyless = reqwest::Client::new()
        .post(format!("{}/api/v1/tasks/{id}/result", app.address))
        .bearer_auth(&crm.key)
        .json(&serde_json::json!({ "outcome": "done" }))
        .send()
        .await
        .unwrap();
    problem(keyless, 400, "bad-request").await;
    let invalid = crm
        .answer(&id, "k1", &serde_json::json!({ "outcome": "retained", "reason": "x", "legal_ground": "legal_obligation" }))
        .await;
    let body_headers = invalid.headers().clone();
    assert!(body_headers.contains_key("retry-after"));
    let body: serde_json::Value = {
        assert_eq!(invalid.status(), 422);
        invalid.json().await.unwrap()
    };
    assert_eq!(body["errors"][0]["field"], "legal_ground", "{body}");
    problem(
        crm.answer(
            &id,
            "k2",
            &serde_json::json!({ "outcome": "done", "colour": "blue" }),
        )
        .await,
        422,
        "invalid",
    )
    .await;

    // Files: 1 MiB together at most (413), JSON or CSV only (422).
    let big = vec![b'a'; 1_100_000];
    let too_large = crm
        .answer(&id, "k3", &serde_json::json!({ "outcome": "done", "files": [result_file("big.csv", "text/csv", &big)] }))
        .await;
    assert!(
        problem(too_large, 413, "too-large")
            .await
            .contains_key("retry-after")
    );
    let pdf = crm
        .answer(&id, "k4", &serde_json::json!({ "outcome": "done", "files": [result_file("a.pdf", "application/pdf", b"%PDF-1.4")] }))
        .await;
    problem(pdf, 422, "invalid").await;
    // A bad body never reaches the request.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM system_tasks WHERE state = 'open'")
            .await,
        1
    );
    let _ = reference;

    // An objection to prospecting is absolute: never "retained".
    let objection = started(&app, "paul@example.org", "objection").await;
    let objection_task = crm
        .task_ids("?state=open")
        .await
        .into_iter()
        .find(|t| *t != id)
        .unwrap();
    let kept = crm
        .answer(&objection_task, "k5", &serde_json::json!({ "outcome": "retained", "reason": "kept", "legal_ground": "legal_claims" }))
        .await;
    problem(kept, 422, "invalid").await;
    let _ = objection;

    // Past the key's calls of the minute: 429, with when to come back.
    let mut limited = None;
    for _ in 0..20 {
        let response = crm.get("/api/v1/tasks").await;
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
    }
    let headers = problem(limited.expect("the limit bites"), 429, "rate-limited").await;
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=61).contains(&wait), "{wait}");
    // Another key has its own count.
    assert_eq!(ghost.get("/api/v1/tasks").await.status(), 401);
    let other = System::add(&app, "other", "access", None).await;
    assert_eq!(other.get("/api/v1/tasks").await.status(), 200);
}

async fn webhooks_are_signed_and_each_task_arrives_once_after_an_outage(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let port = free_port();
    let crm = System::add(
        &app,
        "crm",
        "access,erasure",
        Some(&format!("http://127.0.0.1:{port}/hook")),
    )
    .await;
    let secret = crm.webhook_secret.clone().unwrap();
    assert!(secret.starts_with("whsec_"));
    let first = started(&app, "claire@example.org", "access").await;
    let second = started(&app, "paul@example.org", "erasure").await;

    // Nothing listens: each task waits, its failed attempts recorded.
    let tried = eventually(Duration::from_secs(10), || async {
        (app.scalar("SELECT COUNT(DISTINCT task_id) FROM task_deliveries")
            .await
            == 2)
            .then_some(())
    })
    .await;
    assert!(tried.is_some(), "both deliveries were tried");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM system_tasks WHERE delivery = 'pending' AND last_error IS NOT NULL").await,
        2
    );

    // The receiver comes back; the retries are due a minute later.
    let receiver = Receiver::start(port, &secret).await;
    app.clock.advance(Duration::from_secs(60));
    let delivered = eventually(Duration::from_secs(10), || async {
        (app.scalar("SELECT COUNT(*) FROM system_tasks WHERE delivery = 'delivered'")
            .await
            == 2)
            .then_some(())
    })
    .await;
    assert!(delivered.is_some(), "{:?}", receiver.delivered());
    // Later polls send nothing more.
    app.clock.advance(Duration::from_secs(3600));
    tokio::time::sleep(Duration::from_millis(800)).await;
    let got = receiver.delivered();
    assert_eq!(got.len(), 2, "each task once: {got:?}");
    assert!(got.iter().all(|d| d.verified), "every signature verifies");
    let mut references: Vec<String> = got
        .iter()
        .map(|d| d.body["data"]["reference"].as_str().unwrap().to_owned())
        .collect();
    references.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(references, expected);
    assert!(
        got.iter()
            .all(|d| d.body["type"] == "task.created" && d.id.starts_with("msg_"))
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'task.delivered'")
            .await,
        2
    );
    drop(receiver);

    // A receiver holding another secret refuses the signature: the task
    // is not marked delivered, and the DPO sees its 401.
    let port = free_port();
    let billing = System::add(
        &app,
        "billing",
        "erasure",
        Some(&format!("http://127.0.0.1:{port}/hook")),
    )
    .await;
    let wrong = Receiver::start(port, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").await;
    assert_ne!(
        billing.webhook_secret.as_deref(),
        Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    );
    started(&app, "marc@example.org", "erasure").await;
    let refused = eventually(Duration::from_secs(10), || async {
        (app.scalar("SELECT COUNT(*) FROM task_deliveries WHERE status_code = 401")
            .await
            >= 1)
            .then_some(())
    })
    .await;
    assert!(refused.is_some());
    assert!(wrong.delivered().iter().all(|d| !d.verified));
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM system_tasks t JOIN systems s ON s.id = t.system_id \
             WHERE s.name = 'billing' AND t.delivery = 'delivered'"
        )
        .await,
        0
    );
    assert!(crate::helpers::broken(&app).await.is_none());
}

async fn erasures_are_sent_again_after_a_system_restores_a_backup(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let crm = System::add(&app, "crm", "access,erasure", None).await;
    let first = started(&app, "claire@example.org", "erasure").await;
    let second = started(&app, "paul@example.org", "erasure").await;
    let access = started(&app, "marc@example.org", "access").await;
    let open = crm.task_ids("?state=open").await;
    assert_eq!(open.len(), 3);
    // A system that failed answers again once it recovers.
    let failed = crm
        .answer(
            &open[0],
            "f0",
            &serde_json::json!({ "outcome": "failed", "error": "CRM en maintenance" }),
        )
        .await;
    assert_eq!(failed.status(), 200);
    assert_eq!(crm.task_ids("?state=failed").await, vec![open[0].clone()]);
    for (i, task) in open.iter().enumerate() {
        let answered = crm
            .answer(
                task,
                &format!("r{i}"),
                &serde_json::json!({ "outcome": "done" }),
            )
            .await;
        assert_eq!(answered.status(), 200);
    }
    let database = app.state.config.database_url.expose().to_owned();
    let replay = |since: &str| {
        crate::helpers::run_portal(
            app.data_dir.path(),
            &["erasures", "replay", "--system", "crm", "--since", since],
            "",
            &[("PORTAL_DATABASE_URL", &database)],
        )
    };
    let today = privacy_portal::domain::Date::paris_of(app.clock_now()).iso();

    // A backup of tomorrow holds none of today's erasures.
    let tomorrow = privacy_portal::domain::Date::paris_of(app.clock_now())
        .add_days(1)
        .iso();
    let none = replay(&tomorrow);
    assert!(
        none.status.success(),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
    assert!(String::from_utf8_lossy(&none.stdout).starts_with("0 erasure task(s)"));

    // A backup of this morning: both erasures go again, not the access.
    let output = replay(&today);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).starts_with("2 erasure task(s) sent again to crm"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let again = crm.json("/api/v1/tasks?state=open").await;
    let tasks = again["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2, "{again}");
    let mut references: Vec<&str> = tasks
        .iter()
        .map(|t| t["reference"].as_str().unwrap())
        .collect();
    references.sort();
    let mut expected = vec![first.as_str(), second.as_str()];
    expected.sort();
    assert_eq!(references, expected);
    assert!(!references.contains(&access.as_str()));
    assert!(
        tasks
            .iter()
            .all(|t| open.contains(&t["replay_of"].as_str().unwrap().to_owned()))
    );
    // Run twice, it does not send them a third time while they are open.
    let twice = replay(&today);
    assert!(String::from_utf8_lossy(&twice.stdout).starts_with("0 erasure task(s)"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'task.created'")
            .await,
        5
    );
    // Bad arguments say what to give.
    let bad = replay("30/11/2026");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
    assert!(crate::helpers::broken(&app).await.is_none());
}

async fn the_console_lists_the_systems_and_sends_failing_deliveries_again(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let port = free_port();
    let hook = System::add(
        &app,
        "newsletter",
        "erasure",
        Some(&format!("http://127.0.0.1:{port}/hook")),
    )
    .await;
    System::add(&app, "crm", "access", None).await;
    let reference = started(&app, "claire@example.org", "erasure").await;
    let tried = eventually(Duration::from_secs(10), || async {
        (app.scalar("SELECT COUNT(*) FROM task_deliveries").await >= 1).then_some(())
    })
    .await;
    assert!(tried.is_some());

    let dpo = Dpo::create(&app, "console@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page("/dpo/systems").await;
    assert!(
        page.contains(r#"data-system="crm""#) && page.contains(r#"data-system="newsletter""#),
        "{page}"
    );
    assert!(page.contains(r#"data-failing="1""#), "{page}");
    assert!(page.contains("récepteur injoignable"), "{page}");
    assert!(page.contains("/dpo/systems/newsletter/retry"));
    // The request's page says where the task stands, with the error.
    let request = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(
        request.contains(r#"data-system="newsletter" data-task-state="waiting""#),
        "{request}"
    );

    // Mended: the DPO sends the deliveries again, without waiting for the
    // backoff; the retry is audited.
    let receiver = Receiver::start(port, hook.webhook_secret.as_deref().unwrap()).await;
    let retried = dpo.post("/dpo/systems/newsletter/retry", &[]).await;
    assert_eq!(retried.status(), 303);
    assert_eq!(retried.headers()["location"], "/dpo/systems?retried=1");
    let delivered = eventually(Duration::from_secs(10), || async {
        (app.scalar("SELECT COUNT(*) FROM system_tasks WHERE delivery = 'delivered'")
            .await
            == 1)
            .then_some(())
    })
    .await;
    assert!(delivered.is_some());
    assert!(receiver.delivered().iter().all(|d| d.verified));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'task.deliveries_retried'")
            .await,
        1
    );
    let page = dpo.page("/dpo/systems").await;
    assert!(
        !page.contains("/dpo/systems/newsletter/retry"),
        "nothing left to retry"
    );
    let unknown = dpo.post("/dpo/systems/nothing/retry", &[]).await;
    assert_eq!(unknown.status(), 200);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("Ce système n'existe plus.")
    );
    // Signed out, nothing.
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = stranger
        .get(format!("{}/dpo/systems", app.address))
        .send()
        .await
        .unwrap();
    assert_ne!(response.status(), 200);
}

/// A customer-service tool records a request that came by phone.
async fn a_system_records_a_request_from_another_channel_for_its_rights(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let service = System::add(&app, "service-client", "erasure,access", None).await;
    let today = privacy_portal::domain::Date::paris_of(app.clock_now());
    let body = |right: &str, received_on: &str, late: &str| {
        let mut request = serde_json::json!({
            "right": right,
            "first_name": "Paul",
            "last_name": "Durand",
            "relation": "client",
            "customer_number": "C-7781",
            "reply_channel": "email",
            "lang": "fr",
        });
        if right == "erasure" {
            request["scope"] = "all".into();
            request["erasure_ground"] = "consent_withdrawn".into();
        }
        serde_json::json!({
            "channel": "phone",
            "received_on": received_on,
            "late_reason": late,
            "email": "paul@example.org",
            "request": request,
        })
    };
    let post = |key: &str, body: serde_json::Value| {
        let (http, address, api_key) = (
            reqwest::Client::new(),
            app.address.clone(),
            service.key.clone(),
        );
        let key = key.to_owned();
        async move {
            http.post(format!("{address}/api/v1/requests"))
                .bearer_auth(api_key)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };

    let recorded = post("call-1", body("erasure", &today.iso(), "")).await;
    assert_eq!(recorded.status(), 201);
    let reference = recorded.json::<serde_json::Value>().await.unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        crate::helpers::stored(&app, &reference, "intake")
            .await
            .as_deref(),
        Some("phone")
    );
    assert_eq!(
        crate::helpers::status_of(&app, &reference).await,
        "received"
    );
    // The person is acknowledged at the address they gave.
    app.smtp
        .as_ref()
        .unwrap()
        .wait_for_text("paul@example.org", &reference)
        .await;
    // Sent twice, recorded once.
    let again = post("call-1", body("erasure", &today.iso(), "")).await;
    assert_eq!(again.status(), 201);
    assert_eq!(
        again.json::<serde_json::Value>().await.unwrap()["reference"],
        reference.as_str()
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 1);
    // The chain says which system recorded it.
    let system: String = sqlx::query_scalar(
        "SELECT object_id FROM audit_log WHERE action = 'request.recorded_by_system' AND reference = $1",
    )
    .bind(&reference)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let id: String = sqlx::query_scalar("SELECT id FROM systems WHERE name = 'service-client'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(system, id);

    // A right outside its scope: 403. A late receipt without its reason,
    // and a missing name: 422, each field named.
    let objection = post("call-2", body("objection", &today.iso(), "")).await;
    assert_eq!(objection.status(), 403);
    assert_eq!(
        objection.json::<serde_json::Value>().await.unwrap()["type"],
        "urn:privacy-portal:problem:forbidden"
    );
    let late = post("call-3", body("erasure", &today.add_days(-3).iso(), "")).await;
    assert_eq!(late.status(), 422);
    let late: serde_json::Value = late.json().await.unwrap();
    assert_eq!(late["errors"][0]["field"], "late_reason", "{late}");
    let mut nameless = body("access", &today.iso(), "");
    nameless["request"]["last_name"] = "".into();
    let nameless: serde_json::Value = post("call-4", nameless).await.json().await.unwrap();
    assert!(
        nameless["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "request.last_name" && e["detail"] == "required"),
        "{nameless}"
    );
    // With its reason, three days back: the clock starts that day.
    let told = post(
        "call-5",
        body(
            "erasure",
            &today.add_days(-3).iso(),
            "Appel noté sur papier, saisi au retour.",
        ),
    )
    .await;
    assert_eq!(told.status(), 201);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 2);
    assert!(crate::helpers::broken(&app).await.is_none());
}

/// The value of the first `attribute="…"` after `marker` in `page`.
fn attribute_after(page: &str, marker: &str, attribute: &str) -> String {
    let from = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker}: {page}"));
    let rest = &page[from..];
    let start = rest.find(&format!("{attribute}=\"")).unwrap() + attribute.len() + 2;
    rest[start..start + rest[start..].find('"').unwrap()].to_owned()
}

async fn the_completion_starts_from_the_systems_results(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let crm = System::add(&app, "crm", "erasure", None).await;
    let billing = System::add(&app, "billing", "erasure", None).await;
    let subject = Subject::new(&app, "erase-all@example.org");
    let reference = subject.file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;

    // The CRM erased and sends its confirmation; billing keeps the invoices.
    let confirmation = br#"{"erased":["contact","consents"]}"#;
    let crm_task = crm.task_ids("?state=open").await.remove(0);
    let done = crm
        .answer(
            &crm_task,
            "crm-1",
            &serde_json::json!({
                "outcome": "done",
                "files": [result_file("crm-effacement.json", "application/json", confirmation)],
            }),
        )
        .await;
    assert_eq!(done.status(), 200);
    let billing_task = billing.task_ids("?state=open").await.remove(0);
    let kept = billing
        .answer(
            &billing_task,
            "bill-1",
            &serde_json::json!({
                "outcome": "retained",
                "reason": "Vos factures de 2024 et 2025",
                "legal_ground": "legal_obligation",
            }),
        )
        .await;
    assert_eq!(kept.status(), 200);

    // The page shows both systems' states, and the completion form starts
    // from their results: the file ticked, the kept part with its ground.
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert_eq!(
        attribute_after(&page, "data-system=\"crm\"", "data-task-state"),
        "done"
    );
    assert_eq!(
        attribute_after(&page, "data-system=\"billing\"", "data-task-state"),
        "kept"
    );
    assert!(page.contains("data-kept-from-systems"), "{page}");
    let file_id = attribute_after(&page, "name=\"form[share][0]\"", "value");
    let tick = &page[page.find("name=\"form[share][0]\"").unwrap()..];
    assert!(
        tick[..tick.find('>').unwrap()].contains("checked"),
        "{tick}"
    );
    assert_eq!(
        attribute_after(&page, "name=\"form[kept][0][what]\"", "value"),
        "Vos factures de 2024 et 2025"
    );
    let ground = &page[page.find("name=\"form[kept][0][ground]\"").unwrap()..];
    let ground = &ground[..ground.find("</select>").unwrap()];
    assert!(
        ground.contains("value=\"legal_obligation\" selected"),
        "{ground}"
    );

    // Sent as the form came: the file reaches the subject, the email says
    // what was kept and on which ground.
    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &[
            (
                "form[summary]",
                "Vos données sont effacées, sauf vos factures.",
            ),
            ("form[share_listed]", "1"),
            ("form[share][0]", &file_id),
            ("form[kept][0][what]", "Vos factures de 2024 et 2025"),
            ("form[kept][0][ground]", "legal_obligation"),
            ("form[no_recipients]", "on"),
        ],
    )
    .await;
    let email = sink
        .wait_for_text("erase-all@example.org", "sauf vos factures")
        .await;
    assert!(email.contains("Vos factures de 2024 et 2025"), "{email}");
    assert!(email.contains("Code de commerce"), "{email}");
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM request_files WHERE task_id IS NOT NULL AND shared_at IS NOT NULL"
        )
        .await,
        1
    );

    // The evidence file lists each system's task and the result it sent,
    // and which file came from which task.
    let (_, evidence) = crate::helpers::download(
        dpo.post(&format!("/dpo/requests/{reference}/evidence"), &[])
            .await,
    )
    .await;
    let evidence: serde_json::Value = serde_json::from_str(&evidence).unwrap();
    let tasks = evidence["document"]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2, "{evidence}");
    let billing_line = tasks.iter().find(|t| t["system"] == "billing").unwrap();
    assert_eq!(billing_line["state"], "retained");
    assert_eq!(billing_line["delivery"], "pull");
    assert!(
        billing_line["result"]
            .to_string()
            .contains("legal_obligation"),
        "{billing_line}"
    );
    let files = evidence["document"]["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["task_id"] == crm_task.as_str() && f["name"] == "crm-effacement.json"),
        "{files:?}"
    );
    assert!(crate::helpers::broken(&app).await.is_none());
}

on_both_databases!(
    the_completion_starts_from_the_systems_results,
    a_system_records_a_request_from_another_channel_for_its_rights,
    the_console_lists_the_systems_and_sends_failing_deliveries_again,
    erasures_are_sent_again_after_a_system_restores_a_backup,
    a_pull_system_lists_reads_and_answers_its_own_tasks,
    every_error_is_a_problem_document,
    webhooks_are_signed_and_each_task_arrives_once_after_an_outage,
);
