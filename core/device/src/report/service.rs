//! The service report a customer keeps: the company's letterhead (name, address, logo), the
//! order's facts, the visit, the checklist, the charges as a table with totals, site photos,
//! the customer's own rating and signature, page numbers; in the customer's language.

use base64::Engine;
use printpdf::PdfDocument;

use super::words::{Words, amount, stars};
use super::{MARGIN, PAGE_W, Picture, Typesetter, save};
use crate::error::{DeviceError, Result};
use crate::model::order::OrderType;
use crate::workspace::{OrderDetail, Workspace};

const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const BODY: f32 = 10.0;
const SMALL: f32 = 9.0;
const HEADING: f32 = 12.0;

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

#[derive(Clone, Copy)]
struct Column {
    width: f32,
    align: Align,
}

const fn col(width: f32, align: Align) -> Column {
    Column { width, align }
}

/// The service report of a completed (or settled) order as PDF bytes, in the language set for
/// its customer, with the company's letterhead from the tenant settings.
pub fn service_report(
    ws: &Workspace,
    order_id: &str,
    font: &[u8],
    font_index: usize,
) -> Result<Vec<u8>> {
    let o = ws.get_order(order_id)?;
    if !matches!(o.underlying_status.as_str(), "completed" | "settled") {
        return Err(DeviceError::invalid(
            "a service report is made for completed orders",
        ));
    }
    let customer = ws.get_customer(&o.summary.customer_id).ok();
    let w = Words {
        language: customer
            .as_ref()
            .map(|c| c.report_language)
            .unwrap_or_default(),
        time_zone: ws.company_time_zone()?,
    };
    let mut doc = PdfDocument::new(&format!("Service report {}", o.summary.display_number));
    let mut t = Typesetter::new(&mut doc, font, font_index)?;
    letterhead(ws, &mut doc, &mut t)?;
    facts(ws, &w, &mut t, &o, customer.as_ref());
    visit(ws, &w, &mut t, &o);
    checklist(&w, &mut t, &o);
    charges(&w, &mut t, &o);
    photos(ws, &w, &mut doc, &mut t, &o);
    rating_and_signature(ws, &w, &mut doc, &mut t, &o)?;
    let pages = t.into_pages_with_footer(SMALL, |n, of| w.page(n, of));
    Ok(save(doc, pages))
}

