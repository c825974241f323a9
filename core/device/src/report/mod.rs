//! PDF documents the device prints itself, offline: the service report (`service`), and the
//! page machinery the staff assessment shares. CJK text needs a font that covers it; the
//! caller passes one (bundled with the app or found on the system), and only the glyphs used
//! are embedded. Lines break where Unicode allows (UAX #14), measured with the font's own
//! widths.

mod service;
mod words;

use printpdf::{
    Color, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, RawImage, RawImageData, RawImageFormat, Rgb, TextItem, XObjectId,
    XObjectTransform,
};

use crate::error::{DeviceError, Result};
use crate::media_text::Measure;

pub use crate::fonts::{BUNDLED_CJK_FONT, SYSTEM_CJK_FONTS, cjk_font_for};
pub use service::service_report;

pub(crate) const PAGE_W: f32 = 210.0;
pub(crate) const PAGE_H: f32 = 297.0;
pub(crate) const MARGIN: f32 = 15.0;
/// Room kept at the bottom of every page for its footer (the page number).
const FOOTER: f32 = 10.0;
const LINE_PT: f32 = 15.0;
/// Millimetres per point.
const MM_PER_PT: f32 = 0.3528;

/// A4 pages of text, rules and pictures in one CJK-capable font, laid out top to bottom.
pub(crate) struct Typesetter<'f> {
    font_id: printpdf::FontId,
    measure: Measure<'f>,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Where the next line's top is, in millimetres from the page's bottom edge.
    y: f32,
}

impl<'f> Typesetter<'f> {
    pub(crate) fn new(
        doc: &mut PdfDocument,
        font: &'f [u8],
        font_index: usize,
    ) -> Result<Typesetter<'f>> {
        let unreadable = || DeviceError::invalid("the report font cannot be read");
        let parsed =
            ParsedFont::from_bytes(font, font_index, &mut Vec::new()).ok_or_else(unreadable)?;
        Ok(Typesetter {
            font_id: doc.add_font(&parsed),
            measure: Measure::new(font, font_index).ok_or_else(unreadable)?,
            pages: Vec::new(),
            ops: Vec::new(),
            y: PAGE_H - MARGIN,
        })
    }

    /// The height of one line of `size` points, in millimetres.
    pub(crate) fn line_height(size: f32) -> f32 {
        LINE_PT * size / 11.0 * MM_PER_PT
    }

    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    /// Move down by `mm`.
    pub(crate) fn skip(&mut self, mm: f32) {
        self.y -= mm;
    }

    /// A new page unless `mm` more fit on this one.
    pub(crate) fn ensure(&mut self, mm: f32) {
        if self.y - mm < MARGIN + FOOTER {
            self.new_page();
        }
    }

    /// `text` broken into lines at most `width` millimetres wide at `size` points.
    pub(crate) fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        self.measure.wrap(text, width / (size * MM_PER_PT))
    }

    /// The width of `text` at `size` points, in millimetres.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.measure.width_em(text) * size * MM_PER_PT
    }

    /// One paragraph of `size` points across the page's width; a new page when it is full.
    pub(crate) fn line(&mut self, size: f32, text: &str) {
        self.paragraph(MARGIN, PAGE_W - 2.0 * MARGIN, size, text);
    }

    /// A paragraph in a column starting at `x`, `width` wide (millimetres).
    pub(crate) fn paragraph(&mut self, x: f32, width: f32, size: f32, text: &str) {
        for line in self.wrap(text, size, width) {
            let step = Self::line_height(size);
            self.ensure(step);
            self.y -= step;
            self.text_at(x, self.y, size, &line);
        }
    }

    /// Text whose baseline starts at (`x`, `baseline`), in millimetres.
    pub(crate) fn text_at(&mut self, x: f32, baseline: f32, size: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        // One text section per line: a new section starts from an absolute position.
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetTextCursor {
            pos: Point {
                x: Mm(x).into(),
                y: Mm(baseline).into(),
            },
        });
        self.ops.push(Op::SetFont {
            font: PdfFontHandle::External(self.font_id.clone()),
            size: Pt(size),
        });
        self.ops.push(Op::ShowText {
            items: vec![TextItem::Text(text.to_string())],
        });
        self.ops.push(Op::EndTextSection);
    }

    /// Text ending at `right` (for figures in a column).
    pub(crate) fn text_right(&mut self, right: f32, baseline: f32, size: f32, text: &str) {
        let x = right - self.width(text, size);
        self.text_at(x, baseline, size, text);
    }

    /// A thin grey rule from `x1` to `x2` at height `y`.
    pub(crate) fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        self.ops.push(Op::SetOutlineColor {
            col: Color::Rgb(Rgb {
                r: 0.6,
                g: 0.6,
                b: 0.6,
                icc_profile: None,
            }),
        });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        let point = |x: f32| LinePoint {
            p: Point {
                x: Mm(x).into(),
                y: Mm(y).into(),
            },
            bezier: false,
        };
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![point(x1), point(x2)],
                is_closed: false,
            },
        });
    }

    /// A placed picture: its lower-left corner at (`x`, `bottom`), `width` millimetres wide
    /// (the height follows the picture's proportions).
    pub(crate) fn picture(&mut self, picture: &Picture, x: f32, bottom: f32, width: f32) {
        self.ops.push(Op::UseXobject {
            id: picture.id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Mm(x).into()),
                translate_y: Some(Mm(bottom).into()),
                dpi: Some(picture.width_px as f32 * 25.4 / width),
                ..XObjectTransform::default()
            },
        });
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = PAGE_H - MARGIN;
    }

    /// Every page, the last one included.
    pub(crate) fn into_pages(mut self) -> Vec<PdfPage> {
        self.new_page();
        self.pages
            .into_iter()
            .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
            .collect()
    }

    /// Every page with `footer(page, pages)` centred at its bottom.
    pub(crate) fn into_pages_with_footer(
        mut self,
        size: f32,
        footer: impl Fn(usize, usize) -> String,
    ) -> Vec<PdfPage> {
        self.new_page();
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        pages
            .into_iter()
            .enumerate()
            .map(|(i, ops)| {
                self.ops = ops;
                let text = footer(i + 1, total);
                let x = (PAGE_W - self.width(&text, size)) / 2.0;
                self.text_at(x, MARGIN, size, &text);
                PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), std::mem::take(&mut self.ops))
            })
            .collect()
    }
}

/// A picture added to the document once, to be placed on pages.
pub(crate) struct Picture {
    id: XObjectId,
    pub width_px: usize,
    pub height_px: usize,
}

impl Picture {
    /// Any image the `image` crate reads (PNG, JPEG), flattened onto white paper.
    pub(crate) fn add(doc: &mut PdfDocument, bytes: &[u8]) -> Result<Picture> {
        let img = crate::photo::flatten(
            image::load_from_memory(bytes)
                .map_err(|e| DeviceError::invalid(format!("a picture for the report: {e}")))?,
        );
        let (w, h) = (img.width() as usize, img.height() as usize);
        let id = doc.add_image(&RawImage {
            pixels: RawImageData::U8(img.into_raw()),
            width: w,
            height: h,
            data_format: RawImageFormat::RGB8,
            tag: Vec::new(),
        });
        Ok(Picture {
            id,
            width_px: w,
            height_px: h,
        })
    }

    /// The height in millimetres when placed `width` millimetres wide.
    pub(crate) fn height_at(&self, width: f32) -> f32 {
        width * self.height_px as f32 / self.width_px.max(1) as f32
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
