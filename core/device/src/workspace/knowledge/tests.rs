use super::*;
use crate::model::Role;
use crate::testing::*;

fn article(title: &str, body: &str, models: &[&str]) -> EntryContent {
    EntryContent {
        title: title.into(),
        body: body.into(),
        models: models.iter().map(|m| m.to_string()).collect(),
        ..Default::default()
    }
}

fn fault(code: &str, symptom: &str, models: &[&str]) -> EntryContent {
    EntryContent {
        fault_code: code.into(),
        symptom: symptom.into(),
        causes: vec!["冷凝器脏堵 condenser fouled".into()],
        steps: vec!["清洗冷凝器".into()],
        ..article(&format!("{code} {symptom}"), "", models)
    }
}

fn titles(hits: &[EntrySummary]) -> Vec<String> {
    hits.iter()
        .map(|h| h.title.iter().map(|s| s.text.as_str()).collect())
        .collect()
}

fn search(ws: &Workspace, query: &str) -> Vec<String> {
    titles(
        &ws.search_knowledge(&KnowledgeSearch {
            query: query.into(),
            ..Default::default()
        })
        .unwrap(),
    )
}

fn library() -> Workspace {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    for (title, body, models) in [
        (
            "冷水机组维护手册",
            "每季度检查冷凝器和蒸发器。压缩机油位。",
            &["KX-200"][..],
        ),
        (
            "Compressor noise",
            "A knocking compressor usually means liquid slugging.",
            &["KX-300"][..],
        ),
        ("水泵安装", "水泵底座找平，联轴器对中。", &[][..]),
        ("电气安全", "断电后再打开电气柜。机组上锁挂牌。", &[][..]),
    ] {
        sup.create_entry(EntryKind::Article, &article(title, body, models), true)
            .unwrap();
    }
    sup.create_entry(
        EntryKind::Fault,
        &fault("E04", "高压报警 压缩机停机", &["KX200"]),
        true,
    )
    .unwrap();
    sup
}

#[test]
fn short_and_long_chinese_queries_find_their_entries() {
    let sup = library();
    // One character, two characters, a longer phrase, mixed scripts.
    assert_eq!(search(&sup, "泵"), vec!["水泵安装"]);
    assert_eq!(search(&sup, "水泵"), vec!["水泵安装"]);
    let both = search(&sup, "压缩");
    assert!(both.contains(&"冷水机组维护手册".to_string()), "{both:?}");
    assert!(
        both.contains(&"E04 高压报警 压缩机停机".to_string()),
        "{both:?}"
    );
    assert_eq!(search(&sup, "高压报警"), vec!["E04 高压报警 压缩机停机"]);
    assert_eq!(search(&sup, "compressor"), vec!["Compressor noise"]);
    assert_eq!(
        search(&sup, "compr"),
        vec!["Compressor noise"],
        "a word's beginning"
    );
    assert_eq!(search(&sup, "断电 柜"), vec!["电气安全"]);
    assert!(search(&sup, "不存在的词").is_empty());
    // A model number typed with or without its dash, in full-width digits.
    for q in ["KX-200", "kx200", "ＫＸ２００", "kx 200"] {
        let hits = search(&sup, q);
        assert!(
            hits.contains(&"冷水机组维护手册".to_string()),
            "{q}: {hits:?}"
        );
        assert!(
            hits.contains(&"E04 高压报警 压缩机停机".to_string()),
            "{q}: {hits:?}"
        );
    }
}

