//! The subject's messages and answers, with an optional file, and the
//! download of the DPO's reply files.

use super::ssr::owned;
use crate::domain::{Actor, EventKind, Status};
use crate::error::AppError;
use crate::files::{Upload, UploadError, kind_of};
use crate::i18n::subject;
use crate::requests::change::NewFile;
use crate::requests::notices::Notices;
use crate::requests::{self, Change, ChangeError, DeadlineEffect};
use crate::state::AppState;
use crate::web::form::{FormReply, Notice};
use crate::web::lang::request_lang;
use crate::web::subject_session as session;
use anyhow::Context;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// A reply file stays downloadable this long after it is shared.
pub use crate::requests::DOWNLOAD_DAYS;
/// The message form's fields (`form[message]`, and the file), which the
/// privacy notice lists.
pub const MESSAGE_FIELD: &str = "message";
pub const FILE_FIELD: &str = "file";
/// `proof` when the file is a representative's proof (`FilePurpose`).
pub const PURPOSE_FIELD: &str = "purpose";

/// The text of a message the portal refused, shown again in the form.
#[derive(Clone, Debug, Default)]
pub struct MessageTyped(pub String);

/// `POST /my-requests/{reference}/message`: a multipart form (the text and
/// an optional file). While the request awaits the subject, it is the
/// answer, and the clock runs again.
pub async fn post_message(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    let mut typed = MessageTyped::default();
    let reply = message(&state, &parts, &reference, multipart, &mut typed).await;
    let page = format!("/my-requests/{reference}");
    // A refused message comes back with its text, JavaScript or not.
    crate::web::plain_post::answer(&state, parts, &page, reply, typed).await
}

