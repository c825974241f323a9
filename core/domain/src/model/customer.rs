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
    pub created_at: i64,
    pub created_by: String,
}

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
    if let Some(c) = current {
        for old in c.sites.keys() {
            if !kept.contains(old) {
                doc.delete(&sites, old.as_str())?;
            }
        }
    }
    Ok(())
}
