//! `fieldops-sync-server`: serve, manage users, list a tenant's orders. (Demo data and the
//! benchmark are `fieldops-tools`, not part of the production binary.)

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;

use clap::{Parser, Subcommand};
use fieldops_domain::model::Role;
use fieldops_domain::model::order::OrderDoc;
use fieldops_domain::people::NewPerson;
use fieldops_sync_server::storage;
use fieldops_sync_server::{Result, ServerError, accounts};

#[derive(Parser)]
#[command(name = "fieldops-sync-server", version, about = "FieldOps sync server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Db {
    /// sqlite://PATH (embedded, the default) or postgres://USER@HOST:PORT/DB
    #[arg(
        long,
        env = "FIELDOPS_DATABASE",
        default_value = "sqlite://fieldops.sqlite"
    )]
    database: String,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP sync server.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        #[command(flatten)]
        db: Db,
        /// Syncs served at once; more wait up to 5 s, then get `busy` (503, Retry-After).
        #[arg(long, env = "FIELDOPS_SYNCS_AT_ONCE", default_value_t = fieldops_sync_server::http::DEFAULT_SYNCS_AT_ONCE)]
        syncs_at_once: usize,
        /// How long a sync waits for its turn, in milliseconds.
        #[arg(long, env = "FIELDOPS_SYNC_WAIT_MS", default_value_t = 5000)]
        sync_wait_ms: u64,
        /// Documents per answer of a new device's first sync (at most about 8 MiB each).
        #[arg(long, env = "FIELDOPS_CATCH_UP_PAGE", default_value_t = fieldops_sync_server::sync::CATCH_UP_DOCS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..100_000))]
        catch_up_page: usize,
        /// Days the audit log keeps its lines.
        #[arg(long, env = "FIELDOPS_AUDIT_DAYS", default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..))]
        audit_days: u32,
        /// Seconds between checks of every company's alerts for notifications (0: only when
        /// an administrator asks).
        #[arg(long, env = "FIELDOPS_NOTIFY_SCAN_SECONDS", default_value_t = 300)]
        notify_scan_seconds: u64,
        /// Milliseconds between looks for messages due (queuing one also wakes the sender).
        #[arg(long, env = "FIELDOPS_NOTIFY_POLL_MS", default_value_t = 2000)]
        notify_poll_ms: u64,
        /// Milliseconds before a failed message is tried again; doubled at each failure.
        #[arg(long, env = "FIELDOPS_NOTIFY_RETRY_MS", default_value_t = 30_000)]
        notify_retry_ms: u64,
        /// The address customers reach this server at, for the links on machine labels and in
        /// customers' messages (e.g. https://service.example.com); default: the listen address.
        #[arg(long, env = "FIELDOPS_PUBLIC_URL")]
        public_url: Option<String>,
        /// Behind a reverse proxy: take the customer portal's client address (for its limits)
        /// from the `X-Forwarded-For` header the proxy sets. Never without such a proxy.
        #[arg(long, env = "FIELDOPS_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Milliseconds between rounds that save whole again the stored documents whose
        /// appended changes have grown (a push appends instead of saving the whole document).
        #[arg(long, env = "FIELDOPS_COMPACT_EVERY_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(10..))]
        compact_every_ms: u64,
        /// Tests only: an administrator's "check alerts now" may name the moment to decide at.
        #[arg(long, hide = true)]
        test_clock: bool,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print every order of a tenant as one JSON line each (id, status, assignees, events).
    Orders {
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input (or prompted for on a terminal).
    Add {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        login: String,
        /// admin, supervisor or technician
        #[arg(long)]
        role: String,
        /// Display name; defaults to the login.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        db: Db,
    },
}

/// The password: prompted for without echo on a terminal, else one line of standard input.
fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return rpassword::prompt_password("password: ")
            .map_err(|e| ServerError::BadRequest(format!("cannot read the password: {e}")));
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| ServerError::BadRequest(format!("cannot read the password: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            listen,
            db,
            audit_days,
            syncs_at_once,
            sync_wait_ms,
            catch_up_page,
            notify_scan_seconds,
            notify_poll_ms,
            notify_retry_ms,
            public_url,
            trust_forwarded_for,
            compact_every_ms,
            test_clock,
        } => {
            fieldops_sync_server::portal::set_trust_forwarded_for(trust_forwarded_for);
            let limits = fieldops_sync_server::http::SyncLimits {
                syncs_at_once,
                sync_wait: std::time::Duration::from_millis(sync_wait_ms),
                catch_up_page,
            };
            let notify = fieldops_sync_server::notify::NotifyOptions {
                scan_every: std::time::Duration::from_secs(notify_scan_seconds),
                poll_every: std::time::Duration::from_millis(notify_poll_ms.max(10)),
                retry_after: std::time::Duration::from_millis(notify_retry_ms.max(10)),
                test_clock,
            };
            let options = fieldops_sync_server::ServeOptions {
                audit_days,
                limits,
                notify,
                public_url,
                compact_every: std::time::Duration::from_millis(compact_every_ms),
            };
            fieldops_sync_server::serve(listen, &db.database, options).await
        }
        Command::User {
            command:
                UserCommand::Add {
                    tenant,
                    login,
                    role,
                    name,
                    db,
                },
        } => {
            let role = Role::parse(&role)?;
            let person = NewPerson {
                name: name.unwrap_or_else(|| login.clone()),
                login,
                role,
                password: read_password()?,
            };
            person.check()?;
            let storage = storage::open(&db.database).await?;
            storage.ensure_tenant(&tenant).await?;
            fieldops_sync_server::sync::ensure_settings(&storage, &tenant).await?;
            let info = accounts::create_person(&storage, &tenant, &person).await?;
            println!(
                "added {} ({}) to tenant '{tenant}' with id {}",
                info.login,
                role.as_str(),
                info.id
            );
            Ok(())
        }
        Command::Orders { tenant, db } => {
            let storage = storage::open(&db.database).await?;
            let mut out = std::io::stdout().lock();
            for id in storage.doc_ids(&tenant, "order").await? {
                if let Some(stored) = storage.load_doc(&tenant, &id).await? {
                    let order = OrderDoc::from_doc(&fieldops_domain::crdt::load(&stored.bytes)?)?;
                    let state = order.state();
                    let line = serde_json::json!({
                        "id": order.id,
                        "status": state.status,
                        "assignees": state.assignees,
                        "conflicts": state.conflicts,
                        "description": order.header.description,
                        "events": order.sorted_events(),
                    });
                    // A closed pipe (`| head`) just ends the listing.
                    if writeln!(out, "{line}").is_err() {
                        return Ok(());
                    }
                }
            }
            Ok(())
        }
    }
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FIELDOPS_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    fieldops_sync_server::run_command(run(cli));
}
