//! Reply templates (SPEC §4): the DPO edits them in the console, each save
//! a new version in the audit log; the paragraphs the law requires stay
//! locked and every email of the kind carries them; a refusal written from
//! a template still names the CNIL and the courts after any edit.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp};
use crate::on_both_databases;

/// Posts the template form: `id` empty for a new template.
async fn save(dpo: &Dpo, [id, kind, right, name, body]: [&str; 5]) -> reqwest::Response {
    dpo.post(
        "/dpo/templates",
        &[
            ("form[id]", id),
            ("form[kind]", kind),
            ("form[right]", right),
            ("form[lang]", "fr"),
            ("form[name]", name),
            ("form[body]", body),
        ],
    )
    .await
}

async fn a_refusal_from_an_edited_template_still_names_the_cnil_and_the_courts(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "templated@example.org");
    let reference = subject.file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;

    // The page lists the templates, each with its locked paragraphs.
    let page = dpo.page("/dpo/templates").await;
    assert!(
        page.contains(r#"data-template="refused-identity-fr""#),
        "{page}"
    );
    assert!(page.contains(r#"data-locked="1""#), "{page}");
    assert!(page.contains("CNIL"), "{page}");

    // An edit that empties the text is refused, and keeps what was typed.
    let empty = save(
        &dpo,
        [
            "refused-identity-fr",
            "refused",
            "",
            "Identité non établie (revu)",
            "   ",
        ],
    )
    .await;
    assert_eq!(empty.status(), 200);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("Identité non établie (revu)")
    );

    // The DPO rewrites it without a word of remedies: version 2, audited.
    let rewritten = "Nous n'avons pas pu vérifier que vous êtes bien la personne concernée.";
    let saved = save(
        &dpo,
        [
            "refused-identity-fr",
            "refused",
            "",
            "Identité non établie (revu)",
            rewritten,
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM reply_templates WHERE template_id = 'refused-identity-fr'"
        )
        .await,
        2,
        "the first version stays"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'template.saved' AND object_id = 'refused-identity-fr'"
        )
        .await,
        1
    );

    // The request page offers it beside the refusal, and fills the text.
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(
        page.contains(r#"data-template="refused-identity-fr""#),
        "{page}"
    );
    let filled = dpo
        .page(&format!(
            "/dpo/requests/{reference}?template=refused-identity-fr&for=refuse"
        ))
        .await;
    assert!(
        filled.contains("Nous n&#x27;avons pas pu vérifier")
            || filled.contains("Nous n'avons pas pu vérifier"),
        "{filled}"
    );
    // A template of another kind fills nothing.
    let other = dpo
        .page(&format!(
            "/dpo/requests/{reference}?template=refused-identity-fr&for=message"
        ))
        .await;
    assert!(!other.contains("pas pu vérifier"), "{other}");

    dpo.done(
        &reference,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "identity_not_established"),
            ("form[refuse_explanation]", rewritten),
        ],
    )
    .await;
    let email = sink
        .wait_for_text("templated@example.org", "pas pu vérifier")
        .await;
    assert!(email.contains("CNIL"), "{email}");
    assert!(email.contains("juridictionnel"), "{email}");

    // A new snippet, for messages.
    let snippet = save(
        &dpo,
        [
            "",
            "snippet",
            "erasure",
            "Délai de sauvegarde",
            "Les sauvegardes sont effacées sous 30 jours.",
        ],
    )
    .await;
    assert_eq!(snippet.status(), 303, "{}", snippet.text().await.unwrap());
    let page = dpo.page("/dpo/templates").await;
    assert!(page.contains("Délai de sauvegarde"), "{page}");
}

on_both_databases!(a_refusal_from_an_edited_template_still_names_the_cnil_and_the_courts);
