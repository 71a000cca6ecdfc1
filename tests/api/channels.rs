//! Every channel in (SPEC §3): a request recorded from a letter, an email
//! to the DPO, a call or a visit, on the day it arrived (60 days back at
//! most, saying why it is recorded late).

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, figure, stored};
use crate::on_both_databases;
use privacy_portal::domain::Date;

/// The fields of a request recorded from `channel`, arrived on `arrived`.
fn recorded<'a>(
    key: &'a str,
    channel: &'a str,
    arrived: &'a str,
    late_reason: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("form[submission_key]", key),
        ("form[right]", "objection"),
        ("form[first_name]", "Paul"),
        ("form[last_name]", "Durand"),
        ("form[relation]", "prospect"),
        ("form[reply_channel]", "postal"),
        ("form[reply_postal]", "3 rue Basse, 34000 Montpellier"),
        ("form[lang]", "fr"),
        ("form[processing]", "prospecting"),
        ("intake[channel]", channel),
        ("intake[arrived_on]", arrived),
        ("intake[email]", ""),
        ("intake[late_reason]", late_reason),
    ]
}

async fn a_request_is_recorded_from_any_channel_on_the_day_it_arrived(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = Date::paris_of(app.clock_now());
    let (ten_back, too_old) = (today.add_days(-10).iso(), today.add_days(-61).iso());

    // 61 days back: refused; 10 days back without a reason: refused, and
    // the page keeps what was typed.
    for (arrived, reason, field) in [
        (
            too_old.as_str(),
            "Retrouvée au fond d'un tiroir.",
            "intake_arrived_on",
        ),
        (ten_back.as_str(), "", "intake_late_reason"),
    ] {
        let refused = dpo
            .post(
                "/dpo/new",
                &recorded("k-refused", "letter", arrived, reason),
            )
            .await;
        assert_eq!(refused.status(), 200);
        let page = refused.text().await.unwrap();
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{page}");
        assert!(page.contains("3 rue Basse, 34000 Montpellier"), "{page}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 0);

    for (key, channel, arrived, reason) in [
        (
            "k-letter",
            "letter",
            ten_back.as_str(),
            "Reçue pendant la fermeture du bureau.",
        ),
        ("k-phone", "phone", today.iso().as_str(), ""),
        ("k-visit", "in_person", today.iso().as_str(), ""),
    ] {
        let response = dpo
            .post("/dpo/new", &recorded(key, channel, arrived, reason))
            .await;
        assert_eq!(response.status(), 303, "{channel}");
        let reference = crate::helpers::recorded_reference(&response);
        assert_eq!(
            stored(&app, &reference, "intake").await.as_deref(),
            Some(channel)
        );
        assert_eq!(
            stored(&app, &reference, "received_on").await.as_deref(),
            Some(arrived)
        );
        let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
        let words = match channel {
            "letter" => "par courrier",
            "phone" => "par téléphone",
            _ => "en personne",
        };
        assert!(page.contains(words), "{page}");
        if !reason.is_empty() {
            assert!(page.contains(reason), "the late reason is on the timeline");
        }
    }
}

/// The scanned original of a letter is kept with the request, from the
/// subject, never shared; a portal request has no original to attach.
async fn the_scanned_original_is_kept_and_never_shared(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = Date::paris_of(app.clock_now());
    let recorded = dpo.record_letter(&today.iso()).await;
    let letter = crate::helpers::recorded_reference(&recorded);
    let page = dpo.page(&format!("/dpo/requests/{letter}")).await;
    assert!(page.contains(r#"name="kind" value="original""#), "{page}");
    let scan = b"%PDF-1.4 scanned letter".to_vec();
    let attached = dpo
        .attach_as(&letter, "received", "original", "courrier.pdf", &scan)
        .await;
    assert_eq!(attached.status(), 303);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM request_files WHERE purpose = 'original' AND direction = 'from_subject'"
        )
        .await,
        1
    );
    let page = dpo.page(&format!("/dpo/requests/{letter}")).await;
    assert!(page.contains(r#"data-purpose="original""#), "{page}");

    // A request filed on the portal: no choice, and a forged one is a reply.
    let web = Subject::new(&app, "web@example.org").file("access").await;
    let page = dpo.page(&format!("/dpo/requests/{web}")).await;
    assert!(!page.contains(r#"name="kind""#), "{page}");
    dpo.attach_as(&web, "received", "original", "reponse.pdf", &scan)
        .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files WHERE direction = 'to_subject'")
            .await,
        1
    );
}

on_both_databases!(
    a_request_is_recorded_from_any_channel_on_the_day_it_arrived,
    the_scanned_original_is_kept_and_never_shared,
);

/// The id of the letter of `reference` of that kind.
async fn letter_id(app: &TestApp, reference: &str, kind: &str) -> String {
    use sqlx::Row;
    sqlx::query(
        "SELECT l.id FROM letters l JOIN requests r ON r.id = l.request_id \
         WHERE r.reference = $1 AND l.kind = $2",
    )
    .bind(reference)
    .bind(kind)
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .get("id")
}

/// A request with no email address, answered by post: every notice is a
/// letter to print, and the day the DPO marks it posted is the proof that
/// the subject was told; for the answer, the day it was answered.
async fn notices_without_an_address_are_letters_marked_posted(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = Date::paris_of(app.clock_now());
    let recorded = dpo.record_letter(&today.iso()).await;
    let reference = crate::helpers::recorded_reference(&recorded);
    app.every_email_sent().await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE kind <> 'verification_code'")
            .await,
        0,
        "no email: the subject gave none"
    );
    let acknowledgment = letter_id(&app, &reference, "acknowledgment").await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(
        page.contains(&format!("/dpo/letters/{acknowledgment}")),
        "{page}"
    );
    assert!(page.contains("à poster"), "{page}");
    let queue = dpo.page("/dpo").await;
    assert!(
        queue.contains(r#"data-figure="letters-to-post" class="count">1<"#),
        "{queue}"
    );

    // The letter prints with the letterhead, the person's postal address,
    // the reference and the due date.
    let letter = dpo.page(&format!("/dpo/letters/{acknowledgment}")).await;
    assert!(
        !letter.contains("/my-requests/"),
        "no link on paper: {letter}"
    );
    for expected in [
        "SOFACTO SAS",
        "Paul Durand",
        "3 rue Basse, 34000 Montpellier",
        reference.as_str(),
        "Échéance",
    ] {
        assert!(letter.contains(expected), "{expected}: {letter}");
    }

    // Posted tomorrow, or before it was printed: refused.
    for day in [today.add_days(1), today.add_days(-1)] {
        let refused = dpo
            .act(
                &reference,
                "mark-posted",
                "received",
                &[
                    ("form[letter]", &acknowledgment),
                    ("form[posted_on]", &day.iso()),
                ],
            )
            .await;
        assert_eq!(refused.status(), 200, "{day:?}");
    }
    dpo.done(
        &reference,
        "mark-posted",
        "received",
        &[
            ("form[letter]", &acknowledgment),
            ("form[posted_on]", &today.iso()),
        ],
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'request.letter_posted'")
            .await,
        1
    );
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(
        !page.contains("/mark-posted\""),
        "nothing left to post: {page}"
    );

    // The answer is a letter too; the request is answered when it leaves.
    dpo.done(&reference, "start", "received", &[]).await;
    dpo.done(
        &reference,
        "complete",
        "in_progress",
        &[(
            "form[summary]",
            "Vous ne recevrez plus de courriers commerciaux.",
        )],
    )
    .await;
    assert_eq!(stored(&app, &reference, "answered_on").await, None);
    let answer = letter_id(&app, &reference, "completed").await;
    let letter = dpo.page(&format!("/dpo/letters/{answer}")).await;
    assert!(
        letter.contains("Vous ne recevrez plus de courriers commerciaux."),
        "{letter}"
    );
    app.clock
        .advance(std::time::Duration::from_secs(2 * 86_400));
    dpo.sign_in().await;
    let posted_on = today.add_days(2);
    dpo.done(
        &reference,
        "mark-posted",
        "completed",
        &[
            ("form[letter]", &answer),
            ("form[posted_on]", &posted_on.iso()),
        ],
    )
    .await;
    assert_eq!(
        stored(&app, &reference, "answered_on").await,
        Some(posted_on.iso())
    );
    assert_eq!(
        stored(&app, &reference, "status").await.as_deref(),
        Some("completed")
    );

    // The evidence file holds each letter with its posting day.
    let (_, evidence) = crate::helpers::download(
        dpo.post(&format!("/dpo/requests/{reference}/evidence"), &[])
            .await,
    )
    .await;
    let evidence: serde_json::Value = serde_json::from_str(&evidence).unwrap();
    let letters = evidence["document"]["letters"].as_array().unwrap();
    assert_eq!(letters.len(), 2);
    let posted = |kind: &str| {
        letters
            .iter()
            .find(|l| l["kind"] == kind)
            .map(|l| l["posted_on"].clone())
    };
    assert_eq!(posted("acknowledgment"), Some(today.iso().into()));
    assert_eq!(posted("completed"), Some(posted_on.iso().into()));
}

/// Two letters waiting for one request: the chip counts the request once,
/// as its list shows it, and its line says a letter is to post.
async fn letters_to_post_are_counted_by_request(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = Date::paris_of(app.clock_now());
    let recorded = dpo.record_letter(&today.iso()).await;
    let reference = crate::helpers::recorded_reference(&recorded);
    dpo.done(
        &reference,
        "ask-information",
        "received",
        &[("form[info_reason]", "Une copie de votre pièce d'identité.")],
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM letters WHERE posted_on IS NULL")
            .await,
        2
    );
    let queue = dpo.page("/dpo").await;
    assert_eq!(figure(&queue, "letters-to-post"), Some(1), "{queue}");
    let letters = dpo.page("/dpo?due=letters").await;
    assert_eq!(
        letters.matches(&format!(">{reference}</a>")).count(),
        1,
        "{letters}"
    );
    assert!(letters.contains("lettre à poster"), "{letters}");
    for letter in ["acknowledgment", "information_requested"] {
        let id = letter_id(&app, &reference, letter).await;
        dpo.done(
            &reference,
            "mark-posted",
            "awaiting_subject",
            &[("form[letter]", &id), ("form[posted_on]", &today.iso())],
        )
        .await;
    }
    let queue = dpo.page("/dpo").await;
    assert_eq!(figure(&queue, "letters-to-post"), Some(0), "{queue}");
    let letters = dpo.page("/dpo?due=letters").await;
    assert!(!letters.contains(&reference), "{letters}");
}

/// A visit: the acknowledgment is emailed as asked, and also printed as
/// the dated receipt handed over.
async fn a_visit_gets_a_printed_receipt(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = Date::paris_of(app.clock_now()).iso();
    let fields = vec![
        ("form[submission_key]", "k-visit-receipt"),
        ("form[right]", "access"),
        ("form[first_name]", "Inès"),
        ("form[last_name]", "Garcia"),
        ("form[relation]", "client"),
        ("form[reply_channel]", "email"),
        ("form[lang]", "fr"),
        ("form[scope]", "all"),
        ("intake[channel]", "in_person"),
        ("intake[arrived_on]", today.as_str()),
        ("intake[email]", "ines.garcia@example.org"),
        ("intake[late_reason]", ""),
    ];
    let response = dpo.post("/dpo/new", &fields).await;
    assert_eq!(response.status(), 303);
    app.every_email_sent().await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'acknowledgment'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM letters WHERE kind = 'acknowledgment'")
            .await,
        1
    );
}

on_both_databases!(
    notices_without_an_address_are_letters_marked_posted,
    letters_to_post_are_counted_by_request,
    a_visit_gets_a_printed_receipt,
);
