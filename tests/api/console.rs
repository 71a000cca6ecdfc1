//! The DPO console over HTTP, as a browser without JavaScript drives it.

use crate::helpers::{Backend, Dpo, Mail, PASSWORD, Subject, TestApp, status_of, stored};
use crate::on_both_databases;
use reqwest::header;
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
        &[
            ("form[summary]", "Voici la copie de vos données."),
            ("form[access_purposes]", "Gestion de la relation client."),
            ("form[access_categories]", "Identité, coordonnées."),
            ("form[access_recipients]", "Nos équipes."),
            ("form[access_retention]", "3 ans."),
            ("form[access_rights]", "Rectification, effacement."),
            ("form[access_source]", "Vous-même."),
            ("form[access_automated]", "Aucune."),
        ],
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

async fn a_request_received_by_post_is_recorded_with_its_own_clock(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = privacy_portal::domain::Date::paris_of(app.clock_now());
    let arrived = today.add_days(-5).iso();
    let tomorrow = today.add_days(1).iso();
    let refused = dpo.record_letter(&tomorrow).await;
    assert_eq!(refused.status(), 200, "a letter cannot arrive tomorrow");
    let recorded = dpo.record_letter(&arrived).await;
    assert_eq!(recorded.status(), 303, "{}", recorded.text().await.unwrap());
    let location = recorded.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.starts_with("/dpo/requests/R-"), "{location}");
    use sqlx::Row;
    let row = sqlx::query("SELECT received_on, due_on, intake, email FROM requests")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        row.get::<String, _>("received_on"),
        arrived,
        "the clock starts when it arrived"
    );
    let received = privacy_portal::domain::Date::parse_iso(&arrived).unwrap();
    assert_eq!(
        row.get::<String, _>("due_on"),
        privacy_portal::domain::due_date(received, 0, 0).iso()
    );
    assert_eq!(row.get::<String, _>("intake"), "letter");
    assert_eq!(row.get::<String, _>("email"), "");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox").await,
        0,
        "no address, no email; the DPO recorded it, no notification"
    );
    let page = dpo.page(&location).await;
    assert!(
        page.contains("par courrier") && page.contains("Paul Durand"),
        "{page}"
    );
}

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

async fn a_subject_who_does_not_answer_for_14_days_is_reminded_once(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "silent@example.org");
    let reference = subject.file("access").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(
        &reference,
        "ask-information",
        "received",
        &[("form[info_reason]", "Votre numéro client ?")],
    )
    .await;
    app.clock.advance(Duration::from_secs(15 * 86_400));
    app.state.outbox_wakeup.notify_one();
    app.smtp
        .as_ref()
        .unwrap()
        .wait_for_text(&subject.email, "attend votre réponse")
        .await;
    app.clock.advance(Duration::from_secs(2 * 3600));
    app.state.outbox_wakeup.notify_one();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_events WHERE kind = 'reminded'")
            .await,
        1,
        "once per pause"
    );
    dpo.sign_in().await;
    let queue = dpo.page("/dpo").await;
    assert!(
        queue.contains("attend depuis 15 j"),
        "the queue shows how long it has waited"
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

/// The issue's worked dates, each recorded through the console as a
/// letter that arrived that day, and read back from the database.
async fn the_worked_dates_hold_through_the_console(backend: Backend) {
    use privacy_portal::domain::Date;
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    // Letters cannot arrive in the future: move to after the last one.
    let today = Date::paris_of(app.clock_now());
    let days = Date::parse_iso("2028-03-01").unwrap().to_days() - today.to_days();
    if days > 0 {
        app.clock.advance(Duration::from_secs(days as u64 * 86_400));
    }
    dpo.sign_in().await;
    for (received, due) in [
        ("2027-01-31", "2027-03-01"),
        ("2026-06-14", "2026-07-15"),
        ("2027-02-28", "2027-03-30"),
        ("2027-04-06", "2027-05-07"),
        ("2026-04-25", "2026-05-26"),
        ("2028-01-29", "2028-02-29"),
    ] {
        let recorded = dpo.record_letter(received).await;
        assert_eq!(recorded.status(), 303, "{received}");
        let reference = recorded.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .trim_start_matches("/dpo/requests/")
            .to_owned();
        assert_eq!(
            due_on(&app, &reference).await.as_deref(),
            Some(due),
            "{received}"
        );
    }
}

async fn due_on(app: &TestApp, reference: &str) -> Option<String> {
    stored(app, reference, "due_on").await
}

/// A subject without an email answers by letter: the DPO records it, the
/// clock runs again, and the paused days move the due date.
async fn an_answer_by_post_resumes_the_clock(backend: Backend) {
    use privacy_portal::domain::Date;
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let received = Date::paris_of(app.clock_now()).add_days(-3);
    let recorded = dpo.record_letter(&received.iso()).await;
    let reference = recorded.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches("/dpo/requests/")
        .to_owned();
    dpo.done(
        &reference,
        "ask-information",
        "received",
        &[(
            "form[info_reason]",
            "Merci de joindre une copie de la lettre.",
        )],
    )
    .await;
    assert_eq!(due_on(&app, &reference).await, None, "paused");
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(
        page.contains("Enregistrer la réponse"),
        "the action is offered"
    );
    app.clock.advance(Duration::from_secs(7 * 86_400));
    dpo.sign_in().await;
    let empty = dpo
        .act(
            &reference,
            "record-answer",
            "awaiting_subject",
            &[("form[answer]", " ")],
        )
        .await;
    assert_eq!(empty.status(), 200, "what they answered is required");
    dpo.done(
        &reference,
        "record-answer",
        "awaiting_subject",
        &[("form[answer]", "Copie reçue par courrier.")],
    )
    .await;
    assert_eq!(
        status_of(&app, &reference).await,
        "received",
        "back where it was"
    );
    assert_eq!(
        due_on(&app, &reference).await,
        Some(privacy_portal::domain::due_date(received, 0, 7).iso())
    );
    // From any other status the action is refused.
    let again = dpo
        .act(
            &reference,
            "record-answer",
            "received",
            &[("form[answer]", "encore")],
        )
        .await;
    assert_eq!(again.status(), 200);
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
    the_worked_dates_hold_through_the_console,
    an_answer_by_post_resumes_the_clock,
    two_extensions_at_once_extend_once,
    a_request_received_by_post_is_recorded_with_its_own_clock,
    a_request_is_assigned_and_the_queue_filters_by_assignee,
    a_subject_who_does_not_answer_for_14_days_is_reminded_once,
    the_link_in_the_dpo_email_leads_to_the_request_through_the_sign_in,
    a_dpo_works_a_request_from_receipt_to_completion,
    a_refusal_states_the_cnil_and_the_courts,
    moves_the_status_table_does_not_allow_are_refused,
    the_second_of_two_dpos_acting_at_once_is_told,
);

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
        assert!(
            !plan.iter().any(|line| line.contains("TEMP B-TREE")),
            "{name} sorts without an index: {plan:?}"
        );
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

on_both_databases!(files_are_limited_in_size_and_type);
