//! Who may change what. The same table is checked by the device before it commits a change
//! and by the server on every push, by comparing the document before and after the change.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::model::order::{EventKind, OrderDoc};
use crate::model::part_request::{RequestDoc, RequestEventKind};
use crate::model::stock::{LedgerDoc, LocationDoc, LocationKind, Movement, MovementKind};
use crate::model::{Actor, TypedDoc};

mod knowledge;
mod orders;
mod requests;
mod stock;

use knowledge::check_entry_change;
use orders::{check_new_order, check_order_change};
use requests::{check_new_request, check_request_change};
use stock::{check_ledger_change, check_location_change};
pub use stock::{check_ledger_location, new_movements};

/// A refused change: where in the document, and which rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub path: String,
    pub rule: String,
}

impl Violation {
    fn new(path: impl Into<String>, rule: impl Into<String>) -> Self {
        Violation {
            path: path.into(),
            rule: rule.into(),
        }
    }

    pub fn into_error(self) -> DomainError {
        DomainError::Forbidden(format!("{}: {}", self.path, self.rule))
    }
}

/// Check that `actor` may turn `old` (None for a new document) into `new`.
pub fn check(
    actor: &Actor,
    old: Option<&TypedDoc>,
    new: &TypedDoc,
) -> std::result::Result<(), Violation> {
    if let Some(old) = old {
        if old == new {
            return Ok(());
        }
        if old.id() != new.id() {
            return Err(Violation::new("id", "a document's id never changes"));
        }
    }
    match (old, new) {
        (None, TypedDoc::Customer(_)) | (Some(TypedDoc::Customer(_)), TypedDoc::Customer(_)) => {
            if actor.role.manages() {
                Ok(())
            } else {
                Err(Violation::new(
                    "customer",
                    "only supervisors and admins edit customers",
                ))
            }
        }
        (None, TypedDoc::Equipment(_))
        | (Some(TypedDoc::Equipment(_)), TypedDoc::Equipment(_))
        | (None, TypedDoc::Project(_))
        | (Some(TypedDoc::Project(_)), TypedDoc::Project(_)) => {
            if actor.role.manages() {
                Ok(())
            } else {
                Err(Violation::new(
                    new.doc_type().as_str(),
                    "only supervisors and admins edit equipment and projects",
                ))
            }
        }
        (None, TypedDoc::Part(_))
        | (Some(TypedDoc::Part(_)), TypedDoc::Part(_))
        | (None, TypedDoc::Category(_))
        | (Some(TypedDoc::Category(_)), TypedDoc::Category(_))
        | (None, TypedDoc::Location(_)) => {
            if actor.role.keeps_stock() {
                Ok(())
            } else {
                Err(Violation::new(
                    new.doc_type().as_str(),
                    "only supervisors, admins and warehouse keepers keep the catalogue and the stock locations",
                ))
            }
        }
        (Some(TypedDoc::Location(old)), TypedDoc::Location(new)) => {
            check_location_change(actor, old, new)
        }
        (None, TypedDoc::Ledger(new)) => check_ledger_change(actor, &BTreeMap::new(), new),
        (Some(TypedDoc::Ledger(old)), TypedDoc::Ledger(new)) => {
            if (&old.location_id, &old.month) != (&new.location_id, &new.month) {
                return Err(Violation::new(
                    "location_id",
                    "a ledger stays with its location and month",
                ));
            }
            check_ledger_change(actor, &old.movements, new)
        }
        (None, TypedDoc::PartRequest(new)) => check_new_request(actor, new),
        (Some(TypedDoc::PartRequest(old)), TypedDoc::PartRequest(new)) => {
            check_request_change(actor, old, new)
        }
        (None, TypedDoc::Attendance(a)) => {
            if a.user_id == actor.user_id {
                Ok(())
            } else {
                Err(Violation::new(
                    "attendance.user_id",
                    "people clock in and out only for themselves",
                ))
            }
        }
        (Some(TypedDoc::Attendance(_)), TypedDoc::Attendance(_)) => Err(Violation::new(
            "attendance",
            "a clock-in or clock-out is never changed once recorded",
        )),
        (None, TypedDoc::Settings(_)) | (Some(TypedDoc::Settings(_)), TypedDoc::Settings(_)) => {
            if actor.role == crate::model::Role::Admin {
                Ok(())
            } else {
                Err(Violation::new(
                    "settings",
                    "only administrators change settings and templates",
                ))
            }
        }
        (None, TypedDoc::Knowledge(new)) => check_entry_change(actor, None, new),
        (Some(TypedDoc::Knowledge(old)), TypedDoc::Knowledge(new)) => {
            check_entry_change(actor, Some(old), new)
        }
        (None, TypedDoc::Order(new)) => check_new_order(actor, new),
        (Some(TypedDoc::Order(old)), TypedDoc::Order(new)) => check_order_change(actor, old, new),
        _ => Err(Violation::new(
            "doc_type",
            "a document's type never changes",
        )),
    }
}
