//! The readings of the law the console enforces (SPEC §4), each on both
//! databases: an objection to direct marketing needs no reason and cannot
//! be refused (GDPR Art. 21(2)–(3)); a clarification does not pause the
//! clock, a proof of identity does (Art. 12(6), recital 63); an extension
//! is refused after the due date (Art. 12(3)).

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, access_answer, reference_of};
use crate::on_both_databases;
use std::time::Duration;

async fn an_objection_to_direct_marketing_cannot_be_refused(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "no-more-mail@example.org");
    let prospecting = subject.file("objection").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;

    // The request page offers no refusal, and says why.
    let page = dpo.page(&format!("/dpo/requests/{prospecting}")).await;
    assert!(!page.contains(&format!("/dpo/requests/{prospecting}/refuse")));
    assert!(page.contains("ne peut pas être refusée"), "{page}");
    assert!(page.contains(&format!("/dpo/requests/{prospecting}/start")));

    // Posting one anyway is refused by the server, and nothing changes.
    let refused = dpo
        .act(
            &prospecting,
            "refuse",
            "received",
            &[
                ("form[refuse_reason]", "manifestly_unfounded"),
                ("form[refuse_explanation]", "Nous tenons à vous écrire."),
            ],
        )
        .await;
    assert_eq!(refused.status(), 200);
    assert!(refused.text().await.unwrap().contains("pas possible"));
    let status: String = sqlx::query_scalar("SELECT status FROM requests WHERE reference = $1")
        .bind(&prospecting)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "received");

    // Statistics and segmentation used to tailor offers is direct
    // marketing too: no reason asked, no refusal offered.
    let other = Subject::new(&app, "no-profiling@example.org");
    other.verify("objection").await;
    let key = other.form_key("objection").await;
    let filed = other
        .submit("objection", &key, &[("form[processing]", "statistics")])
        .await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let statistics = reference_of(&filed).expect("a reference");
    let page = dpo.page(&format!("/dpo/requests/{statistics}")).await;
    assert!(!page.contains(&format!("/dpo/requests/{statistics}/refuse")));

    // Any other objection states a reason and may be refused.
    let third = Subject::new(&app, "legitimate@example.org");
    third.verify("objection").await;
    let key = third.form_key("objection").await;
    let without_reason = third
        .submit(
            "objection",
            &key,
            &[("form[processing]", "other_legitimate_interest")],
        )
        .await;
    assert_eq!(without_reason.status(), 200);
    let with_reason = third
        .submit(
            "objection",
            &key,
            &[
                ("form[processing]", "other_legitimate_interest"),
                ("form[reason]", "Je ne veux plus figurer dans vos fichiers."),
            ],
        )
        .await;
    assert_eq!(with_reason.status(), 303);
    let legitimate = reference_of(&with_reason).expect("a reference");
    let page = dpo.page(&format!("/dpo/requests/{legitimate}")).await;
    assert!(page.contains(&format!("/dpo/requests/{legitimate}/refuse")));
}

async fn row(app: &TestApp, reference: &str) -> (String, Option<String>, Option<String>) {
    use sqlx::Row;
    let row = sqlx::query("SELECT status, due_on, paused_since FROM requests WHERE reference = $1")
        .bind(reference)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (
        row.get("status"),
        row.get("due_on"),
        row.get("paused_since"),
    )
}

