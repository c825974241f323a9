//! The places untrusted bytes enter FieldOps, as functions the fuzzers call (`core/fuzz`, run
//! by `make fuzz`) and `make test` replays over every saved input (`core/fuzz/corpus/`,
//! crashes found included). Each must return, whatever the bytes: an error is fine, a panic
//! or an abort is the bug.

use std::sync::OnceLock;

use automerge::{AutoCommit, ReadDoc};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use fieldops_domain::model::{Actor, DocType, Role, TypedDoc};
use fieldops_domain::protocol::SyncRequest;
use fieldops_domain::push::check_push;

/// A fuzz target: it must return whatever the bytes.
pub type Target = fn(&[u8]);

/// The fuzz targets by name (a folder of `core/fuzz/corpus/` each).
pub const TARGETS: &[(&str, Target)] = &[
    ("push", push),
    ("sync_request", sync_request),
    ("photo", photo),
    ("catalogue_import", catalogue_import),
    ("blob", blob),
    ("change_body", change_body),
];

const DEVICE_ACTOR: &str = "0a0b0c0d0e0f10111213141516171819";

fn technician() -> Actor {
    Actor {
        user_id: "00000000-0000-7000-8000-0000000000a1".into(),
        role: Role::Technician,
    }
}

/// An order the technician is working on, as the server stores it: pushes apply to it.
fn stored_order() -> &'static (Vec<u8>, String) {
    static ORDER: OnceLock<(Vec<u8>, String)> = OnceLock::new();
    ORDER.get_or_init(|| {
        let seed = include_bytes!("../../fuzz/corpus/push/order-created");
        let mut doc = AutoCommit::new();
        let _ = fieldops_domain::crdt::apply_strict(&mut doc, seed);
        let id = doc
            .get(automerge::ROOT, "id")
            .ok()
            .flatten()
            .and_then(|(v, _)| v.as_str().map(str::to_string))
            .unwrap_or_default();
        (doc.save(), id)
    })
}

/// A device's changes to one order, as the server checks them: on a new document, and on
/// one it already has.
pub fn push(data: &[u8]) {
    let actor = technician();
    let mut fresh = AutoCommit::new();
    let _ = check_push(
        &mut fresh,
        DocType::Order,
        "x",
        None,
        data,
        DEVICE_ACTOR,
        &actor,
    );
    let (bytes, id) = stored_order();
    if let Ok(mut doc) = AutoCommit::load(bytes)
        && let Ok(old) = TypedDoc::parse(DocType::Order, &doc)
    {
        let _ = check_push(
            &mut doc,
            DocType::Order,
            id,
            Some(&old),
            data,
            DEVICE_ACTOR,
            &actor,
        );
    }
}

/// `body` as one automerge change chunk with a valid header and checksum, so that mutations
/// reach automerge's change decoding instead of its checksum test.
pub fn change_chunk(body: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut hashed = vec![1u8];
    let mut len = body.len() as u64;
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            hashed.push(byte);
            break;
        }
        hashed.push(byte | 0x80);
    }
    hashed.extend_from_slice(body);
    let digest = Sha256::digest(&hashed);
    let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83];
    chunk.extend_from_slice(&digest[..4]);
    chunk.extend_from_slice(&hashed);
    chunk
}

/// A change whose checksum is right but whose body is anything, pushed as a device would.
pub fn change_body(data: &[u8]) {
    push(&change_chunk(data));
}

/// A whole sync request body, as `POST /v1/sync` receives it.
pub fn sync_request(data: &[u8]) {
    let Ok(req) = serde_json::from_slice::<SyncRequest>(data) else {
        return;
    };
    let actor = technician();
    for p in req
        .push
        .iter()
        .take(fieldops_domain::protocol::MAX_PUSH_DOCS)
    {
        let (Ok(doc_type), Ok(changes)) = (DocType::parse(&p.doc_type), B64.decode(&p.changes))
        else {
            continue;
        };
        let mut doc = AutoCommit::new();
        let _ = check_push(
            &mut doc,
            doc_type,
            &p.doc,
            None,
            &changes,
            DEVICE_ACTOR,
            &actor,
        );
    }
}

/// A site photo as picked (decoded, oriented, resized, re-encoded).
pub fn photo(data: &[u8]) {
    let _ = fieldops_media::photo::process(data);
}

/// A parts catalogue file (CSV, then the same bytes as XLSX), imported by a supervisor.
pub fn catalogue_import(data: &[u8]) {
    use fieldops_device::workspace::{Session, TableFormat, Workspace};
    let Ok(mut ws) = Workspace::open_in_memory() else {
        return;
    };
    let user = fieldops_domain::protocol::UserInfo {
        id: "00000000-0000-7000-8000-000000000001".into(),
        login: "sup".into(),
        name: "Supervisor".into(),
        role: Role::Supervisor,
        active: true,
    };
    if ws.begin_login("acme", "sup").is_err() {
        return;
    }
    let session = Session {
        server_url: "http://127.0.0.1:1".into(),
        tenant: "acme".into(),
        user,
        device_id: "d".into(),
    };
    if ws.set_session(session, "sup").is_err() {
        return;
    }
    let _ = ws.import_parts(data, TableFormat::Csv);
    let _ = ws.import_parts(data, TableFormat::Xlsx);
}

