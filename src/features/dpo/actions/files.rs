//! Reply files: attached by the DPO (a multipart form), downloaded by the
//! DPO, shared with the subject at completion; and the scanned original of
//! a request received by another channel, attached the same way, never
//! shared.

use crate::domain::choice::{FileDirection, FilePurpose};
use crate::domain::{Actor, EventKind, Reference, Status};
use crate::error::AppError;
use crate::features::dpo::actions;
use crate::features::dpo::signin::console_session::Dpo;
use crate::files::{Upload, UploadError, kind_of};
use crate::i18n::console;
use crate::requests::change::NewFile;
use crate::requests::{self, Change, ChangeError};
use crate::state::AppState;
use crate::web::form::{FormReply, Notice};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// `GET /dpo/files/{id}`: a signed-in DPO only.
pub async fn dpo_download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    dpo: Dpo,
) -> Result<Response, AppError> {
    let Some(file) = crate::requests::read::stored_file(&state.pool, &id).await? else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let entry = crate::audit::Entry::new(
        crate::audit::AuditAction::FileDownloaded,
        crate::audit::Who::Dpo(&dpo.account_id),
    )
    .reference(&file.reference)
    .object(&id);
    crate::audit::record(&state.pool, state.clock.now(), &entry).await?;
    Ok(crate::files::download(
        &file.name,
        &file.content_type,
        file.data,
    ))
}

/// `POST /dpo/requests/{reference}/attach`: a multipart form with the file
/// and the status the DPO saw.
pub async fn attach(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    // The guard is an extractor: it runs before the body is read, so a
    // stranger's upload is never read.
    dpo: Dpo,
    request: axum::http::Request<axum::body::Body>,
) -> Response {
    let (parts, body) = request.into_parts();
    let request = axum::http::Request::from_parts(parts.clone(), body);
    let multipart =
        match <Multipart as axum::extract::FromRequest<AppState>>::from_request(request, &state)
            .await
        {
            Ok(multipart) => multipart,
            Err(rejection) => return rejection.into_response(),
        };
    let back = format!("/dpo/requests/{reference}");
    let mut list = String::new();
    let reply = attach_inner(&state, &parts, dpo, &reference, multipart, &mut list).await;
    // The attach form shows the answer, and the page keeps its list.
    let form = actions::ActionForm {
        action: "attach".into(),
        list,
        ..Default::default()
    };
    crate::web::plain_post::answer(&state, parts, &back, reply, form).await
}

async fn attach_inner(
    state: &AppState,
    parts: &Parts,
    dpo: Dpo,
    reference: &str,
    multipart: Multipart,
    list: &mut String,
) -> Result<FormReply, AppError> {
    let lang = crate::web::lang::request_lang(parts);
    let max = state.config.max_file_bytes();
    let upload: Upload = match crate::files::read(multipart, max).await {
        Ok(upload) => upload,
        Err(UploadError::TooLarge) => {
            return Ok(FormReply::notice(Notice::error(
                console::FILE_TOO_LARGE.with(lang, &[("mb", &state.config.max_file_mb)]),
            )));
        }
        Err(UploadError::Unreadable) => {
            return Ok(FormReply::notice(Notice::error(
                console::FILE_EMPTY.get(lang),
            )));
        }
    };
    *list = upload.field("list");
    let Some(reference) = Reference::parse(reference) else {
        return Ok(FormReply::notice(Notice::error(
            console::NOT_ALLOWED.get(lang),
        )));
    };
    let Some(request) = actions::read(state, &reference).await? else {
        return Ok(FormReply::notice(Notice::error(
            console::NOT_ALLOWED.get(lang),
        )));
    };
    if request.status.is_closed()
        && crate::requests::read::anonymised(&state.pool, &request.id).await?
    {
        return Ok(FormReply::notice(Notice::error(
            console::NOT_ALLOWED.get(lang),
        )));
    }
    if Status::parse(&upload.field("seen")) != Some(request.status) {
        return Ok(FormReply::notice(Notice::error(
            console::CHANGED_MEANWHILE.get(lang),
        )));
    }
    // The scanned original of a request received by another channel came
    // from the subject: it is kept, never shared.
    let original = upload.field("kind") == "original"
        && request.intake != crate::domain::choice::IntakeChannel::Portal.slug();
    let Some((name, data)) = upload.file else {
        return Ok(FormReply::notice(Notice::error(
            console::FILE_EMPTY.get(lang),
        )));
    };
    // A scanned original came from the subject: the subject's types only.
    let sender = if original {
        crate::files::Sender::Subject
    } else {
        crate::files::Sender::Dpo
    };
    let Some(content_type) = kind_of(&name, &data, sender) else {
        return Ok(FormReply::notice(Notice::error(
            console::FILE_REFUSED_TYPE.get(lang),
        )));
    };
    let (purpose, direction) = if original {
        (Some(FilePurpose::Original), FileDirection::FromSubject)
    } else {
        (None, FileDirection::ToSubject)
    };
    let mut change = Change::event(EventKind::FileAttached, Actor::Dpo);
    change.actor_id = Some(dpo.account_id);
    change.visible_to_subject = false;
    change.note = Some(name.clone());
    change.files.push(NewFile {
        purpose,
        direction,
        name,
        content_type,
        data,
    });
    match requests::apply(state, &request, change).await {
        Ok(_) => Ok(FormReply::go(format!(
            "/dpo/requests/{reference}?done=attach{}",
            actions::list_suffix(list)
        ))),
        Err(ChangeError::ChangedMeanwhile) => Ok(FormReply::notice(Notice::error(
            console::CHANGED_MEANWHILE.get(lang),
        ))),
        Err(ChangeError::NotAllowed { .. }) => Ok(FormReply::notice(Notice::error(
            console::NOT_ALLOWED.get(lang),
        ))),
        Err(ChangeError::Failed(e)) => Err(e),
    }
}
