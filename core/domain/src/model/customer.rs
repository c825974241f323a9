//! Customer documents: name, phone and the customer's sites.

use crate::error::Field;
use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use serde::{Deserialize, Serialize};

use super::{check_id, check_text, new_id, now_ms};
use crate::crdt;
use crate::error::{DomainError, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    pub doc_type: String,
    pub id: String,
    pub name: String,
    pub phone: String,
    /// The sales or service region the customer belongs to ("华东", "Shanghai"): free text,
    /// the dashboard's region filter; empty when none was given.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub region: String,
    pub sites: BTreeMap<String, Site>,
    /// The people to call or write to, by id (ids are time-ordered: the first is the main one).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub contacts: BTreeMap<String, Contact>,
    /// The language of this customer's service reports; absent: both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_language: Option<ReportLanguage>,
    pub created_at: i64,
    pub created_by: String,
}

/// A person at the customer: who they are, and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    /// What they do there ("设备科 Equipment office", "Plant manager"); empty when not given.
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// The language a customer's service reports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportLanguage {
    Zh,
    En,
    #[default]
    Both,
}

/// The most contacts one customer keeps.
pub const MAX_CONTACTS: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    /// Check-ins within this many metres count as on site; absent: the tenant's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geofence_m: Option<i64>,
}

/// What a person types to create or edit a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CustomerInput {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub region: String,
    pub sites: Vec<SiteInput>,
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
    #[serde(default)]
    pub report_language: ReportLanguage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct ContactInput {
    /// Absent for a new contact.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(flatten)]
    pub contact: Contact,
}

impl Contact {
    fn validate(&self) -> Result<()> {
        check_text(Field::PersonName, &self.name, true, 100)?;
        check_text(Field::ContactRole, &self.role, false, 100)?;
        crate::notify::check_contact(&self.email, &self.phone)?;
        Ok(())
    }

