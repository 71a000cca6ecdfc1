//! Tests against the real application: started in-process on port 0 with a
//! fresh database (SQLite, then PostgreSQL) and, where email matters, a real
//! SMTP server on loopback.

mod helpers;

mod accountability;
mod backup;
mod bad_bodies;
mod cli;
mod columns;
mod concurrency;
mod console;
mod console_auth;
mod crash;
mod health;
mod home;
mod input;
mod instances;
mod journey;
mod limits;
mod notice;
mod outbox;
mod static_files;
mod verification;
