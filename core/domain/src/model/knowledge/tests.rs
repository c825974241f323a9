use super::*;
use crate::authority;
use crate::model::{Actor, Role, TypedDoc};

fn content(title: &str, body: &str) -> EntryContent {
    EntryContent {
        title: title.into(),
        body: body.into(),
        tags: vec!["压缩机".into()],
        models: vec!["KX-200".into()],
        order_types: vec![OrderType::Repair],
        ..Default::default()
    }
}

fn actor(user: &str, role: Role) -> Actor {
    Actor {
        user_id: user.into(),
        role,
    }
}

fn new_entry(user: &str, status: EntryStatus, c: &EntryContent) -> AutoCommit {
    let mut doc = AutoCommit::new();
    new_entry_doc(&mut doc, user, EntryKind::Article, status, c, None).unwrap();
    doc.commit();
    doc
}

fn typed(doc: &AutoCommit) -> TypedDoc {
    TypedDoc::Knowledge(Box::new(KnowledgeDoc::from_doc(doc).unwrap()))
}

#[test]
fn markdown_with_html_remote_images_or_script_links_is_refused_with_its_reason() {
    let refused = |body: &str| match check_markdown(body) {
        Err(DomainError::Refused(r)) => r,
        other => panic!("{body:?} was not refused: {other:?}"),
    };
    assert_eq!(
        refused("hello <script>alert(1)</script>"),
        Refusal::HtmlInText
    );
    assert_eq!(refused("<div>\nblock\n</div>"), Refusal::HtmlInText);
    assert_eq!(
        refused("![x](https://evil.example/p.png)"),
        Refusal::RemoteImage
    );
    assert_eq!(refused("[x](javascript:alert(1))"), Refusal::UnsafeLink);
    let hash = "a".repeat(64);
    check_markdown(&format!(
        "# 步骤\n\n1. 断电\n2. [手册](attachment:{hash}) and [site](https://example.com)\n\n![图](attachment:{hash})"
    ))
    .unwrap();
    let html = render_markdown(&format!(
        "# 标题\n\n**bold** 1 < 2 & [m](attachment:{hash})"
    ));
    assert!(html.contains("<h1>标题</h1>"), "{html}");
    assert!(html.contains("1 &lt; 2 &amp;"), "{html}");
    assert!(
        html.contains(&format!("href=\"#attachment-{hash}\"")),
        "{html}"
    );
    // HTML that reached a document by other means is dropped, never shown.
    assert!(!render_markdown("a <img src=x onerror=alert(1)>").contains("<img"));
}

#[test]
fn an_entry_is_validated_and_trimmed_as_stored() {
    let mut doc = AutoCommit::new();
    let empty = new_entry_doc(
        &mut doc,
        "u1",
        EntryKind::Article,
        EntryStatus::Draft,
        &content(" ", "body"),
        None,
    );
    assert!(matches!(empty, Err(DomainError::BadField(p)) if p.field == Field::Title));
    let mut fault = content("E04 高压报警", "");
    let no_symptom = new_entry_doc(
        &mut AutoCommit::new(),
        "u1",
        EntryKind::Fault,
        EntryStatus::Draft,
        &fault,
        None,
    );
    assert!(matches!(no_symptom, Err(DomainError::BadField(p)) if p.field == Field::Symptom));
    fault.symptom = "  高压报警，压缩机停机  ".into();
    fault.causes = vec!["冷凝器脏堵".into(), " ".into(), "风扇故障".into()];
    fault.tags = vec!["泵".into(), "PUMP".into(), "pump".into()];
    let mut doc = AutoCommit::new();
    new_entry_doc(
        &mut doc,
        "u1",
        EntryKind::Fault,
        EntryStatus::Draft,
        &fault,
        None,
    )
    .unwrap();
    let k = KnowledgeDoc::from_doc(&doc).unwrap();
    assert_eq!(k.content.symptom, "高压报警，压缩机停机");
    assert_eq!(k.content.causes, vec!["冷凝器脏堵", "风扇故障"]);
    assert_eq!(k.content.tags, vec!["泵", "PUMP"]);
    assert_eq!(k.revised.by, "u1");
}

#[test]
fn concurrent_offline_edits_of_one_body_merge_character_by_character() {
    let mut base = new_entry(
        "sup",
        EntryStatus::Published,
        &content("Chiller", "第一步：断电。\n第二步：检查。"),
    );
    let mut a = base.fork().with_actor(automerge::ActorId::random());
    let mut b = base.fork().with_actor(automerge::ActorId::random());
    let mut ca = KnowledgeDoc::from_doc(&a).unwrap().content;
    ca.body = "第一步：断开总电源。\n第二步：检查。".into();
    apply_entry_edit(&mut a, &ca, "sup").unwrap();
    a.commit();
    let mut cb = KnowledgeDoc::from_doc(&b).unwrap().content;
    cb.body = "第一步：断电。\n第二步：检查压缩机。".into();
    cb.title = "Chiller KX-200".into();
    apply_entry_edit(&mut b, &cb, "tech").unwrap();
    b.commit();
    a.merge(&mut b).unwrap();
    let merged = KnowledgeDoc::from_doc(&a).unwrap();
    assert_eq!(
        merged.content.body,
        "第一步：断开总电源。\n第二步：检查压缩机。"
    );
    assert_eq!(merged.content.title, "Chiller KX-200");
}

