//! `/dpo/templates`: the reply templates. Each can be edited (a new
//! version, audited) and a new one added; the paragraphs the law requires
//! for its kind are shown locked under its text, as every email of that
//! kind adds them. The request page offers the templates that fit a
//! request beside the text each form asks for.

use crate::domain::{ErrorCode, FieldErrors, Lang, RightKind};
use crate::error::AppError;
use crate::features::dpo::pages::guarded;
use crate::features::dpo::signin::console_session::require_dpo;
use crate::i18n::{Label, Text, console, current_lang, email};
use crate::replies::{Saved, Template, TemplateKind};
use crate::state::{app_state, request_context};
use crate::web::form::{FormReply, posted};
use crate::web::islands::{FieldError, FormNotice, FormStateProvider};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One template's form: `id` empty for a new one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    pub id: String,
    pub kind: String,
    pub right: String,
    pub lang: String,
    pub name: String,
    pub body: String,
}

fn check(form: &TemplateForm) -> Result<Saved, FieldErrors> {
    use crate::domain::request::{MAX_LINE_CHARS, MAX_TEXT_CHARS};
    let mut errors = FieldErrors::default();
    let kind = TemplateKind::parse(form.kind.trim());
    if kind.is_none() {
        errors.add("kind", ErrorCode::InvalidChoice);
    }
    let right = match form.right.trim() {
        "" => Ok(None),
        slug => RightKind::parse(slug).map(Some).ok_or(()),
    };
    if right.is_err() {
        errors.add("right", ErrorCode::InvalidChoice);
    }
    let lang = Lang::parse(form.lang.trim());
    if lang.is_none() {
        errors.add("lang", ErrorCode::InvalidChoice);
    }
    let name = errors.text("name", &form.name, MAX_LINE_CHARS, true);
    let body = errors.text("body", &form.body, MAX_TEXT_CHARS, true);
    match (kind, right, lang, name, body) {
        (Some(kind), Ok(right), Some(lang), Some(name), Some(body)) if errors.is_empty() => {
            Ok(Saved {
                template_id: Some(form.id.trim().to_owned()).filter(|id| !id.is_empty()),
                kind,
                right,
                lang,
                name,
                body,
            })
        }
        _ => Err(errors),
    }
}

/// `POST /dpo/templates`: a new template, or a new version of one.
pub async fn save(form: TemplateForm) -> Result<FormReply, AppError> {
    let Some(dpo) = require_dpo().await? else {
        return Ok(FormReply::go("/dpo/login"));
    };
    let (state, _) = request_context()?;
    let saved = match check(&form) {
        Ok(saved) => saved,
        Err(errors) => return Ok(FormReply::invalid(errors)),
    };
    let (id, version) =
        crate::replies::save(&state.pool, &saved, &dpo.account_id, state.clock.now()).await?;
    Ok(FormReply::go(format!(
        "/dpo/templates?saved={version}#template-{id}"
    )))
}

/// The paragraphs every email of `kind` adds, in `lang`, whatever the
/// template says.
pub fn mandatory(kind: TemplateKind, lang: Lang) -> Vec<String> {
    let url = crate::domain::CNIL_COMPLAINT_URL;
    match kind {
        TemplateKind::Refused | TemplateKind::Partial => {
            vec![email::REFUSED_REMEDIES.with(lang, &[("url", &url)])]
        }
        TemplateKind::Extended => vec![
            email::EXTENDED_RIGHT.get(lang).to_owned(),
            email::COMPLAINT.with(lang, &[("url", &url)]),
        ],
        TemplateKind::Completed | TemplateKind::Snippet => Vec::new(),
    }
}

impl Label for TemplateKind {
    fn label(&self) -> Text {
        match self {
            TemplateKind::Refused => console::TK_REFUSED,
            TemplateKind::Partial => console::TK_PARTIAL,
            TemplateKind::Extended => console::TK_EXTENDED,
            TemplateKind::Completed => console::TK_COMPLETED,
            TemplateKind::Snippet => console::TK_SNIPPET,
        }
    }
}

fn select<T: Label + Copy>(
    field: &'static str,
    id: String,
    label: Text,
    choices: Vec<(String, T)>,
    none: Option<Text>,
    selected: String,
) -> impl IntoView {
    let lang = current_lang();
    view! {
        <div class="field">
            <label for=id.clone()>{label.get(lang)}</label>
            <select id=id name=format!("form[{field}]")>
                {none.map(|none| view! { <option value="" selected=selected.is_empty()>{none.get(lang)}</option> })}
                {choices.into_iter().map(|(slug, choice)| view! { <option value=slug.clone() selected=slug == selected>{choice.label().get(lang)}</option> }).collect_view()}
            </select>
            <FieldError field=field.to_owned() />
        </div>
    }
}