#[test]
fn the_title_outranks_the_body_and_snippets_mark_the_words() {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    sup.create_entry(
        EntryKind::Article,
        &article(
            "日常巡检",
            &format!("{}检查冷却塔风机。", "记录运行参数。".repeat(30)),
            &[],
        ),
        true,
    )
    .unwrap();
    sup.create_entry(
        EntryKind::Article,
        &article("冷却塔清洗", "每年两次。", &[]),
        true,
    )
    .unwrap();
    let hits = sup
        .search_knowledge(&KnowledgeSearch {
            query: "冷却塔".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(titles(&hits), vec!["冷却塔清洗", "日常巡检"]);
    let marked: Vec<&str> = hits[1]
        .snippet
        .iter()
        .filter(|s| s.hit)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(marked, vec!["冷却塔"]);
    assert_eq!(hits[1].snippet[0].text, "…", "cut around the match");
}

#[test]
fn filters_by_kind_model_tag_and_status() {
    let mut sup = library();
    let by = |ws: &Workspace, s: KnowledgeSearch| titles(&ws.search_knowledge(&s).unwrap());
    assert_eq!(
        by(
            &sup,
            KnowledgeSearch {
                kind: Some(EntryKind::Fault),
                ..Default::default()
            }
        ),
        vec!["E04 高压报警 压缩机停机"]
    );
    assert_eq!(
        by(
            &sup,
            KnowledgeSearch {
                model: Some("kx 300".into()),
                ..Default::default()
            }
        ),
        vec!["Compressor noise"]
    );
    let mut tagged = article("Tagged", "body", &[]);
    tagged.tags = vec!["Pump".into()];
    let t = sup
        .create_entry(EntryKind::Article, &tagged, false)
        .unwrap();
    assert_eq!(
        by(
            &sup,
            KnowledgeSearch {
                tag: Some("pump".into()),
                status: Some(EntryStatus::Draft),
                ..Default::default()
            }
        ),
        vec!["Tagged"]
    );
    sup.set_entry_status(&t.id, EntryStatus::Archived).unwrap();
    assert!(
        search(&sup, "tagged").is_empty(),
        "archived entries leave the search"
    );
    let facets = sup.knowledge_facets().unwrap();
    assert_eq!(facets.models, vec!["KX-200", "KX-300", "KX200"]);
}

#[test]
fn a_technician_drafts_a_supervisor_publishes_and_versions_restore() {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let mut tech = workspace(TECH_A, Role::Technician);
    let draft = tech
        .create_entry(
            EntryKind::Article,
            &article("变频器复位", "先断电。", &[]),
            false,
        )
        .unwrap();
    assert_eq!(draft.status, EntryStatus::Draft);
    assert_eq!(draft.actions, vec![EntryAction::Edit]);
    // Publishing is not the technician's: refused before anything is saved.
    assert!(
        tech.set_entry_status(&draft.id, EntryStatus::Published)
            .is_err()
    );
    assert!(
        tech.create_entry(EntryKind::Article, &article("x", "y", &[]), true)
            .is_err()
    );
    exchange(&tech, &mut sup);
    let seen = sup.get_entry(&draft.id).unwrap();
    assert!(seen.actions.contains(&EntryAction::Publish));
    let mut c = seen.content.clone();
    c.body = "先断电，等待五分钟。".into();
    sup.update_entry(&draft.id, &c).unwrap();
    let published = sup
        .set_entry_status(&draft.id, EntryStatus::Published)
        .unwrap();
    assert_eq!(published.status, EntryStatus::Published);
    let versions = sup.entry_versions(&draft.id).unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[2].by, TECH_A);
    let restored = sup
        .restore_entry_version(&draft.id, &versions[2].version)
        .unwrap();
    assert_eq!(restored.content.body, "先断电。");
    assert_eq!(restored.status, EntryStatus::Published);
    assert_eq!(sup.entry_versions(&draft.id).unwrap().len(), 4);
    // Once published, the technician reads it but no longer edits it.
    exchange(&sup, &mut tech);
    let read = tech.get_entry(&draft.id).unwrap();
    assert!(read.actions.is_empty());
    assert!(tech.update_entry(&draft.id, &c).is_err());
}

#[test]
fn attachments_are_kept_checked_and_removable() {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let e = sup
        .create_entry(
            EntryKind::Article,
            &article("Manual", "see the PDF", &[]),
            true,
        )
        .unwrap();
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let with = sup.add_entry_attachment(&e.id, "manual.pdf", &pdf).unwrap();
    assert_eq!(with.attachments.len(), 1);
    let a = &with.attachments[0];
    assert_eq!(
        (a.attachment.mime.as_str(), a.on_device),
        ("application/pdf", true)
    );
    assert_eq!(sup.store.blob(&a.hash).unwrap().unwrap().1, pdf);
    assert!(
        sup.add_entry_attachment(&e.id, "virus.exe", b"MZ\x90")
            .is_err()
    );
    let without = sup.remove_entry_attachment(&e.id, &a.hash).unwrap();
    assert!(without.attachments.is_empty());
}

#[test]
fn an_order_shows_possible_solutions_and_counts_the_fix() {
    let mut sup = library();
    let c = sup.create_customer(&customer_input("冷站客户")).unwrap();
    let machine = sup
        .create_equipment(&machine_at(&c, "1号机", "KX-200", ""))
        .unwrap();
    // An order about no particular machine is matched by its words alone.
    let plain = sup
        .create_order(&order_input(&c.id, &c.sites[0].id, "水泵漏水"))
        .unwrap()
        .summary
        .id;
    assert_eq!(
        titles(&sup.possible_solutions(&plain).unwrap().candidates),
        vec!["水泵安装"]
    );
    let mut input = order_input(&c.id, &c.sites[0].id, "机组高压报警，压缩机停机");
    input.equipment_ids = vec![machine.id.clone()];
    let order = sup.create_order(&input).unwrap().summary.id;
    sup.dispatch_order(&order, &[TECH_A.to_string()], false)
        .unwrap();
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&sup, &mut tech);
    tech.accept_order(&order).unwrap();
    let found = tech.possible_solutions(&order).unwrap();
    assert_eq!(
        titles(&found.candidates)[0],
        "E04 高压报警 压缩机停机",
        "the fault for this model and these words comes first"
    );
    assert!(found.can_mark && found.fixed_with.is_none());
    let fault_id = found.candidates[0].id.clone();
    let marked = tech.mark_fixed_with(&order, &fault_id).unwrap();
    assert_eq!(marked.fixed_with.as_ref().map(|f| f.fixes), Some(1));
    assert!(marked.candidates.iter().all(|c| c.id != fault_id));
    exchange(&tech, &mut sup);
    let entry = sup.get_entry(&fault_id).unwrap();
    assert_eq!(entry.fixed_orders.len(), 1);
    assert_eq!(entry.fixed_orders[0].order_id, order);
    // Repair statistics count the order under the fault that fixed it.
    let now = crate::model::now_ms();
    let stats = sup
        .statistics(&crate::workspace::StatsQuery::period(
            now - 86_400_000,
            now + 86_400_000,
            480,
        ))
        .unwrap();
    assert_eq!(stats.repairs_by_fault.len(), 1);
    assert_eq!(stats.repairs_by_fault[0].label, "E04 高压报警 压缩机停机");
    assert_eq!(stats.repairs_by_fault[0].orders.orders, vec![order.clone()]);
    // Someone not on the order cannot mark it.
    let mut other = workspace(TECH_B, Role::Technician);
    exchange(&sup, &mut other);
    assert!(other.mark_fixed_with(&order, &fault_id).is_err());
}

