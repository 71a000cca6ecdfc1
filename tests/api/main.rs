//! Tests against the real application: started in-process on port 0 with a
//! fresh database (SQLite, then PostgreSQL) and, where email matters, a real
//! SMTP server on loopback.

mod helpers;

mod audit_log;
mod backup;
mod bad_bodies;
mod channels;
mod cli;
mod columns;
mod concurrency;
mod console_actions;
mod console_auth;
mod console_deadlines;
mod console_files;
mod console_queue;
mod crash;
mod dashboard;
mod digest;
mod exports;
mod failed_emails;
mod health;
mod home;
mod identity;
mod input;
mod instances;
mod journey;
mod kept_counts;
mod law;
mod limits;
mod mending;
mod notice;
mod openapi;
mod operator;
mod outbox;
mod proxy;
mod representatives;
mod retention;
mod static_files;
mod systems;
mod templates;
mod upgrade;
mod verification;
