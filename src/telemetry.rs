//! Logs to stdout, filtered by `RUST_LOG` (default `info`). Spans carry the
//! method and the route *pattern*, never the path itself: a path can hold a
//! token, and a query string an address.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
