//! The FieldOps app shell: Tauri commands are thin adapters over fieldops-core; a
//! background task keeps the device in sync (on start, after local changes, on the
//! server's live "feed advanced" events, and every minute as a fallback).

#[cfg(mobile)]
mod mobile_location;
mod tokens;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fieldops_core::location::{LocationProvider, SimulatedLocation};
use fieldops_core::model::attendance::ClockKind;
use fieldops_core::model::customer::CustomerInput;
use fieldops_core::model::equipment::EquipmentInfo;
use fieldops_core::model::order::{OrderInput, OrderType, Position};
use fieldops_core::model::part_request::RequestStatus;
use fieldops_core::model::project::ProjectInfo;
use fieldops_core::model::settings::Template;
use fieldops_core::model::stock::{LocationKind, MovementKind, PartInfo};
use fieldops_core::protocol::UserInfo;
use fieldops_core::store::{OrderFilter, RecordFilter};
use fieldops_core::sync::{self, SyncHttp, SyncReport};
use fieldops_core::workspace::{
    AttendanceRow, AttendanceState, CategoryView, ChargeInput, CostInput, CustomerView,
    EquipmentFilter, EquipmentView, ImportReport, LevelView, LocationView, MapData, MovementView,
    OrderDetail, OrderSummary, PartView, PartsStats, PhotoInput, ProjectView, RecordView,
    RequestLineInput, RequestView, Session, StockAlert, StockCount, StockTakeLine, SyncStatus,
    TableFormat, TemplateView, Workspace,
};
use fieldops_core::{CoreError, ErrorBody};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use tokens::{TokenHome, Tokens};
use tokio::sync::Notify;

type CmdResult<T> = Result<T, ErrorBody>;

pub struct AppState {
    ws: Arc<Mutex<Workspace>>,
    http: Mutex<Option<SyncHttp>>,
    tokens: Tokens,
    /// Wakes the sync task: a local change, a live event, or "sync now".
    wake: Arc<Notify>,
    /// Wakes the live-event listener when the session changes.
    session_changed: Arc<Notify>,
    /// Where check-ins get their position: none on desktop (people enter it), a scripted one
    /// when FIELDOPS_SIMULATED_POSITION is set (tests, demos).
    location: Box<dyn LocationProvider>,
}

#[derive(Serialize, Clone)]
pub struct SessionInfo {
    session: Session,
    token_home: TokenHome,
}

#[derive(Serialize)]
pub struct Defaults {
    server_url: String,
    tenant: String,
    /// Map tiles ({z}/{x}/{y} template); absent: the map draws its points on a plain
    /// background (offline, tests).
    tile_url: Option<String>,
}

fn err(e: CoreError) -> ErrorBody {
    e.body()
}

impl AppState {
    fn ws(&self) -> CmdResult<std::sync::MutexGuard<'_, Workspace>> {
        self.ws.lock().map_err(|_| ErrorBody {
            code: "storage".into(),
            message: "the local store is unavailable".into(),
        })
    }

    fn http(&self) -> Option<SyncHttp> {
        self.http.lock().ok().and_then(|h| h.clone())
    }

    fn set_http(&self, http: Option<SyncHttp>) {
        if let Ok(mut h) = self.http.lock() {
            *h = http;
        }
        self.session_changed.notify_waiters();
        self.wake.notify_one();
    }

    /// Run a mutation and schedule a sync.
    fn mutate<T>(
        &self,
        f: impl FnOnce(&mut Workspace) -> fieldops_core::Result<T>,
    ) -> CmdResult<T> {
        let out = f(&mut *self.ws()?).map_err(err)?;
        self.wake.notify_one();
        Ok(out)
    }

    fn read<T>(&self, f: impl FnOnce(&Workspace) -> fieldops_core::Result<T>) -> CmdResult<T> {
        f(&*self.ws()?).map_err(err)
    }
}

fn account_key(s: &Session) -> String {
    format!("{}|{}|{}", s.server_url, s.tenant, s.user.id)
}

#[tauri::command]
fn defaults() -> Defaults {
    Defaults {
        server_url: std::env::var("FIELDOPS_SERVER_URL")
            .unwrap_or_else(|_| "http://127.0.0.1:8787".into()),
        tenant: std::env::var("FIELDOPS_TENANT").unwrap_or_default(),
        tile_url: std::env::var("FIELDOPS_TILE_URL")
            .ok()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
    }
}

#[tauri::command]
fn clock(
    state: State<'_, AppState>,
    kind: ClockKind,
    position: Option<Position>,
) -> CmdResult<AttendanceState> {
    state.mutate(|ws| ws.clock(kind, position))
}

