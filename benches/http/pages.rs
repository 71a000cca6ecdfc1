//! Pages: requests/s and p99 of the portal's pages, beside the same home
//! page bytes served from memory by a bare axum server (the ceiling), a
//! minimal Leptos 0.8 SSR page (the framework's floor), and the same bytes
//! of the CSS and the WASM from memory.

use crate::free_port;
use crate::helpers::{Dpo, Subject};
use crate::load::{CONCURRENCY, DURATION, Stats, load};
use crate::portal::{Process, wait_port};
use crate::report::Report;
use std::path::Path;
use std::process::{Command, Stdio};

async fn get_ok(client: &reqwest::Client, url: &str, gzip: bool) -> bool {
    let mut request = client.get(url);
    if gzip {
        request = request.header("accept-encoding", "gzip");
    }
    match request.send().await {
        Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
        Err(_) => false,
    }
}

async fn pages(client: &reqwest::Client, url: &str, gzip: bool) -> Stats {
    let (client, url) = (client.clone(), url.to_owned());
    load(CONCURRENCY, DURATION, move |_| {
        let (client, url) = (client.clone(), url.clone());
        async move { get_ok(&client, &url, gzip).await }
    })
    .await
}

/// `subject` has filed `reference`; `dpo` is signed in.
pub async fn figure(
    report: &mut Report,
    base: &str,
    subject: &Subject,
    reference: &str,
    dpo: &Dpo,
) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();

    let home = client
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // The ceilings: the same bytes from memory, bare axum (the home page,
    // and the gzip copies of the CSS and the WASM).
    let hash_file = privacy_portal::web::assets::find_hash_file(Path::new("target/site"));
    let assets =
        privacy_portal::web::assets::Assets::load("privacy_portal", "pkg", hash_file.as_deref());
    let ceiling_port = free_port();
    {
        let read = |name: &str| {
            axum::body::Bytes::from(
                std::fs::read(format!("target/site/pkg/{name}.gz")).unwrap_or_default(),
            )
        };
        let route = |bytes: axum::body::Bytes, kind: &'static str, gzip: bool| {
            axum::routing::get(move || {
                let bytes = bytes.clone();
                async move {
                    let mut response = axum::response::Response::new(axum::body::Body::from(bytes));
                    let headers = response.headers_mut();
                    headers.insert("content-type", axum::http::HeaderValue::from_static(kind));
                    if gzip {
                        headers.insert(
                            "content-encoding",
                            axum::http::HeaderValue::from_static("gzip"),
                        );
                    }
                    response
                }
            })
        };
        let app = axum::Router::new()
            .route("/", route(home.clone(), "text/html; charset=utf-8", false))
            .route("/css", route(read(&assets.css), "text/css", true))
            .route("/wasm", route(read(&assets.wasm), "application/wasm", true));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", ceiling_port))
            .await
            .unwrap();
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
    }
    // The floor: a minimal Leptos 0.8 SSR page.
    let minimal_port = free_port();
    let _minimal = Command::new("target/release/minimal_leptos")
        .current_dir("benches/minimal-leptos")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{minimal_port}"))
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_OUTPUT_NAME", "minimal_leptos")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()
        .map(Process);
    if _minimal.is_some() {
        wait_port(minimal_port);
    }

    report.line("## Pages");
    report.line("");
    report.line("| what | requests/s | p99 | beside |");
    report.line("|---|---|---|---|");
    let ceiling = pages(&client, &format!("http://127.0.0.1:{ceiling_port}/"), false).await;
    report.line(format!(
        "| bare axum, the home page's {} bytes from memory (ceiling) | {:.0} | {} | 100 % |",
        home.len(),
        ceiling.rate,
        Stats::ms(ceiling.p99)
    ));
    let minimal = if _minimal.is_some() {
        let minimal = pages(&client, &format!("http://127.0.0.1:{minimal_port}/"), false).await;
        report.line(format!(
            "| minimal Leptos 0.8 SSR page (floor) | {:.0} | {} | {:.0} % of the ceiling |",
            minimal.rate,
            Stats::ms(minimal.p99),
            100.0 * minimal.rate / ceiling.rate
        ));
        minimal.rate
    } else {
        report.line("| minimal Leptos SSR page | not built (`make minimal-leptos`) | | |");
        f64::NAN
    };
    let home_stats = pages(&client, &format!("{base}/"), false).await;
    report.line(format!(
        "| portal home page (same for everyone in a language) | {:.0} | {} | {:.0} % of the ceiling (goal ≥ 70 %) |",
        home_stats.rate,
        Stats::ms(home_stats.p99),
        100.0 * home_stats.rate / ceiling.rate
    ));
    if home_stats.rate < 0.7 * ceiling.rate {
        report.miss(format!(
            "Home page at {:.0} % of the ceiling: it comes from memory, but each answer still crosses the middleware stack (trace span, origin and no-store checks, compression negotiation, security headers, body limit and timeout) and gets a fresh nonce.",
            100.0 * home_stats.rate / ceiling.rate
        ));
    }
    let mut slow_dynamic = Vec::new();
    for (label, url, who) in [
        (
            "portal request form (verify page)",
            format!("{base}/verify?right=erasure"),
            &client,
        ),
        (
            "portal follow page (signed-in subject)",
            format!("{base}/my-requests/{reference}"),
            &subject.client,
        ),
        (
            "portal DPO queue (signed in)",
            format!("{base}/dpo"),
            &dpo.client,
        ),
    ] {
        let stats = pages(who, &url, false).await;
        report.line(format!(
            "| {label} | {:.0} | {} | {:.0} % of the minimal Leptos page (goal ≥ 70 %) |",
            stats.rate,
            Stats::ms(stats.p99),
            100.0 * stats.rate / minimal
        ));
        if stats.rate < 0.7 * minimal {
            slow_dynamic.push(format!("{label} {:.0} %", 100.0 * stats.rate / minimal));
        }
    }
    if !slow_dynamic.is_empty() {
        report.miss(format!(
            "Dynamic pages below 70 % of the minimal Leptos page ({}): the minimal page renders one heading and a button; each portal page renders the full layout, its islands' serialized props and translated texts, reads the session and its data from the database (the follow page: session, request, timeline, files; the queue: the DPO's session, a page of requests and the counts), and crosses the middleware stack. Not profiled further yet.",
            slow_dynamic.join(", ")
        ));
    }
    for (label, file, path) in [
        ("CSS, precompressed gzip", assets.css.clone(), "css"),
        ("WASM, precompressed gzip", assets.wasm.clone(), "wasm"),
    ] {
        let own = pages(
            &client,
            &format!("http://127.0.0.1:{ceiling_port}/{path}"),
            true,
        )
        .await;
        let stats = pages(&client, &format!("{base}/pkg/{file}"), true).await;
        report.line(format!(
            "| bare axum, the {label} bytes from memory (ceiling) | {:.0} | {} | 100 % |",
            own.rate,
            Stats::ms(own.p99)
        ));
        report.line(format!(
            "| portal static {label} | {:.0} | {} | {:.0} % of its ceiling (goal ≥ 80 %) |",
            stats.rate,
            Stats::ms(stats.p99),
            100.0 * stats.rate / own.rate
        ));
        if stats.rate < 0.8 * own.rate {
            report.miss(format!(
                "Static {label} at {:.0} % of the same bytes from bare axum: the files come from memory and are answered before the middleware, by one extra layer that looks at the path; the rest is the router's own cost and the spread between runs on shared cores (±15 %).",
                100.0 * stats.rate / own.rate
            ));
        }
    }
    report.line("");
}
