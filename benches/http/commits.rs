//! Commits: how many durable commits one filing causes, counted in
//! SQLite's write-ahead log. The log is emptied first (a TRUNCATE
//! checkpoint, with the portal idle); then one subject files one request
//! and its two emails (the DPO's notice, the subject's receipt) are
//! accepted by the SMTP server; then each commit frame in the log is one
//! commit, whoever made it.

use crate::helpers::{SmtpSink, Subject, try_file};
use crate::report::Report;
use privacy_portal::config::DatabaseUrl;
use sqlx::Row;
use std::path::Path;
use std::time::Duration;

/// The commit frames in the write-ahead log of the database `db` since its
/// last reset: frames carrying the header's salts whose "database size
/// after commit" is set (sqlite.org/fileformat.html, "WAL File Format").
pub fn wal_commits(db: &Path) -> usize {
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    if wal.len() < 32 {
        return 0;
    }
    let be = |at: usize| u32::from_be_bytes([wal[at], wal[at + 1], wal[at + 2], wal[at + 3]]);
    let page_size = be(8) as usize;
    let (salt1, salt2) = (be(16), be(20));
    let mut commits = 0;
    let mut at = 32;
    while at + 24 + page_size <= wal.len() {
        if be(at + 8) != salt1 || be(at + 12) != salt2 {
            break;
        }
        if be(at + 4) != 0 {
            commits += 1;
        }
        at += 24 + page_size;
    }
    commits
}

/// Empties the log; `false` if a reader kept it from being emptied.
async fn truncate_log(database_url: &str) -> bool {
    let pool = privacy_portal::db::connect(&DatabaseUrl::parse(database_url).unwrap())
        .await
        .unwrap();
    let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&pool)
        .await
        .unwrap();
    let busy: i64 = row.get(0);
    pool.close().await;
    busy == 0
}

/// Commits for one filing, its two emails sent: at most 5 tries at a
/// moment when nothing else writes.
pub async fn per_filing(base: &str, sink: &SmtpSink, data: &Path, database_url: &str) -> usize {
    let subject = Subject::at(base, Some(sink.mailbox()), "commits@example.org");
    subject.verify("access").await;
    let db = data.join("portal.db");
    let mut counts = Vec::new();
    for attempt in 0..5 {
        // The code email's record, and anything else in flight, first.
        tokio::time::sleep(Duration::from_millis(500)).await;
        if !truncate_log(database_url).await {
            continue;
        }
        assert_eq!(wal_commits(&db), 0, "the log was emptied");
        let before = sink.mailbox().count_to("dpo@sofacto.com");
        let reference = try_file(&subject.address, &subject.client, "access")
            .await
            .unwrap_or_else(|| panic!("filing {attempt}"));
        // Both emails accepted, and their records written.
        sink.mailbox()
            .wait_for_text("dpo@sofacto.com", &reference)
            .await;
        sink.mailbox()
            .wait_for_text("commits@example.org", &reference)
            .await;
        assert!(sink.mailbox().count_to("dpo@sofacto.com") > before);
        tokio::time::sleep(Duration::from_millis(500)).await;
        counts.push(wal_commits(&db));
    }
    // The fewest: a try that met a stray write (a purge) counts more.
    counts
        .into_iter()
        .min()
        .expect("the log could be emptied once")
}

/// The count, under the filing's heading.
pub fn figure(report: &mut Report, commits: usize) {
    report.line(format!(
        "- Durable commits for one filing, counted in SQLite's write-ahead log (the post, then its two emails claimed and recorded sent): **{commits}** (goal: the filing itself in one, and one each to claim and to record its emails)."
    ));
    report.line("");
    if commits > 3 {
        report.miss(format!(
            "One filing causes {commits} commits: more than the filing's own and one each to claim and record its emails."
        ));
    }
}