#[tauri::command]
fn attendance_state(state: State<'_, AppState>) -> CmdResult<AttendanceState> {
    state.read(|ws| ws.attendance_state())
}

#[tauri::command]
fn attendance_report(
    state: State<'_, AppState>,
    from: String,
    to: String,
    tz_offset_min: i64,
) -> CmdResult<Vec<AttendanceRow>> {
    state.read(|ws| ws.attendance_report(&from, &to, tz_offset_min))
}

#[derive(Serialize)]
pub struct SavedExport {
    path: String,
    content: String,
}

/// The attendance report as CSV, saved under the app's data folder (exports/).
#[tauri::command]
fn export_attendance(
    app: AppHandle,
    state: State<'_, AppState>,
    from: String,
    to: String,
    tz_offset_min: i64,
) -> CmdResult<SavedExport> {
    let csv = state.read(|ws| ws.attendance_csv(&from, &to, tz_offset_min))?;
    let path = save_file(
        &app,
        "exports",
        &format!("attendance-{from}-{to}.csv"),
        csv.as_bytes(),
    )?;
    Ok(SavedExport { path, content: csv })
}

/// Write a file the user asked for under the data folder; the name comes from validated input.
fn save_file(app: &AppHandle, folder: &str, name: &str, bytes: &[u8]) -> CmdResult<String> {
    let dir = data_dir(app).join(folder);
    let io = |e: std::io::Error| ErrorBody {
        code: "storage".into(),
        message: format!("cannot save {name}: {e}"),
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(io)?;
    Ok(path.display().to_string())
}

/// Ask the configured reverse-geocoding service (FIELDOPS_GEOCODER_URL, Nominatim-compatible;
/// off by default) for the full addresses of an order's check-ins, at most one request a
/// second as such services ask, and keep the answers on the device.
#[tauri::command]
async fn resolve_addresses(
    state: State<'_, AppState>,
    id: String,
    language: String,
) -> CmdResult<OrderDetail> {
    let Some(url) = std::env::var("FIELDOPS_GEOCODER_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    else {
        return state.read(|ws| ws.get_order(&id));
    };
    let language = if language.len() <= 40
        && language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ",-;=.".contains(c))
    {
        language
    } else {
        "en".to_string()
    };
    let todo = state.read(|ws| ws.positions_to_geocode(&id))?;
    let client = fieldops_core::address::http_client();
    for (i, (lat, lon)) in todo.into_iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        let text = fieldops_core::address::reverse_geocode(
            &client,
            &url,
            lat,
            lon,
            &language,
            std::time::Duration::from_secs(8),
        )
        .await
        .map_err(err)?;
        state.read(|ws| ws.cache_geocoded(lat, lon, &text))?;
    }
    state.read(|ws| ws.get_order(&id))
}

#[tauri::command]
fn list_parts(state: State<'_, AppState>, text: Option<String>) -> CmdResult<Vec<PartView>> {
    state.read(|ws| ws.list_parts(text.as_deref()))
}

#[tauri::command]
fn create_part(state: State<'_, AppState>, info: PartInfo) -> CmdResult<PartView> {
    state.mutate(|ws| ws.create_part(&info))
}

#[tauri::command]
fn update_part(state: State<'_, AppState>, id: String, info: PartInfo) -> CmdResult<PartView> {
    state.mutate(|ws| ws.update_part(&id, &info))
}

/// A picture of a part (processed off the UI thread like site photos).
#[tauri::command]
async fn set_part_photo(
    state: State<'_, AppState>,
    id: String,
    data_base64: String,
) -> CmdResult<PartView> {
    use base64::Engine;
    if data_base64.len() > fieldops_core::photo::MAX_INPUT_BYTES / 3 * 4 + 8 {
        return Err(CoreError::invalid("the photo is larger than 25 MB").body());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data_base64.trim())
        .map_err(|_| CoreError::invalid("the photo is not valid base64").body())?;
    state.mutate(|ws| ws.set_part_photo(&id, &bytes))
}

#[tauri::command]
fn list_categories(state: State<'_, AppState>) -> CmdResult<Vec<CategoryView>> {
    state.read(|ws| ws.list_categories())
}

#[tauri::command]
fn create_category(
    state: State<'_, AppState>,
    name: String,
    parent_id: Option<String>,
) -> CmdResult<CategoryView> {
    state.mutate(|ws| ws.create_category(&name, parent_id.as_deref()))
}

