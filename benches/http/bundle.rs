//! Bundle: the JavaScript and WASM the public pages load, beside a minimal
//! Leptos app's.

use crate::report::Report;

/// What each public page loads (.js and .wasm, gzip as built by
/// `--precompress`), beside a minimal Leptos 0.8 hydrate app built by
/// `make bench` with the same profile and wasm-opt (SPEC §7: at most 1.5x).
pub fn figure(report: &mut Report) {
    let minimal_pkg = "benches/minimal-leptos/target/site/pkg";
    let minimal = gz_total(minimal_pkg, |name| {
        name.ends_with(".js.gz") || name.ends_with(".wasm.gz")
    });
    report.line("## Bundle");
    report.line("");
    report.line(format!(
        "- Minimal Leptos app: .wasm + .js, gzip as served: {minimal} B."
    ));
    let portal = gz_total("target/site/pkg", |name| {
        name.ends_with(".js.gz") || name.ends_with(".wasm.gz")
    });
    report.line(format!(
        "- The portal's public pages with a form (verify, code, request form, follow page) load its one island bundle: {portal} B gzip, **{:.2}x** the minimal app (goal ≤ 1.5x). The home page, the 404 page, the request list and the console load none.",
        portal as f64 / minimal.max(1) as f64
    ));
    let raw = gz_total("target/site/pkg", |name| name.ends_with(".wasm"));
    let brotli = gz_total("target/site/pkg", |name| {
        name.ends_with(".wasm.br") || name.ends_with(".js.br")
    });
    report.line(format!(
        "- Portal WASM raw {raw} B; .wasm + .js brotli {brotli} B."
    ));
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
