use super::{FormOutcome, Posted};
use crate::app::shell;
use crate::error::AppError;
use crate::startup::{AppState, MAX_BODY_BYTES};
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use leptos_axum::ResponseOptions;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// Answers a plain (JavaScript-off) form post: decodes the body as the
/// server function's arguments, runs `call` with the same context a server
/// function gets, then redirects on success or renders the page at
/// `page_path` (the form's page) again with the form and its outcome.
pub async fn plain_post<Args, F, O, Fut>(
    state: AppState,
    request: Request<Body>,
    page_path: impl FnOnce(&str) -> String,
    form_of: impl FnOnce(&Args) -> F,
    call: impl FnOnce(Args) -> Fut + Send + 'static,
) -> Response
where
    Args: DeserializeOwned + Send + 'static,
    F: Clone + Serialize + Send + Sync + 'static,
    O: FormOutcome + Clone + Serialize + Send + Sync + 'static,
    Fut: Future<Output = Result<O, AppError>> + Send + 'static,
{
    let (parts, body) = request.into_parts();
    // Neither can come from the portal's own pages (their fields are
    // limited far below 64 KiB): a short answer in both languages will do.
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Formulaire trop volumineux (64 Kio au plus). / Form too large (64 KiB at most).",
        )
            .into_response();
    };
    let args: Args = match serde_qs::Config::new(5, false).deserialize_bytes(&bytes) {
        Ok(args) => args,
        Err(_) => {
            return (
                StatusCode::BAD_REQUEST,
                "Ce formulaire n'a pas pu être lu. / This form could not be read.",
            )
                .into_response();
        }
    };
    let form = form_of(&args);

    let response_options = ResponseOptions::default();
    let owner = Owner::new();
    let outcome = {
        let (parts, response_options, state) =
            (parts.clone(), response_options.clone(), state.clone());
        owner
            .with(|| {
                provide_context(parts);
                provide_context(response_options);
                provide_context(state);
                ScopedFuture::new(call(args))
            })
            .await
    };
    let headers = response_options
        .0
        .read()
        .map(|r| r.headers.clone())
        .unwrap_or_default();

    let mut response = match outcome.as_ref().ok().and_then(FormOutcome::redirect_to) {
        Some(next) => {
            let location = HeaderValue::from_str(&next).unwrap_or(HeaderValue::from_static("/"));
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
        None => {
            let posted = Posted { form, outcome };
            let options = state.leptos_options.clone();
            let render = leptos_axum::render_app_async_with_context(
                move || {
                    provide_context(state.clone());
                    provide_context(posted.clone());
                },
                move || shell(options.clone()),
            );
            let path = page_path(parts.uri.path());
            let mut page = Request::from_parts(parts, Body::empty());
            *page.method_mut() = axum::http::Method::GET;
            *page.uri_mut() = path
                .parse()
                .unwrap_or_else(|_| axum::http::Uri::from_static("/"));
            render(page).await.into_response()
        }
    };
    for (name, value) in headers.iter() {
        response.headers_mut().append(name, value.clone());
    }
    response
}
