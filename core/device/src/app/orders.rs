//! Work orders: the list, the lifecycle, money lines, the checklist, the signature and
//! the service report.

use crate::geo::Position;
use crate::model::order::OrderInput;
use crate::store::{OrderFilter, RecordFilter};
use crate::workspace::{
    ChargeInput, CostInput, OrderDetail, OrderSummary, RecordView, ScheduleBoard, ScheduleQuery,
    Settlement,
};

use super::{decode_base64, encode_base64};

/// A PDF the device made and saved, with its bytes for the preview.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
pub struct SavedReport {
    pub path: String,
    pub bytes: usize,
    /// The PDF itself, so the UI can show it before it is shared.
    pub data_base64: String,
}

commands! {
    /// Completed and settled orders with margins and totals per currency.
    read fn settlement(ws) -> Settlement { ws.settlement() }
    read fn list_orders(ws, filter: OrderFilter) -> Vec<OrderSummary> { ws.list_orders(&filter) }
    read fn get_order(ws, id: String) -> OrderDetail { ws.get_order(&id) }
    write fn create_order(ws, input: OrderInput) -> OrderDetail { ws.create_order(&input) }
    write fn update_order(ws, id: String, input: OrderInput) -> OrderDetail { ws.update_order(&id, &input) }
    /// Dispatch or reassign; taking technicians off work under way needs `over_work` (refused
    /// with `work_under_way` otherwise, naming them).
    write fn dispatch_order(ws, id: String, to: Vec<String>, over_work: bool) -> OrderDetail { ws.dispatch_order(&id, &to, over_work) }
    /// The dispatcher's schedule of a day or a week: each technician's planned orders on a time
    /// axis, their load and next free slot, and the orders nobody leads.
    read fn schedule_board(ws, query: ScheduleQuery) -> ScheduleBoard { ws.schedule_board(&query) }
    /// Put an order on a technician at a time, keeping its duration; without a time, its own
    /// or the technician's next free slot (`over_work` as in dispatch).
    write fn plan_order(ws, id: String, technician: String, start: Option<i64>, over_work: bool) -> OrderDetail { ws.plan_order(&id, &technician, start, over_work) }
    /// The technician saw who took their order over: the device lets go of it.
    write fn acknowledge_reassignment(ws, id: String) -> () { ws.acknowledge_reassignment(&id) }
    write fn accept_order(ws, id: String) -> OrderDetail { ws.accept_order(&id) }
    write fn reject_order(ws, id: String, reason: String) -> OrderDetail { ws.reject_order(&id, &reason) }
    write fn start_travel(ws, id: String) -> OrderDetail { ws.start_travel(&id) }
    write fn check_in(ws, id: String, position: Option<Position>) -> OrderDetail { ws.check_in(&id, position) }
    write fn check_out(ws, id: String, position: Option<Position>) -> OrderDetail { ws.check_out(&id, position) }
    write fn add_progress(ws, id: String, note: String) -> OrderDetail { ws.add_progress(&id, &note) }
    write fn complete_order(ws, id: String, resolution: String) -> OrderDetail { ws.complete_order(&id, &resolution) }
    write fn rate_order(ws, id: String, stars: i64, comment: String) -> OrderDetail { ws.rate_order(&id, stars, &comment) }
    /// Settle a completed order; without cost lines it needs `without_costs` (the supervisor said so).
    write fn settle_order(ws, id: String, without_costs: bool) -> OrderDetail { ws.settle_order(&id, without_costs) }
    /// Withdraw the customer's signature so the worksheet can change; the customer signs again.
    write fn withdraw_signature(ws, id: String, reason: String) -> OrderDetail { ws.withdraw_signature(&id, &reason) }
    write fn reopen_order(ws, id: String, reason: String) -> OrderDetail { ws.reopen_order(&id, &reason) }
    write fn cancel_order(ws, id: String, reason: String) -> OrderDetail { ws.cancel_order(&id, &reason) }
    /// Take a customer's portal request into the normal flow (decline it with `cancel_order`).
    write fn accept_request(ws, id: String) -> OrderDetail { ws.accept_request(&id) }
    /// Show words to the customer on their tracking page.
    write fn share_with_customer(ws, id: String, text: String) -> OrderDetail { ws.share_with_customer(&id, &text) }
    write fn resolve_conflicts(ws, id: String, note: String) -> OrderDetail { ws.resolve_conflicts(&id, &note) }
    write fn set_checklist_item(ws, id: String, item_id: String, done: bool) -> OrderDetail { ws.set_checklist_item(&id, &item_id, done) }
    write fn put_charge(ws, id: String, line_id: Option<String>, input: ChargeInput) -> OrderDetail { ws.put_charge(&id, line_id.as_deref(), &input) }
    write fn delete_charge(ws, id: String, line_id: String) -> OrderDetail { ws.delete_charge(&id, &line_id) }
    write fn put_cost(ws, id: String, line_id: Option<String>, input: CostInput) -> OrderDetail { ws.put_cost(&id, line_id.as_deref(), &input) }
    write fn delete_cost(ws, id: String, line_id: String) -> OrderDetail { ws.delete_cost(&id, &line_id) }
    write fn add_labour_cost(ws, id: String, rate_minor_per_hour: i64, currency: String) -> OrderDetail { ws.add_labour_cost(&id, rate_minor_per_hour, &currency) }
    read fn list_records(ws, filter: RecordFilter) -> Vec<RecordView> { ws.list_records(&filter) }
    /// The customer's signature as a PNG (base64, no data: prefix).
    write fn capture_signature(ws, id: String, png_base64: String, signer: String) -> OrderDetail {
        let png = decode_base64(&png_base64, 2 * 1024 * 1024, "signature image")?;
        ws.capture_signature(&id, &png, &signer)
    }
    /// Make the service report PDF of a completed order and save it on the device.
    task fn service_report(app, id: String) -> SavedReport {
        let (pdf, name) = crate::app::declare::blocking({
            let app = app.clone();
            move || app.read(|ws| service_report_pdf(ws, &id))
        })
        .await?;
        let path = app.save_file("reports", &format!("{name}.pdf"), &pdf)?;
        Ok(SavedReport { path, bytes: pdf.len(), data_base64: encode_base64(&pdf) })
    }
}

/// The report's bytes and the order's number (its file name).
fn service_report_pdf(
    ws: &crate::workspace::Workspace,
    id: &str,
) -> crate::Result<(Vec<u8>, String)> {
    let profile = ws.company_profile()?;
    let order = ws.get_order(id)?;
    let number = order.summary.display_number.clone();
    // Every word the report can print is in the order's view and the company's profile.
    let words = format!(
        "{} {} {}",
        ws.company_name(),
        profile.address,
        serde_json::to_string(&order).unwrap_or_default()
    );
    let (font, index) = crate::report::cjk_font_for(&words, crate::report::SYSTEM_CJK_FONTS);
    Ok((crate::report::service_report(ws, id, &font, index)?, number))
}
