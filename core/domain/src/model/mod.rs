//! The domain: document types, roles, and the shape of each document.

pub mod attendance;
pub mod customer;
pub mod equipment;
pub mod knowledge;
pub mod money;
pub mod order;
pub mod part_request;
pub mod plan;
pub mod project;
pub mod settings;
pub mod stock;
mod typed;

pub use typed::TypedDoc;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Field, Problem, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    Order,
    Customer,
    Settings,
    Equipment,
    Project,
    Attendance,
    Part,
    Category,
    Location,
    PartRequest,
    /// One location's stock movements of one month.
    Ledger,
    /// A knowledge-base article or fault entry.
    Knowledge,
}

impl DocType {
    pub const ALL: [DocType; 12] = [
        DocType::Order,
        DocType::Customer,
        DocType::Settings,
        DocType::Equipment,
        DocType::Project,
        DocType::Attendance,
        DocType::Part,
        DocType::Category,
        DocType::Location,
        DocType::PartRequest,
        DocType::Ledger,
        DocType::Knowledge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Order => "order",
            DocType::Customer => "customer",
            DocType::Settings => "settings",
            DocType::Equipment => "equipment",
            DocType::Project => "project",
            DocType::Attendance => "attendance",
            DocType::Part => "part",
            DocType::Category => "category",
            DocType::Location => "location",
            DocType::PartRequest => "part_request",
            DocType::Ledger => "ledger",
            DocType::Knowledge => "knowledge",
        }
    }

    pub fn parse(s: &str) -> Result<DocType> {
        match s {
            "order" => Ok(DocType::Order),
            "customer" => Ok(DocType::Customer),
            "settings" => Ok(DocType::Settings),
            "equipment" => Ok(DocType::Equipment),
            "project" => Ok(DocType::Project),
            "attendance" => Ok(DocType::Attendance),
            "part" => Ok(DocType::Part),
            "category" => Ok(DocType::Category),
            "location" => Ok(DocType::Location),
            "part_request" => Ok(DocType::PartRequest),
            "ledger" => Ok(DocType::Ledger),
            "knowledge" => Ok(DocType::Knowledge),
            other => Err(DomainError::invalid(format!(
                "unknown document type '{other}'"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Supervisor,
    Technician,
    /// Warehouse keeper: the catalogue, stock and part requests; no orders.
    Warehouse,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Technician => "technician",
            Role::Warehouse => "warehouse",
        }
    }

    pub fn parse(s: &str) -> Result<Role> {
        match s {
            "admin" => Ok(Role::Admin),
            "supervisor" => Ok(Role::Supervisor),
            "technician" => Ok(Role::Technician),
            "warehouse" => Ok(Role::Warehouse),
            other => Err(DomainError::invalid(format!(
                "unknown role '{other}' (expected admin, supervisor, technician or warehouse)"
            ))),
        }
    }

    /// Supervisors and admins see and manage the whole tenant.
    pub fn manages(self) -> bool {
        matches!(self, Role::Admin | Role::Supervisor)
    }

    /// Who keeps the catalogue and the stock, and decides and issues part requests.
    pub fn keeps_stock(self) -> bool {
        matches!(self, Role::Admin | Role::Supervisor | Role::Warehouse)
    }
}

/// Who is acting: the signed-in user as the server knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Actor {
    pub user_id: String,
    pub role: Role,
}

/// A new document or event id: UUIDv7, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Ids arrive from the UI and from sync messages; accept only the canonical UUID text.
pub fn check_id(what: &str, id: &str) -> Result<()> {
    match uuid::Uuid::parse_str(id) {
        Ok(u) if u.hyphenated().to_string() == id => Ok(()),
        _ => Err(DomainError::invalid(format!(
            "{what} '{id}' is not a valid id"
        ))),
    }
}

/// A calendar date as typed and stored: YYYY-MM-DD.
pub fn check_date(what: Field, value: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|d| d.format("%Y-%m-%d").to_string() == value)
        .ok_or(DomainError::bad_field(what, Problem::NotADate))
}

/// Text a person typed: present when required, at most `max_chars`, no control characters
/// but line breaks and tabs.
pub fn check_text(what: Field, value: &str, required: bool, max_chars: usize) -> Result<()> {
    if required && value.trim().is_empty() {
        return Err(DomainError::bad_field(what, Problem::Required));
    }
    if value.chars().count() > max_chars {
        let max = u32::try_from(max_chars).unwrap_or(u32::MAX);
        return Err(DomainError::bad_field(what, Problem::TooLong { max }));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(DomainError::bad_field(what, Problem::ControlCharacters));
    }
    Ok(())
}

/// A unit enum's stored name ("repair", "urgent"), as written into documents and projections.
/// A label written in both languages as "English / 中文" (either order): its English and its
/// Chinese part, so a screen shows the one the person reads. None for any other label.
pub fn bilingual(label: &str) -> Option<(String, String)> {
    let (a, b) = label.split_once(" / ")?;
    let (a, b) = (a.trim(), b.trim());
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    match (cjk(a), cjk(b)) {
        _ if a.is_empty() || b.is_empty() || b.contains(" / ") => None,
        (false, true) => Some((a.to_string(), b.to_string())),
        (true, false) => Some((b.to_string(), a.to_string())),
        _ => None,
    }
}

pub fn enum_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The unit enum a stored name stands for (`enum_name` read back); None for an unknown name.
pub fn enum_from_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

#[cfg(test)]
mod bilingual_tests {
    use super::bilingual;

    #[test]
    fn both_languages_split_into_their_parts() {
        let pair = |en: &str, zh: &str| Some((en.to_string(), zh.to_string()));
        assert_eq!(
            bilingual("Fault confirmed / 故障确认"),
            pair("Fault confirmed", "故障确认")
        );
        assert_eq!(bilingual("检漏 / Leak test"), pair("Leak test", "检漏"));
        assert_eq!(
            bilingual("Oil / filter check"),
            None,
            "a slash inside English"
        );
        assert_eq!(bilingual("一 / 二"), None);
        assert_eq!(bilingual("Leak test"), None);
        assert_eq!(bilingual("A / 甲 / B"), None);
    }
}
