//! Customers and their sites.

use super::*;

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
    pub region: String,
    pub sites: Vec<SiteView>,
    pub pending: bool,
}

impl SiteView {
    /// The geofence verdict of a position here: the site's own radius, else the default.
    pub fn fence(
        &self,
        position: Option<&Position>,
        radius_default: i64,
    ) -> crate::geo::FenceCheck {
        crate::geo::check_fence(
            position,
            (self.lat, self.lon),
            self.geofence_m.unwrap_or(radius_default),
        )
    }
}

pub(super) fn site_view(id: String, s: Site) -> SiteView {
    SiteView {
        id,
        name: s.name,
        address: s.address,
        lat: s.lat,
        lon: s.lon,
        geofence_m: s.geofence_m,
    }
}

impl Workspace {
    pub fn create_customer(&mut self, input: &CustomerInput) -> Result<CustomerView> {
        let id = self.change(DocType::Customer, None, |doc, actor| {
            Ok(customer::new_customer_doc(doc, &actor.user_id, input)?)
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
            .ok_or_else(|| DeviceError::not_found(format!("customer {id}")))
    }

    pub fn list_customers(&self) -> Result<Vec<CustomerView>> {
        self.list_customers_where(None)
    }

    pub(super) fn list_customers_where(&self, id: Option<&str>) -> Result<Vec<CustomerView>> {
        let mut stmt = self.store.conn().prepare(
            "SELECT c.id, c.name, c.phone, c.sites, COALESCE(d.dirty, 0), c.region FROM customers c
             LEFT JOIN documents d ON d.id = c.id WHERE ?1 IS NULL OR c.id = ?1 ORDER BY c.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, phone, sites, dirty, region) = row?;
            let sites: std::collections::BTreeMap<String, Site> =
                serde_json::from_str(&sites).unwrap_or_default();
            out.push(CustomerView {
                id,
                name,
                phone,
                region,
                sites: sites.into_iter().map(|(id, s)| site_view(id, s)).collect(),
                pending: dirty == 1,
            });
        }
        Ok(out)
    }
}
