//! The projection rows of each kind of document, written in the same transaction as the
//! document: one function per aggregate, and what a deleted document leaves behind.

use super::*;

pub(crate) fn delete_document(tx: &Transaction<'_>, id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM documents WHERE id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM document_tails WHERE id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM customers WHERE id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM equipment WHERE id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM projects WHERE id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM orders WHERE id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM order_assignees WHERE order_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM checkins WHERE order_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM attendance WHERE id = ?1")?
        .execute([id])?;
    tx.prepare_cached(
        "DELETE FROM knowledge_fts WHERE rowid IN (SELECT rowid FROM knowledge WHERE id = ?1)",
    )?
    .execute([id])?;
    for table in [
        "parts",
        "categories",
        "locations",
        "part_requests",
        "ledgers",
        "knowledge",
    ] {
        tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
    }
    tx.prepare_cached("DELETE FROM stock_movements WHERE doc_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM records WHERE order_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM records_fts WHERE order_id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Write the query rows of one document.
pub(crate) fn project(tx: &Transaction<'_>, doc: &TypedDoc) -> Result<()> {
    match doc {
        TypedDoc::Customer(c) => project_customer(tx, c),
        TypedDoc::Order(o) => project_order(tx, o),
        // Settings are read from the document itself; they need no query rows.
        TypedDoc::Settings(_) => Ok(()),
        TypedDoc::Equipment(e) => project_equipment(tx, e),
        TypedDoc::Project(p) => project_project(tx, p),
        TypedDoc::Knowledge(k) => Ok(crate::workspace::project_entry(tx, k)?),
        TypedDoc::Part(p) => {
            let i = &p.info;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO parts(id, sku, name_zh, name_en, category_id, unit, barcode,
                    sale_price_minor, cost_minor, currency, min_stock, compatible_models, photo)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                    p.id,
                    i.sku,
                    i.name_zh,
                    i.name_en,
                    i.category_id,
                    i.unit,
                    i.barcode,
                    i.sale_price_minor,
                    i.cost_minor,
                    i.currency,
                    i.min_stock,
                    json_text(&i.compatible_models),
                    i.photo
                ])?;
            Ok(())
        }
        TypedDoc::Category(c) => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO categories(id, name, parent_id) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![c.id, c.name, c.parent_id])?;
            Ok(())
        }
        TypedDoc::Location(l) => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO locations(id, kind, name, owner) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![l.id, enum_name(&l.kind), l.name, l.owner])?;
            project_movements(tx, &l.id, &l.id, &l.movements)
        }
        TypedDoc::Ledger(l) => {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO ledgers(id, location_id, month) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![l.id, l.location_id, l.month])?;
            project_movements(tx, &l.id, &l.location_id, &l.movements)
        }
        TypedDoc::PartRequest(r) => {
            let st = r.state();
            tx.prepare_cached(
                "INSERT OR REPLACE INTO part_requests(id, by_user, to_location, order_id, status, requested_at, closed_at, conflicts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                    r.id,
                    r.by,
                    r.to_location,
                    r.order_id,
                    enum_name(&st.status),
                    st.requested_at,
                    st.closed_at,
                    json_text(&st.conflicts)
                ])?;
            Ok(())
        }
        TypedDoc::Attendance(a) => {
            let p = a.position.as_ref();
            tx.prepare_cached(
                "INSERT OR REPLACE INTO attendance(id, user_id, kind, at, tz_offset_min, lat, lon, accuracy_m, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                    a.id,
                    a.user_id,
                    enum_name(&a.kind),
                    a.at,
                    a.tz_offset_min,
                    p.map(|p| p.lat),
                    p.map(|p| p.lon),
                    p.and_then(|p| p.accuracy_m),
                    p.map(|p| p.source.as_str())
                ])?;
            Ok(())
        }
    }
}

