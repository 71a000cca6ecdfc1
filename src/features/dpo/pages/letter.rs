//! `/dpo/letters/:id`: one letter as it is printed on A4 and posted (or
//! handed over): the controller's letterhead, the name (the subject's, or
//! that of the agent or heir who receives the answers, on the subject's
//! behalf) and postal address as the request holds them now, the place
//! and date, the reference and due date, then the notice's text. On paper only the
//! letter shows (print styles hide the console around it).

use crate::domain::Date;
use crate::features::dpo::pages::guarded;
use crate::features::dpo::pages::request::email_kind_label;
use crate::i18n::{console, current_lang, long_date, long_date_time, long_iso_date};
use crate::state::app_state;
use crate::web::form::posted;
use crate::web::islands::{FormNotice, FormStateProvider};
use anyhow::Context;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[component]
pub fn LetterPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    guarded(move |_dpo| async move {
        let lang = current_lang();
        let state = app_state()?;
        let Some((letter, reference)) = crate::requests::post::by_id(&state.pool, &id).await?
        else {
            return Ok(view! { <section class="page console"><p>{console::REQUEST_NOT_FOUND.get(lang)}</p></section> }.into_any());
        };
        let reference =
            crate::domain::Reference::parse(&reference).context("letter: its reference")?;
        let mut conn = state.pool.acquire().await.context("letter: connect")?;
        let Some(dossier) = crate::requests::dossier::read(&mut conn, &reference).await? else {
            return Ok(view! { <section class="page console"><p>{console::REQUEST_NOT_FOUND.get(lang)}</p></section> }.into_any());
        };
        drop(conn);
        let controller = state.config.controller();
        let today = Date::paris_of(state.clock.now());
        let row = &dossier.row;
        let sent = &dossier.submitted;
        let name = addressee(&dossier, lang);
        let address = sent.reply_postal_address.clone();
        let written = Date::paris_of(letter.created_at);
        let due = long_date(lang, row.shown_due(today));
        let city = city_of(controller.address);
        let kind = email_kind_label(letter.kind.slug()).get(lang).to_owned();
        Ok(view! {
            <section class="page console no-print">
                <p><a href=format!("/dpo/requests/{reference}#letters")>{console::LETTER_BACK.get(lang)}</a></p>
                <h1>{console::LETTER_TITLE.with(lang, &[("kind", &kind), ("reference", &reference)])}</h1>
                {letter.posted_on.clone().map(|on| view! { <p class="alert" role="status">{console::LETTER_POSTED_ON.with(lang, &[("date", &long_iso_date(lang, &on))])}</p> })}
                {address.is_none().then(|| view! { <p class="alert alert--error" role="note">{console::LETTER_NO_ADDRESS.get(lang)}</p> })}
                <p class="hint">{console::LETTER_PRINT_HINT.get(lang)}</p>
            </section>
            <article class="letter" data-letter=letter.id.clone()>
                {letter_head(&controller, name, address.unwrap_or_default())}
                <p class="letter__date">{console::LETTER_DATE.with(lang, &[("place", &city), ("date", &long_date(lang, written))])}</p>
                <p class="letter__ref">{console::LETTER_REFERENCE.with(lang, &[("reference", &reference), ("due", &due)])}</p>
                <p class="letter__subject"><strong>{letter.subject.clone()}</strong></p>
                <div class="letter__body pre">{letter.text.clone()}</div>
                <p class="letter__footer muted">{controller.registration} " · " {long_date_time(lang, letter.created_at)}</p>
            </article>
        }
        .into_any())
    })
}

/// The head of a letter: SOFACTO's letterhead, and whom it goes to.
fn letter_head(
    controller: &crate::domain::Controller,
    name: String,
    address: String,
) -> impl IntoView + use<> {
    view! {
        <header class="letter__head">
            <p class="letter__from">
                <strong>{controller.name}</strong><br />
                {controller.address}<br />
                {controller.country}<br />
                {controller.dpo_email.as_str().to_owned()}
            </p>
            <p class="letter__to pre">{name} "\n" {address}</p>
        </header>
    }
}

