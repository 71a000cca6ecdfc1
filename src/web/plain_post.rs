//! The JavaScript-off side of every form: the browser posts to the form's
//! page, the same server function runs with the context it gets when the
//! WASM calls it, then the browser is redirected (success) or the page is
//! rendered again with what was typed and the reply.

use super::form::{FormReply, Posted};
use super::lang::request_lang;
use crate::error::AppError;
use crate::state::AppState;
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use leptos_axum::ResponseOptions;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::Arc;

/// Largest request body accepted: a form with every free-text field full
/// fits well within it.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The body of a plain form whose fields are named `form[…]`, like the
/// arguments of a server function.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FormArgs<T> {
    pub form: T,
}

/// Reads a posted form (`form[field]=…`, nested at most 5 deep) as the
/// server function's arguments; never panics, whatever the bytes.
pub fn decode_form<Args: DeserializeOwned>(bytes: &[u8]) -> Result<Args, serde_qs::Error> {
    serde_qs::Config::new(5, false).deserialize_bytes(bytes)
}

/// The page a form posts to answers the post.
pub fn same_page(path: &str) -> String {
    path.to_owned()
}

/// Decodes the posted body as the server function's arguments, runs `call`,
/// then redirects to the reply's `next` or renders the page at
/// `page_path(path)` with the form (`form_of(&args)`) and the reply.
pub async fn plain_post<Args, F, Fut>(
    state: AppState,
    request: Request<Body>,
    page_path: impl FnOnce(&str) -> String,
    form_of: impl FnOnce(&Args) -> F,
    call: impl FnOnce(Args) -> Fut + Send + 'static,
) -> Response
where
    Args: DeserializeOwned + Send + 'static,
    F: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<FormReply, AppError>> + Send + 'static,
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
    let args: Args = match decode_form(&bytes) {
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
    let reply = {
        let (parts, response_options, state) =
            (parts.clone(), response_options.clone(), state.clone());
        let lang = request_lang(&parts);
        Owner::new()
            .with(|| {
                provide_context(parts);
                provide_context(response_options);
                provide_context(state);
                provide_context(lang);
                ScopedFuture::new(call(args))
            })
            .await
    };
    let headers = response_options
        .0
        .read()
        .map(|r| r.headers.clone())
        .unwrap_or_default();

    let path = page_path(parts.uri.path());
    let mut response = answer(&state, parts, &path, reply, form).await;
    for (name, value) in headers.iter() {
        response.headers_mut().append(name, value.clone());
    }
    response
}

/// Answers a form post with its reply: a redirect to `next`, or the page at
/// `page` rendered again with the form as typed and the reply.
pub async fn answer<F: Clone + Send + Sync + 'static>(
    state: &AppState,
    parts: axum::http::request::Parts,
    page: &str,
    reply: Result<FormReply, AppError>,
    form: F,
) -> Response {
    match reply.as_ref().ok().and_then(|r| r.next.clone()) {
        Some(next) => {
            let location = HeaderValue::from_str(&next).unwrap_or(HeaderValue::from_static("/"));
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
        None => {
            let posted = Posted { form, reply };
            let mut request = Request::from_parts(parts, Body::empty());
            *request.method_mut() = axum::http::Method::GET;
            *request.uri_mut() = page
                .parse()
                .unwrap_or_else(|_| axum::http::Uri::from_static("/"));
            state
                .render(request, Arc::new(move || provide_context(posted.clone())))
                .await
        }
    }
}

#[cfg(test)]
mod properties {
    use super::{FormArgs, decode_form};
    use crate::domain::request::RequestForm;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::domain::properties::config())]

        /// The form decoder takes any bytes: a form or an error, no panic.
        #[test]
        fn the_form_decoder_never_panics(
            bytes in prop::collection::vec(any::<u8>(), 0..2000),
            shaped in "((form|rows|%5B|%5D|\\[|\\]|[a-z_0-9]|%[0-9A-Fa-f]{0,2}){0,30}(=[^&]{0,20})?&?){0,20}",
        ) {
            let _ = decode_form::<FormArgs<RequestForm>>(&bytes);
            if let Ok(args) = decode_form::<FormArgs<RequestForm>>(shaped.as_bytes()) {
                let _ = crate::domain::request::ValidRequest::parse(&args.form);
            }
        }
    }
}
