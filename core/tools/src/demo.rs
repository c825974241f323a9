//! `demo-data`: a realistic small service company, written through core's typed API (so it
//! obeys the same rules as real edits) and stored as server-made documents.

use fieldops_device::model::Role;
use fieldops_device::model::customer::{
    Contact, ContactInput, CustomerInput, ReportLanguage, SiteInput,
};
use fieldops_device::model::equipment::EquipmentInfo;
use fieldops_device::model::order::{ChargeKind, CostKind, OrderInput, OrderType, Priority};
use fieldops_device::model::plan::{PeriodUnit, Plan, PlanAnchor, PlanKind};
use fieldops_device::model::project::{ProjectInfo, ProjectStatus};
use fieldops_device::model::stock::{LocationKind, MovementKind, PartInfo};
use fieldops_device::protocol::UserInfo;
use fieldops_device::workspace::{ChargeInput, CostInput, Session, Workspace};

use crate::error::{Result, ToolError};
use fieldops_sync_server::ServerError;
use fieldops_sync_server::auth::hash_password;
use fieldops_sync_server::storage::{DynStorage, UserRecord};

pub const DEMO_PASSWORD: &str = "fieldops-demo";

struct DemoUser {
    login: &'static str,
    name: &'static str,
    role: Role,
}

const USERS: &[DemoUser] = &[
    DemoUser {
        login: "admin",
        name: "管理员 Admin",
        role: Role::Admin,
    },
    DemoUser {
        login: "chen.jing",
        name: "陈静 Chen Jing",
        role: Role::Supervisor,
    },
    DemoUser {
        login: "zhang.wei",
        name: "张伟 Zhang Wei",
        role: Role::Technician,
    },
    DemoUser {
        login: "li.na",
        name: "李娜 Li Na",
        role: Role::Technician,
    },
    DemoUser {
        login: "wang.fang",
        name: "王芳 Wang Fang",
        role: Role::Technician,
    },
    DemoUser {
        login: "zhao.lei",
        name: "赵磊 Zhao Lei",
        role: Role::Warehouse,
    },
];

/// (customer, phone, site, address, lat, lon)
/// The person to call at each demo customer, and their role.
const DEMO_CONTACTS: &[(&str, &str)] = &[
    ("王建国", "设备科科长 Head of equipment"),
    ("李敏", "生产主管 Production lead"),
    ("Sarah Chen", "Plant manager"),
    ("周涛", "机房主管 Data hall lead"),
    ("赵磊", "采购 Purchasing"),
    ("Anna Lindqvist", "Lab manager"),
];

const CUSTOMERS: &[(&str, &str, &str, &str, f64, f64)] = &[
    (
        "上海华东医疗设备有限公司",
        "+86 21 5080 1234",
        "张江工厂",
        "上海市浦东新区张江高科技园区蔡伦路 88 号",
        31.2036,
        121.5906,
    ),
    (
        "北京精工仪器厂",
        "+86 10 6788 2200",
        "亦庄生产基地",
        "北京市大兴区亦庄经济技术开发区科创十三街 6 号",
        39.7953,
        116.5060,
    ),
    (
        "深圳创新暖通工程",
        "+86 755 2655 9000",
        "南山总部机房",
        "深圳市南山区科技园南区深南大道 9966 号",
        22.5333,
        113.9304,
    ),
    (
        "杭州西湖数据中心",
        "+86 571 8702 3300",
        "西湖 A 栋",
        "杭州市西湖区文三路 478 号",
        30.2741,
        120.1551,
    ),
    (
        "广州白云制冷设备",
        "+86 20 8666 7788",
        "白云仓库",
        "广州市白云区机场路 1960 号",
        23.1291,
        113.2644,
    ),
    (
        "Nordic Lab Instruments AB",
        "+46 8 555 010 00",
        "Kista lab",
        "Isafjordsgatan 22, 164 40 Kista, Stockholm",
        59.4032,
        17.9442,
    ),
];

