use super::*;
use crate::features::forms::fields::{RadioGroup, SelectField, TextField, lang_choices};
use crate::features::forms::{Posted, dispatch_on_submit, error_id, follow_redirects, posted};
use crate::features::language::use_lang;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/request/new?right=…`: the request form for one right, for a verified
/// address.
#[component]
pub fn RequestFormPage() -> impl IntoView {
    let lang = use_lang();
    let posted = SharedValue::new(posted::<RequestForm, SubmitOutcome>).into_inner();
    let query = use_query_map();
    let right_slug = posted
        .as_ref()
        .map(|p| p.form.right.clone())
        .unwrap_or_else(|| query.with_untracked(|q| q.get("right").unwrap_or_default()));
    let context = Resource::new(|| (), |_| request_form_context());

    view! {
        <Suspense fallback=|| ()>
            {move || {
                let posted = posted.clone();
                let right_slug = right_slug.clone();
                Suspend::new(async move {
                    let right = RightKind::parse(&right_slug);
                    match (context.await, right) {
                        (Ok(Some(context)), Some(right)) => view! { <RequestFormBody right context posted /> }.into_any(),
                        // The session ended while the form was being filled:
                        // show it again with everything typed and the way
                        // to verify again.
                        (Ok(None), Some(right)) if posted.is_some() => {
                            let key = posted.as_ref().map(|p| p.form.submission_key.clone()).unwrap_or_default();
                            let context = FormContext { masked_email: String::new(), submission_key: key };
                            view! { <RequestFormBody right context posted /> }.into_any()
                        }
                        (Ok(None), _) => {
                            let href = format!("/verify?right={right_slug}");
                            view! {
                                <section class="page narrow">
                                    <h1>{move || tr(lang.get(), "Vérifiez d'abord votre adresse e-mail", "First verify your email address")}</h1>
                                    <p>{move || tr(lang.get(), "Une demande est toujours liée à une adresse vérifiée, valable une heure.", "A request is always tied to a verified address, valid for one hour.")}</p>
                                    <p><a class="button" href=href>{move || tr(lang.get(), "Vérifier mon adresse", "Verify my address")}</a></p>
                                </section>
                            }.into_any()
                        }
                        (Ok(Some(_)), None) => view! {
                            <section class="page narrow">
                                <h1>{move || tr(lang.get(), "Quel droit souhaitez-vous exercer ?", "Which right do you want to exercise?")}</h1>
                                <ul class="plain-list">
                                    {RightKind::ALL.into_iter().map(|right| view! {
                                        <li><a href=format!("/request/new?right={}", right.slug())>{move || lang.get().texts().right(right).name}</a></li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any(),
                        (Err(_), _) => view! {
                            <section class="page narrow">
                                <p class="alert">{move || tr(lang.get(), "Un problème est survenu de notre côté. Réessayez dans un instant.", "Something went wrong on our side. Try again in a moment.")}</p>
                            </section>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

fn outcome_errors(outcome: &Option<Result<SubmitOutcome, AppError>>) -> FieldErrors {
    match outcome {
        Some(Ok(SubmitOutcome::Invalid(errors))) => errors.clone(),
        _ => FieldErrors::default(),
    }
}

#[component]
fn RequestFormBody(
    right: RightKind,
    context: FormContext,
    posted: Option<Posted<RequestForm, SubmitOutcome>>,
) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<SubmitRequest>::new();
    let form = match &posted {
        Some(p) => p.form.clone(),
        None => RequestForm {
            submission_key: context.submission_key.clone(),
            right: right.slug().into(),
            reply_channel: "email".into(),
            lang: lang.get_untracked().code().into(),
            scope: "all".into(),
            destination: "me".into(),
            format: "json".into(),
            ..Default::default()
        },
    };
    let added = usize::from(form.add_row.is_some());
    if let Some(Posted { outcome, .. }) = posted {
        action.value().set(Some(outcome));
    }
    let local = RwSignal::new(FieldErrors::default());
    let errors = Signal::derive(move || {
        let local = local.get();
        if local.is_empty() {
            outcome_errors(&action.value().get())
        } else {
            local
        }
    });
    follow_redirects(Signal::derive(move || action.value().get()));
    let rows = RwSignal::new(form.rows.len().max(1) + added);
    let texts = move || lang.get().texts().right(right);
    let has_errors = move || !errors.get().is_empty();
    let f = form.clone();

    view! {
        <section class="page narrow">
            <p class="pill">{move || texts().name}</p>
            <h1>{move || tr(lang.get(), "Votre demande", "Your request")}</h1>
            {(!context.masked_email.is_empty()).then(|| view! {
                <p class="muted">
                    {move || tr(lang.get(), "Adresse vérifiée :", "Verified address:")} " "
                    <strong>{context.masked_email.clone()}</strong>
                </p>
            })}
            <p>{move || texts().summary}</p>
            <div class="notice-area" role="alert">
                {move || has_errors().then(|| view! {
                    <p class="alert alert--error">{tr(lang.get(), "Certains champs sont à compléter ou à corriger : voyez les messages ci-dessous.", "Some fields need your attention: see the messages below.")}</p>
                })}
                {move || match action.value().get() {
                    Some(Ok(SubmitOutcome::SignInFirst)) => Some(view! {
                        <p class="alert alert--error">
                            {tr(lang.get(), "Votre vérification a expiré (elle dure une heure).", "Your verification has expired (it lasts one hour).")} " "
                            <a href=format!("/verify?right={}", right.slug()) target="_blank">{tr(lang.get(), "Vérifier à nouveau mon adresse (dans un nouvel onglet, pour garder ce formulaire)", "Verify my address again (in a new tab, to keep this form)")}</a>
                        </p>
                    }.into_any()),
                    Some(Err(_)) => Some(view! {
                        <p class="alert alert--error">{tr(lang.get(), "Un problème est survenu de notre côté. Ce que vous avez saisi est conservé : réessayez dans un instant.", "Something went wrong on our side. What you typed is kept: try again in a moment.")}</p>
                    }.into_any()),
                    _ => None,
                }}
            </div>
            <form
                class="request-form"
                method="post"
                action="/request/new"
                novalidate
                on:submit=dispatch_on_submit(action, move |args: &SubmitRequest| {
                    let errors = ValidRequest::try_from(&args.form).err().unwrap_or_default();
                    let ok = errors.is_empty();
                    local.set(errors);
                    ok
                })
            >
                <input type="hidden" name="form[submission_key]" value=f.submission_key.clone() />
                <input type="hidden" name="form[right]" value=f.right.clone() />

                <h2>{move || tr(lang.get(), "Qui êtes-vous ?", "Who are you?")}</h2>
                <div class="field-row">
                    <TextField field="first_name".into() label=("Prénom", "First name") value=f.first_name.clone() errors required=true autocomplete="given-name" />
                    <TextField field="last_name".into() label=("Nom", "Last name") value=f.last_name.clone() errors required=true autocomplete="family-name" />
                </div>
                <SelectField field="relation" label=("Votre lien avec SOFACTO", "Your relation to SOFACTO") choices=RELATIONS selected=f.relation.clone() errors required=true />
                <TextField field="customer_number".into() label=("Numéro client", "Customer number") value=f.customer_number.clone() errors
                    hint=("Il nous aide à retrouver vos données plus vite.", "It helps us find your data faster.") />

                <h2>{move || tr(lang.get(), "Comment vous répondre ?", "How should we answer?")}</h2>
                <RadioGroup field="reply_channel" legend=("Canal de réponse préféré", "Preferred reply channel") choices=CHANNELS selected=f.reply_channel.clone() errors />
                <div class="reveal reveal-phone">
                    <TextField field="reply_phone".into() label=("Numéro de téléphone", "Phone number") value=f.reply_phone.clone() errors required=true autocomplete="tel" input_type="tel" maxlength=40 />
                </div>
                <div class="reveal reveal-postal">
                    <TextField field="reply_postal".into() label=("Adresse postale", "Postal address") value=f.reply_postal.clone() errors required=true multiline=true autocomplete="street-address" maxlength=1000 />
                </div>
                <SelectField field="lang" label=("Langue de nos réponses", "Language of our answers") choices=lang_choices() selected=f.lang.clone() errors required=true />

                <h2>{move || tr(lang.get(), "Votre demande en détail", "Your request in detail")}</h2>
                {right_fields(right, &f, errors, rows)}

                <button type="submit" class="submit" disabled=move || action.pending().get()>
                    {move || tr(lang.get(), "Envoyer ma demande", "Send my request")}
                </button>
                <p class="hint">
                    {move || tr(lang.get(), "Vous recevrez aussitôt un accusé de réception par e-mail, avec la référence et la date limite de réponse.", "You will immediately receive an acknowledgment by email, with the reference and the answer deadline.")}
                </p>
            </form>
        </section>
    }
}

fn scope_fields(
    form: &RequestForm,
    errors: Signal<FieldErrors>,
    legend: (&'static str, &'static str),
) -> impl IntoView {
    let lang = use_lang();
    let scope_choices: &'static [Choice] = &[
        ("all", "Toutes mes données", "All my data"),
        (
            "some",
            "Certaines catégories seulement",
            "Only some categories",
        ),
    ];
    let f = form.clone();
    view! {
        <RadioGroup field="scope" legend choices=scope_choices selected=form.scope.clone() errors />
        <fieldset class="field reveal reveal-categories" aria-describedby=error_id("categories")>
            <legend>{move || tr(lang.get(), "Catégories concernées", "Categories concerned")}</legend>
            {CATEGORIES.iter().map(|(value, fr, fr_hint, en, en_hint)| {
                let id = format!("cat-{value}");
                view! {
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name=format!("form[cat_{value}]") value="on" checked=f.has_category(value) />
                        <label for=id>
                            <strong>{move || lang.get().pick(*fr, *en)}</strong>
                            <span class="hint">{move || lang.get().pick(*fr_hint, *en_hint)}</span>
                        </label>
                    </div>
                }
            }).collect_view()}
            <crate::features::forms::fields::FieldMessage field="categories".to_owned() errors />
        </fieldset>
    }
}

fn details_field(form: &RequestForm, errors: Signal<FieldErrors>) -> impl IntoView {
    view! {
        <TextField field="details".into() label=("Précisions", "Anything else we should know") value=form.details.clone() errors multiline=true maxlength=MAX_TEXT_CHARS />
    }
}

fn right_fields(
    right: RightKind,
    form: &RequestForm,
    errors: Signal<FieldErrors>,
    rows: RwSignal<usize>,
) -> AnyView {
    let lang = use_lang();
    match right {
        RightKind::Access => view! {
            {scope_fields(form, errors, ("Quelles données voulez-vous consulter ?", "Which data do you want to see?"))}
            <div class="info">
                <p>{move || tr(lang.get(), "Avec la copie de vos données, vous recevrez (RGPD art. 15) :", "With the copy of your data you will receive (GDPR Art. 15):")}</p>
                <ul>
                    <li>{move || tr(lang.get(), "les finalités du traitement et les catégories de données ;", "the purposes of the processing and the categories of data;")}</li>
                    <li>{move || tr(lang.get(), "les destinataires à qui elles ont été ou seront communiquées ;", "the recipients they have been or will be disclosed to;")}</li>
                    <li>{move || tr(lang.get(), "leur durée de conservation ;", "how long they are kept;")}</li>
                    <li>{move || tr(lang.get(), "vos droits de rectification, d'effacement, de limitation et d'opposition, et celui de saisir la CNIL ;", "your rights to rectification, erasure, restriction and objection, and to complain to the CNIL;")}</li>
                    <li>{move || tr(lang.get(), "leur source, si elles n'ont pas été collectées auprès de vous ;", "their source, where they were not collected from you;")}</li>
                    <li>{move || tr(lang.get(), "l'existence éventuelle d'une décision automatisée.", "whether any automated decision-making is involved.")}</li>
                </ul>
            </div>
            {details_field(form, errors)}
        }.into_any(),
        RightKind::Rectification => {
            let saved = form.rows.clone();
            view! {
                <p class="hint">{move || tr(lang.get(), "Une ligne par donnée à corriger. La valeur actuelle est facultative.", "One row per item to correct. The current value is optional.")}</p>
                {move || (0..rows.get()).map(|i| {
                    let row = saved.get(i).cloned().unwrap_or_default();
                    view! {
                        <fieldset class="field rect-row">
                            <legend>{move || format!("{} {}", tr(lang.get(), "Correction", "Correction"), i + 1)}</legend>
                            <TextField field=format!("rows[{i}][item]") label=("Donnée concernée", "Data item") value=row.item errors required=true
                                hint=("Par exemple : nom, adresse postale, téléphone.", "For example: name, postal address, phone.") />
                            <TextField field=format!("rows[{i}][current]") label=("Valeur actuelle", "Current value") value=row.current errors maxlength=1000 />
                            <TextField field=format!("rows[{i}][corrected]") label=("Valeur corrigée", "Corrected value") value=row.corrected errors required=true maxlength=1000 />
                        </fieldset>
                    }
                }).collect_view()}
                <button type="submit" name="form[add_row]" value="1" class="secondary"
                    on:click=move |ev| { ev.prevent_default(); rows.update(|n| *n += 1); }>
                    {move || tr(lang.get(), "Ajouter une correction", "Add a correction")}
                </button>
                <TextField field="statement".into() label=("Déclaration complémentaire", "Supplementary statement") value=form.statement.clone() errors multiline=true maxlength=MAX_TEXT_CHARS
                    hint=("Pour compléter des données incomplètes (RGPD art. 16).", "To complete incomplete data (GDPR Art. 16).") />
            }.into_any()
        }
        RightKind::Erasure => view! {
            {scope_fields(form, errors, ("Quelles données voulez-vous faire effacer ?", "Which data do you want erased?"))}
            <SelectField field="erasure_ground" label=("Motif", "Ground") choices=ERASURE_GROUNDS selected=form.erasure_ground.clone() errors />
            {details_field(form, errors)}
        }.into_any(),
        RightKind::Restriction => view! {
            <SelectField field="restriction_ground" label=("Motif de la limitation", "Ground for restriction") choices=RESTRICTION_GROUNDS selected=form.restriction_ground.clone() errors required=true />
            {scope_fields(form, errors, ("Quelles données sont concernées ?", "Which data is concerned?"))}
            {details_field(form, errors)}
        }.into_any(),
        RightKind::Portability => view! {
            <RadioGroup field="format" legend=("Format souhaité", "Format") choices=FORMATS selected=form.format.clone() errors
                hint=("Des formats structurés et lisibles par une machine.", "Structured, machine-readable formats.") />
            <RadioGroup field="destination" legend=("À qui transmettre vos données ?", "Who should receive your data?") choices=DESTINATIONS selected=form.destination.clone() errors />
            <div class="reveal reveal-organisation">
                <TextField field="org_name".into() label=("Nom de l'organisme", "Organisation name") value=form.org_name.clone() errors required=true autocomplete="organization" />
                <TextField field="org_email".into() label=("E-mail de contact de l'organisme", "Organisation contact email") value=form.org_email.clone() errors required=true input_type="email" maxlength=254 />
            </div>
            {details_field(form, errors)}
        }.into_any(),
        RightKind::Objection => view! {
            <RadioGroup field="processing" legend=("À quel traitement vous opposez-vous ?", "Which processing do you object to?") choices=PROCESSINGS selected=form.processing.clone() errors />
            <TextField field="reason".into() label=("Vos raisons", "Your reasons") value=form.reason.clone() errors multiline=true maxlength=MAX_TEXT_CHARS
                hint=("Obligatoires, sauf pour la prospection commerciale : votre refus suffit.", "Required, except for direct marketing: your refusal is enough.") />
        }.into_any(),
    }
}
