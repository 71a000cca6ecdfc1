use super::*;
use crate::domain::choice::{
    Acting, Category, Channel, DataFormat, DestinationChoice, ErasureGround, Processing, Relation,
    RepliesTo, RestrictionGround, ScopeChoice,
};
use crate::domain::request::{MAX_TEXT_CHARS, MAX_VALUE_CHARS};
use crate::domain::{Lang, RightKind};
use crate::i18n::{Label, Text, category_hint, right_texts};
use crate::state::AppState;
use crate::web::fields::{RadioGroup, SelectField, TextField};
use crate::web::form::{Posted, posted};
use crate::web::islands::{FieldError, FormNotice, SubmitButton};
use crate::web::plain_post::{plain_post, same_page};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::Request;
use axum::routing::post;
use leptos_router::hooks::use_query_map;

pub fn plain_routes() -> Router<AppState> {
    Router::new().route(
        "/request/new",
        post(|State(state): State<AppState>, request: Request<Body>| {
            plain_post(
                state,
                request,
                same_page,
                |call: &SubmitRequest| call.form.clone(),
                |call| ssr::submit(call.form),
            )
        }),
    )
}

/// `/request/new?right=…`: the request form of one right, for a verified
/// address.
#[component]
pub fn RequestFormPage() -> impl IntoView {
    let lang = current_lang();
    let posted = posted::<RequestForm>();
    let right_slug = posted
        .as_ref()
        .map(|p| p.form.right.clone())
        .unwrap_or_else(|| use_query_map().with_untracked(|q| q.get("right").unwrap_or_default()));
    let right = RightKind::parse(&right_slug);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match (ssr::form_context().await, right) {
                    (Ok(Some(context)), Some(right)) => view! { <RequestFormBody right context posted /> }.into_any(),
                    // The session ended while the form was being filled:
                    // show it again with everything typed and the way to
                    // verify again.
                    (Ok(None), Some(right)) if posted.is_some() => {
                        let submission_key = posted.as_ref().map(|p| p.form.submission_key.clone()).unwrap_or_default();
                        let context = ssr::FormContext { masked_email: String::new(), submission_key };
                        view! { <RequestFormBody right context posted /> }.into_any()
                    }
                    (Ok(None), _) => view! {
                        <section class="page narrow">
                            <h1>{subject::VERIFY_FIRST_TITLE.get(lang)}</h1>
                            <p>{subject::VERIFY_FIRST_BODY.get(lang)}</p>
                            <p><a class="button" href=format!("/verify?right={right_slug}")>{subject::VERIFY_MY_ADDRESS.get(lang)}</a></p>
                        </section>
                    }.into_any(),
                    (Ok(Some(_)), None) => view! {
                        <section class="page narrow">
                            <h1>{subject::WHICH_RIGHT.get(lang)}</h1>
                            <ul class="plain-list">
                                {RightKind::ALL.iter().map(|right| view! {
                                    <li><a href=format!("/request/new?right={}", right.slug())>{right.label().get(lang)}</a></li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    (Err(_), _) => view! {
                        <section class="page narrow">
                            <p class="alert alert--error">{site::TROUBLE.get(lang)}</p>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
        <crate::web::assets::IslandScripts />
    }
}

#[component]
fn RequestFormBody(
    right: RightKind,
    context: ssr::FormContext,
    posted: Option<Posted<RequestForm>>,
) -> impl IntoView {
    let lang = current_lang();
    let reply = posted.as_ref().map(|p| p.shown_reply(lang));
    let form = posted
        .map(|p| p.form)
        .unwrap_or_else(|| RequestForm::blank(right, context.submission_key.clone(), lang));
    let texts = right_texts(right);
    view! {
        <section class="page narrow">
            <p class="pill">{texts.name.get(lang)}</p>
            <h1>{subject::FORM_TITLE.get(lang)}</h1>
            {(!context.masked_email.is_empty()).then(|| view! {
                <p class="muted">{subject::VERIFIED_ADDRESS.with(lang, &[("address", &context.masked_email)])}</p>
            })}
            <p>{texts.summary.get(lang)}</p>
            <RequestEntry reply>
                <FormNotice />
                <input type="hidden" name="form[submission_key]" value=form.submission_key.clone() />
                <input type="hidden" name="form[right]" value=form.right.clone() />

                {request_fields(right, &form)}

                <SubmitButton label=subject::SUBMIT_REQUEST.get(lang).to_owned() class="submit".to_owned() />
                <p class="hint">{subject::SUBMIT_HINT.get(lang)}</p>
            </RequestEntry>
            <crate::features::notice::NoticeLink />
        </section>
    }
}

/// Every field of the request form of `right`, as typed in `form`: who
/// the person is, how to answer, and what the right asks. Also used by the
/// console to record a request received by post.
pub fn request_fields(right: RightKind, form: &RequestForm) -> AnyView {
    let lang = current_lang();
    view! {
                <RadioGroup field="acting" legend=subject::ACTING_LEGEND choices=Acting::ALL selected=if form.acting.is_empty() { Acting::Myself.slug().to_owned() } else { form.acting.clone() } />
                <h2>{subject::WHO_ARE_YOU.get(lang)}</h2>
                <div class="field-row">
                    <TextField field="first_name" label=subject::FIRST_NAME value=form.first_name.clone() required=true autocomplete="given-name" />
                    <TextField field="last_name" label=subject::LAST_NAME value=form.last_name.clone() required=true autocomplete="family-name" />
                </div>
                <SelectField field="relation" label=subject::RELATION_LABEL choices=Relation::ALL selected=form.relation.clone() required=true />
                <TextField field="customer_number" label=subject::CUSTOMER_NUMBER value=form.customer_number.clone() hint=subject::CUSTOMER_NUMBER_HINT />
                <div class="reveal reveal-representative">
                    <h2>{subject::REP_TITLE.get(lang)}</h2>
                    <p class="hint">{subject::REP_INTRO.get(lang)}</p>
                    <div class="field-row">
                        <TextField field="rep_first_name" label=subject::REP_FIRST_NAME value=form.rep_first_name.clone() required=true revealed=true />
                        <TextField field="rep_last_name" label=subject::REP_LAST_NAME value=form.rep_last_name.clone() required=true revealed=true />
                    </div>
                    <TextField field="mandate_until" label=subject::MANDATE_UNTIL value=form.mandate_until.clone() input_type="date" hint=subject::MANDATE_UNTIL_HINT />
                    <RadioGroup field="replies_to" legend=subject::REPLIES_LEGEND choices=RepliesTo::ALL selected=if form.replies_to.is_empty() { RepliesTo::Representative.slug().to_owned() } else { form.replies_to.clone() } />
                    <TextField field="subject_email" label=subject::SUBJECT_EMAIL value=form.subject_email.clone() input_type="email" hint=subject::SUBJECT_EMAIL_HINT maxlength=254 />
                </div>

                <h2>{subject::HOW_TO_ANSWER.get(lang)}</h2>
                <RadioGroup field="reply_channel" legend=subject::CHANNEL_LEGEND choices=Channel::ALL selected=form.reply_channel.clone() />
                <div class="reveal reveal-phone">
                    <TextField field="reply_phone" label=subject::PHONE_LABEL value=form.reply_phone.clone() required=true revealed=true autocomplete="tel" input_type="tel" maxlength=crate::domain::request::MAX_PHONE_CHARS />
                </div>
                <div class="reveal reveal-postal">
                    <TextField field="reply_postal" label=subject::POSTAL_LABEL value=form.reply_postal.clone() required=true revealed=true multiline=true autocomplete="street-address" maxlength=MAX_VALUE_CHARS />
                </div>
                <SelectField field="lang" label=subject::ANSWER_LANG_LABEL choices=&Lang::ALL selected=form.lang.clone() required=true />

                <h2>{subject::DETAIL_TITLE.get(lang)}</h2>
                {right_fields(right, form)}

    }
    .into_any()
}

fn scope_fields(form: &RequestForm, legend: Text) -> impl IntoView {
    let lang = current_lang();
    let form = form.clone();
    let first = Category::ALL
        .first()
        .map(|c| format!("cat-{}", c.slug()))
        .unwrap_or_default();
    let categories = subject::CATEGORIES_LEGEND.get(lang);
    crate::web::islands::use_form_state().register(crate::web::islands::FieldLabel {
        field: "categories".into(),
        label: categories.into(),
        target: first.clone(),
    });
    view! {
        <RadioGroup field="scope" legend choices=ScopeChoice::ALL selected=form.scope.clone() />
        <fieldset class="field reveal reveal-categories" aria-describedby=crate::web::form::error_id("categories")>
            <legend data-field="categories" data-label=categories data-target=first>{categories}</legend>
            {Category::ALL.iter().map(|category| {
                let id = format!("cat-{}", category.slug());
                view! {
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name=format!("form[cat_{}]", category.slug()) value="on" checked=form.has_category(*category) />
                        <label for=id>
                            <strong>{category.label().get(lang)}</strong>
                            <span class="hint">{category_hint(*category).get(lang)}</span>
                        </label>
                    </div>
                }
            }).collect_view()}
            <FieldError field="categories".to_owned() />
        </fieldset>
    }
}

fn details_field(form: &RequestForm) -> impl IntoView {
    view! {
        <TextField field="details" label=subject::DETAILS_LABEL value=form.details.clone() multiline=true maxlength=MAX_TEXT_CHARS />
    }
}

fn right_fields(right: RightKind, form: &RequestForm) -> AnyView {
    let lang = current_lang();
    match right {
        RightKind::Access => view! {
            {scope_fields(form, subject::ACCESS_WHICH)}
            <div class="info">
                <p>{subject::ACCESS_INFO_INTRO.get(lang)}</p>
                <ul>
                    {[subject::ACCESS_INFO_1, subject::ACCESS_INFO_2, subject::ACCESS_INFO_3, subject::ACCESS_INFO_4, subject::ACCESS_INFO_5, subject::ACCESS_INFO_6]
                        .map(|line| view! { <li>{line.get(lang)}</li> })}
                </ul>
            </div>
            {details_field(form)}
        }.into_any(),
        RightKind::Rectification => view! {
            <RectificationRows rows=form.rows.clone() extra=usize::from(form.add_row.is_some()) />
            <TextField field="statement" label=subject::STATEMENT_LABEL value=form.statement.clone() multiline=true maxlength=MAX_TEXT_CHARS hint=subject::STATEMENT_HINT />
        }.into_any(),
        RightKind::Erasure => view! {
            {scope_fields(form, subject::ERASURE_WHICH)}
            <SelectField field="erasure_ground" label=subject::ERASURE_GROUND_LABEL choices=ErasureGround::ALL selected=form.erasure_ground.clone() />
            {details_field(form)}
        }.into_any(),
        RightKind::Restriction => view! {
            <SelectField field="restriction_ground" label=subject::RESTRICTION_GROUND_LABEL choices=RestrictionGround::ALL selected=form.restriction_ground.clone() required=true />
            {scope_fields(form, subject::RESTRICTION_WHICH)}
            {details_field(form)}
        }.into_any(),
        RightKind::Portability => view! {
            <RadioGroup field="format" legend=subject::FORMAT_LEGEND choices=DataFormat::ALL selected=form.format.clone() hint=subject::FORMAT_HINT />
            <RadioGroup field="destination" legend=subject::DESTINATION_LEGEND choices=DestinationChoice::ALL selected=form.destination.clone() />
            <div class="reveal reveal-organisation">
                <TextField field="org_name" label=subject::ORG_NAME value=form.org_name.clone() required=true revealed=true autocomplete="organization" />
                <TextField field="org_email" label=subject::ORG_EMAIL value=form.org_email.clone() required=true revealed=true input_type="email" maxlength=254 />
            </div>
            {details_field(form)}
        }.into_any(),
        RightKind::Objection => view! {
            <RadioGroup field="processing" legend=subject::PROCESSING_LEGEND choices=Processing::ALL selected=form.processing.clone() />
            <TextField field="reason" label=subject::REASON_LABEL value=form.reason.clone() multiline=true maxlength=MAX_TEXT_CHARS hint=subject::REASON_HINT />
        }.into_any(),
    }
}
