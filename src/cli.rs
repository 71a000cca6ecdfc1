//! The command line: serving is the default; `dpo …` manages console
//! accounts. Configuration errors end the program with one line and exit 2.

use crate::accounts::{self, AccountError};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::domain::Email;
use crate::startup::{Application, leptos_options_from_env, shutdown_signal};
use crate::{db, telemetry};
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "privacy-portal",
    version = crate::operator::VERSION_LINE,
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
    /// Apply the database migrations and exit. Forward only: a database
    /// migrated by a newer portal is refused (and so is serving it).
    Migrate {
        /// List the pending migrations without applying them.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the effective configuration (secrets masked), then check the
    /// database, the site files, the public URL, the SMTP server and the
    /// secret key: one line each; exits 1 if any fails. Changes nothing.
    Check,
    /// Email tools.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Delete what has expired and anonymise the requests closed longer
    /// ago than PORTAL_RETENTION_DAYS, now (the server also does it daily).
    Purge,
    /// Write a consistent copy of the database (requests, files, audit
    /// log, accounts) to FILE while the portal serves: SQLite's VACUUM
    /// INTO, checked after; pg_dump's custom format for PostgreSQL.
    Backup {
        /// The new file to write (never overwritten).
        file: std::path::PathBuf,
    },
    /// Print the portal's entry in SOFACTO's record of processing
    /// activities (GDPR Art. 30), in Markdown, from the current settings:
    /// the same facts as the privacy notice at /privacy.
    Record,
    /// Check the hash-chained audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage DPO console accounts.
    Dpo {
        #[command(subcommand)]
        command: DpoCommand,
    },
    /// Manage SOFACTO's systems that receive a task for each request
    /// (the API, /api/v1).
    System {
        #[command(subcommand)]
        command: SystemCommand,
    },
    /// Erasures and SOFACTO's systems.
    Erasures {
        #[command(subcommand)]
        command: ErasuresCommand,
    },
}

#[derive(Subcommand)]
enum ErasuresCommand {
    /// After a system restores a backup: send it again every erasure it
    /// answered since DATE (the backup's day), as new tasks. Without it,
    /// the people erased since come back with the backup.
    Replay {
        /// The system that restored its backup.
        #[arg(long, value_name = "NAME")]
        system: String,
        /// The backup's day (YYYY-MM-DD, Paris time): erasures answered
        /// from that day on are sent again.
        #[arg(long, value_name = "DATE")]
        since: String,
    },
}

#[derive(Subcommand)]
enum SystemCommand {
    /// Declare a system. Prints its API key (spp_…), and for a webhook
    /// its signing secret (whsec_…), once: only their hashes or sealed
    /// copies are kept.
    Add {
        /// A short name: lower-case letters, digits, '-' or '_' (crm, billing).
        name: String,
        /// The rights it handles, separated by commas (access,erasure,…).
        #[arg(long, value_name = "RIGHTS")]
        rights: String,
        /// Push each task to this URL (https://, or http:// on loopback).
        #[arg(long, value_name = "URL", conflicts_with = "pull")]
        webhook: Option<String>,
        /// The system only pulls its tasks (GET /api/v1/tasks).
        #[arg(long)]
        pull: bool,
    },
    /// List the systems, with their rights, delivery and state.
    List,
    /// Replace a system's API key (and webhook secret); the old ones stop
    /// working at once.
    RotateKey { name: String },
    /// Stop a system: its key stops working and it gets no new task.
    Disable { name: String },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Send a test email to ADDRESS through the configured SMTP server and
    /// print what the server answered (or the .eml file written).
    Test { address: String },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the whole chain: prints the number of entries, the head hash,
    /// and "ok" or the first broken link; exits 0 or 1.
    Verify {
        /// Also check an evidence file exported from the console against
        /// the log.
        #[arg(long, value_name = "FILE")]
        evidence: Option<std::path::PathBuf>,
        /// Also check that the log still holds an anchored head, as the
        /// daily digest printed it (repeat for several).
        #[arg(long, value_name = "SEQ:HASH")]
        anchor: Vec<String>,
    },
    /// Start keyed hashing with PORTAL_AUDIT_KEY (once, when the key is
    /// introduced): every entry after this one must be keyed.
    KeyStart,
}