/// (customer, name, model, serial, installed on, warranty until, maintenance every n days)
const EQUIPMENT: &[(usize, &str, &str, &str, &str, &str, i64)] = &[
    (
        0,
        "CT 扫描仪 1 号",
        "Siemens SOMATOM go.Up",
        "SMT-88412",
        "2023-04-12",
        "2026-04-11",
        90,
    ),
    (
        1,
        "三坐标测量机 CMM",
        "Hexagon GLOBAL S 9.12.8",
        "HX-2026-0311",
        "2026-11-20",
        "2028-11-19",
        180,
    ),
    (
        1,
        "激光干涉仪",
        "Renishaw XL-80",
        "RN-XL80-7730",
        "2022-08-01",
        "2025-07-31",
        365,
    ),
    (
        2,
        "2 号冷水机组",
        "Carrier 30XA-252",
        "CR-30XA-5521",
        "2021-06-15",
        "2024-06-14",
        90,
    ),
    (
        3,
        "UPS 主机",
        "APC Symmetra PX 250",
        "APC-PX-11907",
        "2024-01-08",
        "2027-01-07",
        180,
    ),
    (
        4,
        "冷库压缩机",
        "Bitzer 4NES-20",
        "BZ-4NES-0923",
        "2020-10-30",
        "2023-10-29",
        120,
    ),
    (
        5,
        "FT-IR spectrometer",
        "Bruker INVENIO-S",
        "BRK-INV-4410",
        "2025-02-03",
        "2027-02-02",
        180,
    ),
];

struct DemoOrder {
    customer: usize,
    order_type: OrderType,
    priority: Priority,
    description: &'static str,
    /// Index into the demo technicians.
    technician: Option<usize>,
    stage: Stage,
}

/// How far the demo takes an order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Open,
    Accepted,
    Completed,
    Settled,
}

const ORDERS: &[DemoOrder] = &[
    DemoOrder {
        customer: 0,
        order_type: OrderType::Repair,
        priority: Priority::Urgent,
        description: "CT 扫描仪冷却泵报警 E-214，设备停机。Cooling pump alarm, scanner down.",
        technician: Some(0),
        stage: Stage::Accepted,
    },
    DemoOrder {
        customer: 0,
        order_type: OrderType::Maintenance,
        priority: Priority::Normal,
        description: "季度保养：更换过滤器，校准探头。Quarterly maintenance.",
        technician: Some(1),
        stage: Stage::Open,
    },
    DemoOrder {
        customer: 1,
        order_type: OrderType::Installation,
        priority: Priority::High,
        description: "新三坐标测量机安装调试。Install and commission new CMM.",
        technician: Some(2),
        stage: Stage::Completed,
    },
    DemoOrder {
        customer: 1,
        order_type: OrderType::Inspection,
        priority: Priority::Normal,
        description: "年度安全巡检。Annual safety inspection.",
        technician: None,
        stage: Stage::Open,
    },
    DemoOrder {
        customer: 2,
        order_type: OrderType::Repair,
        priority: Priority::High,
        description: "冷水机组压缩机异响。Chiller compressor noise.",
        technician: Some(0),
        stage: Stage::Open,
    },
    DemoOrder {
        customer: 3,
        order_type: OrderType::Upgrade,
        priority: Priority::Normal,
        description: "UPS 固件升级至 v5.2。UPS firmware upgrade.",
        technician: Some(1),
        stage: Stage::Settled,
    },
    DemoOrder {
        customer: 3,
        order_type: OrderType::Testing,
        priority: Priority::Low,
        description: "备用发电机负载测试。Generator load test.",
        technician: None,
        stage: Stage::Open,
    },
    DemoOrder {
        customer: 4,
        order_type: OrderType::Training,
        priority: Priority::Low,
        description: "新员工设备操作培训。Operator training for new staff.",
        technician: Some(2),
        stage: Stage::Open,
    },
    DemoOrder {
        customer: 5,
        order_type: OrderType::Complaint,
        priority: Priority::High,
        description: "Customer reports repeated calibration drift after last visit.",
        technician: Some(1),
        stage: Stage::Open,
    },
    DemoOrder {
        customer: 5,
        order_type: OrderType::Maintenance,
        priority: Priority::Normal,
        description: "Semi-annual preventive maintenance of spectrometers.",
        technician: None,
        stage: Stage::Open,
    },
];

