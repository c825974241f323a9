//! Maintenance and inspection plans of a machine: when its visits fall due (calendar dates),
//! which visit is due now given the visits done, and the id the server gives the order it
//! makes for one occurrence (derived from the plan and the date, so that a retry, a crash or a
//! second server instance makes the same order; devices make visit orders with fresh ids, see
//! docs/ARCHITECTURE.md).
//!
//! Plans live in the machine's equipment document (`plans`, keyed by plan id), so they reach
//! every device that sees the machine and are edited by the people who edit machines.

use automerge::ROOT;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc};
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::order::OrderType;
use super::{check_date, check_id, check_text};
use crate::crdt;
use crate::error::{DomainError, Field, Problem, Refusal, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    Maintenance,
    Inspection,
    Testing,
    Calibration,
}

pub const PLAN_KINDS: [PlanKind; 4] = [
    PlanKind::Maintenance,
    PlanKind::Inspection,
    PlanKind::Testing,
    PlanKind::Calibration,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    Days,
    Weeks,
    Months,
    Years,
}

pub const PERIOD_UNITS: [PeriodUnit; 4] = [
    PeriodUnit::Days,
    PeriodUnit::Weeks,
    PeriodUnit::Months,
    PeriodUnit::Years,
];

/// Where the next visit counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PlanAnchor {
    /// The fixed calendar: start, start + period, start + 2 periods, …
    Planned,
    /// One period after the last completed visit (the start while there was none).
    LastDone,
}

pub const PLAN_ANCHORS: [PlanAnchor; 2] = [PlanAnchor::Planned, PlanAnchor::LastDone];

/// A recurring visit to one machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// What people call it ("季度保养", "Quarterly service"); may be empty.
    #[serde(default)]
    pub name: String,
    pub kind: PlanKind,
    /// Every `every` `unit`s.
    pub every: i64,
    pub unit: PeriodUnit,
    /// The first visit's date (YYYY-MM-DD, the company's calendar).
    pub start: String,
    /// No visit after this date.
    #[serde(default)]
    pub end: Option<String>,
    pub anchor: PlanAnchor,
    /// The order made for a visit: its type (its template gives the checklist) and length.
    pub order_type: OrderType,
    pub duration_min: i64,
    /// Who the visit's order is dispatched to, when someone is named.
    #[serde(default)]
    pub technician_id: Option<String>,
    /// How many days before the visit its order is made; a visit done within this many days
    /// before its date counts for it.
    pub days_ahead: i64,
    /// An RFC 5545 recurrence rule (`FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU`: the second Tuesday
    /// of each quarter) from `start`, instead of `every` `unit`; a fixed calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

const MAX_RULE_CHARS: usize = 300;
/// Occurrences one question to a rule may produce (a day-by-day rule over five years).
const RULE_LIMIT: u16 = 2_000;
/// How far ahead a rule is searched for its next visit.
const RULE_HORIZON_YEARS: u32 = 20;

/// The rule's dates from `from` to `until`, both included, at most `RULE_LIMIT`.
fn rule_dates(rule: &str, start: NaiveDate, from: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
    let Ok(set) = rule_set(rule, start) else {
        return Vec::new();
    };
    let at = |d: NaiveDate| {
        use chrono::TimeZone;
        rrule::Tz::UTC.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
    };
    let mut dates: Vec<NaiveDate> = set
        .after(at(from))
        .before(at(until))
        .all(RULE_LIMIT)
        .dates
        .into_iter()
        .map(|t| t.date_naive())
        .filter(|d| *d >= from && *d <= until)
        .collect();
    dates.dedup();
    dates
}

/// A rule as RFC 5545 reads it, from the plan's first day (date-only: midnight UTC).
fn rule_set(rule: &str, start: NaiveDate) -> std::result::Result<rrule::RRuleSet, String> {
    use chrono::TimeZone;
    let parsed: rrule::RRule<rrule::Unvalidated> = rule
        .trim()
        .parse()
        .map_err(|e: rrule::RRuleError| e.to_string())?;
    if matches!(
        parsed.get_freq(),
        rrule::Frequency::Hourly | rrule::Frequency::Minutely | rrule::Frequency::Secondly
    ) {
        return Err("visits fall on days: use DAILY, WEEKLY, MONTHLY or YEARLY".into());
    }
    let dtstart = rrule::Tz::UTC.from_utc_datetime(&start.and_hms_opt(0, 0, 0).unwrap_or_default());
    parsed.build(dtstart).map_err(|e| e.to_string())
}

pub const MAX_EVERY: i64 = 1_000;
pub const MAX_DAYS_AHEAD: i64 = 365;

