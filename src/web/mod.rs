//! Plumbing shared by every feature: forms that work with and without
//! JavaScript, cookies, the subject's session, the built assets. Nothing
//! here knows about a particular feature.

pub mod form;
pub mod islands;

#[cfg(feature = "ssr")]
pub mod assets;
#[cfg(feature = "ssr")]
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod fields;
#[cfg(feature = "ssr")]
pub mod headers;
#[cfg(feature = "ssr")]
pub mod lang;
#[cfg(feature = "ssr")]
pub mod page_cache;
#[cfg(feature = "ssr")]
pub mod plain_post;
#[cfg(feature = "ssr")]
pub mod static_files;
#[cfg(feature = "ssr")]
pub mod subject_session;
