use super::*;
use crate::model::order::{self, CUSTOMER_USER, OrderEvent, OrderType, Priority};
use crate::model::settings::default_template;
use automerge::AutoCommit;

const MACHINE: &str = "0190a000-0000-7000-8000-000000000003";

fn input() -> RequestInput {
    RequestInput {
        order_type: OrderType::Repair,
        urgency: Priority::High,
        description: "  The compressor stops after ten minutes  ".into(),
        contact_name: "李先生".into(),
        contact_phone: "138 0013 8000".into(),
        contact_email: String::new(),
        preferred_time: "明天上午".into(),
        equipment_id: None,
        photos: vec![PortalPhoto {
            hash: "a".repeat(64),
            thumb_hash: "b".repeat(64),
            width: 1600,
            height: 1200,
        }],
        language: Language::ZhCn,
    }
}

fn target() -> RequestTarget {
    RequestTarget {
        customer_id: "0190a000-0000-7000-8000-000000000001".into(),
        site_id: "0190a000-0000-7000-8000-000000000002".into(),
        equipment_id: Some(MACHINE.into()),
        project_id: None,
        machine_name: Some("Chiller 3".into()),
    }
}

fn requested() -> AutoCommit {
    let mut doc = AutoCommit::new();
    let checked = input().check().unwrap();
    new_request_order(
        &mut doc,
        "0190a000-0000-7000-8000-000000000004",
        &checked,
        LinkKind::Machine,
        &target(),
        480,
        &default_template(OrderType::Repair),
    )
    .unwrap();
    doc
}

fn add(doc: &mut AutoCommit, kind: EventKind, by: &str, at: i64, edit: impl Fn(&mut OrderEvent)) {
    let mut e = OrderEvent::new(kind, by);
    e.at = at;
    edit(&mut e);
    order::append_event(doc, &e).unwrap();
}

fn doc_of(doc: &AutoCommit) -> OrderDoc {
    OrderDoc::from_doc(doc).unwrap()
}

#[test]
fn a_request_waits_for_a_supervisor_and_keeps_what_the_customer_wrote() {
    let doc = requested();
    let o = doc_of(&doc);
    assert_eq!(o.state().status, Status::Requested);
    assert!(o.state().status.is_open());
    let r = o.header.request.as_ref().unwrap();
    assert_eq!(r.contact_name, "李先生");
    assert_eq!(r.via, "machine");
    assert_eq!(
        o.header.description,
        "Chiller 3: The compressor stops after ten minutes"
    );
    assert_eq!(o.header.equipment_ids, vec![MACHINE.to_string()]);
    assert_eq!(o.photos.len(), 1);
    assert_eq!(o.events[0].by, CUSTOMER_USER);
    let t = tracking(&o, "Acme", Some("Chiller 3".into()), |_| None, |_| None);
    assert_eq!(t.current, Step::Received);
    assert!(t.steps[0].at.is_some() && t.steps[1].at.is_none());
    assert_eq!(t.photos, 1);
    assert!(!t.may_rate);
}

#[test]
fn the_page_follows_each_step_and_shows_a_first_name_only() {
    let mut doc = requested();
    add(
        &mut doc,
        EventKind::RequestAccepted,
        "sup",
        10_000_000_000_000,
        |_| {},
    );
    assert_eq!(doc_of(&doc).state().status, Status::New);
    add(
        &mut doc,
        EventKind::Dispatched,
        "sup",
        10_000_000_000_001,
        |e| e.to = vec!["tech".into()],
    );
    add(
        &mut doc,
        EventKind::SharedNote,
        "sup",
        10_000_000_000_002,
        |e| e.comment = Some("Bring the ladder".into()),
    );
    add(
        &mut doc,
        EventKind::Accepted,
        "tech",
        10_000_000_000_003,
        |_| {},
    );
    add(
        &mut doc,
        EventKind::Travelling,
        "tech",
        10_000_000_000_004,
        |_| {},
    );
    let o = doc_of(&doc);
    let t = tracking(
        &o,
        "Acme",
        None,
        |id| (id == "tech").then(|| "张伟".to_string()),
        |id| (id == "tech").then(|| "13900000000".to_string()),
    );
    assert_eq!(t.current, Step::OnTheWay);
    assert_eq!(t.technician.as_deref(), Some("张师傅"));
    assert_eq!(t.technician_phone.as_deref(), Some("13900000000"));
    assert_eq!(t.notes.len(), 1);
    assert_eq!(
        steps_to_tell(&o),
        vec![
            Step::Received,
            Step::Accepted,
            Step::Assigned,
            Step::OnTheWay
        ]
    );
    assert_eq!(public_name("Wei Zhang"), "Wei");
    add(
        &mut doc,
        EventKind::CheckedIn,
        "tech",
        10_000_000_000_005,
        |_| {},
    );
    add(
        &mut doc,
        EventKind::Completed,
        "tech",
        10_000_000_000_006,
        |_| {},
    );
    let o = doc_of(&doc);
    let t = tracking(&o, "Acme", None, |_| None, |_| None);
    assert_eq!(t.current, Step::Completed);
    assert!(t.may_rate);
    assert!(steps_to_tell(&o).contains(&Step::Completed));
    assert!(!steps_to_tell(&o).contains(&Step::OnSite));
}

