//! Domain types that parse their input: once a value of one of these types
//! exists, it is valid. Free of server dependencies so that the browser runs
//! the very same checks, and free of texts: labels live in `i18n`.

mod action;
pub mod choice;
mod controller;
mod date;
mod email;
mod errors;
mod event;
mod lang;
pub mod outcome;
mod reference;
pub mod request;
mod right;
mod status;
pub mod task;

pub use action::{Action, Standing};
pub use controller::{CNIL_COMPLAINT_URL, Controller};
pub use date::{
    Date, due_date, is_french_public_holiday, iso_instant, paris_date_time, paris_offset_millis,
};
pub use email::{Email, EmailError};
pub use errors::{ErrorCode, FieldErrors, clean_text};
pub use event::{Actor, EventKind};
pub use lang::Lang;
pub use reference::Reference;
pub use right::RightKind;
pub use status::Status;

#[cfg(test)]
pub(crate) mod properties;