async fn a_clarification_lets_the_clock_run_and_identity_pauses_it(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "which-data@example.org");
    let reference = subject.file("access").await;
    let (_, due, _) = row(&app, &reference).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;

    // The form says, before sending, that the clock does not stop.
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("Le délai n'est pas suspendu"), "{page}");

    dpo.done(
        &reference,
        "ask-clarification",
        "received",
        &[(
            "form[clarify_question]",
            "Quelles données de navigation visez-vous ?",
        )],
    )
    .await;
    let (status, due_after, paused) = row(&app, &reference).await;
    assert_eq!(status, "received", "a clarification keeps the status");
    assert_eq!(due_after, due, "and the due date");
    assert_eq!(paused, None, "and the clock runs");
    let email = sink
        .wait_for_text("which-data@example.org", "Quelles données de navigation")
        .await;
    assert!(
        email.contains("le délai de réponse court toujours"),
        "{email}"
    );
    let follow = subject.page(&format!("/my-requests/{reference}")).await;
    assert!(
        follow.contains("Le délégué vous demande une précision"),
        "{follow}"
    );

    // A proof of identity pauses it.
    dpo.done(
        &reference,
        "ask-information",
        "received",
        &[(
            "form[info_reason]",
            "Merci de confirmer votre adresse postale.",
        )],
    )
    .await;
    let (status, due_paused, paused) = row(&app, &reference).await;
    assert_eq!(status, "awaiting_subject");
    assert_eq!(due_paused, None);
    assert!(paused.is_some());

    // The acknowledgment no longer says that any question pauses it.
    let ack = sink
        .wait_for_text(
            "which-data@example.org",
            "Nous avons bien reçu votre demande",
        )
        .await;
    assert!(ack.contains("doute raisonnable sur votre identit"), "{ack}");
    assert!(ack.contains("le délai continue de courir"), "{ack}");
}

async fn an_extension_after_the_due_date_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "too-late@example.org");
    let reference = subject.file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    // Five weeks later, the first due date (a month, moved to a working
    // day at most four days) has passed.
    app.clock.advance(Duration::from_secs(35 * 86_400));
    dpo.sign_in().await;
    let late = dpo
        .act(
            &reference,
            "extend",
            "received",
            &[
                ("form[extend_months]", "2"),
                ("form[extend_reason]", "Trop de systèmes à consulter."),
            ],
        )
        .await;
    assert_eq!(late.status(), 200);
    let page = late.text().await.unwrap();
    assert!(page.contains("trop tard pour prolonger"), "{page}");
    let months = app
        .scalar(&format!(
            "SELECT extension_months FROM requests WHERE reference = '{reference}'"
        ))
        .await;
    assert_eq!(months, 0);
}

async fn a_late_answer_and_an_open_late_request_lower_the_on_time_rate(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let answered = Subject::new(&app, "answered-late@example.org")
        .file("objection")
        .await;
    let _open = Subject::new(&app, "still-waiting@example.org")
        .file("erasure")
        .await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    // Forty days later both are past their due date.
    app.clock.advance(Duration::from_secs(40 * 86_400));
    dpo.sign_in().await;
    dpo.done(&answered, "start", "received", &[]).await;
    // The page warns before the DPO confirms a late decision.
    let page = dpo.page(&format!("/dpo/requests/{answered}")).await;
    assert!(page.contains("sera enregistrée comme tardive"), "{page}");
    dpo.done(
        &answered,
        "complete",
        "in_progress",
        &[("form[summary]", "Vous ne recevrez plus de prospection.")],
    )
    .await;
    app.every_email_sent().await;
    // The evidence file records it as late.
    let (_, evidence) = crate::helpers::download(
        dpo.post(&format!("/dpo/requests/{answered}/evidence"), &[])
            .await,
    )
    .await;
    let evidence: serde_json::Value = serde_json::from_str(&evidence).unwrap();
    assert_eq!(
        evidence["document"]["request"]["answered_on_time"], false,
        "{evidence}"
    );
    let stats = privacy_portal::features::dpo::dashboard::stats(&app.pool, app.clock_now())
        .await
        .unwrap();
    assert_eq!((stats.on_time, stats.decided, stats.late_open), (0, 1, 1));
    assert_eq!(stats.on_time_percent(), Some(0.0));
    let page = dpo.page("/dpo/dashboard").await;
    assert!(page.contains("0 % (0 sur 2)"), "{page}");
}

