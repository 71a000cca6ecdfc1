//! The one error type that crosses the wire to the browser. It carries no
//! cause: the cause is logged once on the server, people get a plain
//! message. Expected outcomes (not found, invalid, too many tries) are
//! data, not errors.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// Something broke on our side; the cause is in the server log.
    Internal,
    /// The call itself failed (network, encoding): the server never saw it
    /// or could not read it.
    Transport(String),
}

/// `?` on anything with `.context("…")`: the cause chain is logged here,
/// once, and never reaches the browser. There is deliberately no
/// `From<sqlx::Error>`: a raw database error must be given a context.
#[cfg(feature = "ssr")]
impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        tracing::error!(error = format!("{error:#}"), "internal error");
        AppError::Internal
    }
}

/// For the plain (non-Leptos) handlers: `?` on a cause gives a 500 with a
/// plain message; the cause was logged when it became an `AppError`.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::StatusCode;
        let status = match self {
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport(_) => StatusCode::BAD_REQUEST,
        };
        (status, self.to_string()).into_response()
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Internal => f.write_str("internal error"),
            AppError::Transport(message) => write!(f, "transport error: {message}"),
        }
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
