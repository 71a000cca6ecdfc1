#![recursion_limit = "256"]
//! `make bench`: the figures of issue 10, each beside the reference that
//! says what it is worth, measured side by side in one run on this
//! machine, and written to `benches/RESULTS.md`. Figures, not pass/fail.
//! One module per figure, run in this order:
//!
//! - `pages`: requests/s and p99 of the portal's pages (the release binary,
//!   its own process), beside the same home page bytes served from memory
//!   by a bare axum server (the ceiling) and a minimal Leptos 0.8 SSR page
//!   (the framework's floor, `benches/minimal-leptos`).
//! - `filing`: verified sessions filing at once, beside a raw
//!   insert-and-commit loop with the same SQLite settings (`raw_inserts`).
//! - `email`: from a filing's answer to the DPO's email accepted by a real
//!   SMTP server (aiosmtpd).
//! - `systems`: tasks per started request, the webhook's delivery
//!   latency, and results posted per second beside raw commits.
//! - `memory`: the server's resident set, idle and under filing.
//! - `queue`: p95 of the DPO's queue over one million seeded requests.
//! - `bundle`: what each public page loads, beside the minimal app.
//!
//! The subject and the DPO are the API tests' drivers
//! (`tests/api/helpers/`), pointed at the portal's own process. The
//! portal's rate limits are raised through their `PORTAL_*` variables: all
//! this traffic comes from one address.

// The API tests' helpers: the bench uses the drivers and the SMTP sink,
// not the in-process app nor the scenarios' reads and form fields.
#[allow(dead_code, unused_imports)]
#[path = "../../tests/api/helpers/mod.rs"]
mod helpers;

mod bundle;
mod commits;
mod email;
mod filing;
mod load;
mod memory;
mod pages;
mod portal;
mod queue;
mod raw_inserts;
mod report;
mod systems;

use helpers::{SmtpSink, Subject, free_port};
use load::{CONCURRENCY, DURATION};
use report::Report;
use sqlx::{Connection, Row};
use std::process::Command;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let mut report = Report::default();
    let work = tempfile::tempdir().unwrap();
    machine(&mut report).await;
    // `PORTAL_BENCH_ONLY=queue`: the queue's figures alone, printed, not
    // written over the full results.
    if std::env::var("PORTAL_BENCH_ONLY").as_deref() == Ok("queue") {
        let sink = SmtpSink::start(free_port());
        queue::figure(&mut report, work.path(), sink.port).await;
        report.print();
        return;
    }

    // The portal, on a fresh database, with a real SMTP server.
    let sink = SmtpSink::start(free_port());
    let data = work.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db_url = format!("sqlite://{}", data.join("portal.db").display());
    let port = free_port();
    let server = portal::start(&data, &db_url, port, sink.port);
    let base = format!("http://127.0.0.1:{port}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_idle = portal::rss_mib(server.pid());

    // A subject with a request, and a DPO, for the dynamic pages.
    let subject = Subject::at(&base, Some(sink.mailbox()), "bench@example.org");
    let reference = subject.file("access").await;
    let dpo = portal::signed_in_dpo(&base, &data, &db_url).await;
    // `PORTAL_BENCH_ONLY=email`: the email's latency alone, printed.
    if std::env::var("PORTAL_BENCH_ONLY").as_deref() == Ok("email") {
        email::figure(&mut report, &subject, &sink).await;
        report.print();
        return;
    }
    // `PORTAL_BENCH_ONLY=commits`: the commits of one filing, printed.
    if std::env::var("PORTAL_BENCH_ONLY").as_deref() == Ok("commits") {
        let commits = commits::per_filing(&base, &sink, &data, &db_url).await;
        commits::figure(&mut report, commits);
        report.print();
        return;
    }
    // `PORTAL_BENCH_ONLY=systems`: the systems' figures alone, printed.
    let only_systems = std::env::var("PORTAL_BENCH_ONLY").as_deref() == Ok("systems");
    let mut rss_load = f64::NAN;
    if !only_systems {
        pages::figure(&mut report, &base, &subject, &reference, &dpo).await;
        // Before the load: its emails would queue ahead of the count's.
        let commits = commits::per_filing(&base, &sink, &data, &db_url).await;
        rss_load = filing::figure(&mut report, &base, &sink, &server, &data, work.path()).await;
        commits::figure(&mut report, commits);
        email::figure(&mut report, &subject, &sink).await;
    }
    let portal = systems::Portal {
        base: &base,
        data: &data,
        db_url: &db_url,
    };
    systems::figure(&mut report, &portal, &subject, &dpo, work.path()).await;
    if only_systems {
        report.print();
        return;
    }
    memory::figure(&mut report, &server, rss_idle, rss_load);
    drop(server);
    queue::figure(&mut report, work.path(), sink.port).await;
    bundle::figure(&mut report);
    report.finish();
}

/// The report's heading: the machine, the toolchain and the load.
async fn machine(report: &mut Report) {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("").to_owned())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1048576.0)
        .unwrap_or(0.0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    report.line("# `make bench` results");
    report.line("");
    report.line(format!(
        "Machine: {cores} cores ({cpu}), {memory:.1} GiB; {}; SQLite {}; {CONCURRENCY} concurrent clients, {} s per run; client, servers and SMTP server share the cores.",
        command_line("rustc", &["--version"]),
        sqlx_sqlite_version().await,
        DURATION.as_secs()
    ));
    report.line("");
}

fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

async fn sqlx_sqlite_version() -> String {
    sqlx::any::install_default_drivers();
    match sqlx::AnyConnection::connect("sqlite::memory:").await {
        Ok(mut conn) => sqlx::query("SELECT sqlite_version()")
            .fetch_one(&mut conn)
            .await
            .map(|row| row.get::<String, _>(0))
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}
