use super::*;

/// The text a PDF reader extracts (pages separated by form feeds).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The pictures in a PDF, as `pdfimages -list` counts them.
fn pdf_images(pdf: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .expect("pdfimages (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).lines().skip(2).count()
}

fn logo_base64() -> String {
    use base64::Engine;
    let img = image::RgbaImage::from_pixel(800, 200, image::Rgba([200, 30, 30, 255]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    base64::engine::general_purpose::STANDARD.encode(png.into_inner())
}

const LONG_DESCRIPTION: &str =
    "Replacement of the spindle bearing including alignment and vibration measurement";

/// A completed order with a charge, a photo, the customer's signature and rating, on a
/// technician's device that has the company's profile.
fn completed_order() -> (Workspace, Workspace, String) {
    let (mut sup, mut tech, id) = dispatched();
    let mut admin = workspace("00000000-0000-7000-8000-0000000000ad", Role::Admin);
    with_settings(&mut admin);
    let profile = admin
        .set_company_profile(&crate::model::settings::CompanyProfile {
            name: "华东服务有限公司".into(),
            address: "上海市浦东新区张江路 88 号".into(),
            phone: "021-5555 0100".into(),
            logo_png_base64: logo_base64(),
        })
        .unwrap();
    let stored = image::load_from_memory(
        &base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            &profile.logo_png_base64,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (stored.width(), stored.height()),
        (600, 150),
        "scaled to fit"
    );
    exchange(&admin, &mut tech);
    exchange(&admin, &mut sup);
    tech.accept_order(&id).unwrap();
    tech.check_in(&id, None).unwrap();
    tick_required(&mut tech, &id);
    tech.put_charge(
        &id,
        None,
        &crate::workspace::ChargeInput {
            kind: crate::model::order::ChargeKind::ServiceFee,
            description: "上门服务".into(),
            quantity_milli: 2000,
            unit_price_minor: 30_000,
            discount_bp: 0,
            tax_rate_bp: 600,
            currency: "CNY".into(),
        },
    )
    .unwrap();
    tech.put_charge(
        &id,
        None,
        &crate::workspace::ChargeInput {
            kind: crate::model::order::ChargeKind::PartsFee,
            description: LONG_DESCRIPTION.into(),
            quantity_milli: 1000,
            unit_price_minor: 123_450,
            discount_bp: 1000,
            tax_rate_bp: 1300,
            currency: "CNY".into(),
        },
    )
    .unwrap();
    let jpeg = fieldops_media::samples::jpeg(&fieldops_media::samples::marked(1600, 1200));
    tech.attach_photo(
        &id,
        &jpeg,
        &crate::workspace::PhotoInput {
            caption: "更换后的主轴".into(),
            ..Default::default()
        },
    )
    .unwrap();
    tech.capture_signature(&id, &crate::blob::tiny_png(), "王先生")
        .unwrap();
    assert!(
        crate::report::service_report(&tech, &id, &[], 0).is_err(),
        "not completed yet"
    );
    tech.complete_order(&id, "更换主轴轴承，振动恢复正常")
        .unwrap();
    tech.rate_order(&id, 4, "响应很快").unwrap();
    (sup, tech, id)
}

/// The report's text in the customer's language `language`.
fn report_text(
    sup: &mut Workspace,
    tech: &mut Workspace,
    id: &str,
    language: crate::model::customer::ReportLanguage,
) -> String {
    let o = sup.get_order(id).unwrap();
    let mut input = customer_input("上海精密仪器有限公司");
    input.sites[0].id = Some(o.summary.site_id.clone());
    input.report_language = language;
    sup.update_customer(&o.summary.customer_id, &input).unwrap();
    exchange(sup, tech);
    // The font the app ships, with no system font looked at (as on Android and iOS).
    let (font, index) = crate::report::cjk_font_for("", &[]);
    let pdf = crate::report::service_report(tech, id, &font, index).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 500_000, "fonts are subset: {} bytes", pdf.len());
    assert_eq!(pdf_images(&pdf), 3, "the logo, the photo and the signature");
    pdf_text(&pdf)
}

#[test]
fn the_service_report_is_customer_grade_in_the_customer_language() {
    use crate::model::customer::ReportLanguage;
    let (mut sup, mut tech, id) = completed_order();
    let both = report_text(&mut sup, &mut tech, &id, ReportLanguage::Both);
    for expected in [
        "华东服务有限公司",
        "上海市浦东新区张江路 88 号",
        "服务报告 Service report",
        "上海精密仪器有限公司",
        "维修 Repair",
        "更换主轴轴承",
        "服务费 Service",
        "上门服务",
        "CNY 636.00",
        "CNY 1,234.50",
        "合计 Total",
        "客户评价 Customer's rating",
        "★★★★☆",
        "响应很快",
        "更换后的主轴",
        "王先生",
        "到达现场 Arrived on site",
    ] {
        assert!(
            both.contains(expected),
            "'{expected}' missing from:\n{both}"
        );
    }
    let pages = both.matches('\u{c}').count();
    assert!(
        both.contains(&format!("第 {pages} / {pages} 页 Page {pages} of {pages}")),
        "every page says which it is of how many:\n{both}"
    );
    // No internal code and no tenant id reaches the customer.
    for code in [
        "service_fee",
        "parts_fee",
        "checked_in",
        "repair",
        "acme",
        "Tech A rated",
    ] {
        assert!(!both.contains(code), "'{code}' printed in:\n{both}");
    }
    // The long description wraps in its column, between words only.
    for word in LONG_DESCRIPTION.split(' ') {
        assert!(
            both.split_whitespace().any(|w| w == word),
            "'{word}' is cut in:\n{both}"
        );
    }
    let english = report_text(&mut sup, &mut tech, &id, ReportLanguage::En);
    for expected in [
        "Service report",
        "Customer's rating",
        "Arrived on site",
        "Page 1 of ",
    ] {
        assert!(
            english.contains(expected),
            "'{expected}' missing from:\n{english}"
        );
    }
    for chinese in ["服务报告", "客户评价", "第 1 / "] {
        assert!(
            !english.contains(chinese),
            "'{chinese}' in the English report"
        );
    }
    let chinese = report_text(&mut sup, &mut tech, &id, ReportLanguage::Zh);
    // pdftotext drops the spaces between ideographs in all-Chinese text.
    let chinese = chinese.replace(' ', "");
    assert!(
        chinese.contains("服务报告") && chinese.contains("第1/"),
        "{chinese}"
    );
    assert!(!chinese.contains("Service report"), "{chinese}");
}

/// The staff assessment: a page per technician with the dashboard's figures and what the
/// customer said, Chinese text extractable.
#[test]
fn the_assessment_report_has_a_page_per_technician_with_their_figures() {
    let (mut sup, id) = supervisor_with_order();
    let other = {
        let o = sup.get_order(&id).unwrap();
        sup.create_order(&order_input(
            &o.summary.customer_id,
            &o.summary.site_id,
            "第二台",
        ))
        .unwrap()
        .summary
        .id
    };
    sup.dispatch_order(&id, &[TECH_A.to_string()], false)
        .unwrap();
    sup.dispatch_order(&other, &[TECH_B.to_string()], false)
        .unwrap();
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&sup, &mut tech);
    tech.accept_order(&id).unwrap();
    tech.check_in(&id, None).unwrap();
    tick_required(&mut tech, &id);
    tech.complete_order(&id, "更换主轴轴承").unwrap();
    tech.rate_order(&id, 4, "响应很快 quick").unwrap();
    exchange(&tech, &mut sup);
    let now = crate::model::now_ms();
    let q = crate::workspace::StatsQuery::period(now - 86_400_000, now + 86_400_000, 480);
    let (heading, people) =
        crate::assessment::gather(&sup, &q, &directory(), "华东服务公司").unwrap();
    let pages = crate::assessment::assessment_pages(&heading, &people);
    // The same figures as a workbook: a row per technician, the comments on their own sheet.
    {
        use calamine::Reader;
        let book = crate::assessment::assessment_xlsx(&heading, &people).unwrap();
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(book)).unwrap();
        let main = wb.worksheet_range("考核 Assessment").unwrap();
        let rows: Vec<Vec<String>> = main
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert!(rows[0][0].contains("华东服务公司"));
        assert_eq!(rows[2][4], "完成 Completed");
        let tech_a = rows
            .iter()
            .find(|r| r[0] == "Tech A")
            .expect("Tech A's row");
        assert_eq!(tech_a[4], "1", "completed: {tech_a:?}");
        assert_eq!(tech_a[9], "4", "average rating: {tech_a:?}");
        let ratings = wb.worksheet_range("评价 Ratings").unwrap();
        let comment = ratings.rows().nth(1).expect("one rating");
        assert_eq!(comment[0].to_string(), "Tech A");
        assert_eq!(comment[2].to_string(), "4");
        assert_eq!(comment[3].to_string(), "响应很快 quick");
    }
    assert_eq!(pages.len(), 2, "one page per technician with work");
    let (font, index) = crate::report::cjk_font_for("", &[]);
    let pdf = crate::assessment::assessment_pdf(&pages, &font, index).unwrap();
    let text = pdf_text(&pdf);
    assert_eq!(text.matches('\u{c}').count(), 2, "two pages:\n{text}");
    let first = text.split('\u{c}').next().unwrap();
    for expected in [
        "工程师考核",
        "Tech A",
        "完成 completed 1",
        "★★★★☆",
        "响应很快",
        "华东服务公司",
    ] {
        assert!(
            first.contains(expected),
            "'{expected}' missing from:\n{first}"
        );
    }
}
