//! The typed API the app calls: every mutation loads the document, applies the domain
//! change, checks the role's allow-list (the same check the server runs) and commits the
//! document and its projection in one transaction. Nothing is saved when a check fails.

// The feature files below (`orders.rs`, `customers.rs`, …) each add their part of
// `Workspace` and `use super::*` for these shared imports.
use std::path::Path;

use automerge::AutoCommit;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::authority;
use crate::error::{DeviceError, Result};
use crate::geo::Position;
use crate::model::TypedDoc;
use crate::model::customer::{self, CustomerInput, Site};
use crate::model::money::{self, LineAmounts};
use crate::model::order::{
    self, ChargeKind, ChargeLine, CostKind, CostLine, EventKind, OrderDoc, OrderEvent, OrderInput,
    Status, Totals,
};
use crate::model::order::{OrderType, SignatureRef};
use crate::model::settings::{self, SettingsDoc, Template};
use crate::model::{Actor, DocType, Role, check_id, check_text, new_id, now_ms};
use crate::protocol::UserInfo;
use crate::store::{OrderFilter, RecordFilter, Store};
use crate::{Refusal, Thing};

mod alerts;
mod attendance;
mod catalogue_io;
mod company_settings;
mod customers;
mod field_evidence;
mod installed_base;
mod knowledge;
mod order_money;
mod orders;
mod parts_stats;
mod records;
mod scan;
mod schedule;
mod session;
mod settlement;
mod signature;
pub(crate) mod statistics;
mod stock;
mod sync_state;

pub use alerts::{
    AlertFilter, AlertList, AlertSettings, AlertView, KindRule, PlanView, PlannedVisit,
};
pub use attendance::{AttendanceRow, AttendanceState, ClockEvent, SiteTime, csv_field};
pub use catalogue_io::{ImportReport, MAX_IMPORT_BYTES, RowError, TableFormat};
pub use company_settings::{TeamView, TemplateView};
pub use customers::{CustomerView, SiteView};
pub use field_evidence::{MapCheckIn, MapData, MapSite, PhotoInput, PhotoView};
pub use installed_base::{EquipmentFilter, EquipmentView, ProjectView};
pub(crate) use knowledge::project_entry;
pub use knowledge::{
    AttachmentView, EntryAction, EntryDetail, EntryPart, EntrySummary, FileProblem, FixedOrder,
    KnowledgeFacets, KnowledgeImport, KnowledgeSearch, MAX_IMPORT_FILE, Segment, Solutions,
    VersionView,
};
pub use order_money::{ChargeInput, ChargeView, CostInput, CostView};
pub use orders::{Action, CheckInView, ChecklistView, OrderDetail, OrderSummary};
pub use parts_stats::{PartsStats, Tally};
pub use records::RecordView;
pub use scan::{ScanHit, clean_code};
pub use schedule::{PlannedOrder, ScheduleBoard, ScheduleQuery, TechnicianSchedule};
pub use session::Session;
pub use settlement::{Settlement, SettlementRow, SettlementTotals};
pub use statistics::{
    Bucket, CurrencyAmount, Drill, Kpis, MoneyBy, MoneyGroup, Stage, StageTimes, Statistics,
    StatsQuery, StatsTable, TechnicianFigures,
};
pub use stock::{
    AlertKind, CategoryView, LevelView, LocationView, MovementView, PartView, RequestLineInput,
    RequestLineView, RequestView, StockAlert, StockCount, StockTakeLine,
};
pub(crate) use sync_state::store_error;
pub use sync_state::{FirstSyncProgress, RejectedDoc, SyncStatus};

/// A document changed and checked but not yet saved: (type, id, new state if it changed).
pub(crate) type PreparedChange = (DocType, String, Option<(AutoCommit, TypedDoc)>);

pub struct Workspace {
    pub store: Store,
    session: Option<Session>,
}

impl Workspace {
    pub fn open(path: &Path) -> Result<Workspace> {
        Self::with_store(Store::open(path)?)
    }

