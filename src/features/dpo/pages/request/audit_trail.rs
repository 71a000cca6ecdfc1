//! The request's audit trail as the DPO reads it, with the evidence
//! export's button.

use crate::audit::AuditAction;
use crate::i18n::{console, console_labels, current_lang};
use leptos::prelude::*;

/// An audit action as the DPO reads it: a request event, or one of the
/// other actions; one this version does not know is shown as stored.
fn audit_action_label(action: &str) -> String {
    audit_action_in(current_lang(), action)
}

/// The same, in `lang` (the evidence page).
pub(crate) fn audit_action_in(lang: crate::i18n::Lang, action: &str) -> String {
    if let Some(known) = AuditAction::parse(action) {
        return console_labels::audit_action(known).get(lang).to_owned();
    }
    match action
        .strip_prefix("request.")
        .and_then(crate::domain::EventKind::parse)
    {
        Some(kind) => console_labels::event(kind).get(lang).to_owned(),
        None => action.to_owned(),
    }
}

/// The request's entries in the hash-chained audit log, and the evidence
/// export.
#[component]
pub(super) fn AuditTrail(
    reference: String,
    entries: Vec<(crate::audit::AuditRow, Option<String>)>,
) -> impl IntoView {
    let lang = current_lang();
    let count = entries.len();
    view! {
        <section class="page console no-print" aria-labelledby="audit-title">
            <h2 id="audit-title">{console::AUDIT_TITLE.get(lang)}</h2>
            <details class="audit-entries" id="audit">
            <summary>{console::AUDIT_SHOW.with(lang, &[("count", &count)])}</summary>
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
                                <td>{crate::i18n::long_date_time(lang, entry.at)}</td>
                                <td>{audit_action_label(&entry.action)}</td>
                                <td>{actor}</td>
                                <td class="mono" title=entry.hash.clone()>{entry.hash[..16.min(entry.hash.len())].to_owned()} "…"</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            </details>
            <div class="evidence-buttons">
            <form method="post" action=format!("/dpo/requests/{reference}/evidence")>
                <button type="submit" class="secondary">{console::EVIDENCE_DOWNLOAD.get(lang)}</button>
            </form>
            <form method="post" action=format!("/dpo/requests/{reference}/evidence/page")>
                <button type="submit" class="secondary">{console::EVIDENCE_PAGE.get(lang)}</button>
            </form>
            </div>
        </section>
    }
}
