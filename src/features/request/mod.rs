//! Filing a request (SPEC §3.3–3.4): the common fields and the fields of
//! each right, checked by `ValidRequest::parse` in the browser and again on
//! the server, then filed with its timeline event and its two emails.

use crate::domain::FieldErrors;
use crate::domain::request::MAX_ROWS;
use crate::domain::request::{RectificationRow, RequestForm, ValidRequest};
use crate::error::AppError;
use crate::i18n::{current_lang, site, subject};
use crate::web::form::{FormReply, described_by, error_id, input_id, input_name};
use crate::web::islands::{Fields, FromFields, enhanced_form, use_form_state};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
mod views;

#[cfg(feature = "ssr")]
pub use views::{RequestFormPage, plain_routes, request_fields};

#[server(prefix = "/api", endpoint = "submit_request")]
pub async fn submit_request(form: RequestForm) -> Result<FormReply, AppError> {
    ssr::submit(form).await
}

fn check(form: &RequestForm) -> FieldErrors {
    ValidRequest::parse(form).err().unwrap_or_default()
}

impl FromFields for RequestForm {
    fn from_fields(fields: &Fields) -> Self {
        let get = |field: &str| fields.get(&input_name(field));
        let checked = |field: &str| fields.checked(&input_name(field));
        let rows = (0..=MAX_ROWS)
            .map(|i| RectificationRow {
                item: get(&format!("rows[{i}][item]")),
                current: get(&format!("rows[{i}][current]")),
                corrected: get(&format!("rows[{i}][corrected]")),
            })
            .take_while(|row| *row != RectificationRow::default())
            .collect();
        RequestForm {
            submission_key: get("submission_key"),
            right: get("right"),
            first_name: get("first_name"),
            last_name: get("last_name"),
            relation: get("relation"),
            customer_number: get("customer_number"),
            reply_channel: get("reply_channel"),
            reply_phone: get("reply_phone"),
            reply_postal: get("reply_postal"),
            lang: get("lang"),
            scope: get("scope"),
            cat_navigation: checked("cat_navigation"),
            cat_prospect: checked("cat_prospect"),
            cat_client: checked("cat_client"),
            cat_contact: checked("cat_contact"),
            rows,
            statement: get("statement"),
            add_row: checked("add_row"),
            erasure_ground: get("erasure_ground"),
            restriction_ground: get("restriction_ground"),
            format: get("format"),
            destination: get("destination"),
            org_name: get("org_name"),
            org_email: get("org_email"),
            processing: get("processing"),
            reason: get("reason"),
            details: get("details"),
            acting: get("acting"),
            rep_first_name: get("rep_first_name"),
            rep_last_name: get("rep_last_name"),
            mandate_until: get("mandate_until"),
            replies_to: get("replies_to"),
            subject_email: get("subject_email"),
        }
    }
}

#[island]
pub fn RequestEntry(reply: Option<FormReply>, children: Children) -> impl IntoView {
    enhanced_form(
        "/request/new".into(),
        SubmitRequest::PATH,
        "request-form",
        reply,
        check,
        children,
    )
}

/// The rows of a rectification request. "Add a correction" adds one in
/// place; without JavaScript it is a submit button and the server adds it.
#[island]
pub fn RectificationRows(rows: Vec<RectificationRow>, extra: usize) -> impl IntoView {
    let lang = current_lang();
    let count = RwSignal::new(rows.len().max(1) + extra);
    let add = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        count.update(|n| *n += 1);
    };
    view! {
        <p class="hint">{subject::ROWS_HINT.get(lang)}</p>
        {move || {
            (0..count.get())
                .map(|i| {
                    let row = rows.get(i).cloned().unwrap_or_default();
                    view! {
                        <fieldset class="field rect-row">
                            <legend>{subject::ROW_LEGEND.with(lang, &[("number", &(i + 1))])}</legend>
                            {row_field(format!("rows[{i}][item]"), subject::ROW_ITEM.get(lang), Some(subject::ROW_ITEM_HINT.get(lang)), row.item, true, 200)}
                            {row_field(format!("rows[{i}][current]"), subject::ROW_CURRENT.get(lang), None, row.current, false, 1000)}
                            {row_field(format!("rows[{i}][corrected]"), subject::ROW_CORRECTED.get(lang), None, row.corrected, true, 1000)}
                        </fieldset>
                    }
                    .into_any()
                })
                .collect_view()
        }}
        <button type="submit" name="form[add_row]" value="1" class="secondary" on:click=add>
            {subject::ADD_ROW.get(lang)}
        </button>
    }
}

fn row_field(
    field: String,
    label: &'static str,
    hint: Option<&'static str>,
    value: String,
    required: bool,
    maxlength: usize,
) -> AnyView {
    let state = use_form_state();
    let lang = current_lang();
    let id = input_id(&field);
    let hint_id = format!("{id}-hint");
    let described = described_by(&field, hint.is_some());
    state.register(crate::web::islands::FieldLabel {
        field: field.clone(),
        label: label.to_owned(),
        target: id.clone(),
    });
    let error = {
        let field = field.clone();
        Memo::new(move |_| state.errors.with(|errors| errors.get(&field)))
    };
    view! {
        <div class="field">
            <label for=id.clone() data-field=field.clone() data-label=label data-target=id.clone()>
                {label}
                {(!required).then(|| view! { " " <span class="optional">{site::OPTIONAL.get(lang)}</span> })}
            </label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <input
                id=id
                name=input_name(&field)
                type="text"
                maxlength=maxlength
                required=required
                value=value
                aria-describedby=described
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
            />
            <p class="field-error" id=error_id(&field)>
                {move || error.get().map(|code| crate::i18n::Label::label(&code).get(lang))}
            </p>
        </div>
    }
    .into_any()
}
