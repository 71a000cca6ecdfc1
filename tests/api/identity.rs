//! Identity in steps (SPEC §3): a fact SOFACTO can check first, a copy of
//! an identity document only after it, how identity was established kept
//! with its date, and the document deleted once identity is established
//! or the request closes, its SHA-256 left in the audit.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, download};
use crate::on_both_databases;

const COPY: &[u8] = b"%PDF-1.7 copie masquee";

/// The subject sends the copy asked for, after a fact and a document were
/// asked; returns its digest.
async fn send_a_copy(app: &TestApp, subject: &Subject, dpo: &Dpo, reference: &str) -> String {
    let sink = app.smtp.as_ref().unwrap();
    // A document before any fact is refused, with the reason.
    let early = dpo
        .act(
            reference,
            "ask-information",
            "received",
            &[
                ("form[info_step]", "document"),
                (
                    "form[info_reason]",
                    "Une pièce d'identité, s'il vous plaît.",
                ),
            ],
        )
        .await;
    assert_eq!(early.status(), 200);
    let page = early.text().await.unwrap();
    assert!(
        page.contains("un élément que SOFACTO peut vérifier"),
        "{page}"
    );
    assert_eq!(
        crate::helpers::status_of(app, reference).await,
        "received",
        "nothing was asked"
    );

    // The fact: the email says not to send a document.
    dpo.done(
        reference,
        "ask-information",
        "received",
        &[
            ("form[info_step]", "fact"),
            (
                "form[info_reason]",
                "Votre adresse ne figure pas dans nos fichiers.",
            ),
        ],
    )
    .await;
    let email = sink
        .wait_for_text(subject.email(), "Votre adresse ne figure pas")
        .await;
    assert!(
        email.contains("numéro de votre dernière facture"),
        "{email}"
    );
    assert!(email.contains("Ne nous envoyez pas de pi"), "{email}");
    let follow = subject.page(&format!("/my-requests/{reference}")).await;
    assert!(follow.contains(r#"data-step="fact""#), "{follow}");
    let answered = subject
        .send_message(reference, "Client 40417, facture F-2026-118.", None)
        .await;
    assert_eq!(answered.status(), 303);

    // A doubt remains: now a document, with the guidance on masking.
    dpo.done(
        reference,
        "ask-information",
        "received",
        &[
            ("form[info_step]", "document"),
            (
                "form[info_reason]",
                "Ce numéro de client est à un autre nom.",
            ),
        ],
    )
    .await;
    let email = sink
        .wait_for_text(subject.email(), "est à un autre nom")
        .await;
    assert!(email.contains("Masquez tout ce qui ne sert pas"), "{email}");
    let follow = subject.page(&format!("/my-requests/{reference}")).await;
    assert!(follow.contains(r#"data-step="document""#), "{follow}");
    assert!(follow.contains("masquez la photo"), "{follow}");
    let sent = subject
        .send_message(
            reference,
            "Voici ma carte, masquée.",
            Some(("carte.pdf", COPY.to_vec())),
        )
        .await;
    assert_eq!(sent.status(), 303);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files WHERE purpose = 'identity'")
            .await,
        1
    );
    // The console marks it as an identity document.
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains(r#"data-purpose="identity""#), "{page}");
    privacy_portal::secure::sha256_bytes_hex(COPY)
}

async fn the_document_is_deleted_once_identity_is_established(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "in-steps@example.org");
    let reference = subject.file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let digest = send_a_copy(&app, &subject, &dpo, &reference).await;

    // Processing starts only once the DPO says how identity was
    // established.
    let unsaid = dpo
        .act(
            &reference,
            "start",
            "received",
            &[("form[identity_method]", "")],
        )
        .await;
    assert_eq!(unsaid.status(), 200);
    assert_eq!(
        crate::helpers::status_of(&app, &reference).await,
        "received"
    );
    dpo.done(
        &reference,
        "start",
        "received",
        &[("form[identity_method]", "document")],
    )
    .await;

    // The copy is gone; the audit keeps its digest; the subject is told.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files WHERE purpose = 'identity'")
            .await,
        0
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'request.identity_document_deleted' \
             AND reference = '{reference}' AND facts LIKE '%{digest}%'"
        ))
        .await,
        1
    );
    let follow = subject.page(&format!("/my-requests/{reference}")).await;
    assert!(
        follow.contains("Votre pièce d&#x27;identité a été supprimée")
            || follow.contains("Votre pièce d'identité a été supprimée"),
        "{follow}"
    );

    // How and when: on the page, in the register and the evidence file.
    let today = privacy_portal::domain::Date::paris_of(app.clock_now());
    assert_eq!(
        crate::helpers::stored(&app, &reference, "identity_method")
            .await
            .as_deref(),
        Some("document")
    );
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(
        page.contains("Une pièce d&#x27;identité") || page.contains("Une pièce d'identité"),
        "{page}"
    );
    let (_, csv) = download(dpo.post("/dpo/export/register", &[]).await).await;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let method = header.iter().position(|h| *h == "identity_method").unwrap();
    let on = header
        .iter()
        .position(|h| *h == "identity_confirmed_on")
        .unwrap();
    let line = csv.lines().find(|l| l.starts_with(&reference)).unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    assert_eq!(
        (cells[method], cells[on]),
        ("document", today.iso().as_str())
    );
    let (_, evidence) = download(
        dpo.post(&format!("/dpo/requests/{reference}/evidence"), &[])
            .await,
    )
    .await;
    let evidence: serde_json::Value = serde_json::from_str(&evidence).unwrap();
    assert_eq!(
        evidence["document"]["request"]["identity"]["method"], "document",
        "{evidence}"
    );
}

async fn the_document_is_deleted_when_the_request_closes(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "never-established@example.org");
    let reference = subject.file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let digest = send_a_copy(&app, &subject, &dpo, &reference).await;
    dpo.done(
        &reference,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "identity_not_established"),
            (
                "form[refuse_explanation]",
                "La copie ne correspond pas au titulaire du compte.",
            ),
        ],
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files WHERE purpose = 'identity'")
            .await,
        0
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'request.identity_document_deleted' \
             AND facts LIKE '%{digest}%'"
        ))
        .await,
        1
    );
    // Refused: identity was never established, and the register says so.
    assert_eq!(
        crate::helpers::stored(&app, &reference, "identity_method").await,
        None
    );
}

on_both_databases!(
    the_document_is_deleted_once_identity_is_established,
    the_document_is_deleted_when_the_request_closes,
);
