//! Part requests: a technician asks, the warehouse approves, issues, and the van receives.

use super::*;
use crate::Field;

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

impl Workspace {
    pub fn create_request(
        &mut self,
        to_location: &str,
        order_id: Option<&str>,
        lines: &[RequestLineInput],
    ) -> Result<RequestView> {
        let van = self
            .get_location(to_location)
            .map_err(|_| DeviceError::refused(Refusal::Unknown { thing: Thing::Van }))?;
        let me = self.actor()?;
        if van.kind != LocationKind::Van
            || (!me.role.manages() && van.owner.as_deref() != Some(me.user_id.as_str()))
        {
            return Err(DeviceError::refused(Refusal::OwnVanOnly));
        }
        if let Some(o) = order_id {
            self.get_order(o).map_err(|_| {
                DeviceError::refused(Refusal::Unknown {
                    thing: Thing::Order,
                })
            })?;
        }
        let mut parsed = Vec::new();
        for l in lines {
            self.get_part(&l.part_id)
                .map_err(|_| DeviceError::refused(Refusal::Unknown { thing: Thing::Part }))?;
            parsed.push(RequestLine {
                part_id: l.part_id.clone(),
                qty: l.qty,
                reason: l.reason.trim().to_string(),
            });
        }
        let id = self.change(DocType::PartRequest, None, |doc, actor| {
            Ok(part_request::new_request_doc(
                doc,
                &actor.user_id,
                to_location,
                order_id,
                &parsed,
            )?)
        })?;
        self.get_request(&id)
    }

    pub(super) fn request_event(
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

    pub(super) fn require_request_status(
        &self,
        id: &str,
        wanted: RequestStatus,
    ) -> Result<RequestView> {
        let r = self.get_request(id)?;
        if r.status != wanted {
            return Err(DeviceError::refused(Refusal::RequestNotNow {
                status: r.status,
            }));
        }
        Ok(r)
    }

    pub(super) fn append_request_event(
        &mut self,
        id: &str,
        e: RequestEvent,
    ) -> Result<RequestView> {
        self.change(DocType::PartRequest, Some(id), |doc, _| {
            part_request::append_event(doc, &e)?;
            Ok(id.to_string())
        })?;
        self.get_request(id)
    }

    /// Append a step that moves stock (issue, receipt): the request's event and the
    /// movements at `location` are committed in one transaction, or neither is.
    fn append_request_event_moving(
        &mut self,
        id: &str,
        e: RequestEvent,
        location: &str,
        movements: &[Movement],
    ) -> Result<RequestView> {
        let (mut changes, _) = self.prepare_movements(location, movements)?;
        let (rid, rdoc) = self.prepare_change(DocType::PartRequest, Some(id), |doc, _| {
            part_request::append_event(doc, &e)?;
            Ok(id.to_string())
        })?;
        changes.push((DocType::PartRequest, rid, rdoc));
        self.commit_together(changes)?;
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
                .ok_or_else(|| DeviceError::invalid("approve lines of this request"))?;
            if !(0..=asked.asked).contains(q) {
                return Err(DeviceError::refused(Refusal::ApproveWithinAsked));
            }
        }
        let e = self.request_event(RequestEventKind::Approved, |e| {
            e.approved = Some(quantities.clone())
        })?;
        self.append_request_event(id, e)
    }

    pub fn reject_request(&mut self, id: &str, reason: &str) -> Result<RequestView> {
        check_text(Field::Reason, reason, true, 1000)?;
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
        self.append_request_event_moving(id, e, from_location, &out)
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
        self.append_request_event_moving(id, e, &r.to_location, &inn)
    }

    pub fn get_request(&self, id: &str) -> Result<RequestView> {
        check_id("request", id)?;
        let (t, doc) = self
            .store
            .load(id)?
            .ok_or_else(|| DeviceError::not_found(format!("request {id}")))?;
        if t != DocType::PartRequest {
            return Err(DeviceError::not_found(format!("request {id}")));
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