#[tauri::command]
fn update_category(
    state: State<'_, AppState>,
    id: String,
    name: String,
    parent_id: Option<String>,
) -> CmdResult<CategoryView> {
    state.mutate(|ws| ws.update_category(&id, &name, parent_id.as_deref()))
}

#[tauri::command]
fn update_location(
    state: State<'_, AppState>,
    id: String,
    name: String,
    owner: Option<String>,
) -> CmdResult<LocationView> {
    state.mutate(|ws| ws.update_location(&id, &name, owner.as_deref()))
}

#[tauri::command]
fn list_locations(state: State<'_, AppState>) -> CmdResult<Vec<LocationView>> {
    state.read(|ws| ws.list_locations())
}

#[tauri::command]
fn create_location(
    state: State<'_, AppState>,
    kind: LocationKind,
    name: String,
    owner: Option<String>,
) -> CmdResult<LocationView> {
    state.mutate(|ws| ws.create_location(kind, &name, owner.as_deref()))
}

#[tauri::command]
fn record_movement(
    state: State<'_, AppState>,
    location_id: String,
    part_id: String,
    kind: MovementKind,
    qty: i64,
    note: String,
) -> CmdResult<Vec<LevelView>> {
    state.mutate(|ws| ws.record_movement(&location_id, &part_id, kind, qty, &note))
}

#[tauri::command]
fn stock_take(
    state: State<'_, AppState>,
    location_id: String,
    counts: Vec<StockCount>,
    note: String,
) -> CmdResult<Vec<StockTakeLine>> {
    state.mutate(|ws| ws.stock_take(&location_id, &counts, &note))
}

#[tauri::command]
fn transfer_stock(
    state: State<'_, AppState>,
    from: String,
    to: String,
    part_id: String,
    qty: i64,
    note: String,
) -> CmdResult<()> {
    state.mutate(|ws| ws.transfer(&from, &to, &part_id, qty, &note))
}

#[tauri::command]
fn stock_levels(
    state: State<'_, AppState>,
    location_id: Option<String>,
    part_id: Option<String>,
) -> CmdResult<Vec<LevelView>> {
    state.read(|ws| ws.levels(location_id.as_deref(), part_id.as_deref()))
}

#[tauri::command]
fn stock_movements(
    state: State<'_, AppState>,
    location_id: String,
    part_id: String,
) -> CmdResult<Vec<MovementView>> {
    state.read(|ws| ws.movements(&location_id, &part_id))
}

#[tauri::command]
fn stock_alerts(state: State<'_, AppState>) -> CmdResult<Vec<StockAlert>> {
    state.read(|ws| ws.stock_alerts())
}

#[tauri::command]
fn use_part(
    state: State<'_, AppState>,
    order_id: String,
    part_id: String,
    qty: i64,
    location_id: String,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.use_part(&order_id, &part_id, qty, &location_id))
}

#[tauri::command]
fn list_requests(
    state: State<'_, AppState>,
    status: Option<RequestStatus>,
) -> CmdResult<Vec<RequestView>> {
    state.read(|ws| ws.list_requests(status))
}

#[tauri::command]
fn create_request(
    state: State<'_, AppState>,
    to_location: String,
    order_id: Option<String>,
    lines: Vec<RequestLineInput>,
) -> CmdResult<RequestView> {
    state.mutate(|ws| ws.create_request(&to_location, order_id.as_deref(), &lines))
}

#[tauri::command]
fn approve_request(
    state: State<'_, AppState>,
    id: String,
    quantities: std::collections::BTreeMap<String, i64>,
) -> CmdResult<RequestView> {
    state.mutate(|ws| ws.approve_request(&id, &quantities))
}

