//! Accounts and sign-in: the password and second-factor pages and posts,
//! the console's session cookie, and the DPO's own account page (TOTP).

pub mod account;
pub mod console_session;
pub mod login;
pub mod pages;
pub mod totp;