    /// Trimmed, as stored.
    fn trimmed(&self) -> Contact {
        Contact {
            name: self.name.trim().to_string(),
            role: self.role.trim().to_string(),
            phone: self.phone.trim().to_string(),
            email: self.email.trim().to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct SiteInput {
    /// Absent for a new site.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub geofence_m: Option<i64>,
}

impl CustomerInput {
    pub fn validate(&self) -> Result<()> {
        check_text(Field::CustomerName, &self.name, true, 200)?;
        check_text(Field::Phone, &self.phone, false, 40)?;
        check_text(Field::Region, &self.region, false, 60)?;
        if self.sites.is_empty() {
            return Err(DomainError::invalid("a customer needs at least one site"));
        }
        if self.sites.len() > 500 {
            return Err(DomainError::invalid(
                "a customer can have at most 500 sites",
            ));
        }
        for s in &self.sites {
            if let Some(id) = &s.id {
                check_id("site id", id)?;
            }
            s.validate()?;
        }
        if self.contacts.len() > MAX_CONTACTS {
            return Err(DomainError::invalid(format!(
                "a customer can have at most {MAX_CONTACTS} contacts"
            )));
        }
        for c in &self.contacts {
            if let Some(id) = &c.id {
                check_id("contact id", id)?;
            }
            c.contact.validate()?;
        }
        Ok(())
    }
}

impl SiteInput {
    fn validate(&self) -> Result<()> {
        check_text(Field::SiteName, &self.name, true, 200)?;
        check_text(Field::SiteAddress, &self.address, false, 500)?;
        crate::geo::check_coordinates(self.lat, self.lon)?;
        self.geofence_m.map_or(Ok(()), crate::geo::check_radius)
    }
}

impl Customer {
    pub fn from_doc(doc: &AutoCommit) -> Result<Customer> {
        let json = crdt::to_json(doc)?;
        let c: Customer = serde_json::from_value(json)
            .map_err(|e| DomainError::CorruptDocument(format!("customer: {e}")))?;
        c.check_invariants()?;
        Ok(c)
    }

    /// What every stored customer must satisfy, whoever wrote it.
    pub fn check_invariants(&self) -> Result<()> {
        if self.doc_type != "customer" {
            return Err(DomainError::CorruptDocument(
                "doc_type is not 'customer'".into(),
            ));
        }
        check_id("customer id", &self.id)?;
        check_text(Field::CustomerName, &self.name, true, 200)?;
        check_text(Field::Phone, &self.phone, false, 40)?;
        check_text(Field::Region, &self.region, false, 60)?;
        for (id, s) in &self.sites {
            check_id("site id", id)?;
            check_text(Field::SiteName, &s.name, true, 200)?;
            check_text(Field::SiteAddress, &s.address, false, 500)?;
            crate::geo::check_coordinates(s.lat, s.lon)?;
            s.geofence_m.map_or(Ok(()), crate::geo::check_radius)?;
        }
        if self.contacts.len() > MAX_CONTACTS {
            return Err(DomainError::CorruptDocument("too many contacts".into()));
        }
        for (id, c) in &self.contacts {
            check_id("contact id", id)?;
            c.validate()?;
        }
        Ok(())
    }
}

/// A new customer document, created by `user_id`.
pub fn new_customer_doc(
    doc: &mut AutoCommit,
    user_id: &str,
    input: &CustomerInput,
) -> Result<String> {
    input.validate()?;
    let id = new_id();
    doc.put(ROOT, "doc_type", "customer")?;
    doc.put(ROOT, "id", id.as_str())?;
    doc.put(ROOT, "created_at", now_ms())?;
    doc.put(ROOT, "created_by", user_id)?;
    doc.put(ROOT, "phone", "")?;
    doc.put_object(ROOT, "sites", ObjType::Map)?;
    apply_customer_edit(doc, input)?;
    Ok(id)
}

/// Write only what differs, field by field, so concurrent edits of other fields survive.
pub fn apply_customer_edit(doc: &mut AutoCommit, input: &CustomerInput) -> Result<()> {
    input.validate()?;
    crdt::update_text(doc, &ROOT, "name", input.name.trim())?;
    let current = Customer::from_doc(doc).ok();
    if current.as_ref().map(|c| c.phone.as_str()) != Some(input.phone.trim()) {
        doc.put(ROOT, "phone", input.phone.trim())?;
    }
    let region = input.region.trim();
    if current.as_ref().map_or("", |c| c.region.as_str()) != region {
        doc.put(ROOT, "region", region)?;
    }
    let sites = crdt::child_obj(doc, &ROOT, "sites")?;
    let mut kept = Vec::new();
    for s in &input.sites {
        let site_id = s.id.clone().unwrap_or_else(new_id);
        let existing = current
            .as_ref()
            .and_then(|c| c.sites.get(&site_id))
            .cloned();
        let obj = match doc.get(&sites, site_id.as_str())? {
            Some((automerge::Value::Object(ObjType::Map), id)) => id,
            _ => doc.put_object(&sites, site_id.as_str(), ObjType::Map)?,
        };
        if existing.as_ref().map(|e| e.name.as_str()) != Some(s.name.trim()) {
            doc.put(&obj, "name", s.name.trim())?;
        }
        if existing.as_ref().map(|e| e.address.as_str()) != Some(s.address.trim()) {
            doc.put(&obj, "address", s.address.trim())?;
        }
        if existing.as_ref().map(|e| e.lat) != Some(s.lat) {
            doc.put(&obj, "lat", s.lat)?;
        }
        if existing.as_ref().map(|e| e.lon) != Some(s.lon) {
            doc.put(&obj, "lon", s.lon)?;
        }
        if existing.as_ref().and_then(|e| e.geofence_m) != s.geofence_m {
            match s.geofence_m {
                Some(r) => doc.put(&obj, "geofence_m", r)?,
                None if existing.is_some() => doc.delete(&obj, "geofence_m")?,
                None => {}
            }
        }
        kept.push(site_id);
    }
    if let Some(c) = &current {
        for old in c.sites.keys() {
            if !kept.contains(old) {
                doc.delete(&sites, old.as_str())?;
            }
        }
    }
    apply_contacts(doc, current.as_ref(), &input.contacts)?;
    let language =
        (input.report_language != ReportLanguage::default()).then_some(input.report_language);
    if current.as_ref().and_then(|c| c.report_language) != language {
        match language {
            Some(l) => doc.put(ROOT, "report_language", crate::model::enum_name(&l))?,
            None => doc.delete(ROOT, "report_language")?,
        }
    }
    Ok(())
}

/// Each contact is its own map, written only where it changed, so two people editing
/// different contacts (or a contact and a site) both keep their edit.
fn apply_contacts(
    doc: &mut AutoCommit,
    current: Option<&Customer>,
    input: &[ContactInput],
) -> Result<()> {
    let contacts = match doc.get(ROOT, "contacts")? {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        _ if input.is_empty() => return Ok(()),
        _ => doc.put_object(ROOT, "contacts", ObjType::Map)?,
    };
    let mut kept = Vec::new();
    for c in input {
        let id = c.id.clone().unwrap_or_else(new_id);
        let existing = current.and_then(|cur| cur.contacts.get(&id));
        let new = c.contact.trimmed();
        if existing != Some(&new) {
            let obj = match doc.get(&contacts, id.as_str())? {
                Some((automerge::Value::Object(ObjType::Map), obj)) => obj,
                _ => doc.put_object(&contacts, id.as_str(), ObjType::Map)?,
            };
            for (key, value, old) in [
                ("name", &new.name, existing.map(|e| &e.name)),
                ("role", &new.role, existing.map(|e| &e.role)),
                ("phone", &new.phone, existing.map(|e| &e.phone)),
                ("email", &new.email, existing.map(|e| &e.email)),
            ] {
                if old != Some(value) {
                    doc.put(&obj, key, value.as_str())?;
                }
            }
        }
        kept.push(id);
    }
    if let Some(cur) = current {
        for old in cur.contacts.keys() {
            if !kept.contains(old) {
                doc.delete(&contacts, old.as_str())?;
            }
        }
    }
    Ok(())
}
