//! The catalogue's XLSX export opens in LibreOffice (converted there to CSV and compared), and
//! what LibreOffice saves back as XLSX imports into FieldOps again.

use fieldops_device::model::Role;
use fieldops_device::model::stock::PartInfo;
use fieldops_device::protocol::UserInfo;
use fieldops_device::workspace::{Session, TableFormat, Workspace};

fn supervisor() -> Workspace {
    let mut ws = Workspace::open_in_memory().unwrap();
    ws.begin_login("acme", "sup").unwrap();
    ws.set_session(
        Session {
            server_url: "http://127.0.0.1:1".into(),
            tenant: "acme".into(),
            user: UserInfo {
                id: "00000000-0000-7000-8000-000000000001".into(),
                login: "sup".into(),
                name: "Supervisor".into(),
                role: Role::Supervisor,
                active: true,
            },
            device_id: "d".into(),
        },
        "sup",
    )
    .unwrap();
    ws
}

fn libreoffice(args: &[&str]) {
    let out = std::process::Command::new("libreoffice")
        .args(["--headless", "--norestore"])
        .args(args)
        .output()
        .expect("LibreOffice is needed for this test (make deps installs libreoffice-calc-nogui); it does not skip");
    assert!(
        out.status.success(),
        "libreoffice {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_xlsx_export_opens_in_libreoffice_and_comes_back() {
    let mut ws = supervisor();
    let cat = ws.create_category("暖通 HVAC", None).unwrap();
    for (sku, zh, price) in [
        ("VP-30XA", "压缩机阀片", 45_050),
        ("FLT-G4", "初效过滤器", 18_000),
    ] {
        ws.create_part(&PartInfo {
            sku: sku.into(),
            name_zh: zh.into(),
            name_en: "part".into(),
            category_id: Some(cat.id.clone()),
            unit: "pcs".into(),
            barcode: String::new(),
            sale_price_minor: price,
            cost_minor: 10_000,
            currency: "CNY".into(),
            min_stock: 3,
            compatible_models: vec![],
            photo: None,
        })
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("parts.xlsx");
    std::fs::write(&xlsx, ws.export_parts_xlsx().unwrap()).unwrap();
    let outdir = dir.path().join("out");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("lo-profile").display()
    );
    libreoffice(&[
        &profile,
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76,1",
        "--outdir",
        outdir.to_str().unwrap(),
        xlsx.to_str().unwrap(),
    ]);
    // LibreOffice quotes every text cell; none of these values holds a quote or comma.
    let csv = std::fs::read_to_string(outdir.join("parts.csv"))
        .unwrap()
        .replace('"', "");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "sku,name_zh,name_en,category,unit,barcode,sale_price,cost,currency,min_stock,compatible_models"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[2].starts_with("VP-30XA,压缩机阀片,part,暖通 HVAC,pcs,,450.5,100,CNY,3,"),
        "{csv}"
    );
    // LibreOffice's own XLSX of the same table imports back unchanged.
    libreoffice(&[
        &profile,
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        dir.path().join("again").to_str().unwrap(),
        outdir.join("parts.csv").to_str().unwrap(),
    ]);
    let back = std::fs::read(dir.path().join("again").join("parts.xlsx")).unwrap();
    let mut other = supervisor();
    let report = other.import_parts(&back, TableFormat::Xlsx).unwrap();
    assert_eq!((report.created, report.errors.len()), (2, 0), "{report:?}");
    let mut skus: Vec<(String, i64)> = other
        .list_parts(None)
        .unwrap()
        .into_iter()
        .map(|p| (p.info.sku, p.info.sale_price_minor))
        .collect();
    skus.sort();
    assert_eq!(
        skus,
        vec![
            ("FLT-G4".to_string(), 18_000),
            ("VP-30XA".to_string(), 45_050)
        ]
    );
}
