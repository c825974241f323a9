//! `fieldops-tools bench-knowledge`: a knowledge base of N entries (mixed Chinese and English,
//! articles of a few hundred to two thousand characters and fault entries) on a supervisor's
//! device and on the real server. Prints one JSON line each:
//! - `kb_search`: search p50/p95 on the device for 1-, 2-, 3- and 6-character Chinese queries,
//!   English words and model numbers (20 different queries of each class, 5 runs each);
//! - `kb_index`: the device database's size, and the knowledge tables' share of it;
//! - `kb_first_sync`: a fresh technician's device pulling the published set from the server
//!   process (wall time, bytes, the server's CPU and peak memory), then searching it.

use std::path::Path;
use std::time::Instant;

use automerge::AutoCommit;
use fieldops_device::model::knowledge::{self, EntryContent, EntryKind, EntryStatus};
use fieldops_device::model::{DocType, TypedDoc};
use fieldops_device::workspace::{KnowledgeSearch, Session, Workspace};

use crate::bench::{BenchDevice, ServerProc, bench_err, prepare_server_db, tempdir};
use crate::error::Result;

const TENANT: &str = "bench";

/// A small deterministic generator, so every run builds the same library.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next() % from.len()]
    }
}

const PARTS_ZH: &[&str] = &[
    "压缩机",
    "冷凝器",
    "蒸发器",
    "膨胀阀",
    "冷却塔",
    "水泵",
    "风机",
    "电机",
    "轴承",
    "皮带",
    "控制器",
    "变频器",
    "传感器",
    "电源模块",
    "主板",
    "显示屏",
    "阀门",
    "过滤器",
    "油泵",
    "加热器",
];
const SYMPTOMS_ZH: &[&str] = &[
    "异响",
    "高压报警",
    "低压报警",
    "过热停机",
    "无法启动",
    "振动过大",
    "漏水",
    "漏油",
    "电流偏高",
    "通讯故障",
    "温度不稳",
    "频繁启停",
    "显示乱码",
    "跳闸",
    "噪音大",
    "制冷效果差",
];
const ACTIONS_ZH: &[&str] = &[
    "检查", "清洗", "更换", "紧固", "校准", "调整", "测量", "记录", "复位", "润滑",
];
const WORDS_EN: &[&str] = &[
    "compressor",
    "condenser",
    "bearing",
    "vibration",
    "pressure",
    "controller",
    "firmware",
    "calibration",
    "voltage",
    "current",
    "leak",
    "filter",
    "sensor",
    "inverter",
    "alarm",
    "temperature",
    "belt",
    "lubrication",
    "spindle",
    "encoder",
];
const MODELS: &[&str] = &[
    "KX-200",
    "KX-300",
    "30XA-252",
    "SOMATOM go.Up",
    "GLOBAL S 9.12.8",
    "4NES-20",
    "VRV-X",
    "CH-200",
    "UPS-3000",
    "M-710iC",
];

fn sentence(r: &mut Lcg) -> String {
    if r.next().is_multiple_of(3) {
        let n = 8 + r.next() % 10;
        let words: Vec<&str> = (0..n).map(|_| r.pick(WORDS_EN)).collect();
        format!("{}. ", words.join(" "))
    } else {
        format!(
            "{}{}{}，{}{}。",
            r.pick(ACTIONS_ZH),
            r.pick(PARTS_ZH),
            r.pick(SYMPTOMS_ZH),
            r.pick(ACTIONS_ZH),
            r.pick(PARTS_ZH)
        )
    }
}

fn entry(r: &mut Lcg, i: usize) -> (EntryKind, EntryContent) {
    let model = r.pick(MODELS).to_string();
    let part = r.pick(PARTS_ZH);
    let symptom = r.pick(SYMPTOMS_ZH);
    let fault = i.is_multiple_of(3);
    let mut body = String::new();
    let target = if fault { 200 } else { 300 + r.next() % 1700 };
    while body.chars().count() < target {
        body.push_str(&sentence(r));
    }
    let content = EntryContent {
        title: format!("{model} {part}{symptom} {}", r.pick(WORDS_EN)),
        body,
        tags: vec![part.to_string(), r.pick(WORDS_EN).to_string()],
        models: vec![model],
        order_types: vec![],
        fault_code: if fault {
            format!("E-{:02}", i % 100)
        } else {
            String::new()
        },
        symptom: if fault {
            format!("{part}{symptom}，{}", sentence(r))
        } else {
            String::new()
        },
        causes: if fault {
            (0..3).map(|_| sentence(r)).collect()
        } else {
            vec![]
        },
        steps: if fault {
            (0..4).map(|_| sentence(r)).collect()
        } else {
            vec![]
        },
        parts: vec![],
    };
    (
        if fault {
            EntryKind::Fault
        } else {
            EntryKind::Article
        },
        content,
    )
}