/// Movements are append-only, so only new ones need rows.
fn project_movements(
    tx: &Transaction<'_>,
    doc_id: &str,
    location_id: &str,
    movements: &std::collections::BTreeMap<String, crate::model::stock::Movement>,
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO stock_movements(id, doc_id, location_id, part_id, kind, qty, by_user, at,
            order_id, request_id, counterpart, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (id, m) in movements {
        insert.execute(params![
            id,
            doc_id,
            location_id,
            m.part_id,
            enum_name(&m.kind),
            m.qty,
            m.by,
            m.at,
            m.order_id,
            m.request_id,
            m.counterpart,
            m.note
        ])?;
    }
    Ok(())
}

fn project_equipment(tx: &Transaction<'_>, e: &Equipment) -> Result<()> {
    let i = &e.info;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO equipment(id, name, model, serial, customer_id, site_id, project_id,
            installed_on, warranty_until, maintenance_interval_days, notes, plans, acks)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
            e.id,
            i.name,
            i.model,
            i.serial,
            i.customer_id,
            i.site_id,
            i.project_id,
            i.installed_on,
            i.warranty_until,
            i.maintenance_interval_days,
            i.notes,
            json_text(&e.plans),
            json_text(&e.acks)
        ])?;
    Ok(())
}

fn project_project(tx: &Transaction<'_>, p: &Project) -> Result<()> {
    let i = &p.info;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO projects(id, name, code, customer_id, status, start_on, end_on,
            budget_minor, currency, description, plans)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        p.id,
        i.name,
        i.code,
        i.customer_id,
        enum_name(&i.status),
        i.start_on,
        i.end_on,
        i.budget_minor,
        i.currency,
        i.description,
        serde_json::to_string(&p.plans).unwrap_or_else(|_| "{}".into())
    ])?;
    Ok(())
}

fn project_customer(tx: &Transaction<'_>, c: &Customer) -> Result<()> {
    let sites = serde_json::to_string(&c.sites).map_err(|e| DeviceError::invalid(e.to_string()))?;
    let contacts =
        serde_json::to_string(&c.contacts).map_err(|e| DeviceError::invalid(e.to_string()))?;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO customers(id, name, phone, sites, region, contacts, report_language)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
            c.id,
            c.name,
            c.phone,
            sites,
            c.region,
            contacts,
            crate::model::enum_name(&c.report_language.unwrap_or_default())
        ])?;
    tx.prepare_cached("UPDATE orders SET customer_name = ?2 WHERE customer_id = ?1")?
        .execute(params![c.id, c.name])?;
    // Business records search by customer name too, whichever document arrived first.
    tx.prepare_cached("UPDATE records_fts SET customer_name = ?2 WHERE customer_id = ?1")?
        .execute(params![c.id, c.name])?;
    Ok(())
}

