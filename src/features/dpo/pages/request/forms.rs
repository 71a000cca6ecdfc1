//! The action forms of the request page: one per action the status
//! allows, each posting to `/dpo/requests/{reference}/{action}`. The next
//! step comes first, open; every other action is a named `<details>` that
//! opens its form in place (no script needed). A form that came back with
//! errors, or that a chosen template fills, is open too.

use super::ActionsData;
use crate::domain::choice::{Channel, IdentityMethod, IdentityStep};
use crate::domain::outcome::{AccessItem, KeptGround, RefusalReason};
use crate::domain::{Date, RightKind};
use crate::features::dpo::actions::{Action, ActionForm, KeptRow, RecipientRow};
use crate::i18n::console_labels::{self, action_texts};
use crate::i18n::{Label, Text, console, current_lang, long_date};
use crate::replies::TemplateKind;
use crate::web::form::{FormReply, Posted};
use crate::web::islands::{FieldError, FormNotice, FormStateProvider};
use leptos::prelude::*;

/// Whether a template of `kind` gives the text of `action`'s form.
pub(super) fn serves(kind: TemplateKind, action: Action) -> bool {
    match kind {
        TemplateKind::Refused => action == Action::Refuse,
        TemplateKind::Extended => action == Action::Extend,
        TemplateKind::Completed | TemplateKind::Partial => action == Action::Complete,
        TemplateKind::Snippet => matches!(
            action,
            Action::Message | Action::AskInformation | Action::AskClarification
        ),
    }
}

/// The templates offered beside `action`'s text: links that open the page
/// with the text filled in (no script needed).
fn template_links(d: &ActionsData, action: Action) -> Option<impl IntoView + use<>> {
    let lang = current_lang();
    let offered: Vec<(String, String)> = d
        .templates
        .iter()
        .filter(|(_, _, kind)| serves(*kind, action))
        .map(|(id, name, _)| (id.clone(), name.clone()))
        .collect();
    (!offered.is_empty()).then(|| {
        let reference = d.reference.clone();
        // The list the page was opened from, kept.
        let list = crate::features::dpo::actions::list_suffix(&d.list);
        view! {
            <p class="hint templates">
                {console::TEMPLATES_OFFERED.get(lang)} " "
                {offered.into_iter().map(|(id, name)| view! {
                    <a href=format!("/dpo/requests/{reference}?template={id}&for={}{list}#action-{}", action.slug(), action.slug()) data-template=id>{name}</a> " "
                }).collect_view()}
            </p>
        }
    })
}

/// The text of the template chosen for `action`, or nothing.
fn template_text(d: &ActionsData, action: Action) -> String {
    d.prefill
        .as_ref()
        .filter(|(a, _)| *a == action)
        .map(|(_, body)| body.clone())
        .unwrap_or_default()
}

/// What was posted to `action`'s form, when it came back with errors.
fn posted_to(posted: &Option<Posted<ActionForm>>, action: Action) -> Option<&Posted<ActionForm>> {
    posted.as_ref().filter(|p| p.form.action == action.slug())
}

/// The value a form field shows: what was posted (when this action's form
/// came back with errors), or `default`.
fn value(
    posted: &Option<Posted<ActionForm>>,
    action: Action,
    get: impl Fn(&ActionForm) -> &String,
    default: String,
) -> String {
    posted_to(posted, action).map_or(default, |p| get(&p.form).clone())
}

fn reply_for(posted: &Option<Posted<ActionForm>>, action: Action) -> Option<FormReply> {
    posted_to(posted, action).map(|p| p.shown_reply(current_lang()))
}

/// One action's form: posts to `/dpo/requests/{reference}/{action}` with
/// the status the DPO saw.
fn action_form(
    data: &ActionsData,
    posted: &Option<Posted<ActionForm>>,
    action: Action,
    class: &'static str,
    fields: impl FnOnce() -> AnyView + Send + 'static,
) -> AnyView {
    let lang = current_lang();
    let target = format!("/dpo/requests/{}/{}", data.reference, action.slug());
    let seen = data.status.slug();
    let list = data.list.clone();
    view! {
        <FormStateProvider reply=reply_for(posted, action)>
            <form method="post" action=target class="action-form">
                <FormNotice />
                <input type="hidden" name="form[seen]" value=seen />
                // The list the page was opened from: the answer keeps it,
                // so "next request" still leads on.
                {(!list.is_empty()).then(|| view! { <input type="hidden" name="form[list]" value=list /> })}
                // Built inside the form's state, so its errors show.
                {fields()}
                <button type="submit" class=class>{action_texts(action).button.get(lang)}</button>
            </form>
        </FormStateProvider>
    }
    .into_any()
}

