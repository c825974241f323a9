//! The service report: one PDF per completed order, generated on the device offline, with the
//! company, order facts, timeline, checklist, charges, signature and rating. CJK text needs a
//! font that covers it; the caller passes one (bundled with the app or found on the system),
//! and only the glyphs used are embedded.

use printpdf::{
    Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage,
    TextItem, XObjectTransform,
};

use crate::error::{DeviceError, Result};
use crate::model::money;
use crate::workspace::{OrderDetail, Workspace};

pub use crate::fonts::{BUNDLED_CJK_FONT, SYSTEM_CJK_FONTS, cjk_font_for};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 15.0;
const LINE_PT: f32 = 15.0;

/// The report's lines, in reading order (wrapped later).
fn lines(ws: &Workspace, o: &OrderDetail, company: &str) -> Vec<(f32, String)> {
    let dir = ws.directory().unwrap_or_default();
    let name = |id: &str| {
        dir.iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let time = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let cur = o.totals.currency.clone().unwrap_or_else(|| "CNY".into());
    let amount = |minor: i64| format!("{} {}.{:02}", cur, minor / 100, (minor % 100).abs());
    let mut out: Vec<(f32, String)> = vec![
        (18.0, company.to_string()),
        (
            14.0,
            format!("服务报告 Service report  {}", o.summary.display_number),
        ),
        (11.0, String::new()),
        (
            11.0,
            format!(
                "客户 Customer: {}",
                o.summary.customer_name.clone().unwrap_or_default()
            ),
        ),
    ];
    if let Some(site) = &o.site {
        out.push((11.0, format!("地点 Site: {} {}", site.name, site.address)));
    }
    out.push((
        11.0,
        format!(
            "类型 Type: {}   优先级 Priority: {}",
            o.summary.order_type, o.summary.priority
        ),
    ));
    out.push((
        11.0,
        format!(
            "工程师 Technicians: {}",
            o.summary
                .assignees
                .iter()
                .map(|a| name(a))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ));
    out.push((11.0, format!("描述 Description: {}", o.summary.description)));
    if let Some(r) = &o.resolution {
        out.push((11.0, format!("处理结果 Resolution: {r}")));
    }
    out.push((11.0, String::new()));
    out.push((13.0, "时间线 Timeline".into()));
    for e in &o.events {
        let what = crate::model::enum_name(&e.kind);
        let extra = [&e.reason, &e.note, &e.resolution, &e.comment]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        out.push((
            10.0,
            format!("{}  {}  {}  {}", time(e.at), name(&e.by), what, extra),
        ));
    }
    out.push((11.0, String::new()));
    out.push((13.0, "检查清单 Checklist".into()));
    for c in &o.checklist {
        out.push((
            10.0,
            format!(
                "[{}] {}{}",
                if c.done { "x" } else { " " },
                c.label,
                if c.required { " *" } else { "" }
            ),
        ));
    }
    out.push((11.0, String::new()));
    out.push((13.0, "收费 Charges".into()));
    for c in &o.charges {
        out.push((
            10.0,
            format!(
                "{}  {}  {} x {}.{:02}  -{}%  +{}% tax  = {}",
                crate::model::enum_name(&c.line.kind),
                c.line.description,
                money::mul_div_round(c.line.quantity_milli, 1, 1000),
                c.line.unit_price_minor / 100,
                c.line.unit_price_minor % 100,
                c.line.discount_bp / 100,
                c.line.tax_rate_bp / 100,
                amount(c.amounts.total)
            ),
        ));
    }
    out.push((
        11.0,
        format!(
            "合计 Total: {} (net {}, tax {})",
            amount(o.totals.charges_total),
            amount(o.totals.charges_net),
            amount(o.totals.charges_tax)
        ),
    ));
    if let Some(r) = o.summary.rating {
        out.push((
            11.0,
            format!(
                "客户评价 Rating: {} / 5  {}",
                r,
                o.rating_comment.clone().unwrap_or_default()
            ),
        ));
    }
    if let Some(sig) = &o.signature {
        out.push((
            11.0,
            format!("客户签名 Signed by: {}  {}", sig.signer, time(sig.at)),
        ));
    }
    out
}

/// Break a line so that it fits the page width (CJK glyphs count double).
fn wrap(text: &str, size: f32) -> Vec<String> {
    let max_units = ((PAGE_W - 2.0 * MARGIN) / 0.3528 / size * 1.9) as usize;
    let mut lines = vec![String::new()];
    let mut units = 0;
    for ch in text.chars() {
        let w = if ch.is_ascii() { 1 } else { 2 };
        if units + w > max_units {
            lines.push(String::new());
            units = 0;
        }
        if let Some(l) = lines.last_mut() {
            l.push(ch);
        }
        units += w;
    }
    lines
}

/// The service report of a completed (or settled) order as PDF bytes.
pub fn service_report(
    ws: &Workspace,
    order_id: &str,
    company: &str,
    font: &[u8],
    font_index: usize,
) -> Result<Vec<u8>> {
    let o = ws.get_order(order_id)?;
    if !matches!(o.underlying_status.as_str(), "completed" | "settled") {
        return Err(DeviceError::invalid(
            "a service report is made for completed orders",
        ));
    }
    let mut doc = PdfDocument::new(&format!("Service report {}", o.summary.display_number));
    let mut page = Typesetter::new(&mut doc, font, font_index)?;
    for (size, text) in lines(ws, &o, company) {
        page.line(size, &text);
    }
    let (mut pages, mut ops, y) = page.finish();
    if let Some(sig) = &o.signature
        && let Some((_, png)) = ws.store.blob(&sig.hash)?
    {
        let image = RawImage::decode_from_bytes(&png, &mut Vec::new())
            .map_err(|e| DeviceError::invalid(format!("signature image: {e}")))?;
        let id = doc.add_image(&image);
        let top = (y - 35.0).max(MARGIN);
        ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Mm(MARGIN).into()),
                translate_y: Some(Mm(top).into()),
                dpi: Some(150.0),
                ..XObjectTransform::default()
            },
        });
    }
    pages.push(PdfPage::new(
        Mm(PAGE_W),
        Mm(PAGE_H),
        std::mem::take(&mut ops),
    ));
    Ok(save(doc, pages))
}

