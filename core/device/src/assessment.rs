//! The staff assessment report: one page per technician for a period, from the same figures as
//! the dashboard (statistics), their attendance, and what customers said; a PDF with Chinese
//! and English labels, made on the device offline.

use crate::error::{DeviceError, Result};
use crate::protocol::UserInfo;
use crate::report::{Typesetter, save};
use crate::workspace::{StatsQuery, TechnicianFigures, Workspace};

fn local(ms: i64, tz_offset_min: i64, pattern: &str) -> String {
    chrono::DateTime::from_timestamp_millis(ms + tz_offset_min * 60_000)
        .map(|t| t.format(pattern).to_string())
        .unwrap_or_default()
}

/// A page of the report: lines of (size in points, text).
pub type Page = Vec<(f32, String)>;

/// One technician's assessment for a period: what both the PDF and the workbook show.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub name: String,
    pub figures: TechnicianFigures,
    pub days_present: usize,
    pub worked_minutes: i64,
    pub check_ins: i64,
    pub flagged_check_ins: i64,
    /// (order number, stars, comment) of their rated completed orders.
    pub ratings: Vec<(String, i64, String)>,
    /// (order number, customer, completion day) of their completed orders.
    pub completed: Vec<(String, String, String)>,
}

/// The report's heading facts: company and period (first and last day, local).
pub struct Heading {
    pub company: String,
    pub from_day: String,
    pub to_day: String,
}