fn textarea(field: &'static str, label: Text, value: String, required: bool) -> impl IntoView {
    view! {
        <crate::web::fields::TextField field=field label value required multiline=true maxlength=crate::domain::request::MAX_TEXT_CHARS />
    }
}

#[component]
pub(super) fn Actions(
    data: ActionsData,
    today: Date,
    posted: Option<Posted<ActionForm>>,
) -> impl IntoView {
    let lang = current_lang();
    let closed = data.status.is_closed();
    let next = Action::next_step(&data.standing);
    // Open: the next step, a form sent back with its errors, a form a
    // chosen template fills.
    let open = |action: Action| {
        Some(action) == next
            || posted_to(&posted, action).is_some()
            || data.prefill.as_ref().is_some_and(|(a, _)| *a == action)
    };
    let mut others: Vec<AnyView> = Vec::new();
    for action in Action::offered(data.standing).filter(|a| Some(*a) != next) {
        others.push(action_block(&data, &posted, action, today, open(action)));
        // A reply file is not an action of its own: it is offered beside
        // the assignment, and after closing as an addendum.
        if action == Action::Assign {
            others.push(attach_block(&data, &posted));
        }
    }
    if closed {
        others.push(attach_block(&data, &posted));
    }
    let (title, hint) = if closed {
        (console::ADDENDA_TITLE, Some(console::ADDENDA_HINT))
    } else {
        (console::OTHER_ACTIONS, None)
    };
    view! {
        <section class="page console next-step" aria-labelledby="next-step-title" data-next-step=next.map(|a| a.slug())>
            <h2 id="next-step-title">{console::NEXT_STEP_TITLE.get(lang)}</h2>
            {match next {
                Some(action) => action_block(&data, &posted, action, today, true),
                None => view! { <p>{console::NOTHING_NEXT.get(lang)}</p> }.into_any(),
            }}
        </section>
        <section class="page console" aria-labelledby="other-actions-title">
            <h2 id="other-actions-title">{title.get(lang)}</h2>
            {hint.map(|hint| view! { <p class="hint">{hint.get(lang)}</p> })}
            {(!data.standing.refusable && !data.status.is_closed()).then(|| view! { <p class="alert" role="note">{console::NO_REFUSAL.get(lang)}</p> })}
            <div class="action-list">{others}</div>
        </section>
    }
}