#[tauri::command]
fn reject_request(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> CmdResult<RequestView> {
    state.mutate(|ws| ws.reject_request(&id, &reason))
}

#[tauri::command]
fn cancel_request(state: State<'_, AppState>, id: String) -> CmdResult<RequestView> {
    state.mutate(|ws| ws.cancel_request(&id))
}

#[tauri::command]
fn issue_request(
    state: State<'_, AppState>,
    id: String,
    from_location: String,
) -> CmdResult<RequestView> {
    state.mutate(|ws| ws.issue_request(&id, &from_location))
}

#[tauri::command]
fn receive_request(state: State<'_, AppState>, id: String) -> CmdResult<RequestView> {
    state.mutate(|ws| ws.receive_request(&id))
}

#[derive(Serialize)]
pub struct SavedFile {
    path: String,
    /// The file itself (base64), for a download link in the UI.
    data_base64: String,
}

/// The parts catalogue as CSV or XLSX, saved under the app's data folder (exports/).
#[tauri::command]
fn export_parts(
    app: AppHandle,
    state: State<'_, AppState>,
    format: TableFormat,
) -> CmdResult<SavedFile> {
    use base64::Engine;
    let (bytes, ext) = match format {
        TableFormat::Csv => (state.read(|ws| ws.export_parts_csv())?.into_bytes(), "csv"),
        TableFormat::Xlsx => (state.read(|ws| ws.export_parts_xlsx())?, "xlsx"),
    };
    let name = format!("parts-{}.{ext}", fieldops_core::model::now_ms());
    let path = save_file(&app, "exports", &name, &bytes)?;
    Ok(SavedFile {
        path,
        data_base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
    })
}

#[tauri::command]
fn import_parts(
    state: State<'_, AppState>,
    data_base64: String,
    format: TableFormat,
) -> CmdResult<ImportReport> {
    use base64::Engine;
    if data_base64.len() > 14 * 1024 * 1024 {
        return Err(CoreError::invalid("the file is larger than 10 MB").body());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data_base64.trim())
        .map_err(|_| CoreError::invalid("the file is not valid base64").body())?;
    state.mutate(|ws| ws.import_parts(&bytes, format))
}

#[tauri::command]
fn parts_statistics(state: State<'_, AppState>, from: i64, to: i64) -> CmdResult<PartsStats> {
    state.read(|ws| ws.parts_statistics(from, to))
}

#[tauri::command]
fn export_parts_statistics(
    app: AppHandle,
    state: State<'_, AppState>,
    from: i64,
    to: i64,
    format: TableFormat,
) -> CmdResult<SavedFile> {
    use base64::Engine;
    let (bytes, ext) = match format {
        TableFormat::Csv => (
            state
                .read(|ws| ws.parts_statistics_csv(from, to))?
                .into_bytes(),
            "csv",
        ),
        TableFormat::Xlsx => (state.read(|ws| ws.parts_statistics_xlsx(from, to))?, "xlsx"),
    };
    let path = save_file(
        &app,
        "exports",
        &format!("parts-statistics-{from}-{to}.{ext}"),
        &bytes,
    )?;
    Ok(SavedFile {
        path,
        data_base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
    })
}

#[tauri::command]
fn map_data(state: State<'_, AppState>, from: i64, to: i64) -> CmdResult<MapData> {
    state.read(|ws| ws.map_data(from, to))
}

#[tauri::command]
fn session(state: State<'_, AppState>) -> CmdResult<Option<SessionInfo>> {
    let session = state.ws()?.session().cloned();
    Ok(session
        .filter(|_| state.http().is_some())
        .map(|session| SessionInfo {
            session,
            token_home: state.tokens.home(),
        }))
}

#[tauri::command]
async fn login(
    state: State<'_, AppState>,
    server_url: String,
    tenant: String,
    login: String,
    password: String,
) -> CmdResult<SessionInfo> {
    do_login(&state, &server_url, &tenant, &login, &password).await
}

async fn do_login(
    state: &AppState,
    server_url: &str,
    tenant: &str,
    login: &str,
    password: &str,
) -> CmdResult<SessionInfo> {
    let device = hostname();
    let (session, token) = sync::login(&state.ws, server_url, tenant, login, password, &device)
        .await
        .map_err(err)?;
    let token_home = state.tokens.save(&account_key(&session), &token);
    state.set_http(Some(
        SyncHttp::new(&session.server_url, &token).map_err(err)?,
    ));
    Ok(SessionInfo {
        session,
        token_home,
    })
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "desktop".into())
}

#[tauri::command]
async fn logout(state: State<'_, AppState>, discard: bool) -> CmdResult<()> {
    let session = state.ws()?.session().cloned();
    if let Some(http) = state.http() {
        // Best effort: the token is wiped locally whether or not the server is reachable.
        let _ = reqwest_logout(&http).await;
    }
    if let Some(s) = session {
        state.tokens.delete(&account_key(&s));
    }
    state.ws()?.sign_out(discard).map_err(err)?;
    state.set_http(None);
    Ok(())
}

async fn reqwest_logout(http: &SyncHttp) -> fieldops_core::Result<()> {
    sync::logout(http).await
}

#[tauri::command]
fn list_orders(state: State<'_, AppState>, filter: OrderFilter) -> CmdResult<Vec<OrderSummary>> {
    state.read(|ws| ws.list_orders(&filter))
}

#[tauri::command]
fn get_order(state: State<'_, AppState>, id: String) -> CmdResult<OrderDetail> {
    state.read(|ws| ws.get_order(&id))
}