/// N published entries as automerge documents, by the supervisor.
fn library(n: usize, author: &str) -> Result<Vec<(String, AutoCommit)>> {
    let mut r = Lcg(20_261_203);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (kind, content) = entry(&mut r, i);
        let mut doc = AutoCommit::new();
        let id = knowledge::new_entry_doc(
            &mut doc,
            author,
            kind,
            EntryStatus::Published,
            &content,
            None,
        )?;
        doc.commit();
        out.push((id, doc));
    }
    Ok(out)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// p50 and p95 of searching each query 5 times, and the median number of hits.
fn search_times(ws: &Workspace, queries: &[String]) -> Result<(f64, f64, usize)> {
    let mut ms = Vec::new();
    let mut hits = Vec::new();
    for q in queries {
        for _ in 0..5 {
            let t = Instant::now();
            let found = ws.search_knowledge(&KnowledgeSearch {
                query: q.clone(),
                limit: Some(50),
                ..Default::default()
            })?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            hits.push(found.len());
        }
    }
    ms.sort_by(f64::total_cmp);
    hits.sort();
    Ok((
        percentile(&ms, 0.5),
        percentile(&ms, 0.95),
        hits[hits.len() / 2],
    ))
}

fn query_classes() -> Vec<(&'static str, Vec<String>)> {
    let zh: Vec<char> = PARTS_ZH
        .iter()
        .chain(SYMPTOMS_ZH)
        .flat_map(|w| w.chars())
        .collect();
    let one: Vec<String> = zh.iter().take(20).map(|c| c.to_string()).collect();
    let two: Vec<String> = PARTS_ZH
        .iter()
        .chain(SYMPTOMS_ZH)
        .filter_map(|w| {
            let c: Vec<char> = w.chars().collect();
            (c.len() >= 2).then(|| c[..2].iter().collect())
        })
        .take(20)
        .collect();
    let three: Vec<String> = PARTS_ZH
        .iter()
        .filter(|w| w.chars().count() == 3)
        .map(|w| w.to_string())
        .chain(
            SYMPTOMS_ZH
                .iter()
                .filter(|w| w.chars().count() >= 3)
                .map(|w| w.chars().take(3).collect()),
        )
        .take(20)
        .collect();
    let six: Vec<String> = (0..20)
        .map(|i| {
            format!(
                "{}{}",
                PARTS_ZH[i % PARTS_ZH.len()]
                    .chars()
                    .take(3)
                    .collect::<String>(),
                SYMPTOMS_ZH[i % SYMPTOMS_ZH.len()]
                    .chars()
                    .take(3)
                    .collect::<String>()
            )
            .chars()
            .take(6)
            .collect()
        })
        .collect();
    let english: Vec<String> = WORDS_EN.iter().map(|w| w.to_string()).collect();
    let models: Vec<String> = MODELS
        .iter()
        .flat_map(|m| [m.to_string(), m.replace(['-', ' ', '.'], "")])
        .collect();
    vec![
        ("zh_1_char", one),
        ("zh_2_chars", two),
        ("zh_3_chars", three),
        ("zh_6_chars", six),
        ("english_word", english),
        ("model_number", models),
    ]
}

fn open_signed_in(path: &Path, user: &fieldops_device::protocol::UserInfo) -> Result<Workspace> {
    let mut ws = Workspace::open(path)?;
    ws.begin_login(TENANT, &user.login)?;
    ws.set_session(
        Session {
            server_url: "http://127.0.0.1:1".into(),
            tenant: TENANT.into(),
            user: user.clone(),
            device_id: "bench".into(),
        },
        &user.login,
    )?;
    Ok(ws)
}

