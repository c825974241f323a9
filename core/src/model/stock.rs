//! Spare parts: the catalogue (parts and a tree of categories) and stock. Stock is a ledger:
//! each location (a warehouse, or one technician's van) is a document holding its signed
//! movements, keyed by movement id, so concurrent movements from many devices merge without
//! loss. A level is always the sum of movements, never a stored number.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use serde::{Deserialize, Serialize};

use super::{check_id, check_text, new_id};
use crate::crdt;
use crate::error::{CoreError, Result};
use crate::model::money;

/// Quantities are whole units (a part's unit: piece, metre, litre...).
pub const MAX_QUANTITY: i64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartDoc {
    pub doc_type: String,
    pub id: String,
    pub info: PartInfo,
    pub created_at: i64,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartInfo {
    pub sku: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub category_id: Option<String>,
    /// pcs, m, l, kg, set...
    pub unit: String,
    #[serde(default)]
    pub barcode: String,
    pub sale_price_minor: i64,
    pub cost_minor: i64,
    pub currency: String,
    /// Below this level (per location) a low-stock alert is raised; 0: never.
    #[serde(default)]
    pub min_stock: i64,
    /// Equipment models the part fits, as typed on the equipment ("Carrier 30XA-252").
    #[serde(default)]
    pub compatible_models: Vec<String>,
    /// A picture of the part (a 320 px JPEG blob, by hash).
    #[serde(default)]
    pub photo: Option<String>,
}

impl PartInfo {
    pub fn validate(&self) -> Result<()> {
        check_text("SKU", &self.sku, true, 60)?;
        if self.sku.trim().chars().any(char::is_whitespace) {
            return Err(CoreError::invalid("a SKU has no spaces"));
        }
        check_text("Chinese name", &self.name_zh, true, 200)?;
        check_text("English name", &self.name_en, false, 200)?;
        if let Some(c) = &self.category_id {
            check_id("category", c)?;
        }
        check_text("unit", &self.unit, true, 20)?;
        check_text("barcode", &self.barcode, false, 64)?;
        for (what, v) in [
            ("sale price", self.sale_price_minor),
            ("cost", self.cost_minor),
        ] {
            if !(0..=money::MAX_UNIT_MINOR).contains(&v) {
                return Err(CoreError::invalid(format!(
                    "the {what} must be between 0 and 10,000,000,000"
                )));
            }
        }
        money::check_currency(&self.currency)?;
        if !(0..=MAX_QUANTITY).contains(&self.min_stock) {
            return Err(CoreError::invalid(
                "the minimum stock must be between 0 and 1,000,000",
            ));
        }
        if self.compatible_models.len() > 100 {
            return Err(CoreError::invalid("at most 100 compatible models"));
        }
        for m in &self.compatible_models {
            check_text("compatible model", m, true, 200)?;
        }
        if let Some(h) = &self.photo {
            crate::blob::check_hash(h)?;
        }
        Ok(())
    }

    fn normalised(&self) -> PartInfo {
        PartInfo {
            sku: self.sku.trim().to_string(),
            name_zh: self.name_zh.trim().to_string(),
            name_en: self.name_en.trim().to_string(),
            unit: self.unit.trim().to_string(),
            barcode: self.barcode.trim().to_string(),
            compatible_models: self
                .compatible_models
                .iter()
                .map(|m| m.trim().to_string())
                .collect(),
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDoc {
    pub doc_type: String,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    Warehouse,
    Van,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Goods received from a supplier (+).
    Receive,
    /// Sent to another location (−), paired with a `TransferIn` there.
    TransferOut,
    /// Arrived from another location (+).
    TransferIn,
    /// Used on an order (−).
    Issue,
    /// Unused part brought back from an order (+).
    Return,
    /// Old, defective part taken back from the customer (旧件回收): counted apart, not usable.
    Defective,
    /// Stock-take correction, a signed delta.
    Adjust,
}

impl MovementKind {
    /// The sign a quantity of this kind must have (0: either, for adjustments).
    pub fn sign(self) -> i64 {
        match self {
            MovementKind::Receive
            | MovementKind::TransferIn
            | MovementKind::Return
            | MovementKind::Defective => 1,
            MovementKind::TransferOut | MovementKind::Issue => -1,
            MovementKind::Adjust => 0,
        }
    }

    /// Movements a technician records in the field.
    pub fn is_field_work(self) -> bool {
        matches!(
            self,
            MovementKind::Issue
                | MovementKind::Return
                | MovementKind::Defective
                | MovementKind::TransferIn
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Movement {
    pub part_id: String,
    pub kind: MovementKind,
    /// Signed: + into the location, − out of it.
    pub qty: i64,
    pub by: String,
    /// Device time, ms.
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The other side of a transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<String>,
    #[serde(default)]
    pub note: String,
}

impl Movement {
    pub fn validate(&self) -> Result<()> {
        check_id("part", &self.part_id)?;
        if self.qty == 0 || self.qty.abs() > MAX_QUANTITY {
            return Err(CoreError::invalid("a quantity is between 1 and 1,000,000"));
        }
        let sign = self.kind.sign();
        if sign != 0 && self.qty.signum() != sign {
            return Err(CoreError::invalid(format!(
                "a {} movement has the wrong sign",
                super::enum_name(&self.kind)
            )));
        }
        for (what, id) in [
            ("order", &self.order_id),
            ("request", &self.request_id),
            ("location", &self.counterpart),
        ] {
            if let Some(id) = id {
                check_id(what, id)?;
            }
        }
        if self.kind == MovementKind::Issue && self.order_id.is_none() {
            return Err(CoreError::invalid(
                "an issue names the order the part went to",
            ));
        }
        check_text("note", &self.note, false, 500)
    }
}

/// A stock location and its ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationDoc {
    pub doc_type: String,
    pub id: String,
    pub kind: LocationKind,
    pub name: String,
    /// The technician whose van this is.
    #[serde(default)]
    pub owner: Option<String>,
    pub movements: BTreeMap<String, Movement>,
}

fn check_doc_type(found: &str, expected: &str) -> Result<()> {
    if found == expected {
        Ok(())
    } else {
        Err(CoreError::CorruptDocument(format!(
            "doc_type is not '{expected}'"
        )))
    }
}

impl PartDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<PartDoc> {
        let p: PartDoc = crdt::read_strict(doc, "part")?;
        check_doc_type(&p.doc_type, "part")?;
        check_id("part id", &p.id)?;
        p.info
            .validate()
            .map_err(|e| CoreError::CorruptDocument(format!("part: {e}")))?;
        Ok(p)
    }
}

impl CategoryDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<CategoryDoc> {
        let c: CategoryDoc = crdt::read_strict(doc, "category")?;
        check_doc_type(&c.doc_type, "category")?;
        check_id("category id", &c.id)?;
        check_text("category name", &c.name, true, 200)
            .map_err(|e| CoreError::CorruptDocument(e.to_string()))?;
        if let Some(p) = &c.parent_id {
            check_id("parent category", p)?;
        }
        Ok(c)
    }
}

impl LocationDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<LocationDoc> {
        let l: LocationDoc = crdt::read_strict(doc, "location")?;
        check_doc_type(&l.doc_type, "location")?;
        check_id("location id", &l.id)?;
        check_text("location name", &l.name, true, 200)
            .map_err(|e| CoreError::CorruptDocument(e.to_string()))?;
        if l.kind == LocationKind::Van && l.owner.is_none() {
            return Err(CoreError::CorruptDocument(
                "a van without its technician".into(),
            ));
        }
        for (id, m) in &l.movements {
            check_id("movement", id)?;
            m.validate()
                .map_err(|e| CoreError::CorruptDocument(format!("movement {id}: {e}")))?;
        }
        Ok(l)
    }
}

pub fn new_part_doc(doc: &mut AutoCommit, user_id: &str, info: &PartInfo) -> Result<String> {
    info.validate()?;
    let id = crdt::new_info_doc(doc, "part", user_id)?;
    apply_part_edit(doc, info)?;
    Ok(id)
}

pub fn apply_part_edit(doc: &mut AutoCommit, info: &PartInfo) -> Result<()> {
    info.validate()?;
    let current = PartDoc::from_doc(doc).ok().map(|p| p.info);
    crdt::write_info(doc, &info.normalised(), current.as_ref())
}

pub fn new_category_doc(
    doc: &mut AutoCommit,
    name: &str,
    parent_id: Option<&str>,
) -> Result<String> {
    check_text("category name", name, true, 200)?;
    let id = new_id();
    doc.put(ROOT, "doc_type", "category")?;
    doc.put(ROOT, "id", id.as_str())?;
    doc.put(ROOT, "name", name.trim())?;
    match parent_id {
        Some(p) => doc.put(ROOT, "parent_id", p)?,
        None => doc.put(ROOT, "parent_id", automerge::ScalarValue::Null)?,
    }
    Ok(id)
}

pub fn new_location_doc(
    doc: &mut AutoCommit,
    kind: LocationKind,
    name: &str,
    owner: Option<&str>,
) -> Result<String> {
    check_text("location name", name, true, 200)?;
    if kind == LocationKind::Van && owner.is_none() {
        return Err(CoreError::invalid("a van belongs to a technician"));
    }
    let id = new_id();
    doc.put(ROOT, "doc_type", "location")?;
    doc.put(ROOT, "id", id.as_str())?;
    doc.put(ROOT, "kind", super::enum_name(&kind))?;
    doc.put(ROOT, "name", name.trim())?;
    match owner {
        Some(o) => doc.put(ROOT, "owner", o)?,
        None => doc.put(ROOT, "owner", automerge::ScalarValue::Null)?,
    }
    doc.put_object(ROOT, "movements", ObjType::Map)?;
    Ok(id)
}

/// Append a movement (movements are never edited: corrections are new adjustments).
pub fn add_movement(doc: &mut AutoCommit, movement_id: &str, m: &Movement) -> Result<()> {
    m.validate()?;
    let movements = crdt::child_obj(doc, &ROOT, "movements")?;
    let value = serde_json::to_value(m).map_err(|e| CoreError::invalid(e.to_string()))?;
    crdt::put_json(doc, &movements, movement_id, &value)
}
