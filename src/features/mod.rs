//! Product features. The subject's (`verify`, `request`, `follow`) each
//! hold their server functions and islands (built for both sides), their
//! server-rendered pages (`views`) and their server-only part (`ssr`), and
//! register their own JavaScript-off routes. `dpo/` (the console, which has
//! no island) is a folder of flat files, one per page or job; `home`,
//! `language` and `notice` are single server-only pages.

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
