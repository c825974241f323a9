//! A pulled document this device cannot read is kept aside, and the rest of the sync goes on.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::ErrorCode;
use crate::model::Role;
use crate::protocol::{PullDoc, PullKind};
use crate::sync::{Pushed, SyncReport, apply_response};
use crate::testing::*;

fn snapshot(ws: &crate::workspace::Workspace, id: &str) -> PullDoc {
    let (doc_type, bytes): (String, Vec<u8>) = ws
        .store
        .conn()
        .query_row(
            "SELECT doc_type, bytes FROM documents WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    PullDoc {
        doc: id.into(),
        doc_type,
        kind: PullKind::Snapshot,
        data: Some(B64.encode(bytes)),
    }
}

#[test]
fn a_damaged_document_is_kept_aside_and_the_rest_applies() {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let first = sup
        .create_customer(&customer_input("上海精密仪器有限公司"))
        .unwrap();
    let second = sup
        .create_customer(&customer_input("深圳创新暖通工程"))
        .unwrap();
    let good = snapshot(&sup, &second.id);
    let mut damaged = snapshot(&sup, &first.id);
    let mut bytes = B64.decode(damaged.data.as_ref().unwrap()).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    damaged.data = Some(B64.encode(&bytes));
    let not_base64 = PullDoc {
        data: Some("%%% not base64 %%%".into()),
        doc: "0000000000000000000000000000000a".into(),
        ..good.clone()
    };

    let mut other = workspace(SUPERVISOR, Role::Supervisor);
    let mut report = SyncReport::default();
    apply_response(
        &mut other.store,
        &Pushed::none(),
        &pull_response(vec![damaged.clone(), good, not_base64], 7),
        &mut report,
    )
    .unwrap();

    assert_eq!((report.pulled, report.quarantined), (1, 2));
    let names: Vec<String> = other
        .list_customers()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, vec!["深圳创新暖通工程".to_string()]);
    assert_eq!(other.store.meta("cursor").unwrap().as_deref(), Some("7"));
    let status = other.sync_status().unwrap();
    assert_eq!(status.quarantined.len(), 2);
    assert_eq!(status.quarantined[0].doc, first.id);
    assert_eq!(
        status.quarantined[0].reason.code,
        ErrorCode::CorruptDocument
    );
    let kept: String = other
        .store
        .conn()
        .query_row(
            "SELECT data FROM quarantine WHERE doc = ?1",
            [&first.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        kept,
        *damaged.data.as_ref().unwrap(),
        "the bytes received are kept"
    );

    // A later, readable copy of the same document applies and leaves quarantine.
    apply_response(
        &mut other.store,
        &Pushed::none(),
        &pull_response(vec![snapshot(&sup, &first.id)], 8),
        &mut SyncReport::default(),
    )
    .unwrap();
    assert_eq!(other.list_customers().unwrap().len(), 2);
    assert_eq!(other.sync_status().unwrap().quarantined.len(), 1);
}
