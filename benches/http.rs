#![recursion_limit = "256"]
//! `make bench`: throughput of the pages and files a data subject loads,
//! the size of what the browser downloads, and the server's memory.
//! Figures, not pass/fail: compare them between changes.

use leptos::prelude::LeptosOptions;
use privacy_portal::clock::SystemClock;
use privacy_portal::config::{Config, DatabaseUrl};
use privacy_portal::startup::Application;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 32;
const DURATION: Duration = Duration::from_secs(4);

fn options() -> LeptosOptions {
    privacy_portal::startup::leptos_options("target/site", SocketAddr::from(([127, 0, 0, 1], 0)))
}

/// Requests per second for `url` from `CONCURRENCY` clients during `DURATION`.
async fn throughput(client: &reqwest::Client, url: &str, gzip: bool) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + DURATION;
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (client, url, done) = (client.clone(), url.to_owned(), done.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let mut request = client.get(&url);
                    if gzip {
                        request = request.header("accept-encoding", "gzip");
                    }
                    let response = request.send().await.expect("request");
                    assert!(
                        response.status().is_success(),
                        "{url}: {}",
                        response.status()
                    );
                    response.bytes().await.expect("body");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.to_owned())
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn file_size(path: &str) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        database_url: DatabaseUrl::parse(&format!(
            "sqlite://{}",
            data.path().join("bench.db").display()
        ))
        .unwrap(),
        data_dir: data.path().to_path_buf(),
        ..Config::from_lookup(|_| None).unwrap()
    };
    let app = Application::build(config, options(), Arc::new(SystemClock))
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let assets = app.state().assets.clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    println!(
        "privacy-portal benchmarks: {CONCURRENCY} concurrent clients, {} s each, client and server on the same 2 cores",
        DURATION.as_secs()
    );
    let rss_idle = rss_mib();
    for (label, url, gzip) in [
        (
            "GET / (server-rendered home page)",
            format!("{base}/"),
            false,
        ),
        (
            "GET /verify (server-rendered form)",
            format!("{base}/verify?right=erasure"),
            false,
        ),
        (
            "GET /health (database round trip)",
            format!("{base}/health"),
            false,
        ),
        (
            "GET /pkg/<hashed>.css (precompressed gzip)",
            format!("{base}/pkg/{}", assets.css),
            true,
        ),
        (
            "GET /pkg/<hashed>.wasm (precompressed gzip)",
            format!("{base}/pkg/{}", assets.wasm),
            true,
        ),
    ] {
        let rate = throughput(&client, &url, gzip).await;
        println!("{label:<58} {rate:>9.0} req/s");
    }
    println!();
    println!(
        "{:<58} {:>9.1} MiB",
        "server + client resident memory, idle", rss_idle
    );
    println!(
        "{:<58} {:>9.1} MiB",
        "server + client resident memory, after the runs",
        rss_mib()
    );
    bundle_figures(&client, &base).await;
    println!(
        "{:<58} {:>9.1} MiB",
        "server binary",
        file_size("target/release/privacy-portal") as f64 / 1048576.0
    );
}

/// What each public page loads (.js and .wasm, gzip as built by
/// `--precompress`), beside a minimal Leptos 0.8 hydrate app built by
/// `make bench` with the same profile and wasm-opt (SPEC §7: at most 1.5x).
async fn bundle_figures(client: &reqwest::Client, base: &str) {
    let minimal_pkg = "benches/minimal-leptos/target/site/pkg";
    let minimal = gz_total(minimal_pkg, |name| {
        name.ends_with(".js.gz") || name.ends_with(".wasm.gz")
    });
    println!();
    println!(
        "{:<58} {:>9} B",
        "minimal Leptos app: .wasm + .js, gzip as served", minimal
    );
    for (label, path) in [
        ("home page", "/"),
        ("verify page", "/verify?right=access"),
        ("code page", "/verify/code"),
        (
            "request form (any right)",
            "/request/new?right=rectification",
        ),
        ("follow page (one request)", "/my-requests/R-0000-0000"),
    ] {
        let html = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("page body");
        // The loader and the preload link name the same files: count each once.
        let loaded: std::collections::BTreeSet<String> = html
            .split(['"', '\''])
            .filter(|part| {
                part.starts_with("/pkg/") && (part.ends_with(".js") || part.ends_with(".wasm"))
            })
            .map(|part| format!("target/site{part}.gz"))
            .collect();
        let total: u64 = loaded.iter().map(|file| file_size(file)).sum();
        println!(
            "{:<58} {:>9} B  {:.2}x minimal",
            format!("{label}: .wasm + .js, gzip as served"),
            total,
            total as f64 / minimal.max(1) as f64
        );
    }
    let raw = gz_total("target/site/pkg", |name| name.ends_with(".wasm"));
    let brotli = gz_total("target/site/pkg", |name| {
        name.ends_with(".wasm.br") || name.ends_with(".js.br")
    });
    println!("{:<58} {:>9} B", "portal WASM, raw", raw);
    println!("{:<58} {:>9} B", "portal .wasm + .js, brotli", brotli);
}

/// The total size of the files of `dir` whose names pass `keep`.
fn gz_total(dir: &str, keep: impl Fn(&str) -> bool) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| keep(&e.file_name().to_string_lossy()))
                .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}
