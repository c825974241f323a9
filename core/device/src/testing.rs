//! Helpers shared by this crate's unit and property tests.

use base64::Engine;

use crate::geo::Position;
use crate::model::Role;
use crate::model::customer::{CustomerInput, SiteInput};
use crate::model::order::{OrderInput, OrderType, Priority};
use crate::protocol::{PullDoc, PullKind, SyncResponse, UserInfo};
use crate::sync::{Pushed, SyncReport, apply_response};
use crate::workspace::{Session, Workspace};

pub const SUPERVISOR: &str = "00000000-0000-7000-8000-000000000001";
pub const TECH_A: &str = "00000000-0000-7000-8000-0000000000a1";
pub const TECH_B: &str = "00000000-0000-7000-8000-0000000000b1";

pub fn directory() -> Vec<UserInfo> {
    vec![
        UserInfo {
            id: SUPERVISOR.into(),
            login: "sup".into(),
            name: "Supervisor".into(),
            role: Role::Supervisor,
            active: true,
        },
        UserInfo {
            id: TECH_A.into(),
            login: "ta".into(),
            name: "Tech A".into(),
            role: Role::Technician,
            active: true,
        },
        UserInfo {
            id: TECH_B.into(),
            login: "tb".into(),
            name: "Tech B".into(),
            role: Role::Technician,
            active: true,
        },
    ]
}

/// A signed-in workspace in memory for `user_id` with `role`.
pub fn workspace(user_id: &str, role: Role) -> Workspace {
    let mut ws = Workspace::open_in_memory().unwrap();
    let user = directory()
        .into_iter()
        .find(|u| u.id == user_id)
        .unwrap_or(UserInfo {
            id: user_id.into(),
            login: user_id.into(),
            name: user_id.into(),
            role,
            active: true,
        });
    let user = UserInfo { role, ..user };
    ws.begin_login("acme", &user.login).unwrap();
    let session = Session {
        server_url: "http://127.0.0.1:1".into(),
        tenant: "acme".into(),
        user: user.clone(),
        device_id: "d".into(),
    };
    ws.set_session(session, &user.login).unwrap();
    ws.store
        .set_meta("directory", &serde_json::to_string(&directory()).unwrap())
        .unwrap();
    ws
}

pub fn customer_input(name: &str) -> CustomerInput {
    CustomerInput {
        name: name.into(),
        phone: "+86 21 5555 0101".into(),
        region: "华东".into(),
        sites: vec![SiteInput {
            id: None,
            name: "Main plant".into(),
            address: "Pudong, Shanghai".into(),
            lat: 31.2304,
            lon: 121.4737,
            geofence_m: None,
        }],
        contacts: Vec::new(),
        report_language: Default::default(),
    }
}

pub fn order_input(customer_id: &str, site_id: &str, description: &str) -> OrderInput {
    OrderInput {
        order_type: OrderType::Repair,
        priority: Priority::Normal,
        customer_id: customer_id.into(),
        site_id: site_id.into(),
        equipment_ids: vec![],
        project_id: None,
        description: description.into(),
        scheduled_start: None,
        scheduled_end: None,
    }
}

/// A machine at the customer's first site: its name, model and serial, nothing else filled in.
pub fn machine_at(
    c: &crate::workspace::CustomerView,
    name: &str,
    model: &str,
    serial: &str,
) -> crate::model::equipment::EquipmentInfo {
    crate::model::equipment::EquipmentInfo {
        name: name.into(),
        model: model.into(),
        serial: serial.into(),
        customer_id: c.id.clone(),
        site_id: c.sites[0].id.clone(),
        project_id: None,
        installed_on: None,
        warranty_until: None,
        maintenance_interval_days: None,
        notes: String::new(),
    }
}

/// Send every document of `from` to `to` through the same code path a pull takes.
pub fn exchange(from: &Workspace, to: &mut Workspace) {
    let mut stmt = from
        .store
        .conn()
        .prepare("SELECT id, doc_type FROM documents")
        .unwrap();
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let pull: Vec<PullDoc> = rows
        .into_iter()
        .map(|(doc, doc_type)| {
            let bytes = from.store.document_bytes(&doc).unwrap().unwrap();
            PullDoc {
                doc,
                doc_type,
                kind: PullKind::Snapshot,
                data: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
            }
        })
        .collect();
    let cursor = crate::sync::cursor(&to.store).unwrap();
    apply_response(
        &mut to.store,
        &Pushed::none(),
        &pull_response(pull, cursor),
        &mut SyncReport::default(),
    )
    .unwrap();
}

/// A server's answer that only brings `pull` and moves the cursor to `cursor`.
pub fn pull_response(pull: Vec<PullDoc>, cursor: u64) -> SyncResponse {
    SyncResponse {
        accepted: vec![],
        rejected: vec![],
        pull,
        cursor,
        more: false,
        directory: None,
        wipe: false,
        catch_up: None,
    }
}

pub use crate::test_steps::tick_required;

/// A position as a phone's GPS reports it.
pub fn gps(lat: f64, lon: f64, accuracy_m: f64) -> Position {
    Position {
        lat,
        lon,
        accuracy_m: Some(accuracy_m),
        altitude_m: None,
        mock: None,
        source: "gps".into(),
    }
}

/// Put the tenant's settings document into a store, as the server's first sync would.
pub fn with_settings(ws: &mut Workspace) {
    let mut doc = automerge::AutoCommit::new();
    let id = crate::model::settings::new_settings_doc(&mut doc, "acme").unwrap();
    ws.store
        .commit_local(crate::model::DocType::Settings, &id, &mut doc)
        .unwrap();
    ws.store
        .conn()
        .execute("UPDATE documents SET dirty = 0", [])
        .unwrap();
}
