use super::*;
use crate::geo::Position;
use crate::model::order::{ChargeKind, CostKind, EventKind, OrderEvent};
use crate::workspace::{ChargeInput, CostInput};

fn manual(lat: f64, lon: f64) -> Option<Position> {
    Some(Position {
        lat,
        lon,
        accuracy_m: None,
        altitude_m: None,
        mock: None,
        source: "manual".into(),
    })
}

#[test]
fn happy_path_with_money_and_settlement() {
    let (mut sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    tech.start_travel(&id).unwrap();
    let o = tech.check_in(&id, manual(31.2304, 121.4737)).unwrap();
    assert_eq!(o.summary.status, "on_site");
    assert!(o.actions.contains(&Action::Complete));
    tech.add_progress(&id, "Bearing replaced / 更换轴承")
        .unwrap();
    let err = tech.complete_order(&id, "Replaced bearing").unwrap_err();
    assert!(err.to_string().contains("Fault confirmed"), "{err}");
    // The UI gets the rule and the items' labels, to say it in the person's language.
    match err.body().refusal {
        Some(crate::Refusal::ChecklistIncomplete { items }) => {
            assert!(
                items.iter().any(|i| i.starts_with("Fault confirmed")),
                "{items:?}"
            )
        }
        other => panic!("expected the checklist refusal, got {other:?}"),
    }
    // A step that is not open in the order's state says the state.
    let err = tech.accept_order(&id).unwrap_err();
    assert_eq!(
        err.body().refusal,
        Some(crate::Refusal::NotNow {
            status: crate::model::order::Status::OnSite
        })
    );
    tick_required(&mut tech, &id);
    tech.put_charge(
        &id,
        None,
        &ChargeInput {
            kind: ChargeKind::ServiceFee,
            description: "2 h labour".into(),
            quantity_milli: 2000,
            unit_price_minor: 30_000,
            discount_bp: 1000,
            tax_rate_bp: 600,
            currency: "CNY".into(),
        },
    )
    .unwrap();
    tech.put_charge(
        &id,
        None,
        &ChargeInput {
            kind: ChargeKind::PartsFee,
            description: "Bearing 6204".into(),
            quantity_milli: 1000,
            unit_price_minor: 12_345,
            discount_bp: 0,
            tax_rate_bp: 1300,
            currency: "CNY".into(),
        },
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let done = tech
        .complete_order(&id, "Replaced bearing, vibration 1.2 mm/s")
        .unwrap();
    assert_eq!(done.summary.status, "completed");
    assert!(done.on_site_ms > 0);
    let rated = tech.rate_order(&id, 5, "很好 great").unwrap();
    assert_eq!(rated.summary.rating, Some(5));
    assert!(!rated.actions.contains(&Action::Rate));

    exchange(&tech, &mut sup);
    sup.put_cost(
        &id,
        None,
        &CostInput {
            kind: CostKind::PartsCost,
            description: "Bearing".into(),
            quantity_milli: 1000,
            unit_cost_minor: 6_000,
            currency: "CNY".into(),
        },
    )
    .unwrap();
    sup.add_labour_cost(&id, 8_000, "CNY").unwrap();
    let o = sup.get_order(&id).unwrap();
    // Service: 2 × 300.00 = 600.00, −10 % = 540.00, +6 % = 32.40. Parts: 123.45 + 13 % = 16.05 (16.0485).
    assert_eq!(o.totals.charges_net, 54_000 + 12_345);
    assert_eq!(o.totals.charges_tax, 3_240 + 1_605);
    let labour = o
        .costs
        .iter()
        .find(|c| c.line.kind == CostKind::Labour)
        .unwrap();
    assert_eq!(o.totals.costs_total, 6_000 + labour.amount);
    assert_eq!(
        o.totals.gross_profit,
        o.totals.charges_net - o.totals.costs_total
    );
    let settled = sup.settle_order(&id, false).unwrap();
    assert_eq!(settled.summary.status, "settled");
    let err = sup
        .put_cost(
            &id,
            None,
            &CostInput {
                kind: CostKind::Other,
                description: String::new(),
                quantity_milli: 1000,
                unit_cost_minor: 1,
                currency: "CNY".into(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
    assert_eq!(settled.events.len(), 9, "every step is in the timeline");
    let listed = sup
        .list_orders(&OrderFilter {
            status: Some("settled".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed[0].gross_profit, o.totals.gross_profit);
}

#[test]
fn a_tampered_completion_without_the_checklist_is_refused() {
    let (_, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    tech.check_in(&id, None).unwrap();
    let (_, doc) = tech.store.load(&id).unwrap().unwrap();
    let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
    let mut forged = doc.clone();
    crate::model::order::append_event(
        &mut forged,
        &OrderEvent {
            resolution: Some("done".into()),
            ..OrderEvent::new(EventKind::Completed, TECH_A)
        },
    )
    .unwrap();
    let v = authority::check(
        &Actor {
            user_id: TECH_A.into(),
            role: Role::Technician,
        },
        Some(&old),
        &TypedDoc::parse(DocType::Order, &forged).unwrap(),
    )
    .unwrap_err();
    assert!(v.path.ends_with(".checklist"), "{v:?}");
}

#[test]
fn technicians_cannot_enter_costs_or_touch_others_lines_or_the_number() {
    let (mut sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    assert_eq!(
        tech.put_cost(
            &id,
            None,
            &CostInput {
                kind: CostKind::Travel,
                description: String::new(),
                quantity_milli: 1000,
                unit_cost_minor: 100,
                currency: "CNY".into()
            }
        )
        .unwrap_err()
        .code(),
        crate::ErrorCode::InvalidInput
    );
    let (_, doc) = tech.store.load(&id).unwrap().unwrap();
    let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
    let actor = Actor {
        user_id: TECH_A.into(),
        role: Role::Technician,
    };
    let mut forged = doc.clone();
    crate::model::order::set_number(&mut forged, "WO-209901-0001").unwrap();
    assert_eq!(refused_path(&actor, &old, &forged), "number");
    let mut forged = doc.clone();
    crate::model::order::put_line(
        &mut forged,
        "costs",
        &crate::model::new_id(),
        &crate::model::order::CostLine {
            kind: CostKind::Travel,
            description: String::new(),
            quantity_milli: 1000,
            unit_cost_minor: 1,
            currency: "CNY".into(),
            by: TECH_A.into(),
            at: 1,
            movement_id: Some(crate::model::new_id()),
        },
    )
    .unwrap();
    assert_eq!(
        refused_path(&actor, &old, &forged),
        "costs",
        "only parts-cost lines tied to a stock movement are the technician's"
    );
    // A supervisor's charge line is not the technician's to change.
    exchange(&tech, &mut sup);
    let o = sup
        .put_charge(
            &id,
            None,
            &ChargeInput {
                kind: ChargeKind::Other,
                description: "call-out".into(),
                quantity_milli: 1000,
                unit_price_minor: 5_000,
                discount_bp: 0,
                tax_rate_bp: 0,
                currency: "CNY".into(),
            },
        )
        .unwrap();
    exchange(&sup, &mut tech);
    let line = o.charges[0].id.clone();
    assert_eq!(
        tech.delete_charge(&id, &line).unwrap_err().code(),
        crate::ErrorCode::Forbidden
    );
}

#[test]
fn complete_after_cancel_is_a_conflict_until_resolved() {
    let (mut sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    tech.check_in(&id, None).unwrap();
    exchange(&tech, &mut sup);
    tick_required(&mut tech, &id);
    // Offline on both sides: the supervisor cancels, the technician completes later.
    sup.cancel_order(&id, "customer withdrew").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    tech.complete_order(&id, "fixed anyway").unwrap();
    exchange(&tech, &mut sup);
    exchange(&sup, &mut tech);
    let o = sup.get_order(&id).unwrap();
    assert_eq!(o.summary.status, "conflict");
    assert_eq!(o.underlying_status, "cancelled");
    assert!(
        o.summary.conflicts[0].contains("completed"),
        "{:?}",
        o.summary.conflicts
    );
    assert_eq!(
        tech.get_order(&id).unwrap().summary.status,
        "conflict",
        "both replicas agree"
    );
    let resolved = sup
        .resolve_conflicts(&id, "Keep cancelled; no charge")
        .unwrap();
    assert_eq!(resolved.summary.status, "cancelled");
    assert!(
        resolved
            .events
            .iter()
            .any(|e| e.kind == EventKind::Completed),
        "the completion stays in the log"
    );
}

#[test]
fn two_completions_with_different_resolutions_conflict() {
    let (mut sup, mut tech, id) = dispatched();
    sup.dispatch_order(&id, &[TECH_A.to_string(), TECH_B.to_string()], false)
        .unwrap();
    exchange(&sup, &mut tech);
    let mut tech_b = workspace(TECH_B, Role::Technician);
    exchange(&sup, &mut tech_b);
    for t in [&mut tech, &mut tech_b] {
        t.accept_order(&id).unwrap();
    }
    exchange(&tech_b, &mut tech);
    exchange(&tech, &mut tech_b);
    tech.check_in(&id, None).unwrap();
    exchange(&tech, &mut tech_b);
    tick_required(&mut tech, &id);
    exchange(&tech, &mut tech_b);
    tech.complete_order(&id, "replaced pump").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(3));
    tech_b.complete_order(&id, "cleaned filter").unwrap();
    exchange(&tech_b, &mut tech);
    let o = tech.get_order(&id).unwrap();
    assert_eq!(o.summary.status, "conflict");
    assert_eq!(o.resolution.as_deref(), Some("replaced pump"));
}

#[test]
fn check_ins_are_judged_against_the_site_fence_and_never_refused() {
    use crate::geo::FenceVerdict;
    let (mut sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    // The test site is at 31.2304, 121.4737; ~445 m north is outside the default 200 m.
    let gps = |lat: f64, acc: f64| Position {
        lat,
        lon: 121.4737,
        accuracy_m: Some(acc),
        altitude_m: Some(12.0),
        mock: Some(false),
        source: "gps".into(),
    };
    tech.check_in(&id, Some(gps(31.2344, 10.0))).unwrap();
    tech.check_out(&id, Some(gps(31.2305, 10.0))).unwrap();
    tech.check_in(&id, manual(31.2304, 121.4737)).unwrap();
    let o = tech.get_order(&id).unwrap();
    let verdicts: Vec<_> = o
        .check_ins
        .iter()
        .map(|c| c.fence.as_ref().unwrap().verdict)
        .collect();
    assert_eq!(
        verdicts,
        vec![
            FenceVerdict::Outside,
            FenceVerdict::Verified,
            FenceVerdict::Manual
        ]
    );
    let outside = o.check_ins[0].fence.as_ref().unwrap();
    assert!(
        (outside.distance_m.unwrap() - 444.8).abs() < 2.0,
        "{outside:?}"
    );
    assert_eq!(outside.radius_m, 200);
    assert_eq!(
        o.summary.status, "on_site",
        "a flagged check-in still counts"
    );

    // A wider fence on the site, set by the supervisor, turns the first one verified.
    exchange(&tech, &mut sup);
    let c = sup.list_customers().unwrap().remove(0);
    let mut input = customer_input(&c.name);
    input.sites[0].id = Some(c.sites[0].id.clone());
    input.sites[0].geofence_m = Some(500);
    sup.update_customer(&c.id, &input).unwrap();
    let o = sup.get_order(&id).unwrap();
    assert_eq!(
        o.check_ins[0].fence.as_ref().unwrap().verdict,
        FenceVerdict::Verified
    );
    assert_eq!(
        o.check_ins[0].position.as_ref().unwrap().altitude_m,
        Some(12.0)
    );
    input.sites[0].geofence_m = Some(5);
    assert!(
        sup.update_customer(&c.id, &input)
            .unwrap_err()
            .to_string()
            .contains("radius")
    );

    // Impossible positions are refused and nothing is recorded.
    let before = tech.get_order(&id).unwrap().events.len();
    for bad in [gps(f64::NAN, 10.0), gps(95.0, 10.0), gps(31.0, 0.0)] {
        assert!(tech.check_out(&id, Some(bad)).is_err());
    }
    assert_eq!(tech.get_order(&id).unwrap().events.len(), before);
}

#[test]
fn photos_are_processed_queued_and_guarded() {
    use crate::workspace::PhotoInput;
    let (mut sup, mut tech, id) = dispatched();
    let jpeg = fieldops_media::samples::jpeg(&fieldops_media::samples::marked(2400, 1200));
    // Not before the technician accepted the order.
    assert!(
        tech.attach_photo(&id, &jpeg, &PhotoInput::default())
            .is_err()
    );
    tech.accept_order(&id).unwrap();
    let checked = tech.check_in(&id, manual(31.2304, 121.4737)).unwrap();
    let event_id = checked.events.last().unwrap().id.clone();
    let o = tech
        .attach_photo(
            &id,
            &jpeg,
            &PhotoInput {
                caption: "铭牌 nameplate".into(),
                event_id: Some(event_id.clone()),
                position: None,
            },
        )
        .unwrap();
    assert_eq!(o.photos.len(), 1);
    let p = &o.photos[0].photo;
    assert_eq!((p.width, p.height), (2048, 1024));
    assert_eq!(p.event_id.as_deref(), Some(event_id.as_str()));
    assert_eq!(p.by, TECH_A);
    // Both files wait in the upload queue, committed with the order.
    let queued: Vec<String> = tech
        .store
        .pending_blobs()
        .unwrap()
        .into_iter()
        .map(|b| b.0)
        .collect();
    assert!(
        queued.contains(&p.hash) && queued.contains(&p.thumb_hash),
        "{queued:?}"
    );
    assert_eq!(
        tech.store.blob(&p.thumb_hash).unwrap().unwrap().0,
        "image/jpeg"
    );

    // Bad input: nothing is saved.
    let before = tech.store.pending_blobs().unwrap().len();
    assert!(
        tech.attach_photo(&id, b"GIF89a...", &PhotoInput::default())
            .is_err()
    );
    let long = PhotoInput {
        caption: "x".repeat(501),
        ..Default::default()
    };
    assert!(tech.attach_photo(&id, &jpeg, &long).is_err());
    let foreign = PhotoInput {
        event_id: Some(crate::model::new_id()),
        ..Default::default()
    };
    assert!(
        tech.attach_photo(&id, &jpeg, &foreign)
            .unwrap_err()
            .to_string()
            .contains("not on this order")
    );
    assert_eq!(tech.store.pending_blobs().unwrap().len(), before);
    assert_eq!(tech.get_order(&id).unwrap().photos.len(), 1);

    // The supervisor's device gets the reference; another technician may not remove it.
    exchange(&tech, &mut sup);
    assert_eq!(sup.get_order(&id).unwrap().photos.len(), 1);
    let (_, doc) = tech.store.load(&id).unwrap().unwrap();
    let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
    let mut forged = doc.clone();
    {
        use automerge::transaction::Transactable;
        let photos = crate::crdt::child_obj(&forged, &automerge::ROOT, "photos").unwrap();
        forged.delete(&photos, o.photos[0].id.as_str()).unwrap();
    }
    let tech_b = Actor {
        user_id: TECH_B.into(),
        role: Role::Technician,
    };
    assert_eq!(refused_path(&tech_b, &old, &forged), "photos");
}

#[test]
fn the_map_shows_sites_check_ins_and_last_positions() {
    use crate::geo::FenceVerdict;
    let (mut sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    let gps = |lat: f64| crate::testing::gps(lat, 121.4737, 10.0);
    tech.check_in(&id, Some(gps(31.2305))).unwrap();
    tech.check_out(&id, Some(gps(31.2344))).unwrap();
    tech.check_in(&id, None).unwrap();
    exchange(&tech, &mut sup);
    let now = crate::model::now_ms();
    let day = sup.map_data(now - 3_600_000, now + 3_600_000).unwrap();
    assert_eq!(day.sites.len(), 1);
    assert_eq!(
        (day.sites[0].status.as_str(), day.sites[0].lat),
        ("on_site", 31.2304)
    );
    let verdicts: Vec<_> = day
        .check_ins
        .iter()
        .map(|c| (c.kind.as_str(), c.verdict))
        .collect();
    assert_eq!(
        verdicts,
        vec![
            ("checked_in", Some(FenceVerdict::Verified)),
            ("checked_out", Some(FenceVerdict::Outside))
        ],
        "the check-in without a position has no point on the map"
    );
    assert_eq!(day.last_positions.len(), 1);
    assert_eq!(
        (
            day.last_positions[0].user_id.as_str(),
            day.last_positions[0].lat
        ),
        (TECH_A, 31.2344)
    );
    // Another day: the open order's site is still there, no check-ins.
    let earlier = sup
        .map_data(now - 10 * 86_400_000, now - 9 * 86_400_000)
        .unwrap();
    assert_eq!((earlier.sites.len(), earlier.check_ins.len()), (1, 0));
    assert!(sup.map_data(now, now).is_err());
}

#[test]
fn check_ins_are_named_by_site_gazetteer_or_the_geocoding_service() {
    use crate::address::AddressSource;
    let (_sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    let at = |lat: f64, lon: f64| crate::testing::gps(lat, lon, 10.0);
    tech.check_in(&id, Some(at(31.2305, 121.4737))).unwrap();
    tech.check_out(&id, Some(at(39.9087, 116.3975))).unwrap();
    let o = tech.get_order(&id).unwrap();
    let a = o.check_ins[0].address.clone().unwrap();
    assert_eq!(a.source, AddressSource::Site);
    assert!(
        a.text.starts_with("上海精密仪器有限公司 · Main plant"),
        "{a:?}"
    );
    let b = o.check_ins[1].address.clone().unwrap();
    assert_eq!(b.source, AddressSource::Gazetteer);
    assert!(b.text.contains("Beijing"), "{b:?}");
    assert_eq!(tech.positions_to_geocode(&id).unwrap().len(), 2);
    tech.cache_geocoded(39.9087, 116.3975, "天安门广场, 东城区, 北京市, 中国")
        .unwrap();
    assert!(tech.cache_geocoded(1.0, 1.0, " ").is_err());
    let o = tech.get_order(&id).unwrap();
    let b = o.check_ins[1].address.clone().unwrap();
    assert_eq!(
        (b.source, b.text.as_str()),
        (AddressSource::Provider, "天安门广场, 东城区, 北京市, 中国")
    );
    assert_eq!(
        tech.positions_to_geocode(&id).unwrap(),
        vec![(31.2305, 121.4737)]
    );
}

/// A deactivated technician stays in the directory (names on old orders) but is offered
/// for no new work, and a dispatch to them is refused with their name.
#[test]
fn a_deactivated_technician_gets_no_new_work() {
    let (mut sup, id) = supervisor_with_order();
    let mut people = crate::testing::directory();
    for u in &mut people {
        if u.id == TECH_A {
            u.active = false;
        }
    }
    sup.store
        .set_meta("directory", &serde_json::to_string(&people).unwrap())
        .unwrap();
    assert!(sup.technicians().unwrap().iter().all(|u| u.id != TECH_A));
    assert!(sup.directory().unwrap().iter().any(|u| u.id == TECH_A));
    let err = sup
        .dispatch_order(&id, &[TECH_A.to_string()], false)
        .unwrap_err();
    assert!(matches!(
        err.body().refusal,
        Some(crate::Refusal::PersonDeactivated { .. })
    ));
}

#[test]
fn only_the_server_writes_the_customers_request_and_rating() {
    let (sup, _, id) = dispatched();
    let (_, doc) = sup.store.load(&id).unwrap().unwrap();
    let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
    let supervisor = Actor {
        user_id: SUPERVISOR.into(),
        role: Role::Supervisor,
    };
    for kind in [EventKind::Requested, EventKind::CustomerRated] {
        let mut forged = doc.clone();
        crate::model::order::append_event(
            &mut forged,
            &OrderEvent {
                stars: Some(5),
                ..OrderEvent::new(kind, SUPERVISOR)
            },
        )
        .unwrap();
        let v = authority::check(
            &supervisor,
            Some(&old),
            &TypedDoc::parse(DocType::Order, &forged).unwrap(),
        )
        .unwrap_err();
        assert!(v.rule.contains("portal"), "{kind:?}: {v:?}");
    }
    let mut forged = doc.clone();
    crate::model::order::set_request(
        &mut forged,
        &crate::model::order::CustomerRequest {
            contact_name: "冒充".into(),
            contact_phone: "110".into(),
            contact_email: String::new(),
            preferred_time: String::new(),
            language: "zh-CN".into(),
            via: "machine".into(),
        },
    )
    .unwrap();
    let v = authority::check(
        &supervisor,
        Some(&old),
        &TypedDoc::parse(DocType::Order, &forged).unwrap(),
    )
    .unwrap_err();
    assert_eq!(v.path, "header.request");
}

fn service_fee(price: i64) -> ChargeInput {
    ChargeInput {
        kind: ChargeKind::ServiceFee,
        description: "Visit".into(),
        quantity_milli: 1000,
        unit_price_minor: price,
        discount_bp: 0,
        tax_rate_bp: 600,
        currency: "CNY".into(),
    }
}

#[test]
fn the_signed_worksheet_is_locked_until_a_supervisor_withdraws_the_signature() {
    let (mut sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    tech.check_in(&id, None).unwrap();
    tick_required(&mut tech, &id);
    tech.put_charge(&id, None, &service_fee(30_000)).unwrap();
    let signed = tech
        .capture_signature(&id, &crate::blob::tiny_png(), "王先生")
        .unwrap();
    assert!(
        signed.actions.contains(&Action::FieldEntry),
        "photos still go on"
    );
    assert!(!signed.actions.contains(&Action::Worksheet));
    // Charges, parts, checklist and the signature itself stay as the customer signed them.
    let refused = |e: crate::DeviceError| e.body().refusal;
    assert_eq!(
        refused(tech.put_charge(&id, None, &service_fee(1)).unwrap_err()),
        Some(crate::Refusal::SignedWorksheet)
    );
    let line = signed.charges[0].id.clone();
    assert_eq!(
        refused(tech.delete_charge(&id, &line).unwrap_err()),
        Some(crate::Refusal::SignedWorksheet)
    );
    let item = signed.checklist[0].id.clone();
    assert_eq!(
        refused(tech.set_checklist_item(&id, &item, false).unwrap_err()),
        Some(crate::Refusal::SignedWorksheet)
    );
    assert_eq!(
        refused(
            tech.capture_signature(&id, &crate::blob::tiny_png(), "someone else")
                .unwrap_err()
        ),
        Some(crate::Refusal::SignedWorksheet)
    );
    // Only a supervisor withdraws the signature, with a reason the timeline keeps.
    assert!(tech.withdraw_signature(&id, "wrong price").is_err());
    exchange(&tech, &mut sup);
    assert!(
        sup.get_order(&id)
            .unwrap()
            .actions
            .contains(&Action::WithdrawSignature)
    );
    let withdrawn = sup.withdraw_signature(&id, "wrong price").unwrap();
    assert!(withdrawn.signature.is_none());
    let event = withdrawn.events.last().unwrap();
    assert_eq!(
        (event.kind, event.reason.as_deref()),
        (EventKind::SignatureWithdrawn, Some("wrong price"))
    );
    assert_eq!(
        withdrawn.summary.status, "on_site",
        "the status does not move"
    );
    exchange(&sup, &mut tech);
    let open = tech
        .put_charge(&id, Some(&line), &service_fee(25_000))
        .unwrap();
    assert_eq!(open.charges[0].line.unit_price_minor, 25_000);
    assert!(open.missing_required.iter().any(|m| m == "signature") || !open.signature_required);
}

#[test]
fn technicians_change_nothing_after_completion_and_see_no_costs() {
    let (mut sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    tech.check_in(&id, None).unwrap();
    tick_required(&mut tech, &id);
    tech.put_charge(&id, None, &service_fee(30_000)).unwrap();
    let done = tech.complete_order(&id, "fixed").unwrap();
    assert!(!done.actions.contains(&Action::Worksheet));
    assert_eq!(
        tech.put_charge(&id, None, &service_fee(1))
            .unwrap_err()
            .body()
            .refusal,
        Some(crate::Refusal::NotNow {
            status: crate::model::order::Status::Completed
        })
    );
    exchange(&tech, &mut sup);
    // The supervisor still corrects an unsigned worksheet before settling.
    let sup_view = sup.get_order(&id).unwrap();
    assert!(sup_view.actions.contains(&Action::Worksheet));
    assert!(sup_view.sees_costs);
    // Settling without costs needs the supervisor's word; with costs it does not.
    assert!(sup_view.costs_missing);
    assert_eq!(
        sup.settle_order(&id, false).unwrap_err().body().refusal,
        Some(crate::Refusal::CostsMissing)
    );
    sup.put_cost(
        &id,
        None,
        &CostInput {
            kind: CostKind::Labour,
            description: "1 h".into(),
            quantity_milli: 1000,
            unit_cost_minor: 9_000,
            currency: "CNY".into(),
        },
    )
    .unwrap();
    exchange(&sup, &mut tech);
    let tech_view = tech.get_order(&id).unwrap();
    assert!(!tech_view.sees_costs);
    assert!(
        tech_view.costs.is_empty(),
        "cost lines stay off the technician's screen"
    );
    assert!(!sup.get_order(&id).unwrap().costs_missing);
    assert_eq!(
        sup.settle_order(&id, false).unwrap().summary.status,
        "settled"
    );
}

#[test]
fn settling_without_costs_goes_through_when_the_supervisor_says_so() {
    let (mut sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    tech.check_in(&id, None).unwrap();
    tick_required(&mut tech, &id);
    tech.complete_order(&id, "fixed").unwrap();
    exchange(&tech, &mut sup);
    assert_eq!(
        sup.settle_order(&id, true).unwrap().summary.status,
        "settled"
    );
}
