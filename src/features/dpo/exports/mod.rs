//! What the DPO hands an inspector: the register of every request as CSV,
//! and one request's evidence as JSON or as a readable page. Both are audited; the evidence
//! file's SHA-256 is what its audit entry names, so `privacy-portal audit
//! verify --evidence FILE` can tell it was not changed afterwards.

mod evidence;
mod evidence_page;
mod register;

pub use evidence::{EvidenceFormat, evidence, evidence_page, export_evidence};
pub use register::{REGISTER_HEADER, RegisterForm, csv_cell, register};

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

fn attachment(content_type: &'static str, name: &str, body: Body) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}
