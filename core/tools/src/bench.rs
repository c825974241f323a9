//! `fieldops-tools bench`: a real server process on loopback and simulated devices
//! through core's real sync client. Prints one JSON line per scenario and size with the
//! median of the runs: wall time, bytes the measured device sent and received, the server
//! process's CPU time and peak resident memory during the measured phase.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use fieldops_device::model::Role;
use fieldops_device::model::customer::{CustomerInput, SiteInput};
use fieldops_device::model::order::{OrderInput, OrderType, Priority};
use fieldops_device::protocol::UserInfo;
use fieldops_device::store::OrderFilter;
use fieldops_device::sync::{self, SyncHttp, SyncReport};
use fieldops_device::workspace::Workspace;
use serde::Serialize;

use crate::error::{Result, ToolError};
use fieldops_sync_server::storage::{self, UserRecord};

const PASSWORD: &str = "bench-password";
const TENANT: &str = "bench";

#[derive(Serialize, serde::Deserialize)]
struct Figures {
    scenario: String,
    n: usize,
    k: usize,
    runs: usize,
    wall_ms: f64,
    device_bytes: u64,
    server_cpu_ms: f64,
    server_peak_rss_kb: u64,
    note: String,
}

struct Sample {
    wall_ms: f64,
    device_bytes: u64,
    server_cpu_ms: f64,
    server_peak_rss_kb: u64,
}

pub(crate) fn bench_err(e: impl std::fmt::Display) -> ToolError {
    ToolError::Failed(format!("bench: {e}"))
}

/// The server under test: a child process, so its CPU and memory are its own.
pub(crate) struct ServerProc {
    child: Child,
    pub(crate) url: String,
}

impl ServerProc {
    pub(crate) fn start(db: &str) -> Result<ServerProc> {
        Self::start_with(db, &[])
    }

    /// Start with extra `serve` options.
    pub(crate) fn start_with(db: &str, options: &[String]) -> Result<ServerProc> {
        // The real server binary, built beside this one.
        let exe = std::env::current_exe()
            .map_err(bench_err)?
            .with_file_name("fieldops-sync-server");
        let mut child = Command::new(exe)
            .args(["serve", "--listen", "127.0.0.1:0", "--database", db])
            .args(options)
            .env("FIELDOPS_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(bench_err)?;
        // `listening on URL` comes last of what the server prints before it serves.
        let mut out =
            std::io::BufReader::new(child.stdout.take().ok_or_else(|| bench_err("no stdout"))?);
        let mut line = String::new();
        while !line.starts_with("listening on ") {
            line.clear();
            if std::io::BufRead::read_line(&mut out, &mut line).map_err(bench_err)? == 0 {
                return Err(bench_err("the server ended before it listened"));
            }
        }
        let url = line.trim().trim_start_matches("listening on ").to_string();
        Ok(ServerProc { child, url })
    }

    /// User + system CPU time so far, in milliseconds (Linux /proc).
    pub(crate) fn cpu_ms(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        let after_name = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let ticks: f64 = fields
            .get(11)
            .and_then(|u| u.parse::<f64>().ok())
            .unwrap_or(0.0)
            + fields
                .get(12)
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(0.0);
        ticks * 1000.0 / 100.0
    }

    /// Reset the kernel's peak-RSS mark so the next reading covers only the measured phase.
    pub(crate) fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    pub(crate) fn peak_rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) struct BenchDevice {
    ws: Mutex<Workspace>,
    http: Option<SyncHttp>,
}

impl BenchDevice {
    pub(crate) fn open(path: &Path) -> Result<BenchDevice> {
        Ok(BenchDevice {
            ws: Mutex::new(Workspace::open(path)?),
            http: None,
        })
    }

    pub(crate) async fn login(&mut self, url: &str, login: &str) -> Result<()> {
        let (_, token) = sync::login(&self.ws, url, TENANT, login, PASSWORD, "bench").await?;
        self.http = Some(SyncHttp::new(url, &token)?);
        Ok(())
    }