/// Every technician `q` covers (all with work in the period, or the one chosen), from the
/// dashboard's figures, the attendance report and the orders' ratings.
pub fn gather(
    ws: &Workspace,
    q: &StatsQuery,
    directory: &[UserInfo],
    company: &str,
) -> Result<(Heading, Vec<Assessment>)> {
    let stats = ws.statistics(q)?;
    let tz = q.tz_offset_min;
    let heading = Heading {
        company: company.to_string(),
        from_day: local(q.from, tz, "%Y-%m-%d"),
        to_day: local(q.to - 1, tz, "%Y-%m-%d"),
    };
    let attendance = ws.attendance_report(&heading.from_day, &heading.to_day, tz)?;
    let name_of = |id: &str| {
        directory
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    let mut out = Vec::new();
    for t in &stats.technicians {
        let days: Vec<_> = attendance
            .iter()
            .filter(|r| r.user_id == t.user_id)
            .collect();
        let mut ratings = Vec::new();
        let mut completed = Vec::new();
        for id in &t.completed.orders {
            let o = ws.get_order(id)?;
            let when = o
                .summary
                .completed_at
                .map(|at| local(at, tz, "%Y-%m-%d"))
                .unwrap_or_default();
            completed.push((
                o.summary.display_number.clone(),
                o.summary.customer_name.clone().unwrap_or_default(),
                when,
            ));
            if let Some(stars) = o.summary.rating {
                ratings.push((
                    o.summary.display_number.clone(),
                    stars.clamp(0, 5),
                    o.rating_comment.clone().unwrap_or_default(),
                ));
            }
        }
        out.push(Assessment {
            name: name_of(&t.user_id),
            figures: t.clone(),
            days_present: days.iter().filter(|r| r.clock_in.is_some()).count(),
            worked_minutes: days.iter().map(|r| r.worked_minutes).sum(),
            check_ins: days.iter().map(|r| r.check_ins).sum(),
            flagged_check_ins: days.iter().map(|r| r.flagged_check_ins).sum(),
            ratings,
            completed,
        });
    }
    Ok((heading, out))
}

fn rating_text(t: &TechnicianFigures) -> String {
    t.average_rating_centi
        .map_or("—".to_string(), |r| format!("{:.2}", r as f64 / 100.0))
}

fn first_time_fix_text(t: &TechnicianFigures) -> String {
    t.first_time_fix_bp
        .map_or("—".to_string(), |b| format!("{:.1} %", b as f64 / 100.0))
}

/// The report's pages, one per technician: their words first, so that the caller can pick a
/// font that has every glyph.
pub fn assessment_pages(heading: &Heading, people: &[Assessment]) -> Vec<Page> {
    let period = format!(
        "{} · {} – {}",
        heading.company, heading.from_day, heading.to_day
    );
    if people.is_empty() {
        let mut page = Lines::default();
        page.line(16.0, "工程师考核 Staff assessment");
        page.line(11.0, &period);
        page.line(11.0, "此期间没有工作记录。No work recorded in this period.");
        return vec![page.0];
    }
    people
        .iter()
        .map(|a| {
            let t = &a.figures;
            let mut page = Lines::default();
            page.line(16.0, "工程师考核 Staff assessment");
            page.line(13.0, &a.name);
            page.line(11.0, &period);
            page.line(11.0, "");
            page.line(
                11.0,
                &format!(
                    "工单 Orders: 接收 received {} · 接受 accepted {} · 拒绝 declined {} · 完成 completed {}",
                    t.received.count, t.accepted.count, t.declined.count, t.completed.count
                ),
            );
            page.line(
                11.0,
                &format!(
                    "服务客户 Customers served {} · 服务设备 Machines serviced {} · 现场 On site {:.1} h · 路途 Travelling {:.1} h",
                    t.customers_served,
                    t.machines_serviced,
                    t.on_site_ms as f64 / 3_600_000.0,
                    t.travel_ms as f64 / 3_600_000.0
                ),
            );
            page.line(
                11.0,
                &format!(
                    "平均评分 Average rating {} · 一次修复率 First-time fix {} · 返工 Reopened {}",
                    rating_text(t),
                    first_time_fix_text(t),
                    t.reopened.count
                ),
            );
            page.line(
                11.0,
                &format!(
                    "考勤 Attendance: {} 天 days · 工作 worked {:.1} h · 签到 check-ins {} (围栏外 outside the geofence {})",
                    a.days_present,
                    a.worked_minutes as f64 / 60.0,
                    a.check_ins,
                    a.flagged_check_ins
                ),
            );
            page.line(11.0, "");
            page.line(13.0, "客户评价 Ratings and comments");
            for (number, stars, comment) in &a.ratings {
                let stars = *stars as usize;
                page.line(
                    11.0,
                    &format!("{number} {}{} {comment}", "★".repeat(stars), "☆".repeat(5 - stars)),
                );
            }
            if a.ratings.is_empty() {
                page.line(11.0, "—");
            }
            page.line(11.0, "");
            page.line(13.0, "完成的工单 Orders completed");
            for (number, customer, day) in &a.completed {
                page.line(11.0, &format!("{number} · {customer} · {day}"));
            }
            if a.completed.is_empty() {
                page.line(11.0, "—");
            }
            page.0
        })
        .collect()
}

/// The same assessment as a workbook: one row per technician with every figure, and a sheet
/// of the customers' ratings and comments (headers in Chinese and English).
pub fn assessment_xlsx(heading: &Heading, people: &[Assessment]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::Workbook;
    let xl = |e: rust_xlsxwriter::XlsxError| {
        DeviceError::invalid(format!("the workbook cannot be written: {e}"))
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("考核 Assessment").map_err(xl)?;
    sheet
        .write_string(
            0,
            0,
            format!(
                "{} · {} – {}",
                heading.company, heading.from_day, heading.to_day
            ),
        )
        .map_err(xl)?;
    let head = [
        "工程师 Technician",
        "接收 Received",
        "接受 Accepted",
        "拒绝 Declined",
        "完成 Completed",
        "服务客户 Customers served",
        "服务设备 Machines serviced",
        "现场小时 Hours on site",
        "路途小时 Hours travelling",
        "平均评分 Average rating",
        "一次修复率 First-time fix",
        "返工 Reopened",
        "出勤天数 Days present",
        "工作小时 Hours worked",
        "签到 Check-ins",
        "围栏外签到 Check-ins outside the geofence",
    ];
    for (c, h) in head.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).map_err(xl)?;
    }
    for (i, a) in people.iter().enumerate() {
        let r = (i + 3) as u32;
        let t = &a.figures;
        sheet.write_string(r, 0, &a.name).map_err(xl)?;
        let numbers = [
            Some(f64::from(t.received.count)),
            Some(f64::from(t.accepted.count)),
            Some(f64::from(t.declined.count)),
            Some(f64::from(t.completed.count)),
            Some(f64::from(t.customers_served)),
            Some(f64::from(t.machines_serviced)),
            Some(t.on_site_ms as f64 / 3_600_000.0),
            Some(t.travel_ms as f64 / 3_600_000.0),
            t.average_rating_centi.map(|r| r as f64 / 100.0),
            t.first_time_fix_bp.map(|b| b as f64 / 10_000.0),
            Some(f64::from(t.reopened.count)),
            Some(a.days_present as f64),
            Some(a.worked_minutes as f64 / 60.0),
            Some(a.check_ins as f64),
            Some(a.flagged_check_ins as f64),
        ];
        for (c, n) in numbers.iter().enumerate() {
            if let Some(n) = n {
                sheet.write_number(r, (c + 1) as u16, *n).map_err(xl)?;
            }
        }
    }
    let comments = book.add_worksheet();
    comments.set_name("评价 Ratings").map_err(xl)?;
    for (c, h) in [
        "工程师 Technician",
        "工单 Order",
        "评分 Stars",
        "评价 Comment",
    ]
    .iter()
    .enumerate()
    {
        comments.write_string(0, c as u16, *h).map_err(xl)?;
    }
    let mut r = 1u32;
    for a in people {
        for (number, stars, comment) in &a.ratings {
            comments.write_string(r, 0, &a.name).map_err(xl)?;
            comments.write_string(r, 1, number).map_err(xl)?;
            comments.write_number(r, 2, *stars as f64).map_err(xl)?;
            comments.write_string(r, 3, comment).map_err(xl)?;
            r += 1;
        }
    }
    book.save_to_buffer().map_err(xl)
}

#[derive(Default)]
struct Lines(Page);

impl Lines {
    fn line(&mut self, size: f32, text: &str) {
        self.0.push((size, text.to_string()));
    }
}

/// The pages as a PDF in `font` (only the glyphs used are embedded).
pub fn assessment_pdf(pages: &[Page], font: &[u8], font_index: usize) -> Result<Vec<u8>> {
    let mut doc = printpdf::PdfDocument::new("Staff assessment");
    let mut out = Typesetter::new(&mut doc, font, font_index)?;
    for (i, page) in pages.iter().enumerate() {
        if i > 0 {
            out.new_page();
        }
        for (size, text) in page {
            out.line(*size, text);
        }
    }
    Ok(save(doc, out.into_pages()))
}
