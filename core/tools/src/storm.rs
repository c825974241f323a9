//! `fieldops-tools storm`: many devices at once against the real server binary (one instance,
//! or several on one PostgreSQL, the devices spread over them round-robin as a balancer would).
//! Each device is the real device core (its own store on disk, its own actor, the app's sync
//! client) signed in as one of the company's technicians: by default each its own, as on a
//! morning when every technician's tablet syncs; `--technicians 3` makes hundreds of devices
//! share three technicians' orders, so every note reaches hundreds of devices. Phases, each with every device at once:
//! a first sync from scratch, a reconnect with nothing new, and a reconnect after each device
//! added `changes` progress notes offline. A device turned away (`busy`, or a cut connection)
//! waits as the app does (`sync::retry_delay`, jittered) and tries again. One JSON line per
//! phase: per-device time from the phase's start to its sync done (p50, p99, max), answers
//! `busy`, the servers' CPU and peak memory, the storm process's own CPU (the devices share
//! the machine's cores with the servers), and whether everything converged.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fieldops_device::model::order::EventKind;
use fieldops_device::protocol::UserInfo;
use fieldops_device::store::OrderFilter;
use fieldops_device::{DeviceError, ErrorCode};
use serde::Serialize;

use crate::bench::{BenchDevice, ServerProc, bench_err, build_device_a, prepare_company, tempdir};
use crate::error::{Result, ToolError};

pub struct StormOptions {
    pub devices: usize,
    pub orders: usize,
    pub changes: usize,
    /// Technicians in the company; device i signs in as technician i mod this.
    pub technicians: usize,
    pub instances: usize,
    /// A PostgreSQL URL whose server may create a database for the storm; SQLite without.
    pub postgres: Option<String>,
    pub syncs_at_once: Option<usize>,
}

#[derive(Serialize)]
struct PhaseFigures {
    phase: &'static str,
    backend: &'static str,
    instances: usize,
    devices: usize,
    technicians: usize,
    orders: usize,
    changes: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    wall_ms: f64,
    devices_per_s: f64,
    busy_answers: u64,
    cut_connections: u64,
    failed_devices: usize,
    server_cpu_ms: f64,
    server_peak_rss_kb_max: u64,
    server_peak_rss_kb_sum: u64,
    storm_cpu_ms: f64,
    converged: bool,
}

#[derive(Default)]
struct Tally {
    busy: AtomicU64,
    cut: AtomicU64,
}

/// This process's user + system CPU so far, in milliseconds.
fn own_cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// One device's sync as the app's background loop makes it: turned away, it waits its
/// jittered back-off and tries again (up to 12 times). The time until it is done.
async fn sync_like_the_app(device: &BenchDevice, tally: &Tally) -> Result<Duration> {
    let started = Instant::now();
    let mut failures = 0u32;
    loop {
        match device.sync().await {
            Ok(report) if report.rejected.is_empty() => return Ok(started.elapsed()),
            Ok(report) => {
                return Err(bench_err(format!("refused: {:?}", report.rejected)));
            }
            Err(ToolError::Device(DeviceError::Server {
                code: ErrorCode::Busy,
                ..
            })) => tally.busy.fetch_add(1, Ordering::Relaxed),
            Err(ToolError::Device(DeviceError::Network(_))) => {
                tally.cut.fetch_add(1, Ordering::Relaxed)
            }
            Err(e) => return Err(e),
        };
        failures += 1;
        if failures > 12 {
            return Err(bench_err("still turned away after 12 tries"));
        }
        tokio::time::sleep(fieldops_device::sync::retry_delay(failures, rand::random())).await;
    }
}

struct Company {
    servers: Vec<ServerProc>,
    /// The technicians' ids by login.
    technicians: Vec<UserInfo>,
    supervisor: BenchDevice,
}

/// Start the instances on a fresh database with the bench company and its `orders` orders.
async fn company(dir: &Path, db: &str, opts: &StormOptions) -> Result<Company> {
    let users = prepare_company(db, opts.technicians).await?;
    let mut options = Vec::new();
    if let Some(n) = opts.syncs_at_once {
        options.extend(["--syncs-at-once".to_string(), n.to_string()]);
    }
    let servers = (0..opts.instances)
        .map(|_| ServerProc::start_with(db, &options))
        .collect::<Result<Vec<_>>>()?;
    build_device_a(&dir.join("sup.sqlite"), &users, opts.orders)?;
    let mut supervisor = BenchDevice::open(&dir.join("sup.sqlite"))?;
    supervisor.login(&servers[0].url, "sup").await?;
    supervisor.sync().await?;
    Ok(Company {
        servers,
        technicians: users[1..].to_vec(),
        supervisor,
    })
}

