//! The DPO's decisions on one request. Each is a form posted to
//! `/dpo/requests/{reference}/{action}` (no JavaScript needed), checked
//! here, and applied through `requests::apply`, the one door for changes.

pub mod files;
pub mod handover;

use crate::domain::choice::{Channel, IdentityMethod, IdentityStep, IntakeChannel};
use crate::domain::outcome::{
    AccessInformation, AccessItem, KeptGround, KeptPart, NotifiedRecipient, Outcome, RefusalReason,
    SentTo,
};
use crate::domain::request::{MAX_LINE_CHARS, MAX_TEXT_CHARS};
use crate::domain::{Actor, Date, ErrorCode, EventKind, FieldErrors, Reference, RightKind, Status};
use crate::error::AppError;
use crate::features::dpo::signin::console_session::{Dpo, require_dpo};
use crate::i18n::{console, current_lang};
use crate::requests::notices::Notices;
use crate::requests::{self, Change, ChangeError, DeadlineEffect, RequestRow};
use crate::state::{AppState, request_context};
use crate::web::form::{FormReply, Notice};
use anyhow::Context;
use serde::{Deserialize, Serialize};

/// Every action's fields: one form type, so that a refused form comes back
/// whole whichever it was.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    /// Which action this form was posted to (set by the route, not read
    /// from the form), so that its page shows the errors beside it.
    #[serde(skip_deserializing)]
    pub action: String,
    /// The status the DPO saw: a change made meanwhile is not overwritten.
    pub seen: String,
    pub info_reason: String,
    /// The identity step asked (`IdentityStep`; a fact when not posted).
    pub info_step: String,
    /// How identity was established, when processing starts.
    pub identity_method: String,
    /// The reference of a request to link this one to.
    pub link_reference: String,
    pub clarify_question: String,
    pub answer: String,
    pub extend_months: String,
    pub extend_reason: String,
    pub message: String,
    pub note: String,
    pub assignee: String,
    pub summary: String,
    pub access_purposes: String,
    pub access_categories: String,
    pub access_recipients: String,
    pub access_retention: String,
    pub access_rights: String,
    pub access_source: String,
    pub access_automated: String,
    pub access_transfers: String,
    pub no_data_held: String,
    pub no_recipients: String,
    /// "1" marks the request as a test; empty unmarks it.
    pub test: String,
    /// The letter marked posted, and the day.
    pub letter: String,
    pub posted_on: String,
    /// The reply file removed or shared again.
    pub file: String,
    /// The reply files a completion shares (ticked), and "1" when the form
    /// listed them (else every one is shared).
    pub share: Vec<String>,
    pub share_listed: String,
    /// The contact details, as corrected (each posted, changed or not).
    pub c_first_name: String,
    pub c_last_name: String,
    pub c_lang: String,
    pub c_reply: String,
    pub c_phone: String,
    pub c_postal: String,
    pub c_email: String,
    pub c_reason: String,
    pub lift_on: String,
    pub told_name: String,
    pub told_on: String,
    pub lift_reason: String,
    pub recipients: Vec<RecipientRow>,
    /// What was not done, and why (a partial outcome).
    pub kept: Vec<KeptRow>,
    pub sent_to: String,
    pub sent_on: String,
    pub answered_by: String,
    pub refuse_reason: String,
    pub refuse_explanation: String,
    /// "on": the answer waits to go in one email with the linked
    /// requests' answers.
    pub together: String,
    /// The queue's list the page was opened from (its filters and the
    /// line's cursor, as URL parameters): kept by the answer's address.
    pub list: String,
}

