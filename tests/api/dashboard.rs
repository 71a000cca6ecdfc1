//! The DPO's dashboard: its figures from a fixture whose answers are known,
//! on the page with a text alternative to the chart.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, download, stored};
use crate::on_both_databases;
use privacy_portal::domain::Date;
use std::time::Duration;

/// Inserts a request with the given dates and state, as the fixture of the
/// dashboard.
async fn fixture(
    app: &TestApp,
    n: usize,
    right: &str,
    status: &str,
    received: Date,
    due: Date,
    closed: Option<Date>,
) {
    let noon = |d: Date| d.to_days() * 86_400_000 + 12 * 3_600_000;
    let open_due = if closed.is_some() {
        None
    } else {
        Some(due.iso())
    };
    sqlx::query(
        "INSERT INTO requests (id, reference, submission_key, email, right_kind, status, lang, first_name, \
         last_name, relation, reply_channel, details, received_at, received_on, first_due_on, due_on, open_due, \
         closed_at) VALUES ($1, $2, $1, 'f@example.org', $3, $4, 'fr', 'F', 'X', 'prospect', 'email', '{}', \
         $5, $6, $7, $7, $8, $9)",
    )
    .bind(format!("fixture{n}"))
    .bind(format!("R-FIX{n}-AAAA"))
    .bind(right)
    .bind(status)
    .bind(noon(received))
    .bind(received.iso())
    .bind(due.iso())
    .bind(open_due)
    .bind(closed.map(noon))
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn the_dashboard_shows_the_fixture_s_known_figures(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let today = Date::paris_of(app.clock_now());
    let d = |days: i64| today.add_days(days);
    // On time (28 days), late (35 days), refused on time (10 days).
    fixture(&app, 1, "access", "completed", d(-40), d(-10), Some(d(-12))).await;
    fixture(
        &app,
        2,
        "erasure",
        "completed",
        d(-50),
        d(-20),
        Some(d(-15)),
    )
    .await;
    fixture(&app, 3, "access", "refused", d(-30), d(0), Some(d(-20))).await;
    // Withdrawn: left out of the rate and the median.
    fixture(
        &app,
        4,
        "objection",
        "withdrawn",
        d(-20),
        d(10),
        Some(d(-19)),
    )
    .await;
    // Closed over a year ago: outside the 12 months.
    fixture(
        &app,
        5,
        "access",
        "completed",
        d(-430),
        d(-400),
        Some(d(-401)),
    )
    .await;
    // Open: one overdue, one not.
    fixture(&app, 6, "erasure", "in_progress", d(-40), d(-5), None).await;
    fixture(&app, 7, "portability", "received", d(-3), d(27), None).await;
    // Rows written without the answer dates, as before migration 7: the
    // backfill gives them, and finds nothing more the second time.
    privacy_portal::db::migrate(&app.pool).await.unwrap();
    assert_eq!(
        privacy_portal::requests::figures::backfill(&app.pool)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        stored(&app, "R-FIX2-AAAA", "closed_on").await,
        Some(d(-15).iso())
    );

    let stats = privacy_portal::features::dpo::dashboard::stats(&app.pool, app.clock_now())
        .await
        .unwrap();
    assert_eq!((stats.on_time, stats.decided), (2, 3));
    // The open request past its due date counts as late (Art. 12(3)).
    assert_eq!((stats.late_open, stats.counted()), (1, 4));
    assert_eq!(stats.on_time_percent(), Some(50.0));
    assert_eq!(stats.median_days, Some(28.0));
    assert_eq!(stats.p95_days, Some(35.0));
    assert_eq!(stats.overdue_count, 1);
    assert_eq!(stats.overdue[0].0, "R-FIX6-AAAA");
    let count = |status: &str| {
        stats
            .by_status
            .iter()
            .find(|(s, _)| s.slug() == status)
            .unwrap()
            .1
    };
    assert_eq!(
        [
            count("completed"),
            count("refused"),
            count("withdrawn"),
            count("in_progress"),
            count("received")
        ],
        [3, 1, 1, 1, 1]
    );
    let right = |slug: &str| {
        let (_, all, open) = stats
            .by_right
            .iter()
            .find(|(r, _, _)| r.slug() == slug)
            .unwrap();
        (*all, *open)
    };
    assert_eq!(right("access"), (3, 0));
    assert_eq!(right("erasure"), (2, 1));
    assert_eq!(right("portability"), (1, 1));
    assert_eq!(stats.months.len(), 12);
    let received: i64 = stats.months.iter().map(|m| m.2).sum();
    let closed: i64 = stats.months.iter().map(|m| m.3).sum();
    assert_eq!((received, closed), (6, 4));

    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page("/dpo/dashboard").await;
    assert!(page.contains("50 % (2 sur 4)"), "{page}");
    assert!(
        page.contains("encore ouvertes dont l'échéance est passée"),
        "{page}"
    );
    assert!(page.contains("28 jours"), "{page}");
    assert!(page.contains("<svg") && page.contains("<title id=\"chart-title\">"));
    assert!(page.contains("R-FIX6-AAAA"));
    assert!(
        page.contains("Les chiffres du graphique"),
        "a text alternative"
    );
    // Signed out: the sign-in page.
    let stranger = Dpo::browser(&app, "x@sofacto.com");
    assert_eq!(stranger.get("/dpo/dashboard").await.status(), 302);
}

on_both_databases!(the_dashboard_shows_the_fixture_s_known_figures);

/// The figures of a window come from the dates stored when a request
/// closes and when its answer's email leaves; a request marked as a test
/// counts in none of them and stays in the register, marked.
async fn answers_are_dated_when_they_leave_and_tests_are_left_out(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let today = Date::paris_of(app.clock_now());
    let objection = Subject::new(&app, "no-more-ads@example.org")
        .file("objection")
        .await;
    let erasure = Subject::new(&app, "erase-all@example.org")
        .file("erasure")
        .await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let recorded = dpo.record_letter(&today.iso()).await;
    let letter = crate::helpers::recorded_reference(&recorded);

    // Answered the day it came: 0 days.
    dpo.done(&objection, "start", "received", &[]).await;
    dpo.done(
        &objection,
        "complete",
        "in_progress",
        &[("form[summary]", "Plus aucune prospection.")],
    )
    .await;
    app.every_email_sent().await;
    assert_eq!(
        stored(&app, &objection, "answered_on").await,
        Some(today.iso())
    );
    assert_eq!(
        app.scalar("SELECT answer_days FROM requests WHERE answer_days IS NOT NULL")
            .await,
        0
    );

    // Extended, then refused 5 days after receipt.
    dpo.done(
        &erasure,
        "extend",
        "received",
        &[
            ("form[extend_months]", "2"),
            (
                "form[extend_reason]",
                "Des dizaines de systèmes à vérifier.",
            ),
        ],
    )
    .await;
    app.clock.advance(Duration::from_secs(5 * 86_400));
    dpo.sign_in().await;
    dpo.done(
        &erasure,
        "refuse",
        "received",
        &[
            ("form[refuse_reason]", "manifestly_excessive"),
            (
                "form[refuse_explanation]",
                "La dixième demande identique ce mois-ci.",
            ),
        ],
    )
    .await;
    app.every_email_sent().await;
    assert_eq!(
        stored(&app, &erasure, "refusal_reason").await.as_deref(),
        Some("manifestly_excessive")
    );

    // The letter is a test: marked from its page, which then says so.
    dpo.done(&letter, "mark-test", "received", &[("form[test]", "1")])
        .await;
    let page = dpo.page(&format!("/dpo/requests/{letter}")).await;
    assert!(page.contains(r#"data-test="1""#), "{page}");
    assert!(
        page.contains("Marque « demande de test » modifiée"),
        "{page}"
    );

    let stats = || async {
        privacy_portal::features::dpo::dashboard::stats(&app.pool, app.clock_now())
            .await
            .unwrap()
    };
    let channel = |stats: &privacy_portal::requests::figures::Stats, slug: &str| {
        stats
            .by_channel
            .iter()
            .find(|(c, _)| c.slug() == slug)
            .unwrap()
            .1
    };
    let figures = stats().await;
    assert_eq!(
        (figures.on_time, figures.decided, figures.late_open),
        (2, 2, 0)
    );
    assert_eq!(
        (figures.median_days, figures.p95_days),
        (Some(2.5), Some(5.0))
    );
    assert_eq!(figures.extensions, 1);
    let refused = |stats: &privacy_portal::requests::figures::Stats, slug: &str| {
        stats
            .refusals
            .iter()
            .find(|(r, _)| r.slug() == slug)
            .unwrap()
            .1
    };
    assert_eq!(refused(&figures, "manifestly_excessive"), 1);
    assert_eq!(refused(&figures, "manifestly_unfounded"), 0);
    assert_eq!(
        (channel(&figures, "portal"), channel(&figures, "letter")),
        (2, 0)
    );
    let page = dpo.page("/dpo/dashboard").await;
    assert!(page.contains(r#"data-figure="extensions">1<"#), "{page}");
    assert!(
        page.contains(r#"data-reason="manifestly_excessive">1<"#),
        "{page}"
    );
    assert!(page.contains("demandes de test ne comptent pas"), "{page}");

    // A test once answered leaves the rate; unmarked, the letter counts.
    dpo.done(&objection, "mark-test", "completed", &[("form[test]", "1")])
        .await;
    dpo.done(&letter, "mark-test", "received", &[]).await;
    let figures = stats().await;
    assert_eq!((figures.on_time, figures.decided), (1, 1));
    assert_eq!(
        (channel(&figures, "portal"), channel(&figures, "letter")),
        (1, 1)
    );
    // The register keeps the test, marked, with the day it was answered.
    let (_, csv) = download(dpo.post("/dpo/export/register", &[]).await).await;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let test = header.iter().position(|h| *h == "test").unwrap();
    let answered = header.iter().position(|h| *h == "answered_on").unwrap();
    let line = csv.lines().find(|l| l.starts_with(&objection)).unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    assert_eq!(
        (cells[test], cells[answered]),
        ("yes", today.iso().as_str())
    );
    // The extension's reason, as the subject was told it (Art. 12(3)).
    let reason = header
        .iter()
        .position(|h| *h == "extension_reason")
        .unwrap();
    let line = csv.lines().find(|l| l.starts_with(&erasure)).unwrap();
    assert_eq!(
        line.split(',').nth(reason),
        Some("Des dizaines de systèmes à vérifier.")
    );
}

on_both_databases!(answers_are_dated_when_they_leave_and_tests_are_left_out);
