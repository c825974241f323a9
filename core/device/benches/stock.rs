//! Stock at scale: 5,000 parts × 20 locations × 200,000 movements in one device store.
//! Measures the level queries, the alert scan, a full projection rebuild, and the cost of one
//! more movement: on a location whose 10,000 movements are spread over a year of monthly
//! ledgers (the usual case), and on one whose 10,000 all fall in the current month (a very
//! busy warehouse: the worst case, since a movement costs what its month's ledger holds).
//! Prints JSON.
//! `cargo bench -p fieldops-device --bench stock` (also part of `make bench`).

mod common;
use common::{SUPERVISOR, supervisor_store, time};
use std::time::Instant;

use chrono::Datelike;

use automerge::AutoCommit;
use fieldops_device::model::DocType;
use fieldops_device::model::stock::{self, LocationKind, Movement, MovementKind, PartInfo};

const PARTS: usize = 5_000;
const LOCATIONS: usize = 20;
const MOVEMENTS: usize = 200_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("device.sqlite");
    let mut ws = supervisor_store(&path);

    // Generation is not what is measured: no fsync per document while it runs.
    ws.store
        .conn()
        .pragma_update(None, "synchronous", "OFF")
        .expect("pragma");
    let t = Instant::now();
    let mut part_ids = Vec::with_capacity(PARTS);
    for i in 0..PARTS {
        let mut doc = AutoCommit::new();
        let info = PartInfo {
            sku: format!("P-{i:05}"),
            name_zh: format!("备件 {i}"),
            name_en: format!("Part {i}"),
            category_id: None,
            unit: "pcs".into(),
            barcode: String::new(),
            sale_price_minor: 10_000 + i as i64,
            cost_minor: 6_000 + i as i64,
            currency: "CNY".into(),
            min_stock: (i % 7) as i64,
            compatible_models: vec![],
            photo: None,
        };
        let id = stock::new_part_doc(&mut doc, SUPERVISOR, &info).expect("part");
        ws.store
            .commit_local(DocType::Part, &id, &mut doc)
            .expect("commit part");
        part_ids.push(id);
    }
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const YEAR_MS: u64 = 365 * 24 * 3600 * 1000;
    let now = fieldops_device::model::now_ms();
    let month_start = chrono::DateTime::from_timestamp_millis(now)
        .expect("now")
        .date_naive()
        .with_day(1)
        .expect("first of the month")
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_millis();
    let mut location_ids = Vec::new();
    for l in 0..LOCATIONS {
        let mut doc = AutoCommit::new();
        let (kind, owner) = if l < 4 {
            (LocationKind::Warehouse, None)
        } else {
            (LocationKind::Van, Some(SUPERVISOR))
        };
        let id = stock::new_location_doc(&mut doc, kind, &format!("Location {l}"), owner)
            .expect("location");
        ws.store
            .commit_local(DocType::Location, &id, &mut doc)
            .expect("commit location");
        // Location 0 is the busy one: all of its movements in the current month.
        let (from, span) = if l == 0 {
            (month_start, (now - month_start).max(1) as u64)
        } else {
            (now - YEAR_MS as i64, YEAR_MS)
        };
        let mut ledgers: std::collections::BTreeMap<String, AutoCommit> = Default::default();
        for _ in 0..MOVEMENTS / LOCATIONS {
            let r = next();
            let part = &part_ids[(r % PARTS as u64) as usize];
            let qty = 1 + (r >> 20) as i64 % 5;
            let (kind, qty) = match (r >> 40) % 4 {
                0 | 1 => (MovementKind::Receive, qty),
                2 => (MovementKind::Issue, -qty),
                _ => (MovementKind::Adjust, if r & 1 == 0 { qty } else { -qty }),
            };
            let m = Movement {
                part_id: part.clone(),
                kind,
                qty,
                by: SUPERVISOR.into(),
                at: from + (next() % span) as i64,
                order_id: (kind == MovementKind::Issue)
                    .then(|| "00000000-0000-7000-8000-00000000aaaa".to_string()),
                request_id: None,
                counterpart: None,
                note: String::new(),
            };
            let month = stock::ledger_month(m.at);
            let ledger = ledgers.entry(month.clone()).or_insert_with(|| {
                let mut doc = AutoCommit::new();
                stock::start_ledger_doc(&mut doc, &id, &month).expect("ledger");
                doc
            });
            let mid = uuid_like(next());
            stock::add_movement(ledger, &mid, &m).expect("movement");
        }
        for (month, mut ledger) in ledgers {
            ws.store
                .commit_local(DocType::Ledger, &stock::ledger_id(&id, &month), &mut ledger)
                .expect("commit ledger");
        }
        location_ids.push(id);
    }
    let generate_s = t.elapsed().as_secs_f64();
    ws.store
        .conn()
        .pragma_update(None, "synchronous", "FULL")
        .expect("pragma");
    let rows: i64 = ws
        .store
        .conn()
        .query_row("SELECT COUNT(*) FROM stock_movements", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rows as usize, MOVEMENTS, "every movement projected");

    let (all_ms, all) = time(5, || ws.levels(None, None).expect("levels"));
    let (one_loc_ms, one_loc) = time(5, || {
        ws.levels(Some(&location_ids[0]), None).expect("levels")
    });
    let (one_part_ms, one_part) = time(5, || ws.levels(None, Some(&part_ids[42])).expect("levels"));
    let (alerts_ms, alerts) = time(3, || ws.stock_alerts().expect("alerts"));
    let (rebuild_ms, ()) = time(3, || ws.store.rebuild_projections().expect("rebuild"));
    let this_month = stock::ledger_month(now);
    let count_in = |location: &str, month: &str| -> i64 {
        ws.store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM stock_movements WHERE doc_id = ?1",
                [stock::ledger_id(location, month)],
                |r| r.get(0),
            )
            .expect("count")
    };
    let busy_month_movements = count_in(&location_ids[0], &this_month);
    let usual_month_movements = count_in(&location_ids[1], &this_month);
    let busy_ledger = stock::ledger_id(&location_ids[0], &this_month);
    // What a change on the busy ledger would cost without the store's kept copy and appended
    // tails: parsing the stored automerge bytes, reading the document into its domain shape,
    // and saving it whole again; and what a load costs with the copy kept in memory.
    let stored = ws
        .store
        .document_bytes(&busy_ledger)
        .expect("bytes")
        .expect("doc");
    let (load_ms, parsed) = time(5, || fieldops_device::crdt::load(&stored).expect("load"));
    let loaded = (DocType::Ledger, parsed);
    ws.store.load(&busy_ledger).expect("load").expect("doc");
    let (cached_load_ms, _) = time(5, || {
        ws.store.load(&busy_ledger).expect("load").expect("doc")
    });
    let (parse_ms, _) = time(5, || {
        fieldops_device::model::TypedDoc::parse(DocType::Ledger, &loaded.1).expect("parse")
    });
    let (hydrate_ms, _) = time(5, || {
        fieldops_device::crdt::to_json(&loaded.1).expect("json")
    });
    let mut saving = loaded.1.clone();
    let (save_ms, _) = time(5, || saving.save());
    // One more movement: the real per-change cost on a device (document, projection, fsync).
    let mut append = |location: &str| {
        time(5, || {
            ws.record_movement(location, &part_ids[7], MovementKind::Receive, 1, "bench")
                .expect("movement")
        })
        .0
    };
    let append_usual_ms = append(&location_ids[1]);
    let append_busy_ms = append(&location_ids[0]);
    let report = serde_json::json!({
        "bench": "stock levels: 5,000 parts x 20 locations x 200,000 movements (device store, release)",
        "generate_s": generate_s,
        "levels_all_ms": all_ms,
        "levels_all_rows": all.len(),
        "levels_one_location_ms": one_loc_ms,
        "levels_one_location_rows": one_loc.len(),
        "levels_one_part_ms": one_part_ms,
        "levels_one_part_rows": one_part.len(),
        "alerts_ms": alerts_ms,
        "alerts": alerts.len(),
        "rebuild_projections_ms": rebuild_ms,
        "append_one_movement_usual_ms": append_usual_ms,
        "usual_location_movements_this_month": usual_month_movements,
        "append_one_movement_busy_month_ms": append_busy_ms,
        "busy_location_movements_this_month": busy_month_movements,
        "busy_ledger_parse_stored_bytes_ms": load_ms,
        "busy_ledger_load_kept_copy_ms": cached_load_ms,
        "busy_ledger_read_ms": parse_ms,
        "of_which_hydrate_to_json_ms": hydrate_ms,
        "busy_ledger_save_whole_ms": save_ms,
        "busy_ledger_tails_after_appends": ws.store.conn().query_row(
            "SELECT COUNT(*) FROM document_tails WHERE id = ?1", [&busy_ledger], |r| r.get::<_, i64>(0)
        ).expect("tails"),
        "db_bytes": std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
    });
    println!("{}", serde_json::to_string_pretty(&report).expect("json"));
}

/// A canonical UUID text from 64 random bits (movement ids must be valid ids).
fn uuid_like(r: u64) -> String {
    let h = format!("{r:016x}{:016x}", r.rotate_left(17) ^ 0xA5A5_A5A5_A5A5_A5A5);
    format!(
        "{}-{}-7{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}