async fn message(
    state: &AppState,
    parts: &Parts,
    reference: &str,
    multipart: Multipart,
    typed: &mut MessageTyped,
) -> Result<FormReply, AppError> {
    let lang = request_lang(parts);
    let Some(email) = session::current(state, parts).await? else {
        return Ok(FormReply::notice(
            Notice::error(subject::SESSION_EXPIRED_MESSAGE.get(lang)).with_link(
                "/verify",
                subject::VERIFY_AGAIN.get(lang),
                true,
            ),
        ));
    };
    let Some(request) = owned(state, &email, reference).await? else {
        return Ok(FormReply::notice(Notice::error(
            subject::REQUEST_NOT_FOUND_BODY.get(lang),
        )));
    };
    let mailbox = crate::limits::mailbox_key(email.as_str());
    let [messages, bytes] = crate::limits::messages(&state.config.limits, &request.id, &mailbox);
    let now = state.clock.now();
    // Only the verified owner's upload is read at all.
    let upload: Upload = match crate::files::read(multipart, state.config.max_file_bytes()).await {
        Ok(upload) => upload,
        Err(UploadError::TooLarge) => {
            return Ok(FormReply::notice(Notice::error(
                subject::FILE_TOO_LARGE.with(lang, &[("mb", &state.config.max_file_mb)]),
            )));
        }
        Err(UploadError::Unreadable) => {
            return Ok(FormReply::notice(Notice::error(
                subject::MESSAGE_EMPTY.get(lang),
            )));
        }
    };
    let mut errors = crate::domain::FieldErrors::default();
    let text = errors
        .text(
            "message",
            &upload.field(&crate::web::form::input_name(MESSAGE_FIELD)),
            crate::domain::request::MAX_TEXT_CHARS,
            false,
        )
        .unwrap_or_default();
    typed.0 = upload.field(&crate::web::form::input_name(MESSAGE_FIELD));
    if !errors.is_empty() {
        return Ok(FormReply::invalid(errors));
    }
    if text.is_empty() && upload.file.is_none() {
        return Ok(FormReply::invalid(crate::domain::FieldErrors::single(
            "message",
            crate::domain::ErrorCode::Required,
        )));
    }
    // A file of a type the portal refuses is refused before anything is
    // counted.
    let purpose = upload.field(&crate::web::form::input_name(PURPOSE_FIELD));
    let file = match upload.file {
        Some((name, data)) => match kind_of(&name, &data, crate::files::Sender::Subject) {
            Some(content_type) => Some((name, content_type, data)),
            None => {
                return Ok(FormReply::notice(Notice::error(
                    subject::FILE_REFUSED_TYPE.get(lang),
                )));
            }
        },
        None => None,
    };
    // Counted once it is a message: one more today on this request, and
    // the file's bytes on this address (a refused file counts nothing).
    let file_bytes = file.as_ref().map_or(0, |(_, _, data)| data.len() as i64);
    let mut conn = state.pool.acquire().await.context("message: connect")?;
    let key = &state.counter_key;
    let bytes_today = crate::limits::count(&mut conn, key, &bytes, now).await?;
    if file_bytes > 0 && bytes_today + file_bytes > bytes.max {
        return Ok(FormReply::notice(Notice::error(
            subject::LIMIT_FILE_BYTES.with(
                lang,
                &[
                    ("mb", &state.config.limits.file_mb_per_address_per_day),
                    ("dpo_email", &state.config.controller().dpo_email.as_str()),
                ],
            ),
        )));
    }
    if !crate::limits::hit(&mut conn, key, &messages, now).await? {
        return Ok(FormReply::notice(Notice::error(
            subject::LIMIT_MESSAGES.with(
                lang,
                &[
                    ("count", &state.config.limits.messages_per_request_per_day),
                    ("dpo_email", &state.config.controller().dpo_email.as_str()),
                ],
            ),
        )));
    }
    if file_bytes > 0 {
        crate::limits::hit_by(&mut conn, key, &bytes, now, file_bytes).await?;
    }
    // The DPO is told at most once per request every 15 minutes; every
    // message is on the request's page.
    let dpo_told =
        crate::requests::read::dpo_told_since(&mut conn, &request.id, now - DPO_TOLD_EVERY_MS)
            .await?;
    drop(conn);
    let answering = request.status == Status::AwaitingSubject;
    let mut change = Change::event(
        if answering {
            EventKind::SubjectAnswered
        } else {
            EventKind::SubjectMessage
        },
        Actor::Subject,
    );
    if answering {
        change.clock = DeadlineEffect::Resume;
    }
    if let Some((name, content_type, data)) = file {
        // The answer to a request for an identity document is one, and is
        // deleted once identity is established or the request closes.
        // A representative's proof (the mandate, the proof of parental
        // authority, the certificate of heirship) comes from its own form.
        use crate::domain::choice::{Acting, FilePurpose, IdentityStep};
        let asked_document = answering && request.identity_step.0 == Some(IdentityStep::Document);
        let proof = request.acting != Acting::Myself && purpose == FilePurpose::Proof.slug();
        change.files.push(NewFile {
            purpose: if proof {
                Some(FilePurpose::Proof)
            } else {
                asked_document.then_some(FilePurpose::Identity)
            },
            direction: crate::domain::choice::FileDirection::FromSubject,
            name,
            content_type,
            data,
        });
    }
    change.note = (!text.is_empty()).then_some(text);
    if !dpo_told {
        change
            .emails
            .push(Notices::new(state, &request).subject_wrote(answering));
    }
    match requests::apply(state, &request, change).await {
        Ok(_) => Ok(FormReply::go(format!(
            "/my-requests/{}?sent=1",
            request.reference
        ))),
        Err(ChangeError::NotAllowed { .. } | ChangeError::ChangedMeanwhile) => Ok(
            FormReply::notice(Notice::info(subject::ALREADY_CLOSED.get(lang))),
        ),
        Err(ChangeError::Failed(e)) => Err(e),
    }
}

/// How often the DPO is emailed, at most, about one request's messages.
pub const DPO_TOLD_EVERY_MS: crate::clock::Millis = 15 * 60 * 1000;

/// `GET /my-requests/{reference}/files/{id}`: the verified owner only,
/// for 7 days after the file was shared.
pub async fn download(
    State(state): State<AppState>,
    Path((reference, id)): Path<(String, String)>,
    parts: Parts,
) -> Result<Response, AppError> {
    let not_found = || Ok(StatusCode::NOT_FOUND.into_response());
    let Some(email) = session::current(&state, &parts).await? else {
        return not_found();
    };
    let Some(request) = owned(&state, &email, &reference).await? else {
        return not_found();
    };
    let file = crate::requests::read::reply_file(&state.pool, &request.id, &id).await?;
    let now = state.clock.now();
    let Some(file) = file.filter(|f| {
        f.shared_at
            .is_some_and(|at| now < crate::requests::download_until(at))
    }) else {
        return not_found();
    };
    let entry = crate::audit::Entry::new(
        crate::audit::AuditAction::FileDownloaded,
        crate::audit::Who::Subject,
    )
    .reference(request.reference.as_str())
    .object(&id);
    crate::audit::record(&state.pool, now, &entry).await?;
    Ok(crate::files::download(
        &file.name,
        &file.content_type,
        file.data,
    ))
}
