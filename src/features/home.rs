//! `/`: the six rights in plain words, how the portal treats the data it
//! collects, and the right to complain to the CNIL. No script at all.

use crate::domain::RightKind;
use crate::i18n::{current_lang, right_texts, site};
use leptos::prelude::*;

/// Each cookie the portal may set, with its purpose and lifetime (all
/// under 24 hours, as SOFACTO's policy states), named as the browser
/// shows it.
#[component]
fn CookieTable(secure: bool) -> impl IntoView {
    let lang = current_lang();
    let hours = |secs: u64| match secs / 3600 {
        1 => site::ONE_HOUR.get(lang).to_owned(),
        n => site::HOURS.with(lang, &[("count", &n)]),
    };
    let rows = [
        (
            crate::web::lang::LANG_COOKIE,
            site::COOKIE_LANG,
            crate::web::lang::LANG_COOKIE_MAX_AGE_SECS,
        ),
        (
            crate::features::verify::ssr::PENDING_COOKIE,
            site::COOKIE_VERIFICATION,
            crate::features::verify::ssr::PENDING_COOKIE_SECS,
        ),
        (
            crate::web::session::SESSION_COOKIE,
            site::COOKIE_SESSION,
            (crate::web::session::SESSION_TTL_MS / 1000) as u64,
        ),
        (
            crate::features::dpo::session::COOKIE,
            site::COOKIE_DPO,
            (crate::features::dpo::session::ABSOLUTE_MS / 1000) as u64,
        ),
    ];
    view! {
        <div class="table-wrap">
            <table class="cookies">
                <caption>{site::COOKIES_CAPTION.get(lang)}</caption>
                <thead><tr>
                    <th scope="col">{site::COOKIE_NAME.get(lang)}</th>
                    <th scope="col">{site::COOKIE_PURPOSE.get(lang)}</th>
                    <th scope="col">{site::COOKIE_LIFETIME.get(lang)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|(name, purpose, secs)| view! {
                        <tr>
                            <th scope="row"><code>{crate::web::cookies::wire_name(name, secure)}</code></th>
                            <td>{purpose.get(lang)}</td>
                            <td>{hours(secs)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A retention period in words: whole years when it is some, else days.
pub fn retention_period(lang: crate::i18n::Lang, days: i64) -> String {
    match days {
        365 => site::PERIOD_ONE_YEAR.get(lang).to_owned(),
        1 => site::PERIOD_ONE_DAY.get(lang).to_owned(),
        d if d % 365 == 0 => site::PERIOD_YEARS.with(lang, &[("count", &(d / 365))]),
        d => site::PERIOD_DAYS.with(lang, &[("count", &d)]),
    }
}

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
                <li>{site::PORTAL_DATA_2.with(lang, &[("period", &retention_period(lang, retention_days))])}</li>
                <li>{site::PORTAL_DATA_3.get(lang)}</li>
                <li>{site::PORTAL_DATA_4.get(lang)}</li>
            </ul>
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

#[cfg(test)]
mod tests {
    use super::retention_period;
    use crate::i18n::Lang;

    #[test]
    fn the_retention_period_is_written_from_the_setting() {
        assert_eq!(retention_period(Lang::Fr, 1095), "3 ans");
        assert_eq!(retention_period(Lang::En, 1095), "3 years");
        assert_eq!(retention_period(Lang::En, 365), "one year");
        assert_eq!(retention_period(Lang::Fr, 400), "400 jours");
    }
}
