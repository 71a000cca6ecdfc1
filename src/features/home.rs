//! `/`: the six rights in plain words, a summary of how the portal treats
//! the data it collects (the whole notice is `/privacy`), and the right to
//! complain to the CNIL. No script at all.

use crate::domain::RightKind;
use crate::features::notice::CookieTable;
use crate::i18n::{current_lang, right_texts, site};
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = current_lang();
    let state = use_context::<crate::state::AppState>();
    let controller = state.as_ref().map(|state| state.config.controller());
    // PORTAL_RETENTION_DAYS, as the home page states it.
    let retention_days = state
        .as_ref()
        .map_or(1095, |state| state.config.retention_days);
    let secure = state
        .as_ref()
        .is_some_and(|state| state.config.cookies_secure());
    let other_channels = controller.map(|c| {
        site::OTHER_CHANNELS.with(
            lang,
            &[
                ("name", &c.name),
                ("address", &c.address),
                ("country", &c.country),
                ("email", &c.dpo_email.as_str()),
            ],
        )
    });
    view! {
        <section class="hero">
            <h1>{site::HOME_TITLE.get(lang)}</h1>
            <p class="lead">{site::HOME_INTRO.get(lang)}</p>
        </section>

        <section class="page" aria-labelledby="rights-title">
            <h2 id="rights-title">{site::RIGHTS_TITLE.get(lang)}</h2>
            <ul class="rights">
                {RightKind::ALL.iter().map(|right| view! { <RightCard right=*right /> }).collect_view()}
            </ul>
        </section>

        <section class="page" id="for-someone-else" aria-labelledby="others-title">
            <h2 id="others-title">{site::OTHERS_TITLE.get(lang)}</h2>
            <p>{site::OTHERS_INTRO.get(lang)}</p>
            <ul>
                {[site::OTHERS_AGENT, site::OTHERS_GUARDIAN, site::OTHERS_HEIR]
                    .map(|line| view! { <li>{line.get(lang)}</li> })}
            </ul>
            <p>{site::OTHERS_HOW.get(lang)}</p>
            <p><a class="button secondary" href="#rights-title">{site::OTHERS_START.get(lang)}</a></p>
        </section>

        <section class="page" aria-labelledby="steps-title">
            <h2 id="steps-title">{site::HOME_STEPS_TITLE.get(lang)}</h2>
            <ol class="steps">
                {[site::HOME_STEP_1, site::HOME_STEP_2, site::HOME_STEP_3]
                    .map(|step| view! { <li>{step.get(lang)}</li> })}
            </ol>
        </section>

        <section class="page" aria-labelledby="portal-data-title">
            <h2 id="portal-data-title">{site::PORTAL_DATA_TITLE.get(lang)}</h2>
            <ul class="plain-list">
                <li>{site::PORTAL_DATA_1.get(lang)}</li>
                <li>{site::PORTAL_DATA_2.with(lang, &[("period", &crate::notice::period(lang, retention_days))])}</li>
                <li>{site::PORTAL_DATA_3.get(lang)}</li>
                <li>{site::PORTAL_DATA_4.get(lang)}</li>
            </ul>
            <p>
                <a href=crate::config::NOTICE_PATH>{site::PORTAL_DATA_MORE.get(lang)}</a>
            </p>
            <CookieTable secure />
        </section>

        <section class="page notice" aria-labelledby="complaint-title">
            <h2 id="complaint-title">{site::COMPLAINT_TITLE.get(lang)}</h2>
            <p>{site::COMPLAINT_BODY.get(lang)}</p>
            <p>
                <a href=crate::domain::CNIL_COMPLAINT_URL rel="noopener noreferrer">
                    {site::COMPLAINT_LINK.get(lang)}
                </a>
            </p>
            <p class="muted">{other_channels}</p>
        </section>
    }
}

#[component]
fn RightCard(right: RightKind) -> impl IntoView {
    let lang = current_lang();
    let text = right_texts(right);
    let title_id = format!("right-{}", right.slug());
    view! {
        <li class="right-card" id=right.slug()>
            <h3 id=title_id.clone()>{text.name.get(lang)}</h3>
            <p>{text.summary.get(lang)}</p>
            <p class="muted">{text.example.get(lang)}</p>
            <p class="right-card__footer">
                <span class="muted">
                    {site::ARTICLE_OF_GDPR.with(lang, &[("article", &right.article())])}
                </span>
                <a
                    class="button"
                    href=format!("/verify?right={}", right.slug())
                    aria-describedby=title_id
                >
                    {text.start.get(lang)}
                </a>
            </p>
        </li>
    }
}
