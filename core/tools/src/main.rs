//! `fieldops-tools`: what a developer or a demo needs and a production server does not carry:
//! a demo company for an empty tenant, and the sync benchmark.

mod bench;
mod bench_knowledge;
mod demo;
mod error;
mod storm;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "fieldops-tools",
    version,
    about = "FieldOps demo data and benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill an empty tenant with a demo company: users, customers, orders in several states.
    DemoData {
        #[arg(long, default_value = "demo")]
        tenant: String,
        /// sqlite://PATH or postgres://USER@HOST:PORT/DB, as for the server.
        #[arg(long, env = "FIELDOPS_DATABASE")]
        database: String,
    },
    /// Measure sync: the real server binary on loopback and simulated devices; JSON lines out.
    Bench {
        /// Numbers of orders (N), comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "100,1000")]
        sizes: Vec<usize>,
        /// Orders changed per scenario (K).
        #[arg(long, default_value_t = 10)]
        k: usize,
        /// Runs per size; the median is printed.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Figures of an earlier run (this command's JSON lines): fail when a scenario's wall
        /// time or server CPU is more than 1.5 times what it was, so a step back shows.
        #[arg(long)]
        baseline: Option<std::path::PathBuf>,
        /// Write this run's figures there, as the next baseline.
        #[arg(long)]
        write_baseline: Option<std::path::PathBuf>,
    },
    /// Measure the knowledge base: search on a device, its index size, and a technician's first
    /// sync of the published set from the real server; JSON lines out.
    BenchKnowledge {
        /// Number of entries.
        #[arg(long, default_value_t = 20_000)]
        entries: usize,
    },
    /// Many devices at once against the real server (one or several instances): a first sync
    /// from scratch, an idle reconnect and a reconnect with changes, every device at once;
    /// JSON lines out.
    Storm {
        /// Devices, each the real device core with its own store and actor.
        #[arg(long, default_value_t = 300)]
        devices: usize,
        /// Orders in the company, dispatched round-robin to its technicians.
        #[arg(long, default_value_t = 3000)]
        orders: usize,
        /// Technicians; device i signs in as technician i mod this (default: one per device).
        #[arg(long)]
        technicians: Option<usize>,
        /// Progress notes each device adds offline before the last phase.
        #[arg(long, default_value_t = 10)]
        changes: usize,
        /// Server instances; more than one needs --postgres.
        #[arg(long, default_value_t = 1)]
        instances: usize,
        /// A PostgreSQL URL (postgres://USER@HOST:PORT/DB) on which the storm creates and
        /// drops its own database; without it, the server runs on SQLite.
        #[arg(long)]
        postgres: Option<String>,
        /// The servers' --syncs-at-once (their default when not given).
        #[arg(long)]
        syncs_at_once: Option<usize>,
    },
}

async fn run(cli: Cli) -> error::Result<()> {
    match cli.command {
        Command::DemoData { tenant, database } => {
            let storage = fieldops_sync_server::storage::open(&database).await?;
            println!("{}", demo::create(&storage, &tenant).await?);
            Ok(())
        }
        Command::Bench {
            sizes,
            k,
            runs,
            baseline,
            write_baseline,
        } => {
            bench::run(
                &sizes,
                k,
                runs.max(1),
                baseline.as_deref(),
                write_baseline.as_deref(),
            )
            .await
        }
        Command::BenchKnowledge { entries } => bench_knowledge::run(entries.max(1)).await,
        Command::Storm {
            devices,
            orders,
            changes,
            technicians,
            instances,
            postgres,
            syncs_at_once,
        } => {
            storm::run(storm::StormOptions {
                devices: devices.max(1),
                orders: orders.max(3),
                changes,
                technicians: technicians.unwrap_or(devices).clamp(1, devices.max(1)),
                instances: instances.max(1),
                postgres,
                syncs_at_once,
            })
            .await
        }
    }
}

fn main() {
    let cli = Cli::parse();
    fieldops_sync_server::run_command(run(cli));
}
