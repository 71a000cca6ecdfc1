//! Form fields, rendered on the server: a visible label, an optional hint,
//! the control, and its error message (a [`FieldError`] island, so that the
//! browser's checks can show it too). Values and errors come back whole
//! after a JavaScript-off post.

use super::form::{described_by, error_id, input_id, input_name};
use super::islands::{FieldError, FieldLabel, use_form_state};
use crate::domain::choice::Choice;
use crate::i18n::{Label, Text, current_lang, site};
use leptos::prelude::*;

fn invalid(field: &str) -> &'static str {
    if use_form_state()
        .errors
        .with_untracked(|e| e.get(field).is_some())
    {
        "true"
    } else {
        "false"
    }
}

/// Names the field for the form's error summary, and returns the label
/// text: the summary links to `target`, the field's control.
fn register(field: &str, label: Text, target: &str) -> String {
    let label = label.get(current_lang()).to_owned();
    use_form_state().register(FieldLabel {
        field: field.to_owned(),
        label: label.clone(),
        target: target.to_owned(),
    });
    label
}

fn optional_mark(required: bool) -> Option<impl IntoView> {
    (!required)
        .then(|| view! { " " <span class="optional">{site::OPTIONAL.get(current_lang())}</span> })
}

/// A textarea's text, escaped. Leptos writes a `<textarea>`'s children
/// unescaped on the server (tachys treats it like `<script>`), so a value
/// holding `</textarea><script>` would end the field and run as markup:
/// the text goes in as HTML with `&`, `<` and `>` escaped, which the
/// browser reads back as the same text.
pub fn textarea_text(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[component]
pub fn TextField(
    #[prop(into)] field: String,
    label: Text,
    value: String,
    #[prop(optional)] hint: Option<Text>,
    #[prop(optional)] required: bool,
    /// Shown only for one choice (inside a `.reveal` block): required when
    /// shown, but without the `required` attribute, which on a hidden field
    /// stops the browser from sending the form at all. The server checks it.
    #[prop(optional)]
    revealed: bool,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] class: Option<&'static str>,
    #[prop(default = crate::domain::request::MAX_LINE_CHARS)] maxlength: u64,
) -> impl IntoView {
    let lang = current_lang();
    let id = input_id(&field);
    let label = register(&field, label, &id);
    let shown = label.clone();
    let hint_id = format!("{id}-hint");
    let described = described_by(&field, hint.is_some());
    let mark = required;
    let required = required && !revealed;
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=input_name(&field)
                rows="5"
                maxlength=maxlength
                required=required
                aria-describedby=described
                aria-invalid=invalid(&field)
                inner_html=textarea_text(&value)
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=input_name(&field)
                type=input_type.unwrap_or("text")
                inputmode=inputmode
                class=class
                maxlength=maxlength
                required=required
                autocomplete=autocomplete
                value=value
                aria-describedby=described
                aria-invalid=invalid(&field)
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id.clone() data-field=field.clone() data-label=label data-target=id>
                {shown} {optional_mark(mark)}
            </label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint.get(lang)}</p> })}
            {control}
            <FieldError field />
        </div>
    }
}

/// One choice among `choices`, as radio buttons.
#[component]
pub fn RadioGroup<T: Choice + Label>(
    field: &'static str,
    legend: Text,
    choices: &'static [T],
    selected: String,
    #[prop(optional)] hint: Option<Text>,
) -> impl IntoView {
    let lang = current_lang();
    let first = choices
        .first()
        .map(|choice| format!("{field}-{}", choice.slug()))
        .unwrap_or_default();
    let legend = register(field, legend, &first);
    let shown = legend.clone();
    view! {
        <fieldset class="field choices" aria-describedby=error_id(field)>
            <legend data-field=field data-label=legend.clone() data-target=first>{shown}</legend>
            {hint.map(|hint| view! { <p class="hint">{hint.get(lang)}</p> })}
            {choices
                .iter()
                .map(|choice| {
                    let id = format!("{field}-{}", choice.slug());
                    view! {
                        <div class="choice">
                            <input
                                type="radio"
                                id=id.clone()
                                name=input_name(field)
                                value=choice.slug()
                                checked=selected == choice.slug()
                            />
                            <label for=id>{choice.label().get(lang)}</label>
                        </div>
                    }
                })
                .collect_view()}
            <FieldError field=field.to_owned() />
        </fieldset>
    }
}

/// One choice among `choices`, as a drop-down list.
#[component]
pub fn SelectField<T: Choice + Label>(
    field: &'static str,
    label: Text,
    choices: &'static [T],
    selected: String,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let lang = current_lang();
    let label = register(field, label, field);
    let shown = label.clone();
    view! {
        <div class="field">
            <label for=field data-field=field data-label=label data-target=field>
                {shown} {optional_mark(required)}
            </label>
            <select
                id=field
                name=input_name(field)
                required=required
                aria-describedby=error_id(field)
                aria-invalid=invalid(field)
            >
                <option value="" selected=selected.is_empty()>
                    {site::CHOOSE.get(lang)}
                </option>
                {choices
                    .iter()
                    .map(|choice| {
                        view! {
                            <option value=choice.slug() selected=selected == choice.slug()>
                                {choice.label().get(lang)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <FieldError field=field.to_owned() />
        </div>
    }
}
