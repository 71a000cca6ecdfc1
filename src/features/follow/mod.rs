//! Following one's requests (SPEC §3.5): a verified address sees its own
//! requests only, with status, due date and timeline, and can withdraw one.

use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::web::form::FormReply;
use crate::web::islands::enhanced_form;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod confirm_email;
#[cfg(feature = "ssr")]
pub mod directives;
#[cfg(feature = "ssr")]
pub mod message;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
mod views;

#[cfg(feature = "ssr")]
pub use message::{FILE_FIELD, MESSAGE_FIELD, MessageTyped, PURPOSE_FIELD};
#[cfg(feature = "ssr")]
pub use views::{MyRequestsPage, RequestPage, plain_routes, upload_routes};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub reference: String,
}

#[server(prefix = "/api", endpoint = "withdraw_request")]
pub async fn withdraw_request(form: WithdrawForm) -> Result<FormReply, AppError> {
    ssr::withdraw(form).await
}

#[island]
pub fn WithdrawEntry(
    action: String,
    reply: Option<FormReply>,
    children: Children,
) -> impl IntoView {
    fn nothing_to_check(_: &()) -> FieldErrors {
        FieldErrors::default()
    }
    enhanced_form(
        action,
        WithdrawRequest::PATH,
        "",
        reply,
        nothing_to_check,
        children,
    )
}
