//! The typed API the app calls: every mutation loads the document, applies the domain
//! change, checks the role's allow-list (the same check the server runs) and commits the
//! document and its projection in one transaction. Nothing is saved when a check fails.

use std::path::Path;

use automerge::AutoCommit;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::authority::{self, TypedDoc};
use crate::error::{CoreError, Result};
use crate::model::customer::{self, CustomerInput, Site};
use crate::model::money::{self, LineAmounts};
use crate::model::order::{
    self, ChargeKind, ChargeLine, CostKind, CostLine, EventKind, OrderDoc, OrderEvent, OrderInput,
    Position, Status, Totals,
};
use crate::model::order::{OrderType, SignatureRef};
use crate::model::settings::{self, SettingsDoc, Template};
use crate::model::{Actor, DocType, Role, check_id, check_text, new_id, now_ms};
use crate::protocol::UserInfo;
use crate::store::{OrderFilter, RecordFilter, Store};

mod attendance;
mod catalogue_io;
mod field_evidence;
mod installed_base;
mod parts_stats;
mod settlement;
mod stock;
pub use attendance::{AttendanceRow, AttendanceState, ClockEvent, SiteTime, csv_field};
pub use catalogue_io::{ImportReport, MAX_IMPORT_BYTES, RowError, TableFormat};
pub use field_evidence::{MapCheckIn, MapData, MapSite, PhotoInput, PhotoView};
pub use installed_base::{EquipmentFilter, EquipmentView, ProjectView};
pub use parts_stats::{PartsStats, Tally};
pub use settlement::{Settlement, SettlementRow, SettlementTotals};
pub use stock::{
    AlertKind, CategoryView, LevelView, LocationView, MovementView, PartView, RequestLineInput,
    RequestLineView, RequestView, StockAlert, StockCount, StockTakeLine,
};

/// A document changed and checked but not yet saved: (type, id, new state if it changed).
pub(crate) type PreparedChange = (DocType, String, Option<(AutoCommit, TypedDoc)>);

