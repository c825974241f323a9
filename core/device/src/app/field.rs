//! Field evidence: positions, check-in addresses, photos, blobs, attendance and the map.

use crate::geo::{LatLon, MapCrs, Position};
use crate::model::attendance::ClockKind;
use crate::model::settings::TileService;
use crate::workspace::{AttendanceRow, AttendanceState, MapData, OrderDetail, PhotoInput};

use super::{App, decode_base64, encode_base64};

/// A file the device saved, with its bytes for a download link in the UI.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
pub struct SavedFile {
    pub path: String,
    /// The file itself (base64).
    pub data_base64: String,
}

/// A blob for display.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
pub struct BlobData {
    pub content_type: String,
    pub data_base64: String,
}

commands! {
    write fn clock(ws, kind: ClockKind, position: Option<Position>) -> AttendanceState { ws.clock(kind, position) }
    read fn attendance_state(ws) -> AttendanceState { ws.attendance_state() }
    read fn attendance_report(ws, from: String, to: String, tz_offset_min: i64) -> Vec<AttendanceRow> { ws.attendance_report(&from, &to, tz_offset_min) }
    read fn map_data(ws, from: i64, to: i64) -> MapData { ws.map_data(from, to) }
    /// Whether a geocoding service is configured (FIELDOPS_GEOCODER_URL): the site editor then
    /// offers to find a typed address.
    read fn geocoder_configured(ws) -> bool { let _ = ws; Ok(geocoder_url().is_some()) }
    /// Where a typed address is, from the configured geocoding service (at most five places).
    task fn geocode_address(app, text: String, language: String) -> Vec<crate::address::GeocodeHit> {
        let _ = &app;
        let Some(url) = geocoder_url() else {
            return Err(crate::DeviceError::invalid("no geocoding service is configured"));
        };
        let client = crate::net::http_client(std::time::Duration::from_secs(10))?;
        crate::address::geocode(&client, &url, &text, crate::address::accept_language(&language), std::time::Duration::from_secs(8)).await
    }
    /// The tiles maps draw on when online (the company's service); none: the offline base map.
    read fn tile_service(ws) -> Option<TileService> { ws.tile_service() }
    /// Administrators set the company's tile service, or remove it (None).
    write fn set_tile_service(ws, service: Option<TileService>) -> Option<TileService> { ws.set_tile_service(service.as_ref()) }
    /// Stored (WGS-84) positions in a map's coordinate system, for drawing.
    read fn to_map_coordinates(ws, crs: MapCrs, points: Vec<LatLon>) -> Vec<LatLon> {
        let _ = ws;
        Ok(points.into_iter().map(|p| { let (lat, lon) = crs.from_wgs84(p.lat, p.lon); LatLon { lat, lon } }).collect())
    }
    /// A point picked on a map in `crs` as the WGS-84 position to store.
    read fn from_map_coordinates(ws, crs: MapCrs, point: LatLon) -> LatLon {
        let _ = ws;
        let (lat, lon) = crs.to_wgs84(point.lat, point.lon);
        Ok(LatLon { lat, lon })
    }
    /// The attendance report as CSV, saved under the app's files folder (exports/).
    task fn export_attendance(app, from: String, to: String, tz_offset_min: i64) -> SavedFile {
        let csv = app.read(|ws| ws.attendance_csv(&from, &to, tz_offset_min))?;
        let path = app.save_file("exports", &format!("attendance-{from}-{to}.csv"), csv.as_bytes())?;
        Ok(SavedFile { path, data_base64: encode_base64(csv.as_bytes()) })
    }
    /// The device's position; fails with a clear message where it has none (desktop).
    task fn current_position(app) -> Position {
        let app2 = app.clone();
        crate::app::declare::blocking(move || app2.platform.location().current()).await
    }
    /// Ask the configured geocoding service for the check-ins' full addresses (no-op when none).
    task fn resolve_addresses(app, id: String, language: String) -> OrderDetail {
        resolve_addresses(&app, &id, &language).await
    }
    /// A site photo as picked (JPEG, PNG or WebP; base64, no data: prefix). The image work
    /// (decode, orient, resize, encode: up to a second for 12 megapixels) runs on a worker
    /// thread, outside the store lock.
    task fn attach_photo(app, id: String, data_base64: String, input: PhotoInput) -> OrderDetail {
        app.read(|ws| ws.check_photo_input(&id, &input))?;
        let bytes = decode_base64(&data_base64, crate::photo::MAX_INPUT_BYTES, "photo")?;
        let lines = app.read(|ws| ws.watermark_lines(&id, &input))?;
        let processed = crate::app::declare::blocking(move || {
            let font = lines
                .as_ref()
                .map(|l| crate::fonts::cjk_font_for(&l.join(" "), crate::fonts::SYSTEM_CJK_FONTS));
            let watermark = lines.zip(font.as_ref()).map(|(lines, (font, index))| {
                crate::photo::Watermark { lines, font, font_index: *index as u32 }
            });
            Ok(crate::photo::process_with(&bytes, watermark.as_ref())?)
        })
        .await?;
        app.mutate(|ws| ws.attach_processed_photo(&id, &processed, &input))
    }
    /// A blob for display: from the device, or fetched (and verified) from the server.
    task fn get_blob(app, hash: String) -> BlobData {
        let (content_type, bytes) = crate::sync::fetch_blob(&app.ws, app.http().as_ref(), &hash).await?;
        Ok(BlobData { content_type, data_base64: encode_base64(&bytes) })
    }
}

