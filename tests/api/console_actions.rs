//! A DPO works requests through the console, as a browser without
//! JavaScript drives it: from receipt to completion, a refusal and its
//! remedies, the moves the status table refuses, and two DPOs acting on
//! one request at once.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, access_answer, status_of};
use crate::on_both_databases;
use std::time::Duration;

async fn a_dpo_works_a_request_from_receipt_to_completion(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "claire@example.org");
    let reference = subject.file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;

    let queue = dpo.page("/dpo").await;
    assert!(
        queue.contains(&reference) && queue.contains("c***@example.org"),
        "{queue}"
    );
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(
        page.contains("Claire") || page.contains("Jeanne"),
        "the name is on the request page"
    );

    dpo.done(&reference, "check-identity", "received", &[])
        .await;
    dpo.done(
        &reference,
        "ask-information",
        "identity_check",
        &[(
            "form[info_reason]",
            "Une copie de votre pièce d'identité, s'il vous plaît.",
        )],
    )
    .await;
    assert_eq!(status_of(&app, &reference).await, "awaiting_subject");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM requests WHERE reference = '{reference}' AND due_on IS NULL"
        ))
        .await,
        1,
        "paused"
    );
    let asked = sink.wait_for_text(&subject.email, "pièce d'identité").await;
    assert!(asked.contains(&reference));

    // The subject answers from the follow page; the clock runs again.
    app.clock.advance(Duration::from_secs(3 * 86_400));
    subject.verify_again().await;
    let answered = subject
        .send_message(
            &reference,
            "Voici ma pièce.",
            Some(("id.pdf", b"%PDF-1.4 test".to_vec())),
        )
        .await;
    assert_eq!(answered.status(), 303, "{}", answered.text().await.unwrap());
    assert_eq!(
        status_of(&app, &reference).await,
        "identity_check",
        "back to where it was"
    );
    sink.wait_for_text(
        "dpo@sofacto.com",
        &format!("répondu à votre demande d'information sur {reference}"),
    )
    .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT paused_days FROM requests WHERE reference = '{reference}'"
        ))
        .await,
        3
    );

    // Three days later the DPO signs in again (the session had ended).
    dpo.sign_in().await;
    dpo.done(&reference, "start", "identity_check", &[]).await;
    dpo.done(
        &reference,
        "extend",
        "in_progress",
        &[
            ("form[extend_months]", "2"),
            (
                "form[extend_reason]",
                "Vos données sont réparties dans plusieurs systèmes.",
            ),
        ],
    )
    .await;
    sink.wait_for_text(&subject.email, "plusieurs systèmes")
        .await;
    dpo.done(
        &reference,
        "note",
        "in_progress",
        &[("form[note]", "Vérifier aussi le CRM.")],
    )
    .await;
    dpo.done(
        &reference,
        "message",
        "in_progress",
        &[("form[message]", "Nous avançons.")],
    )
    .await;
    sink.wait_for_text(&subject.email, "Nous avançons.").await;
    let follow = subject
        .get(&format!("/my-requests/{reference}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        follow.contains("Nous avançons.") && !follow.contains("Vérifier aussi le CRM."),
        "notes stay internal"
    );

    let attached = dpo
        .attach(
            &reference,
            "in_progress",
            "copie.json",
            br#"{"nom": "Martin"}"#,
        )
        .await;
    assert_eq!(attached.status(), 303, "{}", attached.text().await.unwrap());
    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &access_answer(
            "Voici la copie de vos données.",
            "Vos données ne sont pas transférées hors de l'Union européenne.",
        ),
    )
    .await;
    assert_eq!(status_of(&app, &reference).await, "completed");
    let done = sink
        .wait_for_text(&subject.email, "Voici la copie de vos données.")
        .await;
    assert!(
        done.contains("Gestion de la relation client.") && done.contains("1 fichier"),
        "{done}"
    );

    // The file, for its owner, for 7 days.
    let follow = subject
        .get(&format!("/my-requests/{reference}"))
        .await
        .text()
        .await
        .unwrap();
    let link = follow
        .split("/files/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let path = format!("/my-requests/{reference}/files/{link}");
    let download = subject.get(&path).await;
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        br#"{"nom": "Martin"}"#
    );
    let stranger = Subject::new(&app, "other@example.org");
    stranger.verify("access").await;
    assert_eq!(
        stranger.get(&path).await.status(),
        404,
        "not for another address"
    );
    app.clock.advance(Duration::from_secs(7 * 86_400 + 1));
    subject.verify_again().await;
    assert_eq!(
        subject.get(&path).await.status(),
        404,
        "expired after 7 days"
    );
    assert!(
        subject
            .get(&format!("/my-requests/{reference}"))
            .await
            .text()
            .await
            .unwrap()
            .contains("lien expiré")
    );
}

