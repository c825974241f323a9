//! The staff assessment report: one page per technician for a period, from the same figures as
//! the dashboard (statistics), their attendance, and what customers said; a PDF with Chinese
//! and English labels, made on the device offline.

use crate::error::Result;
use crate::protocol::UserInfo;
use crate::report::{Typesetter, save};
use crate::workspace::{StatsQuery, Workspace};

fn local(ms: i64, tz_offset_min: i64, pattern: &str) -> String {
    chrono::DateTime::from_timestamp_millis(ms + tz_offset_min * 60_000)
        .map(|t| t.format(pattern).to_string())
        .unwrap_or_default()
}

/// A page of the report: lines of (size in points, text).
pub type Page = Vec<(f32, String)>;

/// The report's pages for the technicians `q` covers (all with work in the period, or the
/// one chosen): their words first, so that the caller can pick a font that has every glyph.
pub fn assessment_pages(
    ws: &Workspace,
    q: &StatsQuery,
    directory: &[UserInfo],
    company: &str,
) -> Result<Vec<Page>> {
    let stats = ws.statistics(q)?;
    let tz = q.tz_offset_min;
    let (from_day, to_day) = (
        local(q.from, tz, "%Y-%m-%d"),
        local(q.to - 1, tz, "%Y-%m-%d"),
    );
    let attendance = ws.attendance_report(&from_day, &to_day, tz)?;
    let name_of = |id: &str| {
        directory
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    let mut pages: Vec<Page> = Vec::new();
    let mut page = Lines::default();
    if stats.technicians.is_empty() {
        page.line(16.0, "工程师考核 Staff assessment");
        page.line(11.0, &format!("{company} · {from_day} – {to_day}"));
        page.line(11.0, "此期间没有工作记录。No work recorded in this period.");
    }
    for (i, t) in stats.technicians.iter().enumerate() {
        if i > 0 {
            pages.push(std::mem::take(&mut page.0));
        }
        let days: Vec<_> = attendance
            .iter()
            .filter(|r| r.user_id == t.user_id)
            .collect();
        let worked_h = days.iter().map(|r| r.worked_minutes).sum::<i64>() as f64 / 60.0;
        let check_ins: i64 = days.iter().map(|r| r.check_ins).sum();
        let flagged: i64 = days.iter().map(|r| r.flagged_check_ins).sum();
        let present = days.iter().filter(|r| r.clock_in.is_some()).count();
        page.line(16.0, "工程师考核 Staff assessment");
        page.line(13.0, &name_of(&t.user_id));
        page.line(11.0, &format!("{company} · {from_day} – {to_day}"));
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
                "服务客户 Customers served {} · 服务设备 Machines serviced {} · 现场 On site {:.1} h",
                t.customers_served,
                t.machines_serviced,
                t.on_site_ms as f64 / 3_600_000.0
            ),
        );
        let rating = t
            .average_rating_centi
            .map_or("—".to_string(), |r| format!("{:.2}", r as f64 / 100.0));
        let ftf = t
            .first_time_fix_bp
            .map_or("—".to_string(), |b| format!("{:.1} %", b as f64 / 100.0));
        page.line(
            11.0,
            &format!("平均评分 Average rating {rating} · 一次修复率 First-time fix {ftf}"),
        );
        page.line(
            11.0,
            &format!(
                "考勤 Attendance: {present} 天 days · 工作 worked {worked_h:.1} h · 签到 check-ins {check_ins} (围栏外 outside the geofence {flagged})"
            ),
        );
        page.line(11.0, "");
        page.line(13.0, "客户评价 Ratings and comments");
        let mut rated = 0;
        let mut done = Vec::new();
        for id in &t.completed.orders {
            let o = ws.get_order(id)?;
            let when = o
                .summary
                .completed_at
                .map(|at| local(at, tz, "%Y-%m-%d"))
                .unwrap_or_default();
            done.push(format!(
                "{} · {} · {when}",
                o.summary.display_number,
                o.summary.customer_name.clone().unwrap_or_default()
            ));
            if let Some(stars) = o.summary.rating {
                rated += 1;
                let comment = o.rating_comment.clone().unwrap_or_default();
                let stars = stars.clamp(0, 5) as usize;
                page.line(
                    11.0,
                    &format!(
                        "{} {}{} {comment}",
                        o.summary.display_number,
                        "★".repeat(stars),
                        "☆".repeat(5 - stars)
                    ),
                );
            }
        }
        if rated == 0 {
            page.line(11.0, "—");
        }
        page.line(11.0, "");
        page.line(13.0, "完成的工单 Orders completed");
        for line in &done {
            page.line(11.0, line);
        }
        if done.is_empty() {
            page.line(11.0, "—");
        }
    }
    pages.push(page.0);
    Ok(pages)
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
