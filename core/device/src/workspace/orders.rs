//! Work orders: create, dispatch and the field steps, the checklist, the list and the detail with the actions this user may take.

use super::*;
use crate::Field;

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChecklistView {
    pub id: String,
    pub label: String,
    /// The label's English and Chinese parts, when it is written "English / 中文".
    pub label_en: Option<String>,
    pub label_zh: Option<String>,
    pub required: bool,
    pub done: bool,
    pub done_by: Option<String>,
    pub done_at: Option<i64>,
}

/// An order reassigned away from the signed-in technician.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Reassignment {
    pub to: Vec<String>,
    pub by: String,
    pub at: i64,
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
    /// Add site photos and say which knowledge entry fixed the problem.
    FieldEntry,
    /// Change what the customer signs for: checklist ticks, charge lines, parts used, and the
    /// signature itself. Closed once the customer has signed (a supervisor may withdraw the
    /// signature while the order is open) and, for technicians, once the order is completed.
    Worksheet,
    /// Withdraw the customer's signature so the worksheet can change (and be signed again).
    WithdrawSignature,
    /// Capture the customer's signature: the worksheet is open and the work under way.
    Sign,
    /// Enter cost lines.
    Costs,
    /// Take a customer's portal request into the normal flow (declining is `Cancel`).
    AcceptRequest,
    /// Share a message with the customer on their tracking page.
    ShareWithCustomer,
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
    /// Cost lines; empty for those who do not see costs (`sees_costs`).
    pub costs: Vec<CostView>,
    pub totals: Totals,
    /// The customer's phone number, when this device knows the customer and it has one.
    pub customer_phone: Option<String>,
    /// Whether this user sees costs, gross profit and margin (supervisors and admins).
    pub sees_costs: bool,
    /// No cost lines are recorded: profit and margin would count the whole charge.
    pub costs_missing: bool,
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
    /// What the customer told the portal, when they asked for this order there.
    pub request: Option<crate::model::order::CustomerRequest>,
    /// The clashes behind `conflicts`, as data to put into words (same order).
    pub clashes: Vec<crate::model::order::Clash>,
    /// Set on the device of a technician the order was taken from: who took it over, who
    /// reassigned it, when. The order is read-only there until they acknowledge it.
    pub reassigned: Option<Reassignment>,
    /// The customer's own rating from their tracking page (stars, comment).
    pub customer_rating: Option<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CheckInView {
    pub event_id: String,
    pub kind: EventKind,
    pub at: i64,
    pub by: String,
    pub position: Option<Position>,
    /// None when the order's site is not known on this device.
    pub fence: Option<crate::geo::FenceCheck>,
    /// Where the position is, in words (None without a position).
    pub address: Option<crate::address::Address>,
}

/// The order list's columns; `summary_from_row` reads them in this order.
pub(super) const SUMMARY_SELECT: &str = "SELECT o.id, o.status, o.order_type, o.priority, o.customer_id, COALESCE(c.name, o.customer_name), o.site_id, o.description,
        o.scheduled_start, o.scheduled_end, o.created_at, o.updated_at, o.assignees, o.conflicts,
        COALESCE(d.dirty, 0), o.number, o.currency, o.charges_net, o.charges_total, o.costs_total, o.gross_profit,
        o.completed_at, o.rating
     FROM orders o LEFT JOIN customers c ON c.id = o.customer_id LEFT JOIN documents d ON d.id = o.id";

