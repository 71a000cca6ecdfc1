//! `/dpo/systems`: SOFACTO's systems as the operator declared them, each
//! with its open tasks, its last delivery and result, and the deliveries
//! that fail, which the DPO sends again once the receiver is mended.

use crate::domain::task::SystemName;
use crate::error::AppError;
use crate::features::dpo::pages::guarded;
use crate::features::dpo::signin::console_session::require_dpo;
use crate::i18n::{console, current_lang, long_date_time};
use crate::state::{app_state, request_context};
use crate::web::form::{FormReply, Notice};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `POST /dpo/systems/{name}/retry`.
pub async fn retry(name: String) -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, _) = request_context()?;
    let lang = current_lang();
    let gone = || FormReply::notice(Notice::error(console::SYSTEM_GONE.get(lang)));
    let Ok(name) = SystemName::parse(&name) else {
        return Ok(gone());
    };
    match crate::systems::retry_deliveries(&state.pool, &name, &dpo.account_id, state.clock.now())
        .await?
    {
        None => Ok(gone()),
        Some(_) => {
            state.tasks_wakeup.notify_one();
            Ok(FormReply::go("/dpo/systems?retried=1"))
        }
    }
}

#[component]
pub fn SystemsPage() -> impl IntoView {
    let retried = use_query_map().with_untracked(|q| q.get("retried").is_some());
    let notice = crate::web::form::posted::<()>()
        .and_then(|p| p.shown_reply(current_lang()).notice)
        .map(|n| n.text);
    guarded(move |_dpo| async move {
        let state = app_state()?;
        let systems = crate::systems::overview(&state.pool).await?;
        let lang = current_lang();
        let rights = |slugs: &str| {
            slugs
                .split(',')
                .filter_map(crate::domain::RightKind::parse)
                .map(|r| crate::i18n::Label::label(&r).get(lang).to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        Ok(view! {
            <section class="page console">
                <h1>{console::SYSTEMS_PAGE_TITLE.get(lang)}</h1>
                {notice.map(|text| view! { <p class="alert alert--error" role="alert">{text}</p> })}
                {retried.then(|| view! { <p class="alert" role="status">{console::DELIVERIES_QUEUED.get(lang)}</p> })}
                <p>{console::SYSTEMS_PAGE_INTRO.get(lang)}</p>
                {if systems.is_empty() {
                    view! { <p>{console::NO_SYSTEMS.get(lang)}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap"><table class="systems">
                            <thead><tr>
                                <th scope="col">{console::COL_SYSTEM.get(lang)}</th>
                                <th scope="col">{console::COL_RIGHTS.get(lang)}</th>
                                <th scope="col">{console::COL_DELIVERY.get(lang)}</th>
                                <th scope="col">{console::COL_OPEN_TASKS.get(lang)}</th>
                                <th scope="col">{console::COL_LAST_DELIVERY.get(lang)}</th>
                                <th scope="col">{console::COL_FAILURES.get(lang)}</th>
                            </tr></thead>
                            <tbody>
                                {systems.into_iter().map(|system| view! {
                                    <tr data-system=system.name.clone() data-failing=system.failing>
                                        <th scope="row">
                                            {system.name.clone()}
                                            {(system.enabled == 0).then(|| view! { " " <span class="badge">{console::SYSTEM_DISABLED.get(lang)}</span> })}
                                        </th>
                                        <td>{rights(&system.rights)}</td>
                                        <td>{match system.webhook_url.clone() {
                                            Some(url) => view! { <span class="mono">{url}</span> }.into_any(),
                                            None => console::DELIVERY_PULL.get(lang).into_any(),
                                        }}</td>
                                        <td>{system.open_tasks}</td>
                                        <td>{system.last_delivered_at.or(system.last_result_at).map_or_else(|| console::NEVER.get(lang).to_owned(), |at| long_date_time(lang, at))}</td>
                                        <td>{(system.failing > 0).then(|| view! {
                                            <p>{console::FAILING_TASKS.with(lang, &[("count", &system.failing), ("error", &crate::i18n::console_labels::delivery_error(lang, system.last_error.as_deref().unwrap_or_default()))])}</p>
                                            <form method="post" action=format!("/dpo/systems/{}/retry", system.name)>
                                                <button type="submit" class="secondary">{console::RETRY_DELIVERIES.get(lang)}</button>
                                            </form>
                                        })}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }}
            </section>
        })
    })
}