#[derive(Subcommand)]
enum DpoCommand {
    /// Create a DPO account; the password (15 to 128 characters) is read
    /// from standard input, without echo on a terminal.
    Add {
        /// The DPO's email address, used to sign in.
        email: String,
    },
    /// List the accounts, with their second factor and state.
    List,
    /// Stop an account from signing in; its sessions end at once.
    Disable { email: String },
    /// Let a disabled account sign in again.
    Enable { email: String },
    /// Set a new password (read like `add`); unlocks the account (a
    /// disabled one stays disabled) and ends its sessions.
    ResetPassword { email: String },
    /// Remove the second factor (a lost phone); ends the sessions.
    ResetTotp { email: String },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = telemetry::init() {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    crate::audit::set_key(config.audit_key.as_deref());
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
            Command::Migrate { dry_run: false } => {
                let pool = db::connect(&config.database_url).await?;
                db::migrate(&pool).await?;
                println!("migrations applied");
                Ok(ExitCode::SUCCESS)
            }
            Command::Migrate { dry_run: true } => migrate_dry_run(config).await,
            Command::Check => check(config).await,
            Command::Mail {
                command: MailCommand::Test { address },
            } => {
                let to = match Email::parse(&address) {
                    Ok(to) => to,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return Ok(ExitCode::from(2));
                    }
                };
                println!("{}", crate::operator::mail_test(&config, &to).await?);
                Ok(ExitCode::SUCCESS)
            }
            Command::Purge => {
                let pool = db::connect(&config.database_url).await?;
                db::migrate(&pool).await?;
                let now = SystemClock.now();
                let purged = crate::purge::purge(&pool, now).await?;
                println!(
                    "deleted {} verifications, {} code emails, {} send counters, {} sessions, {} DPO sessions",
                    purged.verifications,
                    purged.code_emails,
                    purged.send_counters,
                    purged.sessions,
                    purged.dpo_sessions
                );
                let retained = crate::retention::run(
                    &pool,
                    now,
                    config.retention_days,
                    &config.outbox_dir(),
                )
                .await?;
                println!(
                    "anonymised {} requests closed more than {} days ago; deleted {} .eml files older than a day",
                    retained.requests, config.retention_days, retained.eml_files
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Backup { file } => {
                let summary = crate::backup::backup(&config.database_url, &file).await?;
                println!(
                    "backup written to {}: {} requests, {} files, {} audit entries",
                    file.display(),
                    summary.requests,
                    summary.files,
                    summary.audit_entries
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Record => {
                print!("{}", crate::notice::record(&config));
                Ok(ExitCode::SUCCESS)
            }
            Command::Audit {
                command: AuditCommand::Verify { evidence, anchor },
            } => audit_verify(config, evidence, anchor).await,
            Command::Audit {
                command: AuditCommand::KeyStart,
            } => {
                let pool = db::connect(&config.database_url).await?;
                db::migrate(&pool).await?;
                let seq = crate::audit::start_keyed(&pool, SystemClock.now()).await?;
                println!("keyed hashing starts at entry {seq}");
                Ok(ExitCode::SUCCESS)
            }
            Command::Dpo { command } => dpo(config, command).await,
            Command::System { command } => system(config, command).await,
            Command::Erasures {
                command: ErasuresCommand::Replay { system, since },
            } => replay_erasures(config, &system, &since).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<db::NewerDatabase>().is_some() {
                ExitCode::from(3)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

async fn audit_verify(
    config: Config,
    evidence: Option<std::path::PathBuf>,
    anchors: Vec<String>,
) -> anyhow::Result<ExitCode> {
    let anchors = anchors
        .iter()
        .map(|text| {
            crate::audit::Anchor::parse(text).ok_or_else(|| {
                anyhow::anyhow!("--anchor {text}: expected SEQ:HASH, as the daily digest prints it")
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let text = match &evidence {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let file = match (&text, &evidence) {
        (Some(text), Some(path)) => Some(
            crate::audit::EvidenceFile::read(text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        ),
        _ => None,
    };
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let mut verdict = match &file {
        Some(file) => crate::audit::verify_evidence(&pool, file).await?,
        None => crate::audit::verify(&pool).await?,
    };
    for anchor in &anchors {
        if verdict.broken.is_some() {
            break;
        }
        verdict.broken = crate::audit::check_anchor(&pool, anchor).await?;
    }
    println!("entries: {}", verdict.entries);
    println!("head: {}", verdict.head_hash);
    match verdict.broken {
        None => {
            println!("ok");
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            println!("broken: {broken}");
            Ok(ExitCode::from(1))
        }
    }
}

/// The pending migrations, one a line, without applying them; exits 1
/// if the database is newer than this binary.
async fn migrate_dry_run(config: Config) -> anyhow::Result<ExitCode> {
    // Applies nothing, and creates nothing: a missing SQLite file has
    // every migration pending.
    let missing = config
        .database_url
        .sqlite_path()
        .filter(|path| !path.exists());
    let state = match &missing {
        Some(_) => db::MigrationState::against(&[]),
        None => db::migration_state(&db::connect(&config.database_url).await?).await?,
    };
    if let Some(version) = state.unknown.first() {
        println!("{}", db::NewerDatabase(*version));
        return Ok(ExitCode::from(1));
    }
    if state.pending.is_empty() {
        println!("no pending migrations ({} applied)", state.applied);
    } else {
        let note = missing.map_or(String::new(), |path| {
            format!("; {} does not exist yet", path.display())
        });
        println!(
            "{} pending migration(s), none applied (dry run{note}):",
            state.pending.len()
        );
        for (version, description) in &state.pending {
            println!("{version} {description}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn check(config: Config) -> anyhow::Result<ExitCode> {
    let options = leptos_options_from_env()?;
    println!(
        "privacy-portal {}: effective configuration",
        crate::operator::VERSION_LINE
    );
    for (name, value) in crate::operator::effective_configuration(&config, &options) {
        println!("  {name:<24} {value}");
    }
    println!("checks");
    let verdicts = crate::operator::check(&config, &options).await;
    for verdict in &verdicts {
        println!(
            "  {} {}",
            if verdict.ok { "ok  " } else { "FAIL" },
            verdict.line
        );
    }
    let failed = verdicts.iter().filter(|v| !v.ok).count();
    if failed == 0 {
        println!("all checks passed");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{failed} check(s) failed");
        Ok(ExitCode::from(1))
    }
}

async fn serve(config: Config) -> anyhow::Result<ExitCode> {
    let options = leptos_options_from_env()?;
    let application = Application::build(config, options, Arc::new(SystemClock)).await?;
    application.run_until_stopped(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// A password from standard input: prompted without echo on a terminal,
/// read as a line otherwise (a file or a pipe).
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        Ok(rpassword::prompt_password(
            "Password (15 to 128 characters): ",
        )?)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn dpo(config: Config, command: DpoCommand) -> anyhow::Result<ExitCode> {
    let email = |raw: &str| Email::parse(raw).map_err(|e| anyhow::anyhow!("{e}"));
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let outcome = match command {
        DpoCommand::Add { email: raw } => {
            let address = match Email::parse(&raw) {
                Ok(address) => address,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let password = read_password()?;
            accounts::create_account(&pool, &address, &password, SystemClock.now())
                .await
                .map(|_| {
                    format!(
                        "DPO account created; it can sign in at {}",
                        config.link("/dpo")
                    )
                })
        }
        DpoCommand::List => {
            for line in accounts::list(&pool).await? {
                let mut state = vec![if line.totp_secret.is_some() {
                    "second factor on"
                } else {
                    "second factor off"
                }];
                if line.disabled_at.is_some() {
                    state.push("disabled");
                }
                if line
                    .locked_until
                    .is_some_and(|until| until > SystemClock.now())
                {
                    state.push("locked");
                }
                println!("{}\t{}", line.email, state.join(", "));
            }
            return Ok(ExitCode::SUCCESS);
        }
        DpoCommand::Disable { email: raw } => match email(&raw) {
            Ok(address) => accounts::disable(&pool, &address, SystemClock.now())
                .await
                .map(|_| "account disabled; its sessions ended".to_owned()),
            Err(_) => Err(AccountError::NotFound),
        },
        DpoCommand::Enable { email: raw } => match email(&raw) {
            Ok(address) => accounts::enable(&pool, &address, SystemClock.now())
                .await
                .map(|_| "account enabled".to_owned()),
            Err(_) => Err(AccountError::NotFound),
        },
        DpoCommand::ResetPassword { email: raw } => match email(&raw) {
            Ok(address) => {
                let password = read_password()?;
                accounts::reset_password(&pool, &address, &password, SystemClock.now())
                    .await
                    .map(|_| {
                        "password changed; the account is unlocked and its sessions ended"
                            .to_owned()
                    })
            }
            Err(_) => Err(AccountError::NotFound),
        },
        DpoCommand::ResetTotp { email: raw } => match email(&raw) {
            Ok(address) => accounts::reset_totp(&pool, &address, SystemClock.now())
                .await
                .map(|_| "second factor removed; its sessions ended".to_owned()),
            Err(_) => Err(AccountError::NotFound),
        },
    };
    match outcome {
        Ok(message) => {
            println!("{message}");
            Ok(ExitCode::SUCCESS)
        }
        Err(AccountError::Unexpected(e)) => Err(e),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

/// Prints what a system needs to call the portal, once.
fn print_credentials(credentials: &crate::systems::Credentials) {
    println!("api key: {}", credentials.api_key);
    if let Some(secret) = &credentials.webhook_secret {
        println!("webhook secret: {secret}");
    }
    println!("Store them now: the portal keeps only a hash of the key and cannot show them again.");
}

async fn system(config: Config, command: SystemCommand) -> anyhow::Result<ExitCode> {
    use crate::domain::task::{SystemName, parse_rights};
    use crate::systems::{self, Delivery, SystemError};
    let usage = |message: String| {
        eprintln!("error: {message}");
        Ok(ExitCode::from(2))
    };
    let name_of = |text: &str| SystemName::parse(text);
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let secrets = crate::secure::SecretBox::new(config.secret_key.as_deref());
    let now = SystemClock.now();
    let outcome = match command {
        SystemCommand::Add {
            name,
            rights,
            webhook,
            pull,
        } => {
            let name = match name_of(&name) {
                Ok(name) => name,
                Err(e) => return usage(e),
            };
            let rights = match parse_rights(&rights) {
                Ok(rights) => rights,
                Err(e) => return usage(format!("--rights: {e}")),
            };
            let delivery = match (webhook, pull) {
                (Some(url), false) => match systems::parse_webhook_url(&url) {
                    Ok(url) => Delivery::Webhook(url),
                    Err(e) => return usage(format!("--webhook: {e}")),
                },
                (None, true) => Delivery::Pull,
                _ => return usage("give either --webhook URL or --pull".to_owned()),
            };
            systems::add(&pool, &secrets, &name, &rights, delivery, now)
                .await
                .map(|credentials| {
                    println!("system {name} added");
                    print_credentials(&credentials);
                })
        }
        SystemCommand::List => {
            let list = systems::list(&pool).await?;
            if list.is_empty() {
                println!(
                    "no systems: add one with `privacy-portal system add NAME --rights … --pull`"
                );
            }
            for system in list {
                println!(
                    "{}\t{}\t{}\t{}\tkey {}…",
                    system.name,
                    system.rights,
                    system.webhook_url.as_deref().unwrap_or("pull"),
                    if system.is_enabled() {
                        "enabled"
                    } else {
                        "disabled"
                    },
                    system.key_hint
                );
            }
            Ok(())
        }
        SystemCommand::RotateKey { name } => {
            let name = match name_of(&name) {
                Ok(name) => name,
                Err(e) => return usage(e),
            };
            systems::rotate_key(&pool, &secrets, &name, now)
                .await
                .map(|credentials| {
                    println!("new key for {name}; the old one no longer works");
                    print_credentials(&credentials);
                })
        }
        SystemCommand::Disable { name } => {
            let name = match name_of(&name) {
                Ok(name) => name,
                Err(e) => return usage(e),
            };
            systems::disable(&pool, &name, now)
                .await
                .map(|()| println!("system {name} disabled"))
        }
    };
    match outcome {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(SystemError::NameTaken) => {
            eprintln!("error: a system has this name already");
            Ok(ExitCode::from(1))
        }
        Err(SystemError::Unknown) => {
            eprintln!("error: no system has this name (see `privacy-portal system list`)");
            Ok(ExitCode::from(1))
        }
        Err(SystemError::Failed(e)) => Err(e),
    }
}

async fn replay_erasures(config: Config, name: &str, since: &str) -> anyhow::Result<ExitCode> {
    let name = match crate::domain::task::SystemName::parse(name) {
        Ok(name) => name,
        Err(e) => {
            eprintln!("error: --system: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let Some(since) = crate::domain::Date::parse_iso(since) else {
        eprintln!("error: --since: a day as YYYY-MM-DD, such as 2026-11-30");
        return Ok(ExitCode::from(2));
    };
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let Some(system) = crate::systems::by_name(&pool, &name).await? else {
        eprintln!("error: no system has this name (see `privacy-portal system list`)");
        return Ok(ExitCode::from(1));
    };
    if !system.is_enabled() {
        eprintln!("error: {name} is disabled: it would not receive the tasks");
        return Ok(ExitCode::from(1));
    }
    let replayed =
        crate::systems::tasks::replay_erasures(&pool, &system, since, SystemClock.now()).await?;
    println!(
        "{} erasure task(s) sent again to {name} (answered since {}); {} request(s) anonymised since, with nothing left to send",
        replayed.tasks,
        since.iso(),
        replayed.anonymised
    );
    Ok(ExitCode::SUCCESS)
}
