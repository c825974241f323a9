//! Business records: completed work, searchable.

use super::*;

/// One business record: a completed order as archived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RecordView {
    pub order_id: String,
    pub number: Option<String>,
    pub display_number: String,
    #[ts(as = "crate::model::order::OrderType")]
    pub order_type: String,
    pub customer_id: String,
    pub customer_name: Option<String>,
    pub technicians: Vec<String>,
    pub completed_at: i64,
    pub description: String,
    pub resolution: Option<String>,
    pub charges_total: i64,
    pub currency: Option<String>,
    pub rating: Option<i64>,
    #[ts(as = "crate::model::order::Status")]
    pub status: String,
}

impl Workspace {
    /// The business-record archive: completed orders, newest first.
    pub fn list_records(&self, filter: &RecordFilter) -> Result<Vec<RecordView>> {
        let text = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        // The trigram index answers queries of three characters or more; shorter ones (two
        // Chinese characters are a common word) fall back to a LIKE scan of the same table.
        let (matched, liked) = match text {
            Some(t) if t.chars().count() >= 3 => {
                (Some(format!("\"{}\"", t.replace('"', "\"\""))), None)
            }
            Some(t) => (
                None,
                Some(format!(
                    "%{}%",
                    t.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                )),
            ),
            None => (None, None),
        };
        let mut stmt = self.store.conn().prepare(
            "SELECT r.order_id, o.number, r.order_type, r.customer_id, c.name, r.technicians, r.completed_at, o.description,
                    r.resolution, o.charges_total, o.currency, o.rating, o.status
             FROM records r JOIN orders o ON o.id = r.order_id LEFT JOIN customers c ON c.id = r.customer_id
             WHERE (?1 IS NULL OR r.order_type = ?1) AND (?2 IS NULL OR r.customer_id = ?2)
               AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(r.equipment_ids) WHERE value = ?3))
               AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(r.technicians) WHERE value = ?4))
               AND (?5 IS NULL OR r.completed_at >= ?5) AND (?6 IS NULL OR r.completed_at < ?6)
               AND (?7 IS NULL OR r.order_id IN (SELECT order_id FROM records_fts WHERE records_fts MATCH ?7))
               AND (?8 IS NULL OR r.order_id IN (SELECT order_id FROM records_fts WHERE number LIKE ?8 ESCAPE '\\'
                    OR customer_name LIKE ?8 ESCAPE '\\' OR description LIKE ?8 ESCAPE '\\'
                    OR resolution LIKE ?8 ESCAPE '\\' OR notes LIKE ?8 ESCAPE '\\'))
             ORDER BY r.completed_at DESC, r.order_id",
        )?;
        let rows = stmt.query_map(
            params![
                filter.order_type,
                filter.customer_id,
                filter.equipment_id,
                filter.technician,
                filter.from,
                filter.to,
                matched,
                liked
            ],
            |r| {
                let id: String = r.get(0)?;
                let number: Option<String> = r.get(1)?;
                Ok(RecordView {
                    display_number: number.clone().unwrap_or_else(|| provisional_number(&id)),
                    order_id: id,
                    number,
                    order_type: r.get(2)?,
                    customer_id: r.get(3)?,
                    customer_name: r.get(4)?,
                    technicians: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                    completed_at: r.get(6)?,
                    description: r.get(7)?,
                    resolution: r.get(8)?,
                    charges_total: r.get(9)?,
                    currency: r.get(10)?,
                    rating: r.get(11)?,
                    status: r.get(12)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