impl Plan {
    pub fn validate(&self) -> Result<()> {
        check_text(Field::PlanName, &self.name, false, 200)?;
        if !(1..=MAX_EVERY).contains(&self.every) {
            return Err(DomainError::bad_field(
                Field::Interval,
                Problem::OutOfRange {
                    min: 1,
                    max: MAX_EVERY as i32,
                },
            ));
        }
        let start = check_date(Field::StartDate, &self.start)?;
        if let Some(end) = &self.end {
            let end = check_date(Field::EndDate, end)?;
            if end < start {
                return Err(DomainError::Refused(Refusal::PlanEndsBeforeStart));
            }
        }
        if !(0..=MAX_DAYS_AHEAD).contains(&self.days_ahead) {
            return Err(DomainError::bad_field(
                Field::DaysAhead,
                Problem::OutOfRange {
                    min: 0,
                    max: MAX_DAYS_AHEAD as i32,
                },
            ));
        }
        if !(0..=7 * 24 * 60).contains(&self.duration_min) {
            return Err(DomainError::bad_field(
                Field::DurationMinutes,
                Problem::OutOfRange {
                    min: 0,
                    max: 7 * 24 * 60,
                },
            ));
        }
        if let Some(t) = &self.technician_id {
            check_id("technician", t)?;
        }
        if let Some(rule) = &self.rule {
            check_text(Field::Recurrence, rule, true, MAX_RULE_CHARS)?;
            if rule.contains(['\n', ':']) || rule_set(rule, start).is_err() {
                return Err(DomainError::bad_field(
                    Field::Recurrence,
                    Problem::Malformed,
                ));
            }
            let until = start
                .checked_add_months(Months::new(12 * RULE_HORIZON_YEARS))
                .unwrap_or(start);
            let until = self.end_date().map_or(until, |e| e.min(until));
            if rule_dates(rule, start, start, until).is_empty() {
                return Err(DomainError::Refused(Refusal::PlanNeverOccurs));
            }
        }
        Ok(())
    }

    /// Where the next visit counts from: a recurrence rule is always a fixed calendar.
    pub fn effective_anchor(&self) -> PlanAnchor {
        if self.rule.is_some() {
            PlanAnchor::Planned
        } else {
            self.anchor
        }
    }

    fn start_date(&self) -> Option<NaiveDate> {
        check_date(Field::StartDate, &self.start).ok()
    }

    fn end_date(&self) -> Option<NaiveDate> {
        self.end
            .as_deref()
            .and_then(|e| check_date(Field::EndDate, e).ok())
    }

    /// `from` moved on by `k` periods. Months and years are counted from `from` each time,
    /// so a plan starting on 31 January falls on the last day of shorter months and is back
    /// on the 31st in March (no drift).
    pub fn step(&self, from: NaiveDate, k: u32) -> Option<NaiveDate> {
        let n = u64::try_from(self.every).ok()?.checked_mul(u64::from(k))?;
        match self.unit {
            PeriodUnit::Days => from.checked_add_days(Days::new(n)),
            PeriodUnit::Weeks => from.checked_add_days(Days::new(n.checked_mul(7)?)),
            PeriodUnit::Months => from.checked_add_months(Months::new(u32::try_from(n).ok()?)),
            PeriodUnit::Years => {
                from.checked_add_months(Months::new(u32::try_from(n.checked_mul(12)?).ok()?))
            }
        }
    }

    /// The fixed-calendar occurrences from the start, in order, up to the end or `until`.
    pub fn occurrences_until(&self, until: NaiveDate) -> Vec<NaiveDate> {
        let (Some(start), end) = (self.start_date(), self.end_date()) else {
            return Vec::new();
        };
        let last = end.map_or(until, |e| e.min(until));
        if let Some(rule) = &self.rule {
            return rule_dates(rule, start, start, last);
        }
        (0u32..)
            .map_while(|k| self.step(start, k))
            .take_while(|d| *d <= last)
            .collect()
    }

