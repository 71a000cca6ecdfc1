//! A handover: every open request of one DPO account assigned to another
//! in one action (a DPO leaves, or goes on holiday). Each request changes
//! through `requests::apply`, so each gets its own timeline event and audit
//! entry, as if assigned by hand.

use crate::domain::{Actor, EventKind};
use crate::error::AppError;
use crate::features::dpo::signin::console_session::require_dpo;
use crate::i18n::{console, current_lang};
use crate::requests::{self, Change, ChangeError};
use crate::state::request_context;
use crate::web::form::{FormReply, Notice};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandoverForm {
    pub from: String,
    pub to: String,
}

/// `POST /dpo/handover`.
pub async fn handover(form: HandoverForm) -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, _) = request_context()?;
    let lang = current_lang();
    let enabled = crate::accounts::enabled_emails(&state.pool).await?;
    let (from, to) = (form.from.trim(), form.to.trim());
    if from == to
        || !crate::accounts::exists(&state.pool, from).await?
        || !enabled.iter().any(|(id, _)| id == to)
    {
        return Ok(FormReply::notice(Notice::error(
            console::HANDOVER_INVALID.get(lang),
        )));
    }
    let mut moved = 0;
    for request in requests::read::open_assigned_to(&state.pool, from).await? {
        // A request changed meanwhile is read again once; one closed or
        // reassigned meanwhile is left as it now is.
        let mut current = request;
        for _ in 0..2 {
            if current.assignee_id.as_deref() != Some(from) || current.status.is_closed() {
                break;
            }
            let mut change = Change::event(EventKind::Assigned, Actor::Dpo);
            change.actor_id = Some(dpo.account_id.clone());
            change.visible_to_subject = false;
            change.assign = Some(Some(to.to_owned()));
            change.detail =
                Some(serde_json::json!({ "assignee": to, "handover_from": from }).to_string());
            match requests::apply(&state, &current, change).await {
                Ok(_) => {
                    moved += 1;
                    break;
                }
                Err(ChangeError::ChangedMeanwhile) => {
                    match requests::read::by_reference(&state.pool, &current.reference).await? {
                        Some(again) => current = again,
                        None => break,
                    }
                }
                Err(ChangeError::NotAllowed { .. }) => break,
                Err(ChangeError::Failed(e)) => return Err(e),
            }
        }
    }
    Ok(FormReply::go(format!("/dpo?handed={moved}")))
}
