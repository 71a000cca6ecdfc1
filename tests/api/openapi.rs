//! The API's OpenAPI document (issue 18): served at /api/v1/openapi.json,
//! an OpenAPI 3.1 document whose references resolve, which lists every
//! route of the API, and which each route answers as it says.

use crate::helpers::{Backend, Dpo, Mail, Subject, System, TestApp, result_file};
use crate::on_both_databases;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every `$ref` in `value`.
fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => found.push(target.clone()),
                    _ => refs(inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, found)),
        _ => {}
    }
}

/// The statuses the document gives for `method` on `path`.
fn documented(doc: &Value, path: &str, method: &str) -> BTreeSet<u16> {
    doc["paths"][path][method]["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("{method} {path} is documented"))
        .keys()
        .map(|code| code.parse().unwrap())
        .collect()
}

/// Checks that `response` has a status the document gives, and for JSON
/// bodies with a schema, that every required property is there.
async fn answers_as_said(
    doc: &Value,
    path: &str,
    method: &str,
    response: reqwest::Response,
) -> Value {
    let status = response.status().as_u16();
    assert!(
        documented(doc, path, method).contains(&status),
        "{method} {path} answered {status}, which the document does not give"
    );
    let said = &doc["paths"][path][method]["responses"][status.to_string()];
    let headers = response.headers().clone();
    let content_type = headers["content-type"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if let Some((declared, media)) = said["content"].as_object().and_then(|c| c.iter().next()) {
        assert_eq!(&content_type, declared, "{method} {path} {status}");
        if let Some(target) = media["schema"]["$ref"].as_str() {
            let name = target.trim_start_matches("#/components/schemas/");
            let schema = &doc["components"]["schemas"][name];
            for required in schema["required"].as_array().into_iter().flatten() {
                let field = required.as_str().unwrap();
                assert!(
                    body.get(field).is_some(),
                    "{method} {path} {status}: {field} missing in {body}"
                );
            }
        }
    }
    for (header, _) in said["headers"].as_object().into_iter().flatten() {
        assert!(
            headers.contains_key(header.as_str()),
            "{method} {path} {status}: {header} is sent"
        );
    }
    body
}

async fn the_document_is_valid_lists_every_route_and_each_answers_as_it_says(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let doc: Value = response.json().await.unwrap();

    // An OpenAPI 3.1 document: its required members, and every reference
    // resolves to a component.
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for target in &found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{target} points outside the components"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{target} resolves"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );

    // Every route the API serves, and no other.
    let paths: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from([
            "/openapi.json",
            "/requests",
            "/tasks",
            "/tasks/{id}",
            "/tasks/{id}/result"
        ])
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            assert!(
                operation["responses"]
                    .as_object()
                    .is_some_and(|r| !r.is_empty()),
                "{method} {path}"
            );
            // Path parameters are declared, required.
            for name in path
                .split('{')
                .skip(1)
                .map(|s| s.split('}').next().unwrap())
            {
                let declared = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true);
                assert!(declared, "{method} {path}: {{{name}}} is declared");
            }
            // Every error is a problem document; every call but the
            // document's takes the key.
            for (code, said) in operation["responses"].as_object().unwrap() {
                if code.starts_with('4') {
                    assert!(
                        said["content"]["application/problem+json"].is_object(),
                        "{method} {path} {code}"
                    );
                }
            }
            if path != "/openapi.json" {
                assert_eq!(
                    operation["security"][0]["api_key"],
                    serde_json::json!([]),
                    "{method} {path}"
                );
                assert!(operation["responses"]["401"].is_object(), "{method} {path}");
            }
        }
    }

    // Each route answers as it says: with its key, without, with bad input.
    let crm = System::add(&app, "crm", "access", None).await;
    let subject = Subject::new(&app, "claire@example.org");
    let reference = subject.file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;

    let page = answers_as_said(
        &doc,
        "/tasks",
        "get",
        crm.get("/api/v1/tasks?state=open").await,
    )
    .await;
    let id = page["tasks"][0]["id"].as_str().unwrap().to_owned();
    for field in [
        "id",
        "reference",
        "right",
        "categories",
        "subject",
        "state",
        "created_at",
    ] {
        let schema = &doc["components"]["schemas"]["TaskView"];
        assert!(
            schema["properties"][field].is_object(),
            "TaskView documents {field}"
        );
    }
    answers_as_said(
        &doc,
        "/tasks",
        "get",
        crm.get("/api/v1/tasks?state=lost").await,
    )
    .await;
    answers_as_said(
        &doc,
        "/tasks",
        "get",
        crm.with_key("spp_wrong").get("/api/v1/tasks").await,
    )
    .await;
    let task = answers_as_said(
        &doc,
        "/tasks/{id}",
        "get",
        crm.get(&format!("/api/v1/tasks/{id}")).await,
    )
    .await;
    assert_eq!(task["reference"], reference.as_str());
    answers_as_said(
        &doc,
        "/tasks/{id}",
        "get",
        crm.get("/api/v1/tasks/unknown").await,
    )
    .await;
    answers_as_said(
        &doc,
        "/tasks/{id}",
        "get",
        crm.with_key("").get(&format!("/api/v1/tasks/{id}")).await,
    )
    .await;

    let result = "/tasks/{id}/result";
    let bad = serde_json::json!({ "outcome": "retained" });
    answers_as_said(&doc, result, "post", crm.answer(&id, "k1", &bad).await).await;
    answers_as_said(
        &doc,
        result,
        "post",
        crm.answer("unknown", "k1", &bad).await,
    )
    .await;
    let good = serde_json::json!({
        "outcome": "done",
        "files": [result_file("crm.csv", "text/csv", b"email;created\nclaire@example.org;2024-03-01\n")],
    });
    let answer = answers_as_said(&doc, result, "post", crm.answer(&id, "k2", &good).await).await;
    assert_eq!(answer["state"], "done");
    answers_as_said(&doc, result, "post", crm.answer(&id, "k3", &good).await).await;
    let plain = reqwest::Client::new()
        .post(format!("{}/api/v1/tasks/{id}/result", app.address))
        .bearer_auth(&crm.key)
        .header("idempotency-key", "k4")
        .body("done")
        .send()
        .await
        .unwrap();
    answers_as_said(&doc, result, "post", plain).await;

    // A request recorded by the system: a right it handles, then one it
    // does not, then a body that is no request.
    let today = privacy_portal::domain::Date::paris_of(app.clock_now()).iso();
    let record = |right: &str| {
        serde_json::json!({
            "channel": "letter",
            "received_on": today,
            "request": {
                "right": right, "first_name": "Paul", "last_name": "Durand", "relation": "client",
                "reply_channel": "postal", "reply_postal": "1 rue de la Loge, 34000 Montpellier", "lang": "fr",
                "scope": "all",
            },
        })
    };
    let post = |body: Value| {
        let (address, key) = (app.address.clone(), crm.key.clone());
        async move {
            reqwest::Client::new()
                .post(format!("{address}/api/v1/requests"))
                .bearer_auth(key)
                .header("idempotency-key", "letter-1")
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let recorded = answers_as_said(&doc, "/requests", "post", post(record("access")).await).await;
    assert!(
        recorded["reference"].as_str().unwrap().starts_with("R-"),
        "{recorded}"
    );
    answers_as_said(&doc, "/requests", "post", post(record("erasure")).await).await;
    answers_as_said(
        &doc,
        "/requests",
        "post",
        post(serde_json::json!({ "channel": "letter" })).await,
    )
    .await;

    // The body the document describes is the one the API reads.
    let body_schema = &doc["paths"][result]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["$ref"];
    let name = body_schema
        .as_str()
        .unwrap()
        .trim_start_matches("#/components/schemas/");
    let properties: BTreeSet<&str> = doc["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        properties,
        BTreeSet::from([
            "outcome",
            "reason",
            "legal_ground",
            "error",
            "identifiers",
            "files"
        ])
    );
}

on_both_databases!(the_document_is_valid_lists_every_route_and_each_answers_as_it_says);
