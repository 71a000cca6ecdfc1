//! The DPO console. Accounts come first (created from the command line); the
//! console pages build on them.

#[cfg(feature = "ssr")]
pub mod accounts;