/// Who is signed in on this device, as the server told us at login. The token is not here:
/// it lives in the OS keyring (or in memory), never in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Session {
    pub server_url: String,
    pub tenant: String,
    pub user: UserInfo,
    pub device_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SiteView {
    pub id: String,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub geofence_m: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CustomerView {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub sites: Vec<SiteView>,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OrderSummary {
    pub id: String,
    #[ts(as = "crate::model::order::Status")]
    pub status: String,
    #[ts(as = "crate::model::order::OrderType")]
    pub order_type: String,
    #[ts(as = "crate::model::order::Priority")]
    pub priority: String,
    pub customer_id: String,
    pub customer_name: Option<String>,
    pub site_id: String,
    pub description: String,
    pub scheduled_start: Option<i64>,
    pub scheduled_end: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub assignees: Vec<String>,
    pub conflicts: Vec<String>,
    pub pending: bool,
    /// The server's number, once assigned.
    pub number: Option<String>,
    /// What to show: the server's number, or a provisional one until the first sync.
    pub display_number: String,
    pub currency: Option<String>,
    pub charges_net: i64,
    pub charges_total: i64,
    pub costs_total: i64,
    pub gross_profit: i64,
    pub completed_at: Option<i64>,
    pub rating: Option<i64>,
}

/// An order type and its template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TemplateView {
    pub order_type: OrderType,
    #[serde(flatten)]
    pub template: Template,
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChecklistView {
    pub id: String,
    pub label: String,
    pub required: bool,
    pub done: bool,
    pub done_by: Option<String>,
    pub done_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChargeView {
    pub id: String,
    #[serde(flatten)]
    pub line: ChargeLine,
    pub amounts: LineAmounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CostView {
    pub id: String,
    #[serde(flatten)]
    pub line: CostLine,
    pub amount: i64,
    /// For a parts cost tied to a stock movement: the part's catalogue cost now, when it is
    /// not what the line says (a price changed since, or a line written past the app). The
    /// line is kept as recorded; whoever settles the order sees the difference.
    pub catalogue_cost_minor: Option<i64>,
}

/// What a technician types for a charge line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChargeInput {
    pub kind: ChargeKind,
    #[serde(default)]
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price_minor: i64,
    #[serde(default)]
    pub discount_bp: i64,
    #[serde(default)]
    pub tax_rate_bp: i64,
    pub currency: String,
}

/// What a supervisor types for a cost line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CostInput {
    pub kind: CostKind,
    #[serde(default)]
    pub description: String,
    pub quantity_milli: i64,
    pub unit_cost_minor: i64,
    pub currency: String,
}

/// The next steps the signed-in user may take on an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Edit,
    Dispatch,
    Accept,
    Reject,
    Travel,
    CheckIn,
    Progress,
    CheckOut,
    Complete,
    Rate,
    Settle,
    Reopen,
    Cancel,
    Resolve,
    /// Tick checklist items and enter charge lines.
    FieldEntry,
    /// Enter cost lines.
    Costs,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub summary: OrderSummary,
    pub site: Option<SiteView>,
    pub events: Vec<OrderEvent>,
    pub actions: Vec<Action>,
    /// The status the events give when conflicts are set aside.
    #[ts(as = "crate::model::order::Status")]
    pub underlying_status: String,
    pub conflict_events: Vec<String>,
    pub checklist: Vec<ChecklistView>,
    pub missing_required: Vec<String>,
    pub charges: Vec<ChargeView>,
    pub costs: Vec<CostView>,
    pub totals: Totals,
    pub resolution: Option<String>,
    pub rating_comment: Option<String>,
    pub on_site_ms: i64,
    /// When the server received each event (by event id); absent until synced.
    pub received: std::collections::BTreeMap<String, i64>,
    pub signature: Option<SignatureRef>,
    /// Whether this order type needs the customer's signature before completion.
    pub signature_required: bool,
    /// The machines the order names (those this device knows).
    pub equipment: Vec<EquipmentView>,
    pub project: Option<ProjectView>,
    /// Every check-in and check-out with its geofence verdict (against the site as it is now).
    pub check_ins: Vec<CheckInView>,
    /// Site photos, oldest first.
    pub photos: Vec<PhotoView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CheckInView {
    pub event_id: String,
    pub kind: EventKind,
    pub at: i64,
    pub by: String,
    pub position: Option<Position>,
    /// None when the order's site is not known on this device.
    pub fence: Option<crate::location::FenceCheck>,
    /// Where the position is, in words (None without a position).
    pub address: Option<crate::address::Address>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncStatus {
    pub signed_in: bool,
    pub pending: u64,
    /// Milliseconds since the Unix epoch of the last sync that completed.
    pub last_sync_at: Option<i64>,
    /// The last attempt's error in plain words; None once a sync succeeds.
    pub last_error: Option<String>,
    pub online: bool,
    /// Documents the server refused, with its reason.
    pub rejected: Vec<RejectedDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RejectedDoc {
    pub doc: String,
    pub reason: String,
}

pub struct Workspace {
    pub store: Store,
    session: Option<Session>,
}

impl Workspace {
    pub fn open(path: &Path) -> Result<Workspace> {
        Self::with_store(Store::open(path)?)
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

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Prepare a sign-in and return the actor id to bind. A different account on this device
    /// starts from an empty store with a fresh actor id, so nobody pushes changes in another
    /// person's name; unsent changes of the previous account are never discarded silently.
    pub fn begin_login(&mut self, tenant: &str, login: &str) -> Result<String> {
        check_text("company", tenant, true, 100)?;
        check_text("login", login, true, 100)?;
        let account = format!("{tenant}/{login}");
        if let Some(previous) = self.store.meta("last_account")?
            && previous != account
        {
            let pending = self.store.pending_count()?;
            if pending > 0 {
                return Err(CoreError::Forbidden(format!(
                    "{pending} unsent change(s) of {previous} are on this device; sign in as {previous} to send them first"
                )));
            }
            self.store.wipe(false)?;
        }
        Ok(self.store.actor().to_hex_string())
    }

    /// Record a successful login (after `begin_login`).
    pub fn set_session(&mut self, session: Session, login: &str) -> Result<()> {
        let json =
            serde_json::to_string(&session).map_err(|e| CoreError::invalid(e.to_string()))?;
        self.store.set_meta("session", &json)?;
        self.store
            .set_meta("last_account", &format!("{}/{login}", session.tenant))?;
        self.session = Some(session);
        Ok(())
    }

    /// Sign out. Unsent changes stay on the device for the same user's next sign-in unless
    /// `discard` is set, in which case the store is wiped.
    pub fn sign_out(&mut self, discard: bool) -> Result<()> {
        if discard {
            self.store.wipe(false)?;
        } else {
            self.store.delete_meta("session")?;
        }
        self.session = None;
        Ok(())
    }

    pub fn actor(&self) -> Result<Actor> {
        let s = self.session.as_ref().ok_or(CoreError::NotSignedIn)?;
        Ok(Actor {
            user_id: s.user.id.clone(),
            role: s.user.role,
        })
    }

    pub fn directory(&self) -> Result<Vec<UserInfo>> {
        Ok(match self.store.meta("directory")? {
            Some(s) => serde_json::from_str(&s).unwrap_or_default(),
            None => Vec::new(),
        })
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
        if let Some((mut doc, typed)) = changed {
            self.store
                .commit_local_with_blobs(doc_type, &new_id, &mut doc, &typed, blobs)?;
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
                    .load(id)?
                    .ok_or_else(|| CoreError::NotFound(id.to_string()))?;
                if t != doc_type {
                    return Err(CoreError::NotFound(format!("{} {id}", doc_type.as_str())));
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
        let mut docs: Vec<(DocType, String, AutoCommit, TypedDoc)> = changes
            .into_iter()
            .filter_map(|(t, id, doc)| doc.map(|(d, typed)| (t, id, d, typed)))
            .collect();
        self.store.commit_local_many(&mut docs)
    }

    pub fn create_customer(&mut self, input: &CustomerInput) -> Result<CustomerView> {
        let id = self.change(DocType::Customer, None, |doc, actor| {
            customer::new_customer_doc(doc, &actor.user_id, input)
        })?;
        self.get_customer(&id)
    }

    pub fn update_customer(&mut self, id: &str, input: &CustomerInput) -> Result<CustomerView> {
        self.change(DocType::Customer, Some(id), |doc, _| {
            customer::apply_customer_edit(doc, input)?;
            Ok(id.to_string())
        })?;
        self.get_customer(id)
    }

    pub fn get_customer(&self, id: &str) -> Result<CustomerView> {
        self.list_customers_where(Some(id))?
            .pop()
            .ok_or_else(|| CoreError::NotFound(format!("customer {id}")))
    }

    pub fn list_customers(&self) -> Result<Vec<CustomerView>> {
        self.list_customers_where(None)
    }

    fn list_customers_where(&self, id: Option<&str>) -> Result<Vec<CustomerView>> {
        let mut stmt = self.store.conn().prepare(
            "SELECT c.id, c.name, c.phone, c.sites, COALESCE(d.dirty, 0) FROM customers c
             LEFT JOIN documents d ON d.id = c.id WHERE ?1 IS NULL OR c.id = ?1 ORDER BY c.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, phone, sites, dirty) = row?;
            let sites: std::collections::BTreeMap<String, Site> =
                serde_json::from_str(&sites).unwrap_or_default();
            out.push(CustomerView {
                id,
                name,
                phone,
                sites: sites.into_iter().map(|(id, s)| site_view(id, s)).collect(),
                pending: dirty == 1,
            });
        }
        Ok(out)
    }

    /// Create an order from the order type's template (checklist, signature, rating, and the
    /// default duration when only a start is given).
    pub fn create_order(&mut self, input: &OrderInput) -> Result<OrderDetail> {
        self.check_order_refs(input)?;
        let tz = local_offset_min();
        let template = self.template(input.order_type)?;
        let mut input = input.clone();
        if let (Some(start), None) = (input.scheduled_start, input.scheduled_end)
            && template.default_duration_min > 0
        {
            input.scheduled_end = Some(start + template.default_duration_min * 60_000);
        }
        let id = self.change(DocType::Order, None, |doc, actor| {
            order::new_order_doc(doc, &actor.user_id, tz, &input, &template)
        })?;
        self.get_order(&id)
    }

    fn settings(&self) -> Result<Option<SettingsDoc>> {
        let Some(session) = self.session.as_ref() else {
            return Ok(None);
        };
        match self.store.load(&settings::settings_id(&session.tenant))? {
            Some((DocType::Settings, doc)) => Ok(Some(SettingsDoc::from_doc(&doc)?)),
            _ => Ok(None),
        }
    }

    /// The template in force for an order type: the tenant's, or the built-in default before
    /// the settings have been synced.
    pub fn template(&self, order_type: OrderType) -> Result<Template> {
        Ok(match self.settings()? {
            Some(s) => s.template(order_type),
            None => settings::default_template(order_type),
        })
    }

    pub fn templates(&self) -> Result<Vec<TemplateView>> {
        settings::ORDER_TYPES
            .iter()
            .map(|t| {
                Ok(TemplateView {
                    order_type: *t,
                    template: self.template(*t)?,
                })
            })
            .collect()
    }

    /// Administrators change an order type's template; orders created afterwards use it.
    pub fn save_template(
        &mut self,
        order_type: OrderType,
        template: &Template,
    ) -> Result<Vec<TemplateView>> {
        template.validate()?;
        let id = self.settings_doc_id()?;
        self.change(DocType::Settings, Some(&id), |doc, _| {
            settings::put_template(doc, order_type, template)?;
            Ok(id.clone())
        })?;
        self.templates()
    }

    /// The tenant's settings document, which the server creates: edits wait for it.
    fn settings_doc_id(&self) -> Result<String> {
        let tenant = &self.session.as_ref().ok_or(CoreError::NotSignedIn)?.tenant;
        let id = settings::settings_id(tenant);
        if self.store.load(&id)?.is_none() {
            return Err(CoreError::invalid(
                "the company settings have not arrived yet; sync first",
            ));
        }
        Ok(id)
    }

    /// The geofence radius of sites that set none (administrators change it).
    pub fn geofence_default(&self) -> Result<i64> {
        Ok(self
            .settings()?
            .map_or(crate::location::DEFAULT_GEOFENCE_M, |s| {
                s.geofence_default()
            }))
    }

    /// Whether the company has site photos watermarked (administrators decide).
    pub fn photo_watermark(&self) -> Result<bool> {
        Ok(self
            .settings()?
            .and_then(|s| s.photo_watermark)
            .unwrap_or(false))
    }

    pub fn set_photo_watermark(&mut self, on: bool) -> Result<bool> {
        let id = self.settings_doc_id()?;
        self.change(DocType::Settings, Some(&id), |doc, _| {
            settings::set_photo_watermark(doc, on)?;
            Ok(id.clone())
        })?;
        self.photo_watermark()
    }

    pub fn set_geofence_default(&mut self, radius_m: i64) -> Result<i64> {
        crate::location::check_radius(radius_m)?;
        let id = self.settings_doc_id()?;
        self.change(DocType::Settings, Some(&id), |doc, _| {
            settings::set_geofence_default(doc, radius_m)?;
            Ok(id.clone())
        })?;
        self.geofence_default()
    }

    pub fn update_order(&mut self, id: &str, input: &OrderInput) -> Result<OrderDetail> {
        self.check_order_refs(input)?;
        self.change(DocType::Order, Some(id), |doc, _| {
            let current = OrderDoc::from_doc(doc)?;
            order::apply_header_edit(doc, input, Some(&current.header))?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    /// Dispatch (or reassign) an order to technicians; the first one leads.
    pub fn dispatch_order(&mut self, id: &str, to: &[String]) -> Result<OrderDetail> {
        if to.is_empty() {
            return Err(CoreError::invalid("choose at least one technician"));
        }
        let directory = self.directory()?;
        for u in to {
            match directory.iter().find(|d| &d.id == u) {
                Some(d) if d.role == Role::Technician => {}
                Some(d) => {
                    return Err(CoreError::invalid(format!(
                        "{} is not a technician",
                        d.name
                    )));
                }
                None => {
                    return Err(CoreError::invalid(format!(
                        "unknown technician '{u}'; sync to refresh the directory"
                    )));
                }
            }
        }
        let mut unique = Vec::new();
        for u in to {
            if !unique.contains(u) {
                unique.push(u.clone());
            }
        }
        self.order_event(id, Action::Dispatch, EventKind::Dispatched, |e| {
            e.to = unique
        })
    }

    pub fn accept_order(&mut self, id: &str) -> Result<OrderDetail> {
        self.order_event(id, Action::Accept, EventKind::Accepted, |_| {})
    }

    pub fn reject_order(&mut self, id: &str, reason: &str) -> Result<OrderDetail> {
        check_text("reason", reason, true, 2_000)?;
        self.order_event(id, Action::Reject, EventKind::Rejected, |e| {
            e.reason = Some(reason.trim().to_string())
        })
    }

    pub fn start_travel(&mut self, id: &str) -> Result<OrderDetail> {
        self.order_event(id, Action::Travel, EventKind::Travelling, |_| {})
    }

    /// Check in on site with the position the device gives (or a manual one).
    pub fn check_in(&mut self, id: &str, position: Option<Position>) -> Result<OrderDetail> {
        if let Some(p) = &position {
            order::check_position(p)?;
        }
        self.order_event(id, Action::CheckIn, EventKind::CheckedIn, |e| {
            e.position = position
        })
    }

    pub fn check_out(&mut self, id: &str, position: Option<Position>) -> Result<OrderDetail> {
        if let Some(p) = &position {
            order::check_position(p)?;
        }
        self.order_event(id, Action::CheckOut, EventKind::CheckedOut, |e| {
            e.position = position
        })
    }

    pub fn add_progress(&mut self, id: &str, note: &str) -> Result<OrderDetail> {
        check_text("note", note, true, 5_000)?;
        self.order_event(id, Action::Progress, EventKind::Progress, |e| {
            e.note = Some(note.trim().to_string())
        })
    }

    /// Complete the order; refused while required checklist items (or the signature) are open.
    pub fn complete_order(&mut self, id: &str, resolution: &str) -> Result<OrderDetail> {
        check_text("resolution", resolution, true, 5_000)?;
        self.order_event(id, Action::Complete, EventKind::Completed, |e| {
            e.resolution = Some(resolution.trim().to_string())
        })
    }

    /// The customer's rating, captured on the technician's device.
    pub fn rate_order(&mut self, id: &str, stars: i64, comment: &str) -> Result<OrderDetail> {
        if !(1..=5).contains(&stars) {
            return Err(CoreError::invalid("a rating is 1 to 5 stars"));
        }
        check_text("comment", comment, false, 2_000)?;
        self.order_event(id, Action::Rate, EventKind::Rated, |e| {
            e.stars = Some(stars);
            e.comment = Some(comment.trim().to_string());
        })
    }

    pub fn settle_order(&mut self, id: &str) -> Result<OrderDetail> {
        self.order_event(id, Action::Settle, EventKind::Settled, |_| {})
    }

    pub fn reopen_order(&mut self, id: &str, reason: &str) -> Result<OrderDetail> {
        check_text("reason", reason, true, 2_000)?;
        self.order_event(id, Action::Reopen, EventKind::Reopened, |e| {
            e.reason = Some(reason.trim().to_string())
        })
    }

    pub fn cancel_order(&mut self, id: &str, reason: &str) -> Result<OrderDetail> {
        check_text("reason", reason, true, 2_000)?;
        self.order_event(id, Action::Cancel, EventKind::Cancelled, |e| {
            e.reason = Some(reason.trim().to_string())
        })
    }

    /// Settle conflicting events with an explicit decision (the events stay in the log).
    pub fn resolve_conflicts(&mut self, id: &str, note: &str) -> Result<OrderDetail> {
        check_text("note", note, true, 2_000)?;
        let events = self.get_order(id)?.conflict_events;
        self.order_event(id, Action::Resolve, EventKind::Resolved, |e| {
            e.resolves = events;
            e.note = Some(note.trim().to_string());
        })
    }

    fn order_event(
        &mut self,
        id: &str,
        wanted: Action,
        kind: EventKind,
        fill: impl FnOnce(&mut OrderEvent),
    ) -> Result<OrderDetail> {
        let detail = self.get_order(id)?;
        if !detail.actions.contains(&wanted) {
            return Err(CoreError::invalid(format!(
                "cannot {} this order while it is {}",
                crate::model::enum_name(&wanted).replace('_', " "),
                detail.summary.status.replace('_', " ")
            )));
        }
        // The same rule the allow-list applies to a `completed` event, said in plain words.
        if kind == EventKind::Completed && !detail.missing_required.is_empty() {
            return Err(CoreError::invalid(format!(
                "tick the required checklist items first: {}",
                detail.missing_required.join(", ")
            )));
        }
        let tz = local_offset_min();
        let last_at = detail.events.iter().map(|e| e.at).max().unwrap_or(0);
        self.change(DocType::Order, Some(id), |doc, actor| {
            let mut event = OrderEvent {
                tz_offset_min: tz,
                ..OrderEvent::new(kind, &actor.user_id)
            };
            // A device clock behind the last event would sort the new event before it.
            event.at = event.at.max(last_at + 1);
            fill(&mut event);
            order::append_event(doc, &event)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    pub fn set_checklist_item(
        &mut self,
        id: &str,
        item_id: &str,
        done: bool,
    ) -> Result<OrderDetail> {
        check_id("checklist item", item_id)?;
        self.require_action(id, Action::FieldEntry)?;
        self.change(DocType::Order, Some(id), |doc, actor| {
            order::set_checklist_done(doc, item_id, done, &actor.user_id)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    /// Add (line_id None) or replace one of my charge lines.
    pub fn put_charge(
        &mut self,
        id: &str,
        line_id: Option<&str>,
        input: &ChargeInput,
    ) -> Result<OrderDetail> {
        money::check_line(
            input.quantity_milli,
            input.unit_price_minor,
            input.discount_bp,
            input.tax_rate_bp,
            &input.currency,
        )?;
        check_text("description", &input.description, false, 500)?;
        self.require_action(id, Action::FieldEntry)?;
        let line_id = line_id.map(str::to_string).unwrap_or_else(new_id);
        check_id("charge line", &line_id)?;
        self.change(DocType::Order, Some(id), |doc, actor| {
            let line = ChargeLine {
                kind: input.kind,
                description: input.description.trim().to_string(),
                quantity_milli: input.quantity_milli,
                unit_price_minor: input.unit_price_minor,
                discount_bp: input.discount_bp,
                tax_rate_bp: input.tax_rate_bp,
                currency: input.currency.clone(),
                by: actor.user_id.clone(),
                at: now_ms(),
                movement_id: None,
            };
            order::put_line(doc, "charges", &line_id, &line)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    pub fn delete_charge(&mut self, id: &str, line_id: &str) -> Result<OrderDetail> {
        self.delete_money_line(id, "charges", line_id, Action::FieldEntry)
    }

    /// Remove a charge or cost line (`map` is "charges" or "costs"); the allow-list decides
    /// whose lines the user may remove.
    fn delete_money_line(
        &mut self,
        id: &str,
        map: &str,
        line_id: &str,
        wanted: Action,
    ) -> Result<OrderDetail> {
        check_id("line", line_id)?;
        self.require_action(id, wanted)?;
        self.change(DocType::Order, Some(id), |doc, _| {
            order::delete_line(doc, map, line_id)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    pub fn put_cost(
        &mut self,
        id: &str,
        line_id: Option<&str>,
        input: &CostInput,
    ) -> Result<OrderDetail> {
        money::check_line(
            input.quantity_milli,
            input.unit_cost_minor,
            0,
            0,
            &input.currency,
        )?;
        check_text("description", &input.description, false, 500)?;
        self.require_action(id, Action::Costs)?;
        let line_id = line_id.map(str::to_string).unwrap_or_else(new_id);
        check_id("cost line", &line_id)?;
        self.change(DocType::Order, Some(id), |doc, actor| {
            let line = CostLine {
                kind: input.kind,
                description: input.description.trim().to_string(),
                quantity_milli: input.quantity_milli,
                unit_cost_minor: input.unit_cost_minor,
                currency: input.currency.clone(),
                by: actor.user_id.clone(),
                at: now_ms(),
                movement_id: None,
            };
            order::put_line(doc, "costs", &line_id, &line)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    pub fn delete_cost(&mut self, id: &str, line_id: &str) -> Result<OrderDetail> {
        self.delete_money_line(id, "costs", line_id, Action::Costs)
    }

    /// A labour cost line from the time on site (check-in to check-out) at an hourly rate.
    pub fn add_labour_cost(
        &mut self,
        id: &str,
        rate_minor_per_hour: i64,
        currency: &str,
    ) -> Result<OrderDetail> {
        let detail = self.get_order(id)?;
        if detail.on_site_ms <= 0 {
            return Err(CoreError::invalid(
                "no time on site is recorded yet (check-in and check-out)",
            ));
        }
        let hours_milli = money::mul_div_round(detail.on_site_ms, 1000, 3_600_000).max(1);
        self.put_cost(
            id,
            None,
            &CostInput {
                kind: CostKind::Labour,
                description: format!("{:.2} h on site", hours_milli as f64 / 1000.0),
                quantity_milli: hours_milli,
                unit_cost_minor: rate_minor_per_hour,
                currency: currency.to_string(),
            },
        )
    }

    /// Capture the customer's signature (a PNG drawn on the device). The image is kept as a
    /// blob, uploaded by sync, and the order references it by hash.
    pub fn capture_signature(&mut self, id: &str, png: &[u8], signer: &str) -> Result<OrderDetail> {
        crate::blob::check_blob(png, "image/png")?;
        check_text("signer", signer, false, 200)?;
        let detail = self.require_action(id, Action::FieldEntry)?;
        // The allow-list's rule: no signature change once the order is completed or closed.
        if matches!(
            detail.underlying_status.as_str(),
            "completed" | "settled" | "cancelled"
        ) {
            return Err(CoreError::invalid(
                "the signature cannot change after completion",
            ));
        }
        let hash = crate::blob::sha256_hex(png);
        self.change_with_blobs(
            DocType::Order,
            Some(id),
            &[(&hash, "image/png", png)],
            |doc, actor| {
                let signature = SignatureRef {
                    hash: hash.clone(),
                    signer: signer.trim().to_string(),
                    by: actor.user_id.clone(),
                    at: now_ms(),
                };
                order::set_signature(doc, &signature)?;
                Ok(id.to_string())
            },
        )?;
        self.get_order(id)
    }

    /// The order, if the signed-in user may take `wanted` on it now.
    fn require_action(&self, id: &str, wanted: Action) -> Result<OrderDetail> {
        let detail = self.get_order(id)?;
        if detail.actions.contains(&wanted) {
            Ok(detail)
        } else {
            Err(CoreError::invalid(format!(
                "cannot change this order while it is {}",
                detail.summary.status.replace('_', " ")
            )))
        }
    }

    pub fn list_orders(&self, filter: &OrderFilter) -> Result<Vec<OrderSummary>> {
        let text = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                format!(
                    "%{}%",
                    t.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                )
            });
        let mut stmt = self.store.conn().prepare(
            &format!(
                "{SUMMARY_SELECT}
             WHERE (?1 IS NULL OR o.status = ?1)
               AND (?2 IS NULL OR EXISTS (SELECT 1 FROM order_assignees a WHERE a.order_id = o.id AND a.user_id = ?2))
               AND (?4 IS NULL OR o.status IN (SELECT value FROM json_each(?4)))
               AND (?5 IS NULL OR o.project_id = ?5)
               AND (?6 IS NULL OR EXISTS (SELECT 1 FROM json_each(o.equipment_ids) WHERE value = ?6))
               AND (?3 IS NULL OR o.description LIKE ?3 ESCAPE '\\' OR c.name LIKE ?3 ESCAPE '\\'
                    OR o.id LIKE ?3 ESCAPE '\\' OR o.number LIKE ?3 ESCAPE '\\')
             ORDER BY COALESCE(o.scheduled_start, o.created_at), o.id"
            ),
        )?;
        let statuses = filter
            .statuses
            .as_ref()
            .map(|v| serde_json::to_string(v).unwrap_or_default());
        let rows = stmt.query_map(
            params![
                filter.status,
                filter.assignee,
                text,
                statuses,
                filter.project_id,
                filter.equipment_id
            ],
            summary_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn get_order(&self, id: &str) -> Result<OrderDetail> {
        check_id("order", id)?;
        let summary = self
            .store
            .conn()
            .query_row(
                &format!("{SUMMARY_SELECT} WHERE o.id = ?1"),
                [id],
                summary_from_row,
            )
            .optional()?
            .ok_or_else(|| CoreError::NotFound(format!("order {id}")))?;
        let (_, doc) = self
            .store
            .load(id)?
            .ok_or_else(|| CoreError::NotFound(format!("order {id}")))?;
        let order = OrderDoc::from_doc(&doc)?;
        let site = self
            .get_customer(&summary.customer_id)
            .ok()
            .and_then(|c| c.sites.into_iter().find(|s| s.id == summary.site_id));
        let actions = self.actions_for(&order);
        let radius_default = self.geofence_default()?;
        // Naming positions needs every known site; most orders carry none.
        let customers = if order.events.iter().any(|e| e.position.is_some()) {
            self.list_customers()?
        } else {
            Vec::new()
        };
        let check_ins = order
            .sorted_events()
            .into_iter()
            .filter(|e| matches!(e.kind, EventKind::CheckedIn | EventKind::CheckedOut))
            .map(|e| CheckInView {
                event_id: e.id.clone(),
                kind: e.kind,
                at: e.at,
                by: e.by.clone(),
                position: e.position.clone(),
                fence: site
                    .as_ref()
                    .map(|s| s.fence(e.position.as_ref(), radius_default)),
                address: e
                    .position
                    .as_ref()
                    .map(|p| self.address_for(p.lat, p.lon, &customers)),
            })
            .collect();
        let events = order.sorted_events().into_iter().cloned().collect();
        let state = order.state();
        let mut checklist: Vec<(i64, ChecklistView)> = order
            .checklist
            .iter()
            .map(|(id, c)| {
                (
                    c.position,
                    ChecklistView {
                        id: id.clone(),
                        label: c.label.clone(),
                        required: c.required,
                        done: c.done,
                        done_by: c.done_by.clone(),
                        done_at: c.done_at,
                    },
                )
            })
            .collect();
        checklist.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        let mut charges: Vec<ChargeView> = order
            .charges
            .iter()
            .map(|(id, l)| ChargeView {
                id: id.clone(),
                amounts: l.amounts(),
                line: l.clone(),
            })
            .collect();
        charges.sort_by(|a, b| (a.line.at, &a.id).cmp(&(b.line.at, &b.id)));
        let mut costs: Vec<CostView> = order
            .costs
            .iter()
            .map(|(id, l)| {
                Ok(CostView {
                    id: id.clone(),
                    amount: l.amount(),
                    catalogue_cost_minor: self.catalogue_cost_if_different(l)?,
                    line: l.clone(),
                })
            })
            .collect::<Result<_>>()?;
        costs.sort_by(|a, b| (a.line.at, &a.id).cmp(&(b.line.at, &b.id)));
        Ok(OrderDetail {
            summary,
            site,
            events,
            actions,
            underlying_status: state.underlying.as_str().to_string(),
            conflict_events: state.conflict_events.clone(),
            checklist: checklist.into_iter().map(|(_, c)| c).collect(),
            missing_required: order
                .missing_required()
                .into_iter()
                .map(str::to_string)
                .collect(),
            charges,
            costs,
            totals: order.totals(),
            resolution: state.resolution.clone(),
            rating_comment: state.rating.as_ref().map(|r| r.1.clone()),
            on_site_ms: state.on_site_ms,
            received: order.received.clone(),
            signature: order.signature.clone(),
            signature_required: order.needs_signature(),
            equipment: order
                .header
                .equipment_ids
                .iter()
                .filter_map(|e| self.get_equipment(e).ok())
                .collect(),
            project: order
                .header
                .project_id
                .as_deref()
                .and_then(|p| self.get_project(p).ok()),
            check_ins,
            photos: {
                let mut photos: Vec<PhotoView> = order
                    .photos
                    .iter()
                    .map(|(id, p)| PhotoView {
                        id: id.clone(),
                        photo: p.clone(),
                    })
                    .collect();
                photos.sort_by(|a, b| (a.photo.at, &a.id).cmp(&(b.photo.at, &b.id)));
                photos
            },
        })
    }

    fn actions_for(&self, order: &OrderDoc) -> Vec<Action> {
        let Ok(actor) = self.actor() else {
            return vec![];
        };
        let st = order.state();
        let s = st.underlying;
        let mut out = Vec::new();
        if actor.role.manages() {
            if s.is_open() {
                out.extend([Action::Edit, Action::Dispatch, Action::Cancel]);
            } else {
                out.push(Action::Reopen);
            }
            if s == Status::Completed {
                out.push(Action::Settle);
            }
            if !st.conflicts.is_empty() {
                out.push(Action::Resolve);
            }
            if s != Status::Settled {
                out.push(Action::Costs);
            }
        }
        if st.assignees.contains(&actor.user_id) {
            let mine = |a: &[Action]| a.to_vec();
            out.extend(match s {
                Status::Dispatched => mine(&[Action::Accept, Action::Reject]),
                Status::Accepted if !st.accepted_by.contains(&actor.user_id) => {
                    mine(&[Action::Accept, Action::Reject])
                }
                Status::Accepted => mine(&[
                    Action::Travel,
                    Action::CheckIn,
                    Action::Progress,
                    Action::Reject,
                ]),
                Status::Travelling => mine(&[Action::CheckIn, Action::Progress]),
                Status::OnSite => mine(&[Action::Progress, Action::CheckOut, Action::Complete]),
                Status::CheckedOut => mine(&[
                    Action::Travel,
                    Action::CheckIn,
                    Action::Progress,
                    Action::Complete,
                ]),
                Status::Completed if st.rating.is_none() && order.asks_rating() => {
                    mine(&[Action::Rate])
                }
                _ => vec![],
            });
            if matches!(
                s,
                Status::Accepted
                    | Status::Travelling
                    | Status::OnSite
                    | Status::CheckedOut
                    | Status::Completed
            ) {
                out.push(Action::FieldEntry);
            }
        } else if actor.role.manages() && s != Status::Settled && s != Status::Cancelled {
            out.push(Action::FieldEntry);
        }
        out
    }

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

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let rejected = {
            let mut stmt = self
                .store
                .conn()
                .prepare("SELECT id, rejected FROM documents WHERE rejected IS NOT NULL")?;
            stmt.query_map([], |r| {
                Ok(RejectedDoc {
                    doc: r.get(0)?,
                    reason: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
        };
        Ok(SyncStatus {
            signed_in: self.session.is_some(),
            pending: self.store.pending_count()?,
            last_sync_at: self
                .store
                .meta("last_sync_at")?
                .and_then(|s| s.parse().ok()),
            last_error: self.store.meta("last_sync_error")?,
            online: self.store.meta("online")?.as_deref() == Some("1"),
            rejected,
        })
    }
}

impl SiteView {
    /// The geofence verdict of a position here: the site's own radius, else the default.
    pub fn fence(
        &self,
        position: Option<&Position>,
        radius_default: i64,
    ) -> crate::location::FenceCheck {
        crate::location::check_fence(
            position,
            (self.lat, self.lon),
            self.geofence_m.unwrap_or(radius_default),
        )
    }
}

fn site_view(id: String, s: Site) -> SiteView {
    SiteView {
        id,
        name: s.name,
        address: s.address,
        lat: s.lat,
        lon: s.lon,
        geofence_m: s.geofence_m,
    }
}

/// The order list's columns; `summary_from_row` reads them in this order.
const SUMMARY_SELECT: &str = "SELECT o.id, o.status, o.order_type, o.priority, o.customer_id, c.name, o.site_id, o.description,
        o.scheduled_start, o.scheduled_end, o.created_at, o.updated_at, o.assignees, o.conflicts,
        COALESCE(d.dirty, 0), o.number, o.currency, o.charges_net, o.charges_total, o.costs_total, o.gross_profit,
        o.completed_at, o.rating
     FROM orders o LEFT JOIN customers c ON c.id = o.customer_id LEFT JOIN documents d ON d.id = o.id";

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrderSummary> {
    let id: String = r.get(0)?;
    let number: Option<String> = r.get(15)?;
    let display_number = number.clone().unwrap_or_else(|| provisional_number(&id));
    Ok(OrderSummary {
        id,
        status: r.get(1)?,
        order_type: r.get(2)?,
        priority: r.get(3)?,
        customer_id: r.get(4)?,
        customer_name: r.get(5)?,
        site_id: r.get(6)?,
        description: r.get(7)?,
        scheduled_start: r.get(8)?,
        scheduled_end: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        assignees: serde_json::from_str(&r.get::<_, String>(12)?).unwrap_or_default(),
        conflicts: serde_json::from_str(&r.get::<_, String>(13)?).unwrap_or_default(),
        pending: r.get::<_, i64>(14)? == 1,
        number,
        display_number,
        currency: r.get(16)?,
        charges_net: r.get(17)?,
        charges_total: r.get(18)?,
        costs_total: r.get(19)?,
        gross_profit: r.get(20)?,
        completed_at: r.get(21)?,
        rating: r.get(22)?,
    })
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