/// One template's form, as stored or as typed back.
fn template_form(
    form: TemplateForm,
    reply: Option<FormReply>,
    version: Option<i64>,
) -> impl IntoView {
    let lang = current_lang();
    let suffix = if form.id.is_empty() {
        "new".to_owned()
    } else {
        form.id.clone()
    };
    let kind = TemplateKind::parse(&form.kind);
    let locked = kind
        .zip(Lang::parse(&form.lang))
        .map(|(kind, lang)| mandatory(kind, lang))
        .unwrap_or_default();
    let kinds = TemplateKind::ALL
        .iter()
        .map(|k| (k.slug().to_owned(), *k))
        .collect();
    let rights = RightKind::ALL
        .iter()
        .map(|r| (r.slug().to_owned(), *r))
        .collect();
    let langs = Lang::ALL
        .iter()
        .map(|l| (l.code().to_owned(), *l))
        .collect();
    view! {
        <FormStateProvider reply>
            <form method="post" action="/dpo/templates" class="action-form" id=format!("template-{suffix}")>
                <FormNotice />
                <input type="hidden" name="form[id]" value=form.id.clone() />
                {version.map(|v| view! { <p class="muted">{console::TEMPLATE_VERSION.with(lang, &[("version", &v)])}</p> })}
                <div class="field-row">
                    {select("kind", format!("kind-{suffix}"), console::F_TEMPLATE_KIND, kinds, None, form.kind.clone())}
                    {select("right", format!("right-{suffix}"), console::COL_RIGHT, rights, Some(console::TEMPLATE_ANY_RIGHT), form.right.clone())}
                    {select("lang", format!("lang-{suffix}"), console::SUBJECT_LANG, langs, None, form.lang.clone())}
                </div>
                <div class="field">
                    <label for=format!("name-{suffix}")>{console::F_TEMPLATE_NAME.get(lang)}</label>
                    <input id=format!("name-{suffix}") name="form[name]" type="text" required maxlength=200 value=form.name.clone() />
                    <FieldError field="name".to_owned() />
                </div>
                <div class="field">
                    <label for=format!("body-{suffix}")>{console::F_TEMPLATE_BODY.get(lang)}</label>
                    <textarea id=format!("body-{suffix}") name="form[body]" required maxlength=5000 rows=5 inner_html=crate::web::fields::textarea_text(&form.body)></textarea>
                    <FieldError field="body".to_owned() />
                </div>
                {(!locked.is_empty()).then(|| view! {
                    <div class="info" data-locked="1">
                        <p><strong>{console::TEMPLATE_LOCKED.get(lang)}</strong></p>
                        {locked.into_iter().map(|paragraph| view! { <p>{paragraph}</p> }).collect_view()}
                    </div>
                })}
                <button type="submit">{console::TEMPLATE_SAVE.get(lang)}</button>
            </form>
        </FormStateProvider>
    }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let saved = use_query_map().with_untracked(|q| q.get("saved"));
    let posted = posted::<TemplateForm>();
    guarded(move |_dpo| async move {
        let state = app_state()?;
        let templates = crate::replies::current(&state.pool).await?;
        let lang = current_lang();
        // A form that came back with errors shows as typed, in its place.
        let reply_for = |id: &str| {
            posted
                .as_ref()
                .filter(|p| p.form.id == id)
                .map(|p| (p.form.clone(), p.shown_reply(lang)))
        };
        let (new_form, new_reply) = match reply_for("") {
            Some((form, reply)) => (form, Some(reply)),
            None => (
                TemplateForm {
                    kind: TemplateKind::Snippet.slug().into(),
                    lang: lang.code().into(),
                    ..TemplateForm::default()
                },
                None,
            ),
        };
        Ok(view! {
            <section class="page console">
                <h1>{console::TEMPLATES_TITLE.get(lang)}</h1>
                {saved.map(|v| view! { <p class="alert" role="status">{console::TEMPLATE_SAVED.with(lang, &[("version", &v)])}</p> })}
                <p>{console::TEMPLATES_INTRO.get(lang)}</p>
            </section>
            {templates.into_iter().map(|t: Template| {
                let (form, reply) = match reply_for(&t.template_id) {
                    Some((form, reply)) => (form, Some(reply)),
                    None => (TemplateForm {
                        id: t.template_id.clone(),
                        kind: t.kind.slug().into(),
                        right: t.right_kind.clone().unwrap_or_default(),
                        lang: t.lang.code().into(),
                        name: t.name.clone(),
                        body: t.body.clone(),
                    }, None),
                };
                view! {
                    <section class="page console" data-template=t.template_id.clone()>
                        <h2>{t.name.clone()} " — " {t.kind.label().get(lang)} " (" {t.lang.code()} ")"</h2>
                        {template_form(form, reply, Some(t.version))}
                    </section>
                }
            }).collect_view()}
            <section class="page console">
                <h2>{console::TEMPLATE_NEW.get(lang)}</h2>
                {template_form(new_form, new_reply, None)}
            </section>
        })
    })
}