#[tauri::command]
fn create_order(state: State<'_, AppState>, input: OrderInput) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.create_order(&input))
}

#[tauri::command]
fn update_order(
    state: State<'_, AppState>,
    id: String,
    input: OrderInput,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.update_order(&id, &input))
}

#[tauri::command]
fn dispatch_order(
    state: State<'_, AppState>,
    id: String,
    to: Vec<String>,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.dispatch_order(&id, &to))
}

#[tauri::command]
fn accept_order(state: State<'_, AppState>, id: String) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.accept_order(&id))
}

#[tauri::command]
fn reject_order(state: State<'_, AppState>, id: String, reason: String) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.reject_order(&id, &reason))
}

#[tauri::command]
fn start_travel(state: State<'_, AppState>, id: String) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.start_travel(&id))
}

/// FIELDOPS_SIMULATED_POSITION ("lat,lon[,accuracy]") scripts a position (demos, tests);
/// otherwise Android and iOS ask the platform, and desktop has no positioning (the UI then
/// asks for a manual position). A bad simulated value is reported and ignored.
fn location_provider(app: &AppHandle) -> Box<dyn LocationProvider> {
    if let Ok(text) = std::env::var("FIELDOPS_SIMULATED_POSITION") {
        match SimulatedLocation::parse(&text) {
            Ok(sim) => return Box::new(sim),
            Err(e) => eprintln!("FIELDOPS_SIMULATED_POSITION ignored: {e}"),
        }
    }
    #[cfg(mobile)]
    return Box::new(mobile_location::PluginLocation(app.clone()));
    #[cfg(desktop)]
    {
        let _ = app;
        Box::new(fieldops_core::location::NoLocation)
    }
}

/// The device's current position, or a clear error where it has none (the UI then asks for a
/// manual position).
#[tauri::command]
fn current_position(state: State<'_, AppState>) -> CmdResult<Position> {
    state.location.current().map_err(err)
}

#[tauri::command]
fn photo_watermark(state: State<'_, AppState>) -> CmdResult<bool> {
    state.read(|ws| ws.photo_watermark())
}

#[tauri::command]
fn set_photo_watermark(state: State<'_, AppState>, on: bool) -> CmdResult<bool> {
    state.mutate(|ws| ws.set_photo_watermark(on))
}

#[tauri::command]
fn geofence_default(state: State<'_, AppState>) -> CmdResult<i64> {
    state.read(|ws| ws.geofence_default())
}

#[tauri::command]
fn set_geofence_default(state: State<'_, AppState>, radius_m: i64) -> CmdResult<i64> {
    state.mutate(|ws| ws.set_geofence_default(radius_m))
}

#[tauri::command]
fn check_in(
    state: State<'_, AppState>,
    id: String,
    position: Option<Position>,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.check_in(&id, position))
}

#[tauri::command]
fn check_out(
    state: State<'_, AppState>,
    id: String,
    position: Option<Position>,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.check_out(&id, position))
}

#[tauri::command]
fn add_progress(state: State<'_, AppState>, id: String, note: String) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.add_progress(&id, &note))
}

#[tauri::command]
fn complete_order(
    state: State<'_, AppState>,
    id: String,
    resolution: String,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.complete_order(&id, &resolution))
}

#[tauri::command]
fn rate_order(
    state: State<'_, AppState>,
    id: String,
    stars: i64,
    comment: String,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.rate_order(&id, stars, &comment))
}

#[tauri::command]
fn settle_order(state: State<'_, AppState>, id: String) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.settle_order(&id))
}

#[tauri::command]
fn reopen_order(state: State<'_, AppState>, id: String, reason: String) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.reopen_order(&id, &reason))
}

#[tauri::command]
fn cancel_order(state: State<'_, AppState>, id: String, reason: String) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.cancel_order(&id, &reason))
}

#[tauri::command]
fn resolve_conflicts(
    state: State<'_, AppState>,
    id: String,
    note: String,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.resolve_conflicts(&id, &note))
}

#[tauri::command]
fn set_checklist_item(
    state: State<'_, AppState>,
    id: String,
    item_id: String,
    done: bool,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.set_checklist_item(&id, &item_id, done))
}

#[tauri::command]
fn put_charge(
    state: State<'_, AppState>,
    id: String,
    line_id: Option<String>,
    input: ChargeInput,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.put_charge(&id, line_id.as_deref(), &input))
}

#[tauri::command]
fn delete_charge(
    state: State<'_, AppState>,
    id: String,
    line_id: String,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.delete_charge(&id, &line_id))
}