    /// Open the database at `path`, encrypted with `key` when there is one.
    pub fn open_with_key(
        path: &Path,
        key: Option<&crate::store::at_rest::DbKey>,
    ) -> Result<Workspace> {
        Self::with_store(Store::open_with_key(path, key)?)
    }

    pub fn open_in_memory() -> Result<Workspace> {
        Self::with_store(Store::open_in_memory()?)
    }

    fn with_store(store: Store) -> Result<Workspace> {
        let session = match store.meta("session")? {
            Some(s) => serde_json::from_str(&s).ok(),
            None => None,
        };
        Ok(Workspace { store, session })
    }

    /// Apply `edit` to a document (a new one when `id` is None), check the allow-list, commit.
    fn change<F>(&mut self, doc_type: DocType, id: Option<&str>, edit: F) -> Result<String>
    where
        F: FnOnce(&mut AutoCommit, &Actor) -> Result<String>,
    {
        self.change_with_blobs(doc_type, id, &[], edit)
    }

    /// `change`, plus blobs (hash, content type, bytes) the new state references, saved in
    /// the same transaction so they are kept or lost together.
    fn change_with_blobs<F>(
        &mut self,
        doc_type: DocType,
        id: Option<&str>,
        blobs: &[(&str, &str, &[u8])],
        edit: F,
    ) -> Result<String>
    where
        F: FnOnce(&mut AutoCommit, &Actor) -> Result<String>,
    {
        let (new_id, changed) = self.prepare_change(doc_type, id, edit)?;
        if let Some((doc, typed)) = changed {
            self.store
                .commit_local_with_blobs(doc_type, &new_id, doc, &typed, blobs)?;
        }
        Ok(new_id)
    }

    /// Load (or create), edit and check one document without saving it: the new state when
    /// it differs from the stored one.
    fn prepare_change<F>(
        &self,
        doc_type: DocType,
        id: Option<&str>,
        edit: F,
    ) -> Result<(String, Option<(AutoCommit, TypedDoc)>)>
    where
        F: FnOnce(&mut AutoCommit, &Actor) -> Result<String>,
    {
        let actor = self.actor()?;
        let (mut doc, old) = match id {
            Some(id) => {
                check_id("document", id)?;
                let (t, doc) = self
                    .store
                    .load_for_edit(id)?
                    .ok_or_else(|| DeviceError::not_found(id.to_string()))?;
                if t != doc_type {
                    return Err(DeviceError::not_found(format!(
                        "{} {id}",
                        doc_type.as_str()
                    )));
                }
                let old = TypedDoc::parse(t, &doc)?;
                (doc, Some(old))
            }
            None => (self.store.new_doc(), None),
        };
        let new_id = edit(&mut doc, &actor)?;
        let new = TypedDoc::parse(doc_type, &doc)?;
        authority::check(&actor, old.as_ref(), &new).map_err(|v| v.into_error())?;
        if old.as_ref() == Some(&new) {
            return Ok((new_id, None));
        }
        Ok((new_id, Some((doc, new))))
    }

    /// Several documents changed together (a part used on an order: the stock movement and
    /// the order's lines), checked one by one and committed in one transaction.
    fn commit_together(&mut self, changes: Vec<PreparedChange>) -> Result<()> {
        let docs: Vec<(DocType, String, AutoCommit, TypedDoc)> = changes
            .into_iter()
            .filter_map(|(t, id, doc)| doc.map(|(d, typed)| (t, id, d, typed)))
            .collect();
        self.store.commit_local_many(docs)
    }
}

/// Shown until the server assigns the real number: recognisably not final, still unique.
pub fn provisional_number(id: &str) -> String {
    let tail: String = id.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    format!(
        "WO-DRAFT-{}",
        &tail[tail.len().saturating_sub(6)..].to_uppercase()
    )
}

fn local_offset_min() -> i32 {
    chrono::Local::now().offset().local_minus_utc() / 60
}
