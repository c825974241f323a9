use super::*;
use crate::model::order::OrderType;
use crate::model::settings::{self, Template, TemplateItem};

#[test]
fn administrators_set_the_default_geofence() {
    let mut admin = workspace(SUPERVISOR, Role::Admin);
    assert!(
        admin
            .set_geofence_default(300)
            .unwrap_err()
            .to_string()
            .contains("sync first")
    );
    with_settings(&mut admin);
    assert_eq!(admin.geofence_default().unwrap(), 200);
    assert_eq!(admin.set_geofence_default(350).unwrap(), 350);
    assert!(admin.set_geofence_default(0).is_err());
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    with_settings(&mut sup);
    let err = sup.set_geofence_default(100).unwrap_err();
    assert!(err.code() == crate::ErrorCode::Forbidden, "{err}");
}

#[test]
fn watermarking_is_a_company_choice_and_names_time_place_and_order() {
    use crate::workspace::PhotoInput;
    let mut admin = workspace(SUPERVISOR, Role::Admin);
    with_settings(&mut admin);
    let c = admin
        .create_customer(&customer_input("上海华东医疗"))
        .unwrap();
    let id = admin
        .create_order(&order_input(&c.id, &c.sites[0].id, "visit"))
        .unwrap()
        .summary
        .id;
    assert_eq!(
        admin.watermark_lines(&id, &PhotoInput::default()).unwrap(),
        None
    );
    assert!(admin.set_photo_watermark(true).unwrap());
    let lines = admin
        .watermark_lines(&id, &PhotoInput::default())
        .unwrap()
        .unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1], "上海华东医疗 · Main plant");
    assert!(lines[2].starts_with("WO-DRAFT-"), "{lines:?}");
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    with_settings(&mut sup);
    assert!(sup.set_photo_watermark(true).unwrap_err().code() == crate::ErrorCode::Forbidden);
}

#[test]
fn an_administrators_template_shapes_new_orders() {
    let mut admin = workspace("00000000-0000-7000-8000-00000000ad01", Role::Admin);
    with_settings(&mut admin);
    let custom = Template {
        checklist: vec![TemplateItem {
            label: "Photo of the nameplate / 铭牌照片".into(),
            required: true,
        }],
        signature_required: true,
        rating_asked: false,
        default_duration_min: 45,
    };
    admin.save_template(OrderType::Repair, &custom).unwrap();
    assert!(
        admin
            .save_template(
                OrderType::Repair,
                &Template {
                    default_duration_min: -1,
                    ..custom.clone()
                }
            )
            .is_err()
    );

    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    exchange(&admin, &mut sup);
    let changed = Template {
        rating_asked: true,
        ..custom.clone()
    };
    assert_eq!(
        sup.save_template(OrderType::Repair, &changed)
            .unwrap_err()
            .code(),
        crate::ErrorCode::Forbidden
    );
    let c = sup.create_customer(&customer_input("Template Co")).unwrap();
    let mut input = order_input(&c.id, &c.sites[0].id, "uses the template");
    input.scheduled_start = Some(1_800_000_000_000);
    let o = sup.create_order(&input).unwrap();
    assert_eq!(
        o.checklist
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>(),
        vec!["Photo of the nameplate / 铭牌照片"]
    );
    assert!(o.signature_required);
    assert_eq!(
        o.summary.scheduled_end,
        Some(1_800_000_000_000 + 45 * 60_000)
    );
    // Other types keep their defaults.
    let mut maint = input.clone();
    maint.order_type = OrderType::Maintenance;
    assert_eq!(
        sup.create_order(&maint).unwrap().checklist.len(),
        settings::default_template(OrderType::Maintenance)
            .checklist
            .len()
    );

    // No rating asked: after completion the technician is not offered one.
    sup.dispatch_order(&o.summary.id, &[TECH_A.to_string()], false)
        .unwrap();
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&sup, &mut tech);
    let id = o.summary.id;
    tech.accept_order(&id).unwrap();
    tech.check_in(&id, None).unwrap();
    tick_required(&mut tech, &id);
    assert!(
        tech.complete_order(&id, "done")
            .unwrap_err()
            .to_string()
            .contains("signature")
    );
    tech.capture_signature(&id, &crate::blob::tiny_png(), "客户")
        .unwrap();
    let done = tech.complete_order(&id, "done").unwrap();
    assert!(!done.actions.contains(&Action::Rate));
}

#[test]
fn administrators_group_people_into_teams() {
    let mut admin = workspace(SUPERVISOR, Role::Admin);
    with_settings(&mut admin);
    assert!(admin.teams().unwrap().is_empty());
    let east = settings::Team {
        name: "  华东组 ".into(),
        members: vec![TECH_B.into(), TECH_A.into(), TECH_A.into()],
    };
    let teams = admin.save_team(None, &east).unwrap();
    assert_eq!(teams.len(), 1);
    // Trimmed, members once each, in a stable order.
    assert_eq!(teams[0].team.name, "华东组");
    assert_eq!(teams[0].team.members, [TECH_A, TECH_B]);
    let id = teams[0].id.clone();
    let renamed = settings::Team {
        name: "East".into(),
        members: vec![TECH_A.into()],
    };
    let teams = admin.save_team(Some(&id), &renamed).unwrap();
    assert_eq!((teams.len(), teams[0].team.name.as_str()), (1, "East"));
    // A blank name is refused with its field.
    let blank = settings::Team {
        name: " ".into(),
        members: vec![],
    };
    let err = admin.save_team(None, &blank).unwrap_err();
    assert_eq!(
        err.body().field.map(|f| f.field),
        Some(crate::Field::TeamName),
        "{err}"
    );
    assert!(admin.remove_team(&id).unwrap().is_empty());
    // Supervisors use teams but do not change them.
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    with_settings(&mut sup);
    let err = sup.save_team(None, &renamed).unwrap_err();
    assert!(err.code() == crate::ErrorCode::Forbidden, "{err}");
}

/// The company's tile service reaches every device through the settings document; a URL
/// that is no tile template is refused in words, and only administrators set it.
#[test]
fn the_tile_service_and_its_coordinate_system_reach_every_device() {
    use crate::geo::MapCrs;
    use crate::model::settings::TileService;
    let mut admin = workspace("00000000-0000-7000-8000-0000000000ad", Role::Admin);
    with_settings(&mut admin);
    let amap = TileService {
        url: " https://webrd0{s}.example.cn/appmaptile?x={x}&y={y}&z={z} ".into(),
        crs: MapCrs::Gcj02,
        attribution: "© 高德地图".into(),
    };
    let saved = admin.set_tile_service(Some(&amap)).unwrap().unwrap();
    assert_eq!(saved.url, amap.url.trim(), "stored trimmed");
    for bad in [
        "ftp://tiles/{z}/{x}/{y}",
        "https://tiles.example.com/{z}/{x}.png",
    ] {
        let err = admin
            .set_tile_service(Some(&TileService {
                url: bad.into(),
                ..amap.clone()
            }))
            .unwrap_err();
        let field = err.body().field.map(|f| f.field);
        assert_eq!(
            field,
            Some(fieldops_domain::error::Field::TileUrl),
            "{bad}: {err}"
        );
    }
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&admin, &mut tech);
    assert_eq!(tech.tile_service().unwrap(), Some(saved));
    assert!(
        tech.set_tile_service(None).is_err(),
        "a technician cannot change company settings"
    );
    admin.set_tile_service(None).unwrap();
    exchange(&admin, &mut tech);
    assert_eq!(tech.tile_service().unwrap(), None);
}
