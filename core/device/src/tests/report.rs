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

#[test]
fn the_service_report_is_a_pdf_whose_chinese_text_extracts() {
    let (_, mut tech, id) = dispatched();
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
    tech.capture_signature(&id, &crate::blob::tiny_png(), "王先生")
        .unwrap();
    assert!(
        crate::report::service_report(&tech, &id, "华东服务公司", &[], 0).is_err(),
        "not completed yet"
    );
    tech.complete_order(&id, "更换主轴轴承，振动恢复正常")
        .unwrap();
    // The font the app ships, with no system font looked at (as on Android and iOS).
    let (font, index) = crate::report::cjk_font_for("", &[]);
    let pdf =
        crate::report::service_report(&tech, &id, "华东服务公司 East China Service", &font, index)
            .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 400_000, "fonts are subset: {} bytes", pdf.len());
    let text = pdf_text(&pdf);
    for expected in [
        "华东服务公司",
        "服务报告",
        "上海精密仪器有限公司",
        "更换主轴轴承",
        "上门服务",
        "CNY 636.00",
        "王先生",
        "Fault confirmed / 故障确认",
    ] {
        assert!(
            text.contains(expected),
            "'{expected}' missing from:\n{text}"
        );
    }
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