    /// The first fixed-calendar occurrence after `after` (from the start when none).
    fn planned_after(&self, after: Option<NaiveDate>) -> Option<NaiveDate> {
        let start = self.start_date()?;
        if let Some(rule) = &self.rule {
            let from = after.map_or(Some(start), |a| a.succ_opt())?.max(start);
            let until = from.checked_add_months(Months::new(12 * RULE_HORIZON_YEARS))?;
            return rule_dates(rule, start, from, until).into_iter().next();
        }
        let Some(after) = after else {
            return Some(start);
        };
        // Skip ahead near `after` without walking every period of a long history.
        let span_days = (after - start).num_days().max(0) as u64;
        let period_days = match self.unit {
            PeriodUnit::Days => self.every as u64,
            PeriodUnit::Weeks => self.every as u64 * 7,
            PeriodUnit::Months => self.every as u64 * 28,
            PeriodUnit::Years => self.every as u64 * 365,
        };
        let mut k = u32::try_from((span_days / period_days.max(1)).saturating_sub(1)).ok()?;
        // Months of 28 days overestimate k by up to 10%; walk back until before `after`.
        while k > 0 && self.step(start, k).is_none_or(|d| d > after) {
            k = k.saturating_sub(k / 8 + 1);
        }
        (k..)
            .map_while(|k| self.step(start, k))
            .find(|d| *d > after)
    }

    /// The date of the visit due now: the first occurrence not yet covered by a visit and not
    /// skipped. A visit on day `v` covers every occurrence up to `v + days_ahead` (work done a
    /// little early counts; overdue work done late covers what it was late for). None when
    /// the plan has ended.
    pub fn due_date(
        &self,
        last_visit: Option<NaiveDate>,
        skipped: impl Fn(NaiveDate) -> bool,
    ) -> Option<NaiveDate> {
        let start = self.start_date()?;
        let anchor = self.effective_anchor();
        let mut due = match (anchor, last_visit) {
            // A rule's first date need not be its start.
            (PlanAnchor::Planned, None) => self.planned_after(None),
            (PlanAnchor::Planned, Some(v)) => {
                self.planned_after(v.checked_add_days(Days::new(self.days_ahead as u64)))
            }
            (PlanAnchor::LastDone, None) => Some(start),
            (PlanAnchor::LastDone, Some(v)) if v < start => Some(start),
            (PlanAnchor::LastDone, Some(v)) => self.step(v, 1),
        };
        // Each skip (a visit set aside or its order cancelled) moves past one occurrence.
        for _ in 0..MAX_SKIPS {
            match due {
                Some(d) if skipped(d) => {
                    due = match anchor {
                        PlanAnchor::Planned => self.planned_after(Some(d)),
                        PlanAnchor::LastDone => self.step(d, 1),
                    }
                }
                _ => break,
            }
        }
        due.filter(|d| self.end_date().is_none_or(|e| *d <= e))
    }
}

/// Skipped visits in a row looked past (a plan skipped more often than this is shown due).
const MAX_SKIPS: usize = 1_000;

/// The id of the order the server makes for a plan's occurrence: the same every time.
pub fn occurrence_order_id(equipment_id: &str, plan_id: &str, date: NaiveDate) -> String {
    use sha2::{Digest, Sha256};
    // The machine is part of it: a project's plan has one visit per machine on each date.
    let digest =
        Sha256::digest(format!("fieldops-plan-visit:{equipment_id}:{plan_id}:{date}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Uuid::new_v8(bytes).hyphenated().to_string()
}

/// Why an alert was set aside, and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AlertAck {
    pub by: String,
    pub at: i64,
    pub reason: String,
}

/// Add or replace a plan of the machine in `doc`.
pub fn put_plan(doc: &mut AutoCommit, plan_id: &str, plan: &Plan) -> Result<()> {
    check_id("plan", plan_id)?;
    plan.validate()?;
    let plans = ensure_map(doc, "plans")?;
    let value = serde_json::to_value(plan).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &plans, plan_id, &value)
}

pub fn delete_plan(doc: &mut AutoCommit, plan_id: &str) -> Result<()> {
    let plans = ensure_map(doc, "plans")?;
    if doc.get(&plans, plan_id)?.is_none() {
        return Err(DomainError::Refused(Refusal::Unknown {
            thing: crate::Thing::Plan,
        }));
    }
    doc.delete(&plans, plan_id)?;
    Ok(())
}

/// Set an alert of this machine aside (`key` is the alert's key).
pub fn put_ack(doc: &mut AutoCommit, key: &str, ack: &AlertAck) -> Result<()> {
    check_text(Field::Reason, &ack.reason, true, 500)?;
    if key.is_empty() || key.len() > 200 {
        return Err(DomainError::invalid("not an alert of this machine"));
    }
    let acks = ensure_map(doc, "acks")?;
    let value = serde_json::to_value(ack).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &acks, key, &value)
}

