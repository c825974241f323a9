//! Stock locations: warehouses and technicians' vans.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LocationView {
    pub id: String,
    pub kind: LocationKind,
    pub name: String,
    pub owner: Option<String>,
    /// This device's movements there that have not reached the server yet.
    pub pending: bool,
}

impl Workspace {
    pub fn create_location(
        &mut self,
        kind: LocationKind,
        name: &str,
        owner: Option<&str>,
    ) -> Result<LocationView> {
        self.check_location_owner(kind, owner)?;
        let id = self.change(DocType::Location, None, |doc, _| {
            Ok(stock::new_location_doc(doc, kind, name, owner)?)
        })?;
        self.get_location(&id)
    }

    /// Rename a location, or give a van to another technician (a location stays a warehouse
    /// or a van).
    pub fn update_location(
        &mut self,
        id: &str,
        name: &str,
        owner: Option<&str>,
    ) -> Result<LocationView> {
        check_id("location", id)?;
        let current = self.get_location(id)?;
        self.check_location_owner(current.kind, owner)?;
        if current.owner.as_deref() != owner {
            // Only the requester confirms a receipt, and only into their own van: a van that
            // changed hands with parts on their way could never receive them.
            let open = self
                .list_requests(None)?
                .into_iter()
                .filter(|r| {
                    r.to_location == id
                        && matches!(
                            r.status,
                            RequestStatus::Requested
                                | RequestStatus::Approved
                                | RequestStatus::Issued
                        )
                })
                .count();
            if open > 0 {
                return Err(DeviceError::refused(Refusal::VanHasOpenRequests {
                    open: u32::try_from(open).unwrap_or(u32::MAX),
                }));
            }
        }
        self.change(DocType::Location, Some(id), |doc, _| {
            stock::apply_location_edit(doc, name, owner)?;
            Ok(id.to_string())
        })?;
        self.get_location(id)
    }

    /// A van belongs to a technician; a warehouse to no one.
    pub(super) fn check_location_owner(
        &self,
        kind: LocationKind,
        owner: Option<&str>,
    ) -> Result<()> {
        if let Some(o) = owner {
            match self.directory()?.into_iter().find(|u| u.id == o) {
                Some(u) if u.role == Role::Technician => {}
                Some(u) => {
                    return Err(DeviceError::refused(Refusal::NotATechnician {
                        name: u.name.clone(),
                    }));
                }
                None => {
                    return Err(DeviceError::refused(Refusal::Unknown {
                        thing: Thing::Technician,
                    }));
                }
            }
        }
        if kind == LocationKind::Warehouse && owner.is_some() {
            return Err(DeviceError::refused(Refusal::WarehouseHasNoOwner));
        }
        Ok(())
    }

    pub fn list_locations(&self) -> Result<Vec<LocationView>> {
        self.query_locations(None)
    }

    /// Every location, or the one `id` (looked up on every movement, so not via the list).
    pub(super) fn query_locations(&self, id: Option<&str>) -> Result<Vec<LocationView>> {
        let by_id = if id.is_some() {
            "l.id = ?1"
        } else {
            "?1 IS NULL"
        };
        let mut stmt = self.store.conn().prepare_cached(&format!(
            "SELECT l.id, l.kind, l.name, l.owner,
                COALESCE(d.dirty, 0) OR EXISTS (SELECT 1 FROM ledgers g JOIN documents ld ON ld.id = g.id
                    WHERE g.location_id = l.id AND ld.dirty = 1)
             FROM locations l LEFT JOIN documents d ON d.id = l.id
             WHERE {by_id} ORDER BY l.kind DESC, l.name, l.id"
        ))?;
        let rows = stmt.query_map([id], |r| {
            let kind: String = r.get(1)?;
            Ok(LocationView {
                id: r.get(0)?,
                kind: if kind == "van" {
                    LocationKind::Van
                } else {
                    LocationKind::Warehouse
                },
                name: r.get(2)?,
                owner: r.get(3)?,
                pending: r.get::<_, i64>(4)? == 1,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn get_location(&self, id: &str) -> Result<LocationView> {
        self.query_locations(Some(id))?
            .pop()
            .ok_or_else(|| DeviceError::not_found(format!("location {id}")))
    }

    /// The van of the signed-in technician.
    pub fn my_van(&self) -> Result<Option<LocationView>> {
        let me = self.actor()?.user_id;
        Ok(self
            .list_locations()?
            .into_iter()
            .find(|l| l.kind == LocationKind::Van && l.owner.as_deref() == Some(me.as_str())))
    }
}
