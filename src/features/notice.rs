//! `/privacy`: the portal's own privacy notice (GDPR Art. 13), rendered
//! from `crate::notice`, the one description that also writes the portal's
//! entry in the record of processing. No script at all.

use crate::i18n::notice::*;
use crate::i18n::{current_lang, site};
use crate::notice::{self, SOURCES};
use crate::state::AppState;
use leptos::prelude::*;

/// Each cookie the portal may set, with its purpose and lifetime (all
/// under 24 hours, as SOFACTO's policy states), named as the browser
/// shows it.
#[component]
pub fn CookieTable(secure: bool) -> impl IntoView {
    let lang = current_lang();
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
                    {notice::cookies().into_iter().map(|(name, purpose, secs)| view! {
                        <tr>
                            <th scope="row"><code>{crate::web::cookies::wire_name(name, secure)}</code></th>
                            <td>{purpose.get(lang)}</td>
                            <td>{notice::lifetime(lang, secs)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The line under each of the subject's forms.
#[component]
pub fn NoticeLink() -> impl IntoView {
    let lang = current_lang();
    view! {
        <p class="muted notice-link">
            {FORM_LINE.get(lang)} " "
            <a href=crate::config::NOTICE_PATH>{LINK.get(lang)}</a>
        </p>
    }
}

#[component]
pub fn NoticePage() -> impl IntoView {
    let lang = current_lang();
    let Some(state) = use_context::<AppState>() else {
        return ().into_any();
    };
    let config = &state.config;
    let c = config.controller();
    let controller = CONTROLLER_BODY.with(
        lang,
        &[
            ("name", &c.name),
            ("address", &c.address),
            ("country", &c.country),
            ("registration", &c.registration),
            ("email", &c.dpo_email.as_str()),
        ],
    );
    let rights = RIGHTS_BODY.with(
        lang,
        &[
            ("email", &c.dpo_email.as_str()),
            (
                "address",
                &format!("{}, {}, {}", c.name, c.address, c.country),
            ),
        ],
    );
    let recipients = notice::recipients(config, lang);
    let transfers = notice::transfers(config, lang);
    let retention = notice::retention(config, lang);
    let secure = config.cookies_secure();
    view! {
        <section class="page notice-page">
            <h1>{TITLE.get(lang)}</h1>
            <p class="lead">{INTRO.get(lang)}</p>

            <h2 id="controller">{CONTROLLER_TITLE.get(lang)}</h2>
            <p>{controller}</p>

            <h2 id="purposes">{PURPOSES_TITLE.get(lang)}</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{COL_PURPOSE.get(lang)}</th>
                        <th scope="col">{COL_BASIS.get(lang)}</th>
                    </tr></thead>
                    <tbody>
                        {notice::PURPOSES.map(|(purpose, basis)| view! {
                            <tr><th scope="row">{purpose.get(lang)}</th><td>{basis.get(lang)}</td></tr>
                        })}
                    </tbody>
                </table>
            </div>

            <h2 id="data">{DATA_TITLE.get(lang)}</h2>
            {SOURCES.map(|source| view! {
                <h3>{source.title.get(lang)}</h3>
                <ul class="plain-list bullets">
                    {source.data.iter().map(|datum| view! {
                        <li data-fields=datum.fields.join(" ")>{datum.what.get(lang)}</li>
                    }).collect_view()}
                </ul>
            })}

            <h2 id="recipients">{RECIPIENTS_TITLE.get(lang)}</h2>
            <ul class="plain-list bullets">
                {recipients.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
            </ul>

            <h2 id="transfers">{TRANSFERS_TITLE.get(lang)}</h2>
            <p>{transfers}</p>

            <h2 id="retention">{RETENTION_TITLE.get(lang)}</h2>
            <div class="table-wrap">
                <table class="retention">
                    <thead><tr>
                        <th scope="col">{COL_WHAT.get(lang)}</th>
                        <th scope="col">{COL_HOW_LONG.get(lang)}</th>
                    </tr></thead>
                    <tbody>
                        {retention.into_iter().map(|(what, how_long)| view! {
                            <tr><th scope="row">{what}</th><td>{how_long}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <CookieTable secure />

            <h2 id="rights">{RIGHTS_TITLE.get(lang)}</h2>
            <p>{rights}</p>
            <p>
                {COMPLAINT.get(lang)} " "
                <a href=crate::domain::CNIL_COMPLAINT_URL rel="noopener noreferrer">
                    {site::COMPLAINT_LINK.get(lang)}
                </a>
            </p>
        </section>
    }
    .into_any()
}
