//! Domain types that parse their input: once a value of one of these types
//! exists, it is valid. Free of server dependencies so that the browser runs
//! the very same checks.

mod date;
mod email;
mod reference;
mod right;
mod status;

pub use date::{Date, due_date, extended_due_date, is_french_public_holiday, paris_date_time};
pub use email::{Email, EmailError};
pub use reference::Reference;
pub use right::RightKind;
pub use status::Status;
