//! Who may change stock: locations by those who keep stock, ledger movements in the
//! mover's own name and only where they may move stock.

use super::*;

/// A location's name, kind and owner are kept by supervisors, admins and warehouse keepers.
/// Movements go into monthly ledgers; the ones a location document still holds from before
/// are never changed, and no new ones are added there.
pub(super) fn check_location_change(
    actor: &Actor,
    old: &LocationDoc,
    new: &LocationDoc,
) -> std::result::Result<(), Violation> {
    if (old.kind, &old.name, &old.owner) != (new.kind, &new.name, &new.owner)
        && !actor.role.keeps_stock()
    {
        return Err(Violation::new(
            "location",
            "only supervisors, admins and warehouse keepers rename or reassign a stock location",
        ));
    }
    if old.movements != new.movements {
        return Err(Violation::new(
            "movements",
            "movements are recorded in the location's monthly ledger, never in the location itself",
        ));
    }
    Ok(())
}

/// The movements a ledger gains: those of `new` not in `old`.
pub fn new_movements<'a>(
    old: &'a BTreeMap<String, Movement>,
    new: &'a LedgerDoc,
) -> impl Iterator<Item = (&'a String, &'a Movement)> {
    new.movements
        .iter()
        .filter(|(id, _)| !old.contains_key(*id))
}

/// Stock ledgers: movements are never changed or removed; people record movements in their
/// own name, in the ledger of the month they happen; technicians record only field work
/// (issue to an order, return, defective part) and receipts (checked against the location by
/// [`check_ledger_location`]).
pub(super) fn check_ledger_change(
    actor: &Actor,
    old: &BTreeMap<String, Movement>,
    new: &LedgerDoc,
) -> std::result::Result<(), Violation> {
    for (id, m) in old {
        if new.movements.get(id) != Some(m) {
            return Err(Violation::new(
                format!("movements[{id}]"),
                "stock movements are never changed; record a correction instead",
            ));
        }
    }
    for (id, m) in new_movements(old, new) {
        let path = format!("movements[{id}]");
        if m.by != actor.user_id {
            return Err(Violation::new(
                format!("{path}.by"),
                "a movement is recorded in the name of the user who sends it",
            ));
        }
        if crate::model::stock::ledger_month(m.at) != new.month {
            return Err(Violation::new(
                format!("{path}.at"),
                "a movement is recorded in the ledger of its month",
            ));
        }
        if !actor.role.keeps_stock() && !m.kind.is_field_work() {
            return Err(Violation::new(
                path,
                "technicians record only parts used, returned or taken back, and receipts into their van",
            ));
        }
    }
    Ok(())
}

/// The part of the ledger rules that needs the location itself: a technician confirms
/// receipt only into their own van.
pub fn check_ledger_location(
    actor: &Actor,
    old: Option<&LedgerDoc>,
    new: &LedgerDoc,
    kind: LocationKind,
    owner: Option<&str>,
) -> std::result::Result<(), Violation> {
    if actor.role.keeps_stock() {
        return Ok(());
    }
    let empty = BTreeMap::new();
    let own_van = kind == LocationKind::Van && owner == Some(actor.user_id.as_str());
    match new_movements(old.map_or(&empty, |o| &o.movements), new)
        .find(|(_, m)| m.kind == MovementKind::TransferIn && !own_van)
    {
        Some((id, _)) => Err(Violation::new(
            format!("movements[{id}]"),
            "a technician confirms receipt only into their own van",
        )),
        None => Ok(()),
    }
}
