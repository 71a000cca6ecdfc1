use super::*;
use crate::domain::RightKind;
use crate::state::request_context;
use crate::web::form::Notice;
use crate::web::subject_session as session;
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
    if let Some(refusal) = over_the_open_limit(&state, &email, &valid, key).await? {
        return Ok(refusal);
    }
    // The day's limits are counted in the filing's own transaction
    // (`requests::file_within`): one commit.
    let mailbox = crate::limits::mailbox_key(email.as_str());
    let client =
        crate::limits::ClientNetworks::of_request(&parts, state.config.client_ip_header.as_deref());
    let limits = crate::limits::filings(&state.config.limits, &mailbox, &client);
    let filed = crate::requests::file_within(
        &state,
        crate::requests::NewRequest {
            late_reason: None,
            email: Some(&email),
            valid: &valid,
            submission_key: key,
            intake: crate::requests::Intake::Portal,
            recorded_by: None,
            recorded_by_system: None,
        },
        &limits,
    )
    .await?;
    Ok(match filed {
        Some(reference) => FormReply::go(format!("/my-requests/{reference}?new=1")),
        None => FormReply::notice(Notice::error(subject::LIMIT_DAY.get(current_lang()))),
    })
}

/// Past the limit of open requests per address (per person an agent acts
/// for), the notice to show (the form keeps what was typed). A second
/// submission of the same form is not refused.
async fn over_the_open_limit(
    state: &crate::state::AppState,
    email: &crate::domain::Email,
    valid: &ValidRequest,
    submission_key: &str,
) -> Result<Option<FormReply>, AppError> {
    let lang = current_lang();
    let config = &state.config;
    if crate::requests::read::submitted(&state.pool, submission_key, email).await? {
        return Ok(None);
    }
    // Someone acting for others is capped per person they act for.
    let for_person = valid
        .representative
        .as_ref()
        .map(|_| (valid.first_name.as_str(), valid.last_name.as_str()));
    let open = crate::requests::read::open_count(&state.pool, email, for_person).await?;
    if open >= config.limits.open_requests_per_address {
        let message = if for_person.is_some() {
            subject::LIMIT_OPEN_FOR
        } else {
            subject::LIMIT_OPEN
        };
        return Ok(Some(FormReply::notice(
            Notice::error(message.with(
                lang,
                &[
                    ("count", &open),
                    ("dpo_email", &config.controller().dpo_email.as_str()),
                    (
                        "address",
                        &format!(
                            "{}, {}",
                            config.controller().address,
                            config.controller().country
                        ),
                    ),
                ],
            ))
            .with_link("/my-requests", subject::LIMIT_SEE_REQUESTS.get(lang), true),
        )));
    }
    Ok(None)
}
