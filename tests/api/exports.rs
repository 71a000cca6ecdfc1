//! The DPO's exports: the register (people left out unless asked,
//! spreadsheet formulas defused, for a signed-in DPO only) and a request's
//! evidence file, checked against the audit log.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, download};
use crate::on_both_databases;
use privacy_portal::audit;
use reqwest::header;
use sqlx::Row;

async fn the_register_leaves_out_people_unless_asked_and_defuses_formulas(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "register@example.org");
    // Refused below: an erasure (an objection to prospecting cannot be
    // refused, GDPR Art. 21(3)).
    let first = subject.file("erasure").await;
    let second = Subject::new(&app, "register2@example.org")
        .file("access")
        .await;
    sqlx::query(
        "UPDATE requests SET first_name = '=HYPERLINK(\"http://evil.example\",\"x\")', last_name = '@SUM(1+1)' \
         WHERE reference = $1",
    )
    .bind(&first)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE requests SET last_name = 'Martin;=cmd|calc' WHERE reference = $1")
        .bind(&second)
        .execute(&app.pool)
        .await
        .unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(
        &first,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "manifestly_unfounded"),
            ("form[refuse_explanation]", "Aucun traitement de ce type."),
        ],
    )
    .await;

    let (disposition, csv) = download(dpo.post("/dpo/export/register", &[]).await).await;
    assert!(disposition.contains("register-"), "{disposition}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[0].starts_with("reference,right,channel,received_on"),
        "{csv}"
    );
    assert!(!lines[0].contains("email"), "{csv}");
    let refused = lines.iter().find(|l| l.starts_with(&first)).unwrap();
    assert!(
        refused.contains(",refused,refused: manifestly_unfounded,yes,0,no"),
        "{refused}"
    );
    assert!(lines.iter().any(|l| l.starts_with(&second)));
    assert!(!csv.contains("register@example.org") && !csv.contains("Martin"));
    assert!(!csv.contains("Aucun traitement"), "no free text");

    let (_, csv) = download(dpo.post("/dpo/export/register", &[("personal", "1")]).await).await;
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with("first_name,last_name,email")
    );
    assert!(csv.contains("register@example.org") && csv.contains("Martin"));
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'@SUM(1+1)"),
        "{csv}"
    );
    assert!(!csv.contains(",=") && !csv.contains(",@"), "{csv}");
    // The same register as an Excel workbook: every cell a string, so no
    // formula, whatever a value starts with.
    let workbook = dpo
        .post(
            "/dpo/export/register",
            &[("personal", "1"), ("format", "xlsx")],
        )
        .await;
    assert!(
        workbook.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"),
        "{:?}",
        workbook.headers()
    );
    let bytes = workbook.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let sheet = read("xl/worksheets/sheet1.xml");
    let strings = read("xl/sharedStrings.xml");
    assert!(!sheet.contains("<f>"), "no formula: {sheet}");
    assert!(
        strings.contains("=HYPERLINK") && strings.contains(first.as_str()),
        "{strings}"
    );
    assert!(strings.contains("register@example.org"), "{strings}");
    // French Excel splits on `;`: a trigger after one is defused too.
    assert!(csv.contains("\"Martin;'=cmd|calc\""), "{csv}");
    assert!(!csv.contains(";="), "{csv}");

    let exports: Vec<String> =
        sqlx::query("SELECT facts FROM audit_log WHERE action = 'export.register' ORDER BY seq")
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("facts"))
            .collect();
    assert_eq!(
        exports,
        [
            "{\"format\":\"csv\",\"personal_data\":false}",
            "{\"format\":\"csv\",\"personal_data\":true}",
            "{\"format\":\"xlsx\",\"personal_data\":true}"
        ]
    );
    // Compressed on the way, as a browser asks for it: the stream ends
    // cleanly.
    let compressed = dpo
        .client
        .post(format!("{}/dpo/export/register", app.address))
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "br");
    assert!(!compressed.bytes().await.expect("the whole body").is_empty());
    // Signed out: no register.
    let stranger = Dpo::browser(&app, "x@sofacto.com");
    assert_eq!(
        stranger.post("/dpo/export/register", &[]).await.status(),
        303
    );
}