pub async fn run(n: usize) -> Result<()> {
    let base = tempdir()?;
    let (db, users) = prepare_server_db(&base).await?;
    let sup = users
        .iter()
        .find(|u| u.login == "sup")
        .ok_or_else(|| bench_err("no supervisor"))?;
    let t = Instant::now();
    let docs = library(n, &sup.id)?;
    eprintln!("built {n} entries in {:.1} s", t.elapsed().as_secs_f64());

    // The supervisor's device holds every entry.
    let device_path = base.join("supervisor.sqlite");
    let mut ws = open_signed_in(&device_path, sup)?;
    for chunk in docs.chunks(1000) {
        let batch = chunk
            .iter()
            .map(|(id, doc)| {
                let typed = TypedDoc::parse(DocType::Knowledge, doc)?;
                Ok((DocType::Knowledge, id.clone(), doc.clone(), typed))
            })
            .collect::<Result<Vec<_>>>()?;
        ws.store.commit_local_many(batch)?;
    }
    for (class, queries) in query_classes() {
        let (p50, p95, hits) = search_times(&ws, &queries)?;
        println!(
            "{}",
            serde_json::json!({"scenario": "kb_search", "entries": n, "query": class,
                "queries": queries.len(), "runs_each": 5, "p50_ms": p50, "p95_ms": p95,
                "median_hits": hits})
        );
    }
    let conn = ws.store.conn();
    let page: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let tables = |pattern: &str| -> Result<i64> {
        Ok(conn.query_row(
            "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE ?1",
            [pattern],
            |r| r.get(0),
        )?)
    };
    let documents: i64 = conn.query_row(
        "SELECT COALESCE(SUM(LENGTH(d.bytes)), 0)
           + (SELECT COALESCE(SUM(LENGTH(t.bytes)), 0) FROM document_tails t JOIN documents k ON k.id = t.id
              WHERE k.doc_type = 'knowledge')
         FROM documents d WHERE d.doc_type = 'knowledge'",
        [],
        |r| r.get(0),
    )?;
    println!(
        "{}",
        serde_json::json!({"scenario": "kb_index", "entries": n,
            "database_bytes": page * pages,
            "knowledge_fts_bytes": tables("knowledge_fts%")?,
            "knowledge_rows_bytes": tables("knowledge")? + tables("knowledge_status")?,
            "automerge_document_bytes": documents})
    );
    drop(ws);

    // The same library on the server; a fresh technician's device pulls the published set.
    let storage = fieldops_sync_server::storage::open(&db).await?;
    fieldops_sync_server::sync::ensure_settings(&storage, TENANT).await?;
    for (_, mut doc) in docs {
        fieldops_sync_server::sync::store_server_doc(
            &storage,
            TENANT,
            DocType::Knowledge,
            &mut doc,
        )
        .await?;
    }
    drop(storage);
    let server = ServerProc::start(&db)?;
    let mut tech = BenchDevice::open(&base.join("technician.sqlite"))?;
    tech.login(&server.url, "t1").await?;
    let (cpu0, t0) = (server.cpu_ms(), Instant::now());
    server.reset_peak();
    let report = tech.sync().await?;
    let wall = t0.elapsed().as_secs_f64() * 1000.0;
    let held = tech.ws().search_knowledge(&KnowledgeSearch {
        limit: Some(500),
        ..Default::default()
    })?;
    let count: i64 = tech.ws().store.conn().query_row(
        "SELECT COUNT(*) FROM knowledge WHERE status = 'published'",
        [],
        |r| r.get(0),
    )?;
    if count as usize != n || held.is_empty() {
        return Err(bench_err(format!(
            "the technician's device holds {count} of {n} entries"
        )));
    }
    let (p50, p95, _) = search_times(&tech.ws(), &["压缩".to_string(), "kx200".to_string()])?;
    println!(
        "{}",
        serde_json::json!({"scenario": "kb_first_sync", "entries": n, "wall_ms": wall,
            "device_bytes": report.bytes_sent + report.bytes_received,
            "server_cpu_ms": server.cpu_ms() - cpu0,
            "server_peak_rss_kb": server.peak_rss_kb(), "pulled": report.pulled,
            "search_after_sync_p50_ms": p50, "search_after_sync_p95_ms": p95})
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&base);
    Ok(())
}
