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
    LeptosOptions::builder()
        .output_name("privacy_portal")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
        .build()
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
    tokio::spawn(app.run_until_stopped(std::future::pending()));

    // The same CSS through leptos_axum's own file handler, for comparison.
    let leptos_files = {
        use privacy_portal::app::shell;
        let options = options();
        let router = axum::Router::new()
            .fallback(leptos_axum::file_and_error_handler::<LeptosOptions, _>(
                shell,
            ))
            .with_state(options);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        format!("http://127.0.0.1:{port}")
    };

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
            "GET /pkg/privacy_portal.css (tower-http, gzip)",
            format!("{base}/pkg/privacy_portal.css"),
            true,
        ),
        (
            "GET /pkg/privacy_portal.css (leptos_axum file handler)",
            format!("{leptos_files}/pkg/privacy_portal.css"),
            false,
        ),
        (
            "GET /pkg/privacy_portal.wasm (tower-http, gzip)",
            format!("{base}/pkg/privacy_portal.wasm"),
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
    let pkg = "target/site/pkg/privacy_portal";
    println!(
        "{:<58} {:>9.0} KiB",
        "WASM bundle",
        file_size(&format!("{pkg}.wasm")) as f64 / 1024.0
    );
    println!(
        "{:<58} {:>9.0} KiB",
        "WASM bundle, gzip",
        file_size(&format!("{pkg}.wasm.gz")) as f64 / 1024.0
    );
    println!(
        "{:<58} {:>9.0} KiB",
        "JS glue, gzip",
        file_size(&format!("{pkg}.js.gz")) as f64 / 1024.0
    );
    println!(
        "{:<58} {:>9.0} KiB",
        "CSS, gzip",
        file_size(&format!("{pkg}.css.gz")) as f64 / 1024.0
    );
    println!(
        "{:<58} {:>9.1} MiB",
        "server binary",
        file_size("target/release/privacy-portal") as f64 / 1048576.0
    );
}
