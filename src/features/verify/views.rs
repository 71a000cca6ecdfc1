use super::*;
use crate::domain::RightKind;
use crate::features::forms::{Posted, dispatch_on_submit, error_id, follow_redirects, posted};
use crate::features::language::use_lang;
use crate::i18n::{Lang, tr};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Messages for outcomes that are not about one field.
fn outcome_message(
    lang: Lang,
    outcome: &Option<Result<VerifyOutcome, AppError>>,
) -> Option<String> {
    match outcome {
        Some(Ok(VerifyOutcome::Wait(seconds))) => Some(match lang {
            Lang::Fr => format!("Un code vient d'être envoyé. Patientez {seconds} secondes avant d'en demander un autre."),
            Lang::En => format!("A code was just sent. Wait {seconds} seconds before asking for another one."),
        }),
        Some(Ok(VerifyOutcome::Limited)) => Some(
            tr(
                lang,
                "Trop de codes ont été demandés pour cette adresse ou depuis cette connexion. Réessayez dans une heure.",
                "Too many codes were asked for this address or from this connection. Try again in an hour.",
            )
            .into(),
        ),
        Some(Ok(VerifyOutcome::Resent)) => Some(
            tr(
                lang,
                "Un nouveau code est parti. Seul le dernier code reçu est valable.",
                "A new code is on its way. Only the latest code you received works.",
            )
            .into(),
        ),
        Some(Ok(VerifyOutcome::Restart)) => Some(
            tr(
                lang,
                "Aucune vérification n'est en cours dans ce navigateur. Recommencez en saisissant votre adresse.",
                "No verification is in progress in this browser. Start again with your address.",
            )
            .into(),
        ),
        Some(Err(_)) => Some(
            tr(
                lang,
                "Un problème est survenu de notre côté. Ce que vous avez saisi est conservé : réessayez dans un instant.",
                "Something went wrong on our side. What you typed is kept: try again in a moment.",
            )
            .into(),
        ),
        _ => None,
    }
}

fn field_errors(outcome: &Option<Result<VerifyOutcome, AppError>>) -> FieldErrors {
    match outcome {
        Some(Ok(VerifyOutcome::Invalid(errors))) => errors.clone(),
        _ => FieldErrors::default(),
    }
}

/// `/verify`: the address to verify.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let lang = use_lang();
    let posted = SharedValue::new(posted::<EmailForm, VerifyOutcome>).into_inner();
    let action = ServerAction::<RequestCode>::new();
    let query = use_query_map();
    let form = posted
        .as_ref()
        .map(|p| p.form.clone())
        .unwrap_or_else(|| EmailForm {
            email: String::new(),
            right: query.with_untracked(|q| q.get("right").unwrap_or_default()),
        });
    if let Some(Posted { outcome, .. }) = posted {
        action.value().set(Some(outcome));
    }
    let local = RwSignal::new(FieldErrors::default());
    let errors = Memo::new(move |_| {
        let local = local.get();
        if local.is_empty() {
            field_errors(&action.value().get())
        } else {
            local
        }
    });
    follow_redirects(Signal::derive(move || action.value().get()));
    let right = RightKind::parse(&form.right);

    view! {
        <section class="page narrow">
            <h1>{move || tr(lang.get(), "Vérifier votre adresse e-mail", "Verify your email address")}</h1>
            {right.map(|right| view! {
                <p class="pill">{move || lang.get().texts().right(right).name}</p>
            })}
            <p>
                {move || tr(
                    lang.get(),
                    "Pour que personne ne puisse agir en votre nom, nous vous envoyons un code à 6 chiffres. Votre demande sera liée à cette adresse.",
                    "So that nobody can act in your name, we send you a 6-digit code. Your request will be tied to this address.",
                )}
            </p>
            <div class="notice-area" role="status" aria-live="polite">
                {move || outcome_message(lang.get(), &action.value().get()).map(|m| view! { <p class="alert">{m}</p> })}
            </div>
            <form
                method="post"
                action="/verify"
                novalidate
                on:submit=dispatch_on_submit(action, move |args: &RequestCode| {
                    let errors = check_email_form(&args.form);
                    let ok = errors.is_empty();
                    local.set(errors);
                    ok
                })
            >
                <input type="hidden" name="form[right]" value=form.right.clone() />
                <div class="field">
                    <label for="email">{move || tr(lang.get(), "Votre adresse e-mail", "Your email address")}</label>
                    <input
                        id="email"
                        name="form[email]"
                        type="email"
                        autocomplete="email"
                        inputmode="email"
                        maxlength="254"
                        required
                        value=form.email.clone()
                        aria-describedby=error_id("email")
                        aria-invalid=move || errors.get().get("email").is_some().to_string()
                    />
                    <p class="field-error" id=error_id("email")>
                        {move || errors.get().get("email").map(|code| code.message(lang.get()))}
                    </p>
                </div>
                <button type="submit" disabled=move || action.pending().get()>
                    {move || tr(lang.get(), "Recevoir un code", "Send me a code")}
                </button>
            </form>
        </section>
    }
}