/// The town of the controller's address (its last word), for the date line.
fn city_of(address: &str) -> String {
    address.rsplit(' ').next().unwrap_or_default().to_owned()
}

/// Whom a letter is addressed to: the subject, or the agent or heir who
/// receives the answers (an agent, an heir), on the subject's behalf.
fn addressee(dossier: &crate::requests::dossier::Dossier, lang: crate::domain::Lang) -> String {
    let sent = &dossier.submitted;
    let subject_name = format!("{} {}", sent.first_name, sent.last_name);
    match dossier.row.representative.0.as_ref() {
        Some(rep) if rep.replies_to == crate::domain::choice::RepliesTo::Representative => format!(
            "{} {}\n{}",
            rep.first_name,
            rep.last_name,
            console::LETTER_ON_BEHALF.with(lang, &[("name", &subject_name)])
        ),
        _ => subject_name,
    }
}

/// The day a group letter was posted, and the letters it held as printed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupPosted {
    pub posted_on: String,
    /// The ids of the letters on the printed page: only these are marked.
    pub letters: Vec<String>,
}

/// `/dpo/letters/group/:reference`: the letters to post of the requests
/// linked with this one (one letter asking for several rights), answered
/// at the same address, printed as one letter; once posted, one date marks
/// each of them posted, each request's own action and audit entry.
#[component]
pub fn GroupLetterPage() -> impl IntoView {
    let reference = use_params_map().with_untracked(|p| p.get("reference").unwrap_or_default());
    let posted = posted::<GroupPosted>();
    guarded(move |_dpo| async move {
        let lang = current_lang();
        let state = app_state()?;
        let not_found = || {
            view! { <section class="page console"><p>{console::REQUEST_NOT_FOUND.get(lang)}</p></section> }.into_any()
        };
        let Some(reference) = crate::domain::Reference::parse(&reference) else {
            return Ok(not_found());
        };
        let mut conn = state.pool.acquire().await.context("letter: connect")?;
        let Some(dossier) = crate::requests::dossier::read(&mut conn, &reference).await? else {
            return Ok(not_found());
        };
        drop(conn);
        let letters = crate::requests::post::of_group(&state.pool, &dossier.row.id).await?;
        let back = format!("/dpo/requests/{reference}#letters");
        if letters.len() < 2 {
            return Ok(view! {
                <section class="page console">
                    <p><a href=back>{console::LETTER_BACK.get(lang)}</a></p>
                    <p class="alert" role="status">{console::LETTER_GROUP_NONE.get(lang)}</p>
                </section>
            }
            .into_any());
        }
        let controller = state.config.controller();
        let today = Date::paris_of(state.clock.now());
        let mut references: Vec<String> = letters.iter().map(|(_, r, _)| r.clone()).collect();
        references.dedup();
        let references = references.join(", ");
        let name = addressee(&dossier, lang);
        let address = dossier
            .submitted
            .reply_postal_address
            .clone()
            .unwrap_or_default();
        let city = city_of(controller.address);
        let reply = posted.as_ref().map(|p| p.shown_reply(lang));
        let ids: Vec<String> = letters.iter().map(|(l, _, _)| l.id.clone()).collect();
        let on = posted
            .map(|p| p.form.posted_on)
            .unwrap_or_else(|| today.iso());
        Ok(view! {
            <section class="page console no-print">
                <p><a href=back>{console::LETTER_BACK.get(lang)}</a></p>
                <h1>{console::LETTER_GROUP_TITLE.with(lang, &[("references", &references)])}</h1>
                <p class="hint">{console::LETTER_GROUP_HINT.get(lang)}</p>
                <FormStateProvider reply>
                    <form method="post" action=format!("/dpo/letters/group/{reference}") class="action-form" novalidate>
                        <FormNotice />
                        {ids.iter().enumerate().map(|(i, id)| view! {
                            <input type="hidden" name=format!("form[letters][{i}]") value=id.clone() />
                        }).collect_view()}
                        <crate::web::fields::TextField field="posted_on" label=console::F_POSTED_ON value=on input_type="date" required=true />
                        <button type="submit">{console::LETTER_GROUP_POSTED.get(lang)}</button>
                    </form>
                </FormStateProvider>
            </section>
            <article class="letter" data-letter-group=references.clone()>
                {letter_head(&controller, name, address)}
                <p class="letter__date">{console::LETTER_DATE.with(lang, &[("place", &city), ("date", &long_date(lang, today))])}</p>
                <p class="letter__ref">{console::LETTER_GROUP_REFERENCES.with(lang, &[("references", &references)])}</p>
                {letters.into_iter().map(|(letter, _, _)| view! {
                    <section class="letter__part" data-letter=letter.id.clone()>
                        <p class="letter__subject"><strong>{letter.subject.clone()}</strong></p>
                        <div class="letter__body pre">{letter.text.clone()}</div>
                    </section>
                }).collect_view()}
                <p class="letter__footer muted">{controller.registration}</p>
            </article>
        }
        .into_any())
    })
}

