//! SOFACTO's systems (issue 18): the tasks a started request creates, the
//! results the API takes per second beside raw commits, and the webhook
//! delivery latency to a receiver on loopback.

use crate::helpers::{Dpo, Receiver, Subject, free_port, try_file};
use crate::load::{DURATION, Stats, load};
use crate::portal::portal_command;
use crate::raw_inserts;
use crate::report::Report;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Results posted at once.
const CLIENTS: usize = 8;
/// Open tasks seeded for the results' run: more than it can answer.
const SEEDED: usize = 30_000;

/// Declares a system with the CLI; returns its key and webhook secret.
fn add_system(data: &Path, db_url: &str, args: &[&str]) -> (String, Option<String>) {
    let output = portal_command(data, db_url)
        .args(["system", "add"])
        .args(args)
        .output()
        .expect("system add");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8_lossy(&output.stdout).to_string();
    let line = |prefix: &str| {
        printed
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::to_owned)
    };
    (line("api key: ").expect("a key"), line("webhook secret: "))
}

/// The portal's process: its address, data folder and database.
pub struct Portal<'a> {
    pub base: &'a str,
    pub data: &'a Path,
    pub db_url: &'a str,
}

pub async fn figure(
    report: &mut Report,
    portal: &Portal<'_>,
    subject: &Subject,
    dpo: &Dpo,
    work: &Path,
) {
    let Portal { base, data, db_url } = *portal;
    report.line("## SOFACTO's systems (the API)");
    report.line("");
    let port = free_port();
    let (_, secret) = add_system(
        data,
        db_url,
        &[
            "crm",
            "--rights",
            "access,erasure",
            "--webhook",
            &format!("http://127.0.0.1:{port}/hook"),
        ],
    );
    let (pull_key, _) = add_system(data, db_url, &["billing", "--rights", "access", "--pull"]);
    let receiver = Receiver::start(port, &secret.expect("a webhook secret")).await;

    // From the DPO's start, answered, to the task in the receiver.
    let mut latencies = Vec::new();
    let mut started = 0usize;
    for _ in 0..40 {
        let reference = try_file(&subject.address, &subject.client, "access")
            .await
            .expect("filed");
        dpo.done(&reference, "start", "received", &[]).await;
        let t0 = Instant::now();
        started += 1;
        let deadline = t0 + Duration::from_secs(60);
        while !receiver
            .delivered()
            .iter()
            .any(|d| d.body["data"]["reference"] == reference.as_str())
        {
            assert!(Instant::now() < deadline, "the webhook for {reference}");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        latencies.push(t0.elapsed());
    }
    latencies.sort();
    let http = reqwest::Client::new();
    let pulled: serde_json::Value = http
        .get(format!("{base}/api/v1/tasks?state=all"))
        .bearer_auth(&pull_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tasks = receiver.delivered().len() + pulled["tasks"].as_array().map_or(0, Vec::len);
    report.line(format!(
        "- Tasks per started request: {:.1} ({tasks} for {started} access requests, two systems handling access: one webhook, one pull), created in the start's own transaction.",
        tasks as f64 / started as f64
    ));
    report.line(format!(
        "- Webhook delivery, from the DPO's start answered to the signed task received on loopback (40 requests, one after another): p50 {}, p95 {}.",
        Stats::ms(latencies[latencies.len() / 2]),
        Stats::ms(latencies[latencies.len() * 95 / 100])
    ));

    // Results per second: open tasks seeded for the pull system, each
    // answered once under its own key.
    let ids = seed_tasks(db_url).await;
    let ids = Arc::new(ids);
    let next = Arc::new(AtomicUsize::new(0));
    let (base, key) = (base.to_owned(), pull_key.clone());
    let stats = load(CLIENTS, DURATION, move |_| {
        let (ids, next, http, base, key) = (
            ids.clone(),
            next.clone(),
            http.clone(),
            base.clone(),
            key.clone(),
        );
        async move {
            let id = &ids[next.fetch_add(1, Ordering::Relaxed) % ids.len()];
            http.post(format!("{base}/api/v1/tasks/{id}/result"))
                .bearer_auth(&key)
                .header("idempotency-key", id.as_str())
                .json(&serde_json::json!({ "outcome": "not_found" }))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
        }
    })
    .await;
    let raw = raw_inserts::commits_per_second(work, 300).await;
    report.line(format!(
        "- Results posted, {CLIENTS} clients at once: {:.0}/s (p50 {}, p99 {}, {} errors), {:.0} % of raw commits ({raw:.0}/s, one row each, WAL, synchronous=FULL). Each result is two commits: the key's rate counter, then the result with its idempotency key and audit entry.",
        stats.rate,
        Stats::ms(stats.p50),
        Stats::ms(stats.p99),
        stats.errors,
        stats.rate / raw * 100.0
    ));
    report.line("");
}

/// Seeds open tasks of the pull system (`billing`) on one request;
/// returns their ids.
async fn seed_tasks(db_url: &str) -> Vec<String> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(db_url).await.unwrap();
    let system: String = sqlx::query_scalar("SELECT id FROM systems WHERE name = 'billing'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let request: String = sqlx::query_scalar("SELECT id FROM requests LIMIT 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let ids: Vec<String> = (0..SEEDED).map(|i| format!("bench{i:026}")).collect();
    let mut tx = conn.begin().await.unwrap();
    for id in &ids {
        sqlx::query(
            "INSERT INTO system_tasks (id, system_id, request_id, created_at, state, delivery) VALUES ($1, $2, $3, 0, 'open', 'pull')",
        )
        .bind(id)
        .bind(&system)
        .bind(&request)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    ids
}
