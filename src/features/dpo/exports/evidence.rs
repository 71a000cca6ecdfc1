//! One request's evidence file, built from its Dossier: as JSON, or as a
//! readable, printable HTML page that carries the same document. The
//! document's SHA-256 goes into the audit entry of the export, and for the
//! page the page's own SHA-256 too, so `audit verify --evidence` checks
//! either file.

use super::attachment;
use crate::audit::{self, Entry, Who};
use crate::domain::Lang;
use crate::domain::{Date, Reference};
use crate::error::AppError;
use crate::features::dpo::signin::console_session::Dpo;
use crate::state::AppState;
use anyhow::Context;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// How the evidence is written out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceFormat {
    Json,
    /// A page an inspector reads and prints, in this language, with the
    /// JSON document inside it.
    Page(Lang),
}

/// `POST /dpo/requests/{reference}/evidence`: everything about one request,
/// with its audit entries, as one JSON file.
pub async fn evidence(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    dpo: Dpo,
) -> Result<Response, AppError> {
    download(&state, &dpo, &reference, EvidenceFormat::Json).await
}

/// `POST /dpo/requests/{reference}/evidence/page`: the same, as a
/// readable HTML page in the DPO's language.
pub async fn evidence_page(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    dpo: Dpo,
    parts: Parts,
) -> Result<Response, AppError> {
    let lang = crate::web::lang::request_lang(&parts);
    download(&state, &dpo, &reference, EvidenceFormat::Page(lang)).await
}

async fn download(
    state: &AppState,
    dpo: &Dpo,
    reference: &str,
    format: EvidenceFormat,
) -> Result<Response, AppError> {
    let Some(reference) = Reference::parse(reference) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    Ok(
        match export_evidence(state, dpo, &reference, format).await? {
            Some(file) => match format {
                EvidenceFormat::Json => attachment(
                    "application/json",
                    &format!("evidence-{reference}.json"),
                    Body::from(file),
                ),
                EvidenceFormat::Page(_) => attachment(
                    "text/html; charset=utf-8",
                    &format!("evidence-{reference}.html"),
                    Body::from(file),
                ),
            },
            None => StatusCode::NOT_FOUND.into_response(),
        },
    )
}

/// Builds the evidence file and records its export, in one transaction.
pub async fn export_evidence(
    state: &AppState,
    dpo: &Dpo,
    reference: &Reference,
    format: EvidenceFormat,
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
    // Every personal column (`requests::columns`), and how the person
    // relates to SOFACTO and wants the answer.
    let mut subject: serde_json::Map<String, serde_json::Value> = dossier
        .personal
        .iter()
        .map(|(column, value)| ((*column).to_owned(), serde_json::json!(value)))
        .collect();
    subject.insert("relation".into(), sent.relation.slug().into());
    subject.insert("reply_channel".into(), sent.reply_channel.slug().into());
    let request_json = serde_json::json!({
        "reference": row.reference.as_str(),
        "right": row.right.slug(),
        "status": row.status.slug(),
        "language": row.lang.code(),
        "channel": row.intake,
        "acting": row.acting.slug(),
        // A request from another channel was received on a date (no time
        // of day is known); the instant is when the DPO recorded it.
        "received_at": (row.intake == "portal").then_some(row.received_at),
        "recorded_at": (row.intake != "portal").then_some(row.received_at),
        "received_on": row.received_on.iso(),
        "first_due_on": row.first_due_on.iso(),
        "due_on": row.due_on.0.map(|due| due.iso()),
        "extension_months": row.extension_months,
        "extended_at": row.extended_at,
        "paused_days": row.paused_days,
        "closed_at": row.closed_at,
        "identity": {
            "method": row.identity_method.0.map(|m| m.slug()),
            "established_on": row.identity_on.0.map(|on| on.iso()),
        },
        // A decision after the due date is recorded as late (Art. 12(3)).
        "answered_on": row.answered_on.0.map(|on| on.iso()),
        "answered_on_time": row.status.answered_on_time(
            row.answered_on.0,
            row.due_on.0,
            Date::paris_of(now),
        ),
        "anonymised_at": sent.anonymised_at,
        "subject": subject,
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
            let (subject, text) = e.subject_and_text();
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
                "subject": subject,
                "text": text,
            })
        })
        .collect();
    let files: Vec<serde_json::Value> = dossier
        .files
        .iter()
        .map(|f| {
            serde_json::json!({
                "id": f.id,
                "direction": f.direction.slug(),
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "stored_at": f.created_at,
                "shared_at": f.shared_at,
                "task_id": f.task_id,
            })
        })
        .collect();
    // Letters: what went by post, and the day the DPO recorded it posted
    // (the proof that the subject was told).
    let letters: Vec<serde_json::Value> = dossier
        .letters
        .iter()
        .map(|l| {
            serde_json::json!({
                "id": l.id,
                "kind": l.kind.slug(),
                "subject": l.subject,
                "text": l.text,
                "created_at": l.created_at,
                "posted_on": l.posted_on,
                "posted_by": l.posted_by,
            })
        })
        .collect();
    // Each system's task: its delivery, and the result it sent (what it
    // did, kept on which ground, or why it failed), as received.
    let tasks: Vec<serde_json::Value> = dossier
        .tasks
        .iter()
        .map(|t| {
            let json = |text: &Option<String>| {
                text.as_deref()
                    .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            };
            serde_json::json!({
                "id": t.id,
                "system": t.system,
                "state": t.state.slug(),
                "created_at": t.created_at,
                "delivery": t.delivery,
                "attempts": t.attempts,
                "delivered_at": t.delivered_at,
                "last_error": t.last_error,
                "replay_of": t.replay_of,
                "result_at": t.result_at,
                "result": json(&t.result),
                "found_identifiers": json(&t.found_identifiers),
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
        "letters": letters,
        "files": files,
        "tasks": tasks,
        "audit": serde_json::to_value(audit_rows).context("evidence: audit entries as JSON")?,
    });
    let digest = crate::secure::sha256_bytes_hex(document.to_string().as_bytes());
    // The page carries the document; its own digest goes into the entry,
    // so that a change to what it shows is found too.
    let page = match format {
        EvidenceFormat::Json => None,
        EvidenceFormat::Page(lang) => Some(super::evidence_page::render(lang, &document, &digest)),
    };
    let entry = Entry::new(
        crate::audit::AuditAction::ExportEvidence,
        Who::Dpo(&dpo.account_id),
    )
    .reference(reference.as_str())
    .object(&digest);
    let entry = match &page {
        Some(page) => entry.facts(serde_json::json!({
            "format": "html",
            "page_sha256": crate::secure::sha256_bytes_hex(page.as_bytes()),
        })),
        None => entry,
    };
    let recorded = audit::append(&mut tx, now, &entry).await?;
    tx.commit().await.context("evidence: commit")?;
    if page.is_some() {
        return Ok(page);
    }
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
