//! A big company on one device: 10,000 orders and 5,000 customers, made through the app's own
//! commands (so the projection is the one the app keeps). Measures what a person does all day
//! against what SQLite alone takes for the same rows:
//! - `list`: the whole order list (every order, sorted as the list shows it);
//! - `search`: the list narrowed by a word of the description, and by a customer's name;
//! - `open`: one order opened (its detail, checklist and customer), median over 50 orders;
//! - `customers`: the whole customer list, and a search in it (the app matches every word in
//!   name, region, phone, contacts and sites; the bare query only the name, so its ratio says
//!   what that wider match costs, not overhead).
//!
//! `bare_sql_ms` is the same rows read by a plain SQL query over the projection (every column
//! read, nothing built), so `ratio` is what the app adds on top of the database.
//! Prints JSON lines. `cargo bench -p fieldops-device --bench orders` (also part of
//! `make bench`); `FIELDOPS_BENCH_ORDERS=2000` for a smaller company.

mod common;
use common::{supervisor_store, time};

use fieldops_device::model::customer::{CustomerInput, SiteInput};
use fieldops_device::model::order::{OrderInput, OrderType, Priority};
use fieldops_device::store::OrderFilter;
use fieldops_device::workspace::Workspace;

const RUNS: usize = 7;

/// Every column of the rows a plain query returns, read and dropped.
fn bare(ws: &Workspace, sql: &str, param: Option<&str>) -> usize {
    let conn = ws.store.conn();
    let mut stmt = conn.prepare_cached(sql).expect("prepare");
    let columns = stmt.column_count();
    let mut rows = match param {
        Some(p) => stmt.query([p]).expect("query"),
        None => stmt.query([]).expect("query"),
    };
    let mut n = 0;
    while let Some(row) = rows.next().expect("row") {
        for i in 0..columns {
            let _: rusqlite::types::Value = row.get(i).expect("column");
        }
        n += 1;
    }
    n
}

fn report(what: &str, rows: usize, ms: f64, bare_ms: f64) {
    println!(
        "{}",
        serde_json::json!({
            "bench": "orders",
            "what": what,
            "rows": rows,
            "ms": (ms * 100.0).round() / 100.0,
            "bare_sql_ms": (bare_ms * 100.0).round() / 100.0,
            "ratio": (ms / bare_ms * 100.0).round() / 100.0,
        })
    );
}

const WORDS: [&str; 8] = [
    "压缩机异响",
    "冷凝器结垢",
    "漏水",
    "温度过高",
    "无法启动",
    "电源故障",
    "例行保养",
    "传感器报警",
];

fn main() {
    let orders: usize = std::env::var("FIELDOPS_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let customers = orders / 2;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = supervisor_store(&dir.path().join("device.sqlite"));
    // Making the company is not what is measured: no fsync per document while it runs.
    ws.store
        .conn()
        .pragma_update(None, "synchronous", "OFF")
        .expect("pragma");
    let made = std::time::Instant::now();
    let all_customers: Vec<_> = (0..customers)
        .map(|i| {
            ws.create_customer(&CustomerInput {
                name: format!("客户 {i:05} 制冷设备有限公司"),
                phone: format!("138 {i:04} 8888"),
                region: ["华东", "华北", "华南", "西南"][i % 4].into(),
                sites: vec![SiteInput {
                    id: None,
                    name: "厂区".into(),
                    address: format!("上海市浦东新区 {i} 号"),
                    lat: 31.0 + (i % 100) as f64 / 1000.0,
                    lon: 121.0,
                    geofence_m: None,
                }],
                contacts: Vec::new(),
                report_language: Default::default(),
            })
            .expect("customer")
        })
        .collect();
    let mut ids = Vec::with_capacity(orders);
    for i in 0..orders {
        let c = &all_customers[i % customers];
        let o = ws
            .create_order(&OrderInput {
                order_type: OrderType::Repair,
                priority: Priority::Normal,
                customer_id: c.id.clone(),
                site_id: c.sites[0].id.clone(),
                equipment_ids: vec![],
                project_id: None,
                description: format!("{} 第 {i} 单", WORDS[i % WORDS.len()]),
                scheduled_start: None,
                scheduled_end: None,
            })
            .expect("order");
        ids.push(o.summary.id);
    }
    ws.store
        .conn()
        .pragma_update(None, "synchronous", "NORMAL")
        .expect("pragma");
    eprintln!(
        "made {orders} orders and {customers} customers in {:.1} s",
        made.elapsed().as_secs_f64()
    );

    // The rows and joins the list shows (customer name, unsent flag), with nothing built.
    let list_sql =
        "SELECT o.*, c.name, d.dirty FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
                    LEFT JOIN documents d ON d.id = o.id
                    ORDER BY COALESCE(o.scheduled_start, o.created_at), o.id";
    let (ms, listed) = time(RUNS, || {
        ws.list_orders(&OrderFilter::default()).expect("list").len()
    });
    let (bare_ms, bare_rows) = time(RUNS, || bare(&ws, list_sql, None));
    assert_eq!((listed, bare_rows), (orders, orders));
    report("list", listed, ms, bare_ms);

    let search_sql =
        "SELECT o.*, c.name, d.dirty FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
                      LEFT JOIN documents d ON d.id = o.id
                      WHERE o.description LIKE ?1 OR c.name LIKE ?1
                      ORDER BY COALESCE(o.scheduled_start, o.created_at), o.id";
    for (what, word) in [
        ("search_description", "冷凝器"),
        ("search_customer", "客户 00042"),
    ] {
        let filter = OrderFilter {
            text: Some(word.into()),
            ..Default::default()
        };
        let (ms, found) = time(RUNS, || ws.list_orders(&filter).expect("search").len());
        let like = format!("%{word}%");
        let (bare_ms, bare_found) = time(RUNS, || bare(&ws, search_sql, Some(&like)));
        assert_eq!(found, bare_found, "{what}");
        assert!(found > 0, "{what} finds something");
        report(what, found, ms, bare_ms);
    }

    // Opening an order: 50 orders spread over the list, each opened once per run.
    let sample: Vec<&String> = ids.iter().step_by((orders / 50).max(1)).take(50).collect();
    let open_sql =
        "SELECT o.*, c.name, d.bytes FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
                    LEFT JOIN documents d ON d.id = o.id WHERE o.id = ?1";
    let mut open_ms = Vec::new();
    let mut bare_open_ms = Vec::new();
    for id in &sample {
        open_ms.push(time(RUNS, || ws.get_order(id).expect("open").summary.id.len()).0);
        bare_open_ms.push(time(RUNS, || bare(&ws, open_sql, Some(id))).0);
    }
    open_ms.sort_by(f64::total_cmp);
    bare_open_ms.sort_by(f64::total_cmp);
    report(
        "open",
        1,
        open_ms[open_ms.len() / 2],
        bare_open_ms[bare_open_ms.len() / 2],
    );

    let (ms, n) = time(RUNS, || ws.list_customers().expect("customers").len());
    let (bare_ms, bare_n) = time(RUNS, || {
        bare(&ws, "SELECT * FROM customers ORDER BY name, id", None)
    });
    assert_eq!((n, bare_n), (customers, customers));
    report("customers", n, ms, bare_ms);
    let (ms, n) = time(RUNS, || ws.search_customers("00042").expect("search").len());
    let (bare_ms, bare_n) = time(RUNS, || {
        bare(
            &ws,
            "SELECT * FROM customers WHERE name LIKE ?1 ORDER BY name, id",
            Some("%00042%"),
        )
    });
    assert_eq!(n, bare_n);
    report("customer_search", n, ms, bare_ms);
}
