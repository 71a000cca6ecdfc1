//! What the DPO hands an inspector: the register of every request as CSV,
//! and one request's evidence as JSON. Both are audited; the evidence
//! file's SHA-256 is what its audit entry names, so `privacy-portal audit
//! verify --evidence FILE` can tell it was not changed afterwards.

use super::session::{Dpo, SessionState, session};
use crate::audit::{self, Entry, Who};
use crate::domain::outcome::Outcome;
use crate::domain::{Date, Reference, Status};
use crate::state::AppState;
use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

/// Why an export is not given: nobody signed in, or the session could not
/// be read.
pub(super) enum Refused {
    SignIn,
    Trouble,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::SignIn => Redirect::to("/dpo/login").into_response(),
            Refused::Trouble => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

/// The signed-in DPO, or why not.
pub(super) async fn signed_in(state: &AppState, parts: &Parts) -> Result<Dpo, Refused> {
    match session(state, parts).await {
        Ok(SessionState::SignedIn(dpo)) => Ok(dpo),
        Ok(_) => Err(Refused::SignIn),
        Err(_) => Err(Refused::Trouble),
    }
}

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

fn failed(e: anyhow::Error) -> Response {
    tracing::error!(error = format!("{e:#}"), "export failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

// ---------------------------------------------------------------------------
// The register

/// The register's form: names and addresses only when ticked.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub personal: String,
}

/// One cell: a value a spreadsheet would run as a formula (starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`; a
/// value with a comma, a quote or a line break is quoted.
pub fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

pub const REGISTER_HEADER: &[&str] = &[
    "reference",
    "right",
    "channel",
    "received_on",
    "first_due_on",
    "due_on",
    "extended_on",
    "extension_months",
    "closed_on",
    "status",
    "outcome",
    "on_time",
    "days_taken",
    "anonymised",
];
const PERSONAL_HEADER: &[&str] = &["first_name", "last_name", "email"];

pub use crate::requests::read::RegisterRow;
use crate::requests::read::register_page;

impl RegisterRow {
    pub fn cells(&self, personal: bool) -> Vec<String> {
        let closed_on = self.closed_at.map(Date::paris_of);
        let received = Date::parse_iso(&self.received_on);
        let due = self.due_on.as_deref().and_then(Date::parse_iso);
        let decided = matches!(self.status.as_str(), "completed" | "refused");
        let on_time = match (decided, closed_on, due) {
            (true, Some(closed), Some(due)) => if closed <= due { "yes" } else { "no" }.to_owned(),
            _ => String::new(),
        };
        let days_taken = match (closed_on, received) {
            (Some(closed), Some(received)) => (closed.to_days() - received.to_days()).to_string(),
            _ => String::new(),
        };
        let outcome = match self
            .outcome
            .as_deref()
            .and_then(|o| serde_json::from_str::<Outcome>(o).ok())
        {
            Some(Outcome::Completed { .. }) => "completed".to_owned(),
            Some(Outcome::Refused { reason, .. }) => format!("refused: {}", reason.slug()),
            None if self.status == Status::Withdrawn.slug() => "withdrawn".to_owned(),
            None => String::new(),
        };
        let mut cells = vec![
            self.reference.clone(),
            self.right_kind.clone(),
            self.intake.clone(),
            self.received_on.clone(),
            self.first_due_on.clone(),
            self.due_on.clone().unwrap_or_default(),
            self.extended_at
                .map(|at| Date::paris_of(at).iso())
                .unwrap_or_default(),
            self.extension_months.to_string(),
            closed_on.map(Date::iso).unwrap_or_default(),
            self.status.clone(),
            outcome,
            on_time,
            days_taken,
            if self.anonymised_at.is_some() {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
        ];
        if personal {
            cells.extend([
                self.first_name.clone(),
                self.last_name.clone(),
                self.email.clone(),
            ]);
        }
        cells
    }
}

/// `POST /dpo/export/register`: the register as CSV, oldest first, read a
/// page at a time so that a million requests stream in constant memory.
pub async fn register(
    State(state): State<AppState>,
    request: axum::http::Request<Body>,
) -> Response {
    let (parts, body) = request.into_parts();
    let dpo = match signed_in(&state, &parts).await {
        Ok(dpo) => dpo,
        Err(refused) => return refused.into_response(),
    };
    let form: RegisterForm = match axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|bytes| serde_qs::from_bytes(&bytes).ok())
    {
        Some(form) => form,
        None => return StatusCode::BAD_REQUEST.into_response(),
    };
    let personal = !form.personal.is_empty();
    let now = state.clock.now();
    let entry = Entry::new("export.register", Who::Dpo(&dpo.account_id))
        .facts(serde_json::json!({ "personal_data": personal }));
    if let Err(e) = audit::record(&state.pool, now, &entry).await {
        return failed(e);
    }
    let mut header: Vec<String> = REGISTER_HEADER.iter().map(|h| (*h).to_owned()).collect();
    if personal {
        header.extend(PERSONAL_HEADER.iter().map(|h| (*h).to_owned()));
    }
    let first = Bytes::from(csv_line(&header));
    let pool = state.pool.clone();
    let pages = futures::stream::unfold(Some((i64::MIN, String::new())), move |after| {
        let pool = pool.clone();
        async move {
            let after = after?;
            match register_page(&pool, &after).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let next = rows.last().map(|r| (r.received_at, r.reference.clone()));
                    let chunk: String = rows.iter().map(|r| csv_line(&r.cells(personal))).collect();
                    Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), next))
                }
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "register export stopped");
                    Some((Err(std::io::Error::other("register export stopped")), None))
                }
            }
        }
    });
    // Fused: the compression layer polls once more after the end, which a
    // bare `unfold` answers with a panic.
    let stream = futures::StreamExt::fuse(futures::StreamExt::chain(
        futures::stream::once(async move { Ok::<_, std::io::Error>(first) }),
        pages,
    ));
    let name = format!("register-{}.csv", Date::paris_of(now).iso());
    attachment("text/csv; charset=utf-8", &name, Body::from_stream(stream))
}