async fn a_request_awaiting_identity_for_31_days_is_proposed_for_closing(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |c| c.digest_hour = 0).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "who-am-i@example.org");
    let reference = subject.file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    app.clock.advance(Duration::from_secs(10 * 86_400));
    dpo.sign_in().await;
    dpo.done(
        &reference,
        "ask-information",
        "received",
        &[(
            "form[info_reason]",
            "Merci de joindre une pièce d'identité.",
        )],
    )
    .await;
    app.clock.advance(Duration::from_secs(31 * 86_400));
    dpo.sign_in().await;

    // The request page proposes closing it, the refusal form starts on
    // "identity not established", and the date that would have passed
    // is said.
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("Aucune réponse depuis 31 jours"), "{page}");
    assert!(page.contains("serait passée"), "{page}");
    assert!(
        page.contains(r#"value="identity_not_established" selected"#),
        "{page}"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM requests WHERE reference = '{reference}' AND status = 'awaiting_subject'"
        ))
        .await,
        1,
        "nothing closes by itself"
    );

    // The queue marks it too.
    let queue = dpo.page("/dpo").await;
    assert!(queue.contains("échue sans la pause"), "{queue}");

    // So does the digest.
    privacy_portal::daily::run_due(&app.state).await.unwrap();
    let digest = sink
        .wait_for_text("dpo@sofacto.com", "depuis plus de 14 jours")
        .await;
    assert!(digest.contains(&reference), "{digest}");
    assert!(digest.contains("en attente depuis 31 jours"), "{digest}");
    assert!(digest.contains("serait passée"), "{digest}");
    assert!(digest.contains("identité non établie"), "{digest}");

    // The DPO decides: a refusal, whose email names the CNIL and the courts.
    dpo.done(
        &reference,
        "refuse",
        "awaiting_subject",
        &[
            ("form[refuse_reason]", "identity_not_established"),
            (
                "form[refuse_explanation]",
                "Nous n'avons pas pu vérifier votre identité.",
            ),
        ],
    )
    .await;
    let email = sink
        .wait_for_text("who-am-i@example.org", "pas pu vérifier votre identité")
        .await;
    assert!(email.contains("cnil.fr"), "{email}");
    assert!(email.contains("recours juridictionnel"), "{email}");
}

async fn a_partial_erasure_says_what_was_kept_and_names_both_remedies(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "erase-me@example.org");
    let reference = subject.file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("réponse partielle"), "{page}");

    // A ground the law does not give for an erasure is refused.
    let wrong = dpo
        .act(
            &reference,
            "complete",
            "in_progress",
            &[
                ("form[summary]", "Vos données de prospection sont effacées."),
                ("form[kept][0][what]", "Vos factures de 2025"),
                ("form[kept][0][ground]", "third_party_rights"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 200);
    assert!(wrong.text().await.unwrap().contains("Vos factures de 2025"));

    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &[
            ("form[summary]", "Vos données de prospection sont effacées."),
            ("form[kept][0][what]", "Vos factures de 2025"),
            ("form[kept][0][ground]", "legal_obligation"),
            ("form[no_recipients]", "on"),
        ],
    )
    .await;
    let email = sink
        .wait_for_text(
            "erase-me@example.org",
            "Vos données de prospection sont effacées",
        )
        .await;
    assert!(email.contains("Ce qui n'a pas été fait"), "{email}");
    assert!(email.contains("Vos factures de 2025"), "{email}");
    assert!(email.contains("Code de commerce"), "{email}");
    assert!(email.contains("cnil.fr"), "{email}");
    assert!(email.contains("recours juridictionnel"), "{email}");

    // The register says the answer was partial, and on which ground (read
    // once the worker has recorded the email as sent, not just received).
    app.every_email_sent().await;
    let (_, csv) = crate::helpers::download(dpo.post("/dpo/export/register", &[]).await).await;
    let line = csv.lines().find(|l| l.starts_with(&reference)).unwrap();
    assert!(line.contains("partial: legal_obligation"), "{line}");
    // Art. 19 "none", the reply channel, the handler (nobody) and the
    // delivered answer are columns of their own.
    assert!(line.contains(",none,,email,,yes"), "{line}");
}

