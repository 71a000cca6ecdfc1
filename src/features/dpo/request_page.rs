//! `/dpo/requests/:reference`: everything about one request, and the
//! forms of every action the status allows.

use super::actions::{Action, ActionForm, RecipientRow};
use super::pages::guarded;
use super::queue_page::days_left;
use super::request_data::{RequestData, load};
use crate::domain::choice::{Category, Channel};
use crate::domain::outcome::{Outcome, RefusalReason};
use crate::domain::request::{Destination, RightDetails, Scope};
use crate::domain::{Date, Reference, RightKind, Status, paris_date_time};
use crate::i18n::{Label, Text, console, current_lang, long_date};
use crate::state::app_state;
use crate::web::form::{FormReply, Posted, posted};
use crate::web::islands::{FieldError, FormNotice, FormStateProvider};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ConsoleRequestPage() -> impl IntoView {
    let reference = use_params_map().with_untracked(|p| p.get("reference").unwrap_or_default());
    let done = use_query_map().with_untracked(|q| q.get("done").and_then(|a| Action::parse(&a)));
    let posted = posted::<ActionForm>();
    guarded(move |_dpo| async move {
        let state = app_state()?;
        let today = Date::paris_of(state.clock.now());
        let data = match Reference::parse(&reference) {
            Some(reference) => load(&state.pool, &reference).await?,
            None => None,
        };
        Ok(match data {
            Some(data) => view! { <RequestView data today done posted /> }.into_any(),
            None => {
                let lang = current_lang();
                view! {
                    <section class="page narrow">
                        <h1>{console::REQUEST_NOT_FOUND.get(lang)}</h1>
                        <p><a href="/dpo">{console::BACK_TO_QUEUE.get(lang)}</a></p>
                    </section>
                }
                .into_any()
            }
        })
    })
}

fn fact(label: Text, value: impl IntoView + 'static) -> impl IntoView {
    view! {
        <dt>{label.get(current_lang())}</dt>
        <dd>{value}</dd>
    }
}

