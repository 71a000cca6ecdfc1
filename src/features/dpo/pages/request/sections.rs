//! The request page's sections: the details the subject gave, the
//! outcome, the emails and the files, in words.

use crate::domain::choice::Category;
use crate::domain::choice::IntakeChannel;
use crate::domain::outcome::AccessItem;
use crate::domain::outcome::Outcome;
use crate::domain::request::{Destination, RightDetails, Scope};
use crate::i18n::console_labels;
use crate::i18n::{Label, Text, console, current_lang, long_date, long_date_time};
use leptos::prelude::*;

pub(super) fn scope_text(scope: &Scope) -> String {
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

pub(super) fn details_view(details: RightDetails) -> impl IntoView {
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

pub(super) fn outcome_view(outcome: Outcome) -> impl IntoView {
    let lang = current_lang();
    view! {
        <section class="page console">
            <h2>{console::OUTCOME_TITLE.get(lang)}</h2>
            {match outcome {
                Outcome::Completed { summary, access, notified, sent_to, answered_by, kept, no_recipients } => view! {
                    <p class="pre">{summary}</p>
                    {(!kept.is_empty()).then(|| view! {
                        <p><strong>{console::KEPT_TITLE.get(lang)}</strong></p>
                        <ul>{kept.into_iter().map(|k| view! { <li><span class="pre">{k.what}</span> " — " {console_labels::kept_ground(k.ground).get(lang)}</li> }).collect_view()}</ul>
                    })}
                    {access.map(|a| view! {
                        {a.no_data_held.then(|| view! { <p>{console::NO_DATA_HELD.get(lang)}</p> })}
                        <dl class="facts">
                            {AccessItem::ALL.iter().map(|item| view! {
                                <dt>{console_labels::access_item(*item).0.get(lang)}</dt>
                                <dd class="pre">{a.item(*item).to_owned()}</dd>
                            }).collect_view()}
                        </dl>
                    })}
                    {(!notified.is_empty()).then(|| view! {
                        <p>{console::NOTIFIED_TITLE.get(lang)}</p>
                        <ul>{notified.into_iter().map(|n| view! { <li>{n.name} " — " {long_date(lang, n.on)}</li> }).collect_view()}</ul>
                    })}
                    {no_recipients.then(|| view! { <p>{console::NO_RECIPIENTS_DONE.get(lang)}</p> })}
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

pub(super) fn email_state(email: &crate::features::dpo::pages::request::data::EmailLine) -> String {
    let lang = current_lang();
    match email.status.as_str() {
        "sent" => console::EMAIL_SENT.with(
            lang,
            &[(
                "date",
                &email
                    .sent_at
                    .map(|at| long_date_time(lang, at))
                    .unwrap_or_default(),
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

pub(super) fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} Mio", bytes as f64 / 1_048_576.0)
    } else if bytes >= 1024 {
        format!("{} Kio", bytes / 1024)
    } else {
        format!("{bytes} o")
    }
}

pub(super) fn intake_label(intake: &str) -> Text {
    IntakeChannel::parse(intake).map_or(console::INTAKE_PORTAL, console_labels::intake)
}

/// A stored email kind in words; a kind this version does not know
/// (written by an older one) reads as "other".
pub(crate) fn email_kind_label(kind: &str) -> Text {
    crate::email::EmailKind::parse(kind).map_or(console::MAIL_OTHER, console_labels::email_kind)
}

/// Who filed for the subject: their names and verified address, what
/// they act as, the mandate's end (flagged once past), whom the answers go
/// to, and whether their proof arrived.
pub(super) fn representative_view(
    rep: crate::domain::request::Representative,
    email: Option<String>,
    proof_received: bool,
    today: crate::domain::Date,
) -> impl IntoView {
    use crate::domain::choice::RepliesTo;
    let lang = current_lang();
    let expired = rep.mandate_until.is_some_and(|until| until < today);
    view! {
        <section class="page console" data-acting=rep.acting.slug()>
            <h2>{console::REP_SECTION.get(lang)}</h2>
            <dl class="facts">
                {super::fact(console::REP_AS, crate::i18n::console_labels::acting(rep.acting).get(lang))}
                {super::fact(console::SUBJECT_NAME, format!("{} {}", rep.first_name, rep.last_name))}
                {super::fact(console::REP_EMAIL, email.unwrap_or_else(|| console::NO_EMAIL.get(lang).to_owned()))}
                {rep.mandate_until.map(|until| super::fact(console::REP_MANDATE_UNTIL, view! {
                    {crate::i18n::long_date(lang, until)}
                    {expired.then(|| view! { " " <span class="badge badge--overdue" data-mandate-expired="1">{console::REP_MANDATE_EXPIRED.get(lang)}</span> })}
                }))}
                {super::fact(console::REP_REPLIES_TO, match rep.replies_to {
                    RepliesTo::Representative => console::REP_REPLIES_REP.get(lang),
                    RepliesTo::Subject => console::REP_REPLIES_SUBJECT.get(lang),
                })}
                {super::fact(console::REP_PROOF, if proof_received { console::REP_PROOF_RECEIVED.get(lang) } else { console::REP_PROOF_MISSING.get(lang) })}
            </dl>
            <p class="hint">{console::REP_HINT.get(lang)}</p>
        </section>
    }
}

/// The directives a deceased subject left (French law 78-17, art. 85), as
/// found for an heir's request, or the rule without them.
pub(super) fn directives_view(found: Vec<(crate::directives::Directives, bool)>) -> impl IntoView {
    let lang = current_lang();
    view! {
        <section class="page console" id="directives">
            <h2>{console::DIRECTIVES_TITLE.get(lang)}</h2>
            {if found.is_empty() {
                view! { <p data-directives="none">{console::DIRECTIVES_NONE.get(lang)}</p> }.into_any()
            } else {
                found.into_iter().map(|(d, by_email)| {
                    let recorded = console::DIRECTIVES_RECORDED_ON.with(lang, &[("date", &crate::i18n::long_date(lang, crate::domain::Date::paris_of(d.updated_at)))]);
                    let found_by = if by_email { console::DIRECTIVES_FOUND_BY } else { console::DIRECTIVES_FOUND_BY_NAME };
                    let person = d.person_name.clone().map(|name| match &d.person_email {
                        Some(email) => format!("{name} <{email}>"),
                        None => name,
                    });
                    view! {
                        <dl class="facts" data-directives=d.choice.slug()>
                            <dt>{recorded}</dt>
                            <dd>{crate::i18n::Label::label(&d.choice).get(lang)} " (" {found_by.get(lang)} ")"</dd>
                            {person.map(|person| view! { <dt>{console::DIRECTIVES_PERSON.get(lang)}</dt><dd>{person}</dd> })}
                            {d.note.clone().map(|note| view! { <dt>{console::DIRECTIVES_NOTE.get(lang)}</dt><dd class="pre">{note}</dd> })}
                        </dl>
                    }
                }).collect_view().into_any()
            }}
        </section>
    }
}

/// SOFACTO's systems on this request: where each task stands, and what
/// its system answered.
pub(super) fn systems_view(tasks: Vec<crate::systems::tasks::RequestTask>) -> impl IntoView {
    use crate::domain::task::TaskStanding;
    let lang = current_lang();
    let count = tasks.len();
    let rows = tasks
        .into_iter()
        .map(|task| {
            let standing = task.standing();
            let when = task.result_at.or(task.delivered_at).unwrap_or(task.created_at);
            let mut detail: Vec<String> = Vec::new();
            match task.result() {
                Some(crate::domain::task::TaskResult::Retained { kept }) => detail.push(format!(
                    "{} — {}",
                    kept.what,
                    console_labels::kept_ground(kept.ground).get(lang)
                )),
                Some(crate::domain::task::TaskResult::Failed { error }) => detail.push(error),
                _ => {}
            }
            if matches!(standing, TaskStanding::Waiting | TaskStanding::Undelivered) {
                match &task.last_error {
                    Some(error) => detail.push(console::TASK_ATTEMPTS.with(
                        lang,
                        &[
                            ("attempts", &task.attempts),
                            ("error", &console_labels::delivery_error(lang, error)),
                        ],
                    )),
                    None if task.delivery == "pull" => {
                        detail.push(console::TASK_PULL.get(lang).to_owned())
                    }
                    None => {}
                }
            }
            let found: Option<std::collections::BTreeMap<String, String>> = task
                .found_identifiers
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok());
            if let Some(found) = found.filter(|f| !f.is_empty()) {
                let list: Vec<String> = found.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                detail.push(console::TASK_IDENTIFIERS.with(lang, &[("list", &list.join(", "))]));
            }
            view! {
                <tr data-system=task.system.clone() data-task-state=standing.slug()>
                    <th scope="row">
                        {task.system.clone()}
                        {task.replay_of.is_some().then(|| view! { <br /><span class="hint">{console::TASK_REPLAY.get(lang)}</span> })}
                    </th>
                    <td>
                        <span class=format!("task task--{}", standing.slug())>{console_labels::task_standing(standing).get(lang)}</span>
                        <br /><time class="hint" datetime=crate::domain::iso_instant(when)>{long_date_time(lang, when)}</time>
                    </td>
                    <td class="pre">{detail.join("\n")}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="page console" aria-labelledby="systems-title" data-systems=count>
            <h2 id="systems-title">{console::SYSTEMS_TITLE.get(lang)}</h2>
            <p class="hint">{console::SYSTEMS_HINT.get(lang)}</p>
            <div class="table-wrap">
                <table class="systems">
                    <thead>
                        <tr>
                            <th scope="col">{console::COL_SYSTEM.get(lang)}</th>
                            <th scope="col">{console::COL_SYSTEM_STATE.get(lang)}</th>
                            <th scope="col">{console::COL_SYSTEM_DETAIL.get(lang)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
