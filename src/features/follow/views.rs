use super::*;
use crate::features::forms::{Posted, dispatch_on_submit, follow_redirects, posted};
use crate::features::home::CNIL_COMPLAINT_URL;
use crate::features::language::use_lang;
use crate::i18n::long_date;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
fn SignInFirst() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="page narrow">
            <h1>{move || tr(lang.get(), "Suivre mes demandes", "Follow my requests")}</h1>
            <p>{move || tr(lang.get(), "Pour voir vos demandes, confirmez d'abord votre adresse e-mail avec un code à 6 chiffres.", "To see your requests, first confirm your email address with a 6-digit code.")}</p>
            <p><a class="button" href="/verify">{move || tr(lang.get(), "Vérifier mon adresse", "Verify my address")}</a></p>
        </section>
    }
}

/// "Sign out": forgets the verified address in this browser.
#[component]
fn SignOut() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<SignOut>::new();
    follow_redirects(Signal::derive(move || action.value().get()));
    view! {
        <form method="post" action="/my-requests/sign-out" class="sign-out" on:submit=dispatch_on_submit(action, |_| true)>
            <button type="submit" class="secondary">{move || tr(lang.get(), "Se déconnecter", "Sign out")}</button>
        </form>
    }
}

#[component]
fn Trouble() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="page narrow">
            <p class="alert alert--error">{move || tr(lang.get(), "Un problème est survenu de notre côté. Réessayez dans un instant.", "Something went wrong on our side. Try again in a moment.")}</p>
        </section>
    }
}