/// The machine's `plans` or `acks` map; machines made before plans existed get it now.
fn ensure_map(doc: &mut AutoCommit, key: &str) -> Result<automerge::ObjId> {
    match crdt::child_obj(doc, &ROOT, key) {
        Ok(id) => Ok(id),
        Err(_) => Ok(doc.put_object(ROOT, key, automerge::ObjType::Map)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldProblem;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn plan(every: i64, unit: PeriodUnit, start: &str, anchor: PlanAnchor) -> Plan {
        Plan {
            name: String::new(),
            kind: PlanKind::Maintenance,
            every,
            unit,
            start: start.into(),
            end: None,
            anchor,
            order_type: OrderType::Maintenance,
            duration_min: 120,
            technician_id: None,
            days_ahead: 7,
            rule: None,
        }
    }

    fn ruled(rule: &str, start: &str) -> Plan {
        Plan {
            rule: Some(rule.into()),
            ..plan(1, PeriodUnit::Months, start, PlanAnchor::LastDone)
        }
    }

    #[test]
    fn recurrence_rules_give_their_dates_and_the_visit_due() {
        // The second Tuesday of each quarter, from 2027-01-01.
        let p = ruled("FREQ=MONTHLY;INTERVAL=3;BYDAY=+2TU", "2027-01-01");
        p.validate().unwrap();
        let dates: Vec<String> = p
            .occurrences_until(date("2027-12-31"))
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            dates,
            ["2027-01-12", "2027-04-13", "2027-07-13", "2027-10-12"]
        );
        // A rule is a fixed calendar, whatever the anchor says.
        assert_eq!(p.effective_anchor(), PlanAnchor::Planned);
        assert_eq!(p.due_date(None, |_| false), Some(date("2027-01-12")));
        // A visit on 2027-01-10 (within the 7 days ahead) covers January's date.
        assert_eq!(
            p.due_date(Some(date("2027-01-10")), |_| false),
            Some(date("2027-04-13"))
        );
        // Skipping April moves to July.
        assert_eq!(
            p.due_date(Some(date("2027-01-10")), |x| x == date("2027-04-13")),
            Some(date("2027-07-13"))
        );
        // An end date stops it.
        let ended = Plan {
            end: Some("2027-06-30".into()),
            ..p.clone()
        };
        assert_eq!(ended.occurrences_until(date("2028-12-31")).len(), 2);
        assert_eq!(ended.due_date(Some(date("2027-04-13")), |_| false), None);
    }

    #[test]
    fn bad_recurrence_rules_are_refused_in_words() {
        let refused = |rule: &str| ruled(rule, "2027-01-01").validate().unwrap_err();
        for bad in [
            "FREQ=FORTNIGHTLY",
            "",
            "FREQ=HOURLY",
            "DTSTART:20270101\nRRULE:FREQ=DAILY",
        ] {
            assert!(
                matches!(refused(bad), DomainError::BadField(f) if f.field == Field::Recurrence),
                "{bad}"
            );
        }
        // 30 February never comes.
        assert!(matches!(
            refused("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"),
            DomainError::Refused(Refusal::PlanNeverOccurs)
        ));
        // Nor does a rule that ended before the plan starts.
        assert!(matches!(
            refused("FREQ=MONTHLY;UNTIL=20261231T000000Z"),
            DomainError::Refused(Refusal::PlanNeverOccurs)
                | DomainError::BadField(FieldProblem {
                    field: Field::Recurrence,
                    ..
                })
        ));
    }

    #[test]
    fn months_from_the_31st_fall_on_month_ends_without_drift() {
        let p = plan(1, PeriodUnit::Months, "2024-01-31", PlanAnchor::Planned);
        let got: Vec<String> = p
            .occurrences_until(date("2024-05-31"))
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "2024-01-31",
                "2024-02-29",
                "2024-03-31",
                "2024-04-30",
                "2024-05-31"
            ]
        );
        let y = plan(1, PeriodUnit::Years, "2024-02-29", PlanAnchor::Planned);
        let got: Vec<String> = y
            .occurrences_until(date("2028-03-01"))
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "2024-02-29",
                "2025-02-28",
                "2026-02-28",
                "2027-02-28",
                "2028-02-29"
            ]
        );
    }

    #[test]
    fn a_plan_ends_on_its_end_date() {
        let mut p = plan(2, PeriodUnit::Weeks, "2026-01-05", PlanAnchor::Planned);
        p.end = Some("2026-02-02".into());
        assert_eq!(p.occurrences_until(date("2027-01-01")).len(), 3);
        assert_eq!(p.due_date(Some(date("2026-02-01")), |_| false), None);
    }

    #[test]
    fn the_due_visit_is_the_first_not_covered_by_a_visit() {
        let p = plan(1, PeriodUnit::Months, "2026-01-15", PlanAnchor::Planned);
        assert_eq!(p.due_date(None, |_| false), Some(date("2026-01-15")));
        // Done 5 days early (within the 7 days ahead): February's visit is next.
        assert_eq!(
            p.due_date(Some(date("2026-01-10")), |_| false),
            Some(date("2026-02-15"))
        );
        // Done 10 days early: too early to count for January.
        assert_eq!(
            p.due_date(Some(date("2026-01-05")), |_| false),
            Some(date("2026-01-15"))
        );
        // Done three months late: it covers what it was late for.
        assert_eq!(
            p.due_date(Some(date("2026-04-20")), |_| false),
            Some(date("2026-05-15"))
        );
        // A skipped occurrence is passed over.
        assert_eq!(
            p.due_date(Some(date("2026-01-15")), |d| d == date("2026-02-15")),
            Some(date("2026-03-15"))
        );
    }

    #[test]
    fn last_done_plans_count_from_the_visit() {
        let p = plan(90, PeriodUnit::Days, "2026-01-01", PlanAnchor::LastDone);
        assert_eq!(p.due_date(None, |_| false), Some(date("2026-01-01")));
        assert_eq!(
            p.due_date(Some(date("2026-02-10")), |_| false),
            Some(date("2026-05-11"))
        );
        assert_eq!(
            p.due_date(Some(date("2025-06-01")), |_| false),
            Some(date("2026-01-01"))
        );
        assert_eq!(
            p.due_date(Some(date("2026-02-10")), |d| d == date("2026-05-11")),
            Some(date("2026-08-09"))
        );
    }

    #[test]
    fn bad_plans_are_refused_with_their_reason() {
        let mut p = plan(0, PeriodUnit::Days, "2026-01-01", PlanAnchor::Planned);
        assert!(matches!(
            p.validate(),
            Err(DomainError::BadField(f)) if f.field == Field::Interval
        ));
        p.every = 1;
        p.end = Some("2025-12-31".into());
        assert!(matches!(
            p.validate(),
            Err(DomainError::Refused(Refusal::PlanEndsBeforeStart))
        ));
        p.end = None;
        p.start = "2026-02-30".into();
        assert!(
            matches!(p.validate(), Err(DomainError::BadField(f)) if f.field == Field::StartDate)
        );
    }

    #[test]
    fn an_occurrence_has_one_order_id() {
        let a = occurrence_order_id(
            "eq1",
            "5f0c2d1e-0000-4000-8000-000000000001",
            date("2026-03-01"),
        );
        assert_eq!(
            a,
            occurrence_order_id(
                "eq1",
                "5f0c2d1e-0000-4000-8000-000000000001",
                date("2026-03-01")
            )
        );
        assert_ne!(
            a,
            occurrence_order_id(
                "eq1",
                "5f0c2d1e-0000-4000-8000-000000000001",
                date("2026-03-02")
            )
        );
        assert_ne!(
            a,
            occurrence_order_id(
                "eq2",
                "5f0c2d1e-0000-4000-8000-000000000001",
                date("2026-03-01")
            ),
            "a project's plan visits each machine"
        );
        check_id("order", &a).unwrap();
    }

    proptest! {
        /// The skip-ahead search finds what walking every period finds.
        #[test]
        fn the_next_occurrence_is_found_after_any_day(
            every in 1i64..40, unit in 0usize..4, start_day in 0u64..3000, after_day in 0u64..6000,
        ) {
            let start = date("2020-01-01") + Days::new(start_day);
            let p = plan(every, PERIOD_UNITS[unit], &start.to_string(), PlanAnchor::Planned);
            let after = date("2020-01-01") + Days::new(after_day);
            let walked = (0u32..).map_while(|k| p.step(start, k)).find(|d| *d > after);
            prop_assert_eq!(p.planned_after(Some(after)), walked);
        }

        /// Two replicas generating the same plan's visits get the same dates and order ids.
        #[test]
        fn generating_twice_gives_the_same_visits(every in 1i64..12, unit in 0usize..4, days in 0u64..2000) {
            let p = plan(every, PERIOD_UNITS[unit], "2024-01-31", PlanAnchor::Planned);
            let until = date("2024-01-31") + Days::new(days);
            let ids = |p: &Plan| -> Vec<String> {
                p.occurrences_until(until).into_iter().map(|d| occurrence_order_id("eq1", "p", d)).collect()
            };
            let first = ids(&p);
            prop_assert_eq!(&first, &ids(&p.clone()));
            let unique: std::collections::BTreeSet<_> = first.iter().collect();
            prop_assert_eq!(unique.len(), first.len());
        }
    }
}