/// A blob upload: its type sniffed and checked against what the client declared.
pub fn blob(data: &[u8]) {
    for declared in ["image/jpeg", "image/png", "image/webp", "application/pdf"] {
        let _ = fieldops_domain::blob::check_blob(data, declared);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus")
    }

    /// The seed corpus, from real requests: `FIELDOPS_WRITE_FUZZ_SEEDS=1` writes it again;
    /// otherwise this checks that every seed is there and still what the app makes.
    #[test]
    fn seeds_come_from_real_requests() {
        use fieldops_device::model::customer::{CustomerInput, SiteInput};
        use fieldops_device::model::order::{OrderInput, OrderType, Priority};
        use fieldops_device::workspace::{Session, Workspace};
        let mut ws = Workspace::open_in_memory().unwrap();
        ws.begin_login("acme", "sup").unwrap();
        let user = fieldops_domain::protocol::UserInfo {
            id: "00000000-0000-7000-8000-000000000001".into(),
            login: "sup".into(),
            name: "Supervisor".into(),
            role: Role::Supervisor,
            active: true,
        };
        let session = Session {
            server_url: "http://127.0.0.1:1".into(),
            tenant: "acme".into(),
            user,
            device_id: "d".into(),
        };
        ws.set_session(session, "sup").unwrap();
        let c = ws
            .create_customer(&CustomerInput {
                name: "上海华东医疗设备有限公司".into(),
                phone: "021-5555 0101".into(),
                region: String::new(),
                sites: vec![SiteInput {
                    id: None,
                    name: "张江工厂".into(),
                    address: "上海市浦东新区张江路 88 号".into(),
                    lat: 31.2036,
                    lon: 121.5906,
                    geofence_m: None,
                }],
                contacts: Vec::new(),
                report_language: Default::default(),
            })
            .unwrap();
        let o = ws
            .create_order(&OrderInput {
                order_type: OrderType::Repair,
                priority: Priority::High,
                customer_id: c.id.clone(),
                site_id: c.sites[0].id.clone(),
                equipment_ids: vec![],
                project_id: None,
                description: "冷水机组压缩机异响 compressor noise".into(),
                scheduled_start: None,
                scheduled_end: None,
            })
            .unwrap();
        let order: Vec<u8> = ws.store.document_bytes(&o.summary.id).unwrap().unwrap();
        let request = serde_json::json!({
            "cursor": 0,
            "push": [{"doc": o.summary.id, "doc_type": "order", "changes": B64.encode(&order)}],
            "directory_version": 0
        });
        // The body of the order's first change (after magic, checksum, type and length).
        let mut loaded = AutoCommit::load(&order).unwrap();
        let first = loaded
            .get_changes(&[])
            .first()
            .map(|c| c.raw_bytes().to_vec())
            .unwrap();
        assert_eq!(first[8], 1, "an uncompressed change chunk");
        let mut at = 9;
        while first[at] & 0x80 != 0 {
            at += 1;
        }
        let change_body = first[at + 1..].to_vec();
        assert_eq!(
            change_chunk(&change_body),
            first,
            "change_chunk rebuilds the real chunk"
        );
        let seeds: Vec<(&str, &str, Vec<u8>)> = vec![
            ("change_body", "order-created", change_body.clone()),
            ("automerge_change", "order-created", change_body),
            ("push", "order-created", order),
            ("sync_request", "push-one-order.json", serde_json::to_vec_pretty(&request).unwrap()),
            ("photo", "marked.jpg", fieldops_media::samples::jpeg(&fieldops_media::samples::marked(64, 48))),
            ("photo", "tiny.png", fieldops_domain::blob::tiny_png()),
            ("catalogue_import", "parts.csv", "sku,name_zh,name_en,unit,sale_price,cost\nVP-30XA,压缩机阀片,Valve plate,pcs,450.00,280.00\n".as_bytes().to_vec()),
            ("blob", "tiny.png", fieldops_domain::blob::tiny_png()),
        ];
        for (target, name, bytes) in seeds {
            let path = corpus().join(target).join(name);
            if std::env::var_os("FIELDOPS_WRITE_FUZZ_SEEDS").is_some() {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &bytes).unwrap();
            } else {
                // Documents carry fresh ids and times: compare what does not change.
                let saved = std::fs::read(&path).unwrap_or_else(|e| {
                    panic!(
                        "{}: {e} (FIELDOPS_WRITE_FUZZ_SEEDS=1 writes it)",
                        path.display()
                    )
                });
                assert!(!saved.is_empty(), "{}", path.display());
                if target == "catalogue_import" || target == "blob" {
                    assert_eq!(saved, bytes, "{}", path.display());
                }
            }
        }
    }

    /// Every saved input of every target (seeds from real requests, and each crash a fuzzer
    /// found) runs again; a panic fails the test with the file's name.
    #[test]
    fn every_saved_input_is_handled() {
        let root = corpus();
        let mut ran = 0;
        for (name, target) in TARGETS {
            let dir = root.join(name);
            let entries =
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{name}: {} made it panic", path.display());
                ran += 1;
            }
        }
        // What the fuzzer found inside automerge itself must be refused by our guarded path.
        let raw: [(&str, Target); 2] =
            [("automerge_load", push), ("automerge_change", change_body)];
        for (name, guarded) in raw {
            for entry in std::fs::read_dir(root.join(name)).unwrap() {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| guarded(&data));
                assert!(outcome.is_ok(), "{name}: {} made it panic", path.display());
                ran += 1;
            }
        }
        assert!(
            ran > TARGETS.len(),
            "every target has a seed ({ran} inputs)"
        );
    }
}