impl ActionForm {
    /// What was typed for one Art. 15 item.
    pub fn access(&self, item: AccessItem) -> &String {
        match item {
            AccessItem::Purposes => &self.access_purposes,
            AccessItem::Categories => &self.access_categories,
            AccessItem::Recipients => &self.access_recipients,
            AccessItem::Retention => &self.access_retention,
            AccessItem::Rights => &self.access_rights,
            AccessItem::Source => &self.access_source,
            AccessItem::Automated => &self.access_automated,
            AccessItem::Transfers => &self.access_transfers,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecipientRow {
    pub name: String,
    pub on: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeptRow {
    pub what: String,
    pub ground: String,
}

pub use crate::domain::Action;

fn text(errors: &mut FieldErrors, field: &str, value: &str, required: bool) -> Option<String> {
    errors.text(field, value, MAX_TEXT_CHARS, required)
}

/// The request `reference`, as read now.
pub async fn read(state: &AppState, reference: &Reference) -> anyhow::Result<Option<RequestRow>> {
    crate::requests::read::by_reference(&state.pool, reference).await
}

/// The list a request page was opened from, to add to the address the
/// DPO is sent back to: URL parameters as the page wrote them, or nothing
/// when what came back is anything else (it never leaves the path).
pub fn list_suffix(list: &str) -> String {
    let plain = list.len() <= 400
        && list
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~%=&/".contains(&b));
    if plain && !list.is_empty() {
        format!("&{list}")
    } else {
        String::new()
    }
}

fn changed_meanwhile() -> FormReply {
    FormReply::notice(Notice::error(
        console::CHANGED_MEANWHILE.get(current_lang()),
    ))
}

fn not_allowed() -> FormReply {
    FormReply::notice(Notice::error(console::NOT_ALLOWED.get(current_lang())))
}

/// `POST /dpo/requests/{reference}/{action}`.
pub async fn act(
    reference: String,
    action: String,
    form: ActionForm,
) -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, _) = request_context()?;
    let (Some(reference), Some(action)) = (Reference::parse(&reference), Action::parse(&action))
    else {
        return Ok(not_allowed());
    };
    // A change meanwhile that left the status the DPO decided on (the
    // portal's reminder, a colleague's note) is read again once, and every
    // check runs again on what is stored now.
    for _ in 0..2 {
        let Some(request) = read(&state, &reference).await? else {
            return Ok(not_allowed());
        };
        // The DPO decided on the status they saw; if it moved since, say so.
        if Status::parse(&form.seen) != Some(request.status) {
            return Ok(changed_meanwhile());
        }
        let details = crate::requests::read::details(&state.pool, &request.id).await?;
        let events = crate::requests::read::events(&state.pool, &request.id).await?;
        let mut conn = state.pool.acquire().await.context("console: connect")?;
        let letters = crate::requests::post::of_request(&mut conn, &request.id).await?;
        let files = crate::requests::dossier::files_of(&mut conn, &request.id).await?;
        drop(conn);
        let standing = requests::standing(
            &request,
            details.as_ref(),
            &events,
            letters.iter().any(|l| l.posted_on.is_none()),
            &files,
            state.clock.now(),
        );
        if !action.allowed(&standing) {
            return Ok(not_allowed());
        }
        // Nothing is added to a request once anonymised.
        if request.status.is_closed()
            && crate::requests::read::anonymised(&state.pool, &request.id).await?
        {
            return Ok(not_allowed());
        }
        let change = match build(&state, &dpo, &request, action, &form, &letters, &files).await? {
            Ok(change) => change,
            Err(errors) => return Ok(FormReply::invalid(errors)),
        };
        match requests::apply(&state, &request, change).await {
            Ok(_) => {
                return Ok(FormReply::go(format!(
                    "/dpo/requests/{reference}?done={}{}",
                    action.slug(),
                    list_suffix(&form.list)
                )));
            }
            Err(ChangeError::ChangedMeanwhile) => continue,
            Err(ChangeError::NotAllowed { .. }) => return Ok(not_allowed()),
            Err(ChangeError::Failed(e)) => return Err(e),
        }
    }
    Ok(changed_meanwhile())
}

/// The change an action makes, or the fields to correct.
async fn build(
    state: &AppState,
    dpo: &Dpo,
    request: &RequestRow,
    action: Action,
    form: &ActionForm,
    letters: &[crate::requests::post::Letter],
    files: &[crate::requests::dossier::FileLine],
) -> Result<Result<Change, FieldErrors>, AppError> {
    let now = state.clock.now();
    // The reply files, shared or not.
    let replies = || {
        files
            .iter()
            .filter(|f| f.direction == crate::domain::choice::FileDirection::ToSubject)
    };
    let mut errors = FieldErrors::default();
    let today = Date::paris_of(now);
    let mut change = Change::event(EventKind::Received, Actor::Dpo);
    change.actor_id = Some(dpo.account_id.clone());
    change.to = action.target();
    let mail = Notices::new(state, request);
    match action {
        Action::CheckIdentity => change.event = EventKind::IdentityCheckStarted,
        Action::Start => {
            change.event = EventKind::ProcessingStarted;
            // Said by the DPO, and an email code only for an address that
            // was verified with one (a request filed on the portal).
            match IdentityMethod::parse(form.identity_method.trim()).filter(|method| {
                *method != IdentityMethod::EmailCode
                    || request.intake == IntakeChannel::Portal.slug()
            }) {
                Some(method) => {
                    change.identity = Some(method);
                    change.detail =
                        Some(serde_json::json!({ "identity": method.slug() }).to_string());
                }
                None if form.identity_method.trim().is_empty() => {
                    errors.add("identity_method", ErrorCode::Required)
                }
                None => errors.add("identity_method", ErrorCode::InvalidChoice),
            }
        }
        Action::AskInformation => {
            let reason = text(&mut errors, "info_reason", &form.info_reason, true);
            change.event = EventKind::InformationRequested;
            change.clock = DeadlineEffect::Pause;
            // A fact SOFACTO can check first; a document only after.
            let step = match form.info_step.trim() {
                "" => Some(IdentityStep::Fact),
                slug => IdentityStep::parse(slug),
            };
            match step {
                None => errors.add("info_step", ErrorCode::InvalidChoice),
                Some(IdentityStep::Document) if request.identity_step.0.is_none() => {
                    errors.add("info_step", ErrorCode::FactFirst)
                }
                Some(step) => {
                    change.identity_step = Some(step);
                    change.detail = Some(serde_json::json!({ "step": step.slug() }).to_string());
                }
            }
            if let (Some(reason), Some(step)) = (reason, step) {
                change.tell(mail.information_requested(&reason, step));
                change.note = Some(reason);
            }
        }
        Action::RecordAnswer => {
            // The subject answered by letter, phone or email to the DPO:
            // the same resumption as an answer from the follow page.
            change.event = EventKind::SubjectAnswered;
            change.clock = DeadlineEffect::Resume;
            change.note = text(&mut errors, "answer", &form.answer, true);
        }
        Action::Extend => {
            let months = match form.extend_months.trim() {
                "1" => Some(1),
                "2" => Some(2),
                "" => {
                    errors.add("extend_months", ErrorCode::Required);
                    None
                }
                _ => {
                    errors.add("extend_months", ErrorCode::InvalidChoice);
                    None
                }
            };
            let reason = text(&mut errors, "extend_reason", &form.extend_reason, true);
            if request.extension_months > 0 {
                errors.add("extend_months", ErrorCode::AlreadyExtended);
            } else if today > request.shown_due(today) {
                // On the due date itself the subject can still be told in
                // time (Art. 12(3): within one month of receipt).
                errors.add("extend_months", ErrorCode::PastDue);
            }
            change.event = EventKind::Extended;
            if let (Some(months), Some(reason)) = (months, reason) {
                change.clock = DeadlineEffect::Extend { months };
                let due = request
                    .deadline()
                    .after(change.clock, request.received_on, today)
                    .running_due(request.received_on, today);
                change.tell(mail.extended(months, due, &reason));
                change.detail =
                    Some(serde_json::json!({ "months": months, "due_on": due.iso() }).to_string());
                change.note = Some(reason);
            }
        }
        Action::AskClarification => {
            // Recital 63: the clock runs on, and the status stays.
            change.event = EventKind::ClarificationRequested;
            let question = text(
                &mut errors,
                "clarify_question",
                &form.clarify_question,
                true,
            );
            if let Some(question) = question {
                change.tell(mail.clarification_requested(&question));
                change.note = Some(question);
            }
        }
        Action::AddRecipient => {
            // Art. 19 after closing: the recorded answer gains the
            // recipient and the date it was told.
            change.event = EventKind::RecipientTold;
            change.visible_to_subject = false;
            let name = errors.text("told_name", &form.told_name, MAX_LINE_CHARS, true);
            let on = match Date::parse_iso(form.told_on.trim()) {
                Some(on) if on <= today => Some(on),
                _ => {
                    errors.add("told_on", ErrorCode::InvalidDate);
                    None
                }
            };
            let stored = requests::read::outcome(&state.pool, &request.id).await?;
            if let (Some(name), Some(on), Some(mut outcome)) = (name, on, stored) {
                if let Outcome::Completed {
                    notified,
                    no_recipients,
                    ..
                } = &mut outcome
                {
                    notified.push(NotifiedRecipient {
                        name: name.clone(),
                        on,
                    });
                    *no_recipients = false;
                }
                change.outcome = Some(outcome);
                change.detail = Some(serde_json::json!({ "on": on.iso() }).to_string());
                change.note = Some(name);
            }
        }
        Action::LiftRestriction => {
            // Art. 18(3): the subject is told before the lifting takes
            // effect, so it starts tomorrow at the earliest.
            change.event = EventKind::RestrictionLifted;
            let from = match Date::parse_iso(form.lift_on.trim()) {
                Some(from) if from > today => Some(from),
                Some(_) => {
                    errors.add("lift_on", ErrorCode::NotBeforeTomorrow);
                    None
                }
                None => {
                    errors.add("lift_on", ErrorCode::InvalidDate);
                    None
                }
            };
            let reason = text(&mut errors, "lift_reason", &form.lift_reason, true);
            if let (Some(from), Some(reason)) = (from, reason) {
                change.tell(mail.restriction_lifted(from, &reason));
                change.detail = Some(serde_json::json!({ "from": from.iso() }).to_string());
                change.note = Some(reason);
            }
        }
        Action::Message => {
            change.event = EventKind::DpoMessage;
            if let Some(message) = text(&mut errors, "message", &form.message, true) {
                change.tell(mail.message(&message));
                change.note = Some(message);
            }
        }
        Action::MarkPosted => {
            // Posted on a day between its printing and today.
            change.event = EventKind::LetterPosted;
            change.visible_to_subject = false;
            let letter = letters
                .iter()
                .find(|l| l.id == form.letter.trim() && l.posted_on.is_none());
            if letter.is_none() {
                errors.add("letter", ErrorCode::InvalidChoice);
            }
            let on = Date::parse_iso(form.posted_on.trim()).filter(|on| {
                *on <= today && letter.is_none_or(|l| *on >= Date::paris_of(l.created_at))
            });
            if on.is_none() {
                errors.add("posted_on", ErrorCode::InvalidDate);
            }
            if let (Some(letter), Some(on)) = (letter, on) {
                change.posted = Some((letter.id.clone(), on));
                change.detail = Some(
                    serde_json::json!({ "letter": letter.id, "kind": letter.kind.slug(), "posted_on": on.iso() })
                        .to_string(),
                );
            }
        }
        Action::RemoveFile => {
            change.event = EventKind::FileRemoved;
            change.visible_to_subject = false;
            match replies().find(|f| f.id == form.file.trim() && f.shared_at.is_none()) {
                Some(file) => {
                    change.remove_file = Some(file.id.clone());
                    change.note = Some(file.name.clone());
                    change.detail = Some(
                        serde_json::json!({ "file": file.id, "sha256": file.sha256 }).to_string(),
                    );
                }
                None => errors.add("file", ErrorCode::InvalidChoice),
            }
        }
        Action::ReshareFile => {
            change.event = EventKind::FileSharedAgain;
            let expired = |at| now >= crate::requests::download_until(at);
            match replies().find(|f| f.id == form.file.trim() && f.shared_at.is_some_and(expired)) {
                Some(file) => {
                    change.reshare_file = Some(file.id.clone());
                    change.note = Some(file.name.clone());
                    change.tell(mail.message(console::FILES_AGAIN.get(request.lang)));
                }
                None => errors.add("file", ErrorCode::InvalidChoice),
            }
        }
        Action::CorrectContact => {
            use crate::domain::request::{MAX_LINE_CHARS, MAX_PHONE_CHARS, MAX_VALUE_CHARS};
            change.event = EventKind::ContactCorrected;
            change.visible_to_subject = false;
            let first = errors.text("c_first_name", &form.c_first_name, MAX_LINE_CHARS, true);
            let last = errors.text("c_last_name", &form.c_last_name, MAX_LINE_CHARS, true);
            let lang = crate::domain::Lang::parse(form.c_lang.trim());
            if lang.is_none() {
                errors.add("c_lang", ErrorCode::InvalidChoice);
            }
            let reply = Channel::parse(form.c_reply.trim());
            if reply.is_none() {
                errors.add("c_reply", ErrorCode::InvalidChoice);
            }
            let phone = errors.text(
                "c_phone",
                &form.c_phone,
                MAX_PHONE_CHARS,
                reply == Some(Channel::Phone),
            );
            let postal = errors.text(
                "c_postal",
                &form.c_postal,
                MAX_VALUE_CHARS,
                reply == Some(Channel::Postal),
            );
            if reply == Some(Channel::Email)
                && form.c_email.trim().is_empty()
                && request.email.0.is_none()
            {
                errors.add("c_email", ErrorCode::Required);
            }
            let reason = errors.text("c_reason", &form.c_reason, MAX_TEXT_CHARS, true);
            // A new address waits for its confirmation link.
            let pending = match form.c_email.trim() {
                "" => None,
                typed => match crate::domain::Email::parse(typed) {
                    Ok(email) if request.email.0.as_ref() == Some(&email) => None,
                    Ok(email) => Some(email),
                    Err(_) => {
                        errors.add("c_email", ErrorCode::InvalidEmail);
                        None
                    }
                },
            };
            if let (
                Some(first_name),
                Some(last_name),
                Some(lang),
                Some(reply_channel),
                Some(reason),
            ) = (first, last, lang, reply, reason)
            {
                let pending_email = pending.map(|email| {
                    let token = crate::secure::random_token();
                    let link = state.config.link(&format!("/confirm-email/{token}"));
                    change
                        .emails
                        .push(crate::email::templates::email_confirmation(
                            lang,
                            &email,
                            &request.reference,
                            &link,
                            &state.config.controller(),
                        ));
                    (
                        email.as_str().to_owned(),
                        crate::secure::sha256_hex(&[&token]),
                        now + 7 * 86_400_000,
                    )
                });
                change.detail =
                    Some(serde_json::json!({ "new_email": pending_email.is_some() }).to_string());
                change.note = Some(reason);
                change.contact = Some(crate::requests::ContactCorrection {
                    first_name,
                    last_name,
                    lang,
                    reply_channel,
                    reply_phone: (reply_channel == Channel::Phone)
                        .then(|| phone.unwrap_or_default()),
                    reply_postal_address: (reply_channel == Channel::Postal)
                        .then(|| postal.unwrap_or_default()),
                    pending_email,
                });
            }
        }
        Action::Link => {
            change.event = EventKind::Linked;
            change.visible_to_subject = false;
            let other = match Reference::parse(form.link_reference.trim()) {
                Some(other) if other != request.reference => {
                    requests::read::by_reference(&state.pool, &other).await?
                }
                _ => None,
            };
            match other {
                Some(other) => {
                    change.detail =
                        Some(serde_json::json!({ "linked": other.reference.as_str() }).to_string());
                    change.link = Some(other.id);
                }
                None => errors.add("link_reference", ErrorCode::InvalidChoice),
            }
        }
        Action::AskSubject => {
            // Only to an address the representative gave (`Standing`).
            change.event = EventKind::SubjectAskedToConfirm;
            change.visible_to_subject = false;
            if let Some(rep) = request.representative.0.as_ref()
                && let Some(to) = rep.subject_email.as_ref()
            {
                change
                    .emails
                    .push(crate::email::templates::representation_check(
                        request.lang,
                        to,
                        &request.reference,
                        request.right,
                        &format!("{} {}", rep.first_name, rep.last_name),
                        &state.config.controller(),
                    ));
            }
        }
        Action::MarkTest => {
            change.event = EventKind::TestMarked;
            change.visible_to_subject = false;
            let test = !form.test.trim().is_empty();
            change.mark_test = Some(test);
            change.detail = Some(serde_json::json!({ "test": test }).to_string());
        }
        Action::Note => {
            change.event = EventKind::NoteAdded;
            change.visible_to_subject = false;
            change.note = text(&mut errors, "note", &form.note, true);
        }
        Action::Assign => {
            change.event = EventKind::Assigned;
            change.visible_to_subject = false;
            let assignee = form.assignee.trim();
            if assignee.is_empty() {
                change.assign = Some(None);
            } else if crate::accounts::exists(&state.pool, assignee).await? {
                change.assign = Some(Some(assignee.to_owned()));
                change.detail = Some(serde_json::json!({ "assignee": assignee }).to_string());
            } else {
                errors.add("assignee", ErrorCode::InvalidChoice);
            }
        }
        Action::Complete => {
            change.event = EventKind::Completed;
            change.share_files = true;
            let summary = text(&mut errors, "summary", &form.summary, true);
            // The files ticked on the form (which lists them, and says so
            // in `share_listed`); a post without the list shares them all.
            let unshared: Vec<&str> = replies()
                .filter(|f| f.shared_at.is_none())
                .map(|f| f.id.as_str())
                .collect();
            let files = if form.share_listed.is_empty() {
                unshared.len()
            } else {
                let ticked: Vec<String> = form
                    .share
                    .iter()
                    .map(|id| id.trim().to_owned())
                    .filter(|id| !id.is_empty())
                    .collect();
                if ticked.iter().any(|id| !unshared.contains(&id.as_str())) {
                    errors.add("share", ErrorCode::InvalidChoice);
                }
                let count = ticked.len();
                change.share_only = Some(ticked);
                count
            };
            let outcome = completion(
                &mut errors,
                request,
                form,
                summary.clone().unwrap_or_default(),
                files,
            );
            change.together = !form.together.trim().is_empty();
            if let (Some(summary), Some(outcome)) = (summary, outcome) {
                change.tell(mail.completed(&summary, &outcome, files));
                change.outcome = Some(outcome);
                change.note = Some(summary);
            }
        }
        Action::Refuse => {
            change.event = EventKind::Refused;
            change.together = !form.together.trim().is_empty();
            let reason = match RefusalReason::parse(form.refuse_reason.trim()) {
                Some(reason) => Some(reason),
                None => {
                    errors.add(
                        "refuse_reason",
                        if form.refuse_reason.trim().is_empty() {
                            ErrorCode::Required
                        } else {
                            ErrorCode::InvalidChoice
                        },
                    );
                    None
                }
            };
            let explanation = text(
                &mut errors,
                "refuse_explanation",
                &form.refuse_explanation,
                true,
            );
            if let (Some(reason), Some(explanation)) = (reason, explanation) {
                let outcome = Outcome::Refused {
                    reason,
                    explanation: explanation.clone(),
                };
                change.tell(mail.refused(reason, &explanation));
                change.outcome = Some(outcome);
                change.note = Some(explanation);
            }
        }
    }
    Ok(if errors.is_empty() {
        Ok(change)
    } else {
        Err(errors)
    })
}

/// Marks of a pre-filled text the DPO must replace before sending.
const PLACEHOLDERS: [&str; 2] = ["[À compléter", "[To complete"];

/// What a completion records, by right (Art. 15, 19, 20). `files`: the
/// reply files to share with it.
fn completion(
    errors: &mut FieldErrors,
    request: &RequestRow,
    form: &ActionForm,
    summary: String,
    files: usize,
) -> Option<Outcome> {
    let access = (request.right == RightKind::Access).then(|| {
        let mut access = AccessInformation::default();
        for item in AccessItem::ALL {
            let typed = text(errors, item.slug(), form.access(*item), true);
            if typed
                .as_deref()
                .is_some_and(|t| PLACEHOLDERS.iter().any(|p| t.contains(p)))
            {
                errors.add(item.slug(), ErrorCode::Placeholder);
            }
            access.set(*item, typed.unwrap_or_default());
        }
        // Art. 15(1) and (3): the information and the copy, both (the
        // CNIL's 2024 checks found answers with one and not the other).
        access.no_data_held = !form.no_data_held.trim().is_empty();
        if files == 0 && !access.no_data_held {
            errors.add("no_data_held", ErrorCode::CopyMissing);
        }
        Box::new(access)
    });
    let mut notified = Vec::new();
    if request.right.tells_recipients() {
        for (i, row) in form.recipients.iter().enumerate() {
            if row.name.trim().is_empty() && row.on.trim().is_empty() {
                continue;
            }
            // The same text check and length as every other one-line field.
            let name = errors.text(
                &format!("recipients[{i}][name]"),
                &row.name,
                MAX_LINE_CHARS,
                true,
            );
            match Date::parse_iso(row.on.trim()) {
                Some(on) => notified.extend(name.map(|name| NotifiedRecipient { name, on })),
                None => errors.add(format!("recipients[{i}][on]"), ErrorCode::InvalidDate),
            }
        }
    }
    // Art. 19: the recipients told, or the explicit "there are none".
    let no_recipients = !form.no_recipients.trim().is_empty();
    if request.right.tells_recipients() && notified.is_empty() && !no_recipients {
        errors.add("no_recipients", ErrorCode::RecipientsOrNone);
    }
    let sent_to = match (form.sent_to.trim(), form.sent_on.trim()) {
        ("", "") => None,
        (_, on) => {
            let organisation = errors.text("sent_to", &form.sent_to, MAX_LINE_CHARS, true);
            match Date::parse_iso(on) {
                Some(on) => organisation.map(|organisation| SentTo { organisation, on }),
                None => {
                    errors.add("sent_on", ErrorCode::InvalidDate);
                    None
                }
            }
        }
    };
    let mut kept = Vec::new();
    for (i, row) in form.kept.iter().enumerate() {
        let (what_field, ground_field) = (format!("kept[{i}][what]"), format!("kept[{i}][ground]"));
        let ground = row.ground.trim();
        if row.what.trim().is_empty() && ground.is_empty() {
            continue;
        }
        let what = errors.text(&what_field, &row.what, MAX_TEXT_CHARS, true);
        let ground = match KeptGround::parse(ground).filter(|g| g.applies_to(request.right)) {
            Some(ground) => Some(ground),
            None if ground.is_empty() => {
                errors.add(ground_field, ErrorCode::Required);
                None
            }
            None => {
                errors.add(ground_field, ErrorCode::InvalidChoice);
                None
            }
        };
        if let (Some(what), Some(ground)) = (what, ground) {
            kept.push(KeptPart { what, ground });
        }
    }
    let answered_by = match form.answered_by.trim() {
        "" => None,
        slug => match Channel::parse(slug)
            .filter(|c| matches!(c, Channel::Phone | Channel::Postal | Channel::InPerson))
        {
            Some(channel) => Some(channel),
            None => {
                errors.add("answered_by", ErrorCode::InvalidChoice);
                None
            }
        },
    };
    Some(Outcome::Completed {
        summary,
        access,
        notified,
        sent_to,
        answered_by,
        no_recipients: no_recipients && request.right.tells_recipients(),
        kept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_lists_own_parameters_come_back_in_the_address() {
        assert_eq!(
            list_suffix("due=overdue&at=2026-12-01%7CR-7K3M-9QX2"),
            "&due=overdue&at=2026-12-01%7CR-7K3M-9QX2"
        );
        assert_eq!(list_suffix(""), "");
        for bad in [
            "a=b\r\nLocation: x",
            "at=1#x",
            "x=<script>",
            "at=a b",
            "at=ü",
        ] {
            assert_eq!(list_suffix(bad), "", "{bad}");
        }
        assert_eq!(list_suffix(&"a".repeat(401)), "");
    }
}
