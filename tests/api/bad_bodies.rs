//! Hostile bodies (issue 10 §3): malformed, truncated, oversized and
//! wrongly encoded bodies sent to every server function and every form
//! route, by a verified subject and a signed-in DPO. None may crash the
//! server or answer 5xx; an oversized body gets 413, an unreadable one 400.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp};
use reqwest::header;

const SERVER_FUNCTIONS: [&str; 6] = [
    "request_code",
    "check_code",
    "resend_code",
    "confirm_link",
    "submit_request",
    "withdraw_request",
];

/// Bodies no page of the portal sends, each with its content type.
fn bad_bodies() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let form = "application/x-www-form-urlencoded";
    let nested = format!("form{}=1", "[a]".repeat(2000)).into_bytes();
    vec![
        ("invalid UTF-8, escaped", form, b"form%5Bemail%5D=%FF%FE%FD&form%5Bcode%5D=%C3".to_vec()),
        ("invalid UTF-8, raw", form, b"form[email]=\xff\xfe\xfd&form[code]=\xc3".to_vec()),
        ("truncated name", form, b"form%5Bemail".to_vec()),
        ("truncated escape", form, b"form[email]=jane%4".to_vec()),
        ("a lone bracket", form, b"form[=1&]=2&[[[=3".to_vec()),
        ("duplicate fields", form, b"form[email]=a@example.org&form[email]=b@example.org&form[code]=1&form[code]=2&form[right]=access&form[right]=x".to_vec()),
        ("deeply nested", form, nested),
        ("arrays where text is expected", form, b"form[email][]=a&form[email][0][x]=b&form[right][]=1".to_vec()),
        ("empty", form, Vec::new()),
        ("NUL bytes", form, b"form[email]=%00%00&form[details]=a%00b".to_vec()),
        ("JSON, cut short", "application/json", b"{\"form\": {\"email\": ".to_vec()),
        ("plain text", "text/plain", b"hello".to_vec()),
        ("multipart without a boundary", "multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--".to_vec()),
        ("multipart, truncated", "multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"form[body]\"\r\n\r\nhal".to_vec()),
        ("no content type", "", b"form[email]=a@example.org".to_vec()),
    ]
}

async fn send(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::StatusCode {
    // The browser's calls to server functions ask for JSON.
    let accept = if path.starts_with("/api/") {
        "application/json"
    } else {
        "text/html"
    };
    let mut request = client
        .post(format!("{}{path}", app.address))
        .header(header::ACCEPT, accept)
        .body(body);
    if !content_type.is_empty() {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.send().await.expect("the server answers").status()
}

#[tokio::test]
async fn bad_bodies_never_crash_or_answer_5xx() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "hostile@example.org");
    let reference = subject.file("erasure").await;
    // A pending verification too, for the code routes.
    let asker = Subject::new(&app, "asker@example.org");
    asker.ask_code("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;

    let token = "ab".repeat(32);
    let subject_routes = [
        "/verify".to_owned(),
        "/verify/code".to_owned(),
        "/verify/code/resend".to_owned(),
        format!("/verify/link/{token}"),
        "/request/new?right=erasure".to_owned(),
        format!("/my-requests/{reference}/withdraw"),
        format!("/my-requests/{reference}/message"),
    ];
    let mut dpo_routes = vec![
        "/dpo/login".to_owned(),
        "/dpo/login/code".to_owned(),
        "/dpo/new".to_owned(),
        "/dpo/account/totp".to_owned(),
        "/dpo/account/totp/confirm".to_owned(),
        "/dpo/emails/0123/retry".to_owned(),
        "/dpo/export/register".to_owned(),
        format!("/dpo/requests/{reference}/evidence"),
        format!("/dpo/requests/{reference}/attach"),
    ];
    for action in [
        "start", "note", "assign", "extend", "refuse", "answer", "unknown",
    ] {
        dpo_routes.push(format!("/dpo/requests/{reference}/{action}"));
    }
    let api: Vec<String> = SERVER_FUNCTIONS
        .iter()
        .map(|f| format!("/api/{f}"))
        .collect();

    let mut failures = Vec::new();
    for (who, client, routes) in [
        (
            "subject",
            &subject.client,
            subject_routes
                .iter()
                .chain(&api)
                .cloned()
                .collect::<Vec<_>>(),
        ),
        ("asker", &asker.client, api.clone()),
        ("dpo", &dpo.client, dpo_routes.clone()),
    ] {
        for path in &routes {
            for (what, content_type, body) in bad_bodies() {
                let status = send(client, &app, path, content_type, body).await;
                if status.is_server_error() {
                    failures.push(format!("{who} {path} ({what}): {status}"));
                }
                // A call is read (a reply) or refused as unreadable.
                if path.starts_with("/api/") && ![200, 400].contains(&status.as_u16()) {
                    failures.push(format!(
                        "{who} {path} ({what}): {status}, not 400 or a reply"
                    ));
                }
            }
            // Oversized: refused before it is read (the routes that take a
            // file allow PORTAL_MAX_FILE_MB, 20 MiB).
            let upload = path.ends_with("/message") || path.ends_with("/attach");
            let size = if upload { 21 * 1024 * 1024 } else { 65 * 1024 };
            let status = send(
                client,
                &app,
                path,
                "application/x-www-form-urlencoded",
                format!("form[email]={}", "a".repeat(size)).into_bytes(),
            )
            .await;
            if status.as_u16() != 413 {
                failures.push(format!("{who} {path} (oversized): {status}, not 413"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The server still serves, and the subject's request is intact.
    assert_eq!(app.get("/health").await.status(), 200);
    assert_eq!(
        subject
            .get(&format!("/my-requests/{reference}"))
            .await
            .status(),
        200
    );
}