/// `POST /dpo/letters/group/{reference}`: the day the group's letter was
/// posted marks each of its letters posted, through each request's own
/// "mark posted" action (its checks, event and audit entry).
#[cfg(feature = "ssr")]
pub async fn mark_group_posted(
    reference: String,
    form: GroupPosted,
) -> Result<crate::web::form::FormReply, crate::error::AppError> {
    use crate::domain::{ErrorCode, FieldErrors};
    use crate::features::dpo::actions::{ActionForm, act};
    use crate::features::dpo::signin::console_session::require_dpo;
    use crate::web::form::{FormReply, Notice};
    if require_dpo().await?.is_none() {
        return Ok(FormReply::go("/dpo/login"));
    }
    let lang = current_lang();
    let state = app_state()?;
    let Some(parsed) = crate::domain::Reference::parse(&reference) else {
        return Ok(FormReply::notice(Notice::error(
            console::NOT_ALLOWED.get(lang),
        )));
    };
    let Some(request) = crate::requests::read::by_reference(&state.pool, &parsed).await? else {
        return Ok(FormReply::notice(Notice::error(
            console::NOT_ALLOWED.get(lang),
        )));
    };
    // Only the letters on the printed page, each still waiting in the
    // group: a letter written since was not in the envelope.
    let waiting = crate::requests::post::of_group(&state.pool, &request.id).await?;
    let letters: Vec<_> = waiting
        .into_iter()
        .filter(|(l, _, _)| form.letters.contains(&l.id))
        .collect();
    if letters.len() < 2 || letters.len() != form.letters.len() {
        return Ok(FormReply::notice(Notice::error(
            console::LETTER_GROUP_CHANGED.get(lang),
        )));
    }
    // One day for all: after the last was printed, and not in the future.
    let today = Date::paris_of(state.clock.now());
    let printed = letters
        .iter()
        .map(|(l, _, _)| Date::paris_of(l.created_at))
        .max();
    let on = Date::parse_iso(form.posted_on.trim())
        .filter(|on| *on <= today && printed.is_none_or(|p| *on >= p));
    if on.is_none() {
        let mut errors = FieldErrors::default();
        errors.add("posted_on", ErrorCode::InvalidDate);
        return Ok(FormReply::invalid(errors));
    }
    // Each through its request's own action; should one be refused (its
    // request changed meanwhile), say which were recorded and which not.
    let mut done: Vec<String> = Vec::new();
    for (letter, each, status) in letters {
        let reply = act(
            each.clone(),
            "mark-posted".to_owned(),
            ActionForm {
                action: "mark-posted".to_owned(),
                seen: status,
                letter: letter.id,
                posted_on: form.posted_on.trim().to_owned(),
                ..Default::default()
            },
        )
        .await?;
        if reply.next.is_none() {
            let done = if done.is_empty() {
                "—".to_owned()
            } else {
                done.join(", ")
            };
            return Ok(FormReply::notice(Notice::error(
                console::LETTER_GROUP_PARTIAL.with(lang, &[("done", &done), ("left", &each)]),
            )));
        }
        done.push(each);
    }
    Ok(FormReply::go(format!(
        "/dpo/requests/{reference}?done=mark-posted"
    )))
}
