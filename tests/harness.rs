//! Test harness for scenarios across processes: the real `fieldops-sync-server` binary on
//! 127.0.0.1 with a temporary database, and client devices driven through core.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine;
use fieldops_device::model::customer::{CustomerInput, SiteInput};
use fieldops_device::model::order::{OrderInput, OrderType, Priority};
use fieldops_device::protocol::{PushDoc, SyncRequest};
use fieldops_device::sync::{self, SyncHttp, SyncReport};
use fieldops_device::workspace::Workspace;
use serde_json::json;

pub const PASSWORD: &str = "correct horse battery";

/// The server binary next to this test executable (target/debug/fieldops-sync-server).
pub fn server_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|p| p.parent())
        .expect("target directory");
    let bin = dir.join("fieldops-sync-server");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p fieldops-sync-server` first (make test does)",
        bin.display()
    );
    bin
}

/// A device as its own process: the development bridge (the real device core behind loopback
/// HTTP, as the UI calls it) on a data folder, so a test can kill it like a crashed app.
pub struct BridgeDevice {
    child: Child,
    pub url: String,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl BridgeDevice {
    pub fn start(data: &std::path::Path) -> BridgeDevice {
        let bin = server_bin().with_file_name("fieldops-bridge");
        assert!(
            bin.exists(),
            "{} is missing: make test builds it",
            bin.display()
        );
        let mut child = Command::new(bin)
            .args([
                "--data",
                &data.display().to_string(),
                "--listen",
                "127.0.0.1:0",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.starts_with("listening on ") {
            line.clear();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "the bridge ended");
        }
        let url = line.trim().trim_start_matches("listening on ").to_string();
        BridgeDevice {
            child,
            url,
            _stdout: stdout,
        }
    }

    /// Run one of the app's commands; its answer, or the error body it gave.
    pub async fn call(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let resp = fieldops_device::net::http_client(std::time::Duration::from_secs(60))
            .unwrap()
            .post(format!("{}/api/call/{command}", self.url))
            .json(&args)
            .send()
            .await
            .unwrap();
        let ok = resp.status().is_success();
        let body: serde_json::Value = resp.json().await.unwrap();
        if ok { Ok(body) } else { Err(body) }
    }

    /// SIGKILL, as a crash or a dead battery would stop the app.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for BridgeDevice {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Which database a scenario runs against.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database for one test: a temporary SQLite file, or a fresh PostgreSQL database.
pub struct TestDb {
    pub url: String,
    _dir: tempfile::TempDir,
}

pub const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("server.sqlite").display()),
            Backend::Postgres => {
                let admin = std::env::var("FIELDOPS_PG_ADMIN_URL")
                    .unwrap_or_else(|_| PG_ADMIN_URL.to_string());
                let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is required for these tests and is not reachable: {e}"));
                tokio::spawn(conn);
                let name = format!("fieldops_t_{}", uuid::Uuid::new_v4().simple());
                client
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin.clone());
                format!("{base}/{name}")
            }
        };
        TestDb { url, _dir: dir }
    }

    /// Run one SQL statement directly against the server's database (to simulate time
    /// passing, for instance).
    pub async fn execute(&self, sql: &str) {
        if let Some(path) = self.url.strip_prefix("sqlite://") {
            rusqlite::Connection::open(path)
                .unwrap()
                .execute(sql, [])
                .unwrap();
        } else {
            let (client, conn) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client.batch_execute(sql).await.unwrap();
        }
    }

    /// The bytes the server stores for a document, read directly from its database.
    pub async fn stored_bytes(&self, tenant: &str, doc_id: &str) -> Vec<u8> {
        let sql = "SELECT bytes FROM docs WHERE tenant = $1 AND id = $2";
        self.read_one(sql, &[tenant, doc_id]).await
    }

    /// The one number a `SELECT count(*) …` (no parameters) answers, read directly.
    pub async fn count(&self, sql: &str) -> i64 {
        self.read_one(sql, &[]).await
    }

    /// The first column of the one row `sql` (`$1`… placeholders, text values) reads.
    async fn read_one<T>(&self, sql: &str, params: &[&str]) -> T
    where
        T: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a>,
    {
        if let Some(path) = self.url.strip_prefix("sqlite://") {
            rusqlite::Connection::open(path)
                .unwrap()
                .query_row(
                    &sql.replace('$', "?"),
                    rusqlite::params_from_iter(params),
                    |r| r.get(0),
                )
                .unwrap()
        } else {
            let (client, conn) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
                .iter()
                .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
                .collect();
            client.query_one(sql, &params).await.unwrap().get(0)
        }
    }

    /// Add a user through the real CLI; returns nothing, the login is the handle.
    pub fn add_user(&self, tenant: &str, login: &str, role: &str) {
        let mut child = Command::new(server_bin())
            .args([
                "user",
                "add",
                "--tenant",
                tenant,
                "--login",
                login,
                "--role",
                role,
                "--database",
                &self.url,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PASSWORD}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "user add failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A running server process.
pub struct Server {
    child: Child,
    pub url: String,
    db_url: String,
    /// The extra `serve` options it was started with (a restart keeps them).
    options: Vec<String>,
    /// What the server printed before it listened (the setup link).
    printed_first: String,
    /// Kept open: what the server prints later must not meet a closed pipe.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    pub fn start(db: &TestDb) -> Server {
        Self::start_on(&db.url, "127.0.0.1:0")
    }

    /// Start with extra `serve` options (limits, for instance).
    pub fn start_with(db: &TestDb, options: &[&str]) -> Server {
        Self::launch(&db.url, "127.0.0.1:0", options)
    }

    /// Start on a database that may have no account yet; the one-time setup link `serve`
    /// prints then, if any.
    pub fn start_fresh(db: &TestDb) -> (Server, Option<String>) {
        let server = Self::start_on(&db.url, "127.0.0.1:0");
        let link = server
            .printed_first
            .split_whitespace()
            .find(|w| w.starts_with("http://") && w.contains("/setup#"))
            .map(str::to_string);
        (server, link)
    }

    fn start_on(db_url: &str, listen: &str) -> Server {
        Self::launch(db_url, listen, &[])
    }

    fn launch(db_url: &str, listen: &str, options: &[&str]) -> Server {
        let mut child = Command::new(server_bin())
            .args(["serve", "--listen", listen, "--database", db_url])
            .args(options)
            .env("FIELDOPS_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut printed_first = String::new();
        let mut line = String::new();
        loop {
            line.clear();
            stdout.read_line(&mut line).unwrap();
            if line.starts_with("listening on ") || line.is_empty() {
                break;
            }
            printed_first.push_str(&line);
        }
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected server output: {line:?}"))
            .to_string();
        Server {
            child,
            url,
            db_url: db_url.to_string(),
            options: options.iter().map(|o| o.to_string()).collect(),
            printed_first,
            _stdout: stdout,
        }
    }

    /// SIGKILL: no shutdown hooks, no flushing.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, as systemd or `docker stop` would: the exit status, once the process ended
    /// (panics after 10 s).
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        for _ in 0..100 {
            if let Some(exit) = self.child.try_wait().unwrap() {
                return exit;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the server did not stop within 10 s of SIGTERM");
    }

    /// Start again on the same address and database.
    pub fn restart(&mut self) {
        let listen = self.url.trim_start_matches("http://").to_string();
        let options: Vec<&str> = self.options.iter().map(String::as_str).collect();
        *self = Self::launch(&self.db_url, &listen, &options);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client device: its own store on disk, signed in to one server.
pub struct Device {
    pub ws: Mutex<Workspace>,
    pub http: Option<SyncHttp>,
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Device {
    pub fn new() -> Device {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.sqlite");
        Device {
            ws: Mutex::new(Workspace::open(&path).unwrap()),
            http: None,
            path,
            _dir: dir,
        }
    }

    pub async fn signed_in(server: &Server, tenant: &str, login: &str) -> Device {
        let mut d = Device::new();
        d.login(&server.url, tenant, login).await;
        d
    }

    pub async fn login(&mut self, url: &str, tenant: &str, login: &str) {
        let (_, token) = sync::login(&self.ws, url, tenant, login, PASSWORD, "test device")
            .await
            .unwrap();
        self.http = Some(SyncHttp::new(url, &token).unwrap());
    }

    /// The app closed (or killed) and opened again on the same file.
    pub fn reopen(&mut self) {
        let fresh = Workspace::open(&self.path).unwrap();
        *self.ws.get_mut().unwrap() = fresh;
    }

    pub fn ws(&self) -> MutexGuard<'_, Workspace> {
        self.ws.lock().unwrap()
    }

    pub async fn sync(&self) -> SyncReport {
        sync::sync_now(&self.ws, self.http.as_ref().expect("signed in"))
            .await
            .unwrap()
    }

    pub async fn try_sync(&self) -> fieldops_device::Result<SyncReport> {
        sync::sync_now(&self.ws, self.http.as_ref().expect("signed in")).await
    }

    pub fn user_id(&self) -> String {
        self.ws().session().unwrap().user.id.clone()
    }
}

impl Default for Device {
    fn default() -> Self {
        Self::new()
    }
}

/// A customer with one site in Beijing.
pub fn customer(name: &str) -> CustomerInput {
    CustomerInput {
        name: name.into(),
        phone: "+86 10 1234 5678".into(),
        region: "华北".into(),
        sites: vec![SiteInput {
            id: None,
            name: "HQ".into(),
            address: "北京市朝阳区".into(),
            lat: 39.9042,
            lon: 116.4074,
            geofence_m: None,
        }],
        contacts: Vec::new(),
        report_language: Default::default(),
    }
}

/// A machine at the customer's first site, with nothing else known about it.
pub fn equipment(
    c: &fieldops_device::workspace::CustomerView,
    name: &str,
) -> fieldops_device::model::equipment::EquipmentInfo {
    fieldops_device::model::equipment::EquipmentInfo {
        name: name.into(),
        model: "CH-200".into(),
        serial: String::new(),
        customer_id: c.id.clone(),
        site_id: c.sites[0].id.clone(),
        project_id: None,
        installed_on: None,
        warranty_until: None,
        maintenance_interval_days: None,
        notes: String::new(),
    }
}

/// A normal repair order at the customer's first site.
pub fn order(c: &fieldops_device::workspace::CustomerView, text: &str) -> OrderInput {
    OrderInput {
        order_type: OrderType::Repair,
        priority: Priority::Normal,
        customer_id: c.id.clone(),
        site_id: c.sites[0].id.clone(),
        equipment_ids: vec![],
        project_id: None,
        description: text.into(),
        scheduled_start: None,
        scheduled_end: None,
    }
}

pub use fieldops_device::test_steps::tick_required;

/// The company of the scenarios.
pub const T: &str = "acme";

/// A server with a supervisor and two technicians, all signed in and synced once.
pub struct World {
    pub db: TestDb,
    pub server: Server,
    pub sup: Device,
    pub tech_a: Device,
    pub tech_b: Device,
}

pub async fn world(backend: Backend) -> World {
    let db = TestDb::new(backend).await;
    db.add_user(T, "sup", "supervisor");
    db.add_user(T, "tech.a", "technician");
    db.add_user(T, "tech.b", "technician");
    let server = Server::start(&db);
    let sup = Device::signed_in(&server, T, "sup").await;
    let tech_a = Device::signed_in(&server, T, "tech.a").await;
    let tech_b = Device::signed_in(&server, T, "tech.b").await;
    for d in [&sup, &tech_a, &tech_b] {
        d.sync().await;
    }
    World {
        db,
        server,
        sup,
        tech_a,
        tech_b,
    }
}

/// Supervisor creates a customer and an order and dispatches it to tech A; returns the order id.
pub async fn dispatched_order(w: &World, text: &str) -> String {
    let id = {
        let mut ws = w.sup.ws();
        let c = ws.create_customer(&customer("华北电力设备公司")).unwrap();
        let o = ws.create_order(&order(&c, text)).unwrap();
        ws.dispatch_order(&o.summary.id, &[w.tech_a.user_id()], false)
            .unwrap();
        o.summary.id
    };
    let r = w.sup.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(r.accepted, 2, "{r:?}");
    id
}

pub fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The device's automerge actor id as bytes.
pub fn hex_actor(d: &Device) -> Vec<u8> {
    d.ws().store.actor().to_bytes().to_vec()
}

/// Push `changes` for one document as they are, bypassing the device's own checks.
pub async fn raw_push(
    d: &Device,
    doc: &str,
    doc_type: &str,
    changes: &[u8],
) -> fieldops_device::protocol::SyncResponse {
    raw_push_many(d, &[(doc, doc_type, changes)]).await
}

/// Push (document, type, changes) in one request, in this order, as they are.
pub async fn raw_push_many(
    d: &Device,
    docs: &[(&str, &str, &[u8])],
) -> fieldops_device::protocol::SyncResponse {
    let push = docs
        .iter()
        .map(|(doc, doc_type, changes)| PushDoc {
            doc: doc.to_string(),
            doc_type: doc_type.to_string(),
            changes: base64::engine::general_purpose::STANDARD.encode(changes),
        })
        .collect();
    let req = SyncRequest {
        cursor: sync::cursor(&d.ws().store).unwrap(),
        push,
        directory_version: 0,
        catch_up: None,
    };
    d.http.as_ref().unwrap().round_trip(&req).await.unwrap().0
}

/// A camera-sized JPEG (3000×2000) with a coloured corner, as a tablet would hand it over.
pub fn camera_jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(3000, 2000, |x, y| {
        if x < 1500 && y < 1000 {
            image::Rgb([seed, 255 - seed, 40])
        } else {
            image::Rgb([40, 40, 200])
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

/// A photo of fine texture (noise): stored, it stays well over one upload chunk.
pub fn textured_jpeg(seed: u32) -> Vec<u8> {
    let mut state = seed | 1;
    let img = image::RgbImage::from_fn(3000, 2000, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [a, b, c, _] = state.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

/// One test function per scenario and backend: `mod sqlite` and `mod postgres`, each with a
/// test named after the scenario.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(Backend::Sqlite).await } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(Backend::Postgres).await } )* }
    };
}

/// `serve` options for scenarios that decide at injected moments: no periodic alert scan
/// (tests ask with `scan_at`), fast delivery polling and retries.
pub const TEST_CLOCK: [&str; 7] = [
    "--test-clock",
    "--notify-scan-seconds",
    "0",
    "--notify-poll-ms",
    "50",
    "--notify-retry-ms",
    "300",
];

/// An administrator's "check alerts now" as if it were `at` (ms): planned orders made and
/// messages queued; how many messages were new.
pub async fn scan_at(admin: &Device, at: i64) -> u64 {
    let answer: serde_json::Value = admin
        .http
        .as_ref()
        .expect("signed in")
        .send_json(
            reqwest::Method::POST,
            "/v1/admin/notify/scan",
            &serde_json::json!({ "at": at }),
        )
        .await
        .unwrap();
    answer["queued"].as_u64().unwrap()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// aiosmtpd on a local port, writing each message it accepts as a JSON line.
pub struct SmtpSink {
    child: Option<Child>,
    pub port: u16,
    file: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpSink {
    pub fn on(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = SmtpSink {
            child: None,
            port,
            file: dir.path().join("messages.jsonl"),
            _dir: dir,
        };
        sink.start();
        sink
    }

    /// A sink whose port is chosen but which is not listening yet (an SMTP server that is down).
    pub fn down() -> SmtpSink {
        let mut sink = SmtpSink::on(free_port());
        sink.stop();
        sink
    }

    pub fn start(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/support/smtp_sink.py");
        let mut child = Command::new("/usr/bin/python3")
            .args([script, &self.port.to_string(), self.file.to_str().unwrap()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (installed by .ci/deps.sh)");
        let mut ready = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut ready,
        )
        .unwrap();
        assert_eq!(ready.trim(), "ready", "the SMTP server did not start");
        self.child = Some(child);
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn messages(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Wait (up to 20 s) until `done` holds.
pub async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One request the local receiver took: its path, headers and JSON body, and whether it
/// answered success.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
    pub accepted: bool,
}

/// Stands in for the WeChat Work robot (`/cgi-bin/webhook/send`) and the SMS gateway
/// (`/sms`); while `failing`, it refuses as each would (errcode 93000; HTTP 503).
#[derive(Clone, Default)]
pub struct Receiver {
    pub got: Arc<Mutex<Vec<Received>>>,
    pub failing: Arc<AtomicBool>,
}

impl Receiver {
    pub async fn start() -> (Receiver, String) {
        let r = Receiver::default();
        let state = r.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let state = state.clone();
                async move {
                    let failing = state.failing.load(Ordering::SeqCst);
                    let path = uri.path().to_string();
                    state.got.lock().unwrap().push(Received {
                        path: path.clone(),
                        headers,
                        body: body.to_vec(),
                        accepted: !failing,
                    });
                    let robot = path.starts_with("/cgi-bin/webhook/send");
                    match (robot, failing) {
                        (true, false) => (
                            axum::http::StatusCode::OK,
                            axum::Json(json!({"errcode": 0, "errmsg": "ok"})),
                        ),
                        (true, true) => (
                            axum::http::StatusCode::OK,
                            axum::Json(json!({"errcode": 93000, "errmsg": "invalid webhook url"})),
                        ),
                        (false, false) => (axum::http::StatusCode::OK, axum::Json(json!({}))),
                        (false, true) => (
                            axum::http::StatusCode::SERVICE_UNAVAILABLE,
                            axum::Json(json!({})),
                        ),
                    }
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (r, url)
    }

    pub fn accepted(&self, prefix: &str) -> Vec<Received> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.accepted && r.path.starts_with(prefix))
            .cloned()
            .collect()
    }
}

/// A small load balancer in front of several server instances: each new connection goes to
/// the next instance in turn, skipping one that refuses connections (as a balancer's health
/// check would), and counts the connections each instance took.
pub struct RoundRobin {
    pub url: String,
    taken: Arc<Vec<std::sync::atomic::AtomicUsize>>,
    task: tokio::task::JoinHandle<()>,
}

impl RoundRobin {
    pub async fn start(instances: &[&Server]) -> RoundRobin {
        let backends: Arc<Vec<String>> = Arc::new(
            instances
                .iter()
                .map(|s| s.url.trim_start_matches("http://").to_string())
                .collect(),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let taken: Arc<Vec<_>> = Arc::new(
            (0..backends.len())
                .map(|_| std::sync::atomic::AtomicUsize::new(0))
                .collect(),
        );
        let counts = taken.clone();
        let task = tokio::spawn(async move {
            let mut next = 0usize;
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let first = next;
                next = (next + 1) % backends.len();
                let (backends, counts) = (backends.clone(), counts.clone());
                tokio::spawn(async move {
                    for i in 0..backends.len() {
                        let k = (first + i) % backends.len();
                        if let Ok(mut server) = tokio::net::TcpStream::connect(&backends[k]).await {
                            counts[k].fetch_add(1, Ordering::Relaxed);
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            return;
                        }
                    }
                });
            }
        });
        RoundRobin { url, taken, task }
    }

    /// Connections each instance took, in the order the instances were given.
    pub fn connections(&self) -> Vec<usize> {
        self.taken
            .iter()
            .map(|n| n.load(Ordering::Relaxed))
            .collect()
    }
}

impl Drop for RoundRobin {
    fn drop(&mut self) {
        self.task.abort();
    }
}
