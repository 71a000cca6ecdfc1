//! RFC 9457 problem details: every error of the API, with a stable
//! `type` (`urn:privacy-portal:problem:<slug>`) a client can match on, a
//! human `title` and `detail`, and for invalid input the fields at fault.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The prefix of every problem type.
pub const TYPE_PREFIX: &str = "urn:privacy-portal:problem:";

#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub slug: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<(String, String)>,
    pub retry_after: Option<u64>,
}

/// An error, as RFC 9457 writes it (`application/problem+json`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemDocument {
    /// Stable: `urn:privacy-portal:problem:` and a slug
    /// (`unauthorized`, `not-found`, `invalid`…).
    #[serde(rename = "type")]
    #[schema(example = "urn:privacy-portal:problem:invalid")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For `invalid`: each field at fault.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub detail: String,
}

/// How long a client waits before sending a corrected call again: the
/// same call fails the same way.
const FIX_FIRST_SECS: u64 = 60;

impl Problem {
    pub fn new(status: StatusCode, slug: &'static str, title: &'static str, detail: &str) -> Self {
        Problem {
            status,
            slug,
            title,
            detail: detail.to_owned(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn unauthorized() -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "No valid API key",
            "send Authorization: Bearer spp_… with the key of an enabled system",
        )
    }

    pub fn forbidden(detail: &str) -> Self {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Outside this key's scope",
            detail,
        )
    }

    pub fn not_found(detail: &str) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn bad_request(detail: &str) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    pub fn invalid<F: Into<String>>(errors: Vec<(F, String)>) -> Self {
        Problem {
            errors: errors
                .into_iter()
                .map(|(field, detail)| (field.into(), detail))
                .collect(),
            ..Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Invalid input",
                "the body was read but a field is wrong: see errors",
            )
        }
        .with_retry_after(FIX_FIRST_SECS)
    }

    pub fn too_large(max_bytes: usize) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Too large",
            &format!(
                "a result's files may hold {} MiB together (PORTAL_MAX_FILE_MB)",
                max_bytes / 1_048_576
            ),
        )
        .with_retry_after(FIX_FIRST_SECS)
    }

    pub fn unsupported_media_type() -> Self {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Send JSON",
            "send the body as Content-Type: application/json",
        )
        .with_retry_after(FIX_FIRST_SECS)
    }

    pub fn too_many(wait_secs: u64) -> Self {
        Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many calls",
            "this key made too many calls this minute (PORTAL_API_CALLS_PER_KEY_PER_MINUTE)",
        )
        .with_retry_after(wait_secs)
    }

    /// Our failure: the cause is logged, the caller gets no detail.
    pub fn internal(error: anyhow::Error) -> Self {
        tracing::error!(error = format!("{error:#}"), "api: internal error");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the portal failed to answer; try again later",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = ProblemDocument {
            kind: format!("{TYPE_PREFIX}{}", self.slug),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self
                .errors
                .iter()
                .map(|(field, detail)| FieldError {
                    field: field.clone(),
                    detail: detail.clone(),
                })
                .collect(),
        };
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            serde_json::to_string(&body).unwrap_or_default(),
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