/// `/my-requests`: every request of the verified address.
#[component]
pub fn MyRequestsPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| my_requests());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(Access::Found(requests)) => view! {
                        <section class="page">
                            <h1>{move || tr(lang.get(), "Mes demandes", "My requests")}</h1>
                            {if requests.is_empty() {
                                view! { <p>{move || tr(lang.get(), "Aucune demande pour cette adresse.", "No request for this address.")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="request-list">
                                        {requests.into_iter().map(|r| {
                                            let href = format!("/my-requests/{}", r.reference);
                                            view! {
                                                <li class="request-item">
                                                    <a href=href class="request-item__ref">{r.reference.clone()}</a>
                                                    <span>{move || lang.get().texts().right(r.right).name}</span>
                                                    <span class=format!("status status--{}", r.status.slug())>{move || status_label(lang.get(), r.status)}</span>
                                                    <span class="muted">{move || tr(lang.get(), "Réponse au plus tard le", "Answer due by")} " " {move || long_date(lang.get(), r.due_on)}</span>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <p><a href="/#rights-title">{move || tr(lang.get(), "Faire une autre demande", "Make another request")}</a></p>
                            <SignOut />
                        </section>
                    }.into_any(),
                    Ok(Access::SignInFirst) => view! { <SignInFirst /> }.into_any(),
                    Ok(Access::NotFound) | Err(_) => view! { <Trouble /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/my-requests/:reference`: one request; with `?new=1`, its receipt.
#[component]
pub fn RequestPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let reference = move || params.with(|p| p.get("reference").unwrap_or_default());
    let is_new = move || query.with(|q| q.get("new").is_some());
    let posted = SharedValue::new(posted::<WithdrawForm, WithdrawOutcome>).into_inner();
    let withdraw = ServerAction::<WithdrawRequest>::new();
    if let Some(Posted { outcome, .. }) = posted {
        withdraw.value().set(Some(outcome));
    }
    follow_redirects(Signal::derive(move || withdraw.value().get()));
    let detail = Resource::new(
        move || (reference(), withdraw.version().get()),
        |(reference, _)| my_request(reference),
    );

    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Access::Found(detail)) => view! { <RequestDetailView detail is_new=is_new() withdraw /> }.into_any(),
                    Ok(Access::SignInFirst) => view! { <SignInFirst /> }.into_any(),
                    Ok(Access::NotFound) => view! {
                        <section class="page narrow">
                            <h1>{move || tr(lang.get(), "Demande introuvable", "Request not found")}</h1>
                            <p>{move || tr(lang.get(), "Aucune demande de votre adresse ne porte cette référence.", "None of your address's requests has this reference.")}</p>
                            <p><a href="/my-requests">{move || tr(lang.get(), "Voir mes demandes", "See my requests")}</a></p>
                        </section>
                    }.into_any(),
                    Err(_) => view! { <Trouble /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RequestDetailView(
    detail: RequestDetail,
    is_new: bool,
    withdraw: ServerAction<WithdrawRequest>,
) -> impl IntoView {
    let lang = use_lang();
    let s = detail.summary.clone();
    let withdrawable = s.status.can_become(Status::Withdrawn);
    let action_url = format!("/my-requests/{}/withdraw", s.reference);
    view! {
        {is_new.then(|| view! {
            <section class="page notice notice--ok" role="status">
                <h1>{move || tr(lang.get(), "Demande envoyée", "Request sent")}</h1>
                <p>{move || tr(lang.get(), "Nous l'avons bien reçue et vous avons envoyé un accusé de réception par e-mail. Notez sa référence :", "We have received it and sent you an acknowledgment by email. Note its reference:")}</p>
                <p class="reference">{s.reference.clone()}</p>
            </section>
        })}
        <section class="page">
            {if is_new {
                view! { <h2>{move || tr(lang.get(), "Votre demande", "Your request")} " " {s.reference.clone()}</h2> }.into_any()
            } else {
                view! { <h1>{move || tr(lang.get(), "Demande", "Request")} " " {s.reference.clone()}</h1> }.into_any()
            }}
            <dl class="facts">
                <dt>{move || tr(lang.get(), "Référence", "Reference")}</dt>
                <dd class="reference-inline">{s.reference.clone()}</dd>
                <dt>{move || tr(lang.get(), "Droit exercé", "Right")}</dt>
                <dd>{move || lang.get().texts().right(s.right).name}</dd>
                <dt>{move || tr(lang.get(), "État", "Status")}</dt>
                <dd><span class=format!("status status--{}", s.status.slug())>{move || status_label(lang.get(), s.status)}</span></dd>
                <dt>{move || tr(lang.get(), "Reçue le", "Received on")}</dt>
                <dd>{move || long_date(lang.get(), s.received_on)}</dd>
                <dt>{move || tr(lang.get(), "Réponse au plus tard le", "Answer due by")}</dt>
                <dd>{move || long_date(lang.get(), s.due_on)}</dd>
                <dt>{move || tr(lang.get(), "Adresse", "Address")}</dt>
                <dd>{detail.masked_email.clone()}</dd>
            </dl>
            <h2>{move || tr(lang.get(), "Et ensuite ?", "What happens next?")}</h2>
            <ol class="steps">
                <li>{move || tr(lang.get(), "Notre délégué à la protection des données vérifie votre identité ; s'il lui faut une information de plus, il vous écrit et le délai est suspendu jusqu'à votre réponse.", "Our data protection officer checks your identity; if they need more information they write to you, and the deadline is paused until you answer.")}</li>
                <li>{move || tr(lang.get(), "Il traite la demande et vous répond au plus tard à la date indiquée ; pour une demande complexe, il peut prolonger ce délai de deux mois en vous expliquant pourquoi.", "They handle the request and answer by the date shown; for a complex request they may extend it by two months and tell you why.")}</li>
                <li>{move || tr(lang.get(), "Chaque étape vous est signalée par e-mail et apparaît ici.", "Every step is emailed to you and shown here.")}</li>
            </ol>
            <h2>{move || tr(lang.get(), "Historique", "Timeline")}</h2>
            <ol class="timeline">
                {detail.timeline.iter().map(|entry| {
                    let kind = entry.kind.clone();
                    view! { <li><time>{entry.at.clone()}</time> " — " {move || event_label(lang.get(), &kind)}</li> }
                }).collect_view()}
            </ol>
            <p class="muted">
                {move || tr(lang.get(), "Vous pouvez à tout moment adresser une réclamation à la CNIL :", "You may complain to the CNIL at any time:")} " "
                <a href=CNIL_COMPLAINT_URL rel="noopener noreferrer">"cnil.fr/fr/agir"</a>
            </p>
            <p><a href="/my-requests">{move || tr(lang.get(), "Toutes mes demandes", "All my requests")}</a></p>
            <SignOut />
        </section>
        {withdrawable.then(|| view! {
            <section class="page">
                <h2>{move || tr(lang.get(), "Retirer la demande", "Withdraw the request")}</h2>
                <p>{move || tr(lang.get(), "Si vous n'en avez plus besoin, vous pouvez la retirer. Le délégué en sera informé et le traitement s'arrêtera.", "If you no longer need it, you can withdraw it. The officer will be told and processing will stop.")}</p>
                <div class="notice-area" role="status" aria-live="polite">
                    {move || matches!(withdraw.value().get(), Some(Ok(WithdrawOutcome::NotWithdrawable))).then(|| view! {
                        <p class="alert">{tr(lang.get(), "Cette demande est déjà close.", "This request is already closed.")}</p>
                    })}
                    {move || matches!(withdraw.value().get(), Some(Ok(WithdrawOutcome::SignInFirst | WithdrawOutcome::NotFound))).then(|| view! {
                        <p class="alert alert--error">
                            {tr(lang.get(), "Votre vérification a expiré (elle dure une heure) : rien n'a été retiré.", "Your verification has expired (it lasts one hour): nothing was withdrawn.")} " "
                            <a href="/verify">{tr(lang.get(), "Vérifier à nouveau mon adresse", "Verify my address again")}</a>
                        </p>
                    })}
                    {move || matches!(withdraw.value().get(), Some(Err(_))).then(|| view! {
                        <p class="alert alert--error">{tr(lang.get(), "Un problème est survenu de notre côté. Réessayez dans un instant.", "Something went wrong on our side. Try again in a moment.")}</p>
                    })}
                </div>
                <form method="post" action=action_url on:submit=dispatch_on_submit(withdraw, |_| true)>
                    <input type="hidden" name="form[reference]" value=s.reference.clone() />
                    <button type="submit" class="danger" disabled=move || withdraw.pending().get()>
                        {move || tr(lang.get(), "Retirer ma demande", "Withdraw my request")}
                    </button>
                </form>
            </section>
        })}
    }
}
