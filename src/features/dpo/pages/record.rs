//! `/dpo/new`: a request that reached the DPO by letter, by email, by phone
//! or in person, recorded so that the register is complete. Its clock
//! starts the day it arrived (60 days back at most, with the reason it is
//! recorded late); its notices go to the address given, or become letters.

use crate::domain::choice::IntakeChannel;
use crate::domain::request::{RequestForm, ValidRequest};
use crate::domain::{Date, Lang, RightKind};
use crate::error::AppError;
use crate::features::dpo::pages::guarded;
use crate::features::dpo::signin::console_session::require_dpo;
use crate::i18n::{Label, console, current_lang};
use crate::requests::{self, Intake, NewRequest};
use crate::state::request_context;
use crate::web::form::{FormReply, Posted, error_id, posted};
use crate::web::islands::{FieldError, FormNotice, FormStateProvider};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

pub use crate::domain::request::intake::{IntakeForm, MAX_DAYS_BACK};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordRequest {
    pub form: RequestForm,
    pub intake: IntakeForm,
}

/// `POST /dpo/new`.
pub async fn record(args: RecordRequest) -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, _) = request_context()?;
    if args.form.add_row.is_some() {
        return Ok(FormReply::again());
    }
    let mut errors = ValidRequest::parse(&args.form).err().unwrap_or_default();
    let today = Date::paris_of(state.clock.now());
    let intake = crate::domain::request::intake::parse(&args.intake, today, &mut errors);
    let (Ok(valid), Some(intake)) = (ValidRequest::parse(&args.form), intake) else {
        return Ok(FormReply::invalid(errors));
    };
    if !errors.is_empty() {
        return Ok(FormReply::invalid(errors));
    }
    let reference = requests::file(
        &state,
        NewRequest {
            email: intake.email.as_ref(),
            valid: &valid,
            submission_key: &args.form.submission_key,
            intake: Intake::OtherChannel {
                channel: intake.channel,
                arrived_on: intake.arrived_on,
            },
            recorded_by: Some(&dpo.account_id),
            recorded_by_system: None,
            late_reason: intake.late_reason.as_deref(),
        },
    )
    .await?;
    Ok(FormReply::go(format!("/dpo/requests/{reference}")))
}

/// `/dpo/new?right=…`.
#[component]
pub fn RecordPage() -> impl IntoView {
    let lang = current_lang();
    let posted = posted::<RecordRequest>();
    let right_slug = posted
        .as_ref()
        .map(|p| p.form.form.right.clone())
        .unwrap_or_else(|| use_query_map().with_untracked(|q| q.get("right").unwrap_or_default()));
    let right = RightKind::parse(&right_slug);
    guarded(move |_dpo| async move {
        Ok(match right {
            None => view! {
                <section class="page console narrow">
                    <h1>{console::RECORD_TITLE.get(lang)}</h1>
                    <p>{console::RECORD_INTRO.get(lang)}</p>
                    <form method="get" action="/dpo/new">
                        <div class="field">
                            <label for="right">{console::RECORD_RIGHT.get(lang)}</label>
                            <select id="right" name="right" required>
                                {RightKind::ALL.iter().map(|r| view! { <option value=r.slug()>{r.label().get(lang)}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit">{console::RECORD_CONTINUE.get(lang)}</button>
                    </form>
                </section>
            }
            .into_any(),
            Some(right) => view! { <RecordForm right posted /> }.into_any(),
        })
    })
}

#[component]
fn RecordForm(right: RightKind, posted: Option<Posted<RecordRequest>>) -> impl IntoView {
    let lang = current_lang();
    let reply = posted.as_ref().map(|p| p.shown_reply(lang));
    let RecordRequest { form, intake } = posted.map(|p| p.form).unwrap_or_else(|| RecordRequest {
        form: RequestForm::blank(right, crate::secure::random_token(), Lang::Fr),
        intake: IntakeForm::default(),
    });
    let intake_field = move |field: &'static str,
                             name: &'static str,
                             label: crate::i18n::Text,
                             input_type: &'static str,
                             value: String| {
        view! {
            <div class="field">
                <label for=field>{label.get(lang)}</label>
                <input id=field name=name type=input_type value=value aria-describedby=error_id(field) />
                <FieldError field=field.to_owned() />
            </div>
        }
    };
    view! {
        <section class="page console narrow">
            <h1>{console::RECORD_TITLE.get(lang)}</h1>
            <p>{console::RECORD_INTRO.get(lang)}</p>
            <FormStateProvider reply>
                <form method="post" action="/dpo/new" class="request-form" novalidate>
                    <FormNotice />
                    <input type="hidden" name="form[submission_key]" value=form.submission_key.clone() />
                    <input type="hidden" name="form[right]" value=right.slug() />
                    <p class="pill">{right.label().get(lang)}</p>
                    <div class="field">
                        <label for="intake_channel">{console::RECORD_CHANNEL.get(lang)}</label>
                        <select id="intake_channel" name="intake[channel]" aria-describedby=error_id("intake_channel")>
                            {IntakeChannel::ALL.iter().filter(|c| **c != IntakeChannel::Portal).map(|c| view! {
                                <option value=c.slug() selected=intake.channel == c.slug()>{crate::i18n::console_labels::intake(*c).get(lang)}</option>
                            }).collect_view()}
                        </select>
                        <FieldError field="intake_channel".to_owned() />
                    </div>
                    {intake_field("intake_arrived_on", "intake[arrived_on]", console::RECORD_ARRIVED, "date", intake.arrived_on.clone())}
                    <div class="field">
                        <label for="intake_late_reason">{console::RECORD_LATE_REASON.get(lang)}</label>
                        <p class="hint" id="intake_late_reason-hint">{console::RECORD_LATE_HINT.get(lang)}</p>
                        <textarea id="intake_late_reason" name="intake[late_reason]" rows="2" aria-describedby="intake_late_reason-hint intake_late_reason-error" inner_html=crate::web::fields::textarea_text(&intake.late_reason)></textarea>
                        <FieldError field="intake_late_reason".to_owned() />
                    </div>
                    {intake_field("intake_email", "intake[email]", console::RECORD_EMAIL, "email", intake.email.clone())}
                    {crate::features::request::request_fields(right, &form)}
                    <p class="hint">{console::RECORD_SCAN_HINT.get(lang)}</p>
                    <button type="submit">{console::RECORD_SUBMIT.get(lang)}</button>
                </form>
            </FormStateProvider>
        </section>
    }
}
