//! The customer portal's machine labels: an A4 sheet of 2 × 4 stickers, each with the machine's
//! QR code (its portal link), its name and serial number, and how to use it in Chinese and
//! English. The QR code is drawn as a lossless image at print resolution.

use printpdf::{
    Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, Point, Pt, RawImage, TextItem,
    XObjectTransform,
};

use crate::error::{DeviceError, Result};

/// One sticker's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub url: String,
    pub name: String,
    pub model: String,
    pub serial: String,
}

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const COLUMNS: usize = 2;
const ROWS: usize = 4;
const CELL_W: f32 = 95.0;
const CELL_H: f32 = 68.0;
const LEFT: f32 = 10.0;
const TOP: f32 = 12.0;
/// The printed QR code's side.
const QR_MM: f32 = 44.0;
/// Pixels per QR module in the embedded image (crisp at any printer resolution).
const MODULE_PX: u32 = 8;

pub const INSTRUCTION_ZH: &str = "扫码报修：微信或手机浏览器扫一扫";
pub const INSTRUCTION_EN: &str = "Scan to request service";

/// The QR code of `url` as a PNG.
pub fn qr_png(url: &str) -> Result<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| DeviceError::invalid(format!("QR code: {e}")))?;
    let img = code
        .render::<image::Luma<u8>>()
        .module_dimensions(MODULE_PX, MODULE_PX)
        .quiet_zone(true)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| DeviceError::invalid(format!("QR image: {e}")))?;
    Ok(out.into_inner())
}

fn text(ops: &mut Vec<Op>, font: &printpdf::FontId, size: f32, x: f32, y: f32, line: &str) {
    ops.push(Op::StartTextSection);
    ops.push(Op::SetTextCursor {
        pos: Point {
            x: Mm(x).into(),
            y: Mm(y).into(),
        },
    });
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(font.clone()),
        size: Pt(size),
    });
    ops.push(Op::ShowText {
        items: vec![TextItem::Text(line.to_string())],
    });
    ops.push(Op::EndTextSection);
}

/// At most `max` characters, with an ellipsis when cut.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The label sheet PDF: as many pages as the labels need.
pub fn label_sheet(labels: &[Label], font: &[u8], font_index: usize) -> Result<Vec<u8>> {
    if labels.is_empty() {
        return Err(DeviceError::invalid("choose at least one machine"));
    }
    let mut doc = PdfDocument::new("FieldOps machine labels");
    let parsed = ParsedFont::from_bytes(font, font_index, &mut Vec::new())
        .ok_or_else(|| DeviceError::invalid("the label font cannot be read"))?;
    let font_id = doc.add_font(&parsed);
    let mut pages = Vec::new();
    for sheet in labels.chunks(COLUMNS * ROWS) {
        let mut ops = Vec::new();
        for (i, label) in sheet.iter().enumerate() {
            let (col, row) = (i % COLUMNS, i / COLUMNS);
            let x = LEFT + col as f32 * CELL_W;
            let top = PAGE_H - TOP - row as f32 * CELL_H;
            let png = qr_png(&label.url)?;
            let image = RawImage::decode_from_bytes(&png, &mut Vec::new())
                .map_err(|e| DeviceError::invalid(format!("QR image: {e}")))?;
            let dpi = image.width as f32 / (QR_MM / 25.4);
            let id = doc.add_image(&image);
            ops.push(Op::UseXobject {
                id,
                transform: XObjectTransform {
                    translate_x: Some(Mm(x).into()),
                    translate_y: Some(Mm(top - QR_MM - 2.0).into()),
                    dpi: Some(dpi),
                    ..XObjectTransform::default()
                },
            });
            let tx = x + QR_MM + 2.0;
            let mut y = top - 10.0;
            text(&mut ops, &font_id, 12.0, tx, y, &fit(&label.name, 16));
            for line in [
                (!label.model.is_empty()).then(|| fit(&label.model, 24)),
                (!label.serial.is_empty()).then(|| format!("S/N {}", fit(&label.serial, 20))),
            ]
            .into_iter()
            .flatten()
            {
                y -= 6.0;
                text(&mut ops, &font_id, 9.0, tx, y, &line);
            }
            y -= 12.0;
            text(&mut ops, &font_id, 8.5, tx, y, "扫码报修");
            y -= 5.0;
            text(&mut ops, &font_id, 7.5, tx, y, "微信或手机浏览器扫一扫");
            y -= 6.0;
            text(&mut ops, &font_id, 8.5, tx, y, INSTRUCTION_EN);
            y -= 5.0;
            text(
                &mut ops,
                &font_id,
                7.5,
                tx,
                y,
                "with WeChat or a phone camera",
            );
        }
        pages.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
    }
    Ok(crate::report::save(doc, pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png: &[u8]) -> Vec<String> {
        let img = image::load_from_memory(png).unwrap().to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(img);
        prepared
            .detect_grids()
            .into_iter()
            .map(|g| g.decode().unwrap().1)
            .collect()
    }

    #[test]
    fn a_qr_code_reads_back_as_its_link() {
        let url = "https://svc.example.com/portal/#m/AbCdEfGhIjKlMnOpQrStUv";
        assert_eq!(decode(&qr_png(url).unwrap()), vec![url.to_string()]);
    }

    /// The sheet as a printer gets it: rendered by poppler (pdftoppm), every code read back.
    const DPI: f32 = 200.0;

    #[test]
    fn the_label_sheet_prints_each_machines_link() {
        let labels: Vec<Label> = (0..9)
            .map(|i| Label {
                url: format!("http://192.168.1.20:8787/portal/#m/token{i:02}AbCdEfGhIjKlMn"),
                name: format!("冷水机组 {i}号"),
                model: "CH-200".into(),
                serial: format!("SN-2024-{i:04}"),
            })
            .collect();
        let pdf = label_sheet(&labels, crate::report::BUNDLED_CJK_FONT, 0).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("labels.pdf");
        std::fs::write(&file, &pdf).unwrap();
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", "200", "-gray", "-png"])
            .arg(&file)
            .arg(dir.path().join("page"))
            .status()
            .expect("pdftoppm (poppler-utils, installed by .ci/deps.sh) must be present");
        assert!(status.success());
        let mut found = Vec::new();
        let mut pages: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "png" || e == "pgm"))
            .collect();
        pages.sort();
        assert_eq!(pages.len(), 2, "9 labels take two sheets of 8");
        // A phone scans one label at a time: each label's square is read on its own.
        let px = |mm: f32| (mm * DPI / 25.4).round() as u32;
        for page in pages {
            let sheet = image::open(page).unwrap().to_luma8();
            for cell in 0..COLUMNS * ROWS {
                let (col, row) = ((cell % COLUMNS) as f32, (cell / COLUMNS) as f32);
                let x = px(LEFT + col * CELL_W - 3.0);
                let y = px(TOP + row * CELL_H - 3.0);
                let side = px(QR_MM + 8.0);
                let square = image::imageops::crop_imm(&sheet, x, y, side, side).to_image();
                let mut png = std::io::Cursor::new(Vec::new());
                square.write_to(&mut png, image::ImageFormat::Png).unwrap();
                found.extend(decode(&png.into_inner()));
            }
        }
        found.sort();
        let mut wanted: Vec<String> = labels.iter().map(|l| l.url.clone()).collect();
        wanted.sort();
        assert_eq!(found, wanted);
    }
}
