//! Product features: each holds its server functions and islands (built
//! for both sides), its server-rendered pages (`views`) and its server-only
//! part (`ssr`), and registers its own JavaScript-off routes.

pub mod follow;
pub mod request;
pub mod verify;

#[cfg(feature = "ssr")]
pub mod dpo;
#[cfg(feature = "ssr")]
pub mod home;
#[cfg(feature = "ssr")]
pub mod language;
#[cfg(feature = "ssr")]
pub mod notice;