#[tauri::command]
fn put_cost(
    state: State<'_, AppState>,
    id: String,
    line_id: Option<String>,
    input: CostInput,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.put_cost(&id, line_id.as_deref(), &input))
}

#[tauri::command]
fn delete_cost(state: State<'_, AppState>, id: String, line_id: String) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.delete_cost(&id, &line_id))
}

#[tauri::command]
fn add_labour_cost(
    state: State<'_, AppState>,
    id: String,
    rate_minor_per_hour: i64,
    currency: String,
) -> CmdResult<OrderDetail> {
    state.mutate(|ws| ws.add_labour_cost(&id, rate_minor_per_hour, &currency))
}

#[tauri::command]
fn capture_signature(
    state: State<'_, AppState>,
    id: String,
    png_base64: String,
    signer: String,
) -> CmdResult<OrderDetail> {
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(png_base64.trim())
        .map_err(|_| CoreError::invalid("the signature image is not valid base64").body())?;
    state.mutate(|ws| ws.capture_signature(&id, &png, &signer))
}

#[derive(Serialize)]
pub struct BlobData {
    content_type: String,
    data_base64: String,
}

/// A blob for display: from the device, or fetched (and verified) from the server.
/// Attach a site photo. The image work (decode, orient, resize, encode: up to a second for a
/// 12-megapixel photo) runs on a worker thread, outside the store lock.
#[tauri::command]
async fn attach_photo(
    state: State<'_, AppState>,
    id: String,
    data_base64: String,
    input: PhotoInput,
) -> CmdResult<OrderDetail> {
    use base64::Engine;
    if data_base64.len() > fieldops_core::photo::MAX_INPUT_BYTES / 3 * 4 + 8 {
        return Err(CoreError::invalid("the photo is larger than 25 MB").body());
    }
    state.read(|ws| ws.check_photo_input(&id, &input))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data_base64.trim())
        .map_err(|_| CoreError::invalid("the photo is not valid base64").body())?;
    let lines = state.read(|ws| ws.watermark_lines(&id, &input))?;
    let font = match &lines {
        Some(_) => Some(fieldops_core::fonts::find_cjk_font().map_err(err)?),
        None => None,
    };
    let processed = tauri::async_runtime::spawn_blocking(move || {
        let watermark = lines.zip(font.as_ref()).map(|(lines, (font, index))| {
            fieldops_core::photo::Watermark {
                lines,
                font,
                font_index: *index as u32,
            }
        });
        fieldops_core::photo::process_with(&bytes, watermark.as_ref())
    })
    .await
    .map_err(|e| CoreError::invalid(format!("the photo could not be processed: {e}")).body())?
    .map_err(err)?;
    state.mutate(|ws| ws.attach_processed_photo(&id, &processed, &input))
}

