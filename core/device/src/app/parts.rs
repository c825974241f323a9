//! Spare parts: catalogue, categories, stock places and movements, requests, statistics and
//! catalogue files.

use std::collections::BTreeMap;

use crate::model::part_request::RequestStatus;
use crate::model::stock::{LocationKind, MovementKind, PartInfo};
use crate::workspace::{
    CategoryView, ImportReport, LevelView, LocationView, MovementView, OrderDetail, PartView,
    PartsStats, RequestLineInput, RequestView, StockAlert, StockCount, StockTakeLine, TableFormat,
};

use super::field::SavedFile;
use super::{decode_base64, encode_base64};

commands! {
    read fn list_parts(ws, text: Option<String>) -> Vec<PartView> { ws.list_parts(text.as_deref()) }
    write fn create_part(ws, info: PartInfo) -> PartView { ws.create_part(&info) }
    write fn update_part(ws, id: String, info: PartInfo) -> PartView { ws.update_part(&id, &info) }
    read fn list_categories(ws) -> Vec<CategoryView> { ws.list_categories() }
    write fn create_category(ws, name: String, parent_id: Option<String>) -> CategoryView { ws.create_category(&name, parent_id.as_deref()) }
    write fn update_category(ws, id: String, name: String, parent_id: Option<String>) -> CategoryView { ws.update_category(&id, &name, parent_id.as_deref()) }
    write fn update_location(ws, id: String, name: String, owner: Option<String>) -> LocationView { ws.update_location(&id, &name, owner.as_deref()) }
    read fn list_locations(ws) -> Vec<LocationView> { ws.list_locations() }
    write fn create_location(ws, kind: LocationKind, name: String, owner: Option<String>) -> LocationView { ws.create_location(kind, &name, owner.as_deref()) }
    write fn record_movement(ws, location_id: String, part_id: String, kind: MovementKind, qty: i64, note: String) -> Vec<LevelView> { ws.record_movement(&location_id, &part_id, kind, qty, &note) }
    write fn stock_take(ws, location_id: String, counts: Vec<StockCount>, note: String) -> Vec<StockTakeLine> { ws.stock_take(&location_id, &counts, &note) }
    write fn transfer_stock(ws, from: String, to: String, part_id: String, qty: i64, note: String) -> () { ws.transfer(&from, &to, &part_id, qty, &note) }
    read fn stock_levels(ws, location_id: Option<String>, part_id: Option<String>) -> Vec<LevelView> { ws.levels(location_id.as_deref(), part_id.as_deref()) }
    read fn stock_movements(ws, location_id: String, part_id: String) -> Vec<MovementView> { ws.movements(&location_id, &part_id) }
    read fn stock_alerts(ws) -> Vec<StockAlert> { ws.stock_alerts() }
    write fn use_part(ws, order_id: String, part_id: String, qty: i64, location_id: String) -> OrderDetail { ws.use_part(&order_id, &part_id, qty, &location_id) }
    read fn list_requests(ws, status: Option<RequestStatus>) -> Vec<RequestView> { ws.list_requests(status) }
    write fn create_request(ws, to_location: String, order_id: Option<String>, lines: Vec<RequestLineInput>) -> RequestView { ws.create_request(&to_location, order_id.as_deref(), &lines) }
    write fn approve_request(ws, id: String, quantities: BTreeMap<String, i64>) -> RequestView { ws.approve_request(&id, &quantities) }
    write fn reject_request(ws, id: String, reason: String) -> RequestView { ws.reject_request(&id, &reason) }
    write fn cancel_request(ws, id: String) -> RequestView { ws.cancel_request(&id) }
    write fn issue_request(ws, id: String, from_location: String) -> RequestView { ws.issue_request(&id, &from_location) }
    write fn receive_request(ws, id: String) -> RequestView { ws.receive_request(&id) }
    read fn parts_statistics(ws, from: i64, to: i64) -> PartsStats { ws.parts_statistics(from, to) }
    /// A picture of a part (JPEG, PNG or WebP; base64).
    write fn set_part_photo(ws, id: String, data_base64: String) -> PartView {
        let bytes = decode_base64(&data_base64, crate::photo::MAX_INPUT_BYTES, "photo")?;
        ws.set_part_photo(&id, &bytes)
    }
    /// A CSV or XLSX file with a header row (base64): all rows or none.
    write fn import_parts(ws, data_base64: String, format: TableFormat) -> ImportReport {
        let bytes = decode_base64(&data_base64, crate::workspace::MAX_IMPORT_BYTES, "file")?;
        ws.import_parts(&bytes, format)
    }
    /// The parts catalogue as CSV or XLSX, saved under the app's files folder (exports/).
    task fn export_parts(app, format: TableFormat) -> SavedFile {
        let bytes = app.read(|ws| match format {
            TableFormat::Csv => ws.export_parts_csv().map(String::into_bytes),
            TableFormat::Xlsx => ws.export_parts_xlsx(),
        })?;
        let name = format!("parts-{}.{}", crate::model::now_ms(), format.extension());
        let path = app.save_file("exports", &name, &bytes)?;
        Ok(SavedFile { path, data_base64: encode_base64(&bytes) })
    }
    /// Parts statistics for [from, to) as CSV or XLSX, saved under exports/.
    task fn export_parts_statistics(app, from: i64, to: i64, format: TableFormat) -> SavedFile {
        let bytes = app.read(|ws| match format {
            TableFormat::Csv => ws.parts_statistics_csv(from, to).map(String::into_bytes),
            TableFormat::Xlsx => ws.parts_statistics_xlsx(from, to),
        })?;
        let name = format!("parts-statistics-{from}-{to}.{}", format.extension());
        let path = app.save_file("exports", &name, &bytes)?;
        Ok(SavedFile { path, data_base64: encode_base64(&bytes) })
    }
}