/// `/verify/code`: the code received by email, or a new one.
#[component]
pub fn CodePage() -> impl IntoView {
    let lang = use_lang();
    let posted_check = SharedValue::new(posted::<CodeForm, VerifyOutcome>).into_inner();
    let posted_resend = SharedValue::new(posted::<ResendCode, VerifyOutcome>).into_inner();
    let check = ServerAction::<CheckCode>::new();
    let resend = ServerAction::<ResendCode>::new();
    let typed = posted_check
        .as_ref()
        .map(|p| p.form.code.clone())
        .unwrap_or_default();
    if let Some(Posted { outcome, .. }) = posted_check {
        check.value().set(Some(outcome));
    }
    if let Some(Posted { outcome, .. }) = posted_resend {
        resend.value().set(Some(outcome));
    }
    let pending = Resource::new(move || resend.version().get(), |_| pending_code());
    let local = RwSignal::new(FieldErrors::default());
    let errors = Memo::new(move |_| {
        let local = local.get();
        if local.is_empty() {
            field_errors(&check.value().get())
        } else {
            local
        }
    });
    follow_redirects(Signal::derive(move || check.value().get()));

    view! {
        <section class="page narrow">
            <h1>{move || tr(lang.get(), "Saisir le code reçu", "Enter the code you received")}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(Some(pending)) => view! {
                            <p>
                                {move || tr(lang.get(), "Nous avons envoyé un code à 6 chiffres à", "We sent a 6-digit code to")}
                                " " <strong>{pending.masked_email.clone()}</strong> ". "
                                {move || tr(lang.get(), "Il est valable 10 minutes. Pensez à regarder dans les indésirables.", "It is valid for 10 minutes. Check your spam folder too.")}
                            </p>
                        }.into_any(),
                        _ => view! {
                            <p>
                                {move || tr(lang.get(), "Aucun code n'est en attente dans ce navigateur.", "No code is waiting in this browser.")}
                                " " <a href="/verify">{move || tr(lang.get(), "Saisir mon adresse", "Enter my address")}</a>
                            </p>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <div class="notice-area" role="status" aria-live="polite">
                {move || outcome_message(lang.get(), &check.value().get()).map(|m| view! { <p class="alert">{m}</p> })}
                {move || outcome_message(lang.get(), &resend.value().get()).map(|m| view! { <p class="alert">{m}</p> })}
            </div>
            <form
                method="post"
                action="/verify/code"
                novalidate
                on:submit=dispatch_on_submit(check, move |args: &CheckCode| {
                    let mut errors = FieldErrors::default();
                    if normalize_code(&args.form.code).is_none() {
                        errors.add("code", ErrorCode::CodeFormat);
                    }
                    let ok = errors.is_empty();
                    local.set(errors);
                    ok
                })
            >
                <div class="field">
                    <label for="code">{move || tr(lang.get(), "Code à 6 chiffres", "6-digit code")}</label>
                    <input
                        id="code"
                        name="form[code]"
                        type="text"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        maxlength="7"
                        required
                        class="code-input"
                        value=typed
                        aria-describedby=error_id("code")
                        aria-invalid=move || errors.get().get("code").is_some().to_string()
                    />
                    <p class="field-error" id=error_id("code")>
                        {move || errors.get().get("code").map(|code| code.message(lang.get()))}
                    </p>
                </div>
                <button type="submit" disabled=move || check.pending().get()>
                    {move || tr(lang.get(), "Vérifier", "Verify")}
                </button>
            </form>
            <div class="secondary-actions">
                <form method="post" action="/verify/code/resend" on:submit=dispatch_on_submit(resend, |_| true)>
                    <button type="submit" class="secondary" disabled=move || resend.pending().get()>
                        {move || tr(lang.get(), "Renvoyer un code", "Send a new code")}
                    </button>
                </form>
                <a href="/verify">{move || tr(lang.get(), "Utiliser une autre adresse", "Use another address")}</a>
            </div>
        </section>
    }
}

/// `/verify/link/:token`: the link from the email. Opening it changes
/// nothing (mail scanners open links); the button does.
#[component]
pub fn LinkPage() -> impl IntoView {
    let lang = use_lang();
    let posted = SharedValue::new(posted::<LinkForm, VerifyOutcome>).into_inner();
    let action = ServerAction::<ConfirmLink>::new();
    if let Some(Posted { outcome, .. }) = posted {
        action.value().set(Some(outcome));
    }
    let params = use_params_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    let action_url = format!("/verify/link/{token}");
    let invalid = Memo::new(move |_| field_errors(&action.value().get()).get("token"));
    follow_redirects(Signal::derive(move || action.value().get()));

    view! {
        <section class="page narrow">
            <h1>{move || tr(lang.get(), "Confirmer votre adresse e-mail", "Confirm your email address")}</h1>
            <div class="notice-area" role="status" aria-live="polite">
                {move || invalid.get().map(|code| view! {
                    <p class="alert">{code.message(lang.get())} " " <a href="/verify">{tr(lang.get(), "Recevoir un nouveau code", "Get a new code")}</a></p>
                })}
                {move || outcome_message(lang.get(), &action.value().get()).map(|m| view! { <p class="alert">{m}</p> })}
            </div>
            <p>{move || tr(lang.get(), "Cliquez sur le bouton pour confirmer que cette adresse est la vôtre.", "Press the button to confirm that this address is yours.")}</p>
            <form method="post" action=action_url on:submit=dispatch_on_submit(action, |_| true)>
                <input type="hidden" name="form[token]" value=token />
                <button type="submit" disabled=move || action.pending().get()>
                    {move || tr(lang.get(), "Confirmer mon adresse", "Confirm my address")}
                </button>
            </form>
        </section>
    }
}
