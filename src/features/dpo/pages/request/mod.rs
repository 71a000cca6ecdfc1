//! `/dpo/requests/:reference`: everything about one request, and the
//! forms of every action the status allows.

pub(crate) mod audit_trail;
pub mod data;
mod forms;
mod sections;

use audit_trail::AuditTrail;
use forms::Actions;

pub(crate) use sections::email_kind_label;
use sections::*;

use crate::domain::Standing;
use crate::domain::choice::Channel;
use crate::domain::outcome::Outcome;
use crate::domain::request::{Destination, RightDetails};
use crate::domain::{Date, Reference, RightKind, Status};
use crate::features::dpo::actions::{Action, ActionForm};
use crate::features::dpo::pages::guarded;
use crate::features::dpo::pages::queue::{
    days_left, list_from_params, list_from_url, request_href,
};
use crate::features::dpo::pages::request::data::{RequestData, load};
use crate::i18n::{Label, Text, console, current_lang, long_date, long_date_time, long_iso_date};
use crate::requests::Restriction;
use crate::requests::paused::Paused;
use crate::state::app_state;
use crate::web::form::{Posted, posted};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ConsoleRequestPage() -> impl IntoView {
    let reference = use_params_map().with_untracked(|p| p.get("reference").unwrap_or_default());
    let done = use_query_map().with_untracked(|q| q.get("done").and_then(|a| Action::parse(&a)));
    // A template chosen for one action's text (`?template=…&for=…`).
    let chosen = use_query_map().with_untracked(|q| q.get("template").zip(q.get("for")));
    let posted = posted::<ActionForm>();
    // Sent back with an error, the page is drawn at its bare address: the
    // list then comes from the form.
    let list =
        list_from_url().or_else(|| posted.as_ref().and_then(|p| list_from_params(&p.form.list)));
    guarded(move |dpo| async move {
        let state = app_state()?;
        let today = Date::paris_of(state.clock.now());
        // Opened from a list of the queue: the next request of that list,
        // and the list's parameters for the forms to keep.
        let (next, list) = match list {
            Some((query, at)) => {
                let next = crate::requests::queue::next_after(
                    &state.pool,
                    &query,
                    &at,
                    &reference,
                    &dpo.account_id,
                    today,
                )
                .await?
                .map(|(reference, at)| request_href(reference.as_str(), &Some(query.clone()), &at));
                let here = request_href("", &Some(query), &at);
                let params = here
                    .split_once('?')
                    .map(|(_, p)| p.to_owned())
                    .unwrap_or_default();
                (next, params)
            }
            None => (None, String::new()),
        };
        let identity_wait = state.config.identity_wait_days;
        let data = match Reference::parse(&reference) {
            Some(reference) => load(&state.pool, &reference, state.clock.now()).await?,
            None => None,
        };
        if let Some(data) = &data {
            let read = crate::audit::Read::Request(data.row.reference.as_str());
            crate::audit::record_read(&state.pool, state.clock.now(), &dpo.account_id, read)
                .await?;
        }
        Ok(match data {
            Some(data) => {
                view! { <RequestView data today identity_wait done posted chosen next list /> }
                    .into_any()
            }
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

/// How many events the side column shows unfolded.
const RECENT: usize = 5;

/// One event of the history: when (in Paris time, saying so), what, who,
/// and its note.
fn event_line(
    (event, who): &(crate::requests::EventRow, Option<String>),
    lang: crate::i18n::Lang,
) -> impl IntoView + use<> {
    let actor = match (event.actor, who) {
        (_, Some(email)) => email.clone(),
        (actor, None) => actor.label().get(lang).to_owned(),
    };
    let internal = event.visible_to_subject == 0;
    view! {
        <li class:internal=internal>
            <time datetime=crate::domain::iso_instant(event.at)>{long_date_time(lang, event.at)}</time>
            <br /><strong>{crate::i18n::console_labels::event(event.kind).get(lang)}</strong>
            " — " {actor}
            {internal.then(|| view! { " " <span class="badge">{console::INTERNAL.get(lang)}</span> })}
            {event.note.clone().map(|note| view! { <p class="pre">{note}</p> })}
        </li>
    }
}

/// A fact of the page's head: its label above its value, in a grid.
fn head_fact(label: Text, value: impl IntoView + 'static) -> impl IntoView {
    fact_in("fact", label, value)
}

/// A fact of the page's head that takes two columns of the wide grid.
fn head_fact_wide(label: Text, value: impl IntoView + 'static) -> impl IntoView {
    fact_in("fact fact--wide", label, value)
}

fn fact_in(class: &'static str, label: Text, value: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class=class>
            <dt>{label.get(current_lang())}</dt>
            <dd>{value}</dd>
        </div>
    }
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
    /// `PORTAL_IDENTITY_WAIT_DAYS`.
    identity_wait: i64,
    done: Option<Action>,
    posted: Option<Posted<ActionForm>>,
    /// A template chosen for an action: (template, action).
    chosen: Option<(String, String)>,
    /// The next request of the list the page was opened from.
    next: Option<String>,
    /// That list, as URL parameters, for the forms to keep.
    list: String,
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
    // Paused for the subject's proof of identity: the date that would have
    // passed, and after `identity_wait` days the proposal to close.
    let waiting = (!r.status.is_closed())
        .then(|| Paused::of(r, today))
        .flatten();
    let past_due_had_it_run = waiting
        .as_ref()
        .filter(|p| p.past_due_had_it_run(today))
        .map(|p| p.due_had_it_run);
    let propose_close = waiting
        .as_ref()
        .filter(|p| p.may_close(identity_wait))
        .map(|p| p.days);
    // The same right from the same address within 30 days: a warning,
    // never a refusal (the controller proves a request excessive: Art.
    // 12(5)).
    let duplicate = data
        .earlier
        .iter()
        .find(|e| {
            e.right == r.right && (r.received_on.to_days() - e.received_on.to_days()).abs() <= 30
        })
        .map(|e| (e.reference.to_string(), e.received_on));
    // A reply about an action whose form is not on the page (the request
    // moved on, or no such action) is shown at the top.
    let orphan_notice = posted
        .as_ref()
        .filter(|p| {
            let offered = || Action::offered(data.standing()).collect::<Vec<_>>();
            p.form.action != "attach"
                && Action::parse(&p.form.action).is_none_or(|a| !offered().contains(&a))
        })
        .and_then(|p| p.shown_reply(lang).notice);
    // Filed by someone acting for the subject: the verified address is
    // theirs; the subject's own (unverified) one is in the JSON.
    let representative = r.representative.0.clone();
    let filer_email = r.email.0.as_ref().map(|e| e.as_str().to_owned());
    let subject_email = match &representative {
        Some(rep) => rep.subject_email.as_ref().map(|e| e.as_str().to_owned()),
        None => filer_email.clone(),
    };
    let proof_received = data
        .files
        .iter()
        .any(|f| f.purpose.0 == Some(crate::domain::choice::FilePurpose::Proof));
    // The last events, newest first, beside the next step; the whole
    // history below, folded.
    let event_count = data.events.len();
    let newest_first: Vec<_> = data.events.iter().rev().cloned().collect();
    let (recent, earlier) = newest_first.split_at(event_count.min(RECENT));
    let (recent, earlier) = (recent.to_vec(), earlier.to_vec());
    let actions = data.clone_for_actions(
        propose_close.is_some(),
        (!paused && !r.status.is_closed() && due < today).then_some(due),
        chosen,
        list,
    );
    view! {
        <section class="page console request-head">
            <nav class="request-nav no-print" aria-label=console::REQUEST_NAV.get(lang)>
                <a href="/dpo">{console::BACK_TO_QUEUE.get(lang)}</a>
                {next.map(|href| view! { <a href=href rel="next" data-next-request="">{console::NEXT_REQUEST.get(lang)} " →"</a> })}
            </nav>
            {done.map(|action| view! { <p class="alert" role="status">{console::DONE.with(lang, &[("action", &crate::i18n::console_labels::action_texts(action).title.get(lang))])}</p> })}
            {orphan_notice.map(|notice| view! { <p class="alert alert--error" role="alert">{notice.text}</p> })}
            <h1>{console::REQUEST_TITLE.with(lang, &[("reference", &reference)])}</h1>
            <dl class="facts facts--head">
                {head_fact(console::COL_RIGHT, r.right.label().get(lang))}
                {head_fact(console::COL_STATUS, view! {
                    <span class=format!("status status--{}", r.status.slug()) data-status=r.status.slug()>{r.status.label().get(lang)}</span>
                    {(r.is_test != 0).then(|| view! { " " <span class="badge" data-test="1">{console::TEST_BADGE.get(lang)}</span> })}
                })}
                {head_fact_wide(console::COL_DUE, view! {
                    <span data-due="">{if paused { console::PAUSED_UNTIL_ANSWER.with(lang, &[("date", &long_date(lang, due))]) } else { long_date(lang, due) }}</span>
                    {left.map(|n| view! { " · " {console::DAYS_LEFT.with(lang, &[("days", &n)])} })}
                    {badge.map(|(class, text)| view! { " " <span class=class>{text.get(lang)}</span> })}
                    <br /><span class="hint">{explanation}</span>
                })}
                {head_fact(console::COL_RECEIVED, format!("{} ({})", long_date(lang, r.received_on), intake_label(&r.intake).get(lang)))}
                {head_fact_wide(console::PERSON_TITLE, view! {
                    <span data-person="">{format!("{} {}", s.first_name, s.last_name)}</span>
                    <br /><span class="hint">{subject_email.clone().unwrap_or_else(|| console::NO_EMAIL.get(lang).to_owned())} " · " {channel.label().get(lang)}</span>
                })}
                {r.identity_method.0.zip(r.identity_on.0).map(|(method, on)| head_fact(console::IDENTITY_ESTABLISHED, console::IDENTITY_ON.with(lang, &[("method", &method.label().get(lang)), ("date", &long_date(lang, on))])))}
                {r.closed_at.map(|at| head_fact(console::CLOSED_AT, long_date_time(lang, at)))}
            </dl>
            {(!data.linked.is_empty()).then(|| view! {
                <div class="alert" role="note" data-linked=data.linked.len()>
                    <strong>{console::LINKED_TITLE.get(lang)}</strong>
                    <ul class="plain-list">
                        {data.linked.iter().map(|line| view! {
                            <li>
                                <a href=format!("/dpo/requests/{}", line.reference)>{line.reference.to_string()}</a>
                                " — " {line.right.label().get(lang)} " — " {line.status.label().get(lang)}
                            </li>
                        }).collect_view()}
                    </ul>
                    {data.answer_held.then(|| {
                        let until = r.due_on.0.map(|due| long_date(lang, due.add_days(-1))).unwrap_or_default();
                        view! { <p data-held-answer="">{console::HELD_ANSWER.with(lang, &[("date", &until)])}</p> }
                    })}
                </div>
            })}
            {duplicate.map(|(earlier, on)| view! {
                <p class="alert" role="note" data-duplicate=earlier.clone()>
                    {console::DUPLICATE_WARNING.with(lang, &[("date", &long_date(lang, on))])} " "
                    <a href=format!("/dpo/requests/{earlier}")>{earlier.clone()}</a>
                </p>
            })}
            {past_due_had_it_run.map(|due| view! { <p class="alert">{console::PAUSED_PAST_DUE.with(lang, &[("date", &long_date(lang, due))])}</p> })}
            {propose_close.map(|days| view! { <p class="alert alert--error" role="note">{console::PROPOSE_IDENTITY_CLOSE.with(lang, &[("days", &days)])}</p> })}
        </section>

        <div class="request-layout">
            <div class="request-main">
                <Actions data=actions today posted />
                {(!data.tasks.is_empty()).then(|| sections::systems_view(data.tasks.clone()))}

                {representative.clone().map(|rep| sections::representative_view(rep, filer_email.clone(), proof_received, today))}
                {data.directives.clone().map(sections::directives_view)}

                <section class="page console">
                    <h2>{console::SUBJECT_TITLE.get(lang)}</h2>
                    <dl class="facts">
                        {fact(console::SUBJECT_NAME, format!("{} {}", s.first_name, s.last_name))}
                        {fact(console::SUBJECT_EMAIL, subject_email.unwrap_or_else(|| console::NO_EMAIL.get(lang).to_owned()))}
                        {s.pending_email.clone().map(|email| view! { <dt></dt><dd class="muted" data-pending-email="1">{console::PENDING_EMAIL.with(lang, &[("email", &email)])}</dd> })}
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
                {data.restriction().map(|restriction| view! {
                    <section class="page console">
                        <p class="alert" role="note">{match restriction {
                            Restriction::InForce => console::RESTRICTION_IN_FORCE.get(lang).to_owned(),
                            Restriction::LiftedFrom(date) => console::RESTRICTION_LIFTED_FROM.with(lang, &[("date", &long_date(lang, date))]),
                        }}</p>
                    </section>
                })}
            </div>

            <div class="request-side">
                <section class="page console" aria-labelledby="recent-title">
                    <h2 id="recent-title">{console::RECENT_EVENTS.get(lang)}</h2>
                    // Newest first: the last five, then the earlier ones
                    // folded (unfolded on paper), each event shown once.
                    <ol class="timeline timeline--recent" reversed=true start=event_count>
                        {recent.iter().map(|line| event_line(line, lang)).collect_view()}
                    </ol>
                    {(!earlier.is_empty()).then(|| view! {
                        <details class="history" id="history">
                            <summary>{console::EARLIER_EVENTS.with(lang, &[("count", &earlier.len())])}</summary>
                            <ol class="timeline" reversed=true start=earlier.len()>
                                {earlier.iter().map(|line| event_line(line, lang)).collect_view()}
                            </ol>
                        </details>
                    })}
                </section>

                <section class="page console">
                    <h2 id="emails-title">{console::EMAILS_TITLE.get(lang)}</h2>
                    {if data.emails.is_empty() {
                        view! { <p>{console::NO_EMAILS.get(lang)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list side-list">
                                {data.emails.iter().map(|email| view! {
                                    <li>
                                        <strong>{email_kind_label(&email.kind).get(lang)}</strong> " — " {email.recipient.clone()}
                                        <br /><span class="hint">{long_date_time(lang, email.created_at)} " — " {email_state(email)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>

        <section class="page console" id="letters">
            <h2>{console::LETTERS_TITLE.get(lang)}</h2>
            {if data.letters.is_empty() {
                view! { <p>{console::LETTERS_NONE.get(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list side-list">
                        {data.letters.iter().map(|letter| view! {
                            <li data-letter=letter.id.clone()>
                                {email_kind_label(letter.kind.slug()).get(lang)} " — " {long_date_time(lang, letter.created_at)} " — "
                                {match &letter.posted_on {
                                    Some(on) => view! { <span>{console::LETTER_POSTED_ON.with(lang, &[("date", &long_iso_date(lang, on))])}</span> }.into_any(),
                                    None => view! { <span class="badge badge--soon">{console::LETTER_TO_POST.get(lang)}</span> }.into_any(),
                                }}
                                " — " <a href=format!("/dpo/letters/{}", letter.id)>{console::LETTER_PRINT.get(lang)}</a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            // A letter asking for several rights: their answers can go as
            // one letter.
            {(!data.linked.is_empty() && data.letters.iter().any(|l| l.posted_on.is_none())).then(|| view! {
                <p><a href=format!("/dpo/letters/group/{}", data.row.reference) data-group-letter="">{console::LETTER_GROUP_LINK.get(lang)}</a></p>
            })}
        </section>

        <section class="page console">
            <h2 id="files-title">{console::FILES_TITLE.get(lang)}</h2>
            {if data.files.is_empty() {
                view! { <p>{console::NO_FILES.get(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list side-list">
                        {data.files.iter().map(|file| view! {
                            <li>
                                <a href=format!("/dpo/files/{}", file.id)>{file.name.clone()}</a>
                                " — " {human_size(file.size)} " — " {long_date_time(lang, file.created_at)} " — "
                                {crate::i18n::console_labels::file_direction(file.direction).get(lang)}
                                {file.purpose.0.map(|purpose| view! { " — " <strong data-purpose=purpose.slug()>{crate::i18n::console_labels::file_purpose(purpose).get(lang)}</strong> })}
                                {file.shared_at.map(|at| view! { " — " {console::FILE_SHARED.with(lang, &[("date", &long_date_time(lang, at))])} })}
                                <br /><span class="muted mono">"SHA-256 " {file.sha256.clone()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        <section class="page console">
            <h2>{console::EARLIER_TITLE.get(lang)}</h2>
            {if data.earlier.is_empty() {
                view! { <p>{console::NO_EARLIER.get(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list side-list">
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
            </div>
        </div>

        <AuditTrail reference=reference.clone() entries=data.audit.clone() />
    }
}

impl RequestData {
    /// Where a restriction request stands once completed.
    fn restriction(&self) -> Option<Restriction> {
        Restriction::of(&self.row, self.events.iter().map(|(e, _)| e))
    }

    /// What decides the actions offered.
    fn standing(&self) -> Standing {
        crate::requests::standing(
            &self.row,
            self.details.as_ref(),
            self.events.iter().map(|(e, _)| e),
            self.letters.iter().any(|l| l.posted_on.is_none()),
            &self.files,
            self.now,
        )
    }

    /// What the action forms need.
    fn clone_for_actions(
        &self,
        propose_identity_close: bool,
        late_since: Option<Date>,
        chosen: Option<(String, String)>,
        list: String,
    ) -> ActionsData {
        // The chosen template's text, for an action its kind serves.
        let prefill = chosen.and_then(|(id, action)| {
            let action = Action::parse(&action)?;
            self.templates
                .iter()
                .find(|t| t.template_id == id && forms::serves(t.kind, action))
                .map(|t| (action, t.body.clone()))
        });
        ActionsData {
            reference: self.row.reference.to_string(),
            right: self.row.right,
            status: self.row.status,
            lang: self.row.lang,
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
            standing: self.standing(),
            test: self.row.is_test != 0,
            contact: [
                self.submitted.first_name.clone(),
                self.submitted.last_name.clone(),
                self.row
                    .email
                    .0
                    .as_ref()
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or_default(),
                self.submitted.reply_phone.clone().unwrap_or_default(),
                self.submitted
                    .reply_postal_address
                    .clone()
                    .unwrap_or_default(),
            ],
            reply_files: self
                .files
                .iter()
                .filter(|f| f.direction == crate::domain::choice::FileDirection::ToSubject)
                .map(|f| {
                    let expired = f
                        .shared_at
                        .is_some_and(|at| self.now >= crate::requests::download_until(at));
                    (f.id.clone(), f.name.clone(), f.shared_at.is_some(), expired)
                })
                .collect(),
            letters_to_post: self
                .letters
                .iter()
                .filter(|l| l.posted_on.is_none())
                .map(|l| {
                    (
                        l.id.clone(),
                        format!(
                            "{} — {}",
                            email_kind_label(l.kind.slug()).get(current_lang()),
                            long_date_time(current_lang(), l.created_at)
                        ),
                    )
                })
                .collect(),
            propose_identity_close,
            late_since,
            portal: self.row.intake == crate::domain::choice::IntakeChannel::Portal.slug(),
            join_answers: self.row.email.0.is_some()
                && self.row.reply_channel != Channel::Postal
                && self.linked.iter().any(|l| !l.status.is_closed()),
            identity_asked: self.row.identity_step.0.is_some(),
            represented: self.row.acting != crate::domain::choice::Acting::Myself,
            templates: self
                .templates
                .iter()
                .map(|t| (t.template_id.clone(), t.name.clone(), t.kind))
                .collect(),
            prefill,
            list,
            system_kept: self
                .tasks
                .iter()
                .filter_map(|task| task.kept())
                .map(|kept| crate::features::dpo::actions::KeptRow {
                    what: kept.what,
                    ground: kept.ground.slug().to_owned(),
                })
                .collect(),
        }
    }
}

#[derive(Clone)]
pub(super) struct ActionsData {
    reference: String,
    right: RightKind,
    status: Status,
    lang: crate::domain::Lang,
    reply_channel: Channel,
    destination: Option<String>,
    assignee: Option<String>,
    accounts: Vec<(String, String)>,
    standing: Standing,
    /// Marked as a test.
    test: bool,
    /// The contact details as stored: first name, last name, email, phone,
    /// postal address.
    contact: [String; 5],
    /// The reply files: (id, name, shared, download expired).
    reply_files: Vec<(String, String, bool, bool)>,
    /// The letters not marked posted yet: (id, what and when).
    letters_to_post: Vec<(String, String)>,
    /// Awaiting a proof of identity past `PORTAL_IDENTITY_WAIT_DAYS`: the
    /// refusal form starts on "identity not established".
    propose_identity_close: bool,
    /// The due date, when it has passed: a decision now is late.
    late_since: Option<Date>,
    /// Filed on the portal: its address was verified with a code.
    portal: bool,
    /// A linked request is open and the answer goes by email: it may wait
    /// to go with theirs.
    join_answers: bool,
    /// A question on identity was asked already: a document may follow.
    identity_asked: bool,
    /// Filed by someone acting for the subject.
    represented: bool,
    /// The templates that fit: (id, name, kind).
    templates: Vec<(String, String, crate::replies::TemplateKind)>,
    /// The text of a chosen template, for its action's form.
    prefill: Option<(Action, String)>,
    /// The list the page was opened from, as URL parameters.
    list: String,
    /// The parts SOFACTO's systems kept, with their grounds: the
    /// completion's kept rows start from them.
    system_kept: Vec<crate::features::dpo::actions::KeptRow>,
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
