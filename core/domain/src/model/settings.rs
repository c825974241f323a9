//! Tenant settings, edited by administrators: for now the order-type templates (default
//! checklist, whether the customer signs, whether a rating is asked, default duration). One
//! settings document per tenant, with an id derived from the tenant, created by the server,
//! so every device edits the same document.

use crate::error::Field;
use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use serde::{Deserialize, Serialize};

use super::order::{OrderType, default_checklist};
use super::{check_id, check_text, enum_name};
use crate::alerts::{ALERT_KINDS, AlertKind, AlertRule, DEFAULT_TIME_ZONE, parse_time_zone};
use crate::crdt;
use crate::error::{DomainError, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsDoc {
    pub doc_type: String,
    pub id: String,
    /// Keyed by the order type's name ("repair", ...).
    pub templates: BTreeMap<String, Template>,
    /// Geofence radius (metres) of sites that set none; absent: 200 m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geofence_default_m: Option<i64>,
    /// Draw time, place and order number into stored site photos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_watermark: Option<bool>,
    /// The company's calendar for due dates (IANA name); absent: Asia/Shanghai.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Alert rules by kind ("warranty", …); a kind without one uses its default.
    #[serde(default)]
    pub alert_rules: BTreeMap<String, AlertRule>,
    /// How soon after creation an order should reach each stage (the dashboard's targets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_targets: Option<ResponseTargets>,
    /// Customers' tracking pages show the technician's mobile number; absent: they do not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_shows_phone: Option<bool>,
    /// Teams of people by id (the dashboard and the staff assessment narrow to one).
    #[serde(default)]
    pub teams: BTreeMap<String, Team>,
    /// What the company's documents (the service report) print about it; absent: nothing set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<CompanyProfile>,
    /// The map tiles devices draw under their maps when online; absent: the offline base map
    /// only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_service: Option<TileService>,
    /// The working day the schedule board measures load and free slots against; absent:
    /// 08:00–18:00.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_day: Option<WorkDay>,
}

/// A working day in local minutes since midnight: `[start_min, end_min)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct WorkDay {
    pub start_min: i64,
    pub end_min: i64,
}

impl Default for WorkDay {
    fn default() -> Self {
        WorkDay {
            start_min: 8 * 60,
            end_min: 18 * 60,
        }
    }
}

impl WorkDay {
    /// At least an hour, within one day.
    pub fn validate(&self) -> Result<()> {
        if !(0..24 * 60).contains(&self.start_min)
            || !(1..=24 * 60).contains(&self.end_min)
            || self.end_min - self.start_min < 60
        {
            return Err(DomainError::Refused(
                crate::error::Refusal::WorkDayImpossible,
            ));
        }
        Ok(())
    }
}

/// Set the company's working day.
pub fn set_work_day(doc: &mut AutoCommit, day: &WorkDay) -> Result<()> {
    day.validate()?;
    let value = serde_json::to_value(day).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &ROOT, "work_day", &value)
}

/// A raster tile service: its URL template, and the coordinate system its tiles are drawn in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TileService {
    /// `https://…/{z}/{x}/{y}.png` (`{s}` for subdomains allowed).
    pub url: String,
    pub crs: crate::geo::MapCrs,
    /// The credit the service's terms ask for, shown in the map's corner.
    #[serde(default)]
    pub attribution: String,
}

impl TileService {
    pub fn validate(&self) -> Result<()> {
        let url = self.url.trim();
        check_text(Field::TileUrl, url, true, 500)?;
        let scheme = url.starts_with("https://") || url.starts_with("http://");
        let template = ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p));
        if !scheme || !template {
            return Err(DomainError::bad_field(
                Field::TileUrl,
                crate::error::Problem::Malformed,
            ));
        }
        check_text(Field::Attribution, &self.attribution, false, 300)
    }
}

/// Set (or, with None, remove) the company's tile service.
pub fn set_tile_service(doc: &mut AutoCommit, service: Option<&TileService>) -> Result<()> {
    match service {
        Some(s) => {
            s.validate()?;
            let value = serde_json::to_value(s).map_err(|e| DomainError::invalid(e.to_string()))?;
            crdt::put_json(doc, &ROOT, "tile_service", &value)
        }
        None => {
            doc.delete(ROOT, "tile_service")?;
            Ok(())
        }
    }
}

/// The company as its customers see it on paper.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CompanyProfile {
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    /// The logo as a PNG in Base64 (the device scales it down before it is stored); empty:
    /// none.
    #[serde(default)]
    pub logo_png_base64: String,
}

/// The largest stored logo (Base64 characters): a scaled-down PNG fits easily, and the
/// settings document every device pulls stays small.
pub const MAX_LOGO_BASE64: usize = 200_000;

impl CompanyProfile {
    pub fn validate(&self) -> Result<()> {
        check_text(Field::Company, &self.name, true, 200)?;
        check_text(Field::Address, &self.address, false, 300)?;
        check_text(Field::Phone, &self.phone, false, 40)?;
        if self.logo_png_base64.len() > MAX_LOGO_BASE64 {
            return Err(DomainError::invalid("the logo is too large"));
        }
        Ok(())
    }
}