#[tauri::command]
async fn get_blob(state: State<'_, AppState>, hash: String) -> CmdResult<BlobData> {
    use base64::Engine;
    let http = state.http();
    let (content_type, bytes) = sync::fetch_blob(&state.ws, http.as_ref(), &hash)
        .await
        .map_err(err)?;
    Ok(BlobData {
        content_type,
        data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

#[derive(Serialize)]
pub struct SavedReport {
    path: String,
    bytes: usize,
    /// The PDF itself, so the UI can show it before it is shared.
    data_base64: String,
}

/// Make the service report PDF of a completed order and save it under the app's data folder.
#[tauri::command]
fn service_report(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<SavedReport> {
    let (font, index) = fieldops_core::report::find_cjk_font().map_err(err)?;
    let (pdf, name) = {
        let ws = state.ws()?;
        let company = ws.session().map(|s| s.tenant.clone()).unwrap_or_default();
        let number = ws.get_order(&id).map_err(err)?.summary.display_number;
        (
            fieldops_core::report::service_report(&ws, &id, &company, &font, index).map_err(err)?,
            number,
        )
    };
    let path = save_file(&app, "reports", &format!("{name}.pdf"), &pdf)?;
    Ok(SavedReport {
        path,
        bytes: pdf.len(),
        data_base64: {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(&pdf)
        },
    })
}

#[tauri::command]
fn templates(state: State<'_, AppState>) -> CmdResult<Vec<TemplateView>> {
    state.read(|ws| ws.templates())
}

#[tauri::command]
fn save_template(
    state: State<'_, AppState>,
    order_type: OrderType,
    template: Template,
) -> CmdResult<Vec<TemplateView>> {
    state.mutate(|ws| ws.save_template(order_type, &template))
}

#[tauri::command]
fn list_records(state: State<'_, AppState>, filter: RecordFilter) -> CmdResult<Vec<RecordView>> {
    state.read(|ws| ws.list_records(&filter))
}

#[tauri::command]
fn list_equipment(
    state: State<'_, AppState>,
    filter: EquipmentFilter,
) -> CmdResult<Vec<EquipmentView>> {
    state.read(|ws| ws.list_equipment(&filter))
}

#[tauri::command]
fn create_equipment(state: State<'_, AppState>, info: EquipmentInfo) -> CmdResult<EquipmentView> {
    state.mutate(|ws| ws.create_equipment(&info))
}

#[tauri::command]
fn update_equipment(
    state: State<'_, AppState>,
    id: String,
    info: EquipmentInfo,
) -> CmdResult<EquipmentView> {
    state.mutate(|ws| ws.update_equipment(&id, &info))
}

#[tauri::command]
fn list_projects(
    state: State<'_, AppState>,
    customer_id: Option<String>,
) -> CmdResult<Vec<ProjectView>> {
    state.read(|ws| ws.list_projects(customer_id.as_deref()))
}

#[tauri::command]
fn create_project(state: State<'_, AppState>, info: ProjectInfo) -> CmdResult<ProjectView> {
    state.mutate(|ws| ws.create_project(&info))
}

#[tauri::command]
fn update_project(
    state: State<'_, AppState>,
    id: String,
    info: ProjectInfo,
) -> CmdResult<ProjectView> {
    state.mutate(|ws| ws.update_project(&id, &info))
}

#[tauri::command]
fn list_customers(state: State<'_, AppState>) -> CmdResult<Vec<CustomerView>> {
    state.read(|ws| ws.list_customers())
}

#[tauri::command]
fn create_customer(state: State<'_, AppState>, input: CustomerInput) -> CmdResult<CustomerView> {
    state.mutate(|ws| ws.create_customer(&input))
}

#[tauri::command]
fn update_customer(
    state: State<'_, AppState>,
    id: String,
    input: CustomerInput,
) -> CmdResult<CustomerView> {
    state.mutate(|ws| ws.update_customer(&id, &input))
}

#[tauri::command]
fn directory(state: State<'_, AppState>) -> CmdResult<Vec<UserInfo>> {
    state.read(|ws| ws.directory())
}

#[tauri::command]
fn sync_status(state: State<'_, AppState>) -> CmdResult<SyncStatus> {
    state.read(|ws| ws.sync_status())
}

#[tauri::command]
async fn sync_now(app: AppHandle, state: State<'_, AppState>) -> CmdResult<SyncReport> {
    let http = state.http().ok_or_else(|| CoreError::NotSignedIn.body())?;
    let result = sync::sync_now(&state.ws, &http).await;
    announce(&app, &state, result.as_ref().ok());
    result.map_err(err)
}

/// Tell the UI the sync state changed (and whether data arrived).
fn announce(app: &AppHandle, state: &AppState, report: Option<&SyncReport>) {
    if let Ok(status) = state.read(|ws| ws.sync_status()) {
        let _ = app.emit("fieldops://sync-status", status);
    }
    if report
        .is_some_and(|r| r.pulled > 0 || r.revoked > 0 || r.accepted > 0 || !r.rejected.is_empty())
    {
        let _ = app.emit("fieldops://data-changed", ());
    }
}

/// Keeps the device in sync without ever blocking the UI.
async fn sync_task(app: AppHandle) {
    let state = app.state::<AppState>();
    let mut failures = 0u32;
    loop {
        if let Some(http) = state.http() {
            let result = sync::sync_now(&state.ws, &http).await;
            failures = match &result {
                Err(CoreError::Network(_)) => failures.saturating_add(1),
                _ => 0,
            };
            if let Err(CoreError::Server { code, .. }) = &result
                && (code == "invalid_token" || code == "token_expired")
            {
                // The server no longer accepts this device's token: ask the person to sign in.
                state.set_http(None);
                let _ = app.emit("fieldops://signed-out", code.clone());
            }
            announce(&app, &state, result.as_ref().ok());
        }
        tokio::select! {
            _ = state.wake.notified() => {
                // Debounce: gather a burst of edits into one sync.
                tokio::time::sleep(Duration::from_millis(700)).await;
            }
            _ = tokio::time::sleep(sync::retry_delay(failures)) => {}
        }
    }
}

/// Listens to the server's live feed and wakes the sync task when it advances.
async fn live_events_task(app: AppHandle) {
    let state = app.state::<AppState>();
    loop {
        let Some(http) = state.http() else {
            state.session_changed.notified().await;
            continue;
        };
        match http.events().await {
            Ok(mut stream) => loop {
                tokio::select! {
                    next = stream.next() => match next {
                        Ok(_) => state.wake.notify_one(),
                        Err(_) => break,
                    },
                    _ = state.session_changed.notified() => break,
                }
            },
            Err(_) => {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                    _ = state.session_changed.notified() => {}
                }
            }
        }
    }
}

fn data_dir(app: &AppHandle) -> PathBuf {
    match std::env::var_os("FIELDOPS_DATA_DIR") {
        Some(d) => PathBuf::from(d),
        None => app
            .path()
            .app_data_dir()
            .unwrap_or_else(|_| PathBuf::from(".")),
    }
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let builder = tauri::Builder::default();
    // Positions on Android and iOS (see mobile_location.rs).
    #[cfg(mobile)]
    let builder = builder.plugin(tauri_plugin_geolocation::init());
    builder
        .setup(|app| {
            let dir = data_dir(app.handle());
            std::fs::create_dir_all(&dir)?;
            let ws = Workspace::open(&dir.join("fieldops.sqlite"))?;
            let tokens = Tokens::new();
            let http = ws.session().and_then(|s| {
                tokens
                    .load(&account_key(s))
                    .and_then(|t| SyncHttp::new(&s.server_url, &t).ok())
            });
            app.manage(AppState {
                ws: Arc::new(Mutex::new(ws)),
                http: Mutex::new(http),
                tokens,
                wake: Arc::new(Notify::new()),
                session_changed: Arc::new(Notify::new()),
                location: location_provider(app.handle()),
            });
            // Load the gazetteer in the background, so the first check-in view does not wait.
            std::thread::spawn(|| fieldops_core::address::offline_address(0.0, 0.0, &[]));
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                auto_login(&handle).await;
                tauri::async_runtime::spawn(live_events_task(handle.clone()));
                sync_task(handle).await;
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            defaults,
            session,
            login,
            logout,
            list_orders,
            get_order,
            create_order,
            update_order,
            dispatch_order,
            accept_order,
            reject_order,
            start_travel,
            check_in,
            check_out,
            add_progress,
            complete_order,
            rate_order,
            settle_order,
            reopen_order,
            cancel_order,
            resolve_conflicts,
            set_checklist_item,
            put_charge,
            delete_charge,
            put_cost,
            delete_cost,
            add_labour_cost,
            list_records,
            templates,
            save_template,
            service_report,
            capture_signature,
            get_blob,
            attach_photo,
            map_data,
            list_parts,
            set_part_photo,
            parts_statistics,
            export_parts_statistics,
            export_parts,
            import_parts,
            create_part,
            update_part,
            list_categories,
            create_category,
            update_category,
            list_locations,
            create_location,
            update_location,
            record_movement,
            transfer_stock,
            stock_take,
            stock_levels,
            stock_movements,
            stock_alerts,
            use_part,
            list_requests,
            create_request,
            approve_request,
            reject_request,
            cancel_request,
            issue_request,
            receive_request,
            resolve_addresses,
            clock,
            attendance_state,
            attendance_report,
            export_attendance,
            current_position,
            photo_watermark,
            set_photo_watermark,
            geofence_default,
            set_geofence_default,
            list_equipment,
            create_equipment,
            update_equipment,
            list_projects,
            create_project,
            update_project,
            list_customers,
            create_customer,
            update_customer,
            directory,
            sync_status,
            sync_now,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("FieldOps could not start: {e}");
            std::process::exit(1);
        });
}

/// `make run` signs the demo user in: FIELDOPS_SERVER_URL, FIELDOPS_TENANT, FIELDOPS_LOGIN and
/// FIELDOPS_PASSWORD, used only when nobody is signed in yet.
async fn auto_login(app: &AppHandle) {
    let state = app.state::<AppState>();
    if state.http().is_some() {
        return;
    }
    let vars = [
        "FIELDOPS_SERVER_URL",
        "FIELDOPS_TENANT",
        "FIELDOPS_LOGIN",
        "FIELDOPS_PASSWORD",
    ]
    .map(|k| std::env::var(k).ok());
    if let [Some(url), Some(tenant), Some(login), Some(password)] = vars {
        match do_login(&state, &url, &tenant, &login, &password).await {
            Ok(info) => {
                let _ = app.emit("fieldops://signed-in", info);
            }
            Err(e) => eprintln!("automatic sign-in failed: {}", e.message),
        }
    }
}
