//! The legal deadline in the console: a request received by post runs from
//! the day it arrived (and gives the worked due dates), a pause for
//! information ends with an answer by post and moves the due date, and a
//! subject silent for 14 days is reminded once.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, status_of, stored};
use crate::on_both_databases;
use reqwest::header;
use std::time::Duration;

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

/// The worked dates, each recorded through the console as a
/// letter that arrived that day, and read back from the database.
async fn the_worked_dates_hold_through_the_console(backend: Backend) {
    use privacy_portal::domain::Date;
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    // A letter is recorded within 60 days of its arrival: the clock moves
    // to the day after each (the dates in order), and the DPO signs in
    // again. The worked examples of 2026 fall a year later here, on the
    // same kind of day: 14 July and Whit Monday still move the due date.
    for (received, due) in [
        ("2027-01-31", "2027-03-01"),
        ("2027-02-28", "2027-03-30"),
        ("2027-04-06", "2027-05-07"),
        ("2027-04-17", "2027-05-18"),
        ("2027-06-14", "2027-07-15"),
        ("2028-01-29", "2028-02-29"),
    ] {
        let today = Date::paris_of(app.clock_now());
        let days = Date::parse_iso(received).unwrap().to_days() + 1 - today.to_days();
        if days > 0 {
            app.clock.advance(Duration::from_secs(days as u64 * 86_400));
        }
        dpo.sign_in().await;
        let recorded = dpo.record_letter(received).await;
        assert_eq!(recorded.status(), 303, "{received}");
        let reference = crate::helpers::recorded_reference(&recorded);
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
    let reference = crate::helpers::recorded_reference(&recorded);
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
    // 15 days and 2 hours: 16 days once those hours cross midnight in
    // Paris (the test runs on the real clock's time of day).
    assert!(
        queue.contains("attend la personne depuis 15 j")
            || queue.contains("attend la personne depuis 16 j"),
        "the queue shows how long it has waited"
    );
    // More than 14 days: among those to chase.
    assert_eq!(
        crate::helpers::figure(&queue, "waiting"),
        Some(1),
        "{queue}"
    );
    let waiting = dpo.page("/dpo?due=waiting").await;
    assert!(waiting.contains(&reference), "{waiting}");
}

on_both_databases!(
    the_worked_dates_hold_through_the_console,
    an_answer_by_post_resumes_the_clock,
    a_request_received_by_post_is_recorded_with_its_own_clock,
    a_subject_who_does_not_answer_for_14_days_is_reminded_once,
);