// ---------------------------------------------------------------------------
// Evidence

/// `POST /dpo/requests/{reference}/evidence`: everything about one request,
/// with its audit entries, as one JSON file.
pub async fn evidence(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    parts: Parts,
) -> Response {
    let dpo = match signed_in(&state, &parts).await {
        Ok(dpo) => dpo,
        Err(refused) => return refused.into_response(),
    };
    let Some(reference) = Reference::parse(&reference) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match export_evidence(&state, &dpo, &reference).await {
        Ok(Some(file)) => {
            let name = format!("evidence-{reference}.json");
            attachment("application/json", &name, Body::from(file))
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => failed(e),
    }
}

/// Builds the evidence file and records its export, in one transaction.
pub async fn export_evidence(
    state: &AppState,
    dpo: &Dpo,
    reference: &Reference,
) -> anyhow::Result<Option<String>> {
    let now = state.clock.now();
    let mut tx = state.pool.begin().await.context("evidence: begin")?;
    // The head first: no entry can be appended between reading the trail
    // and recording the export.
    audit::lock_head(&mut tx).await?;
    let Some(dossier) = crate::requests::dossier::read(&mut tx, reference).await? else {
        return Ok(None);
    };
    let (row, sent) = (&dossier.row, &dossier.submitted);
    let request_json = serde_json::json!({
        "reference": row.reference.as_str(),
        "right": row.right.slug(),
        "status": row.status.slug(),
        "language": row.lang.code(),
        "channel": row.intake,
        "received_at": row.received_at,
        "received_on": row.received_on.iso(),
        "first_due_on": row.first_due_on.iso(),
        "due_on": row.due_on.0.map(|due| due.iso()),
        "extension_months": row.extension_months,
        "extended_at": row.extended_at,
        "paused_days": row.paused_days,
        "closed_at": row.closed_at,
        "anonymised_at": sent.anonymised_at,
        "subject": {
            "email": row.email.0.as_ref().map_or("", |email| email.as_str()),
            "first_name": sent.first_name,
            "last_name": sent.last_name,
            "relation": sent.relation.slug(),
            "customer_number": sent.customer_number,
            "reply_channel": sent.reply_channel.slug(),
            "reply_phone": sent.reply_phone,
            "reply_postal_address": sent.reply_postal_address,
        },
        "details": serde_json::to_value(&dossier.details).context("evidence: details as JSON")?,
        "outcome": serde_json::to_value(&dossier.outcome).context("evidence: outcome as JSON")?,
    });
    let timeline: Vec<serde_json::Value> = dossier
        .events
        .iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id,
                "at": e.at,
                "kind": e.kind.slug(),
                "actor": e.actor.slug(),
                "actor_id": e.actor_id,
                "note": e.note,
                "detail": e.detail,
                "visible_to_subject": e.visible_to_subject != 0,
            })
        })
        .collect();
    let emails: Vec<serde_json::Value> = dossier
        .emails
        .iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id,
                "kind": e.kind,
                "recipient": e.recipient,
                "status": e.status,
                "attempts": e.attempts,
                "last_error": e.last_error,
                "queued_at": e.created_at,
                "sent_at": e.sent_at,
                "message_id": e.message_id,
            })
        })
        .collect();
    let files: Vec<serde_json::Value> = dossier
        .files
        .iter()
        .map(|f| {
            serde_json::json!({
                "id": f.id,
                "direction": f.direction,
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "stored_at": f.created_at,
                "shared_at": f.shared_at,
            })
        })
        .collect();
    let audit_rows = &dossier.audit;
    let document = serde_json::json!({
        "format": "sofacto-privacy-portal/evidence/1",
        "exported_at": now,
        "exported_by": dpo.account_id,
        "request": request_json,
        "timeline": timeline,
        "emails": emails,
        "files": files,
        "audit": serde_json::to_value(audit_rows).context("evidence: audit entries as JSON")?,
    });
    let digest = crate::secure::sha256_bytes_hex(document.to_string().as_bytes());
    let entry = Entry::new("export.evidence", Who::Dpo(&dpo.account_id))
        .reference(reference.as_str())
        .object(&digest);
    let recorded = audit::append(&mut tx, now, &entry).await?;
    tx.commit().await.context("evidence: commit")?;
    let file = serde_json::json!({
        "document": document,
        "document_sha256": digest,
        "export_audit_entry": recorded.seq,
        "how_to_check": "privacy-portal audit verify --evidence FILE",
    });
    serde_json::to_string_pretty(&file)
        .map(Some)
        .context("evidence: write the file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_separators_quoted() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+33 1 23"), "'+33 1 23");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tcmd"), "'\tcmd");
        assert_eq!(csv_cell("Dupont, Jean"), "\"Dupont, Jean\"");
        assert_eq!(csv_cell("R-7K3M-9QX2"), "R-7K3M-9QX2");
        assert_eq!(csv_cell(""), "");
    }
}
