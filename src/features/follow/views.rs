use super::ssr::{Access, Detail};
use super::*;
use crate::domain::{CNIL_COMPLAINT_URL, Status, iso_instant};
use crate::i18n::{Label, current_lang, long_date, long_date_time, site, subject};
use crate::requests::RequestRow;
use crate::state::AppState;
use crate::web::fields::TextField;
use crate::web::form::posted;
use crate::web::islands::{FormNotice, FormStateProvider, SubmitButton};
use crate::web::plain_post::plain_post;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::Request;
use axum::routing::post;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Marks a sign-out post (it has no fields).
#[derive(Clone, serde::Deserialize)]
struct SignOutForm {}

pub fn plain_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/my-requests/{reference}/files/{id}",
            axum::routing::get(super::message::download),
        )
        .route(
            "/my-requests/directives",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/my-requests".into(),
                    |call: &super::directives::DirectivesPost| call.form.clone(),
                    |call| super::directives::save(call.form),
                )
            }),
        )
        .route(
            "/my-requests/directives/revoke",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/my-requests".into(),
                    |_: &SignOutForm| (),
                    |_| super::directives::revoke(),
                )
            }),
        )
        .route(
            "/my-requests/sign-out",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |_| "/my-requests".into(),
                    |_: &SignOutForm| (),
                    |_| ssr::sign_out(),
                )
            }),
        )
        .route(
            "/confirm-email/{token}",
            post(
                |State(state): State<AppState>,
                 axum::extract::Path(token): axum::extract::Path<String>,
                 request: Request<Body>| {
                    plain_post(
                        state,
                        request,
                        |path| path.to_owned(),
                        |_: &super::confirm_email::ConfirmForm| (),
                        move |_| super::confirm_email::confirm(token),
                    )
                },
            ),
        )
        .route(
            "/my-requests/{reference}/withdraw",
            post(|State(state): State<AppState>, request: Request<Body>| {
                plain_post(
                    state,
                    request,
                    |path| path.trim_end_matches("/withdraw").to_owned(),
                    |call: &WithdrawRequest| call.form.clone(),
                    |call| ssr::withdraw(call.form),
                )
            }),
        )
}

#[component]
fn SignInFirst() -> impl IntoView {
    let lang = current_lang();
    view! {
        <section class="page narrow">
            <h1>{subject::FOLLOW_TITLE.get(lang)}</h1>
            <p>{subject::SIGN_IN_FIRST_BODY.get(lang)}</p>
            <p><a class="button" href="/verify">{subject::VERIFY_MY_ADDRESS.get(lang)}</a></p>
        </section>
    }
}

/// "Sign out": forgets the verified address in this browser. A plain form:
/// its answer is the home page anyway.
#[component]
fn SignOut() -> impl IntoView {
    let lang = current_lang();
    view! {
        <form method="post" action="/my-requests/sign-out" class="sign-out">
            <button type="submit" class="secondary">{subject::SIGN_OUT.get(lang)}</button>
        </form>
    }
}

#[component]
fn Trouble() -> impl IntoView {
    view! {
        <section class="page narrow">
            <p class="alert alert--error">{site::TROUBLE.get(current_lang())}</p>
        </section>
    }
}

fn status_badge(status: Status) -> impl IntoView {
    view! {
        <span class=format!("status status--{}", status.slug())>{status.label().get(current_lang())}</span>
    }
}

