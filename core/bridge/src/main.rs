//! `fieldops-bridge`: the app's commands over loopback HTTP, for development and browser
//! tests only (never shipped). It opens a real device store in `--data`, and the UI, served by
//! Vite in a browser, calls `POST /api/call/{command}` with the same JSON arguments the Tauri
//! shell receives over IPC; events come as server-sent events from `GET /api/events`. What a
//! browser cannot have is stood in for, and said so: the token is kept in memory, and the
//! position is scripted (`--position`, or `PUT /test/position` from a test).
//!
//! Prints `listening on http://127.0.0.1:PORT` once it serves.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use fieldops_device::ErrorBody;
use fieldops_device::app::{App, NoKeyring, Platform, Secrets, TokenHome};
use fieldops_device::geo::Position;
use fieldops_device::location::{LocationProvider, SimulatedLocation};
use futures_util::Stream;
use serde_json::Value;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

/// The bridge's stand-ins for a device's platform.
struct BridgePlatform {
    events: broadcast::Sender<(String, Value)>,
    secrets: MemorySecrets,
    location: ScriptedLocation,
    files: PathBuf,
}

impl Platform for BridgePlatform {
    fn emit(&self, event: &str, payload: Value) {
        let _ = self.events.send((event.to_string(), payload));
    }
    fn secrets(&self) -> &dyn Secrets {
        &self.secrets
    }
    fn location(&self) -> &dyn LocationProvider {
        &self.location
    }
    fn files_dir(&self) -> PathBuf {
        self.files.clone()
    }
    fn device_name(&self) -> String {
        "development bridge".into()
    }
}

/// Tokens for this run only: the bridge is no place for secrets.
#[derive(Default)]
struct MemorySecrets(Mutex<Option<(String, String)>>);

impl Secrets for MemorySecrets {
    fn save(&self, account: &str, token: &str) -> TokenHome {
        if let Ok(mut m) = self.0.lock() {
            *m = Some((account.into(), token.into()));
        }
        self.home()
    }
    fn load(&self, account: &str) -> Option<String> {
        let m = self.0.lock().ok()?;
        m.as_ref()
            .filter(|(a, _)| a == account)
            .map(|(_, t)| t.clone())
    }
    fn delete(&self, _account: &str) {
        if let Ok(mut m) = self.0.lock() {
            *m = None;
        }
    }
    fn home(&self) -> TokenHome {
        TokenHome::Memory {
            why: NoKeyring::DevelopmentBridge,
        }
    }
}

/// A position a test sets (a phone's GPS cannot run here); none: the device has no location
/// service, as on desktop. `delay_ms` stands for the seconds a phone may take for a fix.
struct ScriptedLocation(Arc<Mutex<Option<Position>>>, Arc<AtomicU64>);

impl LocationProvider for ScriptedLocation {
    fn current(&self) -> fieldops_device::Result<Position> {
        let delay = self.1.load(Ordering::Relaxed);
        if delay > 0 {
            std::thread::sleep(std::time::Duration::from_millis(delay));
        }
        match self.0.lock().ok().and_then(|p| p.clone()) {
            Some(p) => Ok(p),
            None => fieldops_device::location::NoLocation.current(),
        }
    }
}

struct Bridge {
    app: Arc<App>,
    platform_events: broadcast::Sender<(String, Value)>,
    position: Arc<Mutex<Option<Position>>>,
    position_delay_ms: Arc<AtomicU64>,
}

fn usage() -> ! {
    eprintln!(
        "usage: fieldops-bridge --data DIR [--listen 127.0.0.1:PORT] [--position lat,lon[,accuracy]]"
    );
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let mut data: Option<PathBuf> = None;
    let mut listen: SocketAddr = "127.0.0.1:8790".parse().expect("address");
    let mut position: Option<Position> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--data", Some(v)) => data = Some(v.into()),
            ("--listen", Some(v)) => listen = v.parse().unwrap_or_else(|_| usage()),
            ("--position", Some(v)) => match SimulatedLocation::parse(&v) {
                Ok(sim) => position = sim.current().ok(),
                Err(e) => {
                    eprintln!("--position: {e}");
                    std::process::exit(2)
                }
            },
            _ => usage(),
        }
    }
    let Some(data) = data else { usage() };
    if !listen.ip().is_loopback() {
        eprintln!("the bridge serves loopback addresses only");
        std::process::exit(2);
    }
    let (events, _) = broadcast::channel(256);
    let scripted = Arc::new(Mutex::new(position));
    let delay = Arc::new(AtomicU64::new(0));
    let platform = Box::new(BridgePlatform {
        events: events.clone(),
        secrets: MemorySecrets::default(),
        location: ScriptedLocation(scripted.clone(), delay.clone()),
        files: data.clone(),
    });
    let app = match App::open(&data, platform) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("cannot open the device store in {}: {e}", data.display());
            std::process::exit(1)
        }
    };
    tokio::spawn(app.clone().run_background());
    let bridge = Arc::new(Bridge {
        app,
        platform_events: events,
        position: scripted,
        position_delay_ms: delay,
    });
    let router = axum::Router::new()
        .route("/api/call/{command}", post(call))
        .route("/api/events", get(events_stream))
        .route("/test/position", put(set_position))
        // A knowledge-base attachment (50 MB) arrives as base64 inside the call's JSON.
        .layer(axum::extract::DefaultBodyLimit::max(72 * 1024 * 1024))
        .layer(tower_http::cors::CorsLayer::very_permissive())
        .with_state(bridge);
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {listen}: {e}");
            std::process::exit(1)
        }
    };
    let addr = listener.local_addr().expect("bound address");
    println!("listening on http://{addr}");
    if let Err(e) = axum::serve(listener, router).await {
        eprintln!("bridge stopped: {e}");
    }
}

async fn call(
    State(bridge): State<Arc<Bridge>>,
    Path(command): Path<String>,
    body: Option<Json<Value>>,
) -> Response {
    let args = body.map(|Json(v)| v).unwrap_or(Value::Null);
    match bridge.app.call(&command, args).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, Json(e)).into_response(),
    }
}

async fn events_stream(
    State(bridge): State<Arc<Bridge>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(bridge.platform_events.subscribe()).filter_map(|item| {
        let (name, payload) = item.ok()?;
        Some(Ok(Event::default().event(name).data(payload.to_string())))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[derive(serde::Deserialize)]
struct PositionQuery {
    /// How long the location service takes to answer (0: at once).
    #[serde(default)]
    delay_ms: u64,
}

async fn set_position(
    State(bridge): State<Arc<Bridge>>,
    Query(query): Query<PositionQuery>,
    Json(position): Json<Option<Position>>,
) -> Result<StatusCode, (StatusCode, Json<ErrorBody>)> {
    bridge
        .position_delay_ms
        .store(query.delay_ms.min(60_000), Ordering::Relaxed);
    if let Some(p) = &position {
        fieldops_device::geo::check_position(p).map_err(|e: fieldops_device::DomainError| {
            (StatusCode::UNPROCESSABLE_ENTITY, Json(e.body()))
        })?;
    }
    if let Ok(mut p) = bridge.position.lock() {
        *p = position;
    }
    Ok(StatusCode::NO_CONTENT)
}
