//! Positions on Android and iOS, through the Tauri geolocation plugin. Only compiled for
//! mobile targets: on desktop the plugin answers with a zeroed position and no error, so
//! desktop keeps the manual and simulated providers.

use fieldops_device::Refusal;
use fieldops_device::error::{DeviceError, Result};
use fieldops_device::geo::Position;
use fieldops_device::location::{LocationProvider, PlatformFix};
use tauri::plugin::PermissionState;
use tauri::{AppHandle, Runtime};
use tauri_plugin_geolocation::{GeolocationExt, PermissionType, PositionOptions};

pub struct PluginLocation<R: Runtime>(pub AppHandle<R>);

fn unavailable(e: tauri_plugin_geolocation::Error) -> DeviceError {
    eprintln!("fieldops: the location service failed: {e}");
    DeviceError::refused(Refusal::NoPositionFix)
}

impl<R: Runtime> LocationProvider for PluginLocation<R> {
    fn current(&self) -> Result<Position> {
        let geo = self.0.geolocation();
        let status = geo.check_permissions().map_err(unavailable)?;
        if status.location != PermissionState::Granted {
            let asked = geo
                .request_permissions(Some(vec![PermissionType::Location]))
                .map_err(unavailable)?;
            if asked.location != PermissionState::Granted {
                return Err(DeviceError::refused(Refusal::LocationNotPermitted));
            }
        }
        let p = geo
            .get_current_position(Some(PositionOptions {
                enable_high_accuracy: true,
                timeout: 15_000,
                maximum_age: 30_000,
            }))
            .map_err(unavailable)?;
        PlatformFix {
            latitude: p.coords.latitude,
            longitude: p.coords.longitude,
            accuracy_m: p.coords.accuracy,
            altitude_m: p.coords.altitude,
            // The plugin does not pass Android's mock-location flag on.
            mock: None,
        }
        .into_position()
    }
}
