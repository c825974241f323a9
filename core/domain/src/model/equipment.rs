//! Equipment documents: one installed machine at a customer's site (the installed base that
//! orders, service history, warranty and maintenance refer to).

use crate::error::Field;
use automerge::AutoCommit;
use automerge::transaction::Transactable;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::plan::{AlertAck, Plan};
use super::{check_date, check_id, check_text};
use crate::crdt;
use crate::error::{DomainError, Refusal, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Equipment {
    pub doc_type: String,
    pub id: String,
    pub info: EquipmentInfo,
    pub created_at: i64,
    pub created_by: String,
    /// Maintenance and inspection plans, by plan id.
    #[serde(default)]
    pub plans: BTreeMap<String, Plan>,
    /// Alerts about this machine set aside, by alert key.
    #[serde(default)]
    pub acks: BTreeMap<String, AlertAck>,
}

/// What a person types about a machine; edited field by field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct EquipmentInfo {
    /// What people call it on site ("2号冷水机组", "Chiller 2").
    pub name: String,
    pub model: String,
    pub serial: String,
    pub customer_id: String,
    pub site_id: String,
    #[serde(default)]
    pub project_id: Option<String>,
    /// Calendar dates, YYYY-MM-DD.
    #[serde(default)]
    pub installed_on: Option<String>,
    #[serde(default)]
    pub warranty_until: Option<String>,
    /// Days between planned maintenance visits.
    #[serde(default)]
    pub maintenance_interval_days: Option<i64>,
    #[serde(default)]
    pub notes: String,
}

impl EquipmentInfo {
    pub fn validate(&self) -> Result<()> {
        check_text(Field::EquipmentName, &self.name, true, 200)?;
        check_text(Field::Model, &self.model, false, 200)?;
        check_text(Field::SerialNumber, &self.serial, false, 100)?;
        check_id("customer", &self.customer_id)?;
        check_id("site", &self.site_id)?;
        if let Some(p) = &self.project_id {
            check_id("project", p)?;
        }
        let installed = self
            .installed_on
            .as_deref()
            .map(|d| check_date(Field::InstallationDate, d))
            .transpose()?;
        let warranty = self
            .warranty_until
            .as_deref()
            .map(|d| check_date(Field::WarrantyEnd, d))
            .transpose()?;
        if let (Some(i), Some(w)) = (installed, warranty)
            && w < i
        {
            return Err(DomainError::Refused(Refusal::WarrantyBeforeInstallation));
        }
        if let Some(days) = self.maintenance_interval_days
            && !(1..=3650).contains(&days)
        {
            return Err(DomainError::invalid(
                "the maintenance interval must be between 1 and 3650 days",
            ));
        }
        check_text(Field::Notes, &self.notes, false, 5_000)
    }

    /// Trimmed copy, as stored.
    fn normalised(&self) -> EquipmentInfo {
        EquipmentInfo {
            name: self.name.trim().to_string(),
            model: self.model.trim().to_string(),
            serial: self.serial.trim().to_string(),
            notes: self.notes.trim().to_string(),
            ..self.clone()
        }
    }
}

impl Equipment {
    pub fn from_doc(doc: &AutoCommit) -> Result<Equipment> {
        let e: Equipment = crdt::read_strict(doc, "equipment")?;
        e.check_invariants()?;
        Ok(e)
    }

    pub fn check_invariants(&self) -> Result<()> {
        if self.doc_type != "equipment" {
            return Err(DomainError::CorruptDocument(
                "doc_type is not 'equipment'".into(),
            ));
        }
        check_id("equipment id", &self.id)?;
        for (id, plan) in &self.plans {
            check_id("plan id", id)?;
            plan.validate()
                .map_err(|e| DomainError::CorruptDocument(format!("plan {id}: {e}")))?;
        }
        self.info
            .validate()
            .map_err(|e| DomainError::CorruptDocument(format!("equipment: {e}")))
    }
}

pub fn new_equipment_doc(
    doc: &mut AutoCommit,
    user_id: &str,
    info: &EquipmentInfo,
) -> Result<String> {
    info.validate()?;
    let id = crdt::new_info_doc(doc, "equipment", user_id)?;
    // Made with the document, so two people adding a machine's first plans offline never
    // make two maps of which one would win.
    doc.put_object(automerge::ROOT, "plans", automerge::ObjType::Map)?;
    doc.put_object(automerge::ROOT, "acks", automerge::ObjType::Map)?;
    apply_equipment_edit(doc, info)?;
    Ok(id)
}

/// Write only the fields that changed, so two people editing different fields both win.
pub fn apply_equipment_edit(doc: &mut AutoCommit, info: &EquipmentInfo) -> Result<()> {
    info.validate()?;
    let current = Equipment::from_doc(doc).ok().map(|e| e.info);
    crdt::write_info(doc, &info.normalised(), current.as_ref())
}