/// `/my-requests`: every request of the verified address.
#[component]
pub fn MyRequestsPage() -> impl IntoView {
    let lang = current_lang();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match ssr::list().await {
                    Ok(Access::Found((requests, directives))) => view! {
                        <section class="page">
                            <h1>{subject::MY_REQUESTS.get(lang)}</h1>
                            {if requests.is_empty() {
                                view! { <p>{subject::NO_REQUESTS.get(lang)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="request-list">
                                        {requests.into_iter().map(|r| view! { <RequestItem request=r /> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <p><a href="/#rights-title">{subject::ANOTHER_REQUEST.get(lang)}</a></p>
                            <SignOut />
                        </section>
                        <super::directives::DirectivesSection current=directives />
                    }.into_any(),
                    Ok(Access::SignInFirst) => view! { <SignInFirst /> }.into_any(),
                    Ok(Access::NotFound) | Err(_) => view! { <Trouble /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RequestItem(request: RequestRow) -> impl IntoView {
    let lang = current_lang();
    view! {
        <li class="request-item">
            <a href=format!("/my-requests/{}", request.reference) class="request-item__ref">{request.reference.to_string()}</a>
            <span>{request.right.label().get(lang)}</span>
            {status_badge(request.status)}
            <span class="muted">
                {match request.due_on.0 {
                    Some(due) => subject::ANSWER_DUE_BY.with(lang, &[("date", &long_date(lang, due))]),
                    None => subject::DUE_PAUSED.get(lang).to_owned(),
                }}
            </span>
        </li>
    }
}

/// `/my-requests/:reference`: one request; with `?new=1`, its receipt.
#[component]
pub fn RequestPage() -> impl IntoView {
    let lang = current_lang();
    let reference = use_params_map().with_untracked(|p| p.get("reference").unwrap_or_default());
    let is_new = use_query_map().with_untracked(|q| q.get("new").is_some());
    let sent = use_query_map().with_untracked(|q| q.get("sent").is_some());
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match ssr::detail(reference).await {
                    Ok(Access::Found(detail)) => view! { <RequestDetailView detail is_new sent /> }.into_any(),
                    Ok(Access::SignInFirst) => view! { <SignInFirst /> }.into_any(),
                    Ok(Access::NotFound) => view! {
                        <section class="page narrow">
                            <h1>{subject::REQUEST_NOT_FOUND_TITLE.get(lang)}</h1>
                            <p>{subject::REQUEST_NOT_FOUND_BODY.get(lang)}</p>
                            <p><a href="/my-requests">{subject::SEE_MY_REQUESTS.get(lang)}</a></p>
                        </section>
                    }.into_any(),
                    Err(_) => view! { <Trouble /> }.into_any(),
                }
            })}
        </Suspense>
        <crate::web::assets::IslandScripts />
    }
}

#[component]
fn RequestDetailView(detail: Detail, is_new: bool, sent: bool) -> impl IntoView {
    let lang = current_lang();
    let r = detail.request;
    let reference = r.reference.to_string();
    let open = !r.status.is_closed();
    let awaiting = r.status == Status::AwaitingSubject;
    // What the DPO asked to establish identity, and no more (SPEC §3).
    let step = r.identity_step.0.filter(|_| awaiting);
    // Someone acting for the subject sends their proof while it is open.
    let proof = match r.acting {
        _ if !open => None,
        crate::domain::choice::Acting::Myself => None,
        crate::domain::choice::Acting::Agent => Some(subject::PROOF_AGENT),
        crate::domain::choice::Acting::Guardian => Some(subject::PROOF_GUARDIAN),
        crate::domain::choice::Acting::Heir => Some(subject::PROOF_HEIR),
    };
    let withdraw_reply = posted::<WithdrawForm>().map(|p| p.shown_reply(lang));
    let confirm_open = withdraw_reply.is_some();
    let message_posted = posted::<super::MessageTyped>();
    let message_reply = message_posted.as_ref().map(|p| p.shown_reply(lang));
    let message_typed = message_posted.map(|p| p.form.0).unwrap_or_default();
    let today = detail.today;
    // A restriction obtained stays in force until its lifting, which the
    // subject is told of first (Art. 18(3)).
    let restriction =
        crate::requests::Restriction::of(&r, &detail.timeline).map(|state| match state {
            crate::requests::Restriction::InForce => {
                subject::RESTRICTION_IN_FORCE.get(lang).to_owned()
            }
            crate::requests::Restriction::LiftedFrom(date) => {
                subject::RESTRICTION_LIFTED_FROM.with(lang, &[("date", &long_date(lang, date))])
            }
        });
    let due = if r.due_on.0.is_none() && open {
        subject::DUE_PAUSED.get(lang).to_owned()
    } else {
        long_date(lang, r.shown_due(today))
    };
    view! {
        {is_new.then(|| view! {
            <section class="page notice notice--ok" role="status">
                <h1>{subject::REQUEST_SENT_TITLE.get(lang)}</h1>
                <p>{subject::REQUEST_SENT_BODY.get(lang)}</p>
                <p class="reference">{reference.clone()}</p>
            </section>
        })}
        <section class="page">
            {if is_new {
                view! { <h2>{subject::YOUR_REQUEST_HEADING.with(lang, &[("reference", &reference)])}</h2> }.into_any()
            } else {
                view! { <h1>{subject::REQUEST_HEADING.with(lang, &[("reference", &reference)])}</h1> }.into_any()
            }}
            {sent.then(|| view! { <p class="alert" role="status">{subject::MESSAGE_SENT.get(lang)}</p> })}
            {restriction.map(|text| view! { <p class="alert" role="note">{text}</p> })}
            <dl class="facts">
                <dt>{subject::FACT_REFERENCE.get(lang)}</dt>
                <dd class="reference-inline">{reference.clone()}</dd>
                <dt>{subject::FACT_RIGHT.get(lang)}</dt>
                <dd>{r.right.label().get(lang)}</dd>
                <dt>{subject::FACT_STATUS.get(lang)}</dt>
                <dd>{status_badge(r.status)}</dd>
                <dt>{subject::FACT_RECEIVED.get(lang)}</dt>
                <dd>{long_date(lang, r.received_on)}</dd>
                <dt>{subject::FACT_DUE.get(lang)}</dt>
                <dd>{due}</dd>
                <dt>{subject::FACT_ADDRESS.get(lang)}</dt>
                <dd>{detail.masked_email}</dd>
            </dl>
            {(!is_new && !r.status.is_closed()).then(|| view! {
                <h2>{subject::NEXT_TITLE.get(lang)}</h2>
                <ol class="steps">
                    {[subject::NEXT_1, subject::NEXT_2, subject::NEXT_3].map(|line| view! { <li>{line.get(lang)}</li> })}
                </ol>
            })}
            <h2>{subject::TIMELINE_TITLE.get(lang)}</h2>
            <ol class="timeline">
                {detail.timeline.into_iter().map(|event| view! {
                    <li>
                        <time datetime=iso_instant(event.at)>{long_date_time(lang, event.at)}</time>
                        " — " {event.kind.label().get(lang)}
                        {event.note.map(|note| view! { <p class="pre">{note}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>

        {(!detail.files.is_empty()).then(|| view! {
            <section class="page">
                <h2>{subject::FILES_TITLE.get(lang)}</h2>
                <ul class="plain-list">
                    {detail.files.into_iter().map(|file| {
                        let until = crate::requests::download_until(file.shared_at);
                        let available = detail.now < until;
                        view! {
                            <li>
                                {if available {
                                    view! { <a href=format!("/my-requests/{}/files/{}", reference, file.id)>{file.name.clone()}</a> " — " {subject::FILE_UNTIL.with(lang, &[("date", &long_date_time(lang, until))])} }.into_any()
                                } else {
                                    view! { {file.name.clone()} " — " {subject::FILE_EXPIRED.get(lang)} }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}

        {open.then(|| { let reference = reference.clone(); view! {
            <section class="page">
                <h2>{if awaiting { subject::ANSWER_TITLE.get(lang) } else { subject::WRITE_TITLE.get(lang) }}</h2>
                <p>{if awaiting { subject::ANSWER_HINT.get(lang) } else { subject::WRITE_HINT.get(lang) }}</p>
                {step.map(|step| view! {
                    <div class="info" data-step=step.slug()>
                        {match step {
                            crate::domain::choice::IdentityStep::Fact => view! { <p>{subject::STEP_FACT_HINT.get(lang)}</p> }.into_any(),
                            crate::domain::choice::IdentityStep::Document => view! {
                                <p>{subject::STEP_DOCUMENT_HINT.get(lang)}</p>
                                <ul>
                                    <li>{subject::MASK_1.get(lang)}</li>
                                    <li>{subject::MASK_2.get(lang)}</li>
                                    <li>{subject::MASK_3.get(lang)}</li>
                                </ul>
                            }.into_any(),
                        }}
                    </div>
                })}
                <FormStateProvider reply=message_reply>
                    <form method="post" action=format!("/my-requests/{reference}/message") enctype="multipart/form-data">
                        <FormNotice />
                        <TextField field=super::MESSAGE_FIELD label=subject::MESSAGE_LABEL value=message_typed multiline=true maxlength=crate::domain::request::MAX_TEXT_CHARS />
                        <div class="field">
                            <label for="file">{subject::FILE_LABEL.get(lang)} " " <span class="optional">{site::OPTIONAL.get(lang)}</span></label>
                            <p class="hint" id="file-hint">{subject::FILE_HINT.get(lang)}</p>
                            <input id="file" name=super::FILE_FIELD type="file" aria-describedby="file-hint" accept=".pdf,.json,.csv,.txt,.png,.jpg,.jpeg" />
                        </div>
                        <button type="submit">{if awaiting { subject::SEND_ANSWER.get(lang) } else { subject::SEND_MESSAGE.get(lang) }}</button>
                    </form>
                </FormStateProvider>
                <crate::features::notice::NoticeLink />
            </section>
        }})}

        {proof.map(|text| { let reference = reference.clone(); view! {
            <section class="page" id="proof">
                <h2>{subject::PROOF_TITLE.get(lang)}</h2>
                <p>{text.get(lang)}</p>
                <form method="post" action=format!("/my-requests/{reference}/message") enctype="multipart/form-data">
                    <input type="hidden" name=crate::web::form::input_name(super::PURPOSE_FIELD) value="proof" />
                    <div class="field">
                        <label for="proof-file">{subject::PROOF_FILE.get(lang)}</label>
                        <input id="proof-file" name=super::FILE_FIELD type="file" required=true accept=".pdf,.png,.jpg,.jpeg" />
                    </div>
                    <button type="submit">{subject::PROOF_SEND.get(lang)}</button>
                </form>
            </section>
        }})}

        <section class="page">
            <p class="muted">
                {subject::COMPLAINT_ANYTIME.get(lang)} " "
                <a href=CNIL_COMPLAINT_URL rel="noopener noreferrer">"cnil.fr/fr/agir"</a>
            </p>
            <p><a href="/my-requests">{subject::ALL_MY_REQUESTS.get(lang)}</a></p>
            <SignOut />
        </section>

        {(open || confirm_open).then(|| view! {
            <section class="page">
                <h2>{subject::WITHDRAW_TITLE.get(lang)}</h2>
                <details class="confirm" open=confirm_open>
                    <summary class="button danger">{subject::WITHDRAW_BUTTON.get(lang)}</summary>
                    <p>{subject::WITHDRAW_BODY.get(lang)}</p>
                    <WithdrawEntry action=format!("/my-requests/{reference}/withdraw") reply=withdraw_reply>
                        <FormNotice />
                        <input type="hidden" name="form[reference]" value=reference.clone() />
                        <SubmitButton label=subject::WITHDRAW_CONFIRM.get(lang).to_owned() class="danger".to_owned() />
                    </WithdrawEntry>
                </details>
            </section>
        })}
    }
}

/// `2026-11-26T14:05:00Z`, for `<time datetime>`.
/// The routes that take files: their own body limit and timeout.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route(
        "/my-requests/{reference}/message",
        post(super::message::post_message),
    )
}
