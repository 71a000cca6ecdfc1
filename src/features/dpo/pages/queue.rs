//! The queue page: filters with their counts, the table, the next page.

use crate::domain::{Date, RightKind, Status};
use crate::features::dpo::pages::guarded;
use crate::i18n::{Label, console, current_lang, long_date};
use crate::requests::queue::{self, Counts, Filter, QueueQuery, QueueRow, Search};
use crate::state::app_state;
use crate::web::form::encode_query_value;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn query_from_url() -> QueueQuery {
    use_query_map().with_untracked(|q| QueueQuery {
        status: q.get("status").unwrap_or_default(),
        right: q.get("right").unwrap_or_default(),
        due: q.get("due").unwrap_or_default(),
        who: q.get("who").unwrap_or_default(),
        q: q.get("q").unwrap_or_default(),
        after: q.get("after").unwrap_or_default(),
    })
}

/// The queue's address with `query`.
fn href(query: &QueueQuery) -> String {
    let pairs = [
        ("status", &query.status),
        ("right", &query.right),
        ("due", &query.due),
        ("who", &query.who),
        ("q", &query.q),
        ("after", &query.after),
    ];
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", encode_query_value(value)))
        .collect();
    if parts.is_empty() {
        "/dpo".to_owned()
    } else {
        format!("/dpo?{}", parts.join("&"))
    }
}

/// `/dpo`.
#[component]
pub fn QueuePage() -> impl IntoView {
    let query = query_from_url();
    guarded(move |dpo| async move {
        let state = app_state()?;
        let today = Date::paris_of(state.clock.now());
        let filter = Filter::parse(&query);
        if let Some(Search::Terms(range)) = &filter.search {
            let tag = state.counter_key.audit_tag(&range.from);
            let read = crate::audit::Read::Search(&tag);
            crate::audit::record_read(&state.pool, state.clock.now(), &dpo.account_id, read)
                .await?;
        }
        let (rows, more) = queue::page(&state.pool, &filter, &dpo.account_id, today).await?;
        let counts = queue::counts(&state.pool, &dpo.account_id, today).await?;
        let letters = crate::requests::post::requests_with_letters_to_post(&state.pool).await?;
        let accounts = crate::accounts::enabled_emails(&state.pool).await?;
        let handed =
            use_query_map().with_untracked(|q| q.get("handed").and_then(|n| n.parse::<i64>().ok()));
        Ok(view! { <QueueView query filter rows more counts today letters accounts handed /> })
    })
}

