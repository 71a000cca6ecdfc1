//! Product features: each holds its shared types, server functions and views,
//! with the server-only part in an `ssr` module beside them.

pub mod dpo;
pub mod home;
pub mod language;