#[test]
fn versions_list_who_saved_what_and_an_old_one_can_be_read_back() {
    let mut doc = new_entry("sup", EntryStatus::Draft, &content("v1", "one"));
    let mut c = KnowledgeDoc::from_doc(&doc).unwrap().content;
    c.body = "two".into();
    apply_entry_edit(&mut doc, &c, "tech").unwrap();
    doc.commit();
    set_status(&mut doc, EntryStatus::Published, "sup").unwrap();
    doc.commit();
    let versions = versions(&mut doc, 10).unwrap();
    assert_eq!(versions.len(), 3, "{versions:?}");
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.by.as_str(), v.status))
            .collect::<Vec<_>>(),
        vec![
            ("sup", EntryStatus::Published),
            ("tech", EntryStatus::Draft),
            ("sup", EntryStatus::Draft)
        ]
    );
    let first = at_version(&mut doc, &versions[2].version).unwrap();
    assert_eq!(first.content.body, "one");
    assert!(matches!(
        at_version(&mut doc, &"0".repeat(64)),
        Err(DomainError::NotFound(_))
    ));
}

#[test]
fn technicians_write_their_own_drafts_and_only_managers_publish() {
    let tech = actor("tech", Role::Technician);
    let sup = actor("sup", Role::Supervisor);
    let draft = new_entry("tech", EntryStatus::Draft, &content("t", "b"));
    authority::check(&tech, None, &typed(&draft)).unwrap();
    // A technician's entry made published at once, or in someone else's name, is refused.
    let forced = new_entry("tech", EntryStatus::Published, &content("t", "b"));
    assert!(authority::check(&tech, None, &typed(&forced)).is_err());
    let theirs = new_entry("other", EntryStatus::Draft, &content("t", "b"));
    assert!(authority::check(&tech, None, &typed(&theirs)).is_err());
    // Publishing their own draft is refused; a supervisor may.
    let mut published = draft.clone();
    set_status(&mut published, EntryStatus::Published, "tech").unwrap();
    assert!(authority::check(&tech, Some(&typed(&draft)), &typed(&published)).is_err());
    let mut by_sup = draft.clone();
    set_status(&mut by_sup, EntryStatus::Published, "sup").unwrap();
    authority::check(&sup, Some(&typed(&draft)), &typed(&by_sup)).unwrap();
    // Once published, the technician can no longer edit it.
    let mut edit = by_sup.clone();
    let mut c = KnowledgeDoc::from_doc(&edit).unwrap().content;
    c.body = "changed".into();
    apply_entry_edit(&mut edit, &c, "tech").unwrap();
    assert!(authority::check(&tech, Some(&typed(&by_sup)), &typed(&edit)).is_err());
    // A version in another person's name is refused for anyone.
    let mut forged = by_sup.clone();
    set_status(&mut forged, EntryStatus::Archived, "tech").unwrap();
    assert!(authority::check(&sup, Some(&typed(&by_sup)), &typed(&forged)).is_err());
    let keeper = actor("wh", Role::Warehouse);
    let wh = new_entry("wh", EntryStatus::Draft, &content("t", "b"));
    assert!(authority::check(&keeper, None, &typed(&wh)).is_err());
    assert!(visible_to(&KnowledgeDoc::from_doc(&draft).unwrap(), "tech"));
    assert!(!visible_to(
        &KnowledgeDoc::from_doc(&draft).unwrap(),
        "other"
    ));
}

#[test]
fn attachments_are_pdfs_or_pictures_within_the_limit() {
    assert_eq!(
        check_attachment("manual.pdf", b"%PDF-1.7 ...").unwrap(),
        "application/pdf"
    );
    assert_eq!(
        check_attachment("p.png", &crate::blob::tiny_png()).unwrap(),
        "image/png"
    );
    assert!(matches!(
        check_attachment("setup.exe", b"MZ\x90\x00"),
        Err(DomainError::Refused(Refusal::FileTypeNotAllowed))
    ));
    let big = vec![b'%'; MAX_ATTACHMENT_BYTES + 1];
    assert!(matches!(
        check_attachment("big.pdf", &big),
        Err(DomainError::Refused(Refusal::FileTooLarge { max_mb: 50 }))
    ));
    assert!(check_attachment("", b"%PDF-1.4").is_err());
}