/// Every device's sync at once; the figures of the phase.
async fn phase(
    name: &'static str,
    devices: &[BenchDevice],
    c: &Company,
    opts: &StormOptions,
    converged: impl AsyncFnOnce() -> Result<bool>,
) -> Result<PhaseFigures> {
    let tally = Tally::default();
    for s in &c.servers {
        s.reset_peak();
    }
    let server_cpu0: f64 = c.servers.iter().map(ServerProc::cpu_ms).sum();
    let own_cpu0 = own_cpu_ms();
    let started = Instant::now();
    let results =
        futures_util::future::join_all(devices.iter().map(|d| sync_like_the_app(d, &tally))).await;
    let wall = started.elapsed();
    let server_cpu_ms = c.servers.iter().map(ServerProc::cpu_ms).sum::<f64>() - server_cpu0;
    let storm_cpu_ms = own_cpu_ms() - own_cpu0;
    let peaks: Vec<u64> = c.servers.iter().map(ServerProc::peak_rss_kb).collect();
    let mut times: Vec<f64> = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok(t) => times.push(t.as_secs_f64() * 1000.0),
            Err(e) => {
                failed += 1;
                eprintln!("storm: a device failed in {name}: {e}");
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let converged = failed == 0 && converged().await?;
    Ok(PhaseFigures {
        phase: name,
        backend: if opts.postgres.is_some() {
            "postgresql"
        } else {
            "sqlite"
        },
        instances: opts.instances,
        devices: devices.len(),
        technicians: opts.technicians,
        orders: opts.orders,
        changes: opts.changes,
        p50_ms: percentile(&times, 0.5),
        p99_ms: percentile(&times, 0.99),
        max_ms: times.last().copied().unwrap_or(0.0),
        wall_ms: wall.as_secs_f64() * 1000.0,
        devices_per_s: devices.len() as f64 / wall.as_secs_f64().max(1e-9),
        busy_answers: tally.busy.load(Ordering::Relaxed),
        cut_connections: tally.cut.load(Ordering::Relaxed),
        failed_devices: failed,
        server_cpu_ms,
        server_peak_rss_kb_max: peaks.iter().copied().max().unwrap_or(0),
        server_peak_rss_kb_sum: peaks.iter().sum(),
        storm_cpu_ms,
        converged,
    })
}

/// Progress notes per order, as a device sees them.
fn progress_by_order(d: &BenchDevice) -> Result<Vec<(String, usize)>> {
    let ws = d.ws();
    let mut out = Vec::new();
    for o in ws.list_orders(&OrderFilter::default())? {
        let detail = ws.get_order(&o.id)?;
        let notes = detail
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Progress)
            .count();
        out.push((o.id, notes));
    }
    out.sort();
    Ok(out)
}

/// A fresh database for the storm: a SQLite file in `dir`, or a new PostgreSQL database
/// (dropped by `drop_database`).
async fn fresh_database(dir: &Path, postgres: Option<&str>) -> Result<(String, Option<String>)> {
    let Some(admin) = postgres else {
        return Ok((
            format!("sqlite://{}", dir.join("server.sqlite").display()),
            None,
        ));
    };
    let name = format!("fieldops_storm_{}", std::process::id());
    let (client, conn) = tokio_postgres::connect(admin, tokio_postgres::NoTls)
        .await
        .map_err(bench_err)?;
    tokio::spawn(conn);
    // One statement each: CREATE DATABASE cannot run inside the transaction a batch makes.
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        client
            .batch_execute(&sql)
            .await
            .map_err(|e| bench_err(format!("{sql}: {e:?}")))?;
    }
    let base = admin
        .rsplit_once('/')
        .map(|(b, _)| b)
        .ok_or_else(|| bench_err("a PostgreSQL URL ends in /DATABASE"))?;
    Ok((format!("{base}/{name}"), Some(name)))
}

