//! Spare parts on the device: catalogue, locations and their ledgers, levels and alerts,
//! parts used on orders, and part requests from request to receipt.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Action, OrderDetail, Workspace};
use crate::authority::{self, TypedDoc};
use crate::error::{CoreError, Result};
use crate::model::order::{self, ChargeKind, ChargeLine, CostKind, CostLine};
use crate::model::part_request::{
    self, RequestEvent, RequestEventKind, RequestLine, RequestStatus,
};
use crate::model::stock::{self, LedgerDoc, LocationKind, Movement, MovementKind, PartInfo};
use crate::model::{DocType, Role, check_id, check_text, enum_name, new_id, now_ms};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PartView {
    pub id: String,
    #[serde(flatten)]
    pub info: PartInfo,
    pub category_path: Option<String>,
    /// Usable stock over all locations this device knows.
    pub total_level: i64,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CategoryView {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    /// "Compressors / Valves": the names from the root.
    pub path: String,
    pub depth: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LocationView {
    pub id: String,
    pub kind: LocationKind,
    pub name: String,
    pub owner: Option<String>,
    /// This device's movements there that have not reached the server yet.
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LevelView {
    pub location_id: String,
    pub location_name: String,
    pub part_id: String,
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    /// Usable stock: the sum of every movement except defective parts taken back.
    pub level: i64,
    /// Defective parts taken back (旧件), kept apart.
    pub defective: i64,
    pub min_stock: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MovementView {
    pub id: String,
    pub location_id: String,
    pub part_id: String,
    pub kind: MovementKind,
    pub qty: i64,
    pub by: String,
    pub at: i64,
    pub order_id: Option<String>,
    pub request_id: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Below zero after a merge: more was taken than there was.
    Oversold,
    LowStock,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct StockAlert {
    pub kind: AlertKind,
    #[serde(flatten)]
    pub level: LevelView,
    /// For an oversold part: the movements that took out more than the last receipt left.
    pub movements: Vec<MovementView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RequestLineView {
    pub id: String,
    pub part_id: String,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub asked: i64,
    /// As approved (or asked, before a decision).
    pub qty: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RequestView {
    pub id: String,
    pub by: String,
    pub to_location: String,
    pub order_id: Option<String>,
    pub status: RequestStatus,
    pub lines: Vec<RequestLineView>,
    pub events: Vec<RequestEvent>,
    pub conflicts: Vec<String>,
    pub from_location: Option<String>,
    pub requested_at: i64,
    pub closed_at: Option<i64>,
    pub pending: bool,
}

/// Used in a part request: what to ask for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RequestLineInput {
    pub part_id: String,
    pub qty: i64,
    #[serde(default)]
    pub reason: String,
}

/// One line of a stock-take: what was counted of a part at the location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct StockCount {
    pub part_id: String,
    pub counted: i64,
}

/// What a stock-take changed: for each part counted, the level this device knew, the count,
/// and the adjustment recorded (0: the count agreed, nothing recorded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct StockTakeLine {
    pub part_id: String,
    pub sku: String,
    pub was: i64,
    pub counted: i64,
    pub adjustment: i64,
}

/// (id, name, parent id) as stored.
type CategoryRow = (String, String, Option<String>);

const LEVEL_SELECT: &str = "SELECT m.location_id, l.name, m.part_id, p.sku, p.name_zh, p.name_en, p.unit,
        COALESCE(SUM(CASE WHEN m.kind = 'defective' THEN 0 ELSE m.qty END), 0),
        COALESCE(SUM(CASE WHEN m.kind = 'defective' THEN m.qty ELSE 0 END), 0),
        p.min_stock
     FROM stock_movements m JOIN locations l ON l.id = m.location_id JOIN parts p ON p.id = m.part_id";

fn level_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LevelView> {
    Ok(LevelView {
        location_id: r.get(0)?,
        location_name: r.get(1)?,
        part_id: r.get(2)?,
        sku: r.get(3)?,
        name_zh: r.get(4)?,
        name_en: r.get(5)?,
        unit: r.get(6)?,
        level: r.get(7)?,
        defective: r.get(8)?,
        min_stock: r.get(9)?,
    })
}

fn movement_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MovementView> {
    let kind: String = r.get(3)?;
    Ok(MovementView {
        id: r.get(0)?,
        location_id: r.get(1)?,
        part_id: r.get(2)?,
        kind: serde_json::from_value(serde_json::Value::String(kind))
            .unwrap_or(MovementKind::Adjust),
        qty: r.get(4)?,
        by: r.get(5)?,
        at: r.get(6)?,
        order_id: r.get(7)?,
        request_id: r.get(8)?,
        note: r.get(9)?,
    })
}

impl Workspace {
    // ----- catalogue -----

    pub fn create_part(&mut self, info: &PartInfo) -> Result<PartView> {
        self.check_part_info(info, None)?;
        let id = self.change(DocType::Part, None, |doc, actor| {
            stock::new_part_doc(doc, &actor.user_id, info)
        })?;
        self.get_part(&id)
    }

    pub fn update_part(&mut self, id: &str, info: &PartInfo) -> Result<PartView> {
        self.check_part_info(info, Some(id))?;
        self.change(DocType::Part, Some(id), |doc, _| {
            stock::apply_part_edit(doc, info)?;
            Ok(id.to_string())
        })?;
        self.get_part(id)
    }

    fn check_part_info(&self, info: &PartInfo, id: Option<&str>) -> Result<()> {
        info.validate()?;
        if let Some(c) = &info.category_id
            && !self.list_categories()?.iter().any(|x| &x.id == c)
        {
            return Err(CoreError::invalid("choose a known category"));
        }
        let taken: Option<String> = self
            .store
            .conn()
            .query_row(
                "SELECT id FROM parts WHERE sku = ?1 AND id IS NOT ?2",
                params![info.sku.trim(), id],
                |r| r.get(0),
            )
            .ok();
        if taken.is_some() {
            return Err(CoreError::invalid(format!(
                "SKU '{}' is already in the catalogue",
                info.sku.trim()
            )));
        }
        Ok(())
    }

    /// A picture of the part: processed like site photos, kept as its 320 px JPEG.
    pub fn set_part_photo(&mut self, id: &str, bytes: &[u8]) -> Result<PartView> {
        let part = self.get_part(id)?;
        let processed = crate::photo::process(bytes)?;
        let hash = crate::blob::sha256_hex(&processed.thumb);
        let info = PartInfo {
            photo: Some(hash.clone()),
            ..part.info
        };
        self.change_with_blobs(
            DocType::Part,
            Some(id),
            &[(&hash, "image/jpeg", &processed.thumb)],
            |doc, _| {
                stock::apply_part_edit(doc, &info)?;
                Ok(id.to_string())
            },
        )?;
        self.get_part(id)
    }

    pub fn get_part(&self, id: &str) -> Result<PartView> {
        check_id("part", id)?;
        self.query_parts(None, Some(id))?
            .pop()
            .ok_or_else(|| CoreError::NotFound(format!("part {id}")))
    }

    /// The catalogue, by SKU; `text` matches SKU, names, barcode and compatible models.
    pub fn list_parts(&self, text: Option<&str>) -> Result<Vec<PartView>> {
        self.query_parts(text, None)
    }

    /// Parts matching `text`, or the one part `id` (without summing every other part's stock).
    fn query_parts(&self, text: Option<&str>, id: Option<&str>) -> Result<Vec<PartView>> {
        let paths: BTreeMap<String, String> = self
            .list_categories()?
            .into_iter()
            .map(|c| (c.id, c.path))
            .collect();
        let like = text.map(str::trim).filter(|t| !t.is_empty()).map(|t| {
            format!(
                "%{}%",
                t.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let mut stmt = self.store.conn().prepare(
            "SELECT p.id, p.sku, p.name_zh, p.name_en, p.category_id, p.unit, p.barcode, p.sale_price_minor,
                    p.cost_minor, p.currency, p.min_stock, p.compatible_models,
                    (SELECT COALESCE(SUM(m.qty), 0) FROM stock_movements m WHERE m.part_id = p.id AND m.kind != 'defective'),
                    COALESCE(d.dirty, 0), p.photo
             FROM parts p LEFT JOIN documents d ON d.id = p.id
             WHERE (?2 IS NULL OR p.id = ?2)
               AND (?1 IS NULL OR p.sku LIKE ?1 ESCAPE '\\' OR p.name_zh LIKE ?1 ESCAPE '\\'
                OR p.name_en LIKE ?1 ESCAPE '\\' OR p.barcode LIKE ?1 ESCAPE '\\'
                OR p.compatible_models LIKE ?1 ESCAPE '\\')
             ORDER BY p.sku",
        )?;
        let rows = stmt.query_map(params![like, id], |r| {
            let category_id: Option<String> = r.get(4)?;
            Ok(PartView {
                id: r.get(0)?,
                info: PartInfo {
                    sku: r.get(1)?,
                    name_zh: r.get(2)?,
                    name_en: r.get(3)?,
                    category_id: category_id.clone(),
                    unit: r.get(5)?,
                    barcode: r.get(6)?,
                    sale_price_minor: r.get(7)?,
                    cost_minor: r.get(8)?,
                    currency: r.get(9)?,
                    min_stock: r.get(10)?,
                    compatible_models: serde_json::from_str(&r.get::<_, String>(11)?)
                        .unwrap_or_default(),
                    photo: r.get(14)?,
                },
                category_path: category_id.and_then(|c| paths.get(&c).cloned()),
                total_level: r.get(12)?,
                pending: r.get::<_, i64>(13)? == 1,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn create_category(&mut self, name: &str, parent_id: Option<&str>) -> Result<CategoryView> {
        check_text("category name", name, true, 200)?;
        if let Some(p) = parent_id {
            check_id("parent category", p)?;
            if !self.list_categories()?.iter().any(|c| c.id == p) {
                return Err(CoreError::invalid("choose a known parent category"));
            }
        }
        let id = self.change(DocType::Category, None, |doc, _| {
            stock::new_category_doc(doc, name, parent_id)
        })?;
        self.get_category(&id)
    }

    /// Rename a category, or move it under another (or to the top): never under itself or
    /// one of its own subcategories.
    pub fn update_category(
        &mut self,
        id: &str,
        name: &str,
        parent_id: Option<&str>,
    ) -> Result<CategoryView> {
        check_id("category", id)?;
        check_text("category name", name, true, 200)?;
        let all = self.list_categories()?;
        if !all.iter().any(|c| c.id == id) {
            return Err(CoreError::NotFound(format!("category {id}")));
        }
        if let Some(p) = parent_id {
            check_id("parent category", p)?;
            let parent_of: BTreeMap<&str, Option<&str>> = all
                .iter()
                .map(|c| (c.id.as_str(), c.parent_id.as_deref()))
                .collect();
            if !parent_of.contains_key(p) {
                return Err(CoreError::invalid("choose a known parent category"));
            }
            // The tree as listed has no loops, so this walk ends at the top.
            let mut at = Some(p);
            while let Some(x) = at {
                if x == id {
                    return Err(CoreError::invalid(
                        "a category cannot go inside itself or one of its own subcategories",
                    ));
                }
                at = parent_of.get(x).copied().flatten();
            }
        }
        self.change(DocType::Category, Some(id), |doc, _| {
            stock::apply_category_edit(doc, name, parent_id)?;
            Ok(id.to_string())
        })?;
        self.get_category(id)
    }

    fn get_category(&self, id: &str) -> Result<CategoryView> {
        self.list_categories()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| CoreError::NotFound(format!("category {id}")))
    }

    /// The category tree, depth first, children by name. A category whose parent chain loops
    /// or breaks (possible after merges) is shown at the top level rather than lost.
    pub fn list_categories(&self) -> Result<Vec<CategoryView>> {
        let mut stmt = self
            .store
            .conn()
            .prepare("SELECT id, name, parent_id FROM categories")?;
        let all: Vec<CategoryRow> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let by_id: BTreeMap<&str, &CategoryRow> = all.iter().map(|c| (c.0.as_str(), c)).collect();
        let reaches_root = |id: &str| {
            let mut seen = std::collections::BTreeSet::new();
            let mut at = id;
            loop {
                if !seen.insert(at) {
                    return false;
                }
                match by_id.get(at).and_then(|c| c.2.as_deref()) {
                    None => return true,
                    Some(p) if by_id.contains_key(p) => at = p,
                    Some(_) => return false,
                }
            }
        };
        let parent_of = |c: &CategoryRow| {
            if reaches_root(&c.0) {
                c.2.clone()
            } else {
                None
            }
        };
        let mut out = Vec::new();
        fn walk(
            parent: Option<&str>,
            prefix: &str,
            depth: i64,
            all: &[CategoryRow],
            parent_of: &dyn Fn(&CategoryRow) -> Option<String>,
            out: &mut Vec<CategoryView>,
        ) {
            let mut children: Vec<&CategoryRow> = all
                .iter()
                .filter(|c| parent_of(c).as_deref() == parent)
                .collect();
            children.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
            for c in children {
                let path = if prefix.is_empty() {
                    c.1.clone()
                } else {
                    format!("{prefix} / {}", c.1)
                };
                out.push(CategoryView {
                    id: c.0.clone(),
                    name: c.1.clone(),
                    parent_id: parent_of(c),
                    path: path.clone(),
                    depth,
                });
                walk(Some(&c.0), &path, depth + 1, all, parent_of, out);
            }
        }
        walk(None, "", 0, &all, &parent_of, &mut out);
        Ok(out)
    }

    // ----- locations and ledgers -----

    pub fn create_location(
        &mut self,
        kind: LocationKind,
        name: &str,
        owner: Option<&str>,
    ) -> Result<LocationView> {
        self.check_location_owner(kind, owner)?;
        let id = self.change(DocType::Location, None, |doc, _| {
            stock::new_location_doc(doc, kind, name, owner)
        })?;
        self.get_location(&id)
    }

    /// Rename a location, or give a van to another technician (a location stays a warehouse
    /// or a van).
    pub fn update_location(
        &mut self,
        id: &str,
        name: &str,
        owner: Option<&str>,
    ) -> Result<LocationView> {
        check_id("location", id)?;
        let current = self.get_location(id)?;
        self.check_location_owner(current.kind, owner)?;
        if current.owner.as_deref() != owner {
            // Only the requester confirms a receipt, and only into their own van: a van that
            // changed hands with parts on their way could never receive them.
            let open = self
                .list_requests(None)?
                .into_iter()
                .filter(|r| {
                    r.to_location == id
                        && matches!(
                            r.status,
                            RequestStatus::Requested
                                | RequestStatus::Approved
                                | RequestStatus::Issued
                        )
                })
                .count();
            if open > 0 {
                return Err(CoreError::invalid(format!(
                    "{open} part request(s) into this van are still open: let them be received, rejected or cancelled before the van changes hands"
                )));
            }
        }
        self.change(DocType::Location, Some(id), |doc, _| {
            stock::apply_location_edit(doc, name, owner)?;
            Ok(id.to_string())
        })?;
        self.get_location(id)
    }

    /// A van belongs to a technician; a warehouse to no one.
    fn check_location_owner(&self, kind: LocationKind, owner: Option<&str>) -> Result<()> {
        if let Some(o) = owner {
            match self.directory()?.into_iter().find(|u| u.id == o) {
                Some(u) if u.role == Role::Technician => {}
                Some(u) => {
                    return Err(CoreError::invalid(format!(
                        "{} is not a technician",
                        u.name
                    )));
                }
                None => return Err(CoreError::invalid("choose a known technician")),
            }
        }
        if kind == LocationKind::Warehouse && owner.is_some() {
            return Err(CoreError::invalid("a warehouse belongs to no one"));
        }
        Ok(())
    }

    pub fn list_locations(&self) -> Result<Vec<LocationView>> {
        self.query_locations(None)
    }

    /// Every location, or the one `id` (looked up on every movement, so not via the list).
    fn query_locations(&self, id: Option<&str>) -> Result<Vec<LocationView>> {
        let mut stmt = self.store.conn().prepare(
            "SELECT l.id, l.kind, l.name, l.owner,
                COALESCE(d.dirty, 0) OR EXISTS (SELECT 1 FROM ledgers g JOIN documents ld ON ld.id = g.id
                    WHERE g.location_id = l.id AND ld.dirty = 1)
             FROM locations l LEFT JOIN documents d ON d.id = l.id
             WHERE ?1 IS NULL OR l.id = ?1 ORDER BY l.kind DESC, l.name, l.id",
        )?;
        let rows = stmt.query_map([id], |r| {
            let kind: String = r.get(1)?;
            Ok(LocationView {
                id: r.get(0)?,
                kind: if kind == "van" {
                    LocationKind::Van
                } else {
                    LocationKind::Warehouse
                },
                name: r.get(2)?,
                owner: r.get(3)?,
                pending: r.get::<_, i64>(4)? == 1,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn get_location(&self, id: &str) -> Result<LocationView> {
        self.query_locations(Some(id))?
            .pop()
            .ok_or_else(|| CoreError::NotFound(format!("location {id}")))
    }

    /// The van of the signed-in technician.
    pub fn my_van(&self) -> Result<Option<LocationView>> {
        let me = self.actor()?.user_id;
        Ok(self
            .list_locations()?
            .into_iter()
            .find(|l| l.kind == LocationKind::Van && l.owner.as_deref() == Some(me.as_str())))
    }

    /// A movement as it will be recorded by the signed-in user (validated first).
    fn movement(
        &self,
        part_id: &str,
        kind: MovementKind,
        qty: i64,
        note: &str,
    ) -> Result<Movement> {
        self.get_part(part_id)
            .map_err(|_| CoreError::invalid("choose a part from the catalogue"))?;
        let m = Movement {
            part_id: part_id.to_string(),
            kind,
            qty,
            by: self.actor()?.user_id,
            at: now_ms(),
            order_id: None,
            request_id: None,
            counterpart: None,
            note: note.trim().to_string(),
        };
        // Validated when added to the ledger (callers still fill in order, request, counterpart).
        Ok(m)
    }

    /// The ledger changes that record `movements` at a location, and the movements' new ids.
    /// Each movement goes into the ledger of its month, started here for the month's first.
    fn prepare_movements(
        &self,
        location_id: &str,
        movements: &[Movement],
    ) -> Result<(Vec<super::PreparedChange>, Vec<String>)> {
        let location = self
            .get_location(location_id)
            .map_err(|_| CoreError::invalid("choose a known stock location"))?;
        let actor = self.actor()?;
        let ids: Vec<String> = movements.iter().map(|_| new_id()).collect();
        let mut by_month: BTreeMap<String, Vec<(&String, &Movement)>> = BTreeMap::new();
        for (id, m) in ids.iter().zip(movements) {
            by_month
                .entry(stock::ledger_month(m.at))
                .or_default()
                .push((id, m));
        }
        let mut changes = Vec::new();
        for (month, entries) in by_month {
            let ledger_id = stock::ledger_id(location_id, &month);
            let (mut doc, existed) = match self.store.load(&ledger_id)? {
                Some((DocType::Ledger, doc)) => (doc, true),
                Some(_) => {
                    return Err(CoreError::CorruptDocument(format!(
                        "{ledger_id} is not a ledger"
                    )));
                }
                None => {
                    let mut doc = self.store.new_doc();
                    stock::start_ledger_doc(&mut doc, location_id, &month)?;
                    (doc, false)
                }
            };
            // Recording only appends, so the stored ledger is not read in full (on a busy
            // month that read is most of a movement's cost): every movement already there
            // stays untouched, the allow-list judges the ones added here, and the ledger's
            // projection only ever inserts rows, so the added movements are all it needs.
            let before = LedgerDoc {
                id: ledger_id.clone(),
                location_id: location_id.to_string(),
                month: month.clone(),
                movements: BTreeMap::new(),
            };
            let mut added = before.clone();
            for (id, m) in entries {
                stock::add_movement(&mut doc, id, m)?;
                added.movements.insert(id.clone(), m.clone());
            }
            authority::check_ledger_location(
                &actor,
                Some(&before),
                &added,
                location.kind,
                location.owner.as_deref(),
            )
            .map_err(|v| v.into_error())?;
            let before = existed.then(|| TypedDoc::Ledger(Box::new(before)));
            let added = TypedDoc::Ledger(Box::new(added));
            authority::check(&actor, before.as_ref(), &added).map_err(|v| v.into_error())?;
            changes.push((DocType::Ledger, ledger_id, Some((doc, added))));
        }
        Ok((changes, ids))
    }

    /// Goods received (+), a stock-take correction (±) or a defective part taken back.
    pub fn record_movement(
        &mut self,
        location_id: &str,
        part_id: &str,
        kind: MovementKind,
        qty: i64,
        note: &str,
    ) -> Result<Vec<LevelView>> {
        if matches!(
            kind,
            MovementKind::TransferIn | MovementKind::TransferOut | MovementKind::Issue
        ) {
            return Err(CoreError::invalid(
                "transfers go through a transfer or a request; parts used go through the order",
            ));
        }
        let m = self.movement(part_id, kind, qty, note)?;
        let (changes, _) = self.prepare_movements(location_id, &[m])?;
        self.commit_together(changes)?;
        self.levels(Some(location_id), Some(part_id))
    }

    /// A stock-take: the counted quantities of parts at a location. Each count that differs
    /// from the level this device knows (pending movements included) becomes an adjustment by
    /// the difference, all in one transaction; movements that reach the device later still
    /// add on top, since the ledger records the difference, never the count as a level.
    pub fn stock_take(
        &mut self,
        location_id: &str,
        counts: &[StockCount],
        note: &str,
    ) -> Result<Vec<StockTakeLine>> {
        if !self.actor()?.role.keeps_stock() {
            return Err(CoreError::invalid(
                "stock-takes are done by supervisors, admins and warehouse keepers",
            ));
        }
        if counts.is_empty() {
            return Err(CoreError::invalid("count at least one part"));
        }
        if counts.len() > 10_000 {
            return Err(CoreError::invalid("at most 10,000 parts per stock-take"));
        }
        // 400, so that with "stock-take: counted …, was …" it fits a movement's note.
        check_text("note", note, false, 400)?;
        let mut seen = std::collections::BTreeSet::new();
        let mut lines = Vec::new();
        let mut adjustments = Vec::new();
        for c in counts {
            let part = self
                .get_part(&c.part_id)
                .map_err(|_| CoreError::invalid("choose parts from the catalogue"))?;
            if !seen.insert(c.part_id.as_str()) {
                return Err(CoreError::invalid(format!(
                    "{} is counted twice",
                    part.info.sku
                )));
            }
            if !(0..=stock::MAX_QUANTITY).contains(&c.counted) {
                return Err(CoreError::invalid(format!(
                    "the count of {} must be between 0 and 1,000,000",
                    part.info.sku
                )));
            }
            let was = self
                .levels(Some(location_id), Some(&c.part_id))?
                .first()
                .map_or(0, |l| l.level);
            let adjustment = c.counted - was;
            if adjustment != 0 {
                let text = format!(
                    "stock-take: counted {}, was {was}. {}",
                    c.counted,
                    note.trim()
                );
                adjustments.push(self.movement(
                    &c.part_id,
                    MovementKind::Adjust,
                    adjustment,
                    text.trim_end_matches([' ', '.']),
                )?);
            }
            lines.push(StockTakeLine {
                part_id: c.part_id.clone(),
                sku: part.info.sku,
                was,
                counted: c.counted,
                adjustment,
            });
        }
        if !adjustments.is_empty() {
            let (changes, _) = self.prepare_movements(location_id, &adjustments)?;
            self.commit_together(changes)?;
        } else {
            self.get_location(location_id)
                .map_err(|_| CoreError::invalid("choose a known stock location"))?;
        }
        Ok(lines)
    }

    /// Move stock between two locations at once (both ledgers in one transaction).
    pub fn transfer(
        &mut self,
        from: &str,
        to: &str,
        part_id: &str,
        qty: i64,
        note: &str,
    ) -> Result<()> {
        if from == to {
            return Err(CoreError::invalid("a transfer goes to another location"));
        }
        let mut out = self.movement(part_id, MovementKind::TransferOut, -qty, note)?;
        out.counterpart = Some(to.to_string());
        let mut inn = self.movement(part_id, MovementKind::TransferIn, qty, note)?;
        inn.counterpart = Some(from.to_string());
        let (mut changes, _) = self.prepare_movements(from, &[out])?;
        changes.extend(self.prepare_movements(to, &[inn])?.0);
        self.commit_together(changes)
    }

    /// Stock per location and part (parts that ever moved there), with this device's pending
    /// movements included.
    pub fn levels(
        &self,
        location_id: Option<&str>,
        part_id: Option<&str>,
    ) -> Result<Vec<LevelView>> {
        let mut stmt = self.store.conn().prepare(&format!(
            "{LEVEL_SELECT} WHERE (?1 IS NULL OR m.location_id = ?1) AND (?2 IS NULL OR m.part_id = ?2)
             GROUP BY m.location_id, m.part_id ORDER BY l.name, p.sku"
        ))?;
        let rows = stmt.query_map(params![location_id, part_id], level_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn movements(&self, location_id: &str, part_id: &str) -> Result<Vec<MovementView>> {
        let mut stmt = self.store.conn().prepare(
            "SELECT id, location_id, part_id, kind, qty, by_user, at, order_id, request_id, note FROM stock_movements
             WHERE location_id = ?1 AND part_id = ?2 ORDER BY at, id",
        )?;
        let rows = stmt.query_map(params![location_id, part_id], movement_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Oversold (below zero after a merge, naming the movements that took out more than the
    /// last receipt left) and low stock (below the part's minimum).
    pub fn stock_alerts(&self) -> Result<Vec<StockAlert>> {
        let mut out = Vec::new();
        for level in self.levels(None, None)? {
            if level.level < 0 {
                let movements = self.movements(&level.location_id, &level.part_id)?;
                let last_in = movements
                    .iter()
                    .rposition(|m| m.qty > 0 && m.kind != MovementKind::Defective);
                let culprits = movements
                    .into_iter()
                    .enumerate()
                    .filter(|(i, m)| m.qty < 0 && last_in.is_none_or(|l| *i > l))
                    .map(|(_, m)| m)
                    .collect();
                out.push(StockAlert {
                    kind: AlertKind::Oversold,
                    level,
                    movements: culprits,
                });
            } else if level.min_stock > 0 && level.level < level.min_stock {
                out.push(StockAlert {
                    kind: AlertKind::LowStock,
                    level,
                    movements: Vec::new(),
                });
            }
        }
        Ok(out)
    }

    // ----- parts used on orders -----

    /// Take parts from a location for an order: the stock movement, the order's parts charge
    /// (sale price) and parts cost (catalogue cost), all in one transaction.
    pub fn use_part(
        &mut self,
        order_id: &str,
        part_id: &str,
        qty: i64,
        location_id: &str,
    ) -> Result<OrderDetail> {
        self.require_action(order_id, Action::FieldEntry)?;
        let part = self
            .get_part(part_id)
            .map_err(|_| CoreError::invalid("choose a part from the catalogue"))?;
        let location = self
            .get_location(location_id)
            .map_err(|_| CoreError::invalid("choose a known stock location"))?;
        let me = self.actor()?;
        if !me.role.manages()
            && location.kind == LocationKind::Van
            && location.owner.as_deref() != Some(me.user_id.as_str())
        {
            return Err(CoreError::invalid(
                "take parts from your own van or a warehouse",
            ));
        }
        let mut m = self.movement(part_id, MovementKind::Issue, -qty, "")?;
        m.order_id = Some(order_id.to_string());
        let (mut changes, ids) = self.prepare_movements(location_id, &[m])?;
        let movement_id = ids.into_iter().next().unwrap_or_default();
        let description = format!("{} {}", part.info.sku, part.info.name_zh);
        let (ord_id, ord_doc) =
            self.prepare_change(DocType::Order, Some(order_id), |doc, actor| {
                let at = now_ms();
                order::put_line(
                    doc,
                    "charges",
                    &new_id(),
                    &ChargeLine {
                        kind: ChargeKind::PartsFee,
                        description: description.clone(),
                        quantity_milli: qty * 1000,
                        unit_price_minor: part.info.sale_price_minor,
                        discount_bp: 0,
                        tax_rate_bp: 0,
                        currency: part.info.currency.clone(),
                        by: actor.user_id.clone(),
                        at,
                        movement_id: Some(movement_id.clone()),
                    },
                )?;
                order::put_line(
                    doc,
                    "costs",
                    &new_id(),
                    &CostLine {
                        kind: CostKind::PartsCost,
                        description: description.clone(),
                        quantity_milli: qty * 1000,
                        unit_cost_minor: part.info.cost_minor,
                        currency: part.info.currency.clone(),
                        by: actor.user_id.clone(),
                        at,
                        movement_id: Some(movement_id.clone()),
                    },
                )?;
                Ok(order_id.to_string())
            })?;
        changes.push((DocType::Order, ord_id, ord_doc));
        self.commit_together(changes)?;
        self.get_order(order_id)
    }

    /// The catalogue cost of the part a parts-cost line's movement took, when it differs
    /// from the line's unit cost (same currency only; unknown movements or parts say nothing).
    pub(crate) fn catalogue_cost_if_different(&self, line: &CostLine) -> Result<Option<i64>> {
        let Some(movement) = line.movement_id.as_deref() else {
            return Ok(None);
        };
        if line.kind != CostKind::PartsCost {
            return Ok(None);
        }
        let catalogue: Option<(i64, String)> = self
            .store
            .conn()
            .query_row(
                "SELECT p.cost_minor, p.currency FROM stock_movements m JOIN parts p ON p.id = m.part_id
                 WHERE m.id = ?1",
                [movement],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(catalogue
            .filter(|(cost, currency)| *currency == line.currency && *cost != line.unit_cost_minor)
            .map(|(cost, _)| cost))
    }

    // ----- part requests -----

    pub fn create_request(
        &mut self,
        to_location: &str,
        order_id: Option<&str>,
        lines: &[RequestLineInput],
    ) -> Result<RequestView> {
        let van = self
            .get_location(to_location)
            .map_err(|_| CoreError::invalid("choose a known van"))?;
        let me = self.actor()?;
        if van.kind != LocationKind::Van
            || (!me.role.manages() && van.owner.as_deref() != Some(me.user_id.as_str()))
        {
            return Err(CoreError::invalid("parts are requested into your own van"));
        }
        if let Some(o) = order_id {
            self.get_order(o)
                .map_err(|_| CoreError::invalid("choose one of your orders"))?;
        }
        let mut parsed = Vec::new();
        for l in lines {
            self.get_part(&l.part_id)
                .map_err(|_| CoreError::invalid("choose parts from the catalogue"))?;
            parsed.push(RequestLine {
                part_id: l.part_id.clone(),
                qty: l.qty,
                reason: l.reason.trim().to_string(),
            });
        }
        let id = self.change(DocType::PartRequest, None, |doc, actor| {
            part_request::new_request_doc(doc, &actor.user_id, to_location, order_id, &parsed)
        })?;
        self.get_request(&id)
    }

    fn request_event(
        &self,
        kind: RequestEventKind,
        fill: impl FnOnce(&mut RequestEvent),
    ) -> Result<RequestEvent> {
        let mut e = RequestEvent {
            id: new_id(),
            kind,
            by: self.actor()?.user_id,
            at: now_ms(),
            reason: None,
            approved: None,
            from_location: None,
        };
        fill(&mut e);
        Ok(e)
    }

    fn require_request_status(&self, id: &str, wanted: RequestStatus) -> Result<RequestView> {
        let r = self.get_request(id)?;
        if r.status != wanted {
            return Err(CoreError::invalid(format!(
                "the request is {}, not {}",
                enum_name(&r.status),
                enum_name(&wanted)
            )));
        }
        Ok(r)
    }

    fn append_request_event(&mut self, id: &str, e: RequestEvent) -> Result<RequestView> {
        self.change(DocType::PartRequest, Some(id), |doc, _| {
            part_request::append_event(doc, &e)?;
            Ok(id.to_string())
        })?;
        self.get_request(id)
    }

    /// Approve, possibly fewer than asked (line id → quantity; lines not named keep theirs).
    pub fn approve_request(
        &mut self,
        id: &str,
        quantities: &BTreeMap<String, i64>,
    ) -> Result<RequestView> {
        let r = self.require_request_status(id, RequestStatus::Requested)?;
        for (line, q) in quantities {
            let asked = r
                .lines
                .iter()
                .find(|l| &l.id == line)
                .ok_or_else(|| CoreError::invalid("approve lines of this request"))?;
            if !(0..=asked.asked).contains(q) {
                return Err(CoreError::invalid(
                    "approve between 0 and the quantity asked",
                ));
            }
        }
        let e = self.request_event(RequestEventKind::Approved, |e| {
            e.approved = Some(quantities.clone())
        })?;
        self.append_request_event(id, e)
    }

    pub fn reject_request(&mut self, id: &str, reason: &str) -> Result<RequestView> {
        check_text("reason", reason, true, 1000)?;
        self.require_request_status(id, RequestStatus::Requested)?;
        let e = self.request_event(RequestEventKind::Rejected, |e| {
            e.reason = Some(reason.trim().to_string())
        })?;
        self.append_request_event(id, e)
    }

    pub fn cancel_request(&mut self, id: &str) -> Result<RequestView> {
        self.require_request_status(id, RequestStatus::Requested)?;
        let e = self.request_event(RequestEventKind::Cancelled, |_| {})?;
        self.append_request_event(id, e)
    }

    /// Issue an approved request from a warehouse: the parts leave it now (in transit to the van).
    pub fn issue_request(&mut self, id: &str, from_location: &str) -> Result<RequestView> {
        let r = self.require_request_status(id, RequestStatus::Approved)?;
        let mut out = Vec::new();
        for l in r.lines.iter().filter(|l| l.qty > 0) {
            let mut m = self.movement(&l.part_id, MovementKind::TransferOut, -l.qty, "")?;
            m.request_id = Some(id.to_string());
            m.counterpart = Some(r.to_location.clone());
            out.push(m);
        }
        let e = self.request_event(RequestEventKind::Issued, |e| {
            e.from_location = Some(from_location.to_string())
        })?;
        let (mut changes, _) = self.prepare_movements(from_location, &out)?;
        let (rid, rdoc) = self.prepare_change(DocType::PartRequest, Some(id), |doc, _| {
            part_request::append_event(doc, &e)?;
            Ok(id.to_string())
        })?;
        changes.push((DocType::PartRequest, rid, rdoc));
        self.commit_together(changes)?;
        self.get_request(id)
    }

    /// The technician confirms the parts arrived: they enter the van.
    pub fn receive_request(&mut self, id: &str) -> Result<RequestView> {
        let r = self.require_request_status(id, RequestStatus::Issued)?;
        let mut inn = Vec::new();
        for l in r.lines.iter().filter(|l| l.qty > 0) {
            let mut m = self.movement(&l.part_id, MovementKind::TransferIn, l.qty, "")?;
            m.request_id = Some(id.to_string());
            m.counterpart = r.from_location.clone();
            inn.push(m);
        }
        let e = self.request_event(RequestEventKind::Received, |_| {})?;
        let (mut changes, _) = self.prepare_movements(&r.to_location, &inn)?;
        let (rid, rdoc) = self.prepare_change(DocType::PartRequest, Some(id), |doc, _| {
            part_request::append_event(doc, &e)?;
            Ok(id.to_string())
        })?;
        changes.push((DocType::PartRequest, rid, rdoc));
        self.commit_together(changes)?;
        self.get_request(id)
    }

    pub fn get_request(&self, id: &str) -> Result<RequestView> {
        check_id("request", id)?;
        let (t, doc) = self
            .store
            .load(id)?
            .ok_or_else(|| CoreError::NotFound(format!("request {id}")))?;
        if t != DocType::PartRequest {
            return Err(CoreError::NotFound(format!("request {id}")));
        }
        let r = part_request::RequestDoc::from_doc(&doc)?;
        let st = r.state();
        let pending: i64 = self
            .store
            .conn()
            .query_row("SELECT dirty FROM documents WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .unwrap_or(0);
        let parts: BTreeMap<String, PartView> = r
            .lines
            .values()
            .filter_map(|l| self.get_part(&l.part_id).ok())
            .map(|p| (p.id.clone(), p))
            .collect();
        Ok(RequestView {
            id: r.id.clone(),
            by: r.by.clone(),
            to_location: r.to_location.clone(),
            order_id: r.order_id.clone(),
            status: st.status,
            lines: r
                .lines
                .iter()
                .map(|(lid, l)| RequestLineView {
                    id: lid.clone(),
                    part_id: l.part_id.clone(),
                    sku: parts.get(&l.part_id).map(|p| p.info.sku.clone()),
                    name: parts.get(&l.part_id).map(|p| p.info.name_zh.clone()),
                    asked: l.qty,
                    qty: st.quantities.get(lid).copied().unwrap_or(l.qty),
                    reason: l.reason.clone(),
                })
                .collect(),
            events: r.sorted_events().into_iter().cloned().collect(),
            conflicts: st.conflicts,
            from_location: st.from_location,
            requested_at: st.requested_at,
            closed_at: st.closed_at,
            pending: pending == 1,
        })
    }

    /// Requests this device knows (a technician's own; supervisors all), newest first.
    pub fn list_requests(&self, status: Option<RequestStatus>) -> Result<Vec<RequestView>> {
        let ids: Vec<String> = {
            let mut stmt = self.store.conn().prepare(
                "SELECT id FROM part_requests WHERE ?1 IS NULL OR status = ?1 ORDER BY requested_at DESC, id",
            )?;
            stmt.query_map([status.map(|s| enum_name(&s))], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        ids.iter().map(|id| self.get_request(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    pub(crate) fn part_info(sku: &str) -> PartInfo {
        PartInfo {
            sku: sku.into(),
            name_zh: "压缩机阀片".into(),
            name_en: "Compressor valve plate".into(),
            category_id: None,
            unit: "pcs".into(),
            barcode: "6901234567892".into(),
            sale_price_minor: 45_000,
            cost_minor: 28_000,
            currency: "CNY".into(),
            min_stock: 2,
            compatible_models: vec!["Carrier 30XA-252".into()],
            photo: None,
        }
    }

    /// A supervisor with a warehouse holding `qty` of one part, and a van for tech A.
    /// Technician A's device, synced with `sup`, asking for `qty` of a part into `van`.
    fn tech_a_asks(sup: &Workspace, van: &str, part: &str, qty: i64) -> (Workspace, RequestView) {
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(sup, &mut tech);
        let r = tech
            .create_request(
                van,
                None,
                &[RequestLineInput {
                    part_id: part.to_string(),
                    qty,
                    reason: String::new(),
                }],
            )
            .unwrap();
        (tech, r)
    }

    /// A customer and one dispatched order each for technicians A and B.
    fn an_order_for_each_technician(sup: &mut Workspace) -> Vec<String> {
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        [TECH_A, TECH_B]
            .into_iter()
            .map(|tech| {
                let id = sup
                    .create_order(&order_input(&c.id, &c.sites[0].id, "valve"))
                    .unwrap()
                    .summary
                    .id;
                sup.dispatch_order(&id, &[tech.to_string()]).unwrap();
                id
            })
            .collect()
    }

    fn stocked(qty: i64) -> (Workspace, String, String, String) {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let part = sup.create_part(&part_info("VP-30XA")).unwrap().id;
        let wh = sup
            .create_location(LocationKind::Warehouse, "上海总仓", None)
            .unwrap()
            .id;
        let van = sup
            .create_location(LocationKind::Van, "张伟的车", Some(TECH_A))
            .unwrap()
            .id;
        sup.record_movement(&wh, &part, MovementKind::Receive, qty, "PO-1")
            .unwrap();
        (sup, part, wh, van)
    }

    #[test]
    fn a_stock_take_records_the_differences_and_nothing_when_a_count_is_wrong() {
        let (mut sup, part, wh, _) = stocked(10);
        let other = sup.create_part(&part_info("OIL-5L")).unwrap().id;
        let third = sup.create_part(&part_info("FLT-2")).unwrap().id;
        sup.record_movement(&wh, &third, MovementKind::Receive, 4, "")
            .unwrap();
        let count = |part_id: &str, counted| StockCount {
            part_id: part_id.to_string(),
            counted,
        };
        let movements_before = sup.movements(&wh, &part).unwrap().len();
        // Refusals save nothing: a negative count, a part counted twice, an unknown part.
        for bad in [
            vec![count(&part, 8), count(&other, -1)],
            vec![count(&part, 8), count(&part, 9)],
            vec![count(&part, 8), count(crate::testing::TECH_A, 1)],
            vec![],
        ] {
            assert!(sup.stock_take(&wh, &bad, "").is_err(), "{bad:?}");
        }
        assert_eq!(sup.movements(&wh, &part).unwrap().len(), movements_before);
        let lines = sup
            .stock_take(
                &wh,
                &[count(&part, 8), count(&other, 2), count(&third, 4)],
                "year end",
            )
            .unwrap();
        let got: Vec<(i64, i64, i64)> = lines
            .iter()
            .map(|l| (l.was, l.counted, l.adjustment))
            .collect();
        assert_eq!(got, vec![(10, 8, -2), (0, 2, 2), (4, 4, 0)]);
        let level = |p: &str| sup.levels(Some(&wh), Some(p)).unwrap()[0].level;
        assert_eq!((level(&part), level(&other), level(&third)), (8, 2, 4));
        let adjust = sup.movements(&wh, &part).unwrap().pop().unwrap();
        assert_eq!(
            (adjust.kind, adjust.qty, adjust.note.as_str()),
            (
                MovementKind::Adjust,
                -2,
                "stock-take: counted 8, was 10. year end"
            )
        );
        assert_eq!(
            sup.movements(&wh, &third).unwrap().len(),
            1,
            "agreed: nothing"
        );
        // Technicians do not count warehouses.
        let mut tech = workspace(crate::testing::TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        assert!(tech.stock_take(&wh, &[count(&part, 1)], "").is_err());
    }

    #[test]
    fn categories_and_locations_are_renamed_moved_and_reassigned() {
        let (mut sup, part, wh, van) = stocked(5);
        let hvac = sup.create_category("暖通", None).unwrap();
        let comp = sup.create_category("压缩机", Some(&hvac.id)).unwrap();
        let valves = sup.create_category("阀片", Some(&comp.id)).unwrap();
        // Never inside itself or one of its own; only known parents.
        for (parent, why) in [(&hvac.id, "itself"), (&valves.id, "its own")] {
            assert!(
                sup.update_category(&hvac.id, "暖通", Some(parent))
                    .unwrap_err()
                    .to_string()
                    .contains("itself or one of its own"),
                "{why}"
            );
        }
        assert!(sup.update_category(&hvac.id, "暖通", Some(&wh)).is_err());
        assert!(sup.update_category(&hvac.id, " ", None).is_err());
        let moved = sup
            .update_category(&valves.id, "阀片 Valves", Some(&hvac.id))
            .unwrap();
        assert_eq!(moved.path, "暖通 / 阀片 Valves");
        let top = sup.update_category(&comp.id, "压缩机", None).unwrap();
        assert_eq!((top.path.as_str(), top.depth), ("压缩机", 0));

        assert_eq!(
            sup.update_location(&wh, "上海总仓 Shanghai", None)
                .unwrap()
                .name,
            "上海总仓 Shanghai"
        );
        assert!(
            sup.update_location(&wh, "x", Some(TECH_A)).is_err(),
            "warehouse"
        );
        assert!(
            sup.update_location(&van, "x", None).is_err(),
            "van without owner"
        );
        assert!(
            sup.update_location(&van, "x", Some(SUPERVISOR)).is_err(),
            "not a technician"
        );
        // The van goes from A to B: B takes parts from it, A no longer can.
        let orders = an_order_for_each_technician(&mut sup);
        sup.transfer(&wh, &van, &part, 2, "").unwrap();
        // Not while a request into the van is open: its receipt would have no one to make it.
        let (a, asked) = tech_a_asks(&sup, &van, &part, 1);
        exchange(&a, &mut sup);
        assert!(
            sup.update_location(&van, "李娜的车", Some(TECH_B))
                .unwrap_err()
                .to_string()
                .contains("still open")
        );
        assert!(
            sup.update_location(&van, "张伟的车 A", Some(TECH_A))
                .is_ok(),
            "a rename is fine"
        );
        sup.reject_request(&asked.id, "van changes hands").unwrap();
        let moved = sup.update_location(&van, "李娜的车", Some(TECH_B)).unwrap();
        assert_eq!(moved.owner.as_deref(), Some(TECH_B));
        for (tech, order, allowed) in [(TECH_A, &orders[0], false), (TECH_B, &orders[1], true)] {
            let mut ws = workspace(tech, Role::Technician);
            exchange(&sup, &mut ws);
            ws.accept_order(order).unwrap();
            assert_eq!(
                ws.use_part(order, &part, 1, &van).is_ok(),
                allowed,
                "{tech}"
            );
        }
    }

    #[test]
    fn the_catalogue_refuses_duplicates_and_keeps_a_category_tree() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let hvac = sup.create_category("暖通 HVAC", None).unwrap();
        let comp = sup
            .create_category("压缩机 Compressors", Some(&hvac.id))
            .unwrap();
        assert_eq!(comp.path, "暖通 HVAC / 压缩机 Compressors");
        assert_eq!(comp.depth, 1);
        let p = sup
            .create_part(&PartInfo {
                category_id: Some(comp.id.clone()),
                ..part_info("VP-1")
            })
            .unwrap();
        assert_eq!(
            p.category_path.as_deref(),
            Some("暖通 HVAC / 压缩机 Compressors")
        );
        let err = sup.create_part(&part_info("VP-1")).unwrap_err();
        assert!(
            err.to_string().contains("already in the catalogue"),
            "{err}"
        );
        for bad in [
            PartInfo {
                sku: "A B".into(),
                ..part_info("x")
            },
            PartInfo {
                sale_price_minor: -1,
                ..part_info("VP-2")
            },
            PartInfo {
                currency: "rmb".into(),
                ..part_info("VP-3")
            },
            PartInfo {
                category_id: Some(crate::model::new_id()),
                ..part_info("VP-4")
            },
        ] {
            assert!(matches!(
                sup.create_part(&bad).unwrap_err(),
                CoreError::Invalid(_)
            ));
        }
        assert!(
            sup.create_category("x", Some(&crate::model::new_id()))
                .is_err()
        );
        assert_eq!(
            sup.list_parts(Some("30XA")).unwrap().len(),
            1,
            "found by compatible model"
        );
        assert_eq!(sup.list_parts(Some("阀片")).unwrap().len(), 1);
        // A picture of the part: processed, queued for upload with the change, kept on import.
        let jpeg = crate::photo::tests::jpeg(&crate::photo::tests::marked(800, 600));
        assert!(sup.set_part_photo(&p.id, b"not a picture").is_err());
        let with_photo = sup.set_part_photo(&p.id, &jpeg).unwrap();
        let hash = with_photo.info.photo.clone().unwrap();
        assert!(
            sup.store
                .pending_blobs()
                .unwrap()
                .iter()
                .any(|b| b.0 == hash)
        );
        let csv = sup.export_parts_csv().unwrap();
        let report = sup
            .import_parts(csv.as_bytes(), crate::workspace::TableFormat::Csv)
            .unwrap();
        assert_eq!(report.unchanged, 1, "{report:?}");
        assert_eq!(sup.get_part(&p.id).unwrap().info.photo, Some(hash));
        let mut tech = workspace(TECH_A, Role::Technician);
        assert!(matches!(
            tech.create_part(&part_info("VP-9")).unwrap_err(),
            CoreError::Forbidden(_)
        ));
    }

    #[test]
    fn levels_are_sums_of_movements_and_transfers_move_both_sides() {
        let (mut sup, part, wh, van) = stocked(10);
        sup.transfer(&wh, &van, &part, 3, "refill").unwrap();
        sup.record_movement(&wh, &part, MovementKind::Adjust, -1, "stock-take")
            .unwrap();
        sup.record_movement(&van, &part, MovementKind::Defective, 1, "old valve")
            .unwrap();
        let levels = sup.levels(None, Some(&part)).unwrap();
        let of = |loc: &str| {
            levels
                .iter()
                .find(|l| l.location_id == loc)
                .unwrap()
                .clone()
        };
        assert_eq!(
            (of(&wh).level, of(&van).level, of(&van).defective),
            (6, 3, 1)
        );
        assert_eq!(sup.get_part(&part).unwrap().total_level, 9);
        // What the fast ledger path projected is what the documents say.
        let before = sup.levels(None, None).unwrap();
        sup.store.rebuild_projections().unwrap();
        assert_eq!(sup.levels(None, None).unwrap(), before);
        let month = stock::ledger_month(now_ms());
        let (t, doc) = sup
            .store
            .load(&stock::ledger_id(&wh, &month))
            .unwrap()
            .unwrap();
        assert_eq!(t, DocType::Ledger);
        let stored = LedgerDoc::from_doc(&doc).unwrap();
        assert_eq!(
            (stored.location_id.as_str(), stored.month.as_str()),
            (wh.as_str(), month.as_str())
        );
        assert_eq!(
            stored.movements.len(),
            sup.movements(&wh, &part).unwrap().len()
        );
        assert!(
            sup.record_movement(&wh, &part, MovementKind::Receive, -2, "")
                .is_err(),
            "sign"
        );
        assert!(
            sup.record_movement(&wh, &part, MovementKind::Issue, -2, "")
                .is_err(),
            "issues go through orders"
        );
        assert!(sup.transfer(&wh, &wh, &part, 1, "").is_err());
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        let err = tech
            .record_movement(&wh, &part, MovementKind::Receive, 5, "")
            .unwrap_err();
        assert!(matches!(err, CoreError::Forbidden(_)), "{err}");
        // Low stock: the van holds 3, the warehouse 6, the minimum is 2 — no alert yet.
        assert!(sup.stock_alerts().unwrap().is_empty());
        sup.record_movement(&van, &part, MovementKind::Adjust, -2, "lost")
            .unwrap();
        let alerts = sup.stock_alerts().unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(
            (alerts[0].kind, alerts[0].level.level),
            (AlertKind::LowStock, 1)
        );
    }

    #[test]
    fn parts_used_on_an_order_feed_its_charges_and_costs() {
        let (mut sup, part, wh, van) = stocked(5);
        sup.transfer(&wh, &van, &part, 2, "").unwrap();
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        let id = sup
            .create_order(&order_input(&c.id, &c.sites[0].id, "valve"))
            .unwrap()
            .summary
            .id;
        sup.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        assert!(
            tech.use_part(&id, &part, 1, &van).is_err(),
            "not before accepting"
        );
        tech.accept_order(&id).unwrap();
        let o = tech.use_part(&id, &part, 2, &van).unwrap();
        assert_eq!(
            (
                o.totals.charges_net,
                o.totals.costs_total,
                o.totals.gross_profit
            ),
            (90_000, 56_000, 34_000)
        );
        let charge = &o.charges[0].line;
        let cost = &o.costs[0].line;
        assert_eq!(
            (charge.kind, cost.kind),
            (ChargeKind::PartsFee, CostKind::PartsCost)
        );
        assert!(charge.movement_id.is_some() && charge.movement_id == cost.movement_id);
        assert_eq!(tech.levels(Some(&van), Some(&part)).unwrap()[0].level, 0);
        // Another technician's van is not theirs to take from.
        let other = sup
            .create_location(LocationKind::Van, "李娜的车", Some(TECH_B))
            .unwrap()
            .id;
        exchange(&sup, &mut tech);
        assert!(
            tech.use_part(&id, &part, 1, &other)
                .unwrap_err()
                .to_string()
                .contains("your own van")
        );
        // The supervisor's device gets both documents, and the same numbers.
        exchange(&tech, &mut sup);
        assert_eq!(sup.levels(Some(&van), Some(&part)).unwrap()[0].level, 0);
        let o = sup.get_order(&id).unwrap();
        assert_eq!(o.totals.gross_profit, 34_000);
        assert_eq!(o.costs[0].catalogue_cost_minor, None, "as in the catalogue");
        // The catalogue cost changes later: the line stays as recorded, and says so.
        let mut info = sup.get_part(&part).unwrap().info;
        info.cost_minor = 30_000;
        sup.update_part(&part, &info).unwrap();
        let o = sup.get_order(&id).unwrap();
        assert_eq!(o.costs[0].catalogue_cost_minor, Some(30_000));
        assert_eq!(o.totals.gross_profit, 34_000);
    }

    #[test]
    fn two_technicians_take_the_last_unit_offline_and_the_merge_says_oversold() {
        let (mut sup, part, wh, _van) = stocked(1);
        let orders = an_order_for_each_technician(&mut sup);
        let mut a = workspace(TECH_A, Role::Technician);
        let mut b = workspace(TECH_B, Role::Technician);
        exchange(&sup, &mut a);
        exchange(&sup, &mut b);
        for (ws, id) in [(&mut a, &orders[0]), (&mut b, &orders[1])] {
            ws.accept_order(id).unwrap();
            ws.use_part(id, &part, 1, &wh).unwrap();
            assert_eq!(
                ws.levels(Some(&wh), Some(&part)).unwrap()[0].level,
                0,
                "each saw the last one"
            );
        }
        exchange(&a, &mut sup);
        exchange(&b, &mut sup);
        assert_eq!(sup.levels(Some(&wh), Some(&part)).unwrap()[0].level, -1);
        let alerts = sup.stock_alerts().unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::Oversold);
        let by: Vec<&str> = alerts[0].movements.iter().map(|m| m.by.as_str()).collect();
        assert_eq!(by.len(), 2);
        assert!(by.contains(&TECH_A) && by.contains(&TECH_B), "{by:?}");
    }

    #[test]
    fn a_request_goes_from_asked_to_received_and_moves_the_stock() {
        let (mut sup, part, wh, van) = stocked(10);
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        let line = RequestLineInput {
            part_id: part.clone(),
            qty: 4,
            reason: "refill".into(),
        };
        let foreign = sup
            .create_location(LocationKind::Van, "李娜的车", Some(TECH_B))
            .unwrap()
            .id;
        exchange(&sup, &mut tech);
        assert!(
            tech.create_request(&foreign, None, std::slice::from_ref(&line))
                .is_err()
        );
        let r = tech.create_request(&van, None, &[line]).unwrap();
        assert_eq!(r.status, RequestStatus::Requested);
        assert!(
            tech.approve_request(&r.id, &BTreeMap::new()).is_err(),
            "technicians do not approve"
        );
        exchange(&tech, &mut sup);
        let line_id = r.lines[0].id.clone();
        let too_many = BTreeMap::from([(line_id.clone(), 5)]);
        assert!(sup.approve_request(&r.id, &too_many).is_err());
        let r = sup
            .approve_request(&r.id, &BTreeMap::from([(line_id, 3)]))
            .unwrap();
        assert_eq!(
            (r.status, r.lines[0].qty, r.lines[0].asked),
            (RequestStatus::Approved, 3, 4)
        );
        let r = sup.issue_request(&r.id, &wh).unwrap();
        assert_eq!(r.status, RequestStatus::Issued);
        assert_eq!(
            sup.levels(Some(&wh), Some(&part)).unwrap()[0].level,
            7,
            "left the warehouse"
        );
        exchange(&sup, &mut tech);
        let r = tech.receive_request(&r.id).unwrap();
        assert_eq!(r.status, RequestStatus::Received);
        assert_eq!(
            tech.levels(Some(&van), Some(&part)).unwrap()[0].level,
            3,
            "arrived in the van"
        );
        let kinds: Vec<RequestEventKind> = r.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                RequestEventKind::Requested,
                RequestEventKind::Approved,
                RequestEventKind::Issued,
                RequestEventKind::Received
            ]
        );
        assert!(tech.receive_request(&r.id).is_err(), "only once");
    }

    #[test]
    fn a_warehouse_keeper_keeps_stock_and_decides_requests_but_not_orders() {
        let (mut sup, part, wh, van) = stocked(10);
        let (tech, r) = tech_a_asks(&sup, &van, &part, 2);
        let mut keeper = workspace("00000000-0000-7000-8000-0000000000c1", Role::Warehouse);
        exchange(&sup, &mut keeper);
        exchange(&tech, &mut keeper);
        keeper
            .record_movement(&wh, &part, MovementKind::Receive, 5, "PO-9")
            .unwrap();
        keeper.approve_request(&r.id, &BTreeMap::new()).unwrap();
        let r = keeper.issue_request(&r.id, &wh).unwrap();
        assert_eq!(r.status, RequestStatus::Issued);
        assert_eq!(keeper.levels(Some(&wh), Some(&part)).unwrap()[0].level, 13);
        keeper.create_part(&part_info("NEW-1")).unwrap();
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        exchange(&sup, &mut keeper);
        let err = keeper
            .create_order(&order_input(&c.id, &c.sites[0].id, "x"))
            .unwrap_err();
        assert!(matches!(err, CoreError::Forbidden(_)), "{err}");
    }

    #[test]
    fn two_offline_decisions_end_deterministically_with_a_visible_conflict() {
        let (mut sup, part, _wh, van) = stocked(10);
        let (tech, r) = tech_a_asks(&sup, &van, &part, 2);
        let mut sup2 = workspace(SUPERVISOR, Role::Supervisor);
        exchange(&sup, &mut sup2);
        exchange(&tech, &mut sup);
        exchange(&tech, &mut sup2);
        sup.approve_request(&r.id, &BTreeMap::new()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(3));
        sup2.reject_request(&r.id, "budget frozen").unwrap();
        exchange(&sup2, &mut sup);
        exchange(&sup, &mut sup2);
        let (x, y) = (
            sup.get_request(&r.id).unwrap(),
            sup2.get_request(&r.id).unwrap(),
        );
        assert_eq!(
            x.status,
            RequestStatus::Approved,
            "the earlier decision stands"
        );
        assert_eq!((x.status, &x.conflicts), (y.status, &y.conflicts));
        assert_eq!(x.conflicts.len(), 1);
        assert!(x.conflicts[0].contains("rejected"), "{:?}", x.conflicts);
        assert_eq!(x.events.len(), 3, "nothing dropped");
    }
}

#[cfg(test)]
mod ledger_properties {
    use super::*;
    use crate::testing::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Random movements on three replicas, merged pairwise in a random order and then all
        /// together: every replica ends with the same level, the sum of every movement made,
        /// and with every movement.
        #[test]
        fn random_ledgers_merge_to_the_same_levels(
            ops in proptest::collection::vec((0usize..3, -5i64..=5), 1..30),
            merges in proptest::collection::vec((0usize..3, 0usize..3), 0..8),
        ) {
            let mut replicas: Vec<Workspace> = (0..3).map(|_| workspace(SUPERVISOR, Role::Supervisor)).collect();
            let part = replicas[0].create_part(&tests::part_info("P-1")).unwrap().id;
            let wh = replicas[0].create_location(LocationKind::Warehouse, "WH", None).unwrap().id;
            for i in 1..3 {
                let (head, tail) = replicas.split_at_mut(i);
                exchange(&head[0], &mut tail[0]);
            }
            let mut expected = 0;
            let mut made = 0;
            for (r, qty) in ops {
                if qty == 0 {
                    continue;
                }
                let kind = if qty > 0 { MovementKind::Receive } else { MovementKind::Adjust };
                replicas[r].record_movement(&wh, &part, kind, qty, "").unwrap();
                expected += qty;
                made += 1;
            }
            let pair = |replicas: &mut Vec<Workspace>, from: usize, to: usize| {
                if from == to {
                    return;
                }
                let src = std::mem::replace(&mut replicas[from], Workspace::open_in_memory().unwrap());
                exchange(&src, &mut replicas[to]);
                replicas[from] = src;
            };
            for (from, to) in merges {
                pair(&mut replicas, from, to);
            }
            for _ in 0..2 {
                for from in 0..3 {
                    for to in 0..3 {
                        pair(&mut replicas, from, to);
                    }
                }
            }
            for ws in &replicas {
                let level = ws.levels(Some(&wh), Some(&part)).unwrap().first().map_or(0, |l| l.level);
                prop_assert_eq!(level, expected);
                prop_assert_eq!(ws.movements(&wh, &part).unwrap().len(), made);
            }
        }
    }
}
