//! Mistakes that can be mended (SPEC §3): a reply file attached by mistake
//! is removed before it is shared, a completion shares only the files the
//! DPO ticks, and an expired download is shared again for 7 days.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp};
use crate::on_both_databases;
use std::time::Duration;

/// The id of the reply file named `name`.
async fn file_id(app: &TestApp, name: &str) -> String {
    use sqlx::Row;
    sqlx::query("SELECT id FROM request_files WHERE name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("id")
}

async fn a_file_attached_by_mistake_never_reaches_the_subject(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let subject = Subject::new(&app, "my-copy@example.org");
    let reference = subject.file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "start", "received", &[]).await;
    for name in ["vos-donnees.csv", "autre-client.csv", "brouillon.csv"] {
        let attached = dpo
            .attach(&reference, "in_progress", name, b"a,b\n1,2\n")
            .await;
        assert_eq!(attached.status(), 303, "{name}");
    }
    let (right, mistake, draft) = (
        file_id(&app, "vos-donnees.csv").await,
        file_id(&app, "autre-client.csv").await,
        file_id(&app, "brouillon.csv").await,
    );

    // Removed before sharing: its content goes, the audit keeps its digest.
    dpo.done(
        &reference,
        "remove-file",
        "in_progress",
        &[("form[file]", &mistake)],
    )
    .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM request_files WHERE id = '{mistake}'"
        ))
        .await,
        0
    );
    let digest = privacy_portal::secure::sha256_bytes_hex(b"a,b\n1,2\n");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'request.file_removed' AND facts LIKE '%{digest}%'"
        ))
        .await,
        1
    );
    assert_eq!(
        dpo.get(&format!("/dpo/files/{mistake}")).await.status(),
        404
    );

    // Only the ticked file is shared (the form lists them; the draft is
    // left unticked).
    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &[
            (
                "form[summary]",
                "Vos données sont effacées ; la copie est jointe.",
            ),
            ("form[no_recipients]", "on"),
            ("form[share_listed]", "1"),
            ("form[share][1]", &right),
        ],
    )
    .await;
    let shared = |id: String| {
        let app = &app;
        async move {
            app.scalar(&format!(
                "SELECT COUNT(*) FROM request_files WHERE id = '{id}' AND shared_at IS NOT NULL"
            ))
            .await
        }
    };
    assert_eq!(
        (shared(right.clone()).await, shared(draft.clone()).await),
        (1, 0)
    );
    let follow = subject.page(&format!("/my-requests/{reference}")).await;
    assert!(follow.contains("vos-donnees.csv"), "{follow}");
    assert!(
        !follow.contains("brouillon.csv") && !follow.contains("autre-client.csv"),
        "{follow}"
    );
    // The unshared draft can still be removed after closing.
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("/remove-file"), "{page}");
    assert!(!page.contains("/reshare-file"), "not expired yet: {page}");

    // Eight days later the download has expired; shared again, the
    // subject is told.
    app.clock.advance(Duration::from_secs(8 * 86_400));
    dpo.sign_in().await;
    dpo.done(
        &reference,
        "reshare-file",
        "completed",
        &[("form[file]", &right)],
    )
    .await;
    sink.wait_for_text(
        "my-copy@example.org",
        "de nouveau téléchargeables pendant 7 jours",
    )
    .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM request_files WHERE id = '{right}' AND shared_at = {}",
            app.clock_now()
        ))
        .await,
        1
    );
}

on_both_databases!(a_file_attached_by_mistake_never_reaches_the_subject);

/// The same right from the same address within 30 days: the page warns
/// and links the earlier request; nothing is refused by itself.
async fn a_repeated_request_is_flagged_not_refused(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "again@example.org");
    let first = subject.file("access").await;
    // Filed again from the same verified browser.
    let again = |right: &'static str| {
        let subject = &subject;
        async move {
            let key = subject.form_key(right).await;
            let response = subject
                .submit(right, &key, &crate::helpers::right_fields(right))
                .await;
            crate::helpers::reference_of(&response).expect("filed")
        }
    };
    let second = again("access").await;
    let other = again("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page(&format!("/dpo/requests/{second}")).await;
    assert!(
        page.contains(&format!("data-duplicate=\"{first}\"")),
        "{page}"
    );
    assert!(page.contains("art. 12(5)"), "{page}");
    let page = dpo.page(&format!("/dpo/requests/{other}")).await;
    assert!(!page.contains("data-duplicate"), "another right: {page}");
    assert_eq!(crate::helpers::status_of(&app, &second).await, "received");
}