fn project_order(tx: &Transaction<'_>, o: &OrderDoc) -> Result<()> {
    let st = o.state();
    let created_at = o.events.iter().map(|e| e.at).min().unwrap_or(0);
    let updated_at = o.events.iter().map(|e| e.at).max().unwrap_or(0);
    let totals = o.totals();
    let customer_name: Option<String> = tx
        .query_row(
            "SELECT COALESCE((SELECT name FROM customers WHERE id = ?2),
                             (SELECT customer_name FROM orders WHERE id = ?1))",
            params![o.id, o.header.customer_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    tx.prepare_cached(
        "INSERT OR REPLACE INTO orders(id, status, order_type, priority, customer_id, site_id, description,
            scheduled_start, scheduled_end, created_at, updated_at, assignees, conflicts, number, currency,
            charges_net, charges_total, costs_total, gross_profit, completed_at, rating, project_id, equipment_ids,
            dispatched_at, plan_visit, fixed_with, stat_facts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
    )?
    .execute(params![
            o.id,
            st.status.as_str(),
            enum_name(&o.header.order_type),
            enum_name(&o.header.priority),
            o.header.customer_id,
            o.header.site_id,
            o.header.description,
            o.header.scheduled_start,
            o.header.scheduled_end,
            created_at,
            updated_at,
            json_text(&st.assignees),
            json_text(&st.conflicts),
            o.number,
            totals.currency,
            totals.charges_net,
            totals.charges_total,
            totals.costs_total,
            totals.gross_profit,
            st.completed_at,
            st.rating.as_ref().map(|r| r.0),
            o.header.project_id,
            json_text(&o.header.equipment_ids),
            o.last_dispatched_at(),
            o.header.plan_visit.as_ref().map(json_text),
            st.fixed_with,
            json_text(&crate::workspace::statistics::Facts::of(o, &st)),
        ])?;
    tx.prepare_cached("UPDATE orders SET customer_name = ?2 WHERE id = ?1")?
        .execute(params![o.id, customer_name])?;
    tx.prepare_cached("DELETE FROM order_assignees WHERE order_id = ?1")?
        .execute([&o.id])?;
    for u in &st.ever_assigned {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO order_assignees(order_id, user_id, current) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![o.id, u, st.assignees.contains(u)])?;
    }
    tx.prepare_cached("DELETE FROM checkins WHERE order_id = ?1")?
        .execute([&o.id])?;
    for e in o.events.iter().filter(|e| {
        matches!(
            e.kind,
            crate::model::order::EventKind::CheckedIn | crate::model::order::EventKind::CheckedOut
        )
    }) {
        let p = e.position.as_ref();
        tx.prepare_cached(
            "INSERT OR REPLACE INTO checkins(event_id, order_id, user_id, kind, at, lat, lon, accuracy_m, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
                e.id,
                o.id,
                e.by,
                enum_name(&e.kind),
                e.at,
                p.map(|p| p.lat),
                p.map(|p| p.lon),
                p.and_then(|p| p.accuracy_m),
                p.map(|p| p.source.as_str())
            ])?;
    }
    project_record(tx, o, &st)?;
    Ok(())
}

/// Completed (and settled) orders are archived as business records of their type; a reopened
/// order leaves the archive until it is completed again.
fn project_record(
    tx: &Transaction<'_>,
    o: &OrderDoc,
    st: &crate::model::order::OrderState,
) -> Result<()> {
    tx.prepare_cached("DELETE FROM records WHERE order_id = ?1")?
        .execute([&o.id])?;
    tx.prepare_cached("DELETE FROM records_fts WHERE order_id = ?1")?
        .execute([&o.id])?;
    let Some(completed_at) = st.completed_at else {
        return Ok(());
    };
    if !matches!(
        st.underlying,
        crate::model::order::Status::Completed | crate::model::order::Status::Settled
    ) {
        return Ok(());
    }
    let technicians: Vec<&String> = {
        let mut t: Vec<&String> = o
            .events
            .iter()
            .filter(|e| {
                e.kind == crate::model::order::EventKind::Completed
                    || e.kind == crate::model::order::EventKind::CheckedIn
            })
            .map(|e| &e.by)
            .collect();
        t.sort();
        t.dedup();
        t
    };
    tx.prepare_cached(
        "INSERT INTO records(order_id, order_type, customer_id, technicians, equipment_ids, completed_at, resolution)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
            o.id,
            enum_name(&o.header.order_type),
            o.header.customer_id,
            json_text(&technicians),
            json_text(&o.header.equipment_ids),
            completed_at,
            st.resolution
        ])?;
    let customer_name: Option<String> = tx
        .query_row(
            "SELECT name FROM customers WHERE id = ?1",
            [&o.header.customer_id],
            |r| r.get(0),
        )
        .optional()?;
    let notes: Vec<&str> = o
        .events
        .iter()
        .filter_map(|e| e.note.as_deref().or(e.reason.as_deref()))
        .collect();
    tx.prepare_cached(
        "INSERT INTO records_fts(order_id, customer_id, number, customer_name, description, resolution, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        o.id,
        o.header.customer_id,
        o.number,
        customer_name.unwrap_or_default(),
        o.header.description,
        st.resolution,
        notes.join("\n")
    ])?;
    Ok(())
}

fn json_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