/// The Art. 15 fields, every one filled; `transfers` as given.
fn access_fields(transfers: &'static str) -> Vec<(&'static str, &'static str)> {
    access_answer("Voici ce que nous détenons.", transfers)
}

async fn an_access_answer_needs_the_copy_and_the_whole_information(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "copy-please@example.org");
    let reference = subject.file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;

    // The form asks for the transfers outside the EU (Art. 15(2)), pre-filled
    // with a text in square brackets that cannot be sent as is.
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(
        page.contains("Transferts hors de l&#x27;Union européenne")
            || page.contains("Transferts hors de l'Union européenne"),
        "{page}"
    );
    let placeholder = dpo
        .act(
            &reference,
            "complete",
            "in_progress",
            &access_fields("[À compléter : les transferts]"),
        )
        .await;
    let html = placeholder.text().await.unwrap();
    assert!(html.contains("Remplacez le texte entre crochets"), "{html}");

    // Neither a copy nor "no data held": refused.
    let no_copy = dpo
        .act(
            &reference,
            "complete",
            "in_progress",
            &access_fields("Aucun transfert hors de l'Union européenne."),
        )
        .await;
    let html = no_copy.text().await.unwrap();
    assert!(html.contains("Joignez la copie des données"), "{html}");
    let status: String = sqlx::query_scalar("SELECT status FROM requests WHERE reference = $1")
        .bind(&reference)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "in_progress");

    // "No data held" is an answer too, and the email says it.
    let mut fields = access_fields("Aucun transfert hors de l'Union européenne.");
    fields.push(("form[no_data_held]", "on"));
    dpo.done(&reference, "complete", "in_progress", &fields)
        .await;
    let email = sink
        .wait_for_text("copy-please@example.org", "Voici ce que nous détenons.")
        .await;
    assert!(email.contains("aucune donnée vous concernant"), "{email}");
    assert!(
        email.contains("Aucun transfert hors de l'Union européenne."),
        "{email}"
    );
}

async fn an_erasure_answer_says_who_was_told_or_that_nobody_had_the_data(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "told@example.org");
    let reference = subject.file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;
    let silent = dpo
        .act(
            &reference,
            "complete",
            "in_progress",
            &[("form[summary]", "Vos données sont effacées.")],
        )
        .await;
    let html = silent.text().await.unwrap();
    assert!(html.contains("aucun destinataire"), "{html}");
    let today = privacy_portal::domain::Date::paris_of(app.clock_now()).iso();
    // A recipient's name gets the same text check and length limit as any
    // one-line field; what was typed stays.
    let long = "Routeur ".repeat(30);
    for (name, message) in [
        (long.as_str(), "Ce texte est trop long."),
        ("Routeur\u{202E}liame", "caractères"),
    ] {
        let refused = dpo
            .act(
                &reference,
                "complete",
                "in_progress",
                &[
                    ("form[summary]", "Vos données sont effacées."),
                    ("form[recipients][0][name]", name),
                    ("form[recipients][0][on]", &today),
                ],
            )
            .await;
        assert_eq!(refused.status(), 200);
        let html = refused.text().await.unwrap();
        assert!(html.contains(message), "{message}: {html}");
    }
    assert_eq!(
        crate::helpers::status_of(&app, &reference).await,
        "in_progress"
    );
    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &[
            ("form[summary]", "Vos données sont effacées."),
            ("form[recipients][0][name]", "Notre routeur d'e-mails"),
            ("form[recipients][0][on]", &today),
        ],
    )
    .await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("Notre routeur d"), "{page}");

    // After closing, another recipient told is added to the answer and the
    // register, without reopening the request.
    assert!(page.contains("/add-recipient"), "{page}");
    dpo.done(
        &reference,
        "add-recipient",
        "completed",
        &[
            ("form[told_name]", "Notre prestataire d'impression"),
            ("form[told_on]", &today),
        ],
    )
    .await;
    let (_, csv) = crate::helpers::download(dpo.post("/dpo/export/register", &[]).await).await;
    let line = csv.lines().find(|l| l.starts_with(&reference)).unwrap();
    assert!(
        line.contains(&format!("Notre prestataire d'impression ({today})")),
        "{line}"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM requests WHERE reference = '{reference}' AND status = 'completed'"
        ))
        .await,
        1
    );
}

