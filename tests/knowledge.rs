//! The knowledge base across devices and the real server: what each role's device carries,
//! offline search and attachments, drafts that reach a supervisor, and a publish the server
//! refuses.

use automerge::ActorId;
use fieldops_device::ErrorCode;
use fieldops_device::model::knowledge::{self, EntryContent, EntryKind, EntryStatus};
use fieldops_device::workspace::{EntrySummary, KnowledgeSearch};
use fieldops_scenarios::*;

fn content(title: &str, body: &str) -> EntryContent {
    EntryContent {
        title: title.into(),
        body: body.into(),
        tags: vec!["冷水机组".into()],
        models: vec!["KX-200".into()],
        ..Default::default()
    }
}

fn search(d: &Device, query: &str) -> Vec<EntrySummary> {
    d.ws()
        .search_knowledge(&KnowledgeSearch {
            query: query.into(),
            ..Default::default()
        })
        .unwrap()
}

fn ids(hits: &[EntrySummary]) -> Vec<String> {
    hits.iter().map(|h| h.id.clone()).collect()
}

/// A small PDF, as a manual would start.
fn manual_pdf() -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    pdf.extend(std::iter::repeat_n(b'x', 200_000));
    pdf.extend(b"\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    pdf
}

async fn a_published_manual_opens_offline_on_the_technicians_device(backend: Backend) {
    let w = world(backend).await;
    let pdf = manual_pdf();
    let (id, hash) = {
        let mut ws = w.sup.ws();
        let e = ws
            .create_entry(
                EntryKind::Article,
                &content("冷水机组维护手册", "每季度检查冷凝器。详见 PDF 手册。"),
                true,
            )
            .unwrap();
        let e = ws
            .add_entry_attachment(&e.id, "KX-200 manual.pdf", &pdf)
            .unwrap();
        (e.id, e.attachments[0].hash.clone())
    };
    let r = w.sup.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    w.tech_a.sync().await;
    // Pinned while online: the attachment comes down with the entry.
    let hashes = w.tech_a.ws().set_entry_pinned(&id, true).unwrap();
    for h in &hashes {
        fieldops_device::sync::fetch_blob(&w.tech_a.ws, w.tech_a.http.as_ref(), h)
            .await
            .unwrap();
    }
    let mut w = w;
    w.server.kill();
    // Offline: a two-character Chinese query finds it, and the PDF opens from the device.
    assert_eq!(ids(&search(&w.tech_a, "手册")), vec![id.clone()]);
    assert_eq!(ids(&search(&w.tech_a, "kx200")), vec![id.clone()]);
    let (mime, bytes) = fieldops_device::sync::fetch_blob(&w.tech_a.ws, None, &hash)
        .await
        .unwrap();
    assert_eq!((mime.as_str(), bytes.len()), ("application/pdf", pdf.len()));
    assert!(w.tech_a.ws().get_entry(&id).unwrap().attachments[0].on_device);
}

async fn a_technicians_offline_draft_reaches_the_supervisor_who_publishes_it(backend: Backend) {
    let w = world(backend).await;
    let mut fault = content("E04 高压报警", "");
    fault.symptom = "运行十分钟后高压报警停机".into();
    fault.causes = vec!["冷凝器脏堵".into()];
    let draft = w
        .tech_a
        .ws()
        .create_entry(EntryKind::Fault, &fault, false)
        .unwrap();
    assert_eq!(draft.status, EntryStatus::Draft);
    let r = w.tech_a.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    // Another technician does not get a colleague's draft; the supervisor does.
    w.tech_b.sync().await;
    assert!(w.tech_b.ws().get_entry(&draft.id).is_err());
    w.sup.sync().await;
    let seen = w.sup.ws().get_entry(&draft.id).unwrap();
    assert_eq!(seen.created_by, w.tech_a.user_id());
    w.sup
        .ws()
        .set_entry_status(&draft.id, EntryStatus::Published)
        .unwrap();
    w.sup.sync().await;
    w.tech_b.sync().await;
    assert_eq!(ids(&search(&w.tech_b, "高压")), vec![draft.id.clone()]);
    w.tech_a.sync().await;
    assert_eq!(
        w.tech_a.ws().get_entry(&draft.id).unwrap().status,
        EntryStatus::Published
    );
    // Archived, it leaves the technicians' devices.
    w.sup
        .ws()
        .set_entry_status(&draft.id, EntryStatus::Archived)
        .unwrap();
    w.sup.sync().await;
    w.tech_b.sync().await;
    assert!(search(&w.tech_b, "高压").is_empty());
}

async fn a_technicians_forced_publish_is_refused_by_the_server(backend: Backend) {
    let w = world(backend).await;
    let draft = w
        .tech_a
        .ws()
        .create_entry(
            EntryKind::Article,
            &content("变频器复位", "先断电。"),
            false,
        )
        .unwrap();
    w.tech_a.sync().await;
    // Write "published" into the synced draft directly, past the device's own checks.
    let changes = {
        let (_, doc) = w.tech_a.ws().store.load(&draft.id).unwrap().unwrap();
        let mut doc = doc.with_actor(ActorId::from(hex_actor(&w.tech_a)));
        let before = doc.get_heads();
        knowledge::set_status(&mut doc, EntryStatus::Published, &w.tech_a.user_id()).unwrap();
        doc.commit();
        doc.save_after(&before)
    };
    let resp = raw_push(&w.tech_a, &draft.id, "knowledge", &changes).await;
    assert!(resp.accepted.is_empty(), "{resp:?}");
    assert_eq!(resp.rejected[0].code, ErrorCode::Forbidden);
    w.tech_b.sync().await;
    assert!(search(&w.tech_b, "变频器").is_empty());
    w.sup.sync().await;
    assert_eq!(
        w.sup.ws().get_entry(&draft.id).unwrap().status,
        EntryStatus::Draft
    );
}

on_both!(
    a_published_manual_opens_offline_on_the_technicians_device,
    a_technicians_offline_draft_reaches_the_supervisor_who_publishes_it,
    a_technicians_forced_publish_is_refused_by_the_server,
);
