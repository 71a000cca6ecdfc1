//! The one error type that crosses the wire to the browser. It carries no
//! cause: causes are logged on the server, people get a plain message.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// Something broke on our side; the cause is in the server log.
    Internal,
    NotFound,
    /// No valid session for what was asked.
    Unauthorized,
    /// Too many attempts; try again after this many seconds.
    RateLimited {
        retry_after_secs: u64,
    },
    /// The call itself failed (network, encoding): the server never saw it
    /// or could not read it.
    Transport(String),
}

impl AppError {
    /// Logs the cause chain and returns the opaque error shown to people.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, cause: impl fmt::Display) -> Self {
        tracing::error!(error = %cause, "{context}");
        AppError::Internal
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Internal => f.write_str("internal error"),
            AppError::NotFound => f.write_str("not found"),
            AppError::Unauthorized => f.write_str("unauthorized"),
            AppError::RateLimited { retry_after_secs } => {
                write!(f, "rate limited for {retry_after_secs} s")
            }
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