#[test]
fn a_finished_repair_becomes_a_draft_fault_entry() {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let c = sup.create_customer(&customer_input("Acme")).unwrap();
    let order = sup
        .create_order(&order_input(
            &c.id,
            &c.sites[0].id,
            "主轴异响\n运行时有金属摩擦声",
        ))
        .unwrap()
        .summary
        .id;
    // Only a finished repair becomes an entry.
    assert!(sup.draft_entry_from_order(&order).is_err());
    sup.dispatch_order(&order, &[TECH_A.to_string()], false)
        .unwrap();
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&sup, &mut tech);
    tech.accept_order(&order).unwrap();
    tech.check_in(&order, None).unwrap();
    tick_required(&mut tech, &order);
    tech.complete_order(&order, "更换轴承\n加注润滑脂").unwrap();
    assert!(tech.possible_solutions(&order).unwrap().can_draft);
    let draft = tech.draft_entry_from_order(&order).unwrap();
    assert_eq!(draft.content.steps, vec!["更换轴承", "加注润滑脂"]);
    assert_eq!(draft.kind, EntryKind::Fault);
    assert_eq!(draft.status, EntryStatus::Draft);
    assert_eq!(draft.content.title, "主轴异响");
    assert_eq!(draft.content.symptom, "主轴异响\n运行时有金属摩擦声");
    assert_eq!(draft.from_order.as_deref(), Some(order.as_str()));
}

#[test]
fn projections_of_entries_rebuild_to_the_same_rows() {
    let mut sup = library();
    let before = sup.store.projection_dump().unwrap();
    sup.store.rebuild_projections().unwrap();
    assert_eq!(sup.store.projection_dump().unwrap(), before);
    assert_eq!(search(&sup, "泵"), vec!["水泵安装"]);
}
