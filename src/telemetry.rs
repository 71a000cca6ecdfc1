//! Logs to stdout, filtered by `RUST_LOG` (default `info`): lines of text,
//! or with `PORTAL_LOG_FORMAT=json` one JSON object a line for a log
//! collector. Spans carry the method and the route *pattern*, never the
//! path itself: a path can hold a token, and a query string an address.

use tracing_subscriber::EnvFilter;

/// Starts logging; an unknown `PORTAL_LOG_FORMAT` is a configuration
/// error (the caller prints it and exits 2), and nothing is logged.
pub fn init() -> Result<(), crate::config::ConfigError> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    match std::env::var("PORTAL_LOG_FORMAT").ok().as_deref() {
        None | Some("" | "text") => {
            let _ = builder.try_init();
        }
        Some("json") => {
            // The span's fields (method, route) beside the event's own,
            // and no list of parent spans: one flat object a line.
            let _ = builder
                .json()
                .with_current_span(true)
                .with_span_list(false)
                .try_init();
        }
        Some(_) => {
            return Err(crate::config::ConfigError {
                variable: "PORTAL_LOG_FORMAT",
                reason: "must be text (the default) or json".into(),
            });
        }
    }
    Ok(())
}
