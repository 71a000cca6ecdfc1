//! The request's audit trail as the DPO reads it, with the evidence
//! export's button.

use crate::domain::paris_date_time;
use crate::i18n::{Text, console, current_lang};
use leptos::prelude::*;

/// An audit action as the DPO reads it.
fn audit_action_label(action: &str) -> String {
    let lang = current_lang();
    if let Some(kind) = action
        .strip_prefix("request.")
        .and_then(crate::domain::EventKind::parse)
    {
        return console_event_label(kind).get(lang).to_owned();
    }
    match action {
        "request.anonymised" => console::A_ANONYMISED.get(lang).to_owned(),
        "file.downloaded" => console::A_DOWNLOADED.get(lang).to_owned(),
        "export.evidence" => console::A_EVIDENCE.get(lang).to_owned(),
        "email.retried" => console::A_RETRIED.get(lang).to_owned(),
        other => other.to_owned(),
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
    view! {
        <section class="page console" aria-labelledby="audit-title">
            <h2 id="audit-title">{console::AUDIT_TITLE.get(lang)}</h2>
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
                                <td>{paris_date_time(entry.at)}</td>
                                <td>{audit_action_label(&entry.action)}</td>
                                <td>{actor}</td>
                                <td class="mono" title=entry.hash.clone()>{entry.hash[..16.min(entry.hash.len())].to_owned()} "…"</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <form method="post" action=format!("/dpo/requests/{reference}/evidence")>
                <button type="submit" class="secondary">{console::EVIDENCE_DOWNLOAD.get(lang)}</button>
            </form>
        </section>
    }
}

/// Events as the DPO reads them (the subject's follow page words them for
/// the subject).
pub fn console_event_label(kind: crate::domain::EventKind) -> Text {
    use crate::domain::EventKind as E;
    match kind {
        E::Received => console::E_RECEIVED,
        E::Withdrawn => console::E_WITHDRAWN,
        E::IdentityCheckStarted => console::E_IDENTITY_CHECK,
        E::ProcessingStarted => console::E_PROCESSING,
        E::InformationRequested => console::E_INFO_REQUESTED,
        E::SubjectAnswered => console::E_SUBJECT_ANSWERED,
        E::SubjectMessage => console::E_SUBJECT_MESSAGE,
        E::DpoMessage => console::E_DPO_MESSAGE,
        E::Extended => console::E_EXTENDED,
        E::Completed => console::E_COMPLETED,
        E::Refused => console::E_REFUSED,
        E::Assigned => console::E_ASSIGNED,
        E::NoteAdded => console::E_NOTE,
        E::FileAttached => console::E_FILE,
        E::Reminded => console::E_REMINDED,
    }
}