/// A4 pages of text lines in one CJK-capable font (only the glyphs used are embedded).
pub(crate) struct Typesetter {
    font_id: printpdf::FontId,
    pages: Vec<PdfPage>,
    ops: Vec<Op>,
    y: f32,
}

impl Typesetter {
    pub(crate) fn new(doc: &mut PdfDocument, font: &[u8], font_index: usize) -> Result<Typesetter> {
        let parsed = ParsedFont::from_bytes(font, font_index, &mut Vec::new())
            .ok_or_else(|| DeviceError::invalid("the report font cannot be read"))?;
        Ok(Typesetter {
            font_id: doc.add_font(&parsed),
            pages: Vec::new(),
            ops: Vec::new(),
            y: PAGE_H - MARGIN,
        })
    }

    /// One line of `size` points, wrapped to the page's width; a new page when it is full.
    pub(crate) fn line(&mut self, size: f32, text: &str) {
        for line in wrap(text, size) {
            let step = LINE_PT * size / 11.0 * 0.3528;
            if self.y - step < MARGIN {
                self.new_page();
            }
            self.y -= step;
            // One text section per line: a new section starts from an absolute position.
            self.ops.push(Op::StartTextSection);
            self.ops.push(Op::SetTextCursor {
                pos: Point {
                    x: Mm(MARGIN).into(),
                    y: Mm(self.y).into(),
                },
            });
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(self.font_id.clone()),
                size: Pt(size),
            });
            self.ops.push(Op::ShowText {
                items: vec![TextItem::Text(line)],
            });
            self.ops.push(Op::EndTextSection);
        }
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(PdfPage::new(
            Mm(PAGE_W),
            Mm(PAGE_H),
            std::mem::take(&mut self.ops),
        ));
        self.y = PAGE_H - MARGIN;
    }

    /// Every page, the last one included.
    pub(crate) fn into_pages(mut self) -> Vec<PdfPage> {
        self.new_page();
        self.pages
    }

    /// The full pages, the last page's operations so far (to add to), and where it ends.
    pub(crate) fn finish(self) -> (Vec<PdfPage>, Vec<Op>, f32) {
        (self.pages, self.ops, self.y)
    }
}

pub(crate) fn save(mut doc: PdfDocument, pages: Vec<PdfPage>) -> Vec<u8> {
    doc.with_pages(pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            optimize: true,
            ..PdfSaveOptions::default()
        },
        &mut Vec::new(),
    )
}
