//! The evidence file as a page an inspector reads and prints: the request,
//! the person, the timeline, the text of every email, the files and the
//! audit entries, in the DPO's language. It is drawn from the JSON
//! document it carries (in a `<script type="application/json">`), so what
//! it shows and what `audit verify --evidence` checks are one thing.

use crate::domain::paris_date_time;
use crate::features::dpo::pages::request::audit_trail::audit_action_in;
use crate::i18n::{Label, Lang, console, console_labels};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;
use serde_json::Value;

use crate::audit::EMBEDDED;

/// A JSON value as the page shows it: text as is, an instant (a number of
/// milliseconds) as a Paris date and time, nothing as a dash.
fn shown(key: &str, value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::String(text) => text.clone(),
        Value::Number(n) if key == "at" || key.ends_with("_at") => {
            n.as_i64().map_or_else(|| n.to_string(), paris_date_time)
        }
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// A key of the document in words; one this version does not name is
/// shown as stored.
fn key_label(lang: Lang, key: &str) -> String {
    use console::*;
    let text = match key {
        "anonymised_at" => EVK_ANONYMISED_AT,
        "answered_on" => EVK_ANSWERED_ON,
        "answered_on_time" => EVK_ANSWERED_ON_TIME,
        "channel" => EVK_CHANNEL,
        "closed_at" => EVK_CLOSED_AT,
        "due_on" => EVK_DUE_ON,
        "extended_at" => EVK_EXTENDED_AT,
        "extension_months" => EVK_EXTENSION_MONTHS,
        "first_due_on" => EVK_FIRST_DUE_ON,
        "language" => EVK_LANGUAGE,
        "paused_days" => EVK_PAUSED_DAYS,
        "received_at" => EVK_RECEIVED_AT,
        "received_on" => EVK_RECEIVED_ON,
        "recorded_at" => EVK_RECORDED_AT,
        "reference" => EVK_REFERENCE,
        "right" => EVK_RIGHT,
        "status" => EVK_STATUS,
        "customer_number" => EVK_CUSTOMER_NUMBER,
        "email" => EVK_EMAIL,
        "first_name" => EVK_FIRST_NAME,
        "last_name" => EVK_LAST_NAME,
        "relation" => EVK_RELATION,
        "reply_channel" => EVK_REPLY_CHANNEL,
        "reply_phone" => EVK_REPLY_PHONE,
        "reply_postal_address" => EVK_REPLY_POSTAL_ADDRESS,
        "attempts" => EVK_ATTEMPTS,
        "id" => EVK_ID,
        "kind" => EVK_KIND,
        "last_error" => EVK_LAST_ERROR,
        "message_id" => EVK_MESSAGE_ID,
        "queued_at" => EVK_QUEUED_AT,
        "recipient" => EVK_RECIPIENT,
        "sent_at" => EVK_SENT_AT,
        "subject" => EVK_SUBJECT,
        "content_type" => EVK_CONTENT_TYPE,
        "direction" => EVK_DIRECTION,
        "name" => EVK_NAME,
        "sha256" => EVK_SHA256,
        "shared_at" => EVK_SHARED_AT,
        "size" => EVK_SIZE,
        "stored_at" => EVK_STORED_AT,
        "task_id" => EVK_TASK_ID,
        "system" => EVK_SYSTEM,
        "state" => EVK_TASK_STATE,
        "created_at" => EVK_TASK_CREATED_AT,
        "delivery" => EVK_DELIVERY,
        "delivered_at" => EVK_DELIVERED_AT,
        "replay_of" => EVK_REPLAY_OF,
        "result_at" => EVK_RESULT_AT,
        _ => return key.to_owned(),
    };
    text.get(lang).to_owned()
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn event_label(lang: Lang, kind: &str) -> String {
    crate::domain::EventKind::parse(kind).map_or_else(
        || kind.to_owned(),
        |k| console_labels::event(k).get(lang).to_owned(),
    )
}

fn email_label(lang: Lang, kind: &str) -> String {
    crate::email::EmailKind::parse(kind).map_or_else(
        || kind.to_owned(),
        |k| console_labels::email_kind(k).get(lang).to_owned(),
    )
}

/// The order facts are shown in; others follow, as stored.
const ORDER: &[&str] = &[
    "reference",
    "right",
    "status",
    "channel",
    "language",
    "received_on",
    "received_at",
    "recorded_at",
    "first_due_on",
    "extension_months",
    "extended_at",
    "due_on",
    "paused_days",
    "closed_at",
    "answered_on",
    "answered_on_time",
    "anonymised_at",
    "first_name",
    "last_name",
    "email",
    "customer_number",
    "relation",
    "reply_channel",
    "reply_phone",
    "reply_postal_address",
    "kind",
    "recipient",
    "subject",
    "queued_at",
    "sent_at",
    "attempts",
    "last_error",
    "message_id",
    "name",
    "direction",
    "content_type",
    "size",
    "sha256",
    "stored_at",
    "shared_at",
    "task_id",
    "system",
    "state",
    "created_at",
    "delivery",
    "delivered_at",
    "replay_of",
    "result_at",
    "id",
];

/// A table of facts: each key of `object` in words, and its value; an
/// email's text has its own block.
fn facts(lang: Lang, object: &Value) -> impl IntoView + use<> {
    let mut rows: Vec<(usize, String, String)> = object
        .as_object()
        .map(|map| {
            map.iter()
                // These have their own blocks.
                .filter(|(k, v)| {
                    !v.is_object()
                        && !v.is_array()
                        && !matches!(k.as_str(), "text" | "details" | "outcome")
                })
                .map(|(k, v)| {
                    let rank = ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len());
                    (rank, key_label(lang, k), shown(k, v))
                })
                .collect()
        })
        .unwrap_or_default();
    rows.sort_by_key(|(rank, _, _)| *rank);
    view! {
        <table class="facts">
            {rows.into_iter().map(|(_, key, value)| view! { <tr><th scope="row">{key}</th><td>{value}</td></tr> }).collect_view()}
        </table>
    }
}

/// The page for `document`, whose SHA-256 is `digest`.
pub fn render(lang: Lang, document: &Value, digest: &str) -> String {
    let request = &document["request"];
    let reference = request["reference"].as_str().unwrap_or_default().to_owned();
    let right = crate::domain::RightKind::parse(request["right"].as_str().unwrap_or_default())
        .map_or_else(String::new, |r| r.label().get(lang).to_owned());
    let exported_at = shown("exported_at", &document["exported_at"]);
    let list = |key: &str| document[key].as_array().cloned().unwrap_or_default();
    let (timeline, emails, files, tasks, audit) = (
        list("timeline"),
        list("emails"),
        list("files"),
        list("tasks"),
        list("audit"),
    );
    // The document, as the JSON file holds it, where no `</script>` can
    // end it early (`<` is written `\u003c`, which JSON reads back as `<`).
    let embedded = serde_json::json!({ "document": document, "document_sha256": digest })
        .to_string()
        .replace('<', "\\u003c");
    let page = view! {
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <title>{console::EV_TITLE.with(lang, &[("reference", &reference)])}</title>
                <style>{STYLE}</style>
            </head>
            <body>
                <h1>{console::EV_TITLE.with(lang, &[("reference", &reference)])}</h1>
                <p>{right}</p>
                <p class="muted">{console::EV_INTRO.with(lang, &[("date", &exported_at), ("digest", &digest)])}</p>

                <h2>{console::EV_REQUEST.get(lang)}</h2>
                {facts(lang, request)}
                <h2>{console::EV_SUBJECT.get(lang)}</h2>
                {facts(lang, &request["subject"])}
                <h2>{console::EV_DETAILS.get(lang)}</h2>
                <pre>{pretty(&request["details"])}</pre>
                <h2>{console::EV_OUTCOME.get(lang)}</h2>
                <pre>{pretty(&request["outcome"])}</pre>

                <h2>{console::EV_TIMELINE.get(lang)}</h2>
                <table>
                    <thead><tr>
                        <th scope="col">{console::EV_AT.get(lang)}</th>
                        <th scope="col">{console::EV_EVENT.get(lang)}</th>
                        <th scope="col">{console::EV_BY.get(lang)}</th>
                        <th scope="col">{console::EV_TEXT.get(lang)}</th>
                    </tr></thead>
                    <tbody>
                        {timeline.iter().map(|e| view! {
                            <tr>
                                <td>{shown("at", &e["at"])}</td>
                                <td>{event_label(lang, e["kind"].as_str().unwrap_or_default())}</td>
                                <td>{shown("actor", &e["actor"])}</td>
                                <td class="pre">{e["note"].as_str().unwrap_or_default().to_owned()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>

                <h2>{console::EV_EMAILS.get(lang)}</h2>
                {emails.iter().map(|e| view! {
                    <section class="email">
                        <h3>{email_label(lang, e["kind"].as_str().unwrap_or_default())}</h3>
                        {facts(lang, e)}
                        <pre>{e["text"].as_str().unwrap_or_default().to_owned()}</pre>
                    </section>
                }).collect_view()}

                <h2>{console::EV_FILES.get(lang)}</h2>
                {files.iter().map(|f| facts(lang, f)).collect_view()}

                <h2>{console::EV_TASKS.get(lang)}</h2>
                {tasks.iter().map(|t| view! {
                    <section class="task">
                        <h3>{t["system"].as_str().unwrap_or_default().to_owned()}</h3>
                        {facts(lang, t)}
                        {(!t["result"].is_null()).then(|| view! {
                            <p>{console::EVK_RESULT.get(lang)}</p>
                            <pre>{pretty(&t["result"])}</pre>
                        })}
                        {(!t["found_identifiers"].is_null()).then(|| view! {
                            <p>{console::EVK_FOUND_IDENTIFIERS.get(lang)}</p>
                            <pre>{pretty(&t["found_identifiers"])}</pre>
                        })}
                    </section>
                }).collect_view()}

                <h2>{console::EV_AUDIT.get(lang)}</h2>
                <table>
                    <thead><tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{console::EV_AT.get(lang)}</th>
                        <th scope="col">{console::EV_EVENT.get(lang)}</th>
                        <th scope="col">"SHA-256"</th>
                    </tr></thead>
                    <tbody>
                        {audit.iter().map(|a| view! {
                            <tr>
                                <td>{shown("seq", &a["seq"])}</td>
                                <td>{shown("at", &a["at"])}</td>
                                <td>{audit_action_in(lang, a["action"].as_str().unwrap_or_default())}</td>
                                <td class="mono">{a["hash"].as_str().unwrap_or_default().to_owned()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="muted">{console::EV_CHECK.get(lang)}</p>
                <script type="application/json" id=EMBEDDED inner_html=embedded></script>
            </body>
        </html>
    };
    format!("<!DOCTYPE html>{}", page.to_html())
}

/// Readable on screen and on A4: no colour needed, tables that break
/// between rows, long hashes that wrap.
const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;color:#1b2430;max-width:60rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccd3dc}h3{font-size:1rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccd3dc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th[scope=row]{width:14rem;font-weight:600}pre,.pre{white-space:pre-wrap;word-break:break-word}pre{background:#f5f7fa;padding:.6rem}\
.mono{font-family:monospace;word-break:break-all}.muted{color:#4a5563}.email,.task{break-inside:avoid}\
@media print{body{margin:0;max-width:none}tr{break-inside:avoid}pre{background:none;border:1px solid #ccd3dc}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_carries_its_document_and_escapes_what_it_shows() {
        let document = serde_json::json!({
            "exported_at": 1_800_000_000_000_i64,
            "request": { "reference": "R-7K3M-9QX2", "right": "erasure", "subject": { "last_name": "<b>Martin</b>" } },
            "timeline": [{ "at": 1_800_000_000_000_i64, "kind": "received", "actor": "subject", "note": "</script><script>alert(1)</script>" }],
            "emails": [{ "kind": "completed", "text": "Bonjour,\nc'est fait." }],
            "files": [],
            "tasks": [{ "system": "billing", "state": "retained", "delivery": "pull",
                "result": { "outcome": "retained", "kept": { "what": "Factures 2025", "ground": "legal_obligation" } } }],
            "audit": [],
        });
        let page = render(Lang::Fr, &document, "abc");
        assert!(page.contains("&lt;b&gt;Martin&lt;/b&gt;"), "{page}");
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(
            page.contains("Bonjour,\nc&#x27;est fait.") || page.contains("Bonjour,\nc'est fait."),
            "{page}"
        );
        // Each system's task, with the result it sent.
        assert!(page.contains("<h3>billing</h3>"), "{page}");
        assert!(page.contains("Résultat envoyé par le système"), "{page}");
        assert!(page.contains("Factures 2025"), "{page}");
        let carried = crate::audit::carried(&page).expect("the document");
        assert_eq!(carried["document"], document);
        assert_eq!(carried["document_sha256"], "abc");
    }
}
