//! The command line: serving is the default; `dpo add` creates a console
//! account. Configuration errors end the program with one line and exit 2.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::domain::Email;
use crate::features::dpo::accounts::{self, CreateAccountError};
use crate::startup::{Application, leptos_options_from_env, shutdown_signal};
use crate::{db, telemetry};
use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "privacy-portal",
    version,
    about = "SOFACTO's GDPR privacy-request portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the portal (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Delete expired verifications and sessions now (the server also does
    /// it every hour).
    Purge,
    /// Manage DPO console accounts.
    Dpo {
        #[command(subcommand)]
        command: DpoCommand,
    },
}

#[derive(Subcommand)]
enum DpoCommand {
    /// Create a DPO account; the password is read from standard input.
    Add {
        /// The DPO's email address, used to sign in.
        email: String,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Migrate => {
                let pool = db::connect(&config.database_url).await?;
                db::migrate(&pool).await?;
                println!("migrations applied");
                Ok(ExitCode::SUCCESS)
            }
            Command::Purge => {
                let pool = db::connect(&config.database_url).await?;
                db::migrate(&pool).await?;
                let purged = crate::purge::purge(&pool, SystemClock.now()).await?;
                println!(
                    "deleted {} verifications, {} code emails, {} send counters, {} sessions",
                    purged.verifications, purged.code_emails, purged.send_counters, purged.sessions
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Dpo {
                command: DpoCommand::Add { email },
            } => add_dpo(config, &email).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<ExitCode> {
    let options = leptos_options_from_env()?;
    let application = Application::build(config, options, Arc::new(SystemClock)).await?;
    application.run_until_stopped(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn add_dpo(config: Config, email: &str) -> anyhow::Result<ExitCode> {
    let email = match Email::parse(email) {
        Ok(email) => email,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']);

    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    match accounts::create_account(&pool, &email, password, SystemClock.now()).await {
        Ok(()) => {
            println!(
                "DPO account created; it can sign in at {}",
                config.link("/dpo")
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(CreateAccountError::Unexpected(e)) => Err(e),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(2))
        }
    }
}