async fn drop_database(admin: &str, name: &str) {
    if let Ok((client, conn)) = tokio_postgres::connect(admin, tokio_postgres::NoTls).await {
        tokio::spawn(conn);
        let _ = client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}

pub async fn run(opts: StormOptions) -> Result<()> {
    if opts.instances > 1 && opts.postgres.is_none() {
        return Err(bench_err(
            "several instances share one PostgreSQL database: give --postgres",
        ));
    }
    let dir = tempdir()?;
    let (db, pg_name) = fresh_database(&dir, opts.postgres.as_deref()).await?;
    let outcome = storm(&dir, &db, &opts).await;
    if let (Some(admin), Some(name)) = (opts.postgres.as_deref(), pg_name) {
        drop_database(admin, &name).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn storm(dir: &Path, db: &str, opts: &StormOptions) -> Result<()> {
    let c = company(dir, db, opts).await?;
    // Every device signs in (not part of any phase: sign-in costs a password hash each).
    let t0 = Instant::now();
    let mut devices = Vec::with_capacity(opts.devices);
    for i in 0..opts.devices {
        let mut d = BenchDevice::open(&dir.join(format!("device-{i}.sqlite")))?;
        let tech = &c.technicians[i % c.technicians.len()];
        d.login(&c.servers[i % c.servers.len()].url, &tech.login)
            .await?;
        devices.push(d);
    }
    println!(
        "{}",
        serde_json::json!({"phase": "sign-in", "devices": opts.devices,
            "wall_ms": t0.elapsed().as_secs_f64() * 1000.0,
            "note": "one after the other, before the storm"})
    );
    // How many orders each technician's devices must end up holding.
    let scope_sizes: Vec<usize> = {
        let all = c.supervisor.ws().list_orders(&OrderFilter::default())?;
        c.technicians
            .iter()
            .map(|t| all.iter().filter(|o| o.assignees.contains(&t.id)).count())
            .collect()
    };

    let first = phase("first sync", &devices, &c, opts, async || {
        for (i, d) in devices.iter().enumerate() {
            let held = d.ws().list_orders(&OrderFilter::default())?.len();
            if held != scope_sizes[i % scope_sizes.len()] {
                return Ok(false);
            }
        }
        Ok(true)
    })
    .await?;
    println!("{}", serde_json::to_string(&first).map_err(bench_err)?);

    let idle = phase("reconnect, nothing new", &devices, &c, opts, async || {
        Ok(true)
    })
    .await?;
    println!("{}", serde_json::to_string(&idle).map_err(bench_err)?);

    // Not measured: each technician's first device accepts its orders (notes need an
    // accepted order), and the technician's other devices learn of it.
    let tally = Tally::default();
    for d in devices.iter().take(opts.technicians) {
        let mine = d.ws().list_orders(&OrderFilter::default())?;
        for o in mine.iter().filter(|o| o.status == "dispatched") {
            d.ws().accept_order(&o.id)?;
        }
        sync_like_the_app(d, &tally).await?;
    }
    for d in devices.iter().skip(opts.technicians) {
        sync_like_the_app(d, &tally).await?;
    }
    for d in &devices {
        let mut ws = d.ws();
        let mine = ws.list_orders(&OrderFilter::default())?;
        if mine.is_empty() {
            continue;
        }
        for k in 0..opts.changes {
            ws.add_progress(&mine[k % mine.len()].id, &format!("storm note {k}"))?;
        }
    }
    let with_changes = phase("reconnect with changes", &devices, &c, opts, async || {
        // The server holds every note: the supervisor's copy counts them all.
        c.supervisor.sync().await?;
        let notes: usize = progress_by_order(&c.supervisor)?
            .iter()
            .map(|(_, n)| n)
            .sum();
        if notes != opts.devices * opts.changes {
            eprintln!(
                "storm: the server holds {notes} notes of {}",
                opts.devices * opts.changes
            );
            return Ok(false);
        }
        // A dozen devices, synced once more, hold what the server holds.
        let truth = progress_by_order(&c.supervisor)?;
        for d in devices.iter().take(12) {
            d.sync().await?;
            for (id, n) in progress_by_order(d)? {
                if truth.iter().find(|(t, _)| *t == id).map(|(_, m)| *m) != Some(n) {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    })
    .await?;
    println!(
        "{}",
        serde_json::to_string(&with_changes).map_err(bench_err)?
    );
    if first.converged && idle.converged && with_changes.converged {
        Ok(())
    } else {
        Err(bench_err("the storm did not converge"))
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_the_value_at_that_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&v, 1.0), 100.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