/// A handover moves every open request of one account to another, each
/// audited as an assignment.
async fn a_handover_moves_every_open_request_each_audited(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let leaving = Dpo::create(&app, "leaving@sofacto.com").await;
    let _staying = Dpo::create(&app, "staying@sofacto.com").await;
    let id = |email: &'static str| {
        let app = &app;
        async move {
            use sqlx::Row;
            sqlx::query("SELECT id FROM dpo_accounts WHERE email = $1")
                .bind(email)
                .fetch_one(&app.pool)
                .await
                .unwrap()
                .get::<String, _>("id")
        }
    };
    let (from, to) = (
        id("leaving@sofacto.com").await,
        id("staying@sofacto.com").await,
    );
    leaving.sign_in().await;
    let mut references = Vec::new();
    for email in ["one@example.org", "two@example.org"] {
        let reference = Subject::new(&app, email).file("objection").await;
        leaving
            .done(
                &reference,
                "assign",
                "received",
                &[("form[assignee]", &from)],
            )
            .await;
        references.push(reference);
    }
    let same = leaving
        .post(
            "/dpo/handover",
            &[("form[from]", &from), ("form[to]", &from)],
        )
        .await;
    assert_eq!(same.status(), 200);
    let moved = leaving
        .post("/dpo/handover", &[("form[from]", &from), ("form[to]", &to)])
        .await;
    assert_eq!(moved.status(), 303);
    assert_eq!(moved.headers()["location"], "/dpo?handed=2");
    for reference in &references {
        assert_eq!(
            crate::helpers::stored(&app, reference, "assignee_id").await,
            Some(to.clone())
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'request.assigned'")
            .await,
        4,
        "two by hand, two by the handover"
    );
    let queue = leaving.page("/dpo?handed=2").await;
    assert!(queue.contains("2 demande(s) transmise(s)."), "{queue}");
}

on_both_databases!(
    a_repeated_request_is_flagged_not_refused,
    a_handover_moves_every_open_request_each_audited,
);

/// A subject who lost their mailbox: the DPO corrects the address (with a
/// reason); nothing but its confirmation link goes to the new one until it
/// is confirmed from there, and then the request's messages follow it.
async fn a_corrected_email_must_be_confirmed_before_use(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let reference = Subject::new(&app, "lost-mailbox@example.org")
        .file("access")
        .await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let correct = |email: &'static str, reason: &'static str| {
        let (dpo, reference) = (&dpo, &reference);
        async move {
            dpo.act(
                reference,
                "correct-contact",
                "received",
                &[
                    ("form[c_first_name]", "Jeanne"),
                    ("form[c_last_name]", "Martin-Durand"),
                    ("form[c_lang]", "fr"),
                    ("form[c_reply]", "email"),
                    ("form[c_email]", email),
                    ("form[c_reason]", reason),
                ],
            )
            .await
        }
    };
    // No reason: refused, nothing changes.
    assert_eq!(correct("found-again@example.org", "").await.status(), 200);
    let done = correct(
        "found-again@example.org",
        "Appel du 3 décembre : ancienne boîte fermée.",
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(
        crate::helpers::stored(&app, &reference, "last_name")
            .await
            .as_deref(),
        Some("Martin-Durand")
    );
    assert_eq!(
        crate::helpers::stored(&app, &reference, "email")
            .await
            .as_deref(),
        Some("lost-mailbox@example.org"),
        "not before it is confirmed"
    );
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("data-pending-email"), "{page}");

    // Until confirmed, messages still go to the old address.
    dpo.done(
        &reference,
        "message",
        "received",
        &[("form[message]", "Premier message après correction.")],
    )
    .await;
    sink.wait_for_text(
        "lost-mailbox@example.org",
        "Premier message après correction.",
    )
    .await;
    let confirmation = sink
        .wait_for_text("found-again@example.org", "/confirm-email/")
        .await;
    let path = confirmation
        .split_whitespace()
        .find_map(|word| word.find("/confirm-email/").map(|at| word[at..].to_owned()))
        .unwrap();
    assert_eq!(sink.count_to("found-again@example.org"), 1, "only the link");

    // The link opens a page; its button confirms.
    let visitor = Subject::new(&app, "found-again@example.org");
    let page = visitor.page(&path).await;
    assert!(page.contains("Confirmer cette adresse"), "{page}");
    let confirmed = visitor.post(&path, &[]).await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(
        crate::helpers::stored(&app, &reference, "email")
            .await
            .as_deref(),
        Some("found-again@example.org")
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('request.contact_corrected', 'request.email_confirmed')")
            .await,
        2
    );
    // Used once: the link is spent.
    assert!(visitor.page(&path).await.contains("plus valable"));
    dpo.done(
        &reference,
        "message",
        "received",
        &[("form[message]", "Second message, à la bonne adresse.")],
    )
    .await;
    sink.wait_for_text(
        "found-again@example.org",
        "Second message, à la bonne adresse.",
    )
    .await;
}