#[component]
fn RequestView(
    data: RequestData,
    today: Date,
    done: Option<Action>,
    posted: Option<Posted<ActionForm>>,
) -> impl IntoView {
    let lang = current_lang();
    let r = &data.row;
    let reference = r.reference.to_string();
    let due = r.shown_due(today);
    let paused = r.due_on.0.is_none() && !r.status.is_closed();
    let (left, badge) = days_left((!r.status.is_closed()).then_some(due), today);
    let s = &data.submitted;
    let channel = s.reply_channel;
    let explanation = due_explanation(&data, today);
    // A reply about an action whose form is not on the page (the request
    // moved on, or no such action) is shown at the top.
    let orphan_notice = posted
        .as_ref()
        .filter(|p| {
            Action::parse(&p.form.action)
                .is_none_or(|a| r.status.is_closed() || !a.allowed_from(r.status))
        })
        .and_then(|p| p.shown_reply(lang).notice);
    view! {
        <section class="page console">
            <p><a href="/dpo">{console::BACK_TO_QUEUE.get(lang)}</a></p>
            {done.map(|action| view! { <p class="alert" role="status">{console::DONE.with(lang, &[("action", &action_label(action).get(lang))])}</p> })}
            {orphan_notice.map(|notice| view! { <p class="alert alert--error" role="alert">{notice.text}</p> })}
            <h1>{console::REQUEST_TITLE.with(lang, &[("reference", &reference)])}</h1>
            <dl class="facts">
                {fact(console::COL_RIGHT, r.right.label().get(lang))}
                {fact(console::COL_STATUS, view! { <span class=format!("status status--{}", r.status.slug())>{r.status.label().get(lang)}</span> })}
                {fact(console::COL_RECEIVED, format!("{} ({})", long_date(lang, r.received_on), intake_label(&r.intake).get(lang)))}
                {fact(console::COL_DUE, view! {
                    {if paused { console::PAUSED_UNTIL_ANSWER.with(lang, &[("date", &long_date(lang, due))]) } else { long_date(lang, due) }}
                    {left.map(|n| view! { " · " {console::DAYS_LEFT.with(lang, &[("days", &n)])} })}
                    {badge.map(|(class, text)| view! { " " <span class=class>{text.get(lang)}</span> })}
                })}
                {fact(console::DUE_HOW, explanation)}
                {r.closed_at.map(|at| fact(console::CLOSED_AT, paris_date_time(at)))}
            </dl>
        </section>

        <section class="page console">
            <h2>{console::SUBJECT_TITLE.get(lang)}</h2>
            <dl class="facts">
                {fact(console::SUBJECT_NAME, format!("{} {}", s.first_name, s.last_name))}
                {fact(console::SUBJECT_EMAIL, r.email.0.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_else(|| console::NO_EMAIL.get(lang).to_owned()))}
                {fact(console::SUBJECT_RELATION, s.relation.label().get(lang))}
                {s.customer_number.clone().map(|n| fact(console::SUBJECT_CUSTOMER, n))}
                {fact(console::SUBJECT_CHANNEL, channel.label().get(lang))}
                {s.reply_phone.clone().map(|p| fact(console::SUBJECT_PHONE, p))}
                {s.reply_postal_address.clone().map(|a| fact(console::SUBJECT_POSTAL, view! { <span class="pre">{a}</span> }))}
                {fact(console::SUBJECT_LANG, r.lang.label().get(lang))}
            </dl>
            <h2>{console::DETAILS_TITLE.get(lang)}</h2>
            {data.details.clone().map(details_view)}
        </section>

        {data.outcome.clone().map(outcome_view)}

        {(!r.status.is_closed()).then(|| view! { <Actions data=data.clone_for_actions() today posted /> })}

        <section class="page console">
            <h2>{console::TIMELINE_TITLE.get(lang)}</h2>
            <ol class="timeline">
                {data.events.iter().map(|(event, who)| {
                    let actor = match (event.actor, who) {
                        (_, Some(email)) => email.clone(),
                        (actor, None) => actor.label().get(lang).to_owned(),
                    };
                    let internal = event.visible_to_subject == 0;
                    view! {
                        <li class:internal=internal>
                            <time datetime=crate::domain::iso_instant(event.at)>{paris_date_time(event.at)} " " {crate::i18n::site::PARIS_TIME.get(lang)}</time> " — " <strong>{console_event_label(event.kind).get(lang)}</strong>
                            " — " {actor}
                            {internal.then(|| view! { " " <span class="badge">{console::INTERNAL.get(lang)}</span> })}
                            {event.note.clone().map(|note| view! { <p class="pre">{note}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>

        <section class="page console">
            <h2>{console::EMAILS_TITLE.get(lang)}</h2>
            {if data.emails.is_empty() {
                view! { <p>{console::NO_EMAILS.get(lang)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th scope="col">{console::EMAIL_KIND.get(lang)}</th>
                                <th scope="col">{console::EMAIL_TO.get(lang)}</th>
                                <th scope="col">{console::EMAIL_QUEUED.get(lang)}</th>
                                <th scope="col">{console::EMAIL_STATE.get(lang)}</th>
                            </tr></thead>
                            <tbody>
                                {data.emails.iter().map(|email| view! {
                                    <tr>
                                        <td>{email_kind_label(&email.kind).get(lang)}</td>
                                        <td>{email.recipient.clone()}</td>
                                        <td>{paris_date_time(email.created_at)}</td>
                                        <td>{email_state(email)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>

        <section class="page console">
            <h2>{console::FILES_TITLE.get(lang)}</h2>
            {if data.files.is_empty() {
                view! { <p>{console::NO_FILES.get(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {data.files.iter().map(|file| view! {
                            <li>
                                <a href=format!("/dpo/files/{}", file.id)>{file.name.clone()}</a>
                                " — " {human_size(file.size)} " — " {paris_date_time(file.created_at)} " — "
                                {if file.direction == "to_subject" { console::FILE_TO_SUBJECT.get(lang) } else { console::FILE_FROM_SUBJECT.get(lang) }}
                                {file.shared_at.map(|at| view! { " — " {console::FILE_SHARED.with(lang, &[("date", &paris_date_time(at))])} })}
                                <br /><span class="muted mono">"SHA-256 " {file.sha256.clone()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        <AuditTrail reference=reference.clone() entries=data.audit.clone() />

        <section class="page console">
            <h2>{console::EARLIER_TITLE.get(lang)}</h2>
            {if data.earlier.is_empty() {
                view! { <p>{console::NO_EARLIER.get(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {data.earlier.iter().map(|line| {
                            let outcome: Option<Outcome> = line.outcome.as_deref().and_then(|j| serde_json::from_str(j).ok());
                            view! {
                                <li>
                                    <a href=format!("/dpo/requests/{}", line.reference)>{line.reference.to_string()}</a>
                                    " — " {line.right.label().get(lang)} " — " {long_date(lang, line.received_on)} " — "
                                    {line.status.label().get(lang)}
                                    {outcome.and_then(|o| match o { Outcome::Refused { reason, .. } => Some(reason.label().get(lang)), _ => None }).map(|reason| view! { " (" {reason} ")" })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

impl RequestData {
    /// What the action forms need.
    fn clone_for_actions(&self) -> ActionsData {
        ActionsData {
            reference: self.row.reference.to_string(),
            right: self.row.right,
            status: self.row.status,
            lang: self.row.lang,
            extended: self.row.extension_months > 0,
            reply_channel: self.submitted.reply_channel,
            destination: self.details.as_ref().and_then(|d| match d {
                RightDetails::Portability {
                    destination: Destination::Organisation { name, .. },
                    ..
                } => Some(name.clone()),
                _ => None,
            }),
            assignee: self.row.assignee_id.clone(),
            accounts: self.accounts.clone(),
        }
    }
}

#[derive(Clone)]
pub(super) struct ActionsData {
    reference: String,
    right: RightKind,
    status: Status,
    lang: crate::domain::Lang,
    extended: bool,
    reply_channel: Channel,
    destination: Option<String>,
    assignee: Option<String>,
    accounts: Vec<(String, String)>,
}

/// How the due date was reached, in words.
fn due_explanation(data: &RequestData, today: Date) -> String {
    let lang = current_lang();
    let r = &data.row;
    let mut parts =
        vec![console::DUE_FROM_RECEIPT.with(lang, &[("date", &long_date(lang, r.received_on))])];
    if r.extension_months > 0 {
        parts.push(console::DUE_EXTENDED.with(lang, &[("months", &r.extension_months)]));
    }
    let paused_now = r
        .paused_since
        .0
        .map_or(0, |since| today.to_days() - since.to_days());
    if r.paused_days + paused_now > 0 {
        parts.push(console::DUE_PAUSED.with(lang, &[("days", &(r.paused_days + paused_now))]));
    }
    parts.push(console::DUE_WORKING_DAY.get(lang).to_owned());
    parts.join(" ; ")
}

fn scope_text(scope: &Scope) -> String {
    let lang = current_lang();
    match scope {
        Scope::All => console::ALL_DATA.get(lang).to_owned(),
        Scope::Categories(categories) => categories
            .iter()
            .map(|c: &Category| c.label().get(lang))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn details_view(details: RightDetails) -> impl IntoView {
    let lang = current_lang();
    let line = |label: Text, value: String| view! { <dt>{label.get(lang)}</dt><dd class="pre">{value}</dd> };
    let rows: Vec<AnyView> = match details {
        RightDetails::Access { scope, details } => vec![
            line(console::D_SCOPE, scope_text(&scope)).into_any(),
            details
                .map(|d| line(console::D_DETAILS, d).into_any())
                .unwrap_or_else(|| ().into_any()),
        ],
        RightDetails::Rectification { rows, statement } => {
            let mut out: Vec<AnyView> = rows
                .into_iter()
                .map(|row| {
                    line(
                        console::D_CORRECTION,
                        format!(
                            "{} : {} → {}",
                            row.item,
                            row.current.unwrap_or_else(|| "—".into()),
                            row.corrected
                        ),
                    )
                    .into_any()
                })
                .collect();
            if let Some(statement) = statement {
                out.push(line(console::D_STATEMENT, statement).into_any());
            }
            out
        }
        RightDetails::Erasure {
            scope,
            ground,
            details,
        } => vec![
            line(console::D_SCOPE, scope_text(&scope)).into_any(),
            line(
                console::D_GROUND,
                ground
                    .map(|g| g.label().get(lang).to_owned())
                    .unwrap_or_else(|| "—".into()),
            )
            .into_any(),
            details
                .map(|d| line(console::D_DETAILS, d).into_any())
                .unwrap_or_else(|| ().into_any()),
        ],
        RightDetails::Restriction {
            ground,
            scope,
            details,
        } => vec![
            line(console::D_GROUND, ground.label().get(lang).to_owned()).into_any(),
            line(console::D_SCOPE, scope_text(&scope)).into_any(),
            details
                .map(|d| line(console::D_DETAILS, d).into_any())
                .unwrap_or_else(|| ().into_any()),
        ],
        RightDetails::Portability {
            format,
            destination,
            details,
        } => vec![
            line(console::D_FORMAT, format.label().get(lang).to_owned()).into_any(),
            line(
                console::D_DESTINATION,
                match destination {
                    Destination::Subject => console::TO_SUBJECT.get(lang).to_owned(),
                    Destination::Organisation { name, email } => format!("{name} <{email}>"),
                },
            )
            .into_any(),
            details
                .map(|d| line(console::D_DETAILS, d).into_any())
                .unwrap_or_else(|| ().into_any()),
        ],
        RightDetails::Objection { processing, reason } => vec![
            line(
                console::D_PROCESSING,
                processing.label().get(lang).to_owned(),
            )
            .into_any(),
            line(console::D_REASON, reason.unwrap_or_else(|| "—".into())).into_any(),
        ],
    };
    view! { <dl class="facts">{rows}</dl> }
}

fn outcome_view(outcome: Outcome) -> impl IntoView {
    let lang = current_lang();
    view! {
        <section class="page console">
            <h2>{console::OUTCOME_TITLE.get(lang)}</h2>
            {match outcome {
                Outcome::Completed { summary, access, notified, sent_to, answered_by } => view! {
                    <p class="pre">{summary}</p>
                    {access.map(|a| view! {
                        <dl class="facts">
                            <dt>{console::ART15_PURPOSES.get(lang)}</dt><dd class="pre">{a.purposes}</dd>
                            <dt>{console::ART15_CATEGORIES.get(lang)}</dt><dd class="pre">{a.categories}</dd>
                            <dt>{console::ART15_RECIPIENTS.get(lang)}</dt><dd class="pre">{a.recipients}</dd>
                            <dt>{console::ART15_RETENTION.get(lang)}</dt><dd class="pre">{a.retention}</dd>
                            <dt>{console::ART15_RIGHTS.get(lang)}</dt><dd class="pre">{a.rights}</dd>
                            <dt>{console::ART15_SOURCE.get(lang)}</dt><dd class="pre">{a.source}</dd>
                            <dt>{console::ART15_AUTOMATED.get(lang)}</dt><dd class="pre">{a.automated_decisions}</dd>
                        </dl>
                    })}
                    {(!notified.is_empty()).then(|| view! {
                        <p>{console::NOTIFIED_TITLE.get(lang)}</p>
                        <ul>{notified.into_iter().map(|n| view! { <li>{n.name} " — " {long_date(lang, n.on)}</li> }).collect_view()}</ul>
                    })}
                    {sent_to.map(|s| view! { <p>{console::SENT_TO_DONE.with(lang, &[("organisation", &s.organisation), ("date", &long_date(lang, s.on))])}</p> })}
                    {answered_by.map(|c| view! { <p>{console::ANSWERED_BY_DONE.with(lang, &[("channel", &c.label().get(lang))])}</p> })}
                }.into_any(),
                Outcome::Refused { reason, explanation } => view! {
                    <p><strong>{reason.label().get(lang)}</strong></p>
                    <p class="pre">{explanation}</p>
                }.into_any(),
            }}
        </section>
    }
}

fn email_state(email: &super::request_data::EmailLine) -> String {
    let lang = current_lang();
    match email.status.as_str() {
        "sent" => console::EMAIL_SENT.with(
            lang,
            &[(
                "date",
                &email.sent_at.map(paris_date_time).unwrap_or_default(),
            )],
        ),
        "failed" => console::EMAIL_FAILED.with(
            lang,
            &[("error", &email.last_error.clone().unwrap_or_default())],
        ),
        _ => match &email.last_error {
            Some(error) => console::EMAIL_RETRYING
                .with(lang, &[("attempts", &email.attempts), ("error", error)]),
            None => console::EMAIL_PENDING.get(lang).to_owned(),
        },
    }
}

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} Mio", bytes as f64 / 1_048_576.0)
    } else if bytes >= 1024 {
        format!("{} Kio", bytes / 1024)
    } else {
        format!("{bytes} o")
    }
}

/// The value a form field shows: what was posted (when this action's form
/// came back with errors), or `default`.
fn value(
    posted: &Option<Posted<ActionForm>>,
    action: Action,
    get: fn(&ActionForm) -> &String,
    default: String,
) -> String {
    match posted {
        Some(p) if p.form.action == action.slug() => get(&p.form).clone(),
        _ => default,
    }
}

fn reply_for(posted: &Option<Posted<ActionForm>>, action: Action) -> Option<FormReply> {
    posted
        .as_ref()
        .filter(|p| p.form.action == action.slug())
        .map(|p| p.shown_reply(current_lang()))
}

/// One action's form: posts to `/dpo/requests/{reference}/{action}` with
/// the status the DPO saw.
fn action_form(
    data: &ActionsData,
    posted: &Option<Posted<ActionForm>>,
    action: Action,
    class: &'static str,
    fields: impl FnOnce() -> AnyView + Send + 'static,
) -> AnyView {
    let lang = current_lang();
    let target = format!("/dpo/requests/{}/{}", data.reference, action.slug());
    let seen = data.status.slug();
    view! {
        <FormStateProvider reply=reply_for(posted, action)>
            <form method="post" action=target class="action-form">
                <FormNotice />
                <input type="hidden" name="form[seen]" value=seen />
                // Built inside the form's state, so its errors show.
                {fields()}
                <button type="submit" class=class>{action_button(action).get(lang)}</button>
            </form>
        </FormStateProvider>
    }
    .into_any()
}

fn textarea(field: &'static str, label: Text, value: String, required: bool) -> impl IntoView {
    view! {
        <crate::web::fields::TextField field=field label value required multiline=true maxlength=super::actions::MAX_TEXT />
    }
}

#[component]
fn Actions(data: ActionsData, today: Date, posted: Option<Posted<ActionForm>>) -> impl IntoView {
    let lang = current_lang();
    let _ = today;
    let allowed = |action: Action| action.allowed_from(data.status);
    let p = &posted;
    let d = &data;
    let mut forms: Vec<AnyView> = Vec::new();
    if allowed(Action::CheckIdentity) {
        forms.push(view! { <div class="action"><h3>{console::A_CHECK_IDENTITY.get(lang)}</h3><p class="hint">{console::A_CHECK_IDENTITY_HINT.get(lang)}</p>{action_form(d, p, Action::CheckIdentity, "", || ().into_any())}</div> }.into_any());
    }
    if allowed(Action::Start) {
        forms.push(view! { <div class="action"><h3>{console::A_START.get(lang)}</h3><p class="hint">{console::A_START_HINT.get(lang)}</p>{action_form(d, p, Action::Start, "", || ().into_any())}</div> }.into_any());
    }
    if allowed(Action::AskInformation) {
        let typed = value(p, Action::AskInformation, |f| &f.info_reason, String::new());
        let fields =
            move || textarea("info_reason", console::F_INFO_REASON, typed, true).into_any();
        forms.push(view! { <div class="action"><h3>{console::A_ASK.get(lang)}</h3><p class="hint">{console::A_ASK_HINT.get(lang)}</p>{action_form(d, p, Action::AskInformation, "", fields)}</div> }.into_any());
    }
    if allowed(Action::RecordAnswer) {
        let typed = value(p, Action::RecordAnswer, |f| &f.answer, String::new());
        let fields = move || textarea("answer", console::F_ANSWER, typed, true).into_any();
        forms.push(view! { <div class="action"><h3>{console::A_RECORD_ANSWER.get(lang)}</h3><p class="hint">{console::A_RECORD_ANSWER_HINT.get(lang)}</p>{action_form(d, p, Action::RecordAnswer, "", fields)}</div> }.into_any());
    }
    if allowed(Action::Complete) {
        forms.push(view! { <div class="action action--wide"><h3>{console::A_COMPLETE.get(lang)}</h3>{action_form(d, p, Action::Complete, "", { let (d, p) = (d.clone(), p.clone()); move || complete_fields(&d, &p) })}</div> }.into_any());
    }
    if allowed(Action::Extend) && !d.extended {
        let months = value(p, Action::Extend, |f| &f.extend_months, String::new());
        let reason = value(p, Action::Extend, |f| &f.extend_reason, String::new());
        let fields = move || {
            view! {
            <div class="field">
                <label for="extend_months">{console::F_EXTEND_MONTHS.get(lang)}</label>
                <select id="extend_months" name="form[extend_months]">
                    <option value="1" selected=months != "2">{console::ONE_MONTH.get(lang)}</option>
                    <option value="2" selected=months == "2">{console::TWO_MONTHS.get(lang)}</option>
                </select>
                <FieldError field="extend_months".to_owned() />
            </div>
            {textarea("extend_reason", console::F_EXTEND_REASON, reason, true)}
        }.into_any()
        };
        forms.push(view! { <div class="action"><h3>{console::A_EXTEND.get(lang)}</h3><p class="hint">{console::A_EXTEND_HINT.get(lang)}</p>{action_form(d, p, Action::Extend, "", fields)}</div> }.into_any());
    }
    if allowed(Action::Message) {
        let typed = value(p, Action::Message, |f| &f.message, String::new());
        let fields = move || textarea("message", console::F_MESSAGE, typed, true).into_any();
        forms.push(view! { <div class="action"><h3>{console::A_MESSAGE.get(lang)}</h3>{action_form(d, p, Action::Message, "", fields)}</div> }.into_any());
    }
    if allowed(Action::Note) {
        let typed = value(p, Action::Note, |f| &f.note, String::new());
        let fields = move || textarea("note", console::F_NOTE, typed, true).into_any();
        forms.push(view! { <div class="action"><h3>{console::A_NOTE.get(lang)}</h3><p class="hint">{console::A_NOTE_HINT.get(lang)}</p>{action_form(d, p, Action::Note, "secondary", fields)}</div> }.into_any());
    }
    if allowed(Action::Assign) {
        let current = d.assignee.clone().unwrap_or_default();
        let accounts = d.accounts.clone();
        let fields = move || {
            view! {
            <div class="field">
                <label for="assignee">{console::F_ASSIGNEE.get(lang)}</label>
                <select id="assignee" name="form[assignee]">
                    <option value="" selected=current.is_empty()>{console::NOBODY.get(lang)}</option>
                    {accounts.iter().map(|(id, email)| view! { <option value=id.clone() selected=*id == current>{email.clone()}</option> }).collect_view()}
                </select>
                <FieldError field="assignee".to_owned() />
            </div>
        }.into_any()
        };
        forms.push(view! { <div class="action"><h3>{console::A_ASSIGN.get(lang)}</h3>{action_form(d, p, Action::Assign, "secondary", fields)}</div> }.into_any());
        forms.push(view! {
            <div class="action">
                <h3>{console::A_ATTACH.get(lang)}</h3>
                <p class="hint">{console::A_ATTACH_HINT.get(lang)}</p>
                <form method="post" action=format!("/dpo/requests/{}/attach", d.reference) enctype="multipart/form-data" class="action-form">
                    <input type="hidden" name="seen" value=d.status.slug() />
                    <div class="field">
                        <label for="file">{console::F_FILE.get(lang)}</label>
                        <input id="file" name="file" type="file" required accept=".pdf,.json,.csv,.txt,.zip,.png,.jpg,.jpeg" />
                    </div>
                    <button type="submit" class="secondary">{console::A_ATTACH.get(lang)}</button>
                </form>
            </div>
        }.into_any());
    }
    if allowed(Action::Refuse) {
        let reason = value(p, Action::Refuse, |f| &f.refuse_reason, String::new());
        let explanation = value(p, Action::Refuse, |f| &f.refuse_explanation, String::new());
        let fields = move || {
            view! {
            <div class="field">
                <label for="refuse_reason">{console::F_REFUSE_REASON.get(lang)}</label>
                <select id="refuse_reason" name="form[refuse_reason]" required>
                    <option value="" selected=reason.is_empty()>{crate::i18n::site::CHOOSE.get(lang)}</option>
                    {RefusalReason::ALL.iter().map(|r| view! { <option value=r.slug() selected=reason == r.slug()>{r.label().get(lang)}</option> }).collect_view()}
                </select>
                <FieldError field="refuse_reason".to_owned() />
            </div>
            {textarea("refuse_explanation", console::F_REFUSE_EXPLANATION, explanation, true)}
            <p class="hint">{console::A_REFUSE_HINT.get(lang)}</p>
        }.into_any()
        };
        forms.push(view! { <div class="action action--danger"><h3>{console::A_REFUSE.get(lang)}</h3>{action_form(d, p, Action::Refuse, "danger", fields)}</div> }.into_any());
    }
    view! {
        <section class="page console">
            <h2>{console::ACTIONS_TITLE.get(lang)}</h2>
            <div class="actions">{forms}</div>
        </section>
    }
}

/// The completion form: a summary, and what the right calls for.
fn complete_fields(d: &ActionsData, p: &Option<Posted<ActionForm>>) -> AnyView {
    let lang = current_lang();
    let request_lang = d.lang;
    let a = Action::Complete;
    let mut parts: Vec<AnyView> = vec![
        textarea(
            "summary",
            console::F_SUMMARY,
            value(p, a, |f| &f.summary, String::new()),
            true,
        )
        .into_any(),
    ];
    if d.right == RightKind::Access {
        let prefill = |text: Text| text.get(request_lang).to_owned();
        parts.push(view! { <p class="hint">{console::ART15_HINT.get(lang)}</p> }.into_any());
        parts.push(
            textarea(
                "access_purposes",
                console::ART15_PURPOSES,
                value(
                    p,
                    a,
                    |f| &f.access_purposes,
                    prefill(console::ART15_PURPOSES_DEFAULT),
                ),
                true,
            )
            .into_any(),
        );
        parts.push(
            textarea(
                "access_categories",
                console::ART15_CATEGORIES,
                value(
                    p,
                    a,
                    |f| &f.access_categories,
                    prefill(console::ART15_CATEGORIES_DEFAULT),
                ),
                true,
            )
            .into_any(),
        );
        parts.push(
            textarea(
                "access_recipients",
                console::ART15_RECIPIENTS,
                value(
                    p,
                    a,
                    |f| &f.access_recipients,
                    prefill(console::ART15_RECIPIENTS_DEFAULT),
                ),
                true,
            )
            .into_any(),
        );
        parts.push(
            textarea(
                "access_retention",
                console::ART15_RETENTION,
                value(
                    p,
                    a,
                    |f| &f.access_retention,
                    prefill(console::ART15_RETENTION_DEFAULT),
                ),
                true,
            )
            .into_any(),
        );
        parts.push(
            textarea(
                "access_rights",
                console::ART15_RIGHTS,
                value(
                    p,
                    a,
                    |f| &f.access_rights,
                    prefill(console::ART15_RIGHTS_DEFAULT),
                ),
                true,
            )
            .into_any(),
        );
        parts.push(
            textarea(
                "access_source",
                console::ART15_SOURCE,
                value(
                    p,
                    a,
                    |f| &f.access_source,
                    prefill(console::ART15_SOURCE_DEFAULT),
                ),
                true,
            )
            .into_any(),
        );
        parts.push(
            textarea(
                "access_automated",
                console::ART15_AUTOMATED,
                value(
                    p,
                    a,
                    |f| &f.access_automated,
                    prefill(console::ART15_AUTOMATED_DEFAULT),
                ),
                true,
            )
            .into_any(),
        );
    }
    if matches!(
        d.right,
        RightKind::Rectification | RightKind::Erasure | RightKind::Restriction
    ) {
        let posted_rows = p
            .as_ref()
            .filter(|p| p.form.action == a.slug())
            .map(|p| p.form.recipients.clone())
            .unwrap_or_default();
        let rows: Vec<RecipientRow> = (0..posted_rows.len().max(3))
            .map(|i| posted_rows.get(i).cloned().unwrap_or_default())
            .collect();
        parts.push(view! {
            <fieldset class="field">
                <legend>{console::NOTIFIED_LEGEND.get(lang)}</legend>
                <p class="hint">{console::NOTIFIED_HINT.get(lang)}</p>
                {rows.into_iter().enumerate().map(|(i, row)| view! {
                    <div class="field-row">
                        <crate::web::fields::TextField field=format!("recipients[{i}][name]") label=console::F_RECIPIENT value=row.name />
                        <crate::web::fields::TextField field=format!("recipients[{i}][on]") label=console::F_NOTIFIED_ON value=row.on input_type="date" />
                    </div>
                }).collect_view()}
            </fieldset>
        }.into_any());
    }
    if let Some(organisation) = d.destination.clone() {
        parts.push(view! {
            <div class="field-row">
                <crate::web::fields::TextField field="sent_to" label=console::F_SENT_TO value=value(p, a, |f| &f.sent_to, organisation) />
                <crate::web::fields::TextField field="sent_on" label=console::F_SENT_ON value=value(p, a, |f| &f.sent_on, String::new()) input_type="date" />
            </div>
        }.into_any());
    }
    if matches!(
        d.reply_channel,
        Channel::Phone | Channel::Postal | Channel::InPerson
    ) {
        let answered = value(p, a, |f| &f.answered_by, String::new());
        let channel = d.reply_channel;
        parts.push(view! {
            <div class="choice">
                <input type="checkbox" id="answered_by" name="form[answered_by]" value=channel.slug() checked=!answered.is_empty() />
                <label for="answered_by">{console::F_ANSWERED_BY.with(lang, &[("channel", &channel.label().get(lang))])}</label>
            </div>
        }.into_any());
    }
    parts.push(view! { <p class="hint">{console::A_COMPLETE_HINT.get(lang)}</p> }.into_any());
    parts.into_any()
}

pub fn action_label(action: Action) -> Text {
    match action {
        Action::CheckIdentity => console::A_CHECK_IDENTITY,
        Action::Start => console::A_START,
        Action::AskInformation => console::A_ASK,
        Action::RecordAnswer => console::A_RECORD_ANSWER,
        Action::Extend => console::A_EXTEND,
        Action::Message => console::A_MESSAGE,
        Action::Note => console::A_NOTE,
        Action::Assign => console::A_ASSIGN,
        Action::Complete => console::A_COMPLETE,
        Action::Refuse => console::A_REFUSE,
    }
}

fn action_button(action: Action) -> Text {
    match action {
        Action::CheckIdentity => console::B_CHECK_IDENTITY,
        Action::Start => console::B_START,
        Action::AskInformation => console::B_ASK,
        Action::RecordAnswer => console::B_RECORD_ANSWER,
        Action::Extend => console::B_EXTEND,
        Action::Message => console::B_MESSAGE,
        Action::Note => console::B_NOTE,
        Action::Assign => console::B_ASSIGN,
        Action::Complete => console::B_COMPLETE,
        Action::Refuse => console::B_REFUSE,
    }
}

fn intake_label(intake: &str) -> Text {
    match intake {
        "letter" => console::INTAKE_LETTER,
        "email" => console::INTAKE_EMAIL,
        _ => console::INTAKE_PORTAL,
    }
}

pub(super) fn email_kind_label(kind: &str) -> Text {
    match kind {
        "verification_code" => console::MAIL_CODE,
        "dpo_digest" => console::MAIL_DIGEST,
        "acknowledgment" => console::MAIL_ACK,
        "dpo_new_request" => console::MAIL_DPO_NEW,
        "information_requested" => console::MAIL_INFO,
        "information_reminder" => console::MAIL_REMINDER,
        "dpo_message" => console::MAIL_MESSAGE,
        "extended" => console::MAIL_EXTENDED,
        "completed" => console::MAIL_COMPLETED,
        "refused" => console::MAIL_REFUSED,
        "withdrawn" => console::MAIL_WITHDRAWN,
        "dpo_withdrawn" => console::MAIL_DPO_WITHDRAWN,
        "dpo_subject_answered" => console::MAIL_DPO_ANSWERED,
        "dpo_subject_wrote" => console::MAIL_DPO_WROTE,
        _ => console::MAIL_OTHER,
    }
}

/// An audit action as the DPO reads it.
fn audit_action_label(action: &str) -> String {
    let lang = current_lang();
    if let Some(kind) = action
        .strip_prefix("request.")
        .and_then(crate::domain::EventKind::parse)
    {
        return console_event_label(kind).get(lang).to_owned();
    }
    match action {
        "request.anonymised" => console::A_ANONYMISED.get(lang).to_owned(),
        "file.downloaded" => console::A_DOWNLOADED.get(lang).to_owned(),
        "export.evidence" => console::A_EVIDENCE.get(lang).to_owned(),
        "email.retried" => console::A_RETRIED.get(lang).to_owned(),
        other => other.to_owned(),
    }
}

/// The request's entries in the hash-chained audit log, and the evidence
/// export.
#[component]
fn AuditTrail(
    reference: String,
    entries: Vec<(crate::audit::AuditRow, Option<String>)>,
) -> impl IntoView {
    let lang = current_lang();
    view! {
        <section class="page console" aria-labelledby="audit-title">
            <h2 id="audit-title">{console::AUDIT_TITLE.get(lang)}</h2>
            <p class="muted">{console::AUDIT_INTRO.get(lang)}</p>
            <div class="table-wrap"><table class="audit">
                <thead><tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{console::AUDIT_WHEN.get(lang)}</th>
                    <th scope="col">{console::AUDIT_WHAT.get(lang)}</th>
                    <th scope="col">{console::AUDIT_WHO.get(lang)}</th>
                    <th scope="col">{console::AUDIT_HASH.get(lang)}</th>
                </tr></thead>
                <tbody>
                    {entries.into_iter().map(|(entry, who)| {
                        let actor = who.unwrap_or_else(|| match entry.actor.as_str() {
                            "subject" => console::AUDIT_SUBJECT.get(lang).to_owned(),
                            "dpo" => console::AUDIT_DPO.get(lang).to_owned(),
                            "operator" => console::AUDIT_OPERATOR.get(lang).to_owned(),
                            _ => console::AUDIT_SYSTEM.get(lang).to_owned(),
                        });
                        view! {
                            <tr>
                                <td>{entry.seq}</td>
                                <td>{paris_date_time(entry.at)}</td>
                                <td>{audit_action_label(&entry.action)}</td>
                                <td>{actor}</td>
                                <td class="mono" title=entry.hash.clone()>{entry.hash[..16.min(entry.hash.len())].to_owned()} "…"</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <form method="post" action=format!("/dpo/requests/{reference}/evidence")>
                <button type="submit" class="secondary">{console::EVIDENCE_DOWNLOAD.get(lang)}</button>
            </form>
        </section>
    }
}

/// Events as the DPO reads them (the subject's follow page words them for
/// the subject).
pub fn console_event_label(kind: crate::domain::EventKind) -> Text {
    use crate::domain::EventKind as E;
    match kind {
        E::Received => console::E_RECEIVED,
        E::Withdrawn => console::E_WITHDRAWN,
        E::IdentityCheckStarted => console::E_IDENTITY_CHECK,
        E::ProcessingStarted => console::E_PROCESSING,
        E::InformationRequested => console::E_INFO_REQUESTED,
        E::SubjectAnswered => console::E_SUBJECT_ANSWERED,
        E::SubjectMessage => console::E_SUBJECT_MESSAGE,
        E::DpoMessage => console::E_DPO_MESSAGE,
        E::Extended => console::E_EXTENDED,
        E::Completed => console::E_COMPLETED,
        E::Refused => console::E_REFUSED,
        E::Assigned => console::E_ASSIGNED,
        E::NoteAdded => console::E_NOTE,
        E::FileAttached => console::E_FILE,
        E::Reminded => console::E_REMINDED,
    }
}
