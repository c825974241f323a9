//! The FieldOps app shell: the device application (`fieldops_device::app`) behind one Tauri
//! command, plus what only the shell has: the window's events, the data folder and, on
//! Android and iOS, the platform's positions. The secure store is core's
//! (`app::PlatformSecrets`). Every command the UI calls is declared once in core; this file
//! never lists them.

#[cfg(mobile)]
mod mobile_location;

use std::path::PathBuf;
use std::sync::Arc;

use fieldops_device::ErrorBody;
use fieldops_device::app::{App, Platform, PlatformSecrets, Secrets};
use fieldops_device::location::{LocationProvider, SimulatedLocation};
use serde_json::Value;
use tauri::{AppHandle, Emitter, Manager, State};

struct ShellPlatform {
    handle: AppHandle,
    secrets: PlatformSecrets,
    location: Box<dyn LocationProvider>,
    data_dir: PathBuf,
}

impl Platform for ShellPlatform {
    fn emit(&self, event: &str, payload: Value) {
        let _ = self.handle.emit(&format!("fieldops://{event}"), payload);
    }
    fn secrets(&self) -> &dyn Secrets {
        &self.secrets
    }
    fn location(&self) -> &dyn LocationProvider {
        self.location.as_ref()
    }
    fn files_dir(&self) -> PathBuf {
        self.data_dir.clone()
    }
    fn device_name(&self) -> String {
        std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "desktop".into())
    }
}

/// The one IPC entry: `invoke("call", { command, args })` from the generated client.
#[tauri::command]
async fn call(
    state: State<'_, Arc<App>>,
    command: String,
    args: Value,
) -> Result<Value, ErrorBody> {
    state.call(&command, args).await
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
        Box::new(fieldops_device::location::NoLocation)
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
    // The camera scanner (parts' barcodes, machines' labels); the UI calls it directly and
    // looks the code up with `scan_code` like any typed code.
    #[cfg(mobile)]
    let builder = builder.plugin(tauri_plugin_barcode_scanner::init());
    builder
        .setup(|app| {
            let handle = app.handle().clone();
            let dir = data_dir(&handle);
            let platform = ShellPlatform {
                location: location_provider(&handle),
                secrets: PlatformSecrets::new(),
                data_dir: dir.clone(),
                handle,
            };
            let device = App::open(&dir, Box::new(platform))?;
            app.manage(device.clone());
            // Load the gazetteer in the background, so the first check-in view does not wait.
            std::thread::spawn(|| fieldops_device::address::offline_address(0.0, 0.0, &[]));
            tauri::async_runtime::spawn(device.run_background());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![call])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("FieldOps could not start: {e}");
            std::process::exit(1);
        });
}