pub(super) fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrderSummary> {
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

impl Workspace {
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
            Ok(order::new_order_doc(
                doc,
                &actor.user_id,
                tz,
                &input,
                &template,
            )?)
        })?;
        self.get_order(&id)
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
    /// Dispatch or reassign. Taking technicians off work they have under way (accepted, set
    /// off, on site) is refused with `WorkUnderWay` unless the dispatcher says so (`over_work`).
    pub fn dispatch_order(
        &mut self,
        id: &str,
        to: &[String],
        over_work: bool,
    ) -> Result<OrderDetail> {
        if to.is_empty() {
            return Err(DeviceError::refused(Refusal::NoTechnicianChosen));
        }
        let directory = self.directory()?;
        for u in to {
            match directory.iter().find(|d| &d.id == u) {
                Some(d) if d.role == Role::Technician && d.active => {}
                Some(d) if !d.active => {
                    return Err(DeviceError::refused(Refusal::PersonDeactivated {
                        name: d.name.clone(),
                    }));
                }
                Some(d) => {
                    return Err(DeviceError::refused(Refusal::NotATechnician {
                        name: d.name.clone(),
                    }));
                }
                None => {
                    return Err(DeviceError::refused(Refusal::Unknown {
                        thing: Thing::Technician,
                    }));
                }
            }
        }
        let mut unique = Vec::new();
        for u in to {
            if !unique.contains(u) {
                unique.push(u.clone());
            }
        }
        let order = self.order_doc(id)?;
        let taken_off = order.state().work_taken_off(&unique);
        if !taken_off.is_empty() && !over_work {
            let name = |u: &String| {
                directory
                    .iter()
                    .find(|d| &d.id == u)
                    .map_or_else(|| u.clone(), |d| d.name.clone())
            };
            return Err(DeviceError::refused(Refusal::WorkUnderWay {
                taken_off: taken_off.iter().map(|(u, k)| (name(u), *k)).collect(),
            }));
        }
        self.order_event(id, Action::Dispatch, EventKind::Dispatched, |e| {
            e.to = unique;
            e.over_work = !taken_off.is_empty();
        })
    }

    /// The technician has seen that their order went to someone else: the device lets go of
    /// it (once their own changes to it are sent; the work stays on the order either way).
    pub fn acknowledge_reassignment(&mut self, id: &str) -> Result<()> {
        let detail = self.get_order(id)?;
        if detail.reassigned.is_none() {
            return Err(not_now(&detail));
        }
        if detail.summary.pending {
            return Err(DeviceError::refused(Refusal::UnsentWork));
        }
        self.store.forget_document(id)
    }

    pub fn accept_order(&mut self, id: &str) -> Result<OrderDetail> {
        self.order_event(id, Action::Accept, EventKind::Accepted, |_| {})
    }

    pub fn reject_order(&mut self, id: &str, reason: &str) -> Result<OrderDetail> {
        check_text(Field::Reason, reason, true, 2_000)?;
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
            crate::geo::check_position(p)?;
        }
        self.order_event(id, Action::CheckIn, EventKind::CheckedIn, |e| {
            e.position = position
        })
    }

    pub fn check_out(&mut self, id: &str, position: Option<Position>) -> Result<OrderDetail> {
        if let Some(p) = &position {
            crate::geo::check_position(p)?;
        }
        self.order_event(id, Action::CheckOut, EventKind::CheckedOut, |e| {
            e.position = position
        })
    }

    pub fn add_progress(&mut self, id: &str, note: &str) -> Result<OrderDetail> {
        check_text(Field::Note, note, true, 5_000)?;
        self.order_event(id, Action::Progress, EventKind::Progress, |e| {
            e.note = Some(note.trim().to_string())
        })
    }

    /// Complete the order; refused while required checklist items (or the signature) are open.
    pub fn complete_order(&mut self, id: &str, resolution: &str) -> Result<OrderDetail> {
        check_text(Field::Resolution, resolution, true, 5_000)?;
        self.order_event(id, Action::Complete, EventKind::Completed, |e| {
            e.resolution = Some(resolution.trim().to_string())
        })
    }

    /// The customer's rating, captured on the technician's device.
    pub fn rate_order(&mut self, id: &str, stars: i64, comment: &str) -> Result<OrderDetail> {
        if !(1..=5).contains(&stars) {
            return Err(DeviceError::refused(Refusal::RatingOutOfRange));
        }
        check_text(Field::Comment, comment, false, 2_000)?;
        self.order_event(id, Action::Rate, EventKind::Rated, |e| {
            e.stars = Some(stars);
            e.comment = Some(comment.trim().to_string());
        })
    }

    /// Settle a completed order. An order without cost lines would show its whole charge as
    /// profit, so it settles only when the supervisor says so (`without_costs`).
    pub fn settle_order(&mut self, id: &str, without_costs: bool) -> Result<OrderDetail> {
        let detail = self.require_action(id, Action::Settle)?;
        if detail.costs.is_empty() && !without_costs {
            return Err(DeviceError::refused(Refusal::CostsMissing));
        }
        self.order_event(id, Action::Settle, EventKind::Settled, |_| {})
    }

    /// Withdraw the customer's signature (a supervisor, while the order is open): the
    /// checklist, charges and parts used can change again, and the customer signs anew.
    pub fn withdraw_signature(&mut self, id: &str, reason: &str) -> Result<OrderDetail> {
        check_text(Field::Reason, reason, true, 2_000)?;
        self.require_action(id, Action::WithdrawSignature)?;
        let tz = local_offset_min();
        self.change(DocType::Order, Some(id), |doc, actor| {
            order::clear_signature(doc)?;
            let event = OrderEvent {
                tz_offset_min: tz,
                reason: Some(reason.trim().to_string()),
                ..OrderEvent::new(EventKind::SignatureWithdrawn, &actor.user_id)
            };
            order::append_event(doc, &event)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    pub fn reopen_order(&mut self, id: &str, reason: &str) -> Result<OrderDetail> {
        check_text(Field::Reason, reason, true, 2_000)?;
        self.order_event(id, Action::Reopen, EventKind::Reopened, |e| {
            e.reason = Some(reason.trim().to_string())
        })
    }

    pub fn cancel_order(&mut self, id: &str, reason: &str) -> Result<OrderDetail> {
        check_text(Field::Reason, reason, true, 2_000)?;
        self.order_event(id, Action::Cancel, EventKind::Cancelled, |e| {
            e.reason = Some(reason.trim().to_string())
        })
    }

    /// Take a customer's portal request into the normal flow: it can then be dispatched.
    pub fn accept_request(&mut self, id: &str) -> Result<OrderDetail> {
        self.order_event(
            id,
            Action::AcceptRequest,
            EventKind::RequestAccepted,
            |_| {},
        )
    }

    /// Words for the customer's tracking page (they see them as the company's message).
    pub fn share_with_customer(&mut self, id: &str, text: &str) -> Result<OrderDetail> {
        check_text(Field::Note, text, true, 2_000)?;
        self.order_event(id, Action::ShareWithCustomer, EventKind::SharedNote, |e| {
            e.comment = Some(text.trim().to_string())
        })
    }

    /// Settle conflicting events with an explicit decision (the events stay in the log).
    pub fn resolve_conflicts(&mut self, id: &str, note: &str) -> Result<OrderDetail> {
        check_text(Field::Note, note, true, 2_000)?;
        let events = self.get_order(id)?.conflict_events;
        self.order_event(id, Action::Resolve, EventKind::Resolved, |e| {
            e.resolves = events;
            e.note = Some(note.trim().to_string());
        })
    }

    pub(super) fn order_event(
        &mut self,
        id: &str,
        wanted: Action,
        kind: EventKind,
        fill: impl FnOnce(&mut OrderEvent),
    ) -> Result<OrderDetail> {
        let detail = self.get_order(id)?;
        if !detail.actions.contains(&wanted) {
            return Err(not_now(&detail));
        }
        // The same rule the allow-list applies to a `completed` event, said in plain words.
        if kind == EventKind::Completed && !detail.missing_required.is_empty() {
            return Err(DeviceError::refused(Refusal::ChecklistIncomplete {
                items: detail.missing_required.clone(),
            }));
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
        self.require_action(id, Action::Worksheet)?;
        self.change(DocType::Order, Some(id), |doc, actor| {
            order::set_checklist_done(doc, item_id, done, &actor.user_id)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    /// The order, if the signed-in user may take `wanted` on it now.
    pub(super) fn require_action(&self, id: &str, wanted: Action) -> Result<OrderDetail> {
        let detail = self.get_order(id)?;
        if detail.actions.contains(&wanted) {
            Ok(detail)
        } else if matches!(wanted, Action::Worksheet | Action::Sign)
            && detail.signature.is_some()
            && detail.actions.contains(&Action::FieldEntry)
        {
            Err(DeviceError::refused(Refusal::SignedWorksheet))
        } else {
            Err(not_now(&detail))
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
               AND (?2 IS NULL OR EXISTS (SELECT 1 FROM order_assignees a WHERE a.order_id = o.id AND a.user_id = ?2 AND (a.current = 1 OR ?8)))
               AND (?4 IS NULL OR o.status IN (SELECT value FROM json_each(?4)))
               AND (?5 IS NULL OR o.project_id = ?5)
               AND (?6 IS NULL OR EXISTS (SELECT 1 FROM json_each(o.equipment_ids) WHERE value = ?6))
               AND (?7 IS NULL OR o.id IN (SELECT value FROM json_each(?7)))
               AND (?3 IS NULL OR o.description LIKE ?3 ESCAPE '\\' OR c.name LIKE ?3 ESCAPE '\\'
                    OR o.id LIKE ?3 ESCAPE '\\' OR o.number LIKE ?3 ESCAPE '\\')
             ORDER BY COALESCE(o.scheduled_start, o.created_at), o.id"
            ),
        )?;
        let statuses = filter
            .statuses
            .as_ref()
            .map(|v| serde_json::to_string(v).unwrap_or_default());
        let ids = filter
            .ids
            .as_ref()
            .map(|v| serde_json::to_string(v).unwrap_or_default());
        let rows = stmt.query_map(
            params![
                filter.status,
                filter.assignee,
                text,
                statuses,
                filter.project_id,
                filter.equipment_id,
                ids,
                filter.reassigned_away.unwrap_or(false)
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
            .ok_or_else(|| DeviceError::not_found(format!("order {id}")))?;
        let (_, doc) = self
            .store
            .load(id)?
            .ok_or_else(|| DeviceError::not_found(format!("order {id}")))?;
        let order = OrderDoc::from_doc(&doc)?;
        let customer = self.get_customer(&summary.customer_id).ok();
        let customer_phone = customer
            .as_ref()
            .and_then(|c| c.main_phone())
            .map(str::to_string);
        let site = customer.and_then(|c| c.sites.into_iter().find(|s| s.id == summary.site_id));
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
                let (label_en, label_zh) = crate::model::bilingual(&c.label).unzip();
                (
                    c.position,
                    ChecklistView {
                        id: id.clone(),
                        label: c.label.clone(),
                        label_en,
                        label_zh,
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
        // Costs, gross profit and margin are the company's business, not the field's.
        let sees_costs = self.actor().is_ok_and(|a| a.role.manages());
        let costs_missing = costs.is_empty();
        if !sees_costs {
            costs.clear();
        }
        Ok(OrderDetail {
            customer_phone,
            sees_costs,
            costs_missing,
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
            request: order.header.request.clone(),
            clashes: state.clashes.clone(),
            reassigned: self.reassigned_away(&order, &state),
            customer_rating: state.customer_rating.clone(),
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

    /// The order as a typed document.
    fn order_doc(&self, id: &str) -> Result<OrderDoc> {
        let (_, doc) = self
            .store
            .load(id)?
            .ok_or_else(|| DeviceError::not_found(format!("order {id}")))?;
        Ok(OrderDoc::from_doc(&doc)?)
    }

    /// Who took the order over, when it was taken from the signed-in technician.
    fn reassigned_away(
        &self,
        order: &OrderDoc,
        state: &crate::model::order::OrderState,
    ) -> Option<Reassignment> {
        let actor = self.actor().ok()?;
        if actor.role.manages()
            || state.assignees.contains(&actor.user_id)
            || !state.ever_assigned.contains(&actor.user_id)
        {
            return None;
        }
        let last = order
            .sorted_events()
            .into_iter()
            .rfind(|e| e.kind == EventKind::Dispatched)?;
        Some(Reassignment {
            to: last.to.clone(),
            by: last.by.clone(),
            at: last.at,
        })
    }

    pub(super) fn actions_for(&self, order: &OrderDoc) -> Vec<Action> {
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
            if s == Status::Requested {
                out.push(Action::AcceptRequest);
            }
            if order.header.request.is_some() {
                out.push(Action::ShareWithCustomer);
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
        let signed = order.signature.is_some();
        let done_for_technicians = s == Status::Completed && !actor.role.manages();
        if out.contains(&Action::FieldEntry) && !signed && !done_for_technicians {
            out.push(Action::Worksheet);
            if matches!(
                s,
                Status::Accepted | Status::Travelling | Status::OnSite | Status::CheckedOut
            ) {
                out.push(Action::Sign);
            }
        }
        if actor.role.manages() && signed && s.is_open() {
            out.push(Action::WithdrawSignature);
        }
        out
    }
}

/// The step asked for is not open to this user in the order's present state (it moved on
/// elsewhere, or the step is someone else's).
fn not_now(detail: &OrderDetail) -> DeviceError {
    match serde_json::from_value::<Status>(serde_json::Value::String(detail.summary.status.clone()))
    {
        Ok(status) => DeviceError::refused(Refusal::NotNow { status }),
        Err(_) => DeviceError::invalid(format!(
            "this step is not possible while the order is {}",
            detail.summary.status
        )),
    }
}
