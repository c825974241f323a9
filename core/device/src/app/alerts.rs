//! Alerts, maintenance plans and the company's alert rules.

use crate::alerts::{AlertKind, AlertRule};
use crate::model::plan::Plan;
use crate::workspace::{
    AlertFilter, AlertList, AlertSettings, OrderDetail, PlanView, PlannedVisit,
};

commands! {
    /// Current alerts (due soon, overdue, set aside) of what this device holds, on today's
    /// date in the company's calendar.
    read fn alerts(ws, filter: AlertFilter) -> AlertList { ws.alerts(&filter) }
    /// A supervisor sets an alert aside with a reason; a planned visit is then skipped.
    write fn acknowledge_alert(ws, key: String, reason: String) -> AlertList { ws.acknowledge_alert(&key, &reason) }
    /// The order of a due visit, marked as that visit's (an existing one is returned instead).
    write fn create_order_from_alert(ws, key: String, description: String) -> OrderDetail { ws.create_order_from_alert(&key, &description) }
    read fn equipment_plans(ws, equipment_id: String) -> Vec<PlanView> { ws.equipment_plans(&equipment_id) }
    /// Add a plan (no id) or change one.
    write fn save_plan(ws, equipment_id: String, plan_id: Option<String>, plan: Plan) -> Vec<PlanView> { ws.save_plan(&equipment_id, plan_id.as_deref(), &plan) }
    write fn delete_plan(ws, equipment_id: String, plan_id: String) -> Vec<PlanView> { ws.delete_plan(&equipment_id, &plan_id) }
    /// A project's plans: each visits every machine of the project.
    read fn project_plans(ws, project_id: String) -> Vec<PlanView> { ws.project_plans(&project_id) }
    write fn save_project_plan(ws, project_id: String, plan_id: Option<String>, plan: Plan) -> Vec<PlanView> { ws.save_project_plan(&project_id, plan_id.as_deref(), &plan) }
    write fn delete_project_plan(ws, project_id: String, plan_id: String) -> Vec<PlanView> { ws.delete_project_plan(&project_id, &plan_id) }
    /// Planned visits between two dates, for the calendar.
    read fn planned_visits(ws, from: String, to: String) -> Vec<PlannedVisit> { ws.planned_visits(&from, &to) }
    read fn alert_settings(ws) -> AlertSettings { ws.alert_settings() }
    write fn save_alert_rule(ws, kind: AlertKind, rule: AlertRule) -> AlertSettings { ws.save_alert_rule(kind, &rule) }
    write fn set_time_zone(ws, name: String) -> AlertSettings { ws.set_time_zone(&name) }
}
