//! Email: from a filing's answer to the DPO's email accepted by a real
//! SMTP server (aiosmtpd).

use crate::helpers::{SmtpSink, Subject, try_file};
use crate::load::Stats;
use crate::report::Report;
use std::time::{Duration, Instant};

/// `subject` is verified; its filings' emails reach `sink`.
pub async fn figure(report: &mut Report, subject: &Subject, sink: &SmtpSink) {
    // From a filing's answer to the DPO's email in the SMTP server.
    report.line("## Email");
    report.line("");
    // Read here file by file, not through the sink's reader, which reads
    // and sorts all of them: the poll is part of what is timed. Only the
    // files that arrived since the filing are read: after the filing load
    // the folder holds thousands, and reading them all on each poll took
    // most of what was timed.
    let new = sink.maildir.path().join("Maildir").join("new");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let names = || -> std::collections::HashSet<std::ffi::OsString> {
        std::fs::read_dir(&new)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.file_name())
            .collect()
    };
    let mut latencies = Vec::new();
    for _ in 0..40 {
        let seen = names();
        let t0 = Instant::now();
        let reference = try_file(&subject.address, &subject.client, "access")
            .await
            .expect("filed");
        let deadline = Instant::now() + Duration::from_secs(120);
        'wait: loop {
            for entry in std::fs::read_dir(&new).into_iter().flatten().flatten() {
                if seen.contains(&entry.file_name()) {
                    continue;
                }
                let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
                if raw.contains("To: dpo@sofacto.com") && raw.contains(&reference) {
                    latencies.push(t0.elapsed());
                    break 'wait;
                }
            }
            assert!(Instant::now() < deadline, "the DPO's email for {reference}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    latencies.sort();
    report.line(format!(
        "- Submission to the DPO's email accepted by the SMTP server (40 filings, one after another, the outbox drained first): p50 {}, p95 {}.",
        Stats::ms(latencies[latencies.len() / 2]),
        Stats::ms(latencies[latencies.len() * 95 / 100])
    ));
    report.line("");
}
