//! Spare parts: the catalogue (parts and a tree of categories) and stock. Stock is a ledger:
//! each location (a warehouse, or one technician's van) is a document holding its signed
//! movements, keyed by movement id, so concurrent movements from many devices merge without
//! loss. A level is always the sum of movements, never a stored number.

use crate::error::Field;
use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use serde::{Deserialize, Serialize};

use super::{check_id, check_text, new_id};
use crate::crdt;
use crate::error::{DomainError, Result};
use crate::model::money;

/// Quantities are whole units (a part's unit: piece, metre, litre...).
pub const MAX_QUANTITY: i64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PartDoc {
    pub doc_type: String,
    pub id: String,
    pub info: PartInfo,
    pub created_at: i64,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields = nullable)]
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
        check_text(Field::Sku, &self.sku, true, 60)?;
        if self.sku.trim().chars().any(char::is_whitespace) {
            return Err(DomainError::invalid("a SKU has no spaces"));
        }
        check_text(Field::ChineseName, &self.name_zh, true, 200)?;
        check_text(Field::EnglishName, &self.name_en, false, 200)?;
        if let Some(c) = &self.category_id {
            check_id("category", c)?;
        }
        check_text(Field::Unit, &self.unit, true, 20)?;
        check_text(Field::Barcode, &self.barcode, false, 64)?;
        for (what, v) in [
            ("sale price", self.sale_price_minor),
            ("cost", self.cost_minor),
        ] {
            if !(0..=money::MAX_UNIT_MINOR).contains(&v) {
                return Err(DomainError::invalid(format!(
                    "the {what} must be between 0 and 10,000,000,000"
                )));
            }
        }
        money::check_currency(&self.currency)?;
        if !(0..=MAX_QUANTITY).contains(&self.min_stock) {
            return Err(DomainError::invalid(
                "the minimum stock must be between 0 and 1,000,000",
            ));
        }
        if self.compatible_models.len() > 100 {
            return Err(DomainError::invalid("at most 100 compatible models"));
        }
        for m in &self.compatible_models {
            check_text(Field::CompatibleModel, m, true, 200)?;
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CategoryDoc {
    pub doc_type: String,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    Warehouse,
    Van,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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
            return Err(DomainError::invalid(
                "a quantity is between 1 and 1,000,000",
            ));
        }
        let sign = self.kind.sign();
        if sign != 0 && self.qty.signum() != sign {
            return Err(DomainError::invalid(format!(
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
            return Err(DomainError::invalid(
                "an issue names the order the part went to",
            ));
        }
        check_text(Field::Note, &self.note, false, 500)
    }
}

/// A stock location and its ledger.
/// A stock location. Its movements live in monthly ledger documents ([`LedgerDoc`]); the
/// `movements` map is only read, from locations made before ledgers were split by month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LocationDoc {
    pub doc_type: String,
    pub id: String,
    pub kind: LocationKind,
    pub name: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub movements: BTreeMap<String, Movement>,
}

/// The movements of one location in one calendar month (UTC): one document per location
/// and month, so recording a movement costs what that month holds, not the location's whole
/// history. Its id is derived from the location and the month, so two devices that start the
/// same month's ledger offline start the same document; the movements sit at the root under
/// their own ids, so both devices' movements survive the merge (a shared `movements` map
/// created twice would keep only one of them).
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerDoc {
    pub id: String,
    pub location_id: String,
    /// "YYYY-MM".
    pub month: String,
    pub movements: BTreeMap<String, Movement>,
}

const LEDGER_HEADER: [&str; 4] = ["doc_type", "id", "location_id", "month"];

/// The month a movement at `at_ms` (device time, ms since the epoch) is recorded under.
pub fn ledger_month(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .format("%Y-%m")
        .to_string()
}

/// The id of a location's ledger for a month: the same on every device.
pub fn ledger_id(location_id: &str, month: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("fieldops-ledger:{location_id}:{month}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

fn check_month(month: &str) -> Result<()> {
    chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .filter(|d| d.format("%Y-%m").to_string() == month)
        .map(|_| ())
        .ok_or_else(|| DomainError::invalid(format!("'{month}' is not a month (YYYY-MM)")))
}

impl LedgerDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<LedgerDoc> {
        let corrupt = |e: String| DomainError::CorruptDocument(format!("ledger: {e}"));
        let serde_json::Value::Object(mut root) = crdt::to_json(doc)? else {
            return Err(corrupt("not a map".into()));
        };
        let [doc_type, id, location_id, month] = LEDGER_HEADER.map(|key| match root.remove(key) {
            Some(serde_json::Value::String(s)) => Ok(s),
            _ => Err(corrupt(format!("missing '{key}'"))),
        });
        check_doc_type(&doc_type?, "ledger")?;
        let (id, location_id, month) = (id?, location_id?, month?);
        check_id("location", &location_id).map_err(|e| corrupt(e.to_string()))?;
        check_month(&month).map_err(|e| corrupt(e.to_string()))?;
        if id != ledger_id(&location_id, &month) {
            return Err(corrupt(format!(
                "{id} is not the ledger of {location_id} for {month}"
            )));
        }
        let mut movements = BTreeMap::new();
        for (key, value) in root {
            check_id("movement", &key).map_err(|e| corrupt(e.to_string()))?;
            let m: Movement =
                serde_json::from_value(value).map_err(|e| corrupt(format!("{key}: {e}")))?;
            m.validate()
                .map_err(|e| corrupt(format!("movement {key}: {e}")))?;
            movements.insert(key, m);
        }
        Ok(LedgerDoc {
            id,
            location_id,
            month,
            movements,
        })
    }
}

/// Write the header of a location's ledger for a month into an empty document. Returns its id.
pub fn start_ledger_doc(doc: &mut AutoCommit, location_id: &str, month: &str) -> Result<String> {
    check_id("location", location_id)?;
    check_month(month)?;
    let id = ledger_id(location_id, month);
    doc.put(ROOT, "doc_type", "ledger")?;
    doc.put(ROOT, "id", id.as_str())?;
    doc.put(ROOT, "location_id", location_id)?;
    doc.put(ROOT, "month", month)?;
    Ok(id)
}

/// Append a movement to a month's ledger (movements are never edited: corrections are new
/// adjustments).
pub fn add_movement(doc: &mut AutoCommit, movement_id: &str, m: &Movement) -> Result<()> {
    m.validate()?;
    check_id("movement", movement_id)?;
    let value = serde_json::to_value(m).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &ROOT, movement_id, &value)
}

fn check_doc_type(found: &str, expected: &str) -> Result<()> {
    if found == expected {
        Ok(())
    } else {
        Err(DomainError::CorruptDocument(format!(
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
            .map_err(|e| DomainError::CorruptDocument(format!("part: {e}")))?;
        Ok(p)
    }
}

impl CategoryDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<CategoryDoc> {
        let c: CategoryDoc = crdt::read_strict(doc, "category")?;
        check_doc_type(&c.doc_type, "category")?;
        check_id("category id", &c.id)?;
        check_text(Field::CategoryName, &c.name, true, 200)
            .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
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
        check_text(Field::LocationName, &l.name, true, 200)
            .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        if l.kind == LocationKind::Van && l.owner.is_none() {
            return Err(DomainError::CorruptDocument(
                "a van without its technician".into(),
            ));
        }
        for (id, m) in &l.movements {
            check_id("movement", id)?;
            m.validate()
                .map_err(|e| DomainError::CorruptDocument(format!("movement {id}: {e}")))?;
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
    check_text(Field::CategoryName, name, true, 200)?;
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

/// Rename a category or move it: only what changed is written.
pub fn apply_category_edit(
    doc: &mut AutoCommit,
    name: &str,
    parent_id: Option<&str>,
) -> Result<()> {
    check_text(Field::CategoryName, name, true, 200)?;
    let current = CategoryDoc::from_doc(doc)?;
    if current.name != name.trim() {
        doc.put(ROOT, "name", name.trim())?;
    }
    if current.parent_id.as_deref() != parent_id {
        match parent_id {
            Some(p) => doc.put(ROOT, "parent_id", p)?,
            None => doc.put(ROOT, "parent_id", automerge::ScalarValue::Null)?,
        }
    }
    Ok(())
}

/// Rename a location or give a van to another technician: only what changed is written.
pub fn apply_location_edit(doc: &mut AutoCommit, name: &str, owner: Option<&str>) -> Result<()> {
    check_text(Field::LocationName, name, true, 200)?;
    let current = LocationDoc::from_doc(doc)?;
    if current.kind == LocationKind::Van && owner.is_none() {
        return Err(DomainError::invalid("a van belongs to a technician"));
    }
    if current.name != name.trim() {
        doc.put(ROOT, "name", name.trim())?;
    }
    if current.owner.as_deref() != owner {
        match owner {
            Some(o) => doc.put(ROOT, "owner", o)?,
            None => doc.put(ROOT, "owner", automerge::ScalarValue::Null)?,
        }
    }
    Ok(())
}

pub fn new_location_doc(
    doc: &mut AutoCommit,
    kind: LocationKind,
    name: &str,
    owner: Option<&str>,
) -> Result<String> {
    check_text(Field::LocationName, name, true, 200)?;
    if kind == LocationKind::Van && owner.is_none() {
        return Err(DomainError::invalid("a van belongs to a technician"));
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
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authority;
    use crate::model::TypedDoc;
    use crate::model::{Actor, Role};

    const TECH: &str = "00000000-0000-7000-8000-0000000000a1";
    const LOC: &str = "00000000-0000-7000-8000-00000000b001";
    // 2025-11-15T00:00:00Z
    const MID_NOVEMBER: i64 = 1_763_164_800_000;

    fn movement(kind: MovementKind, qty: i64, at: i64) -> Movement {
        Movement {
            part_id: "00000000-0000-7000-8000-00000000c001".into(),
            kind,
            qty,
            by: TECH.into(),
            at,
            order_id: (kind == MovementKind::Issue)
                .then(|| "00000000-0000-7000-8000-00000000d001".into()),
            request_id: None,
            counterpart: None,
            note: String::new(),
        }
    }

    fn ledger_with(movements: &[(&str, Movement)]) -> AutoCommit {
        let mut doc = AutoCommit::new();
        start_ledger_doc(&mut doc, LOC, &ledger_month(MID_NOVEMBER)).unwrap();
        for (id, m) in movements {
            add_movement(&mut doc, id, m).unwrap();
        }
        doc
    }

    #[test]
    fn a_ledger_is_one_location_and_month_and_two_starts_merge_into_one() {
        assert_eq!(ledger_month(MID_NOVEMBER), "2025-11");
        assert_eq!(ledger_id(LOC, "2025-11"), ledger_id(LOC, "2025-11"));
        assert_ne!(ledger_id(LOC, "2025-11"), ledger_id(LOC, "2025-12"));
        check_id("ledger", &ledger_id(LOC, "2025-11")).unwrap();
        for bad in ["2025-13", "2025-1", "25-11", "2025-11-01", ""] {
            assert!(
                start_ledger_doc(&mut AutoCommit::new(), LOC, bad).is_err(),
                "{bad}"
            );
        }
        // Two devices start the same month's ledger without knowing of each other.
        let a_id = "00000000-0000-7000-8000-0000000000f1";
        let b_id = "00000000-0000-7000-8000-0000000000f2";
        let mut a = ledger_with(&[(a_id, movement(MovementKind::Issue, -1, MID_NOVEMBER))]);
        let mut b = ledger_with(&[(b_id, movement(MovementKind::Return, 2, MID_NOVEMBER))]);
        a.merge(&mut b).unwrap();
        let merged = LedgerDoc::from_doc(&a).unwrap();
        assert_eq!(merged.id, ledger_id(LOC, "2025-11"));
        assert_eq!(
            merged
                .movements
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            vec![a_id, b_id]
        );
    }

    #[test]
    fn a_tampered_ledger_is_corrupt() {
        let good = ledger_with(&[]);
        assert!(LedgerDoc::from_doc(&good).is_ok());
        let mut wrong_id = good.clone();
        wrong_id
            .put(ROOT, "id", ledger_id(LOC, "2025-12").as_str())
            .unwrap();
        let mut wrong_month = good.clone();
        wrong_month.put(ROOT, "month", "2025-12").unwrap();
        let mut stray_key = good.clone();
        stray_key.put(ROOT, "owner", TECH).unwrap();
        let mut bad_movement = good.clone();
        crdt::put_json(
            &mut bad_movement,
            &ROOT,
            "00000000-0000-7000-8000-0000000000f3",
            &serde_json::json!({"part_id": "x", "kind": "receive", "qty": 1, "by": TECH, "at": 1}),
        )
        .unwrap();
        let mut no_location = good.clone();
        no_location.delete(ROOT, "location_id").unwrap();
        for (what, doc) in [
            ("id", wrong_id),
            ("month", wrong_month),
            ("stray key", stray_key),
            ("movement", bad_movement),
            ("location", no_location),
        ] {
            assert!(
                matches!(
                    LedgerDoc::from_doc(&doc),
                    Err(DomainError::CorruptDocument(_))
                ),
                "{what}"
            );
        }
    }

    #[test]
    fn ledger_rules() {
        let tech = Actor {
            user_id: TECH.into(),
            role: Role::Technician,
        };
        let keeper = Actor {
            user_id: TECH.into(),
            role: Role::Warehouse,
        };
        let typed = |doc: &AutoCommit| TypedDoc::parse(crate::model::DocType::Ledger, doc).unwrap();
        let id = "00000000-0000-7000-8000-0000000000f1";
        let old = ledger_with(&[]);
        let check = |actor: &Actor, m: Movement| {
            let new = ledger_with(&[(id, m)]);
            authority::check(actor, Some(&typed(&old)), &typed(&new)).map_err(|v| v.path)
        };
        let issue = movement(MovementKind::Issue, -1, MID_NOVEMBER);
        assert_eq!(check(&tech, issue.clone()), Ok(()));
        let mut someone_else = issue.clone();
        someone_else.by = "00000000-0000-7000-8000-0000000000a2".into();
        assert_eq!(
            check(&tech, someone_else),
            Err(format!("movements[{id}].by"))
        );
        // 2025-12-15: recorded in November's ledger.
        let december = movement(MovementKind::Issue, -1, MID_NOVEMBER + 30 * 86_400_000);
        assert_eq!(check(&tech, december), Err(format!("movements[{id}].at")));
        let receive = movement(MovementKind::Receive, 5, MID_NOVEMBER);
        assert_eq!(
            check(&tech, receive.clone()),
            Err(format!("movements[{id}]"))
        );
        assert_eq!(check(&keeper, receive), Ok(()));
        // Movements are never changed or removed.
        let first = ledger_with(&[(id, issue.clone())]);
        let mut changed = issue.clone();
        changed.qty = -2;
        let edited = ledger_with(&[(id, changed)]);
        assert_eq!(
            authority::check(&keeper, Some(&typed(&first)), &typed(&edited)).map_err(|v| v.path),
            Err(format!("movements[{id}]"))
        );
        assert!(authority::check(&keeper, Some(&typed(&first)), &typed(&old)).is_err());
        // Receipts: a technician only into their own van.
        let receipt = ledger_with(&[(id, movement(MovementKind::TransferIn, 3, MID_NOVEMBER))]);
        let TypedDoc::Ledger(receipt) = typed(&receipt) else {
            unreachable!()
        };
        let at = |kind, owner| {
            authority::check_ledger_location(&tech, None, &receipt, kind, owner).is_ok()
        };
        assert!(at(LocationKind::Van, Some(TECH)));
        assert!(!at(
            LocationKind::Van,
            Some("00000000-0000-7000-8000-0000000000a2")
        ));
        assert!(!at(LocationKind::Warehouse, None));
        assert!(
            authority::check_ledger_location(
                &keeper,
                None,
                &receipt,
                LocationKind::Warehouse,
                None
            )
            .is_ok()
        );
        // A location itself takes no movements any more (old ones are kept as they are).
        let location = LocationDoc {
            doc_type: "location".into(),
            id: LOC.into(),
            kind: LocationKind::Warehouse,
            name: "总仓".into(),
            owner: None,
            movements: BTreeMap::new(),
        };
        let mut with_movement = location.clone();
        with_movement.movements.insert(id.into(), issue);
        let as_typed = |l: &LocationDoc| TypedDoc::Location(Box::new(l.clone()));
        assert_eq!(
            authority::check(
                &keeper,
                Some(&as_typed(&location)),
                &as_typed(&with_movement)
            )
            .map_err(|v| v.path),
            Err("movements".to_string())
        );
    }
}
