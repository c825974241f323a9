//! Any FieldOps document read into its domain shape.

use automerge::AutoCommit;

use crate::error::Result;
use crate::model::DocType;
use crate::model::attendance::AttendanceDoc;
use crate::model::customer::Customer;
use crate::model::equipment::Equipment;
use crate::model::knowledge::KnowledgeDoc;
use crate::model::order::OrderDoc;
use crate::model::part_request::RequestDoc;
use crate::model::project::Project;
use crate::model::settings::SettingsDoc;
use crate::model::stock::{CategoryDoc, LedgerDoc, LocationDoc, PartDoc};

/// A document read into its domain shape.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedDoc {
    Order(Box<OrderDoc>),
    Customer(Customer),
    Settings(SettingsDoc),
    Equipment(Equipment),
    Project(Project),
    Attendance(AttendanceDoc),
    Part(PartDoc),
    Category(CategoryDoc),
    Location(Box<LocationDoc>),
    PartRequest(Box<RequestDoc>),
    Ledger(Box<LedgerDoc>),
    Knowledge(Box<KnowledgeDoc>),
}

impl TypedDoc {
    pub fn parse(doc_type: DocType, doc: &AutoCommit) -> Result<TypedDoc> {
        Ok(match doc_type {
            DocType::Order => TypedDoc::Order(Box::new(OrderDoc::from_doc(doc)?)),
            DocType::Customer => TypedDoc::Customer(Customer::from_doc(doc)?),
            DocType::Settings => TypedDoc::Settings(SettingsDoc::from_doc(doc)?),
            DocType::Equipment => TypedDoc::Equipment(Equipment::from_doc(doc)?),
            DocType::Project => TypedDoc::Project(Project::from_doc(doc)?),
            DocType::Attendance => TypedDoc::Attendance(AttendanceDoc::from_doc(doc)?),
            DocType::Part => TypedDoc::Part(PartDoc::from_doc(doc)?),
            DocType::Category => TypedDoc::Category(CategoryDoc::from_doc(doc)?),
            DocType::Location => TypedDoc::Location(Box::new(LocationDoc::from_doc(doc)?)),
            DocType::PartRequest => TypedDoc::PartRequest(Box::new(RequestDoc::from_doc(doc)?)),
            DocType::Ledger => TypedDoc::Ledger(Box::new(LedgerDoc::from_doc(doc)?)),
            DocType::Knowledge => TypedDoc::Knowledge(Box::new(KnowledgeDoc::from_doc(doc)?)),
        })
    }

    pub fn id(&self) -> &str {
        match self {
            TypedDoc::Order(o) => &o.id,
            TypedDoc::Customer(c) => &c.id,
            TypedDoc::Settings(s) => &s.id,
            TypedDoc::Equipment(e) => &e.id,
            TypedDoc::Project(p) => &p.id,
            TypedDoc::Attendance(a) => &a.id,
            TypedDoc::Part(p) => &p.id,
            TypedDoc::Category(c) => &c.id,
            TypedDoc::Location(l) => &l.id,
            TypedDoc::PartRequest(r) => &r.id,
            TypedDoc::Ledger(l) => &l.id,
            TypedDoc::Knowledge(k) => &k.id,
        }
    }

    pub fn doc_type(&self) -> DocType {
        match self {
            TypedDoc::Order(_) => DocType::Order,
            TypedDoc::Customer(_) => DocType::Customer,
            TypedDoc::Settings(_) => DocType::Settings,
            TypedDoc::Equipment(_) => DocType::Equipment,
            TypedDoc::Project(_) => DocType::Project,
            TypedDoc::Attendance(_) => DocType::Attendance,
            TypedDoc::Part(_) => DocType::Part,
            TypedDoc::Category(_) => DocType::Category,
            TypedDoc::Location(_) => DocType::Location,
            TypedDoc::PartRequest(_) => DocType::PartRequest,
            TypedDoc::Ledger(_) => DocType::Ledger,
            TypedDoc::Knowledge(_) => DocType::Knowledge,
        }
    }

    /// The documents an order points at (customer, equipment, project): a technician who
    /// sees the order sees these too.
    pub fn links(&self) -> Vec<(String, DocType)> {
        match self {
            TypedDoc::Order(o) => {
                let mut out = vec![(o.header.customer_id.clone(), DocType::Customer)];
                out.extend(
                    o.header
                        .equipment_ids
                        .iter()
                        .map(|e| (e.clone(), DocType::Equipment)),
                );
                out.extend(
                    o.header
                        .project_id
                        .iter()
                        .map(|p| (p.clone(), DocType::Project)),
                );
                out
            }
            _ => Vec::new(),
        }
    }
}
