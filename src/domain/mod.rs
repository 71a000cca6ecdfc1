//! Domain types that parse their input: once a value of one of these types
//! exists, it is valid. Free of server dependencies so that the browser runs
//! the very same checks.

mod email;
mod right;

pub use email::{Email, EmailError};
pub use right::RightKind;
