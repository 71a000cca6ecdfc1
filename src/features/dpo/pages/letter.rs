//! `/dpo/letters/:id`: one letter as it is printed on A4 and posted (or
//! handed over): the controller's letterhead, the name (the subject's, or
//! the agent's or heir's who receives the answers, on the subject's
//! behalf) and postal address as the request holds them now, the place and date, the
//! reference and due date, then the notice's text. On paper only the
//! letter shows (print styles hide the console around it).

use crate::domain::{Date, paris_date_time};
use crate::features::dpo::pages::guarded;
use crate::features::dpo::pages::request::email_kind_label;
use crate::i18n::{console, current_lang, long_date};
use crate::state::app_state;
use anyhow::Context;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

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
        let subject_name = format!("{} {}", sent.first_name, sent.last_name);
        // Answers that go to someone acting for the subject (an agent, an
        // heir) are addressed to them, on the subject's behalf.
        let name = match row.representative.0.as_ref() {
            Some(rep) if rep.replies_to == crate::domain::choice::RepliesTo::Representative => {
                format!(
                    "{} {}\n{}",
                    rep.first_name,
                    rep.last_name,
                    console::LETTER_ON_BEHALF.with(lang, &[("name", &subject_name)])
                )
            }
            _ => subject_name,
        };
        let address = sent.reply_postal_address.clone();
        let written = Date::paris_of(letter.created_at);
        let due = long_date(lang, row.shown_due(today));
        let city = controller
            .address
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_owned();
        let kind = email_kind_label(letter.kind.slug()).get(lang).to_owned();
        Ok(view! {
            <section class="page console no-print">
                <p><a href=format!("/dpo/requests/{reference}#letters")>{console::LETTER_BACK.get(lang)}</a></p>
                <h1>{console::LETTER_TITLE.with(lang, &[("kind", &kind), ("reference", &reference)])}</h1>
                {letter.posted_on.clone().map(|on| view! { <p class="alert" role="status">{console::LETTER_POSTED_ON.with(lang, &[("date", &on)])}</p> })}
                {address.is_none().then(|| view! { <p class="alert alert--error" role="note">{console::LETTER_NO_ADDRESS.get(lang)}</p> })}
                <p class="hint">{console::LETTER_PRINT_HINT.get(lang)}</p>
            </section>
            <article class="letter" data-letter=letter.id.clone()>
                <header class="letter__head">
                    <p class="letter__from">
                        <strong>{controller.name}</strong><br />
                        {controller.address}<br />
                        {controller.country}<br />
                        {controller.dpo_email.as_str().to_owned()}
                    </p>
                    <p class="letter__to pre">{name} "\n" {address.unwrap_or_default()}</p>
                </header>
                <p class="letter__date">{console::LETTER_DATE.with(lang, &[("place", &city), ("date", &long_date(lang, written))])}</p>
                <p class="letter__ref">{console::LETTER_REFERENCE.with(lang, &[("reference", &reference), ("due", &due)])}</p>
                <p class="letter__subject"><strong>{letter.subject.clone()}</strong></p>
                <div class="letter__body pre">{letter.text.clone()}</div>
                <p class="letter__footer muted">{controller.registration} " · " {paris_date_time(letter.created_at)}</p>
            </article>
        }
        .into_any())
    })
}
