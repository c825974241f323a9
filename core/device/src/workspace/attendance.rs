//! Field attendance: clocking in and out, and the per person, per day report supervisors
//! read (and export as CSV): working time, first and last check-in, time on site per order,
//! customers visited, flagged check-ins.

use crate::Field;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Workspace;
use crate::Refusal;
use crate::error::{DeviceError, Result};
use crate::geo::FenceVerdict;
use crate::geo::Position;
use crate::model::attendance::{self, ClockKind};
use crate::model::{DocType, now_ms};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AttendanceState {
    /// When the signed-in person clocked in, if they are clocked in now.
    pub clocked_in_since: Option<i64>,
    /// Today's clock events (local day), oldest first.
    pub today: Vec<ClockEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClockEvent {
    pub id: String,
    pub kind: ClockKind,
    pub at: i64,
    pub position: Option<Position>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SiteTime {
    pub order_id: String,
    pub display_number: String,
    pub customer_name: Option<String>,
    pub minutes: i64,
    /// A check-in with no check-out after it that day.
    pub open: bool,
}

/// One person on one local day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AttendanceRow {
    pub user_id: String,
    pub day: String,
    pub clock_in: Option<i64>,
    pub clock_out: Option<i64>,
    /// Sum of clock-in → clock-out spans.
    pub worked_minutes: i64,
    pub first_check_in: Option<i64>,
    pub last_check_in: Option<i64>,
    pub check_ins: i64,
    pub flagged_check_ins: i64,
    pub customers_visited: i64,
    pub on_site: Vec<SiteTime>,
}

struct Stamp {
    order_id: String,
    kind: String,
    at: i64,
    position: Option<Position>,
}

impl Workspace {
    /// Clock in or out for the signed-in person, with the position the device gives.
    pub fn clock(
        &mut self,
        kind: ClockKind,
        position: Option<Position>,
    ) -> Result<AttendanceState> {
        if let Some(p) = &position {
            crate::geo::check_position(p)?;
        }
        let state = self.attendance_state()?;
        match (kind, state.clocked_in_since) {
            (ClockKind::ClockIn, Some(since)) => {
                return Err(DeviceError::refused(Refusal::AlreadyClockedIn { since }));
            }
            (ClockKind::ClockOut, None) => {
                return Err(DeviceError::refused(Refusal::NotClockedIn));
            }
            _ => {}
        }
        let tz = i64::from(super::local_offset_min());
        self.change(DocType::Attendance, None, |doc, actor| {
            Ok(attendance::new_attendance_doc(
                doc,
                &actor.user_id,
                kind,
                now_ms(),
                tz,
                position.as_ref(),
            )?)
        })?;
        self.attendance_state()
    }

    pub fn attendance_state(&self) -> Result<AttendanceState> {
        let me = self.actor()?.user_id;
        let tz = i64::from(super::local_offset_min());
        let today = attendance::local_day(now_ms(), tz);
        let today: Vec<ClockEvent> = self
            .clock_events(Some(&me))?
            .into_iter()
            .filter(|(_, e, offset)| attendance::local_day(e.at, *offset) == today)
            .map(|(_, e, _)| e)
            .collect();
        let clocked_in_since = match today.last() {
            Some(e) if e.kind == ClockKind::ClockIn => Some(e.at),
            _ => None,
        };
        Ok(AttendanceState {
            clocked_in_since,
            today,
        })
    }

    /// (user, event, UTC offset) of every clock event this device holds, oldest first.
    fn clock_events(&self, user: Option<&str>) -> Result<Vec<(String, ClockEvent, i64)>> {
        let mut stmt = self.store.conn().prepare(
            "SELECT id, user_id, kind, at, tz_offset_min, lat, lon, accuracy_m, source FROM attendance
             WHERE ?1 IS NULL OR user_id = ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map([user], |r| {
            let kind: String = r.get(2)?;
            let lat: Option<f64> = r.get(5)?;
            let lon: Option<f64> = r.get(6)?;
            let source: Option<String> = r.get(8)?;
            let position = match (lat, lon, source) {
                (Some(lat), Some(lon), Some(source)) => Some(Position {
                    lat,
                    lon,
                    accuracy_m: r.get(7)?,
                    altitude_m: None,
                    mock: None,
                    source,
                }),
                _ => None,
            };
            Ok((
                r.get::<_, String>(1)?,
                ClockEvent {
                    id: r.get(0)?,
                    kind: if kind == "clock_in" {
                        ClockKind::ClockIn
                    } else {
                        ClockKind::ClockOut
                    },
                    at: r.get(3)?,
                    position,
                },
                r.get::<_, i64>(4)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Per person and local day (at UTC offset `tz_offset_min`) between the dates `from` and
    /// `to` (inclusive, YYYY-MM-DD). Technicians see their own; supervisors everyone's.
    pub fn attendance_report(
        &self,
        from: &str,
        to: &str,
        tz_offset_min: i64,
    ) -> Result<Vec<AttendanceRow>> {
        let from = crate::model::check_date(Field::From, from)?;
        let to = crate::model::check_date(Field::To, to)?;
        if to < from || (to - from).num_days() > 366 {
            return Err(DeviceError::refused(Refusal::PeriodTooLong));
        }
        if !(-14 * 60..=14 * 60).contains(&tz_offset_min) {
            return Err(DeviceError::invalid("the UTC offset is out of range"));
        }
        let actor = self.actor()?;
        let only = (!actor.role.manages()).then_some(actor.user_id.as_str());
        let day_of = |at: i64| attendance::local_day(at, tz_offset_min);
        let in_period = |d: NaiveDate| d >= from && d <= to;
        let mut rows: BTreeMap<(String, NaiveDate), AttendanceRow> = BTreeMap::new();
        // Clock events: first in, last out, worked time from in → out pairs.
        let mut open_since: BTreeMap<(String, NaiveDate), i64> = BTreeMap::new();
        for (user, e, _) in self.clock_events(only)? {
            let day = day_of(e.at);
            if !in_period(day) {
                continue;
            }
            let key = (user.clone(), day);
            let r = row_of(&mut rows, &user, day);
            match e.kind {
                ClockKind::ClockIn => {
                    r.clock_in = r.clock_in.or(Some(e.at));
                    open_since.entry(key).or_insert(e.at);
                }
                ClockKind::ClockOut => {
                    r.clock_out = Some(e.at);
                    if let Some(since) = open_since.remove(&key) {
                        r.worked_minutes += (e.at - since) / 60_000;
                    }
                }
            }
        }
        // Check-ins on orders: first/last, flags, customers, time on site per order.
        let radius_default = self.geofence_default()?;
        let customers: BTreeMap<String, super::CustomerView> = self
            .list_customers()?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let mut stamps: BTreeMap<(String, NaiveDate), Vec<Stamp>> = BTreeMap::new();
        let mut orders: BTreeMap<String, (String, String, String)> = BTreeMap::new();
        {
            let mut stmt = self.store.conn().prepare(
                "SELECT k.order_id, k.user_id, k.kind, k.at, k.lat, k.lon, k.accuracy_m, k.source,
                        o.number, o.customer_id, o.site_id
                 FROM checkins k JOIN orders o ON o.id = k.order_id
                 WHERE ?1 IS NULL OR k.user_id = ?1 ORDER BY k.at, k.event_id",
            )?;
            let mut q = stmt.query([only])?;
            while let Some(r) = q.next()? {
                let at: i64 = r.get(3)?;
                let day = day_of(at);
                if !in_period(day) {
                    continue;
                }
                let order_id: String = r.get(0)?;
                let user: String = r.get(1)?;
                let position = match (
                    r.get::<_, Option<f64>>(4)?,
                    r.get::<_, Option<f64>>(5)?,
                    r.get::<_, Option<String>>(7)?,
                ) {
                    (Some(lat), Some(lon), Some(source)) => Some(Position {
                        lat,
                        lon,
                        accuracy_m: r.get(6)?,
                        altitude_m: None,
                        mock: None,
                        source,
                    }),
                    _ => None,
                };
                let number: Option<String> = r.get(8)?;
                orders.entry(order_id.clone()).or_insert((
                    number.unwrap_or_else(|| super::provisional_number(&order_id)),
                    r.get(9)?,
                    r.get(10)?,
                ));
                stamps.entry((user, day)).or_default().push(Stamp {
                    order_id,
                    kind: r.get(2)?,
                    at,
                    position,
                });
            }
        }
        for ((user, day), list) in stamps {
            let r = row_of(&mut rows, &user, day);
            let mut visited = BTreeSet::new();
            let mut open: BTreeMap<&str, i64> = BTreeMap::new();
            let mut minutes: BTreeMap<&str, i64> = BTreeMap::new();
            for s in &list {
                let (_, customer_id, site_id) = &orders[&s.order_id];
                if s.kind == "checked_in" {
                    r.check_ins += 1;
                    r.first_check_in = r.first_check_in.or(Some(s.at));
                    r.last_check_in = Some(s.at);
                    visited.insert(customer_id.clone());
                    let site = customers
                        .get(customer_id)
                        .and_then(|c| c.sites.iter().find(|x| &x.id == site_id));
                    let verdict =
                        site.map(|x| x.fence(s.position.as_ref(), radius_default).verdict);
                    if verdict != Some(FenceVerdict::Verified) {
                        r.flagged_check_ins += 1;
                    }
                    open.entry(&s.order_id).or_insert(s.at);
                    minutes.entry(&s.order_id).or_insert(0);
                } else if let Some(since) = open.remove(s.order_id.as_str()) {
                    *minutes.entry(&s.order_id).or_insert(0) += (s.at - since) / 60_000;
                }
            }
            r.customers_visited = visited.len() as i64;
            r.on_site = minutes
                .into_iter()
                .map(|(order_id, m)| {
                    let (number, customer_id, _) = &orders[order_id];
                    SiteTime {
                        order_id: order_id.to_string(),
                        display_number: number.clone(),
                        customer_name: customers.get(customer_id).map(|c| c.name.clone()),
                        minutes: m,
                        open: open.contains_key(order_id),
                    }
                })
                .collect();
        }
        Ok(rows.into_values().collect())
    }

    /// The report as CSV (UTF-8 with a BOM so spreadsheet programs read Chinese names right).
    pub fn attendance_csv(&self, from: &str, to: &str, tz_offset_min: i64) -> Result<String> {
        let rows = self.attendance_report(from, to, tz_offset_min)?;
        let names: BTreeMap<String, String> = self
            .directory()?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let time = |ms: Option<i64>| {
            ms.and_then(|ms| chrono::DateTime::from_timestamp_millis(ms + tz_offset_min * 60_000))
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default()
        };
        let mut out = String::from(
            "\u{feff}date,person,clock_in,clock_out,worked_hours,first_check_in,last_check_in,check_ins,flagged_check_ins,customers_visited,time_on_site\n",
        );
        for r in rows {
            let on_site = r
                .on_site
                .iter()
                .map(|s| {
                    format!(
                        "{} {} min{}",
                        s.display_number,
                        s.minutes,
                        if s.open { " (no check-out)" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let fields = [
                r.day.clone(),
                names.get(&r.user_id).cloned().unwrap_or(r.user_id.clone()),
                time(r.clock_in),
                time(r.clock_out),
                format!("{:.2}", r.worked_minutes as f64 / 60.0),
                time(r.first_check_in),
                time(r.last_check_in),
                r.check_ins.to_string(),
                r.flagged_check_ins.to_string(),
                r.customers_visited.to_string(),
                on_site,
            ];
            out.push_str(
                &fields
                    .iter()
                    .map(|f| csv_field(f))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push('\n');
        }
        Ok(out)
    }
}

/// The person's row for a day, made empty on first use.
fn row_of<'a>(
    rows: &'a mut BTreeMap<(String, NaiveDate), AttendanceRow>,
    user: &str,
    day: NaiveDate,
) -> &'a mut AttendanceRow {
    rows.entry((user.to_string(), day))
        .or_insert_with(|| AttendanceRow {
            user_id: user.to_string(),
            day: day.format("%Y-%m-%d").to_string(),
            clock_in: None,
            clock_out: None,
            worked_minutes: 0,
            first_check_in: None,
            last_check_in: None,
            check_ins: 0,
            flagged_check_ins: 0,
            customers_visited: 0,
            on_site: Vec::new(),
        })
}

/// Quote when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula.
pub fn csv_field(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authority;
    use crate::model::TypedDoc;
    use crate::model::{Actor, Role};
    use crate::testing::*;

    fn gps(lat: f64) -> Option<Position> {
        Some(crate::testing::gps(lat, 121.4737, 10.0))
    }

    #[test]
    fn clocking_in_and_out_follows_the_day() {
        let mut tech = workspace(TECH_A, Role::Technician);
        assert_eq!(tech.attendance_state().unwrap().clocked_in_since, None);
        assert!(
            tech.clock(ClockKind::ClockOut, None)
                .unwrap_err()
                .to_string()
                .contains("not clocked in")
        );
        let s = tech.clock(ClockKind::ClockIn, gps(31.2)).unwrap();
        assert!(s.clocked_in_since.is_some());
        assert!(
            tech.clock(ClockKind::ClockIn, None)
                .unwrap_err()
                .to_string()
                .contains("already clocked in")
        );
        let bad = Position {
            lat: f64::NAN,
            ..gps(0.0).unwrap()
        };
        assert!(tech.clock(ClockKind::ClockOut, Some(bad)).is_err());
        let s = tech.clock(ClockKind::ClockOut, None).unwrap();
        assert_eq!((s.clocked_in_since, s.today.len()), (None, 2));
        assert_eq!(s.today[0].position.as_ref().unwrap().lat, 31.2);
        // Nobody clocks for someone else, and a recorded clock event never changes.
        let (_, doc) = tech.store.load(&s.today[0].id).unwrap().unwrap();
        let mine = TypedDoc::parse(DocType::Attendance, &doc).unwrap();
        let other = Actor {
            user_id: TECH_B.into(),
            role: Role::Supervisor,
        };
        assert_eq!(
            authority::check(&other, None, &mine).unwrap_err().path,
            "attendance.user_id"
        );
        let mut edited = doc.clone();
        {
            use automerge::transaction::Transactable;
            edited.put(automerge::ROOT, "at", 1_i64).unwrap();
        }
        let edited = TypedDoc::parse(DocType::Attendance, &edited).unwrap();
        let me = Actor {
            user_id: TECH_A.into(),
            role: Role::Technician,
        };
        assert_eq!(
            authority::check(&me, Some(&mine), &edited)
                .unwrap_err()
                .path,
            "attendance"
        );
    }

    #[test]
    fn the_report_adds_up_a_day_in_the_field() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let a = sup
            .create_customer(&customer_input("上海华东医疗"))
            .unwrap();
        let b = sup
            .create_customer(&customer_input("=HYPERLINK(\"x\")"))
            .unwrap();
        let mut ids = Vec::new();
        for c in [&a, &b] {
            let id = sup
                .create_order(&order_input(&c.id, &c.sites[0].id, "visit"))
                .unwrap()
                .summary
                .id;
            sup.dispatch_order(&id, &[TECH_A.to_string()], false)
                .unwrap();
            ids.push(id);
        }
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        tech.clock(ClockKind::ClockIn, gps(31.23)).unwrap();
        for (i, id) in ids.iter().enumerate() {
            tech.accept_order(id).unwrap();
            // The first visit at the site, the second ~445 m away (flagged).
            tech.check_in(id, gps(if i == 0 { 31.2305 } else { 31.2344 }))
                .unwrap();
            tech.check_out(id, gps(31.2305)).unwrap();
        }
        tech.clock(ClockKind::ClockOut, None).unwrap();
        exchange(&tech, &mut sup);
        let tz = i64::from(super::super::local_offset_min());
        let today = attendance::local_day(now_ms(), tz)
            .format("%Y-%m-%d")
            .to_string();
        let rows = sup.attendance_report(&today, &today, tz).unwrap();
        assert_eq!(rows.len(), 1, "{rows:?}");
        let r = &rows[0];
        assert_eq!(r.user_id, TECH_A);
        assert!(r.clock_in.is_some() && r.clock_out.is_some());
        assert!(r.clock_in <= r.first_check_in && r.last_check_in <= r.clock_out);
        assert_eq!(
            (r.check_ins, r.flagged_check_ins, r.customers_visited),
            (2, 1, 2)
        );
        assert_eq!(r.on_site.len(), 2);
        assert!(r.on_site.iter().all(|s| !s.open && s.minutes == 0));
        // The technician reads only their own; other days are empty; bad periods are refused.
        assert_eq!(tech.attendance_report(&today, &today, tz).unwrap().len(), 1);
        assert!(
            sup.attendance_report("2020-01-01", "2020-01-02", tz)
                .unwrap()
                .is_empty()
        );
        assert!(sup.attendance_report(&today, "2020-01-01", tz).is_err());
        assert!(sup.attendance_report("yesterday", &today, tz).is_err());

        let csv = sup.attendance_csv(&today, &today, tz).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("\u{feff}date,person,clock_in"));
        assert_eq!(lines.len(), 2);
        assert!(
            lines[1].starts_with(&format!("{today},Tech A,")),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains(",2,1,2,"), "{}", lines[1]);
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv_field("张伟"), "张伟");
    }
}
