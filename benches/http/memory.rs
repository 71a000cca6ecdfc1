//! Memory: the server's resident set, idle and under filing, and the size
//! of its binary.

use crate::portal::{Process, portal_binary, rss_mib};
use crate::report::Report;

/// `rss_idle` was read before any load, `rss_load` at the peak of the
/// filing load; the portal still runs.
pub fn figure(report: &mut Report, portal: &Process, rss_idle: f64, rss_load: f64) {
    report.line("## Memory");
    report.line("");
    report.line(format!(
        "- Server resident set: **{rss_idle:.1} MiB idle** (goal < 64 MiB), {rss_load:.1} MiB at the peak of the filing load, {:.1} MiB after the runs.",
        rss_mib(portal.pid())
    ));
    report.line(format!(
        "- Server binary: {:.1} MiB.",
        file_size(&portal_binary()) as f64 / 1048576.0
    ));
    report.line("");
}

fn file_size(path: &str) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