async fn a_closed_request_takes_addenda_without_reopening(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "after@example.org");
    let reference = subject.file("objection").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;
    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &[("form[summary]", "Plus aucune prospection.")],
    )
    .await;
    let closed_at = app
        .scalar(&format!(
            "SELECT closed_at FROM requests WHERE reference = '{reference}'"
        ))
        .await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("Ajouter après la clôture"), "{page}");

    dpo.done(
        &reference,
        "note",
        "completed",
        &[("form[note]", "Courrier de confirmation posté le lendemain.")],
    )
    .await;
    dpo.done(
        &reference,
        "message",
        "completed",
        &[(
            "form[message]",
            "Votre adresse est aussi retirée de nos salons.",
        )],
    )
    .await;
    sink.wait_for_text("after@example.org", "retirée de nos salons")
        .await;
    let attached = dpo
        .attach(&reference, "completed", "accuse.pdf", b"%PDF-1.4 accuse")
        .await;
    assert_eq!(attached.status(), 303, "{}", attached.text().await.unwrap());

    // Still closed, at the same time; each addendum is in the audit log.
    assert_eq!(
        app.scalar(&format!(
            "SELECT closed_at FROM requests WHERE reference = '{reference}' AND status = 'completed'"
        ))
        .await,
        closed_at
    );
    for action in [
        "request.note_added",
        "request.dpo_message",
        "request.file_attached",
    ] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE reference = '{reference}' AND action = '{action}'"
            ))
            .await,
            1,
            "{action}"
        );
    }
    // A decision is not an addendum.
    let reopen = dpo.act(&reference, "start", "completed", &[]).await;
    assert!(reopen.text().await.unwrap().contains("pas possible"));
}

async fn a_restriction_stays_in_force_until_the_subject_is_told_of_its_lifting(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "restrict@example.org");
    let reference = subject.file("restriction").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;
    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &[
            ("form[summary]", "Vos données ne sont plus que conservées."),
            ("form[no_recipients]", "on"),
        ],
    )
    .await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("Limitation en vigueur"), "{page}");
    assert!(page.contains("/lift-restriction"), "{page}");
    let follow = subject.page(&format!("/my-requests/{reference}")).await;
    assert!(follow.contains("est en vigueur"), "{follow}");

    // Not today: the subject is told before it takes effect.
    let today = privacy_portal::domain::Date::paris_of(app.clock_now());
    let too_soon = dpo
        .act(
            &reference,
            "lift-restriction",
            "completed",
            &[
                ("form[lift_on]", &today.iso()),
                ("form[lift_reason]", "Votre contestation est tranchée."),
            ],
        )
        .await;
    assert!(
        too_soon
            .text()
            .await
            .unwrap()
            .contains("à partir de demain"),
        "Art. 18(3)"
    );
    let from = today.add_days(7);
    dpo.done(
        &reference,
        "lift-restriction",
        "completed",
        &[
            ("form[lift_on]", &from.iso()),
            ("form[lift_reason]", "Votre contestation est tranchée."),
        ],
    )
    .await;
    let email = sink
        .wait_for_text("restrict@example.org", "Votre contestation est tranchée.")
        .await;
    assert!(email.contains("sera levée à compter du"), "{email}");
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("Limitation levée à compter du"), "{page}");
    assert!(!page.contains("/lift-restriction\""), "once only: {page}");
    let follow = subject.page(&format!("/my-requests/{reference}")).await;
    assert!(follow.contains("est levée à compter du"), "{follow}");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM requests WHERE reference = '{reference}' AND status = 'completed'"
        ))
        .await,
        1
    );
}