/// One offered action: its title and hint, its form and its fields. The
/// match is exhaustive, so an action cannot exist without its form.
fn action_block(
    d: &ActionsData,
    p: &Option<Posted<ActionForm>>,
    action: Action,
    today: Date,
    open: bool,
) -> AnyView {
    let lang = current_lang();
    let texts = action_texts(action);
    let (block, button) = match action {
        Action::Complete => ("action action--wide", ""),
        Action::Refuse => ("action action--danger", "danger"),
        Action::Note | Action::Assign | Action::MarkTest | Action::Link => ("action", "secondary"),
        _ => ("action", ""),
    };
    let typed = |get: fn(&ActionForm) -> &String| value(p, action, get, String::new());
    // The one text a template fills, when one was chosen for this action.
    let templated =
        |get: fn(&ActionForm) -> &String| value(p, action, get, template_text(d, action));
    let fields: Box<dyn FnOnce() -> AnyView + Send> = match action {
        Action::CheckIdentity | Action::AskSubject => Box::new(|| ().into_any()),
        Action::Start => {
            // A verified address is the usual way; an email code is no
            // way at all for a request recorded from another channel.
            let default = if d.portal {
                IdentityMethod::EmailCode.slug()
            } else {
                ""
            };
            let chosen = value(p, action, |f| &f.identity_method, default.to_owned());
            let methods: Vec<IdentityMethod> = IdentityMethod::ALL
                .iter()
                .copied()
                .filter(|m| d.portal || *m != IdentityMethod::EmailCode)
                .filter(|m| d.represented || *m != IdentityMethod::Representative)
                .collect();
            Box::new(move || {
                view! {
                    <div class="field">
                        <label for="identity_method">{console::F_IDENTITY_METHOD.get(lang)}</label>
                        <select id="identity_method" name="form[identity_method]" required=true>
                            <option value="" selected=chosen.is_empty()>{crate::i18n::site::CHOOSE.get(lang)}</option>
                            {methods.iter().map(|m| view! { <option value=m.slug() selected=m.slug() == chosen>{m.label().get(lang)}</option> }).collect_view()}
                        </select>
                        <FieldError field="identity_method".to_owned() />
                    </div>
                }
                .into_any()
            })
        }
        Action::AskInformation => {
            let typed = templated(|f| &f.info_reason);
            // A fact first; a document once a question was asked.
            let step = value(
                p,
                action,
                |f| &f.info_step,
                IdentityStep::Fact.slug().to_owned(),
            );
            let steps: Vec<IdentityStep> = IdentityStep::ALL
                .iter()
                .copied()
                .filter(|s| d.identity_asked || *s == IdentityStep::Fact)
                .collect();
            Box::new(move || {
                view! {
                    <fieldset class="field choices">
                        <legend>{console::F_INFO_STEP.get(lang)}</legend>
                        {steps.iter().map(|s| {
                            let id = format!("info_step-{}", s.slug());
                            view! {
                                <div class="choice">
                                    <input type="radio" id=id.clone() name="form[info_step]" value=s.slug() checked=s.slug() == step />
                                    <label for=id>{s.label().get(lang)}</label>
                                </div>
                            }
                        }).collect_view()}
                        <FieldError field="info_step".to_owned() />
                    </fieldset>
                    {textarea("info_reason", console::F_INFO_REASON, typed, true)}
                }
                .into_any()
            })
        }
        Action::AskClarification => {
            let typed = templated(|f| &f.clarify_question);
            Box::new(move || {
                textarea("clarify_question", console::F_CLARIFY, typed, true).into_any()
            })
        }
        Action::RecordAnswer => {
            let typed = typed(|f| &f.answer);
            Box::new(move || textarea("answer", console::F_ANSWER, typed, true).into_any())
        }
        Action::Complete => {
            let (d, p) = (d.clone(), p.clone());
            Box::new(move || complete_fields(&d, &p))
        }
        Action::Extend => {
            let months = typed(|f| &f.extend_months);
            let reason = templated(|f| &f.extend_reason);
            Box::new(move || {
                view! {
                    <div class="field">
                        <label for="extend_months">{console::F_EXTEND_MONTHS.get(lang)}</label>
                        <select id="extend_months" name="form[extend_months]">
                            <option value="1" selected=months != "2">{console::ONE_MONTH.get(lang)}</option>
                            <option value="2" selected=months == "2">{console::TWO_MONTHS.get(lang)}</option>
                        </select>
                        <FieldError field="extend_months".to_owned() />
                    </div>
                    {textarea("extend_reason", console::F_EXTEND_REASON, reason, true)}
                }
                .into_any()
            })
        }
        Action::AddRecipient => {
            let name = typed(|f| &f.told_name);
            let on = typed(|f| &f.told_on);
            Box::new(move || {
                view! {
                    <crate::web::fields::TextField field="told_name" label=console::F_RECIPIENT value=name required=true />
                    <crate::web::fields::TextField field="told_on" label=console::F_NOTIFIED_ON value=on input_type="date" required=true />
                }
                .into_any()
            })
        }
        Action::LiftRestriction => {
            let on = typed(|f| &f.lift_on);
            let reason = typed(|f| &f.lift_reason);
            Box::new(move || {
                view! {
                    <crate::web::fields::TextField field="lift_on" label=console::F_LIFT_ON value=on input_type="date" required=true />
                    {textarea("lift_reason", console::F_LIFT_REASON, reason, true)}
                }
                .into_any()
            })
        }
        Action::Message => {
            let typed = templated(|f| &f.message);
            Box::new(move || textarea("message", console::F_MESSAGE, typed, true).into_any())
        }
        Action::MarkPosted => {
            let letters = d.letters_to_post.clone();
            let chosen = typed(|f| &f.letter);
            let on = value(p, action, |f| &f.posted_on, today.iso());
            Box::new(move || {
                view! {
                    <div class="field">
                        <label for="letter">{console::F_LETTER.get(lang)}</label>
                        <select id="letter" name="form[letter]">
                            {letters.iter().map(|(id, what)| view! { <option value=id.clone() selected=*id == chosen>{what.clone()}</option> }).collect_view()}
                        </select>
                        <FieldError field="letter".to_owned() />
                    </div>
                    <crate::web::fields::TextField field="posted_on" label=console::F_POSTED_ON value=on input_type="date" required=true />
                }
                .into_any()
            })
        }
        Action::RemoveFile | Action::ReshareFile => {
            // Unshared files to remove; expired ones to share again.
            let choices: Vec<(String, String)> = d
                .reply_files
                .iter()
                .filter(|(_, _, shared, expired)| {
                    if action == Action::RemoveFile {
                        !shared
                    } else {
                        *expired
                    }
                })
                .map(|(id, name, _, _)| (id.clone(), name.clone()))
                .collect();
            let chosen = typed(|f| &f.file);
            let id = format!("{}-file", action.slug());
            Box::new(move || {
                view! {
                    <div class="field">
                        <label for=id.clone()>{console::F_FILE.get(lang)}</label>
                        <select id=id name="form[file]">
                            {choices.iter().map(|(id, name)| view! { <option value=id.clone() selected=*id == chosen>{name.clone()}</option> }).collect_view()}
                        </select>
                        <FieldError field="file".to_owned() />
                    </div>
                }
                .into_any()
            })
        }
        Action::CorrectContact => {
            let [first, last, email, phone, postal] = d.contact.clone();
            let first = value(p, action, |f| &f.c_first_name, first);
            let last = value(p, action, |f| &f.c_last_name, last);
            let email = value(p, action, |f| &f.c_email, email);
            let phone = value(p, action, |f| &f.c_phone, phone);
            let postal = value(p, action, |f| &f.c_postal, postal);
            let lang_now = value(p, action, |f| &f.c_lang, d.lang.code().to_owned());
            let reply_now = value(p, action, |f| &f.c_reply, d.reply_channel.slug().to_owned());
            let reason = typed(|f| &f.c_reason);
            Box::new(move || {
                view! {
                    <crate::web::fields::TextField field="c_first_name" label=crate::i18n::subject::FIRST_NAME value=first required=true />
                    <crate::web::fields::TextField field="c_last_name" label=crate::i18n::subject::LAST_NAME value=last required=true />
                    <crate::web::fields::TextField field="c_email" label=console::F_NEW_EMAIL value=email input_type="email" />
                    <div class="field">
                        <label for="c_lang">{console::SUBJECT_LANG.get(lang)}</label>
                        <select id="c_lang" name="form[c_lang]">
                            {crate::domain::Lang::ALL.iter().map(|l| view! { <option value=l.code() selected=l.code() == lang_now>{l.label().get(lang)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="c_reply">{console::SUBJECT_CHANNEL.get(lang)}</label>
                        <select id="c_reply" name="form[c_reply]">
                            {Channel::ALL.iter().map(|c| view! { <option value=c.slug() selected=c.slug() == reply_now>{c.label().get(lang)}</option> }).collect_view()}
                        </select>
                        <FieldError field="c_reply".to_owned() />
                    </div>
                    <crate::web::fields::TextField field="c_phone" label=console::SUBJECT_PHONE value=phone input_type="tel" />
                    {textarea("c_postal", console::SUBJECT_POSTAL, postal, false)}
                    {textarea("c_reason", console::F_CONTACT_REASON, reason, true)}
                }
                .into_any()
            })
        }
        Action::MarkTest => {
            // As posted when the form comes back, else the stored mark.
            let checked = posted_to(p, action).map_or(d.test, |p| !p.form.test.is_empty());
            Box::new(move || {
                view! {
                    <div class="choice">
                        <input type="checkbox" id="test" name="form[test]" value="1" checked=checked />
                        <label for="test">{console::F_TEST.get(lang)}</label>
                    </div>
                }
                .into_any()
            })
        }
        Action::Link => {
            let typed = typed(|f| &f.link_reference);
            Box::new(move || {
                view! {
                    <crate::web::fields::TextField field="link_reference" label=console::F_LINK_REFERENCE value=typed required=true />
                }
                .into_any()
            })
        }
        Action::Note => {
            let typed = typed(|f| &f.note);
            Box::new(move || textarea("note", console::F_NOTE, typed, true).into_any())
        }
        Action::Assign => {
            let current = d.assignee.clone().unwrap_or_default();
            let accounts = d.accounts.clone();
            Box::new(move || {
                view! {
                    <div class="field">
                        <label for="assignee">{console::F_ASSIGNEE.get(lang)}</label>
                        <select id="assignee" name="form[assignee]">
                            <option value="" selected=current.is_empty()>{console::NOBODY.get(lang)}</option>
                            {accounts.iter().map(|(id, email)| view! { <option value=id.clone() selected=*id == current>{email.clone()}</option> }).collect_view()}
                        </select>
                        <FieldError field="assignee".to_owned() />
                    </div>
                }
                .into_any()
            })
        }
        Action::Refuse => {
            let proposed = d
                .propose_identity_close
                .then(|| RefusalReason::IdentityNotEstablished.slug().to_owned());
            let reason = value(
                p,
                action,
                |f| &f.refuse_reason,
                proposed.unwrap_or_default(),
            );
            let explanation = templated(|f| &f.refuse_explanation);
            let together = together_field(d, p, action);
            Box::new(move || {
                view! {
                    <div class="field">
                        <label for="refuse_reason">{console::F_REFUSE_REASON.get(lang)}</label>
                        <select id="refuse_reason" name="form[refuse_reason]" required>
                            <option value="" selected=reason.is_empty()>{crate::i18n::site::CHOOSE.get(lang)}</option>
                            {RefusalReason::ALL.iter().map(|r| view! { <option value=r.slug() selected=reason == r.slug()>{r.label().get(lang)}</option> }).collect_view()}
                        </select>
                        <FieldError field="refuse_reason".to_owned() />
                    </div>
                    {textarea("refuse_explanation", console::F_REFUSE_EXPLANATION, explanation, true)}
                    {together}
                    <p class="hint">{console::A_REFUSE_HINT.get(lang)}</p>
                }
                .into_any()
            })
        }
    };
    // A decision after the due date is still possible, and recorded as
    // late everywhere: said before the DPO confirms.
    let late = d
        .late_since
        .filter(|_| matches!(action, Action::Complete | Action::Refuse))
        .map(|due| {
            view! { <p class="alert alert--error" role="note">{console::LATE_DECISION.with(lang, &[("date", &long_date(lang, due))])}</p> }
        });
    view! {
        <details class=block id=format!("action-{}", action.slug()) open=open>
            <summary>{texts.title.get(lang)}</summary>
            {texts.hint.map(|hint| view! { <p class="hint">{hint.get(lang)}</p> })}
            {template_links(d, action)}
            {late}
            {action_form(d, p, action, button, fields)}
        </details>
    }
    .into_any()
}

/// The reply-file form: a multipart post of its own.
fn attach_block(d: &ActionsData, posted: &Option<Posted<ActionForm>>) -> AnyView {
    let lang = current_lang();
    // Sent back (too large, a refused type…): open, its answer inside.
    let reply = posted
        .as_ref()
        .filter(|p| p.form.action == "attach")
        .map(|p| p.shown_reply(lang));
    let open = reply.is_some();
    // A request received by another channel may also get its original.
    let title = if d.portal {
        console::A_ATTACH
    } else {
        console::A_ATTACH_ANY
    };
    let list = d.list.clone();
    let (target, seen, portal) = (
        format!("/dpo/requests/{}/attach", d.reference),
        d.status.slug(),
        d.portal,
    );
    view! {
        <details class="action" id="action-attach" open=open>
            <summary>{title.get(lang)}</summary>
            <p class="hint">{console::A_ATTACH_HINT.get(lang)}</p>
            <FormStateProvider reply=reply>
            <form method="post" action=target enctype="multipart/form-data" class="action-form">
                <FormNotice />
                <input type="hidden" name="seen" value=seen />
                {(!list.is_empty()).then(|| view! { <input type="hidden" name="list" value=list /> })}
                // A request received by another channel: its scanned
                // original is kept with it, never shared.
                {(!portal).then(|| view! {
                    <fieldset class="field">
                        <legend>{console::F_FILE_KIND.get(lang)}</legend>
                        <label class="choice"><input type="radio" name="kind" value="reply" checked /> {console::FILE_KIND_REPLY.get(lang)}</label>
                        <label class="choice"><input type="radio" name="kind" value="original" /> {console::FILE_KIND_ORIGINAL.get(lang)}</label>
                    </fieldset>
                })}
                <div class="field">
                    <label for="file">{console::F_FILE.get(lang)}</label>
                    <input id="file" name="file" type="file" required accept=".pdf,.json,.csv,.txt,.zip,.png,.jpg,.jpeg" />
                </div>
                <button type="submit" class="secondary">{title.get(lang)}</button>
            </form>
            </FormStateProvider>
        </details>
    }
    .into_any()
}

/// The completion form: a summary, and what the right calls for.
fn complete_fields(d: &ActionsData, p: &Option<Posted<ActionForm>>) -> AnyView {
    let lang = current_lang();
    let request_lang = d.lang;
    let a = Action::Complete;
    let mut parts: Vec<AnyView> = vec![
        textarea(
            "summary",
            console::F_SUMMARY,
            value(p, a, |f| &f.summary, template_text(d, a)),
            true,
        )
        .into_any(),
    ];
    // The reply files not shared yet, each ticked unless the DPO unticked
    // it: only the ticked ones reach the subject.
    let unshared: Vec<(String, String)> = d
        .reply_files
        .iter()
        .filter(|(_, _, shared, _)| !shared)
        .map(|(id, name, _, _)| (id.clone(), name.clone()))
        .collect();
    if !unshared.is_empty() {
        let ticked: Option<Vec<String>> = posted_to(p, a).map(|p| p.form.share.clone());
        parts.push(view! {
            <fieldset class="field">
                <legend>{console::F_SHARE.get(lang)}</legend>
                <input type="hidden" name="form[share_listed]" value="1" />
                {unshared.iter().enumerate().map(|(i, (id, name))| {
                    let checked = ticked.as_ref().is_none_or(|t| t.contains(id));
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=format!("share-{i}") name=format!("form[share][{i}]") value=id.clone() checked=checked />
                            <label for=format!("share-{i}")>{name.clone()}</label>
                        </div>
                    }
                }).collect_view()}
                <FieldError field="share".to_owned() />
            </fieldset>
        }.into_any());
    }
    if d.right == RightKind::Access {
        let prefill = |text: Text| text.get(request_lang).to_owned();
        parts.push(view! { <p class="hint">{console::ART15_HINT.get(lang)}</p> }.into_any());
        for item in AccessItem::ALL {
            let (label, default) = console_labels::access_item(*item);
            let typed = value(p, a, |f| f.access(*item), prefill(default));
            parts.push(textarea(item.slug(), label, typed, true).into_any());
        }
        let none = value(p, a, |f| &f.no_data_held, String::new());
        parts.push(view! {
            <div class="choice">
                <input type="checkbox" id="no_data_held" name="form[no_data_held]" value="on" checked=!none.is_empty() aria-describedby="no_data_held-error" />
                <label for="no_data_held">{console::F_NO_DATA_HELD.get(lang)}</label>
            </div>
            <FieldError field="no_data_held".to_owned() />
        }.into_any());
    }
    if d.right.tells_recipients() {
        let posted_rows = posted_to(p, a)
            .map(|p| p.form.recipients.clone())
            .unwrap_or_default();
        let none = value(p, a, |f| &f.no_recipients, String::new());
        let rows: Vec<RecipientRow> = (0..posted_rows.len().max(3))
            .map(|i| posted_rows.get(i).cloned().unwrap_or_default())
            .collect();
        parts.push(view! {
            <fieldset class="field">
                <legend>{console::NOTIFIED_LEGEND.get(lang)}</legend>
                <p class="hint">{console::NOTIFIED_HINT.get(lang)}</p>
                {rows.into_iter().enumerate().map(|(i, row)| view! {
                    <div class="field-row">
                        <crate::web::fields::TextField field=format!("recipients[{i}][name]") label=console::F_RECIPIENT value=row.name />
                        <crate::web::fields::TextField field=format!("recipients[{i}][on]") label=console::F_NOTIFIED_ON value=row.on input_type="date" />
                    </div>
                }).collect_view()}
                <div class="choice">
                    <input type="checkbox" id="no_recipients" name="form[no_recipients]" value="on" checked=!none.is_empty() aria-describedby="no_recipients-error" />
                    <label for="no_recipients">{console::F_NO_RECIPIENTS.get(lang)}</label>
                </div>
                <FieldError field="no_recipients".to_owned() />
            </fieldset>
        }.into_any());
    }
    if KeptGround::any_for(d.right) {
        // As posted; else as SOFACTO's systems answered.
        let from_systems = posted_to(p, a).is_none() && !d.system_kept.is_empty();
        let posted_rows = posted_to(p, a)
            .map(|p| p.form.kept.clone())
            .unwrap_or_else(|| d.system_kept.clone());
        let rows: Vec<KeptRow> = (0..posted_rows.len().max(3))
            .map(|i| posted_rows.get(i).cloned().unwrap_or_default())
            .collect();
        let right = d.right;
        parts.push(view! {
            <fieldset class="field">
                <legend>{console::KEPT_LEGEND.get(lang)}</legend>
                <p class="hint">{console::KEPT_HINT.get(lang)}</p>
                {from_systems.then(|| view! { <p class="alert" role="note" data-kept-from-systems="">{console::KEPT_FROM_SYSTEMS.get(lang)}</p> })}
                {rows.into_iter().enumerate().map(|(i, row)| {
                    let ground_id = format!("kept-{i}-ground");
                    let ground_field = format!("kept[{i}][ground]");
                    view! {
                        <div class="field-row">
                            <crate::web::fields::TextField field=format!("kept[{i}][what]") label=console::F_KEPT_WHAT value=row.what />
                            <div class="field">
                                <label for=ground_id.clone()>{console::F_KEPT_GROUND.get(lang)}</label>
                                <select id=ground_id name=format!("form[kept][{i}][ground]")>
                                    <option value="" selected=row.ground.is_empty()>"—"</option>
                                    {KeptGround::ALL.iter().filter(|g| g.applies_to(right)).map(|g| view! {
                                        <option value=g.slug() selected=row.ground == g.slug()>{console_labels::kept_ground(*g).get(lang)}</option>
                                    }).collect_view()}
                                </select>
                                <FieldError field=ground_field />
                            </div>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        }.into_any());
    }
    if let Some(organisation) = d.destination.clone() {
        parts.push(view! {
            <div class="field-row">
                <crate::web::fields::TextField field="sent_to" label=console::F_SENT_TO value=value(p, a, |f| &f.sent_to, organisation) />
                <crate::web::fields::TextField field="sent_on" label=console::F_SENT_ON value=value(p, a, |f| &f.sent_on, String::new()) input_type="date" />
            </div>
        }.into_any());
    }
    if matches!(
        d.reply_channel,
        Channel::Phone | Channel::Postal | Channel::InPerson
    ) {
        let answered = value(p, a, |f| &f.answered_by, String::new());
        let channel = d.reply_channel;
        parts.push(view! {
            <div class="choice">
                <input type="checkbox" id="answered_by" name="form[answered_by]" value=channel.slug() checked=!answered.is_empty() />
                <label for="answered_by">{console::F_ANSWERED_BY.with(lang, &[("channel", &channel.label().get(lang))])}</label>
            </div>
        }.into_any());
    }
    parts.extend(together_field(d, p, a));
    parts.push(view! { <p class="hint">{console::A_COMPLETE_HINT.get(lang)}</p> }.into_any());
    parts.into_any()
}

/// With a linked request still open and an answer by email: the choice
/// to hold this answer and send it with theirs (`requests::together`).
fn together_field(
    d: &ActionsData,
    p: &Option<Posted<ActionForm>>,
    action: Action,
) -> Option<AnyView> {
    let lang = current_lang();
    let id = format!("together-{}", action.slug());
    let checked = !value(p, action, |f| &f.together, String::new()).is_empty();
    d.join_answers.then(|| {
        view! {
            <div class="choice">
                <input type="checkbox" id=id.clone() name="form[together]" value="on" checked=checked aria-describedby=format!("{id}-hint") />
                <label for=id.clone()>{console::F_TOGETHER.get(lang)}</label>
            </div>
            <p class="hint" id=format!("{id}-hint")>{console::F_TOGETHER_HINT.get(lang)}</p>
        }
        .into_any()
    })
}
