use super::*;
use crate::domain::RightKind;
use crate::state::request_context;
use crate::web::form::Notice;
use crate::web::session;
use anyhow::anyhow;

/// What the form page needs: the verified address (masked) and a fresh
/// one-time key for this display of the form.
pub struct FormContext {
    pub masked_email: String,
    pub submission_key: String,
}

pub async fn form_context() -> Result<Option<FormContext>, AppError> {
    Ok(session::current_subject().await?.map(|email| FormContext {
        masked_email: email.masked(),
        submission_key: crate::secure::random_token(),
    }))
}

/// The session ended while the form was being filled: say so, with a way
/// to verify again that keeps the form open.
pub fn session_expired(right: Option<RightKind>) -> FormReply {
    let lang = current_lang();
    let href = match right {
        Some(right) => format!("/verify?right={}", right.slug()),
        None => "/verify".to_owned(),
    };
    FormReply::notice(
        Notice::error(subject::SESSION_EXPIRED_FORM.get(lang)).with_link(
            href,
            subject::VERIFY_AGAIN_NEW_TAB.get(lang),
            true,
        ),
    )
}

pub async fn submit(form: RequestForm) -> Result<FormReply, AppError> {
    let (state, parts) = request_context()?;
    let Some(email) = session::current(&state, &parts).await? else {
        return Ok(session_expired(RightKind::parse(&form.right)));
    };
    if form.add_row.is_some() {
        return Ok(FormReply::again());
    }
    let valid = match ValidRequest::parse(&form) {
        Ok(valid) => valid,
        Err(errors) => return Ok(FormReply::invalid(errors)),
    };
    let key = form.submission_key.trim();
    if key.is_empty() || key.len() > 128 {
        return Err(anyhow!("request: submission key missing or too long").into());
    }
    let reference = crate::requests::file(
        &state,
        crate::requests::NewRequest {
            email: Some(&email),
            valid: &valid,
            submission_key: key,
            intake: crate::requests::Intake::Portal,
            recorded_by: None,
        },
    )
    .await?;
    Ok(FormReply::go(format!("/my-requests/{reference}?new=1")))
}