async fn a_letter_is_received_on_a_date_not_at_a_made_up_time(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = privacy_portal::domain::Date::paris_of(app.clock_now());
    let arrived = today.add_days(-10);
    let recorded = dpo.record_letter(&arrived.iso()).await;
    assert_eq!(recorded.status(), 303);
    let reference = crate::helpers::recorded_reference(&recorded);
    let (_, evidence) = crate::helpers::download(
        dpo.post(&format!("/dpo/requests/{reference}/evidence"), &[])
            .await,
    )
    .await;
    let evidence: serde_json::Value = serde_json::from_str(&evidence).unwrap();
    let request = &evidence["document"]["request"];
    assert_eq!(request["received_on"], arrived.iso(), "{request}");
    assert!(
        request["received_at"].is_null(),
        "no made-up time: {request}"
    );
    assert_eq!(request["recorded_at"], app.clock_now(), "{request}");
    let due = privacy_portal::domain::due_date(arrived, 0, 0);
    assert_eq!(
        request["due_on"],
        due.iso(),
        "the clock runs from the letter's day"
    );
}

async fn a_transmission_to_another_organisation_is_recorded_with_its_date(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "move-my-data@example.org");
    // Portability, to be sent to Acme (the helper's form).
    let reference = subject.file("portability").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains(r#"value="Acme""#), "pre-filled: {page}");
    let on = privacy_portal::domain::Date::paris_of(app.clock_now()).iso();
    // A date without the organisation, or the reverse, is refused.
    let half = dpo
        .act(
            &reference,
            "complete",
            "in_progress",
            &[
                ("form[summary]", "Vos données sont transmises."),
                ("form[sent_to]", "Acme"),
                ("form[sent_on]", "demain"),
            ],
        )
        .await;
    assert_eq!(half.status(), 200);
    // The organisation's name is checked as any one-line field.
    let hidden = dpo
        .act(
            &reference,
            "complete",
            "in_progress",
            &[
                ("form[summary]", "Vos données sont transmises."),
                ("form[sent_to]", "Ac\u{202E}me"),
                ("form[sent_on]", &on),
            ],
        )
        .await;
    assert_eq!(hidden.status(), 200);
    assert!(
        hidden
            .text()
            .await
            .unwrap()
            .contains("caractères invisibles")
    );
    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &[
            ("form[summary]", "Vos données sont transmises."),
            ("form[sent_to]", "Acme"),
            ("form[sent_on]", &on),
        ],
    )
    .await;
    let email = sink
        .wait_for_text("move-my-data@example.org", "Vos données sont transmises.")
        .await;
    assert!(email.contains("Acme"), "{email}");
    let (_, csv) = crate::helpers::download(dpo.post("/dpo/export/register", &[]).await).await;
    let line = csv.lines().find(|l| l.starts_with(&reference)).unwrap();
    assert!(
        line.contains(&format!("Acme ({on})")),
        "Art. 20(2) in the register: {line}"
    );
}

on_both_databases!(
    a_transmission_to_another_organisation_is_recorded_with_its_date,
    a_letter_is_received_on_a_date_not_at_a_made_up_time,
    a_restriction_stays_in_force_until_the_subject_is_told_of_its_lifting,
    a_closed_request_takes_addenda_without_reopening,
    an_access_answer_needs_the_copy_and_the_whole_information,
    an_erasure_answer_says_who_was_told_or_that_nobody_had_the_data,
    a_partial_erasure_says_what_was_kept_and_names_both_remedies,
    a_request_awaiting_identity_for_31_days_is_proposed_for_closing,
    a_late_answer_and_an_open_late_request_lower_the_on_time_rate,
    an_objection_to_direct_marketing_cannot_be_refused,
    a_clarification_lets_the_clock_run_and_identity_pauses_it,
    an_extension_after_the_due_date_is_refused,
);