async fn an_evidence_file_is_checked_against_the_log(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "evidence@example.org");
    let reference = subject.file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "check-identity", "received", &[])
        .await;
    dpo.attach(&reference, "identity_check", "copie.json", b"{\"a\":1}")
        .await;
    app.every_email_sent().await;

    let (disposition, text) = download(
        dpo.post(&format!("/dpo/requests/{reference}/evidence"), &[])
            .await,
    )
    .await;
    assert!(disposition.contains(&format!("evidence-{reference}.json")));
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let document = &file["document"];
    assert_eq!(document["request"]["reference"], reference.as_str());
    assert_eq!(document["request"]["subject"]["first_name"], "Jeanne");
    assert_eq!(document["timeline"].as_array().unwrap().len(), 3);
    let emails = document["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 2, "acknowledgment and the DPO's notification");
    for email in emails {
        assert_eq!(email["status"], "sent");
        // The text of every email sent, as it went.
        assert!(
            email["text"].as_str().unwrap().contains(&reference),
            "{email}"
        );
        assert!(!email["subject"].as_str().unwrap().is_empty(), "{email}");
        assert!(
            email["message_id"].as_str().unwrap().starts_with('<'),
            "{email}"
        );
    }
    assert_eq!(
        document["files"][0]["sha256"],
        privacy_portal::secure::sha256_bytes_hex(b"{\"a\":1}").as_str()
    );
    let trail = document["audit"].as_array().unwrap();
    assert_eq!(trail.len(), 3);
    assert!(
        trail
            .iter()
            .all(|e| e["hash"].as_str().unwrap().len() == 64)
    );

    let json = |value: &serde_json::Value| audit::EvidenceFile::Json(value.clone());
    let verdict = audit::verify_evidence(&app.pool, &json(&file))
        .await
        .unwrap();
    assert_eq!(verdict.broken, None);

    let mut changed = file.clone();
    changed["document"]["request"]["subject"]["first_name"] = "Jeanna".into();
    let found = audit::verify_evidence(&app.pool, &json(&changed))
        .await
        .unwrap()
        .broken
        .expect("a changed document is caught");
    assert!(found.contains("changed after it was exported"), "{found}");

    let mut changed = file.clone();
    changed["document"]["audit"][1]["action"] = "request.refused".into();
    let found = audit::verify_evidence(&app.pool, &json(&changed))
        .await
        .unwrap()
        .broken
        .expect("a changed entry is caught");
    assert!(found.contains("entry"), "{found}");

    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export.evidence'")
            .await,
        1
    );

    // The same evidence as a page to read and print, in the DPO's language,
    // with the text of each email; its export is audited with its digest.
    let (disposition, page) = download(
        dpo.post(&format!("/dpo/requests/{reference}/evidence/page"), &[])
            .await,
    )
    .await;
    assert!(disposition.contains(&format!("evidence-{reference}.html")));
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains(&format!("Dossier de preuve de la demande {reference}")));
    assert!(page.contains("E-mails, avec leur texte"), "{page}");
    let ack = emails[0]["text"].as_str().unwrap();
    let first_line = ack.lines().find(|l| !l.trim().is_empty()).unwrap();
    assert!(page.contains(first_line.trim()), "{first_line}");
    let read = audit::EvidenceFile::read(&page).unwrap();
    assert_eq!(
        audit::verify_evidence(&app.pool, &read)
            .await
            .unwrap()
            .broken,
        None
    );
    // What the page shows, changed, is caught though its document is intact.
    let shown = page.replacen("evidence@example.org", "evidenc3@example.org", 1);
    let found = audit::verify_evidence(&app.pool, &audit::EvidenceFile::read(&shown).unwrap())
        .await
        .unwrap()
        .broken
        .expect("a changed page is caught");
    assert!(found.contains("the page differs"), "{found}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export.evidence'")
            .await,
        2
    );
}

on_both_databases!(
    the_register_leaves_out_people_unless_asked_and_defuses_formulas,
    an_evidence_file_is_checked_against_the_log,
);