/// Replace what the company's documents print about it.
pub fn set_company_profile(doc: &mut AutoCommit, profile: &CompanyProfile) -> Result<()> {
    profile.validate()?;
    let value = serde_json::to_value(profile).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &ROOT, "company", &value)
}

/// A team: a region's or a product line's engineers, say. People are named by user id; one
/// person may be in several teams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: String,
    pub members: Vec<String>,
}

/// The most people one team holds.
pub const MAX_TEAM_MEMBERS: usize = 500;

impl Team {
    pub fn validate(&self) -> Result<()> {
        check_text(Field::TeamName, &self.name, true, 60)?;
        if self.members.len() > MAX_TEAM_MEMBERS
            || self.members.iter().any(|m| m.is_empty() || m.len() > 64)
        {
            return Err(DomainError::bad_field(
                Field::TeamMembers,
                crate::error::Problem::OutOfRange {
                    min: 0,
                    max: MAX_TEAM_MEMBERS as i32,
                },
            ));
        }
        Ok(())
    }
}

/// Replace one team (two administrators editing the same team offline end with one of their
/// versions; other teams are untouched).
pub fn put_team(doc: &mut AutoCommit, id: &str, team: &Team) -> Result<()> {
    team.validate()?;
    let teams = match crdt::child_obj(doc, &ROOT, "teams") {
        Ok(obj) => obj,
        Err(_) => doc.put_object(ROOT, "teams", ObjType::Map)?,
    };
    let mut team = team.clone();
    team.name = team.name.trim().to_string();
    team.members.sort();
    team.members.dedup();
    let value = serde_json::to_value(&team).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &teams, id, &value)
}

/// Remove a team (its people stay; only the grouping goes).
pub fn remove_team(doc: &mut AutoCommit, id: &str) -> Result<()> {
    if let Ok(teams) = crdt::child_obj(doc, &ROOT, "teams") {
        doc.delete(&teams, id)?;
    }
    Ok(())
}

/// The company's targets, in minutes from an order's creation; none: no target for that stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct ResponseTargets {
    #[serde(default)]
    pub dispatched_min: Option<i64>,
    #[serde(default)]
    pub accepted_min: Option<i64>,
    #[serde(default)]
    pub on_site_min: Option<i64>,
    #[serde(default)]
    pub completed_min: Option<i64>,
}

/// The longest target: 30 days.
pub const MAX_TARGET_MIN: i64 = 30 * 24 * 60;

impl ResponseTargets {
    pub fn validate(&self) -> Result<()> {
        for m in [
            self.dispatched_min,
            self.accepted_min,
            self.on_site_min,
            self.completed_min,
        ]
        .into_iter()
        .flatten()
        {
            if !(1..=MAX_TARGET_MIN).contains(&m) {
                return Err(DomainError::bad_field(
                    crate::error::Field::Target,
                    crate::error::Problem::OutOfRange {
                        min: 1,
                        max: MAX_TARGET_MIN as i32,
                    },
                ));
            }
        }
        Ok(())
    }
}

/// Replace the company's response targets.
pub fn set_response_targets(doc: &mut AutoCommit, targets: &ResponseTargets) -> Result<()> {
    targets.validate()?;
    let value = serde_json::to_value(targets).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &ROOT, "response_targets", &value)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub checklist: Vec<TemplateItem>,
    pub signature_required: bool,
    pub rating_asked: bool,
    pub default_duration_min: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TemplateItem {
    pub label: String,
    pub required: bool,
}