on_both_databases!(a_corrected_email_must_be_confirmed_before_use);

/// One letter asking for several rights becomes one request per right,
/// linked: each page lists the others, and linking a third joins the group.
async fn requests_of_one_letter_are_linked_and_shown_together(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "two-rights@example.org");
    let access = subject.file("access").await;
    // Still verified: two more forms.
    let mut others = Vec::new();
    for right in ["erasure", "objection"] {
        let key = subject.form_key(right).await;
        let filed = subject
            .submit(right, &key, &crate::helpers::right_fields(right))
            .await;
        others.push(crate::helpers::reference_of(&filed).unwrap());
    }
    let (erasure, objection) = (others[0].clone(), others[1].clone());
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;

    let unknown = dpo
        .act(
            &erasure,
            "link",
            "received",
            &[("form[link_reference]", "R-0000-0000")],
        )
        .await;
    assert_eq!(unknown.status(), 200);
    let itself = dpo
        .act(
            &erasure,
            "link",
            "received",
            &[("form[link_reference]", &erasure)],
        )
        .await;
    assert_eq!(itself.status(), 200);
    dpo.done(
        &erasure,
        "link",
        "received",
        &[("form[link_reference]", &access)],
    )
    .await;
    let page = dpo.page(&format!("/dpo/requests/{access}")).await;
    assert!(page.contains(r#"data-linked="1""#), "{page}");
    assert!(page.contains(&format!("/dpo/requests/{erasure}")), "{page}");

    // A third joins the group, from either side.
    dpo.done(
        &objection,
        "link",
        "received",
        &[("form[link_reference]", &erasure)],
    )
    .await;
    for reference in [&access, &erasure, &objection] {
        let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
        assert!(page.contains(r#"data-linked="2""#), "{reference}: {page}");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'request.linked'")
            .await,
        2
    );
}

/// Linked requests answered by post go as one letter if the DPO chooses:
/// one page prints their letters together, and one posting day marks each
/// posted, through each request's own action.
async fn linked_requests_answered_by_post_share_one_letter(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = privacy_portal::domain::Date::paris_of(app.clock_now());
    let mut references = Vec::new();
    for _ in 0..3 {
        let recorded = dpo.record_letter(&today.iso()).await;
        references.push(crate::helpers::recorded_reference(&recorded));
    }
    let (first, second, alone) = (&references[0], &references[1], &references[2]);
    let none = dpo.page(&format!("/dpo/letters/group/{alone}")).await;
    assert!(none.contains("Aucune autre demande liée"), "{none}");
    dpo.done(
        second,
        "link",
        "received",
        &[("form[link_reference]", first.as_str())],
    )
    .await;
    let page = dpo.page(&format!("/dpo/requests/{first}")).await;
    assert!(page.contains("data-group-letter"), "{page}");
    let group = dpo.page(&format!("/dpo/letters/group/{first}")).await;
    assert_eq!(
        group.matches(r#"class="letter__part""#).count(),
        2,
        "{group}"
    );
    assert!(group.contains(first.as_str()) && group.contains(second.as_str()));
    assert!(!group.contains(alone.as_str()), "{group}");

    // The page carries the letters it printed: only those are marked.
    let ids: Vec<String> = group
        .split(r#"name="form[letters]["#)
        .skip(1)
        .filter_map(|rest| rest.split(r#"value=""#).nth(1))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    assert_eq!(ids.len(), 2, "{group}");
    let path = format!("/dpo/letters/group/{first}");
    let with = |on: String, ids: &[String]| {
        let mut fields = vec![("form[posted_on]".to_owned(), on)];
        for (i, id) in ids.iter().enumerate() {
            fields.push((format!("form[letters][{i}]"), id.clone()));
        }
        fields
    };
    let post = |fields: Vec<(String, String)>| {
        let (dpo, path) = (&dpo, &path);
        async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            dpo.post(path, &fields).await
        }
    };
    // A page printed before a letter was added, or tomorrow: refused, and
    // nothing is marked.
    let stale = post(with(today.iso(), &ids[..1])).await;
    assert!(
        stale
            .text()
            .await
            .unwrap()
            .contains("ont changé depuis l'impression")
    );
    let refused = post(with(today.add_days(1).iso(), &ids)).await;
    assert_eq!(refused.status(), 200);
    assert!(refused.text().await.unwrap().contains("posted_on-error"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM letters WHERE posted_on IS NOT NULL")
            .await,
        0
    );
    let posted = post(with(today.iso(), &ids)).await;
    assert_eq!(posted.status(), 303);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM letters WHERE posted_on IS NOT NULL")
            .await,
        2
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_events WHERE kind = 'letter_posted'")
            .await,
        2
    );
}

/// Two linked requests of one person, filed and linked: (first, second).
async fn two_linked(app: &TestApp, dpo: &Dpo, email: &str) -> (String, String) {
    let subject = Subject::new(app, email);
    let first = subject.file("objection").await;
    let key = subject.form_key("erasure").await;
    let filed = subject
        .submit("erasure", &key, &crate::helpers::right_fields("erasure"))
        .await;
    let second = crate::helpers::reference_of(&filed).unwrap();
    dpo.done(
        &second,
        "link",
        "received",
        &[("form[link_reference]", first.as_str())],
    )
    .await;
    (first, second)
}

/// Linked requests answered by email go as one email if the DPO chooses:
/// the first answer waits, and leaves with the last; the day it leaves is
/// the day each was answered.
async fn linked_requests_answered_by_email_share_one_email(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let to = "one-reply@example.org";
    let (objection, erasure) = two_linked(&app, &dpo, to).await;
    let page = dpo.page(&format!("/dpo/requests/{erasure}")).await;
    assert!(page.contains(r#"name="form[together]""#), "{page}");

    dpo.done(&objection, "start", "received", &[]).await;
    dpo.done(
        &objection,
        "complete",
        "in_progress",
        &[
            ("form[summary]", "Vous ne recevrez plus de prospection."),
            ("form[together]", "on"),
        ],
    )
    .await;
    app.every_email_sent().await;
    let answered = |reference: String| {
        let app = &app;
        async move { crate::helpers::stored(app, &reference, "answered_on").await }
    };
    // Held: nothing went, the request is not answered yet, and its page says so.
    assert!(
        !sink
            .mailbox()
            .messages()
            .iter()
            .any(|m| m.contains("Vous ne recevrez plus de prospection.")),
        "the answer waits"
    );
    assert_eq!(answered(objection.clone()).await, None);
    let page = dpo.page(&format!("/dpo/requests/{objection}")).await;
    assert!(page.contains("data-held-answer"), "{page}");

    // The last answer carries both.
    dpo.done(
        &erasure,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "legal_exception"),
            (
                "form[refuse_explanation]",
                "Vos factures sont gardées dix ans (Code de commerce).",
            ),
            ("form[together]", "on"),
        ],
    )
    .await;
    let text = sink
        .mailbox()
        .wait_for_text(to, "Vous ne recevrez plus de prospection.")
        .await;
    assert!(
        text.contains("Vos factures sont gardées dix ans")
            && text.contains(objection.as_str())
            && text.contains(erasure.as_str())
            && text.contains("CNIL"),
        "{text}"
    );
    app.every_email_sent().await;
    let answers = sink
        .mailbox()
        .messages()
        .iter()
        .filter(|m| m.contains("prospection") || m.contains("factures"))
        .count();
    assert_eq!(answers, 1, "one email for both answers");
    let today = privacy_portal::domain::Date::paris_of(app.clock_now()).iso();
    assert_eq!(
        answered(objection.clone()).await.as_deref(),
        Some(today.as_str())
    );
    assert_eq!(
        answered(erasure.clone()).await.as_deref(),
        Some(today.as_str())
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'request.answer_released'")
            .await,
        1
    );
    let page = dpo.page(&format!("/dpo/requests/{objection}")).await;
    assert!(!page.contains("data-held-answer"), "{page}");
}

/// A held answer never waits past the day before its request's due date:
/// the daily run sends it, alone, as it was written.
async fn a_held_answer_leaves_before_its_due_date(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let to = "held-too-long@example.org";
    let (objection, erasure) = two_linked(&app, &dpo, to).await;
    dpo.done(
        &erasure,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "manifestly_unfounded"),
            (
                "form[refuse_explanation]",
                "Nous ne traitons aucune donnée à votre nom.",
            ),
            ("form[together]", "on"),
        ],
    )
    .await;
    let now = app.clock_now();
    let released = privacy_portal::requests::together::release_due(&app.state, now)
        .await
        .unwrap();
    assert_eq!(released, 0, "a month before its due date, it waits");
    // The day before it is due, it goes, though the other is still open.
    let due = crate::helpers::stored(&app, &erasure, "due_on")
        .await
        .unwrap();
    let due = privacy_portal::domain::Date::parse_iso(&due).unwrap();
    let today = privacy_portal::domain::Date::paris_of(now);
    app.clock.advance(Duration::from_secs(
        (due.to_days() - today.to_days() - 1) as u64 * 86_400,
    ));
    let released = privacy_portal::requests::together::release_due(&app.state, app.clock_now())
        .await
        .unwrap();
    assert_eq!(released, 1);
    let text = sink
        .mailbox()
        .wait_for_text(to, "Nous ne traitons aucune donnée à votre nom.")
        .await;
    assert!(
        text.contains(erasure.as_str()) && !text.contains(objection.as_str()),
        "{text}"
    );
    assert!(text.contains("CNIL"), "{text}");
    app.every_email_sent().await;
    assert!(
        crate::helpers::stored(&app, &erasure, "answered_on")
            .await
            .is_some()
    );
    assert_eq!(
        crate::helpers::status_of(&app, &objection).await,
        "received"
    );
}

/// An answer due tomorrow or sooner is never held: it could not leave in
/// time with the others.
async fn an_answer_due_tomorrow_is_not_held(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let to = "due-soon@example.org";
    let (_, erasure) = two_linked(&app, &dpo, to).await;
    let due = crate::helpers::stored(&app, &erasure, "due_on")
        .await
        .unwrap();
    let due = privacy_portal::domain::Date::parse_iso(&due).unwrap();
    let today = privacy_portal::domain::Date::paris_of(app.clock_now());
    app.clock.advance(Duration::from_secs(
        (due.to_days() - today.to_days() - 1) as u64 * 86_400,
    ));
    dpo.sign_in().await;
    dpo.done(
        &erasure,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "manifestly_unfounded"),
            ("form[refuse_explanation]", "Rien à effacer à votre nom."),
            ("form[together]", "on"),
        ],
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM held_answers").await, 0);
    sink.wait_for_text(to, "Rien à effacer à votre nom.").await;
}

on_both_databases!(
    an_answer_due_tomorrow_is_not_held,
    requests_of_one_letter_are_linked_and_shown_together,
    linked_requests_answered_by_post_share_one_letter,
    linked_requests_answered_by_email_share_one_email,
    a_held_answer_leaves_before_its_due_date,
);
