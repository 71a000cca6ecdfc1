use super::*;
use crate::domain::RightKind;
use crate::i18n::{Label, current_lang, subject};
use crate::state::AppState;
use crate::web::fields::TextField;
use crate::web::form::posted;
use crate::web::islands::{FormNotice, SubmitButton};
use crate::web::plain_post::{plain_post, same_page};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::Request;
use axum::routing::post;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The JavaScript-off side of the verification forms.
pub fn plain_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/verify",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    same_page,
                    |call: &RequestCode| call.form.clone(),
                    |call| ssr::request_code(call.form),
                )
            }),
        )
        .route(
            "/verify/code",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    same_page,
                    |call: &CheckCode| call.form.clone(),
                    |call| ssr::check_code(call.form),
                )
            }),
        )
        .route(
            "/verify/code/resend",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/verify/code".into(),
                    |call: &ResendCode| call.clone(),
                    |_| ssr::resend_code(),
                )
            }),
        )
        .route(
            "/verify/link/{token}",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    same_page,
                    |call: &ConfirmLink| call.form.clone(),
                    |call| ssr::confirm_link(call.form),
                )
            }),
        )
}

/// `/verify`: the address to verify.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let lang = current_lang();
    let posted = posted::<EmailForm>();
    let reply = posted.as_ref().map(|p| p.shown_reply(lang));
    let form = posted.map(|p| p.form).unwrap_or_else(|| EmailForm {
        email: String::new(),
        right: use_query_map().with_untracked(|q| q.get("right").unwrap_or_default()),
    });
    let right = RightKind::parse(&form.right);
    view! {
        <section class="page narrow">
            <h1>{subject::VERIFY_TITLE.get(lang)}</h1>
            {right.map(|right| view! { <p class="pill">{right.label().get(lang)}</p> })}
            <p>{subject::VERIFY_INTRO.get(lang)}</p>
            <EmailEntry reply>
                <FormNotice />
                <input type="hidden" name="form[right]" value=form.right.clone() />
                <TextField
                    field="email"
                    label=subject::EMAIL_LABEL
                    value=form.email
                    required=true
                    input_type="email"
                    inputmode="email"
                    autocomplete="email"
                    maxlength=254
                />
                <SubmitButton label=subject::SEND_CODE.get(lang).to_owned() />
            </EmailEntry>
            <crate::features::notice::NoticeLink />
        </section>
        <crate::web::assets::IslandScripts />
    }
}

/// `/verify/code`: the code received by email, or a new one.
#[component]
pub fn CodePage() -> impl IntoView {
    let lang = current_lang();
    let check = posted::<CodeForm>();
    let resend = posted::<ResendCode>();
    let typed = check
        .as_ref()
        .map(|p| p.form.code.clone())
        .unwrap_or_default();
    let check_reply = check.map(|p| p.shown_reply(lang));
    let resend_reply = resend.map(|p| p.shown_reply(lang));
    view! {
        <section class="page narrow">
            <h1>{subject::CODE_TITLE.get(lang)}</h1>
            <Suspense fallback=|| ()>
                {Suspend::new(async move {
                    match ssr::pending_code().await {
                        Ok(Some(masked)) => view! {
                            <p>{subject::CODE_SENT_TO.with(lang, &[("address", &masked)])}</p>
                        }.into_any(),
                        _ => view! {
                            <p>
                                {subject::NO_CODE_PENDING.get(lang)} " "
                                <a href="/verify">{subject::ENTER_ADDRESS.get(lang)}</a>
                            </p>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <CodeEntry reply=check_reply>
                <FormNotice />
                <TextField
                    field="code"
                    label=subject::CODE_LABEL
                    value=typed
                    required=true
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    class="code-input"
                    maxlength=7
                />
                <SubmitButton label=subject::VERIFY_BUTTON.get(lang).to_owned() />
            </CodeEntry>
            <crate::features::notice::NoticeLink />
            <div class="secondary-actions">
                <CodeResend reply=resend_reply>
                    <FormNotice />
                    <SubmitButton label=subject::RESEND.get(lang).to_owned() class="secondary".to_owned() />
                </CodeResend>
                <a href="/verify">{subject::OTHER_ADDRESS.get(lang)}</a>
            </div>
        </section>
        <crate::web::assets::IslandScripts />
    }
}

/// `/verify/link/:token`: the link from the email. Opening it changes
/// nothing (mail scanners open links); the button does.
#[component]
pub fn LinkPage() -> impl IntoView {
    let lang = current_lang();
    let reply = posted::<LinkForm>().map(|p| p.shown_reply(lang));
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let action = format!("/verify/link/{token}");
    view! {
        <section class="page narrow">
            <h1>{subject::LINK_TITLE.get(lang)}</h1>
            <Suspense fallback=|| ()>
                {Suspend::new(async move {
                    match ssr::link_address(token.clone()).await {
                        Ok(Some(masked)) => view! {
                            <p>{subject::LINK_INTRO.with(lang, &[("address", &masked)])}</p>
                            <p class="alert">{subject::LINK_WARNING.get(lang)}</p>
                            <LinkConfirm action reply>
                                <FormNotice />
                                <input type="hidden" name="form[token]" value=token />
                                <SubmitButton label=subject::LINK_CONFIRM.get(lang).to_owned() />
                            </LinkConfirm>
                        }.into_any(),
                        _ => view! {
                            <p class="alert alert--error">
                                {ErrorCode::LinkInvalid.label().get(lang)} " "
                                <a href="/verify">{subject::GET_NEW_CODE.get(lang)}</a>
                            </p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <crate::web::assets::IslandScripts />
    }
}