/// The settings document's id for a tenant: a UUID (version 8) from the tenant's name.
pub fn settings_id(tenant: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("fieldops-settings:{tenant}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Uuid::new_v8(bytes).hyphenated().to_string()
}

/// What an order type starts with before an administrator changes it.
pub fn default_template(order_type: OrderType) -> Template {
    Template {
        checklist: default_checklist(order_type)
            .iter()
            .map(|(l, r)| TemplateItem {
                label: (*l).into(),
                required: *r,
            })
            .collect(),
        signature_required: super::order::signature_required(order_type),
        rating_asked: true,
        default_duration_min: match order_type {
            OrderType::Installation => 240,
            OrderType::Training => 180,
            OrderType::Inspection | OrderType::Testing => 90,
            _ => 120,
        },
    }
}

pub const ORDER_TYPES: [OrderType; 8] = [
    OrderType::Installation,
    OrderType::Repair,
    OrderType::Upgrade,
    OrderType::Maintenance,
    OrderType::Inspection,
    OrderType::Testing,
    OrderType::Training,
    OrderType::Complaint,
];

impl Template {
    pub fn validate(&self) -> Result<()> {
        if self.checklist.len() > 100 {
            return Err(DomainError::invalid("a checklist has at most 100 items"));
        }
        for item in &self.checklist {
            check_text(Field::ChecklistItem, &item.label, true, 500)?;
        }
        if !(0..=7 * 24 * 60).contains(&self.default_duration_min) {
            return Err(DomainError::invalid(
                "the default duration is between 0 and 7 days",
            ));
        }
        Ok(())
    }
}

impl SettingsDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<SettingsDoc> {
        let json = crdt::to_json(doc)?;
        let s: SettingsDoc = serde_json::from_value(json)
            .map_err(|e| DomainError::CorruptDocument(format!("settings: {e}")))?;
        if s.doc_type != "settings" {
            return Err(DomainError::CorruptDocument(
                "doc_type is not 'settings'".into(),
            ));
        }
        check_id("settings id", &s.id)?;
        for (name, t) in &s.templates {
            if !ORDER_TYPES.iter().any(|ty| enum_name(ty) == *name) {
                return Err(DomainError::CorruptDocument(format!(
                    "template for unknown order type '{name}'"
                )));
            }
            t.validate()
                .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        if let Some(r) = s.geofence_default_m {
            crate::geo::check_radius(r).map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        for (name, rule) in &s.alert_rules {
            let kind = ALERT_KINDS
                .iter()
                .find(|k| k.name() == name)
                .ok_or_else(|| {
                    DomainError::CorruptDocument(format!("rule for unknown alert '{name}'"))
                })?;
            rule.validate(*kind)
                .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        if let Some(t) = &s.response_targets {
            t.validate()
                .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        if let Some(tz) = &s.time_zone {
            parse_time_zone(tz).map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        for (id, team) in &s.teams {
            check_id("team id", id)?;
            team.validate()
                .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        if let Some(c) = &s.company {
            c.validate()
                .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        if let Some(t) = &s.tile_service {
            t.validate()
                .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        if let Some(w) = &s.work_day {
            w.validate()
                .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        Ok(s)
    }

    /// The company's calendar.
    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.time_zone
            .as_deref()
            .and_then(|t| parse_time_zone(t).ok())
            .unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// The time zone's name, as set or the default.
    pub fn time_zone_name(&self) -> &str {
        self.time_zone.as_deref().unwrap_or(DEFAULT_TIME_ZONE)
    }

    /// The fence radius for sites that set none.
    pub fn geofence_default(&self) -> i64 {
        self.geofence_default_m
            .unwrap_or(crate::geo::DEFAULT_GEOFENCE_M)
    }

    /// The template in force for an order type (the default where none is stored).
    pub fn template(&self, order_type: OrderType) -> Template {
        self.templates
            .get(&enum_name(&order_type))
            .cloned()
            .unwrap_or_else(|| default_template(order_type))
    }
}

pub fn new_settings_doc(doc: &mut AutoCommit, tenant: &str) -> Result<String> {
    let id = settings_id(tenant);
    doc.put(ROOT, "doc_type", "settings")?;
    doc.put(ROOT, "id", id.as_str())?;
    doc.put_object(ROOT, "templates", ObjType::Map)?;
    doc.put_object(ROOT, "alert_rules", ObjType::Map)?;
    for t in ORDER_TYPES {
        put_template(doc, t, &default_template(t))?;
    }
    Ok(id)
}

/// Replace one order type's template (the whole template: two administrators editing the
/// same type offline end with one of their versions, the other types are untouched).
pub fn put_template(
    doc: &mut AutoCommit,
    order_type: OrderType,
    template: &Template,
) -> Result<()> {
    template.validate()?;
    let templates = crdt::child_obj(doc, &ROOT, "templates")?;
    let value = serde_json::to_value(template).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &templates, &enum_name(&order_type), &value)
}

pub fn set_geofence_default(doc: &mut AutoCommit, radius_m: i64) -> Result<()> {
    crate::geo::check_radius(radius_m)?;
    doc.put(ROOT, "geofence_default_m", radius_m)?;
    Ok(())
}

/// Set the company's calendar (an IANA time zone name).
pub fn set_time_zone(doc: &mut AutoCommit, name: &str) -> Result<()> {
    let name = name.trim();
    parse_time_zone(name)?;
    doc.put(ROOT, "time_zone", name)?;
    Ok(())
}

/// Replace one kind's alert rule (the other kinds are untouched).
pub fn put_alert_rule(doc: &mut AutoCommit, kind: AlertKind, rule: &AlertRule) -> Result<()> {
    rule.validate(kind)?;
    let rules = match crdt::child_obj(doc, &ROOT, "alert_rules") {
        Ok(id) => id,
        Err(_) => doc.put_object(ROOT, "alert_rules", ObjType::Map)?,
    };
    let value = serde_json::to_value(rule).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &rules, kind.name(), &value)
}

pub fn set_portal_shows_phone(doc: &mut AutoCommit, on: bool) -> Result<()> {
    doc.put(ROOT, "portal_shows_phone", on)?;
    Ok(())
}

pub fn set_photo_watermark(doc: &mut AutoCommit, on: bool) -> Result<()> {
    doc.put(ROOT, "photo_watermark", on)?;
    Ok(())
}
