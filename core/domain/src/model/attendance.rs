//! Field attendance: a technician clocks in and out of the working day wherever they are,
//! independent of orders. Each clock event is its own small, never-edited document, so two
//! devices of one person (or a retry) can never overwrite each other.

use automerge::{AutoCommit, ROOT};
use serde::{Deserialize, Serialize};

use super::{check_id, new_id};
use crate::crdt;
use crate::error::{DomainError, Result};
use crate::geo::Position;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    ClockIn,
    ClockOut,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AttendanceDoc {
    pub doc_type: String,
    pub id: String,
    pub user_id: String,
    pub kind: ClockKind,
    /// Device time, ms since the epoch.
    pub at: i64,
    /// The device's UTC offset then, so the day is the person's local day.
    pub tz_offset_min: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl AttendanceDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<AttendanceDoc> {
        let json = crdt::to_json(doc)?;
        let a: AttendanceDoc = serde_json::from_value(json)
            .map_err(|e| DomainError::CorruptDocument(format!("attendance: {e}")))?;
        a.check_invariants()?;
        Ok(a)
    }

    pub fn check_invariants(&self) -> Result<()> {
        if self.doc_type != "attendance" {
            return Err(DomainError::CorruptDocument(
                "doc_type is not 'attendance'".into(),
            ));
        }
        check_id("attendance id", &self.id)?;
        if self.user_id.is_empty() || self.user_id.len() > 100 {
            return Err(DomainError::CorruptDocument(
                "attendance without a user".into(),
            ));
        }
        if !(-14 * 60..=14 * 60).contains(&self.tz_offset_min) {
            return Err(DomainError::CorruptDocument(format!(
                "UTC offset of {} minutes",
                self.tz_offset_min
            )));
        }
        if let Some(p) = &self.position {
            crate::geo::check_position(p)?;
        }
        Ok(())
    }

    /// The person's local calendar day of this event.
    pub fn local_day(&self) -> chrono::NaiveDate {
        local_day(self.at, self.tz_offset_min)
    }
}

pub fn local_day(at: i64, tz_offset_min: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_millis(at + tz_offset_min * 60_000)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

pub fn new_attendance_doc(
    doc: &mut AutoCommit,
    user_id: &str,
    kind: ClockKind,
    at: i64,
    tz_offset_min: i64,
    position: Option<&Position>,
) -> Result<String> {
    let id = new_id();
    let value = serde_json::to_value(AttendanceDoc {
        doc_type: "attendance".into(),
        id: id.clone(),
        user_id: user_id.into(),
        kind,
        at,
        tz_offset_min,
        position: position.cloned(),
    })
    .map_err(|e| DomainError::invalid(e.to_string()))?;
    value.as_object().map_or(Ok(()), |fields| {
        fields
            .iter()
            .try_for_each(|(k, v)| crdt::put_json(doc, &ROOT, k, v))
    })?;
    Ok(id)
}
