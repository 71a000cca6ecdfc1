//! Accessible form fields: a visible label, a hint and an error message tied
//! to the control, errors in the page's language.

use super::{FieldErrors, error_id};
use crate::features::language::use_lang;
use crate::features::request::Choice;
use leptos::prelude::*;

/// `rows[0][item]` → `form[rows][0][item]`, the name serde_qs reads back.
pub fn input_name(field: &str) -> String {
    match field.split_once('[') {
        Some((head, tail)) => format!("form[{head}][{tail}"),
        None => format!("form[{field}]"),
    }
}

/// A usable HTML id for a field key.
pub fn input_id(field: &str) -> String {
    field
        .replace(['[', ']'], "-")
        .trim_end_matches('-')
        .to_owned()
}

#[component]
pub fn FieldMessage(field: String, errors: Signal<FieldErrors>) -> impl IntoView {
    let lang = use_lang();
    let id = error_id(&field);
    view! {
        <p class="field-error" id=id>
            {move || errors.get().get(&field).map(|code| code.message(lang.get()))}
        </p>
    }
}

#[component]
pub fn TextField(
    field: String,
    label: (&'static str, &'static str),
    value: String,
    errors: Signal<FieldErrors>,
    #[prop(optional)] hint: Option<(&'static str, &'static str)>,
    #[prop(optional)] required: bool,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(default = 200)] maxlength: usize,
) -> impl IntoView {
    let lang = use_lang();
    let id = input_id(&field);
    let name = input_name(&field);
    let hint_id = format!("{id}-hint");
    let described = match hint {
        Some(_) => format!("{hint_id} {}", error_id(&field)),
        None => error_id(&field),
    };
    let invalid = {
        let field = field.clone();
        move || errors.get().get(&field).is_some().to_string()
    };
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="5"
                maxlength=maxlength
                required=required
                aria-describedby=described
                aria-invalid=invalid
            >
                {value}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type=input_type.unwrap_or("text")
                maxlength=maxlength
                required=required
                autocomplete=autocomplete
                value=value
                aria-describedby=described
                aria-invalid=invalid
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>
                {move || lang.get().pick(label.0, label.1)}
                {(!required).then(|| view! { <span class="optional">{move || lang.get().pick(" (facultatif)", " (optional)")}</span> })}
            </label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{move || lang.get().pick(hint.0, hint.1)}</p> })}
            {control}
            <FieldMessage field errors />
        </div>
    }
}

#[component]
pub fn RadioGroup(
    field: &'static str,
    legend: (&'static str, &'static str),
    choices: &'static [Choice],
    selected: String,
    errors: Signal<FieldErrors>,
    #[prop(optional)] hint: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <fieldset class="field choices" aria-describedby=error_id(field)>
            <legend>{move || lang.get().pick(legend.0, legend.1)}</legend>
            {hint.map(|hint| view! { <p class="hint">{move || lang.get().pick(hint.0, hint.1)}</p> })}
            {choices
                .iter()
                .map(|(value, fr, en)| {
                    let id = format!("{field}-{value}");
                    view! {
                        <div class="choice">
                            <input
                                type="radio"
                                id=id.clone()
                                name=input_name(field)
                                value=*value
                                checked=selected == *value
                            />
                            <label for=id>{move || lang.get().pick(*fr, *en)}</label>
                        </div>
                    }
                })
                .collect_view()}
            <FieldMessage field=field.to_owned() errors />
        </fieldset>
    }
}

#[component]
pub fn SelectField(
    field: &'static str,
    label: (&'static str, &'static str),
    choices: &'static [Choice],
    selected: String,
    errors: Signal<FieldErrors>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <label for=field>
                {move || lang.get().pick(label.0, label.1)}
                {(!required).then(|| view! { <span class="optional">{move || lang.get().pick(" (facultatif)", " (optional)")}</span> })}
            </label>
            <select
                id=field
                name=input_name(field)
                required=required
                aria-describedby=error_id(field)
                aria-invalid=move || errors.get().get(field).is_some().to_string()
            >
                <option value="" selected=selected.is_empty()>
                    {move || lang.get().pick("— Choisir —", "— Choose —")}
                </option>
                {choices
                    .iter()
                    .map(|(value, fr, en)| {
                        view! {
                            <option value=*value selected=selected == *value>
                                {move || lang.get().pick(*fr, *en)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <FieldMessage field=field.to_owned() errors />
        </div>
    }
}

pub fn lang_choices() -> &'static [Choice] {
    &[("fr", "Français", "French"), ("en", "Anglais", "English")]
}