/// The configured geocoding service (Nominatim-compatible), if any.
fn geocoder_url() -> Option<String> {
    std::env::var("FIELDOPS_GEOCODER_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// Full addresses of an order's check-ins from the configured reverse-geocoding service
/// (FIELDOPS_GEOCODER_URL, Nominatim-compatible; off by default), at most one request a
/// second as such services ask; the answers are kept on the device.
async fn resolve_addresses(app: &App, id: &str, language: &str) -> crate::Result<OrderDetail> {
    let Some(url) = geocoder_url() else {
        return app.read(|ws| ws.get_order(id));
    };
    let language = crate::address::accept_language(language);
    let todo = app.read(|ws| ws.positions_to_geocode(id))?;
    let client = crate::net::http_client(std::time::Duration::from_secs(10))?;
    for (i, (lat, lon)) in todo.into_iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        let text = crate::address::reverse_geocode(
            &client,
            &url,
            lat,
            lon,
            language,
            std::time::Duration::from_secs(8),
        )
        .await?;
        app.read(|ws| ws.cache_geocoded(lat, lon, &text))?;
    }
    app.read(|ws| ws.get_order(id))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use crate::app::App;
    use crate::app::test_platform::TestPlatform;
    use crate::geo::Position;
    use crate::location::{LocationProvider, SimulatedLocation};

    /// A phone's location service that takes its time for a fix.
    struct Slow(Duration);

    impl LocationProvider for Slow {
        fn current(&self) -> crate::Result<Position> {
            std::thread::sleep(self.0);
            SimulatedLocation::parse("31.2304,121.4737,8")?.current()
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_position_holds_up_no_other_command() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(
            dir.path(),
            Box::new(TestPlatform::new(Slow(Duration::from_secs(3)))),
        )
        .unwrap();
        let position = tokio::spawn({
            let app = app.clone();
            async move { app.call("current_position", json!({})).await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        // Other commands, reads and writes alike, answer while the fix is awaited.
        app.call("sync_status", json!({})).await.unwrap();
        app.call("defaults", json!({})).await.unwrap();
        assert!(
            !position.is_finished(),
            "the position came back too soon to prove anything"
        );
        let p = position.await.unwrap().unwrap();
        assert_eq!(p["source"], "simulated");
    }
}