async fn a_refusal_states_the_cnil_and_the_courts(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "excessive@example.org");
    let reference = subject.file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let refused = dpo
        .act(
            &reference,
            "refuse",
            "received",
            &[("form[refuse_reason]", "manifestly_excessive")],
        )
        .await;
    assert_eq!(refused.status(), 200, "an explanation is required");
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Ce champ est obligatoire.")
    );
    dpo.done(
        &reference,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "manifestly_excessive"),
            (
                "form[refuse_explanation]",
                "Vous avez déposé dix demandes identiques ce mois-ci.",
            ),
        ],
    )
    .await;
    let email = app
        .smtp
        .as_ref()
        .unwrap()
        .wait_for_text(&subject.email, "dix demandes")
        .await;
    assert!(
        email.contains("https://www.cnil.fr/fr/agir") && email.contains("recours juridictionnel"),
        "{email}"
    );
}

async fn moves_the_status_table_does_not_allow_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "table@example.org");
    let reference = subject.file("objection").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    for (action, fields) in [
        ("complete", vec![("form[summary]", "Fait.")]),
        ("unknown-action", vec![]),
    ] {
        let response = dpo.act(&reference, action, "received", &fields).await;
        assert_eq!(response.status(), 200, "{action}");
        assert!(
            response.text().await.unwrap().contains("pas possible"),
            "{action}"
        );
    }
    assert_eq!(status_of(&app, &reference).await, "received");
    dpo.done(
        &reference,
        "extend",
        "received",
        &[
            ("form[extend_months]", "1"),
            ("form[extend_reason]", "Complexe."),
        ],
    )
    .await;
    let twice = dpo
        .act(
            &reference,
            "extend",
            "received",
            &[
                ("form[extend_months]", "1"),
                ("form[extend_reason]", "Encore."),
            ],
        )
        .await;
    assert_eq!(twice.status(), 200, "once only");
    subject.withdraw(&reference).await;
    let after = dpo
        .act(
            &reference,
            "message",
            "withdrawn",
            &[("form[message]", "Bonjour")],
        )
        .await;
    assert!(
        after.text().await.unwrap().contains("pas possible"),
        "closed requests do not move"
    );
}

async fn the_second_of_two_dpos_acting_at_once_is_told(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "race@example.org");
    let reference = subject.file("access").await;
    let first = Dpo::create(&app, "first@sofacto.com").await;
    let second = Dpo::create(&app, "second@sofacto.com").await;
    first.sign_in().await;
    second.sign_in().await;
    let (a, b) = tokio::join!(
        first.act(&reference, "check-identity", "received", &[]),
        second.act(
            &reference,
            "ask-information",
            "received",
            &[("form[info_reason]", "Votre numéro client ?")]
        ),
    );
    let (a, b) = (a.status().as_u16(), b.status().as_u16());
    assert!(matches!((a, b), (303, 200) | (200, 303)), "{a} {b}");
    let loser = if a == 200 { &first } else { &second };
    let page = loser.page(&format!("/dpo/requests/{reference}")).await;
    assert!(!page.is_empty());
    // The loser is told, with what they typed kept.
    let again = if a == 200 {
        first
            .act(&reference, "check-identity", "received", &[])
            .await
    } else {
        second
            .act(
                &reference,
                "ask-information",
                "received",
                &[("form[info_reason]", "Votre numéro client ?")],
            )
            .await
    };
    let html = again.text().await.unwrap();
    assert!(
        html.contains("a changé pendant que vous la lisiez"),
        "{html}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_events WHERE actor = 'dpo'")
            .await,
        1
    );
}

/// Two extensions posted at once: both saw an unextended request, one
/// wins, the other is told; one event, one email, one new due date.
async fn two_extensions_at_once_extend_once(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "twice@example.org");
    let reference = subject.file("access").await;
    let first = Dpo::create(&app, "first@sofacto.com").await;
    let second = Dpo::create(&app, "second@sofacto.com").await;
    first.sign_in().await;
    second.sign_in().await;
    let extend = |months: &'static str| {
        [
            ("form[extend_months]", months),
            ("form[extend_reason]", "Plusieurs outils à interroger."),
        ]
    };
    let (one_month, two_months) = (extend("1"), extend("2"));
    let (one, two) = tokio::join!(
        first.act(&reference, "extend", "received", &one_month),
        second.act(&reference, "extend", "received", &two_months),
    );
    let codes = [one.status().as_u16(), two.status().as_u16()];
    assert!(codes.contains(&303) && codes.contains(&200), "{codes:?}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_events WHERE kind = 'extended'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'extended'")
            .await,
        1
    );
}

on_both_databases!(
    two_extensions_at_once_extend_once,
    a_dpo_works_a_request_from_receipt_to_completion,
    a_refusal_states_the_cnil_and_the_courts,
    moves_the_status_table_does_not_allow_are_refused,
    the_second_of_two_dpos_acting_at_once_is_told,
);