    pub(crate) async fn sync(&self) -> Result<SyncReport> {
        Ok(sync::sync_now(
            &self.ws,
            self.http
                .as_ref()
                .ok_or_else(|| bench_err("not signed in"))?,
        )
        .await?)
    }

    pub(crate) fn ws(&self) -> std::sync::MutexGuard<'_, Workspace> {
        self.ws.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub(crate) async fn prepare_server_db(dir: &Path) -> Result<(String, Vec<UserInfo>)> {
    let db = format!("sqlite://{}", dir.join("server.sqlite").display());
    let users = prepare_company(&db, 3).await?;
    Ok((db, users))
}

/// The bench company on the server database `db`: a supervisor (`sup`) and `technicians`
/// technicians (`t1`, `t2` …), all with `PASSWORD`; the supervisor first.
pub(crate) async fn prepare_company(db: &str, technicians: usize) -> Result<Vec<UserInfo>> {
    let storage = storage::open(db).await?;
    storage.ensure_tenant(TENANT).await?;
    let hash = fieldops_sync_server::auth::hash_password(PASSWORD)?;
    let mut users = Vec::new();
    let people = std::iter::once(("sup".to_string(), Role::Supervisor))
        .chain((1..=technicians).map(|i| (format!("t{i}"), Role::Technician)));
    for (login, role) in people {
        let info = UserInfo {
            id: uuid::Uuid::now_v7().to_string(),
            login: login.clone(),
            name: login,
            role,
            active: true,
        };
        storage
            .add_user(
                TENANT,
                &UserRecord {
                    info: info.clone(),
                    password_hash: hash.clone(),
                },
            )
            .await?;
        users.push(info);
    }
    Ok(users)
}

fn description(i: usize) -> String {
    let base = format!(
        "Order {i}: 客户报告设备在高负载下报警，代码 E-{:03}。Customer reports the unit alarms under load; \
         operator noticed vibration and a burning smell near the main drive. Check bearings, belt tension, \
         cooling fan and controller logs; replace worn parts and run a two-hour load test before handover.",
        i % 1000
    );
    base.chars().take(300).collect()
}

/// Device A's store with one customer and `n` orders of ~10 events each, not yet synced.
pub(crate) fn build_device_a(path: &Path, users: &[UserInfo], n: usize) -> Result<()> {
    let mut ws = Workspace::open(path)?;
    let sup = &users[0];
    ws.begin_login(TENANT, &sup.login)?;
    ws.set_session(
        fieldops_device::workspace::Session {
            server_url: "http://bench".into(),
            tenant: TENANT.into(),
            user: sup.clone(),
            device_id: String::new(),
        },
        &sup.login,
    )?;
    ws.store.set_meta(
        "directory",
        &serde_json::to_string(users).map_err(bench_err)?,
    )?;
    let c = ws.create_customer(&CustomerInput {
        name: "华东精密机械有限公司 East China Precision Machinery".into(),
        phone: "+86 21 5555 0100".into(),
        region: String::new(),
        sites: vec![SiteInput {
            id: None,
            name: "Plant 2".into(),
            address: "上海市浦东新区张江路 100 号".into(),
            lat: 31.2036,
            lon: 121.5906,
            geofence_m: None,
        }],
        contacts: Vec::new(),
        report_language: Default::default(),
    })?;
    let techs: Vec<String> = users[1..].iter().map(|u| u.id.clone()).collect();
    for i in 0..n {
        let o = ws.create_order(&OrderInput {
            order_type: OrderType::Repair,
            priority: Priority::Normal,
            customer_id: c.id.clone(),
            site_id: c.sites[0].id.clone(),
            equipment_ids: vec![],
            project_id: None,
            description: description(i),
            scheduled_start: Some(1_800_000_000_000 + i as i64 * 3_600_000),
            scheduled_end: Some(1_800_000_000_000 + i as i64 * 3_600_000 + 7_200_000),
        })?;
        // Nine dispatches and reassignments: with `created`, ten events per order.
        for j in 0..9 {
            ws.dispatch_order(
                &o.summary.id,
                &[techs[(i + j) % techs.len()].clone()],
                false,
            )?;
        }
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn edit_descriptions(ws: &mut Workspace, ids: &[String], suffix: &str) -> Result<()> {
    for id in ids {
        let o = ws.get_order(id)?;
        let input = OrderInput {
            order_type: OrderType::Repair,
            priority: serde_json::from_value(serde_json::Value::String(o.summary.priority.clone()))
                .map_err(bench_err)?,
            customer_id: o.summary.customer_id.clone(),
            site_id: o.summary.site_id.clone(),
            equipment_ids: vec![],
            project_id: None,
            description: format!("{} {suffix}", o.summary.description),
            scheduled_start: o.summary.scheduled_start,
            scheduled_end: o.summary.scheduled_end,
        };
        ws.update_order(id, &input)?;
    }
    Ok(())
}

/// One run of S1, S2 and S3 on a fresh server; returns a sample for each.
async fn run_once(template: &Path, users_dir: &Path, k: usize) -> Result<([Sample; 3], Codecs)> {
    let dir = tempdir()?;
    std::fs::copy(users_dir.join("server.sqlite"), dir.join("server.sqlite")).map_err(bench_err)?;
    std::fs::copy(template, dir.join("a.sqlite")).map_err(bench_err)?;
    let server = ServerProc::start(&format!("sqlite://{}", dir.join("server.sqlite").display()))?;
    let mut a = BenchDevice::open(&dir.join("a.sqlite"))?;
    a.login(&server.url, "sup").await?;
    let mut b = BenchDevice::open(&dir.join("b.sqlite"))?;
    b.login(&server.url, "sup").await?;

    // S1: A pushes everything; a fresh B pulls everything.
    let (cpu0, t0) = (server.cpu_ms(), Instant::now());
    server.reset_peak();
    let ra = a.sync().await?;
    let rb = b.sync().await?;
    let s1 = Sample {
        wall_ms: t0.elapsed().as_secs_f64() * 1000.0,
        device_bytes: rb.bytes_sent + rb.bytes_received,
        server_cpu_ms: server.cpu_ms() - cpu0,
        server_peak_rss_kb: server.peak_rss_kb(),
    };
    let total = a.ws().list_orders(&OrderFilter::default())?.len();
    if b.ws().list_orders(&OrderFilter::default())?.len() != total
        || ra.rejected.len() + rb.rejected.len() > 0
    {
        return Err(bench_err("S1 did not converge"));
    }
    let ids: Vec<String> = a
        .ws()
        .list_orders(&OrderFilter::default())?
        .into_iter()
        .map(|o| o.id)
        .collect();

    // S2: B is away; A changes K orders; B reconnects until converged.
    edit_descriptions(&mut a.ws(), &ids[..k], "(A)")?;
    a.sync().await?;
    let (cpu0, t0) = (server.cpu_ms(), Instant::now());
    server.reset_peak();
    let rb = b.sync().await?;
    let s2 = Sample {
        wall_ms: t0.elapsed().as_secs_f64() * 1000.0,
        device_bytes: rb.bytes_sent + rb.bytes_received,
        server_cpu_ms: server.cpu_ms() - cpu0,
        server_peak_rss_kb: server.peak_rss_kb(),
    };

    // S3: B edits K orders offline while A edits K others; both reconnect and converge.
    edit_descriptions(&mut b.ws(), &ids[k..2 * k], "(B)")?;
    edit_descriptions(&mut a.ws(), &ids[2 * k..3 * k], "(A2)")?;
    let (cpu0, t0) = (server.cpu_ms(), Instant::now());
    server.reset_peak();
    let rb1 = b.sync().await?;
    a.sync().await?;
    // B hears "feed advanced" and pulls A's edits.
    let rb2 = b.sync().await?;
    let s3 = Sample {
        wall_ms: t0.elapsed().as_secs_f64() * 1000.0,
        device_bytes: rb1.bytes_sent + rb1.bytes_received + rb2.bytes_sent + rb2.bytes_received,
        server_cpu_ms: server.cpu_ms() - cpu0,
        server_peak_rss_kb: server.peak_rss_kb(),
    };
    let (da, db) = (
        a.ws().store.projection_dump()?,
        b.ws().store.projection_dump()?,
    );
    if da != db {
        return Err(bench_err("S3 did not converge"));
    }
    let wire = weigh_codecs(
        &server.url,
        b.http.as_ref().map(|h| h.token()).unwrap_or_default(),
    )
    .await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(([s1, s2, s3], wire))
}

/// A first sync's first answer as the server sends it uncompressed, and what gzip (as sent
/// on the wire, level 1, and at its default level 6) and zstd (levels 1 and 3) make of it.
#[derive(Serialize)]
struct Codecs {
    json_bytes: usize,
    gzip1_bytes: usize,
    gzip1_ms: f64,
    gzip6_bytes: usize,
    gzip6_ms: f64,
    zstd1_bytes: usize,
    zstd1_ms: f64,
    zstd3_bytes: usize,
    zstd3_ms: f64,
}

async fn weigh_codecs(url: &str, token: &str) -> Result<Codecs> {
    use std::io::Write;
    let http = fieldops_device::net::http_client(std::time::Duration::from_secs(120))
        .map_err(bench_err)?;
    // Cursor 0 again: the server sends this device everything in scope as snapshots.
    let json = http
        .post(format!("{url}/v1/sync"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(r#"{"cursor":0,"push":[],"directory_version":0}"#)
        .send()
        .await
        .map_err(bench_err)?
        .bytes()
        .await
        .map_err(bench_err)?;
    let timed = |f: &dyn Fn() -> Vec<u8>| {
        let t = Instant::now();
        let out = f();
        (out.len(), t.elapsed().as_secs_f64() * 1000.0)
    };
    let gzip = |level: u32| {
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
        let _ = z.write_all(&json);
        z.finish().unwrap_or_default()
    };
    let zstd = |level: i32| zstd::encode_all(&json[..], level).unwrap_or_default();
    let (gzip1_bytes, gzip1_ms) = timed(&|| gzip(1));
    let (gzip6_bytes, gzip6_ms) = timed(&|| gzip(6));
    let (zstd1_bytes, zstd1_ms) = timed(&|| zstd(1));
    let (zstd3_bytes, zstd3_ms) = timed(&|| zstd(3));
    Ok(Codecs {
        json_bytes: json.len(),
        gzip1_bytes,
        gzip1_ms,
        gzip6_bytes,
        gzip6_ms,
        zstd1_bytes,
        zstd1_ms,
        zstd3_bytes,
        zstd3_ms,
    })
}

pub(crate) fn tempdir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("fieldops-bench-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).map_err(bench_err)?;
    Ok(dir)
}

/// How much slower than the baseline a figure may be before the bench fails.
const STEP_BACK: f64 = 1.5;
/// Below this many milliseconds a figure is noise, not a step.
const NOISE_MS: f64 = 50.0;

pub async fn run(
    sizes: &[usize],
    k: usize,
    runs: usize,
    baseline: Option<&Path>,
    write_baseline: Option<&Path>,
) -> Result<()> {
    let before: Vec<Figures> = match baseline {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| bench_err(format!("{}: {e}", path.display())))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(bench_err))
            .collect::<Result<_>>()?,
        None => Vec::new(),
    };
    let mut measured: Vec<Figures> = Vec::new();
    for &n in sizes {
        if n < 3 * k {
            return Err(ToolError::Failed(format!(
                "N must be at least 3K ({})",
                3 * k
            )));
        }
        let base = tempdir()?;
        let (_, users) = prepare_server_db(&base).await?;
        let template = base.join("a-template.sqlite");
        build_device_a(&template, &users, n)?;
        let mut samples: Vec<[Sample; 3]> = Vec::new();
        let mut codecs = None;
        for _ in 0..runs {
            let (sample, wire) = run_once(&template, &base, k).await?;
            samples.push(sample);
            codecs = Some(wire);
        }
        for (i, (name, note)) in [
            ("S1", "A pushes N new orders, then a fresh device B pulls them all; bytes are B's"),
            ("S2", "A changed K orders while B was away; B reconnects; bytes are B's"),
            ("S3", "B edited K orders offline, A edited K others; B, A, then B again sync; bytes are B's"),
        ]
        .into_iter()
        .enumerate()
        {
            let f = Figures {
                scenario: name.to_string(),
                n,
                k,
                runs,
                wall_ms: median(samples.iter().map(|s| s[i].wall_ms).collect()),
                device_bytes: median(samples.iter().map(|s| s[i].device_bytes as f64).collect()) as u64,
                server_cpu_ms: median(samples.iter().map(|s| s[i].server_cpu_ms).collect()),
                server_peak_rss_kb: median(samples.iter().map(|s| s[i].server_peak_rss_kb as f64).collect()) as u64,
                note: note.to_string(),
            };
            println!("{}", serde_json::to_string(&f).map_err(bench_err)?);
            measured.push(f);
        }
        println!(
            "{}",
            serde_json::json!({"scenario": "wire", "n": n, "codecs": codecs,
                "note": "a first sync's first answer uncompressed, and what each codec makes of it (last run)"})
        );
        let _ = std::fs::remove_dir_all(&base);
    }
    if let Some(path) = write_baseline {
        let lines: Vec<String> = measured
            .iter()
            .map(serde_json::to_string)
            .collect::<std::result::Result<_, _>>()
            .map_err(bench_err)?;
        std::fs::write(path, lines.join("\n") + "\n").map_err(bench_err)?;
    }
    let steps = steps_back(&before, &measured);
    for s in &steps {
        println!("{}", serde_json::json!({"check": "step back", "what": s}));
    }
    if steps.is_empty() {
        Ok(())
    } else {
        Err(bench_err(format!(
            "{} figure(s) more than {STEP_BACK}× the baseline",
            steps.len()
        )))
    }
}

/// Scenarios whose wall time or server CPU grew past `STEP_BACK` times the baseline's.
fn steps_back(before: &[Figures], now: &[Figures]) -> Vec<String> {
    let mut out = Vec::new();
    for f in now {
        let Some(b) = before
            .iter()
            .find(|b| b.scenario == f.scenario && b.n == f.n)
        else {
            continue;
        };
        for (what, was, is) in [
            ("wall_ms", b.wall_ms, f.wall_ms),
            ("server_cpu_ms", b.server_cpu_ms, f.server_cpu_ms),
        ] {
            if is > NOISE_MS && is > was * STEP_BACK {
                out.push(format!(
                    "{} N={} {what}: {is:.0} (baseline {was:.0})",
                    f.scenario, f.n
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(scenario: &'static str, wall_ms: f64, server_cpu_ms: f64) -> Figures {
        Figures {
            scenario: scenario.to_string(),
            n: 1000,
            k: 10,
            runs: 3,
            wall_ms,
            device_bytes: 0,
            server_cpu_ms,
            server_peak_rss_kb: 0,
            note: String::new(),
        }
    }

    #[test]
    fn a_figure_half_again_slower_than_its_baseline_is_a_step_back() {
        let before = [figures("S1", 6000.0, 3000.0), figures("S2", 20.0, 0.0)];
        let now = [figures("S1", 12000.0, 3100.0), figures("S2", 40.0, 10.0)];
        let steps = steps_back(&before, &now);
        assert_eq!(
            steps,
            ["S1 N=1000 wall_ms: 12000 (baseline 6000)"],
            "S2 is noise"
        );
        assert!(steps_back(&before, &[figures("S1", 8000.0, 4000.0)]).is_empty());
        assert!(steps_back(&[], &now).is_empty(), "no baseline, no check");
    }
}
