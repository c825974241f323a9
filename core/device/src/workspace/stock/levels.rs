//! Stock movements and what they add up to: levels, history, stock-take, transfers, parts used on an order, low-stock alerts.

use std::collections::HashMap;
use std::sync::Arc;

use super::*;
use crate::Field;

// The names a level shows are shared with every other level of its part or location (a big
// company's list holds 86,000 levels of 5,000 parts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LevelView {
    pub location_id: String,
    pub location_name: Arc<str>,
    pub part_id: String,
    pub sku: Arc<str>,
    pub name_zh: Arc<str>,
    pub name_en: Arc<str>,
    pub unit: Arc<str>,
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
#[ts(rename = "StockAlertKind")]
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

/// A stored level with its location and part, and its place in the list.
struct Sum<'a> {
    order: (usize, usize),
    place: &'a Arc<str>,
    part: &'a PartLabel,
    location_id: String,
    part_id: String,
    level: i64,
    defective: i64,
}

/// What a level shows of its part.
struct PartLabel {
    sku: Arc<str>,
    name_zh: Arc<str>,
    name_en: Arc<str>,
    unit: Arc<str>,
    min_stock: i64,
}

pub(super) fn movement_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MovementView> {
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
    /// A movement as it will be recorded by the signed-in user (validated first).
    pub(super) fn movement(
        &self,
        part_id: &str,
        kind: MovementKind,
        qty: i64,
        note: &str,
    ) -> Result<Movement> {
        self.get_part(part_id)
            .map_err(|_| DeviceError::refused(Refusal::Unknown { thing: Thing::Part }))?;
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
    pub(super) fn prepare_movements(
        &self,
        location_id: &str,
        movements: &[Movement],
    ) -> Result<(Vec<PreparedChange>, Vec<String>)> {
        let location = self.get_location(location_id).map_err(|_| {
            DeviceError::refused(Refusal::Unknown {
                thing: Thing::StockLocation,
            })
        })?;
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
            let (mut doc, existed) = match self.store.load_for_edit(&ledger_id)? {
                Some((DocType::Ledger, doc)) => (doc, true),
                Some(_) => {
                    return Err(DeviceError::corrupt_document(format!(
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
            return Err(DeviceError::invalid(
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
            return Err(DeviceError::forbidden(
                "stock-takes are done by supervisors, admins and warehouse keepers",
            ));
        }
        if counts.is_empty() {
            return Err(DeviceError::refused(Refusal::NothingCounted));
        }
        if counts.len() > 10_000 {
            return Err(DeviceError::refused(Refusal::TooManyLines { max: 10_000 }));
        }
        // 400, so that with "stock-take: counted …, was …" it fits a movement's note.
        check_text(Field::Note, note, false, 400)?;
        let mut seen = std::collections::BTreeSet::new();
        let mut lines = Vec::new();
        let mut adjustments = Vec::new();
        for c in counts {
            let part = self
                .get_part(&c.part_id)
                .map_err(|_| DeviceError::refused(Refusal::Unknown { thing: Thing::Part }))?;
            if !seen.insert(c.part_id.as_str()) {
                return Err(DeviceError::refused(Refusal::CountedTwice {
                    sku: part.info.sku.clone(),
                }));
            }
            if !(0..=stock::MAX_QUANTITY).contains(&c.counted) {
                return Err(DeviceError::refused(Refusal::CountOutOfRange {
                    sku: part.info.sku.clone(),
                }));
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
            self.get_location(location_id).map_err(|_| {
                DeviceError::refused(Refusal::Unknown {
                    thing: Thing::StockLocation,
                })
            })?;
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
            return Err(DeviceError::refused(Refusal::TransferToSameLocation));
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
    /// movements included; by location name, then SKU.
    ///
    /// The sums are read alone and the names come from the locations and the parts read once:
    /// joined and sorted in SQL, all 86,000 levels of a big company cost twice as much.
    pub fn levels(
        &self,
        location_id: Option<&str>,
        part_id: Option<&str>,
    ) -> Result<Vec<LevelView>> {
        // One statement per filter, each able to use its index ("?1 IS NULL OR ..." is not).
        let (filter, args): (&str, Vec<&str>) = match (location_id, part_id) {
            (Some(l), Some(p)) => ("WHERE location_id = ?1 AND part_id = ?2", vec![l, p]),
            (Some(l), None) => ("WHERE location_id = ?1", vec![l]),
            (None, Some(p)) => ("WHERE part_id = ?1", vec![p]),
            (None, None) => ("", vec![]),
        };
        let conn = self.store.conn();
        // Locations by name and parts by SKU, each with its place in that order.
        let places: HashMap<String, (usize, Arc<str>)> = conn
            .prepare_cached("SELECT id, name FROM locations ORDER BY name, id")?
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))?
            .enumerate()
            .map(|(rank, row)| row.map(|(id, name)| (id, (rank, name.into()))))
            .collect::<rusqlite::Result<_>>()?;
        let part_filter = if part_id.is_some() {
            "WHERE id = ?1"
        } else {
            ""
        };
        let parts: HashMap<String, (usize, PartLabel)> = conn
            .prepare_cached(&format!(
                "SELECT id, sku, name_zh, name_en, unit, min_stock FROM parts {part_filter}
                 ORDER BY sku, id"
            ))?
            .query_map(rusqlite::params_from_iter(part_id), |r| {
                Ok((
                    r.get(0)?,
                    PartLabel {
                        sku: r.get::<_, String>(1)?.into(),
                        name_zh: r.get::<_, String>(2)?.into(),
                        name_en: r.get::<_, String>(3)?.into(),
                        unit: r.get::<_, String>(4)?.into(),
                        min_stock: r.get(5)?,
                    },
                ))
            })?
            .enumerate()
            .map(|(rank, row)| row.map(|(id, label)| (id, (rank, label))))
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT location_id, part_id, level, defective FROM stock_levels {filter}"
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let mut sums: Vec<Sum<'_>> = Vec::new();
        while let Some(r) = rows.next()? {
            let (location_id, part_id): (String, String) = (r.get(0)?, r.get(1)?);
            // A part or location not on this device yet has no level to show.
            let (Some((place_rank, place)), Some((part_rank, part))) =
                (places.get(&location_id), parts.get(&part_id))
            else {
                continue;
            };
            sums.push(Sum {
                order: (*place_rank, *part_rank),
                place,
                part,
                location_id,
                part_id,
                level: r.get(2)?,
                defective: r.get(3)?,
            });
        }
        // Sorted by the two places (small keys) before the views are built: sorting the
        // views by their names cost a fifth of the whole.
        sums.sort_unstable_by_key(|s| s.order);
        Ok(sums
            .into_iter()
            .map(|s| LevelView {
                location_name: s.place.clone(),
                sku: s.part.sku.clone(),
                name_zh: s.part.name_zh.clone(),
                name_en: s.part.name_en.clone(),
                unit: s.part.unit.clone(),
                min_stock: s.part.min_stock,
                location_id: s.location_id,
                part_id: s.part_id,
                level: s.level,
                defective: s.defective,
            })
            .collect())
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

    /// Take parts from a location for an order: the stock movement, the order's parts charge
    /// (sale price) and parts cost (catalogue cost), all in one transaction.
    pub fn use_part(
        &mut self,
        order_id: &str,
        part_id: &str,
        qty: i64,
        location_id: &str,
    ) -> Result<OrderDetail> {
        self.require_action(order_id, Action::Worksheet)?;
        let part = self
            .get_part(part_id)
            .map_err(|_| DeviceError::refused(Refusal::Unknown { thing: Thing::Part }))?;
        let location = self.get_location(location_id).map_err(|_| {
            DeviceError::refused(Refusal::Unknown {
                thing: Thing::StockLocation,
            })
        })?;
        let me = self.actor()?;
        if !me.role.manages()
            && location.kind == LocationKind::Van
            && location.owner.as_deref() != Some(me.user_id.as_str())
        {
            return Err(DeviceError::refused(Refusal::TakeFromOwnVan));
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
}