#[component]
fn QueueView(
    query: QueueQuery,
    filter: Filter,
    rows: Vec<QueueRow>,
    more: bool,
    counts: Counts,
    today: Date,
    /// How many requests have a letter waiting to be posted.
    letters: i64,
    /// The enabled DPO accounts: (id, email), for a handover.
    accounts: Vec<(String, String)>,
    /// How many requests a handover just moved.
    handed: Option<i64>,
) -> impl IntoView {
    let lang = current_lang();
    // A chip sets one filter and keeps none of the others: the day's
    // work, one click each. The chip of the list shown is marked current.
    let chip = |label: crate::i18n::Text,
                count: i64,
                name: &'static str,
                set: &dyn Fn(&mut QueueQuery)| {
        let mut target = QueueQuery::default();
        set(&mut target);
        let current = target
            == QueueQuery {
                after: String::new(),
                ..query.clone()
            };
        let alert = count > 0 && matches!(name, "overdue" | "waiting" | "letters-to-post");
        view! {
            <li>
                <a href=href(&target) aria-current=current.then_some("page") data-chip=name class:chip--alert=alert>
                    {label.get(lang)} " " <span class="count" data-figure=name>{count}</span>
                </a>
            </li>
        }
    };
    let searching = filter.searching();
    let too_short = matches!(filter.search, Some(Search::TooShort));
    let next = (more && !searching).then(|| {
        let cursor = rows.last().map(|row| row.cursor(filter.newest_first()));
        href(&QueueQuery {
            after: cursor.unwrap_or_default(),
            ..query.clone()
        })
    });
    let paging = !query.after.is_empty();
    // A search is a lookup, not a list to work through.
    let list = (!searching).then(|| QueueQuery {
        after: String::new(),
        q: String::new(),
        ..query.clone()
    });
    view! {
        <section class="page console">
            {handed.map(|n| view! { <p class="alert" role="status">{console::HANDOVER_DONE.with(lang, &[("count", &n)])}</p> })}
            <h1>{console::QUEUE_TITLE.get(lang)}</h1>
            <ul class="quick-filters" aria-label=console::CHIPS_LABEL.get(lang)>
                {chip(console::FILTER_OPEN, counts.open, "open", &|_| {})}
                {chip(console::FILTER_OVERDUE, counts.overdue, "overdue", &|q| q.due = "overdue".into())}
                {chip(console::FILTER_WEEK, counts.week, "week", &|q| q.due = "week".into())}
                {chip(console::CHIP_WAITING, counts.waiting, "waiting", &|q| q.due = "waiting".into())}
                {chip(console::LETTERS_TO_POST_TITLE, letters, "letters-to-post", &|q| q.due = "letters".into())}
                {chip(console::FILTER_UNASSIGNED, counts.unassigned, "unassigned", &|q| q.who = "unassigned".into())}
                {chip(console::FILTER_MINE, counts.mine, "mine", &|q| q.who = "mine".into())}
            </ul>
            <p class="muted counts-line">
                {counts.by_status.iter().map(|(status, n)| format!("{} : {n}", status.label().get(lang))).collect::<Vec<_>>().join(" · ")}
                <br />
                {counts.by_right.iter().map(|(right, n)| format!("{} : {n}", right.label().get(lang))).collect::<Vec<_>>().join(" · ")}
            </p>
            <form method="get" action="/dpo" class="filters">
                <div class="field">
                    <label for="q">{console::SEARCH_LABEL.get(lang)}</label>
                    <input id="q" name="q" type="search" value=query.q.clone() placeholder="R-7K3M-9QX2" aria-describedby="q-hint" />
                    <p class="hint" id="q-hint">{console::SEARCH_HINT.get(lang)}</p>
                </div>
                <div class="field">
                    <label for="status">{console::FILTER_STATUS.get(lang)}</label>
                    <select id="status" name="status">
                        <option value="" selected=query.status.is_empty()>{console::ALL_OPEN.get(lang)}</option>
                        {Status::ALL.iter().map(|s| view! {
                            <option value=s.slug() selected=query.status == s.slug()>{s.label().get(lang)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="right">{console::FILTER_RIGHT.get(lang)}</label>
                    <select id="right" name="right">
                        <option value="" selected=query.right.is_empty()>{console::ANY_RIGHT.get(lang)}</option>
                        {RightKind::ALL.iter().map(|r| view! {
                            <option value=r.slug() selected=query.right == r.slug()>{r.label().get(lang)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="due">{console::FILTER_DUE.get(lang)}</label>
                    <select id="due" name="due">
                        <option value="" selected=query.due.is_empty()>{console::ANY_DUE.get(lang)}</option>
                        <option value="overdue" selected=query.due == "overdue">{console::FILTER_OVERDUE.get(lang)}</option>
                        <option value="week" selected=query.due == "week">{console::FILTER_WEEK.get(lang)}</option>
                        <option value="waiting" selected=query.due == "waiting">{console::FILTER_WAITING.get(lang)}</option>
                        <option value="letters" selected=query.due == "letters">{console::LETTERS_TO_POST_TITLE.get(lang)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="who">{console::FILTER_WHO.get(lang)}</label>
                    <select id="who" name="who">
                        <option value="" selected=query.who.is_empty()>{console::ANYONE.get(lang)}</option>
                        <option value="mine" selected=query.who == "mine">{console::FILTER_MINE.get(lang)}</option>
                        <option value="unassigned" selected=query.who == "unassigned">{console::FILTER_UNASSIGNED.get(lang)}</option>
                    </select>
                </div>
                <button type="submit">{console::APPLY_FILTERS.get(lang)}</button>
            </form>
            {too_short.then(|| view! { <p class="alert" role="status">{console::SEARCH_TOO_SHORT.get(lang)}</p> })}
            {(searching && more).then(|| view! { <p class="alert" role="status">{console::SEARCH_MORE.get(lang)}</p> })}
            {if rows.is_empty() {
                view! { <p>{console::QUEUE_EMPTY.get(lang)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="queue">
                            <thead>
                                <tr>
                                    <th scope="col">{console::COL_REFERENCE.get(lang)}</th>
                                    <th scope="col">{console::COL_RIGHT.get(lang)}</th>
                                    <th scope="col">{console::COL_NEXT_STEP.get(lang)}</th>
                                    <th scope="col">{console::COL_DUE.get(lang)}</th>
                                    <th scope="col">{console::COL_DAYS_LEFT.get(lang)}</th>
                                    <th scope="col">{console::COL_ASSIGNEE.get(lang)}</th>
                                    <th scope="col">{console::COL_SUBJECT.get(lang)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|row| {
                                    // The line's address carries the list, so that its
                                    // page offers the next request of the same list.
                                    let link = request_href(&row.reference.to_string(), &list, &row.cursor(filter.newest_first()));
                                    view! { <QueueLine row today link /> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <p class="pager">
                {paging.then(|| view! { <a href=href(&QueueQuery { after: String::new(), ..query.clone() })>{console::FIRST_PAGE.get(lang)}</a> " " })}
                {next.map(|next| view! { <a href=next rel="next">{console::NEXT_PAGE.get(lang)}</a> })}
            </p>
            {(accounts.len() > 1).then(|| view! {
                <details class="handover">
                    <summary>{console::HANDOVER_TITLE.get(lang)}</summary>
                    <p class="hint">{console::HANDOVER_HINT.get(lang)}</p>
                    <form method="post" action="/dpo/handover" class="filters">
                        <div class="field">
                            <label for="handover-from">{console::HANDOVER_FROM.get(lang)}</label>
                            <select id="handover-from" name="form[from]">
                                {accounts.iter().map(|(id, email)| view! { <option value=id.clone()>{email.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="handover-to">{console::HANDOVER_TO.get(lang)}</label>
                            <select id="handover-to" name="form[to]">
                                {accounts.iter().map(|(id, email)| view! { <option value=id.clone()>{email.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="secondary">{console::HANDOVER_SUBMIT.get(lang)}</button>
                    </form>
                </details>
            })}
        </section>
    }
}

/// The days left before `due`, and its badge.
pub fn days_left(
    due: Option<Date>,
    today: Date,
) -> (Option<i64>, Option<(&'static str, crate::i18n::Text)>) {
    let Some(due) = due else {
        return (None, None);
    };
    let left = due.to_days() - today.to_days();
    let badge = if left < 0 {
        Some(("badge badge--overdue", console::BADGE_OVERDUE))
    } else if left <= 7 {
        Some(("badge badge--soon", console::BADGE_SOON))
    } else {
        None
    };
    (Some(left), badge)
}

/// A request's address with the list it was opened from: the queue's
/// filters and the line's cursor (`list_from_url` reads them back).
pub fn request_href(reference: &str, list: &Option<QueueQuery>, at: &str) -> String {
    match list {
        Some(list) => {
            let filters = href(list);
            let filters = filters.strip_prefix("/dpo?").unwrap_or("");
            let sep = if filters.is_empty() { "" } else { "&" };
            format!(
                "/dpo/requests/{reference}?{filters}{sep}at={}",
                encode_query_value(at)
            )
        }
        None => format!("/dpo/requests/{reference}"),
    }
}

/// The list a request page was opened from, and its line's cursor.
pub fn list_from_url() -> Option<(QueueQuery, String)> {
    let at = use_query_map().with_untracked(|q| q.get("at"))?;
    let query = query_from_url();
    Some((
        QueueQuery {
            q: String::new(),
            after: String::new(),
            ..query
        },
        at,
    ))
}

/// The list a form carried back (`list_suffix`'s URL parameters), as
/// `list_from_url` reads it from the address.
pub fn list_from_params(params: &str) -> Option<(QueueQuery, String)> {
    #[derive(serde::Deserialize)]
    struct Params {
        #[serde(default)]
        status: String,
        #[serde(default)]
        right: String,
        #[serde(default)]
        due: String,
        #[serde(default)]
        who: String,
        at: String,
    }
    if crate::features::dpo::actions::list_suffix(params).is_empty() {
        return None;
    }
    let p: Params = serde_qs::from_str(params).ok()?;
    Some((
        QueueQuery {
            status: p.status,
            right: p.right,
            due: p.due,
            who: p.who,
            ..QueueQuery::default()
        },
        p.at,
    ))
}

/// What the DPO does next on a line, in words.
fn next_step_words(row: &QueueRow, today: Date) -> String {
    let lang = current_lang();
    if row.letters_waiting > 0 {
        return console::NEXT_LETTER.get(lang).to_owned();
    }
    match row.status {
        Status::Received | Status::IdentityCheck => console::NEXT_IDENTITY.get(lang).to_owned(),
        Status::InProgress => console::NEXT_ANSWER.get(lang).to_owned(),
        Status::AwaitingSubject => {
            let days = row
                .paused_since
                .as_deref()
                .and_then(Date::parse_iso)
                .map_or(0, |since| today.to_days() - since.to_days());
            console::NEXT_WAITING.with(lang, &[("days", &days)])
        }
        Status::Completed | Status::Refused | Status::Withdrawn => {
            row.status.label().get(lang).to_owned()
        }
    }
}

#[component]
fn QueueLine(row: QueueRow, today: Date, link: String) -> impl IntoView {
    let lang = current_lang();
    let due = row.due_on();
    let (left, badge) = days_left(due, today);
    let paused = row.open_due.is_some() && due.is_none();
    let step = next_step_words(&row, today);
    view! {
        <tr>
            <th scope="row"><a href=link>{row.reference.to_string()}</a></th>
            <td>{row.right.label().get(lang)}<br /><span class=format!("status status--{}", row.status.slug())>{row.status.label().get(lang)}</span></td>
            <td data-next-step="">{step}</td>
            <td>
                {match (due, paused) {
                    (Some(due), _) => long_date(lang, due),
                    (None, true) => console::PAUSED.get(lang).to_owned(),
                    (None, false) => "—".to_owned(),
                }}
            </td>
            <td>
                {left.map(|n| n.to_string())}
                {row.past_due_had_it_run(today).map(|due| view! { " " <span class="badge badge--overdue" title=console::PAUSED_PAST_DUE.with(lang, &[("date", &long_date(lang, due))])>{console::PAST_DUE_HAD_IT_RUN.get(lang)}</span> })}
                {badge.map(|(class, text)| view! { " " <span class=class>{text.get(lang)}</span> })}
            </td>
            <td>{row.assignee.clone().unwrap_or_else(|| "—".into())}</td>
            <td>{row.masked_email()}</td>
        </tr>
    }
}
