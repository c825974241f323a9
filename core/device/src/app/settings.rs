//! Tenant settings: order templates, photo watermark, geofence default; the user directory.

use crate::model::order::OrderType;
use crate::model::settings::{CompanyProfile, ResponseTargets, Team, Template, WorkDay};
use crate::protocol::UserInfo;
use crate::workspace::{TeamView, TemplateView};

commands! {
    read fn photo_watermark(ws) -> bool { ws.photo_watermark() }
    write fn set_photo_watermark(ws, on: bool) -> bool { ws.set_photo_watermark(on) }
    read fn geofence_default(ws) -> i64 { ws.geofence_default() }
    write fn set_geofence_default(ws, radius_m: i64) -> i64 { ws.set_geofence_default(radius_m) }
    read fn templates(ws) -> Vec<TemplateView> { ws.templates() }
    write fn save_template(ws, order_type: OrderType, template: Template) -> Vec<TemplateView> { ws.save_template(order_type, &template) }
    read fn response_targets(ws) -> ResponseTargets { ws.response_targets() }
    /// Administrators set how soon after creation orders should reach each stage.
    write fn set_response_targets(ws, targets: ResponseTargets) -> ResponseTargets { ws.set_response_targets(&targets) }
    read fn company_profile(ws) -> CompanyProfile { ws.company_profile() }
    read fn work_day(ws) -> WorkDay { ws.work_day() }
    /// Administrators set the working day the schedule board measures load and free slots in.
    write fn set_work_day(ws, day: WorkDay) -> WorkDay { ws.set_work_day(&day) }
    /// Administrators set what the service report prints about the company (a new logo is scaled to fit).
    write fn set_company_profile(ws, profile: CompanyProfile) -> CompanyProfile { ws.set_company_profile(&profile) }
    read fn teams(ws) -> Vec<TeamView> { ws.teams() }
    /// Administrators make a team (no id) or change one.
    write fn save_team(ws, id: Option<String>, team: Team) -> Vec<TeamView> { ws.save_team(id.as_deref(), &team) }
    write fn remove_team(ws, id: String) -> Vec<TeamView> { ws.remove_team(&id) }
    read fn directory(ws) -> Vec<UserInfo> { ws.directory() }
    /// The technicians new work may go to (active ones).
    read fn technicians(ws) -> Vec<UserInfo> { ws.technicians() }
}