/// The technician's side of a finished visit: check in, tick the checklist, charge, the
/// customer's signature (last: it closes the worksheet) where the type needs one, complete,
/// and the customer's rating.
fn work_to_completion(ws: &mut Workspace, order_id: &str) -> Result<()> {
    ws.check_in(order_id, None)?;
    let order = ws.get_order(order_id)?;
    for item in order.checklist {
        ws.set_checklist_item(order_id, &item.id, true)?;
    }
    ws.put_charge(
        order_id,
        None,
        &ChargeInput {
            kind: ChargeKind::ServiceFee,
            description: "现场服务 on-site service".into(),
            quantity_milli: 3000,
            unit_price_minor: 30_000,
            discount_bp: 0,
            tax_rate_bp: 600,
            currency: "CNY".into(),
        },
    )?;
    if order.signature_required {
        ws.capture_signature(order_id, &demo_signature_png(), "刘工 Liu")?;
    }
    ws.complete_order(
        order_id,
        "调试完成，客户验收 / commissioned and accepted by the customer",
    )?;
    ws.rate_order(order_id, 5, "工程师很专业 very professional")?;
    Ok(())
}

/// A 240×80 grayscale PNG of a pen stroke, so demo signatures look like signatures. Written
/// with stored (uncompressed) deflate blocks: no compression library needed for 19 kB.
fn demo_signature_png() -> Vec<u8> {
    let (w, h) = (240u32, 80u32);
    let mut raw = Vec::with_capacity(((w + 1) * h) as usize);
    for y in 0..h {
        raw.push(0); // PNG filter type: none
        for x in 0..w {
            let fx = f64::from(x) / f64::from(w);
            let curve =
                40.0 + 22.0 * (fx * 11.0).sin() * (1.0 - fx * 0.6) + 6.0 * (fx * 31.0).cos();
            let ink = (f64::from(y) - curve).abs() < 1.6 && x > 10 && x < w - 10;
            raw.push(if ink { 20 } else { 255 });
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend(len.to_le_bytes());
        zlib.extend((!len).to_le_bytes());
        zlib.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend(((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        png.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(&data);
        png.extend(&body);
        png.extend(fieldops_device::blob::crc32(&body).to_be_bytes());
    }
    png
}

pub async fn create(storage: &DynStorage, tenant: &str) -> Result<String> {
    if storage.tenant_exists(tenant).await? && !storage.directory(tenant).await?.1.is_empty() {
        return Err(ToolError::Failed(format!(
            "tenant '{tenant}' already has users; demo data is only for an empty tenant"
        )));
    }
    storage.ensure_tenant(tenant).await?;
    // The letterhead of the demo company's service reports.
    fieldops_sync_server::sync::ensure_settings_with(storage, tenant, |doc| {
        fieldops_device::model::settings::set_company_profile(
            doc,
            &fieldops_device::model::settings::CompanyProfile {
                name: "华东智能装备服务有限公司 East China Equipment Services".into(),
                address: "上海市浦东新区张江路 88 号 · 88 Zhangjiang Rd, Shanghai".into(),
                phone: "+86 21 5555 0100".into(),
                logo_png_base64: String::new(),
            },
        )
    })
    .await?;
    let mut users = Vec::new();
    for u in USERS {
        let info = UserInfo {
            id: uuid::Uuid::now_v7().to_string(),
            login: u.login.into(),
            name: u.name.into(),
            role: u.role,
            active: true,
        };
        let password_hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
            .await
            .map_err(|e| ServerError::Storage(e.to_string()))??;
        storage
            .add_user(
                tenant,
                &UserRecord {
                    info: info.clone(),
                    password_hash,
                },
            )
            .await?;
        users.push(info);
    }
    let (docs, blobs) = build_documents(tenant, &users)?;
    for (hash, content_type, bytes) in blobs {
        storage
            .put_blob(tenant, &hash, &content_type, &bytes)
            .await?;
    }
    let mut count = 0;
    for (doc_type, mut doc) in docs {
        fieldops_sync_server::sync::store_server_doc(storage, tenant, doc_type, &mut doc).await?;
        count += 1;
    }
    Ok(format!(
        "tenant '{tenant}': {} users (password '{DEMO_PASSWORD}'): {}; {count} documents",
        users.len(),
        users
            .iter()
            .map(|u| format!("{} ({})", u.login, u.role.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

type DemoBlobs = Vec<(String, String, Vec<u8>)>;

fn build_documents(
    tenant: &str,
    users: &[UserInfo],
) -> Result<(
    Vec<(fieldops_device::model::DocType, automerge::AutoCommit)>,
    DemoBlobs,
)> {
    let supervisor = users
        .iter()
        .find(|u| u.role == Role::Supervisor)
        .cloned()
        .ok_or_else(|| ServerError::Storage("no supervisor".into()))?;
    let techs: Vec<&UserInfo> = users
        .iter()
        .filter(|u| u.role == Role::Technician)
        .collect();
    let mut ws = Workspace::open_in_memory()?;
    let session = |user: &UserInfo| Session {
        server_url: "http://server".into(),
        tenant: tenant.into(),
        user: user.clone(),
        device_id: "server".into(),
    };
    ws.set_session(session(&supervisor), &supervisor.login)?;
    ws.store.set_meta(
        "directory",
        &serde_json::to_string(users).unwrap_or_default(),
    )?;
    let mut customers: Vec<fieldops_device::workspace::CustomerView> = Vec::new();
    for (i, (name, phone, site, address, lat, lon)) in CUSTOMERS.iter().enumerate() {
        // The service regions the demo company is organised in.
        let region = if address.starts_with("北京") {
            "华北"
        } else if address.starts_with("深圳") || address.starts_with("广州") {
            "华南"
        } else {
            "华东"
        };
        customers.push(ws.create_customer(&CustomerInput {
            name: (*name).into(),
            phone: (*phone).into(),
            region: region.into(),
            sites: vec![SiteInput {
                id: None,
                name: (*site).into(),
                address: (*address).into(),
                lat: *lat,
                lon: *lon,
                geofence_m: None,
            }],
            contacts: vec![ContactInput {
                id: None,
                contact: Contact {
                    name: DEMO_CONTACTS[i % DEMO_CONTACTS.len()].0.into(),
                    role: DEMO_CONTACTS[i % DEMO_CONTACTS.len()].1.into(),
                    phone: (*phone).into(),
                    email: String::new(),
                },
            }],
            // The Swedish customer reads its reports in English only.
            report_language: if name.is_ascii() {
                ReportLanguage::En
            } else {
                ReportLanguage::Both
            },
        })?);
    }
    // The new CMM's installation at customer 1 is a project; its orders belong to it.
    let project = ws.create_project(&ProjectInfo {
        name: "亦庄新厂设备安装 Yizhuang plant fit-out".into(),
        code: "PRJ-2026-011".into(),
        customer_id: customers[1].id.clone(),
        status: ProjectStatus::Active,
        start_on: Some("2026-11-01".into()),
        end_on: Some("2027-03-31".into()),
        budget_minor: Some(28_000_000),
        currency: "CNY".into(),
        description: "Installation, commissioning and acceptance testing of the new metrology lab."
            .into(),
    })?;
    let mut machines: Vec<(usize, String)> = Vec::new();
    for (c, name, model, serial, installed, warranty, every) in EQUIPMENT {
        let customer = &customers[*c];
        let m = ws.create_equipment(&EquipmentInfo {
            name: (*name).into(),
            model: (*model).into(),
            serial: (*serial).into(),
            customer_id: customer.id.clone(),
            site_id: customer.sites[0].id.clone(),
            project_id: (*c == 1).then(|| project.id.clone()),
            installed_on: Some((*installed).into()),
            warranty_until: Some((*warranty).into()),
            maintenance_interval_days: Some(*every),
            notes: String::new(),
        })?;
        machines.push((*c, m.id));
    }
    // A quarterly inspection plan on the first machine, its next visit in five days.
    let today = chrono::Utc::now().date_naive();
    if let Some((_, first)) = machines.first() {
        ws.save_plan(
            first,
            None,
            &Plan {
                name: "季度巡检 Quarterly inspection".into(),
                kind: PlanKind::Inspection,
                every: 3,
                unit: PeriodUnit::Months,
                start: (today + chrono::Days::new(5)).to_string(),
                end: None,
                anchor: PlanAnchor::Planned,
                order_type: OrderType::Inspection,
                duration_min: 90,
                technician_id: None,
                days_ahead: 7,
                rule: None,
            },
        )?;
    }
    let mut accepts = Vec::new();
    for (i, o) in ORDERS.iter().enumerate() {
        let customer = &customers[o.customer];
        let start = today
            .and_hms_opt(1 + (i as u32 % 8), 0, 0)
            .map(|t| t.and_utc().timestamp_millis());
        let order = ws.create_order(&OrderInput {
            order_type: o.order_type,
            priority: o.priority,
            customer_id: customer.id.clone(),
            site_id: customer.sites[0].id.clone(),
            // Each order names its customer's first machine.
            equipment_ids: machines
                .iter()
                .find(|(c, _)| *c == o.customer)
                .map(|(_, id)| id.clone())
                .into_iter()
                .collect(),
            project_id: (o.customer == 1).then(|| project.id.clone()),
            description: o.description.into(),
            scheduled_start: start,
            scheduled_end: start.map(|s| s + 2 * 3600 * 1000),
        })?;
        if let Some(t) = o.technician {
            ws.dispatch_order(&order.summary.id, &[techs[t].id.clone()], false)?;
            if o.stage >= Stage::Accepted {
                accepts.push((order.summary.id.clone(), techs[t].clone(), o.stage));
            }
        }
    }
    for (order_id, tech, stage) in accepts {
        ws.set_session(session(&tech), &tech.login)?;
        ws.accept_order(&order_id)?;
        if stage >= Stage::Completed {
            work_to_completion(&mut ws, &order_id)?;
        }
        if stage == Stage::Settled {
            ws.set_session(session(&supervisor), &supervisor.login)?;
            ws.put_cost(
                &order_id,
                None,
                &CostInput {
                    kind: CostKind::Labour,
                    description: "3 h × ¥150".into(),
                    quantity_milli: 3000,
                    unit_cost_minor: 15_000,
                    currency: "CNY".into(),
                },
            )?;
            ws.settle_order(&order_id, false)?;
        }
    }
    // Spare parts: a small catalogue, the central warehouse and a van per technician.
    ws.set_session(session(&supervisor), &supervisor.login)?;
    demo_parts(&mut ws, &techs)?;
    demo_knowledge(&mut ws)?;
    let mut out = Vec::new();
    let ids: Vec<String> = {
        let mut stmt = ws
            .store
            .conn()
            .prepare("SELECT id FROM documents ORDER BY doc_type DESC, id")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    for id in ids {
        if let Some((t, doc)) = ws.store.load(&id)? {
            out.push((t, doc));
        }
    }
    Ok((out, ws.store.pending_blobs()?))
}

/// (SKU, 中文, English, unit, sale price, cost, minimum, compatible model, warehouse stock)
type DemoPart = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    i64,
    &'static str,
    i64,
);

const PARTS: &[DemoPart] = &[
    (
        "VP-30XA",
        "压缩机阀片",
        "Compressor valve plate",
        "pcs",
        45_000,
        28_000,
        4,
        "Carrier 30XA-252",
        12,
    ),
    (
        "FLT-G4-595",
        "初效过滤器 G4",
        "G4 pre-filter 595×595",
        "pcs",
        18_000,
        9_500,
        20,
        "",
        60,
    ),
    (
        "BAT-12V100",
        "UPS 蓄电池 12V 100Ah",
        "UPS battery 12 V 100 Ah",
        "pcs",
        120_000,
        86_000,
        8,
        "APC Symmetra PX 250",
        6,
    ),
    (
        "PRB-CT-214",
        "CT 冷却泵温度探头",
        "CT cooling pump probe",
        "pcs",
        260_000,
        180_000,
        2,
        "Siemens SOMATOM go.Up",
        3,
    ),
    (
        "OIL-BZ-5L",
        "冷冻机油 5L",
        "Refrigeration oil 5 l",
        "can",
        68_000,
        41_000,
        5,
        "Bitzer 4NES-20",
        15,
    ),
];

fn demo_parts(ws: &mut Workspace, techs: &[&UserInfo]) -> Result<()> {
    let hvac = ws.create_category("暖通空调 HVAC", None)?;
    let power = ws.create_category("电源 Power", None)?;
    let medical = ws.create_category("医疗设备 Medical", None)?;
    let warehouse =
        ws.create_location(LocationKind::Warehouse, "上海总仓 Shanghai central", None)?;
    for (sku, zh, en, unit, price, cost, min, model, qty) in PARTS {
        let category = match *sku {
            "BAT-12V100" => &power,
            "PRB-CT-214" => &medical,
            _ => &hvac,
        };
        let part = ws.create_part(&PartInfo {
            sku: (*sku).into(),
            name_zh: (*zh).into(),
            name_en: (*en).into(),
            category_id: Some(category.id.clone()),
            unit: (*unit).into(),
            barcode: String::new(),
            sale_price_minor: *price,
            cost_minor: *cost,
            currency: "CNY".into(),
            min_stock: *min,
            compatible_models: if model.is_empty() {
                vec![]
            } else {
                vec![(*model).into()]
            },
            photo: None,
        })?;
        ws.record_movement(
            &warehouse.id,
            &part.id,
            MovementKind::Receive,
            *qty,
            "opening stock",
        )?;
    }
    for t in techs {
        ws.create_location(
            LocationKind::Van,
            &format!("{} 的工程车", t.name),
            Some(&t.id),
        )?;
    }
    Ok(())
}

/// A few published knowledge entries: the fault behind the demo's chiller order, and articles.
fn demo_knowledge(ws: &mut Workspace) -> Result<()> {
    use fieldops_device::model::knowledge::{EntryContent, EntryKind};
    let blank = EntryContent::default();
    let entries = [
        (
            EntryKind::Fault,
            EntryContent {
                title: "压缩机异响 Compressor noise".into(),
                fault_code: "A-07".into(),
                symptom: "压缩机运行时有敲击声或异响，负荷越大越明显。".into(),
                causes: vec![
                    "吸气带液（液击）Liquid slugging".into(),
                    "吸排气阀片损坏 Damaged valve plate".into(),
                    "地脚螺栓松动 Loose mounting bolts".into(),
                ],
                steps: vec![
                    "检查吸气过热度，调整膨胀阀。".into(),
                    "停机断电后检查阀片，必要时更换。".into(),
                    "紧固地脚螺栓并检查减振垫。".into(),
                ],
                models: vec!["Carrier 30XA-252".into()],
                tags: vec!["冷水机组".into(), "压缩机".into()],
                order_types: vec![OrderType::Repair],
                ..blank.clone()
            },
        ),
        (
            EntryKind::Fault,
            EntryContent {
                title: "高压报警停机 High-pressure trip".into(),
                fault_code: "E-04".into(),
                symptom: "机组运行一段时间后高压报警停机。".into(),
                causes: vec![
                    "冷凝器脏堵 Fouled condenser".into(),
                    "冷却水流量不足 Low condenser water flow".into(),
                ],
                steps: vec!["清洗冷凝器。".into(), "检查冷却水泵和阀门。".into()],
                models: vec!["Carrier 30XA-252".into()],
                tags: vec!["冷水机组".into()],
                order_types: vec![OrderType::Repair],
                ..blank.clone()
            },
        ),
        (
            EntryKind::Article,
            EntryContent {
                title: "冷水机组季度保养 Quarterly chiller maintenance".into(),
                body: "## 步骤\n\n1. 检查冷凝器和蒸发器的进出水温差。\n2. 检查压缩机油位和油色。\n3. 紧固电气接线，记录运行电流。\n\n**安全**：打开电气柜前先断电并上锁挂牌。".into(),
                models: vec!["Carrier 30XA-252".into()],
                tags: vec!["冷水机组".into(), "保养".into()],
                order_types: vec![OrderType::Maintenance, OrderType::Inspection],
                ..blank.clone()
            },
        ),
        (
            EntryKind::Article,
            EntryContent {
                title: "UPS battery replacement".into(),
                body: "Replace the batteries of a string together. Check the float voltage (13.5-13.8 V per 12 V block) after 24 hours.".into(),
                tags: vec!["UPS".into(), "battery".into()],
                order_types: vec![OrderType::Maintenance],
                ..blank
            },
        ),
    ];
    for (kind, content) in entries {
        ws.create_entry(kind, &content, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldops_device::model::DocType;
    use fieldops_device::model::TypedDoc;

    #[tokio::test]
    async fn demo_company_has_customers_and_orders_in_several_states() {
        let dir = tempfile::tempdir().unwrap();
        let storage = fieldops_sync_server::storage::open(&format!(
            "sqlite://{}",
            dir.path().join("d.sqlite").display()
        ))
        .await
        .unwrap();
        create(&storage, "demo").await.unwrap();
        assert_eq!(
            storage.doc_ids("demo", "customer").await.unwrap().len(),
            CUSTOMERS.len()
        );
        let orders = storage.doc_ids("demo", "order").await.unwrap();
        assert_eq!(orders.len(), ORDERS.len());
        assert_eq!(
            storage.doc_ids("demo", "equipment").await.unwrap().len(),
            EQUIPMENT.len()
        );
        assert_eq!(storage.doc_ids("demo", "project").await.unwrap().len(), 1);
        assert_eq!(
            storage.doc_ids("demo", "part").await.unwrap().len(),
            PARTS.len()
        );
        assert_eq!(
            storage.doc_ids("demo", "location").await.unwrap().len(),
            4,
            "a warehouse and three vans"
        );
        let mut statuses = std::collections::BTreeSet::new();
        for id in orders {
            let doc = fieldops_device::crdt::load(
                &storage.load_doc("demo", &id).await.unwrap().unwrap().bytes,
            )
            .unwrap();
            if let TypedDoc::Order(o) = TypedDoc::parse(DocType::Order, &doc).unwrap() {
                statuses.insert(o.state().status.as_str());
            }
        }
        assert_eq!(
            statuses.into_iter().collect::<Vec<_>>(),
            vec!["accepted", "completed", "dispatched", "new", "settled"]
        );
        assert!(
            create(&storage, "demo").await.is_err(),
            "demo data only goes into an empty tenant"
        );
    }
}
