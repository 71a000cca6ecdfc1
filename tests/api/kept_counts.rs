//! The console's counts are kept in the transactions that file and change
//! requests (issue 20), not scanned: after a random mix of filings,
//! assignments, pauses, answers, extensions and closings over several
//! weeks, on both databases, they equal a full recount of the open
//! requests, for every DPO and on any day.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp};
use crate::on_both_databases;
use privacy_portal::clock::Clock;
use privacy_portal::domain::{Actor, Date, EventKind, Reference, Status};
use privacy_portal::requests::queue::{counts, counts_by_scan};
use privacy_portal::requests::{Change, ChangeError, DeadlineEffect, apply, read};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;

/// The kept counts against the recount, as `who` sees them on `today`.
async fn same_as_a_recount(app: &TestApp, who: &[&str], step: &str) {
    let today = Date::paris_of(app.clock.now());
    for me in who {
        // Today, and later days: overdue and due this week move with the
        // date alone.
        for later in [0, 9, 40, 120] {
            let day = today.add_days(later);
            let kept = counts(&app.pool, me, day).await.unwrap();
            let scanned = counts_by_scan(&app.pool, me, day).await.unwrap();
            assert_eq!(kept, scanned, "after {step}, for {me:?}, {later} days on");
        }
    }
}

async fn the_kept_counts_equal_a_recount_after_any_mix_of_changes(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let rights = ["access", "erasure", "rectification", "objection"];
    let mut references = Vec::new();
    for (i, right) in rights.iter().cycle().take(8).enumerate() {
        let subject = Subject::new(&app, &format!("kept{i}@example.org"));
        references.push(subject.file(right).await);
    }
    for email in ["ana@sofacto.com", "ben@sofacto.com"] {
        Dpo::create(&app, email).await;
    }
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM dpo_accounts ORDER BY email")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let who = [ids[0].as_str(), ids[1].as_str(), ""];
    same_as_a_recount(&app, &who, "the filings").await;
    assert_eq!(
        counts(&app.pool, "", Date::paris_of(app.clock.now()))
            .await
            .unwrap()
            .open,
        8
    );

    let mut rng = StdRng::seed_from_u64(20);
    let (mut moved, mut refused) = (0, 0);
    for step in 0..90 {
        if rng.gen_bool(0.2) {
            app.clock
                .advance(Duration::from_secs(86_400 * rng.gen_range(1..6)));
        }
        let reference = Reference::parse(&references[rng.gen_range(0..references.len())]).unwrap();
        let row = read::by_reference(&app.pool, &reference)
            .await
            .unwrap()
            .unwrap();
        let mut change = Change::event(EventKind::NoteAdded, Actor::Dpo);
        change.visible_to_subject = false;
        let what = match rng.gen_range(0..10) {
            0 => {
                change.event = EventKind::Assigned;
                change.assign = Some(match rng.gen_range(0..3) {
                    2 => None,
                    n => Some(ids[n].clone()),
                });
                "an assignment"
            }
            1 => {
                change.event = EventKind::IdentityCheckStarted;
                change.to = Some(Status::IdentityCheck);
                "an identity check"
            }
            2 => {
                change.event = EventKind::ProcessingStarted;
                change.to = Some(Status::InProgress);
                "a start"
            }
            3 => {
                change.event = EventKind::InformationRequested;
                change.to = Some(Status::AwaitingSubject);
                change.clock = DeadlineEffect::Pause;
                "a pause"
            }
            4 | 5 => {
                change.event = EventKind::SubjectAnswered;
                change.clock = DeadlineEffect::Resume;
                "an answer"
            }
            6 => {
                change.event = EventKind::Extended;
                change.clock = DeadlineEffect::Extend { months: 2 };
                "an extension"
            }
            7 => {
                change.event = EventKind::Completed;
                change.to = Some(Status::Completed);
                "a completion"
            }
            8 => {
                change.event = EventKind::Refused;
                change.to = Some(Status::Refused);
                "a refusal"
            }
            _ => "a note",
        };
        // A resume of a request that is not paused is no move.
        if change.clock == DeadlineEffect::Resume && row.status != Status::AwaitingSubject {
            continue;
        }
        match apply(&app.state, &row, change).await {
            Ok(_) => moved += 1,
            Err(ChangeError::NotAllowed { .. }) => refused += 1,
            Err(other) => panic!("{what}: {other:?}"),
        }
        same_as_a_recount(&app, &who, &format!("step {step}, {what}")).await;
        // Closed ones are replaced, so the queue never empties.
        if row.status.is_closed() || rng.gen_bool(0.05) {
            let subject = Subject::new(&app, &format!("later{step}@example.org"));
            references.push(subject.file(rights[step % rights.len()]).await);
            same_as_a_recount(&app, &who, &format!("step {step}, a filing")).await;
        }
    }
    assert!(
        moved > 40 && refused > 5,
        "{moved} moves, {refused} refused"
    );
    let today = Date::paris_of(app.clock.now());
    let end = counts(&app.pool, "", today).await.unwrap();
    assert!(
        end.open > 0 && end.by_status.len() >= 2,
        "the mix reached too few states: {end:?}"
    );

    // The purge drops the rows back at zero, and nothing else.
    let zeros = app
        .scalar(
            "SELECT (SELECT COUNT(*) FROM queue_tally WHERE n = 0) \
             + (SELECT COUNT(*) FROM queue_days WHERE n = 0)",
        )
        .await;
    assert!(zeros > 0);
    let purged = privacy_portal::purge::purge(&app.pool, app.clock.now())
        .await
        .unwrap();
    assert_eq!(purged.zero_counts as i64, zeros);
    same_as_a_recount(&app, &who, "the purge").await;
    // And a recount from scratch finds what was kept.
    privacy_portal::requests::tally::recount(&app.pool)
        .await
        .unwrap();
    assert_eq!(counts(&app.pool, "", today).await.unwrap(), end);
}

on_both_databases!(the_kept_counts_equal_a_recount_after_any_mix_of_changes);
