//! Files the DPO attaches in the console: limited in size, and refused when
//! their content is not of an accepted type, whatever their name says.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp};
use crate::on_both_databases;

async fn files_are_limited_in_size_and_type(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |config| config.max_file_mb = 1).await;
    let subject = Subject::new(&app, "files@example.org");
    let reference = subject.file("portability").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let big = vec![b'a'; 1024 * 1024 + 10];
    let too_large = dpo.attach(&reference, "received", "big.txt", &big).await;
    assert!(
        matches!(too_large.status().as_u16(), 200 | 413),
        "{}",
        too_large.status()
    );
    let exe = dpo
        .attach(&reference, "received", "tool.pdf", b"MZ\x90\x00\x03\x00")
        .await;
    assert_eq!(exe.status(), 200);
    assert!(exe.text().await.unwrap().contains("n'est pas accepté"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM request_files").await, 0);
    let ok = dpo
        .attach(
            &reference,
            "received",
            "export.csv",
            b"nom,prenom\nMartin,Jeanne\n",
        )
        .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files WHERE content_type = 'text/csv'")
            .await,
        1
    );
}

/// A subject sends documents and pictures only: no archive, no page or
/// script called text. What they send is downloaded under the extension of
/// the type found in its bytes, its name stripped of format characters, in
/// a sandbox.
async fn a_subject_sends_documents_only_and_downloads_are_safe(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "sender@example.org");
    let reference = subject.file("portability").await;
    let refused = |name: &'static str, data: &'static [u8]| {
        let subject = &subject;
        let reference = &reference;
        async move {
            let response = subject
                .send_message(reference, "Ma pièce.", Some((name, data.to_vec())))
                .await;
            assert_eq!(response.status(), 200, "{name}");
            let html = response.text().await.unwrap();
            assert!(html.contains("n'est pas accepté"), "{name}: {html}");
            assert!(html.contains("Ma pièce.</textarea>"), "{name}: kept");
        }
    };
    refused("archive.zip", b"PK\x03\x04rest").await;
    refused("lettre.docx", b"PK\x03\x04word/document.xml").await;
    refused("page.txt", b"<!DOCTYPE html><script>alert(1)</script>").await;
    refused("page.html", b"Bonjour").await;
    refused("run.txt", b"#!/bin/sh\necho").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM request_files").await, 0);

    let sent = subject
        .send_message(
            &reference,
            "Ma facture.",
            Some(("report\u{202E}fdp.hta", b"%PDF-1.7\n".to_vec())),
        )
        .await;
    assert_eq!(sent.status(), 303);
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let id: String = {
        use sqlx::Row;
        sqlx::query("SELECT id FROM request_files")
            .fetch_one(&app.pool)
            .await
            .unwrap()
            .get("id")
    };
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(!page.contains('\u{202E}'), "the name is shown without it");
    let download = dpo.get(&format!("/dpo/files/{id}")).await;
    assert_eq!(download.status(), 200);
    let header = |name: &str| {
        download
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        header("content-disposition"),
        r#"attachment; filename="reportfdp.pdf""#
    );
    assert_eq!(header("content-security-policy"), "sandbox");
    assert_eq!(header("x-content-type-options"), "nosniff");
}

on_both_databases!(
    files_are_limited_in_size_and_type,
    a_subject_sends_documents_only_and_downloads_are_safe,
);