#[test]
fn a_rating_comes_once_and_only_after_completion() {
    let mut doc = requested();
    let five = RatingInput {
        stars: 5,
        comment: " quick and clean ".into(),
    };
    assert!(matches!(
        check_rating(&doc_of(&doc), &five),
        Err(DomainError::Refused(Refusal::NotNow { .. }))
    ));
    add(
        &mut doc,
        EventKind::Dispatched,
        "sup",
        10_000_000_000_001,
        |e| e.to = vec!["tech".into()],
    );
    add(
        &mut doc,
        EventKind::Accepted,
        "tech",
        10_000_000_000_002,
        |_| {},
    );
    add(
        &mut doc,
        EventKind::CheckedIn,
        "tech",
        10_000_000_000_003,
        |_| {},
    );
    add(
        &mut doc,
        EventKind::Completed,
        "tech",
        10_000_000_000_004,
        |_| {},
    );
    let zero = RatingInput {
        stars: 0,
        comment: String::new(),
    };
    assert!(matches!(
        check_rating(&doc_of(&doc), &zero),
        Err(DomainError::Refused(Refusal::RatingOutOfRange))
    ));
    let ok = check_rating(&doc_of(&doc), &five).unwrap();
    assert_eq!(ok.comment, "quick and clean");
    add(
        &mut doc,
        EventKind::CustomerRated,
        CUSTOMER_USER,
        10_000_000_000_005,
        |e| {
            e.stars = Some(ok.stars);
            e.comment = Some(ok.comment.clone());
        },
    );
    let o = doc_of(&doc);
    assert_eq!(
        o.state().customer_rating,
        Some((5, "quick and clean".into()))
    );
    assert!(matches!(
        check_rating(&o, &five),
        Err(DomainError::Refused(Refusal::AlreadyRated))
    ));
}

#[test]
fn a_declined_request_says_why() {
    let mut doc = requested();
    add(
        &mut doc,
        EventKind::Cancelled,
        "sup",
        10_000_000_000_001,
        |e| e.reason = Some("Not a machine we service".into()),
    );
    let o = doc_of(&doc);
    assert!(o.state().declined);
    let t = tracking(&o, "Acme", None, |_| None, |_| None);
    assert_eq!(t.current, Step::Declined);
    assert_eq!(t.reason.as_deref(), Some("Not a machine we service"));
    assert_eq!(steps_to_tell(&o), vec![Step::Received, Step::Declined]);
    let m = step_message(
        Step::Declined,
        "WO-1",
        "Acme",
        "http://x/portal/#t/abc",
        None,
        t.reason.as_deref(),
        Language::En,
    );
    assert!(m.body.contains("Not a machine we service"), "{}", m.body);
}

#[test]
fn bad_requests_are_refused_with_the_field_at_fault() {
    let long = RequestInput {
        description: "x".repeat(100_000),
        ..input()
    };
    assert_eq!(
        long.check().unwrap_err().field_problem().map(|p| p.field),
        Some(Field::Description)
    );
    let phone = RequestInput {
        contact_phone: "call me".into(),
        ..input()
    };
    assert_eq!(
        phone.check().unwrap_err().field_problem().map(|p| p.field),
        Some(Field::Phone)
    );
    let email = RequestInput {
        contact_email: "not-an-address".into(),
        ..input()
    };
    assert_eq!(
        email.check().unwrap_err().field_problem().map(|p| p.field),
        Some(Field::Email)
    );
    let photos = RequestInput {
        photos: vec![input().photos[0].clone(); 7],
        ..input()
    };
    assert!(matches!(
        photos.check(),
        Err(DomainError::Refused(Refusal::TooManyPhotos { max: 6 }))
    ));
    let kind = RequestInput {
        order_type: OrderType::Training,
        ..input()
    };
    assert!(matches!(
        kind.check(),
        Err(DomainError::Refused(Refusal::TypeNotOffered))
    ));
    let empty = RequestInput {
        description: "   ".into(),
        ..input()
    };
    assert!(empty.check().is_err());
}

#[test]
fn links_carry_the_token_in_the_fragment() {
    assert_eq!(
        link_url("https://svc.example.com/", LinkKind::Machine, "tok"),
        "https://svc.example.com/portal/#m/tok"
    );
    assert_eq!(LinkKind::parse("track"), Some(LinkKind::Track));
    assert_eq!(LinkKind::parse("admin"), None);
}
