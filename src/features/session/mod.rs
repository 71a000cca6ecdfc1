//! The data subject's session: opened when an address is verified, bound to
//! that address, kept server-side; the cookie holds a random token only.

#[cfg(feature = "ssr")]
pub mod ssr;
