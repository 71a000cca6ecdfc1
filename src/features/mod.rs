//! Product features: each holds its shared types, server functions and views,
//! with the server-only part in an `ssr` module beside them.

pub mod dpo;
pub mod follow;
pub mod forms;
pub mod home;
pub mod language;
pub mod request;
pub mod session;
pub mod verify;
