//! Customers and their sites.

use super::*;
use crate::model::customer::{Contact, ReportLanguage};

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
    /// Oldest first: the first is the main contact.
    pub contacts: Vec<ContactView>,
    pub report_language: ReportLanguage,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ContactView {
    pub id: String,
    #[serde(flatten)]
    pub contact: Contact,
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

    /// Customers whose name, region, phone, a contact (name, role, phone, e-mail) or a site
    /// (name, address) contains every word of `text`, case-insensitive; all when it is empty.
    pub fn search_customers(&self, text: &str) -> Result<Vec<CustomerView>> {
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
        Ok(self
            .list_customers_where(None)?
            .into_iter()
            .filter(|c| {
                let hay = c.search_text();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect())
    }

    pub(super) fn list_customers_where(&self, id: Option<&str>) -> Result<Vec<CustomerView>> {
        let mut stmt = self.store.conn().prepare(
            "SELECT c.id, c.name, c.phone, c.sites, COALESCE(d.dirty, 0), c.region, c.contacts,
                    c.report_language
             FROM customers c LEFT JOIN documents d ON d.id = c.id
             WHERE ?1 IS NULL OR c.id = ?1 ORDER BY c.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, phone, sites, dirty, region, contacts, language) = row?;
            let sites: std::collections::BTreeMap<String, Site> =
                serde_json::from_str(&sites).unwrap_or_default();
            let contacts: std::collections::BTreeMap<String, Contact> =
                serde_json::from_str(&contacts).unwrap_or_default();
            out.push(CustomerView {
                id,
                name,
                phone,
                region,
                sites: sites.into_iter().map(|(id, s)| site_view(id, s)).collect(),
                contacts: contacts
                    .into_iter()
                    .map(|(id, contact)| ContactView { id, contact })
                    .collect(),
                report_language: crate::model::enum_from_name(&language).unwrap_or_default(),
                pending: dirty == 1,
            });
        }
        Ok(out)
    }
}

impl CustomerView {
    /// Everything a search looks in, lower-case.
    fn search_text(&self) -> String {
        let mut out = format!("{} {} {}", self.name, self.region, self.phone);
        for c in &self.contacts {
            let c = &c.contact;
            out.push_str(&format!(" {} {} {} {}", c.name, c.role, c.phone, c.email));
        }
        for s in &self.sites {
            out.push_str(&format!(" {} {}", s.name, s.address));
        }
        out.to_lowercase()
    }

    /// The number to call first: the customer's own, else the first contact's.
    pub fn main_phone(&self) -> Option<&str> {
        std::iter::once(self.phone.as_str())
            .chain(self.contacts.iter().map(|c| c.contact.phone.as_str()))
            .find(|p| !p.is_empty())
    }
}