/// The company's name, address and phone on the left, its logo on the right, a rule below.
fn letterhead(ws: &Workspace, doc: &mut PdfDocument, t: &mut Typesetter<'_>) -> Result<()> {
    let profile = ws.company_profile()?;
    let name = ws.company_name();
    let top = t.y();
    let logo = (!profile.logo_png_base64.is_empty())
        .then(|| {
            base64::engine::general_purpose::STANDARD
                .decode(&profile.logo_png_base64)
                .ok()
        })
        .flatten()
        .and_then(|png| Picture::add(doc, &png).ok());
    let mut text_width = CONTENT_W;
    let mut logo_height = 0.0;
    if let Some(logo) = &logo {
        // At most 50 mm wide and 18 mm tall, proportions kept.
        let width = (18.0 * logo.width_px as f32 / logo.height_px.max(1) as f32).min(50.0);
        logo_height = logo.height_at(width);
        t.picture(logo, PAGE_W - MARGIN - width, top - logo_height, width);
        text_width -= width + 5.0;
    }
    t.paragraph(MARGIN, text_width, 16.0, &name);
    let contact = [profile.address.as_str(), profile.phone.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("  ·  ");
    if !contact.is_empty() {
        t.paragraph(MARGIN, text_width, SMALL, &contact);
    }
    let bottom = t.y().min(top - logo_height) - 3.0;
    t.skip(t.y() - bottom);
    t.rule(MARGIN, PAGE_W - MARGIN, t.y());
    t.skip(2.0);
    Ok(())
}

fn facts(
    ws: &Workspace,
    w: &Words,
    t: &mut Typesetter<'_>,
    o: &OrderDetail,
    customer: Option<&crate::workspace::CustomerView>,
) {
    let step = Typesetter::line_height(16.0);
    t.ensure(step);
    t.skip(step);
    let baseline = t.y();
    t.text_at(
        MARGIN,
        baseline,
        16.0,
        &w.pick("服务报告", "Service report"),
    );
    t.text_right(
        PAGE_W - MARGIN,
        baseline,
        HEADING,
        &o.summary.display_number,
    );
    t.skip(3.0);
    let names = people(ws, &o.summary.assignees);
    let order_type = crate::model::enum_from_name::<OrderType>(&o.summary.order_type)
        .map(|k| w.order_type(k))
        .unwrap_or_default();
    let served = o
        .check_ins
        .iter()
        .map(|c| c.at)
        .min()
        .or(o.summary.completed_at)
        .map(|ms| w.time(ms))
        .unwrap_or_default();
    let site = o
        .site
        .as_ref()
        .map(|s| {
            if s.address.is_empty() {
                s.name.clone()
            } else {
                format!("{}, {}", s.name, s.address)
            }
        })
        .unwrap_or_default();
    let contact = customer
        .and_then(|c| c.contacts.first())
        .map(|c| {
            format!("{} {}", c.contact.name, c.contact.phone)
                .trim()
                .to_string()
        })
        .or_else(|| customer.map(|c| c.phone.clone()))
        .unwrap_or_default();
    let grid = [
        col(26.0, Align::Left),
        col(64.0, Align::Left),
        col(26.0, Align::Left),
        col(64.0, Align::Left),
    ];
    let rows = [
        (
            w.pick("客户", "Customer"),
            o.summary.customer_name.clone().unwrap_or_default(),
            w.pick("服务类型", "Service"),
            order_type,
        ),
        (
            w.pick("地点", "Site"),
            site,
            w.pick("服务日期", "Date"),
            served,
        ),
        (
            w.pick("联系人", "Contact"),
            contact,
            w.pick("工程师", "Engineer"),
            names,
        ),
    ];
    for (a, b, c, d) in rows {
        row(t, &grid, &[a, b, c, d], BODY, false);
    }
    section(t, &w.pick("故障描述", "Reported fault"));
    t.line(BODY, &o.summary.description);
    if let Some(r) = &o.resolution {
        section(t, &w.pick("处理结果", "Work done"));
        t.line(BODY, r);
    }
}

/// When the engineers set off, arrived, left and finished.
fn visit(ws: &Workspace, w: &Words, t: &mut Typesetter<'_>, o: &OrderDetail) {
    let steps: Vec<_> = o
        .events
        .iter()
        .filter_map(|e| w.visit_step(e.kind).map(|what| (e, what)))
        .collect();
    if steps.is_empty() {
        return;
    }
    section(t, &w.pick("服务过程", "Visit"));
    let columns = [
        col(50.0, Align::Left),
        col(60.0, Align::Left),
        col(70.0, Align::Left),
    ];
    for (e, what) in steps {
        row(
            t,
            &columns,
            &[w.time(e.at), what, people(ws, std::slice::from_ref(&e.by))],
            BODY,
            true,
        );
    }
}

fn checklist(w: &Words, t: &mut Typesetter<'_>, o: &OrderDetail) {
    if o.checklist.is_empty() {
        return;
    }
    section(t, &w.pick("检查项目", "Checklist"));
    let columns = [col(140.0, Align::Left), col(40.0, Align::Right)];
    for c in &o.checklist {
        let label = w.checklist_label(&c.label, c.label_zh.as_deref(), c.label_en.as_deref());
        let state = if c.done {
            w.pick("已完成", "Done")
        } else {
            w.pick("未完成", "Not done")
        };
        row(t, &columns, &[label, state], BODY, true);
    }
}

fn charges(w: &Words, t: &mut Typesetter<'_>, o: &OrderDetail) {
    if o.charges.is_empty() {
        return;
    }
    let cur = o.totals.currency.clone().unwrap_or_else(|| "CNY".into());
    section(t, &w.pick("收费明细", "Charges"));
    let columns = [
        col(56.0, Align::Left),
        col(18.0, Align::Right),
        col(30.0, Align::Right),
        col(24.0, Align::Right),
        col(18.0, Align::Right),
        col(34.0, Align::Right),
    ];
    row(
        t,
        &columns,
        &[
            w.pick("项目", "Item"),
            w.pick("数量", "Qty"),
            w.pick("单价", "Unit price"),
            w.pick("折扣", "Discount"),
            w.pick("税率", "Tax"),
            w.pick("金额", "Amount"),
        ],
        SMALL,
        true,
    );
    for c in &o.charges {
        let l = &c.line;
        let item = if l.description.is_empty() {
            w.charge_kind(l.kind)
        } else {
            format!("{} · {}", w.charge_kind(l.kind), l.description)
        };
        row(
            t,
            &columns,
            &[
                item,
                milli(l.quantity_milli),
                amount(&cur, l.unit_price_minor),
                percent(l.discount_bp),
                percent(l.tax_rate_bp),
                amount(&cur, c.amounts.total),
            ],
            BODY,
            true,
        );
    }
    let totals = [col(146.0, Align::Right), col(34.0, Align::Right)];
    for (label, minor) in [
        (w.pick("不含税", "Net"), o.totals.charges_net),
        (w.pick("税额", "Tax"), o.totals.charges_tax),
        (w.pick("合计", "Total"), o.totals.charges_total),
    ] {
        row(t, &totals, &[label, amount(&cur, minor)], BODY, false);
    }
}

/// Site photos as thumbnails, three to a row, each with its caption.
fn photos(
    ws: &Workspace,
    w: &Words,
    doc: &mut PdfDocument,
    t: &mut Typesetter<'_>,
    o: &OrderDetail,
) {
    if o.photos.is_empty() {
        return;
    }
    const WIDTH: f32 = 56.0;
    const GAP: f32 = 6.0;
    // The heading stays with the first row of pictures.
    t.ensure(Typesetter::line_height(HEADING) + WIDTH + 12.0);
    section(t, &w.pick("现场照片", "Site photos"));
    for chunk in o.photos.chunks(3) {
        let pictures: Vec<Option<Picture>> = chunk
            .iter()
            .map(|p| {
                ws.store
                    .blob(&p.photo.thumb_hash)
                    .ok()
                    .flatten()
                    .and_then(|(_, bytes)| Picture::add(doc, &bytes).ok())
            })
            .collect();
        let picture_h = pictures
            .iter()
            .map(|p| p.as_ref().map_or(WIDTH * 0.75, |p| p.height_at(WIDTH)))
            .fold(0.0_f32, f32::max);
        let caption_h = Typesetter::line_height(SMALL) * 2.0;
        t.ensure(picture_h + caption_h + 2.0);
        let top = t.y();
        for (i, (photo, picture)) in chunk.iter().zip(&pictures).enumerate() {
            let x = MARGIN + i as f32 * (WIDTH + GAP);
            let caption = match picture {
                Some(p) => {
                    t.picture(p, x, top - p.height_at(WIDTH), WIDTH);
                    photo.photo.caption.clone()
                }
                None => w.pick("（照片未下载到本设备）", "(photo not on this device)"),
            };
            let lines = t.wrap(
                &format!("{}  {}", w.time(photo.photo.at), caption),
                SMALL,
                WIDTH,
            );
            for (n, line) in lines.iter().take(2).enumerate() {
                let baseline = top - picture_h - Typesetter::line_height(SMALL) * (n as f32 + 1.0);
                t.text_at(x, baseline, SMALL, line);
            }
        }
        t.skip(picture_h + caption_h + 3.0);
    }
}

/// The customer's own rating and signature: the customer's words, not the engineer's.
fn rating_and_signature(
    ws: &Workspace,
    w: &Words,
    doc: &mut PdfDocument,
    t: &mut Typesetter<'_>,
    o: &OrderDetail,
) -> Result<()> {
    let rating = o.customer_rating.clone().or_else(|| {
        o.summary
            .rating
            .map(|r| (r, o.rating_comment.clone().unwrap_or_default()))
    });
    if let Some((stars_given, comment)) = rating {
        section(t, &w.pick("客户评价", "Customer's rating"));
        t.line(BODY, &format!("{}  {stars_given} / 5", stars(stars_given)));
        if !comment.trim().is_empty() {
            t.line(BODY, &format!("“{}”", comment.trim()));
        }
    }
    let Some(sig) = &o.signature else {
        return Ok(());
    };
    section(t, &w.pick("客户签字", "Customer's signature"));
    if let Some((_, png)) = ws.store.blob(&sig.hash)?
        && let Ok(picture) = Picture::add(doc, &png)
    {
        // At most 60 mm wide and 30 mm tall, proportions kept.
        let width = (30.0 * picture.width_px as f32 / picture.height_px.max(1) as f32).min(60.0);
        let height = picture.height_at(width);
        t.ensure(height + 2.0);
        let top = t.y();
        t.picture(&picture, MARGIN, top - height, width);
        t.skip(height + 2.0);
    }
    t.line(
        BODY,
        &format!(
            "{}: {}   {}",
            w.pick("签字人", "Signed by"),
            sig.signer,
            w.time(sig.at)
        ),
    );
    Ok(())
}

/// A section's heading, kept with room for a few lines after it.
fn section(t: &mut Typesetter<'_>, title: &str) {
    t.ensure(Typesetter::line_height(HEADING) + 3.0 * Typesetter::line_height(BODY) + 3.0);
    t.skip(3.0);
    t.line(HEADING, title);
    t.skip(1.0);
}

/// One table row: every cell wrapped to its column, the row as tall as its tallest cell,
/// never split across pages; a rule below when `rule`.
fn row(t: &mut Typesetter<'_>, columns: &[Column], cells: &[String], size: f32, rule: bool) {
    const PAD: f32 = 1.0;
    let wrapped: Vec<Vec<String>> = columns
        .iter()
        .zip(cells)
        .map(|(c, text)| t.wrap(text, size, c.width - 2.0 * PAD))
        .collect();
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    let step = Typesetter::line_height(size);
    let height = lines as f32 * step + 1.5;
    t.ensure(height);
    let top = t.y();
    let mut x = MARGIN;
    for (c, cell) in columns.iter().zip(&wrapped) {
        for (i, line) in cell.iter().enumerate() {
            let baseline = top - step * (i as f32 + 1.0);
            match c.align {
                Align::Left => t.text_at(x + PAD, baseline, size, line),
                Align::Right => t.text_right(x + c.width - PAD, baseline, size, line),
            }
        }
        x += c.width;
    }
    t.skip(height);
    if rule {
        t.rule(
            MARGIN,
            MARGIN + columns.iter().map(|c| c.width).sum::<f32>(),
            t.y() + 0.5,
        );
    }
}

fn people(ws: &Workspace, ids: &[String]) -> String {
    let dir = ws.directory().unwrap_or_default();
    ids.iter()
        .map(|id| {
            dir.iter()
                .find(|u| &u.id == id)
                .map_or_else(|| id.clone(), |u| u.name.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A quantity in thousandths without trailing zeros: 2000 → "2", 1500 → "1.5".
fn milli(q: i64) -> String {
    let s = format!("{}.{:03}", q / 1000, (q % 1000).abs());
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Basis points as a percentage: 600 → "6%", 1250 → "12.5%".
fn percent(bp: i64) -> String {
    format!("{}%", milli(bp * 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_rates_print_without_trailing_zeros() {
        assert_eq!(milli(2000), "2");
        assert_eq!(milli(1500), "1.5");
        assert_eq!(milli(1), "0.001");
        assert_eq!(percent(600), "6%");
        assert_eq!(percent(1250), "12.5%");
        assert_eq!(percent(0), "0%");
    }
}
