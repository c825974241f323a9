//! Spare-parts statistics for a period: consumption per part, technician, customer and month;
//! stock value per location; slow movers; requests by status and their turnaround.

use std::collections::BTreeMap;

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Workspace;
use crate::Refusal;
use crate::error::{DeviceError, Result};
use crate::model::part_request::RequestStatus;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Tally {
    /// Part id, user id, customer id, month (YYYY-MM) or location id.
    pub key: String,
    /// What to show: SKU and name, a person's id (the UI names it), a customer, a month.
    pub label: String,
    /// Units, or minor units for money.
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PartsStats {
    /// Units used on orders (issued minus returned), most first.
    pub by_part: Vec<Tally>,
    pub by_technician: Vec<Tally>,
    pub by_customer: Vec<Tally>,
    pub by_month: Vec<Tally>,
    /// Usable stock at catalogue cost, per location (minor units, CNY catalogue).
    pub stock_value: Vec<Tally>,
    /// Parts in stock that nothing used in the period: units held.
    pub slow_movers: Vec<Tally>,
    pub requests_by_status: Vec<Tally>,
    /// Mean hours from request to receipt, over requests received in the period.
    pub mean_turnaround_hours: Option<f64>,
}

impl Workspace {
    /// Statistics over movements and requests with device time in [from, to) (ms).
    pub fn parts_statistics(&self, from: i64, to: i64) -> Result<PartsStats> {
        if to <= from {
            return Err(DeviceError::refused(Refusal::PeriodReversed));
        }
        let conn = self.store.conn();
        let tally = |sql: &str| -> Result<Vec<Tally>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map(params![from, to], |r| {
                Ok(Tally {
                    key: r.get(0)?,
                    label: r.get(1)?,
                    value: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        };
        // Used = issued minus returned; returns count against the order's part.
        const USED: &str = "FROM stock_movements m WHERE m.kind IN ('issue', 'return') AND m.at >= ?1 AND m.at < ?2";
        let by_part = tally(&format!(
            "SELECT m.part_id, COALESCE(p.sku || ' ' || p.name_zh, m.part_id), -SUM(m.qty) {}
             GROUP BY m.part_id HAVING -SUM(m.qty) != 0 ORDER BY 3 DESC, 2",
            USED.replace(
                "FROM stock_movements m",
                "FROM stock_movements m LEFT JOIN parts p ON p.id = m.part_id"
            )
        ))?;
        let by_technician = tally(&format!(
            "SELECT m.by_user, m.by_user, -SUM(m.qty) {USED} GROUP BY m.by_user HAVING -SUM(m.qty) != 0 ORDER BY 3 DESC, 1"
        ))?;
        let by_customer = tally(&format!(
            "SELECT COALESCE(o.customer_id, '?'), COALESCE(c.name, '?'), -SUM(m.qty) {}
             GROUP BY 1 HAVING -SUM(m.qty) != 0 ORDER BY 3 DESC, 2",
            USED.replace(
                "FROM stock_movements m",
                "FROM stock_movements m LEFT JOIN orders o ON o.id = m.order_id LEFT JOIN customers c ON c.id = o.customer_id"
            )
        ))?;
        let by_month = tally(&format!(
            "SELECT strftime('%Y-%m', m.at / 1000, 'unixepoch', 'localtime') AS month,
                    strftime('%Y-%m', m.at / 1000, 'unixepoch', 'localtime'), -SUM(m.qty) {USED}
             GROUP BY month ORDER BY month"
        ))?;
        let stock_value = tally(
            "SELECT l.id, l.name, COALESCE(SUM(v.level * p.cost_minor), 0) FROM locations l
             LEFT JOIN stock_levels v ON v.location_id = l.id AND v.level > 0
             LEFT JOIN parts p ON p.id = v.part_id
             WHERE ?1 IS NOT NULL AND ?2 IS NOT NULL
             GROUP BY l.id ORDER BY 3 DESC, 2",
        )?;
        let slow_movers = tally(
            "SELECT p.id, p.sku || ' ' || p.name_zh, SUM(m.qty) FROM parts p JOIN stock_movements m ON m.part_id = p.id
             WHERE m.kind != 'defective'
               AND NOT EXISTS (SELECT 1 FROM stock_movements u WHERE u.part_id = p.id AND u.kind = 'issue'
                               AND u.at >= ?1 AND u.at < ?2)
             GROUP BY p.id HAVING SUM(m.qty) > 0 ORDER BY 3 DESC, 2",
        )?;
        let requests_by_status = tally(
            "SELECT status, status, COUNT(*) FROM part_requests WHERE requested_at >= ?1 AND requested_at < ?2
             GROUP BY status ORDER BY 3 DESC, 1",
        )?;
        let received = crate::model::enum_name(&RequestStatus::Received);
        let mean_turnaround_hours: Option<f64> = conn.query_row(
            "SELECT AVG((closed_at - requested_at) / 3600000.0) FROM part_requests
             WHERE status = ?3 AND closed_at >= ?1 AND closed_at < ?2",
            params![from, to, received],
            |r| r.get(0),
        )?;
        Ok(PartsStats {
            by_part,
            by_technician,
            by_customer,
            by_month,
            stock_value,
            slow_movers,
            requests_by_status,
            mean_turnaround_hours,
        })
    }

    /// The statistics as rows: section, key, label, value (people and customers named).
    fn parts_statistics_rows(&self, from: i64, to: i64) -> Result<Vec<[String; 4]>> {
        let s = self.parts_statistics(from, to)?;
        let names: BTreeMap<String, String> = self
            .directory()?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let sections: [(&str, &Vec<Tally>); 7] = [
            ("used_by_part", &s.by_part),
            ("used_by_technician", &s.by_technician),
            ("used_by_customer", &s.by_customer),
            ("used_by_month", &s.by_month),
            ("stock_value_minor", &s.stock_value),
            ("slow_movers_units", &s.slow_movers),
            ("requests_by_status", &s.requests_by_status),
        ];
        let mut rows = Vec::new();
        for (section, tallies) in sections {
            for t in tallies {
                let label = names
                    .get(&t.label)
                    .cloned()
                    .unwrap_or_else(|| t.label.clone());
                rows.push([
                    section.to_string(),
                    t.key.clone(),
                    label,
                    t.value.to_string(),
                ]);
            }
        }
        if let Some(h) = s.mean_turnaround_hours {
            rows.push([
                "request_turnaround_hours".into(),
                "mean".into(),
                "mean".into(),
                format!("{h:.2}"),
            ]);
        }
        Ok(rows)
    }

    /// The statistics as CSV: section,key,label,value.
    pub fn parts_statistics_csv(&self, from: i64, to: i64) -> Result<String> {
        let mut out = String::from("\u{feff}section,key,label,value\n");
        for row in self.parts_statistics_rows(from, to)? {
            out.push_str(
                &row.iter()
                    .map(|c| super::csv_field(c))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push('\n');
        }
        Ok(out)
    }

    /// The statistics as an XLSX workbook (values as numbers).
    pub fn parts_statistics_xlsx(&self, from: i64, to: i64) -> Result<Vec<u8>> {
        let xl = |e: rust_xlsxwriter::XlsxError| {
            DeviceError::invalid(format!("the workbook cannot be written: {e}"))
        };
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("statistics").map_err(xl)?;
        for (c, h) in ["section", "key", "label", "value"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).map_err(xl)?;
        }
        for (r, row) in self.parts_statistics_rows(from, to)?.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().take(3).enumerate() {
                sheet.write_string(r, c as u16, cell).map_err(xl)?;
            }
            match row[3].parse::<f64>() {
                Ok(n) => sheet.write_number(r, 3, n).map_err(xl)?,
                Err(_) => sheet.write_string(r, 3, &row[3]).map_err(xl)?,
            };
        }
        book.save_to_buffer().map_err(xl)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Role;
    use crate::model::stock::{LocationKind, MovementKind, PartInfo};
    use crate::testing::*;

    #[test]
    fn consumption_value_slow_movers_and_requests_add_up() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let info = |sku: &str, cost: i64| PartInfo {
            sku: sku.into(),
            name_zh: format!("件{sku}"),
            name_en: String::new(),
            category_id: None,
            unit: "pcs".into(),
            barcode: String::new(),
            sale_price_minor: cost * 2,
            cost_minor: cost,
            currency: "CNY".into(),
            min_stock: 0,
            compatible_models: vec![],
            photo: None,
        };
        let used = sup.create_part(&info("USED", 1_000)).unwrap().id;
        let idle = sup.create_part(&info("IDLE", 500)).unwrap().id;
        let wh = sup
            .create_location(LocationKind::Warehouse, "WH", None)
            .unwrap()
            .id;
        sup.record_movement(&wh, &used, MovementKind::Receive, 10, "")
            .unwrap();
        sup.record_movement(&wh, &idle, MovementKind::Receive, 4, "")
            .unwrap();
        let c = sup
            .create_customer(&customer_input("上海华东医疗"))
            .unwrap();
        let id = sup
            .create_order(&order_input(&c.id, &c.sites[0].id, "x"))
            .unwrap()
            .summary
            .id;
        sup.dispatch_order(&id, &[TECH_A.to_string()], false)
            .unwrap();
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        tech.accept_order(&id).unwrap();
        tech.use_part(&id, &used, 3, &wh).unwrap();
        exchange(&tech, &mut sup);
        let now = crate::model::now_ms();
        let s = sup
            .parts_statistics(now - 3_600_000, now + 3_600_000)
            .unwrap();
        assert_eq!(s.by_part.len(), 1);
        assert_eq!(
            (s.by_part[0].key.as_str(), s.by_part[0].value),
            (used.as_str(), 3)
        );
        assert_eq!(
            (s.by_technician[0].key.as_str(), s.by_technician[0].value),
            (TECH_A, 3)
        );
        assert_eq!(
            (s.by_customer[0].label.as_str(), s.by_customer[0].value),
            ("上海华东医疗", 3)
        );
        assert_eq!(s.by_month.len(), 1);
        // 7 × 10.00 + 4 × 5.00 in the warehouse.
        assert_eq!(s.stock_value[0].value, 7 * 1_000 + 4 * 500);
        assert_eq!(s.slow_movers.len(), 1);
        assert_eq!(
            (s.slow_movers[0].key.as_str(), s.slow_movers[0].value),
            (idle.as_str(), 4)
        );
        assert!(s.requests_by_status.is_empty() && s.mean_turnaround_hours.is_none());
        // A request from asking to receipt counts, with its turnaround.
        let van = sup
            .create_location(LocationKind::Van, "van", Some(TECH_A))
            .unwrap()
            .id;
        exchange(&sup, &mut tech);
        let line = crate::workspace::RequestLineInput {
            part_id: idle.clone(),
            qty: 1,
            reason: String::new(),
        };
        let r = tech.create_request(&van, None, &[line]).unwrap();
        exchange(&tech, &mut sup);
        sup.approve_request(&r.id, &Default::default()).unwrap();
        sup.issue_request(&r.id, &wh).unwrap();
        exchange(&sup, &mut tech);
        tech.receive_request(&r.id).unwrap();
        exchange(&tech, &mut sup);
        let s = sup
            .parts_statistics(now - 3_600_000, now + 3_600_000)
            .unwrap();
        assert_eq!(
            (
                s.requests_by_status[0].key.as_str(),
                s.requests_by_status[0].value
            ),
            ("received", 1)
        );
        assert!(
            s.mean_turnaround_hours
                .is_some_and(|h| (0.0..0.1).contains(&h))
        );
        let csv = sup
            .parts_statistics_csv(now - 3_600_000, now + 3_600_000)
            .unwrap();
        assert!(
            csv.contains("used_by_technician,00000000-0000-7000-8000-0000000000a1,Tech A,3"),
            "{csv}"
        );
        assert!(sup.parts_statistics(now, now).is_err());
        let xlsx = sup
            .parts_statistics_xlsx(now - 3_600_000, now + 3_600_000)
            .unwrap();
        let rows =
            super::super::catalogue_io::read_table(&xlsx, super::super::TableFormat::Xlsx).unwrap();
        assert_eq!(rows[0], vec!["section", "key", "label", "value"]);
        assert!(
            rows.iter()
                .any(|r| r[0] == "used_by_technician" && r[2] == "Tech A" && r[3] == "3"),
            "{rows:?}"
        );
    }
}
