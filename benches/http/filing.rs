//! Filing: verified sessions filing at once, beside a raw insert-and-commit
//! loop with the same SQLite settings; and the server's resident set at
//! the peak of that load, for the memory figure.

use crate::helpers::{SmtpSink, Subject, try_file};
use crate::load::{DURATION, Stats, load};
use crate::portal::{Process, rss_mib};
use crate::raw_inserts;
use crate::report::Report;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The portal at `base` keeps its files in `data`; the raw loop writes in
/// `work`. Returns the resident set at the peak of the load, in MiB.
pub async fn figure(
    report: &mut Report,
    base: &str,
    sink: &SmtpSink,
    portal: &Process,
    data: &Path,
    work: &Path,
) -> f64 {
    // Verified sessions at once, beside raw commits.
    report.line("## Filing");
    report.line("");
    let mut filers = Vec::new();
    for i in 0..16 {
        let filer = Subject::at(base, Some(sink.mailbox()), &format!("filer{i}@example.org"));
        filer.verify("access").await;
        filers.push(filer);
    }
    let filers = Arc::new(filers);
    let db_before = dir_size(data);
    let peak = Arc::new(std::sync::Mutex::new(0f64));
    let sampler = {
        let (peak, pid) = (peak.clone(), portal.pid());
        tokio::spawn(async move {
            loop {
                let now = rss_mib(pid);
                {
                    let mut peak = peak.lock().unwrap();
                    *peak = peak.max(now);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let filed = {
        let filers = filers.clone();
        load(filers.len(), DURATION, move |task| {
            let filers = filers.clone();
            async move {
                let filer = &filers[task];
                try_file(&filer.address, &filer.client, "access")
                    .await
                    .is_some()
            }
        })
        .await
    };
    sampler.abort();
    let rss_load = *peak.lock().unwrap();
    let filings = (filed.rate * DURATION.as_secs_f64()).max(1.0);
    let row_bytes = ((dir_size(data).saturating_sub(db_before)) as f64 / filings) as usize;
    let raw = raw_inserts::commits_per_second(work, row_bytes.clamp(512, 65536)).await;
    report.line(format!(
        "- {} sessions filing at once (form read, then posted): **{:.0} requests/s**, p50 {}, p99 {}, {} errors.",
        filers.len(),
        filed.rate,
        Stats::ms(filed.p50),
        Stats::ms(filed.p99),
        filed.errors
    ));
    report.line(format!(
        "- A raw insert-and-commit loop, WAL and synchronous=FULL, rows of {row_bytes} bytes (what one filing adds to the files): **{raw:.0} commits/s**. Filing reaches **{:.0} %** of it (goal ≥ 50 %).",
        100.0 * filed.rate / raw
    ));
    if filed.rate < 0.5 * raw {
        report.miss(format!(
            "Filing at {:.0} % of raw commits: a filing is two HTTP round trips (the form and its one-time key, then the post), a session lookup, the validation, the reads that find a double submission and count the open requests, and one transaction of several writes (the request, its search terms, its timeline event, two outbox rows, the audit entry that moves the audit head, the kept counts, the limits' counters), while the email worker claims and records the emails beside it (two more commits per filing); the raw loop is one insert per commit. Not profiled further yet.",
            100.0 * filed.rate / raw
        ));
    }
    report.line("");
    rss_load
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}
