//! The parts catalogue as CSV and XLSX: export for spreadsheets, import to create or update
//! parts by SKU. An import is checked completely first and then written in one transaction:
//! a file with a bad row changes nothing and says which rows are wrong.

use std::collections::BTreeMap;
use std::io::Cursor;

use serde::{Deserialize, Serialize};

use super::{PreparedChange, Workspace};
use crate::Refusal;
use crate::error::{DeviceError, Result};
use crate::model::DocType;
use crate::model::stock::{self, PartInfo};

/// Column names, in export order.
pub const COLUMNS: [&str; 11] = [
    "sku",
    "name_zh",
    "name_en",
    "category",
    "unit",
    "barcode",
    "sale_price",
    "cost",
    "currency",
    "min_stock",
    "compatible_models",
];
const REQUIRED: [&str; 5] = ["sku", "name_zh", "unit", "sale_price", "cost"];
/// A file larger than this is refused before it is read.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TableFormat {
    Csv,
    Xlsx,
}

impl TableFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Xlsx => "xlsx",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RowError {
    /// 1-based, counting the header as row 1 (as a spreadsheet shows it).
    pub row: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub categories_created: usize,
    /// When not empty, nothing was imported.
    pub errors: Vec<RowError>,
}

/// "450", "450.5", "450.50" → minor units (2 decimals).
fn parse_amount(what: &str, text: &str) -> std::result::Result<i64, String> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let ok = !whole.is_empty()
        && whole.len() <= 11
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(format!("{what} '{text}' is not an amount like 450.00"));
    }
    let whole: i64 = whole
        .parse()
        .map_err(|_| format!("{what} '{text}' is too large"))?;
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    Ok(whole * 100 + frac)
}

fn format_amount(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// A spreadsheet's number as text: 450 rather than 450.0, and 12.5 as it is.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Rows of text cells from a CSV or XLSX file (first sheet).
pub(crate) fn read_table(bytes: &[u8], format: TableFormat) -> Result<Vec<Vec<String>>> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(DeviceError::refused(Refusal::FileTooLarge { max_mb: 10 }));
    }
    let rows: Vec<Vec<String>> = match format {
        TableFormat::Csv => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| DeviceError::refused(Refusal::FileUnreadable))?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            reader
                .records()
                .map(|r| {
                    r.map(|rec| rec.iter().map(str::to_string).collect())
                        .map_err(|e| {
                            DeviceError::invalid(format!("the CSV file cannot be read: {e}"))
                        })
                })
                .collect::<Result<_>>()?
        }
        TableFormat::Xlsx => {
            use calamine::{Data, Reader};
            let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e| {
                DeviceError::invalid(format!("the file is not an XLSX workbook: {e}"))
            })?;
            let range = book
                .worksheet_range_at(0)
                .ok_or_else(|| DeviceError::refused(Refusal::FileUnreadable))?
                .map_err(|e| DeviceError::invalid(format!("the sheet cannot be read: {e}")))?;
            range
                .rows()
                .map(|row| {
                    row.iter()
                        .map(|c| match c {
                            Data::Empty => String::new(),
                            Data::String(s) => s.clone(),
                            Data::Int(i) => i.to_string(),
                            Data::Float(f) => number_text(*f),
                            Data::Bool(b) => b.to_string(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect()
        }
    };
    if rows.len() > MAX_IMPORT_ROWS + 1 {
        return Err(DeviceError::refused(Refusal::TooManyLines {
            max: u32::try_from(MAX_IMPORT_ROWS).unwrap_or(u32::MAX),
        }));
    }
    Ok(rows)
}

impl Workspace {
    fn catalogue_rows(&self) -> Result<Vec<Vec<String>>> {
        Ok(self
            .list_parts(None)?
            .into_iter()
            .map(|p| {
                vec![
                    p.info.sku,
                    p.info.name_zh,
                    p.info.name_en,
                    p.category_path.unwrap_or_default(),
                    p.info.unit,
                    p.info.barcode,
                    format_amount(p.info.sale_price_minor),
                    format_amount(p.info.cost_minor),
                    p.info.currency,
                    p.info.min_stock.to_string(),
                    p.info.compatible_models.join("; "),
                ]
            })
            .collect())
    }

    /// The catalogue as CSV (UTF-8 with BOM; formula-like cells defused).
    pub fn export_parts_csv(&self) -> Result<String> {
        let mut out = String::from("\u{feff}");
        out.push_str(&COLUMNS.join(","));
        out.push('\n');
        for row in self.catalogue_rows()? {
            let cells: Vec<String> = row.iter().map(|c| super::csv_field(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        Ok(out)
    }

    /// The catalogue as an XLSX workbook (prices and minimum stock as numbers).
    pub fn export_parts_xlsx(&self) -> Result<Vec<u8>> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let xl = |e: rust_xlsxwriter::XlsxError| {
            DeviceError::invalid(format!("the workbook cannot be written: {e}"))
        };
        let sheet = book.add_worksheet();
        sheet.set_name("parts").map_err(xl)?;
        for (c, name) in COLUMNS.iter().enumerate() {
            sheet.write_string(0, c as u16, *name).map_err(xl)?;
        }
        for (r, row) in self.catalogue_rows()?.into_iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let numeric = matches!(COLUMNS[c], "sale_price" | "cost" | "min_stock");
                match cell.parse::<f64>() {
                    Ok(n) if numeric => sheet.write_number(r, c as u16, n).map_err(xl)?,
                    _ => sheet.write_string(r, c as u16, cell).map_err(xl)?,
                };
            }
        }
        book.save_to_buffer().map_err(xl)
    }

    /// Create or update parts (matched by SKU) from a CSV or XLSX file with a header row.
    /// Missing categories (given as paths, "A / B") are created. All or nothing.
    pub fn import_parts(&mut self, bytes: &[u8], format: TableFormat) -> Result<ImportReport> {
        let rows = read_table(bytes, format)?;
        let mut report = ImportReport {
            created: 0,
            updated: 0,
            unchanged: 0,
            categories_created: 0,
            errors: Vec::new(),
        };
        let Some(header) = rows.first() else {
            return Err(DeviceError::refused(Refusal::FileEmpty));
        };
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, h) in header.iter().enumerate() {
            let name = h.trim().to_lowercase();
            match COLUMNS.iter().find(|c| **c == name) {
                Some(c) => {
                    index.insert(c, i);
                }
                None if name.is_empty() => {}
                None => report.errors.push(RowError {
                    row: 1,
                    message: format!(
                        "unknown column '{}' (columns: {})",
                        h.trim(),
                        COLUMNS.join(", ")
                    ),
                }),
            }
        }
        for r in REQUIRED {
            if !index.contains_key(r) {
                report.errors.push(RowError {
                    row: 1,
                    message: format!("the column '{r}' is missing"),
                });
            }
        }
        if !report.errors.is_empty() {
            return Ok(report);
        }
        let existing: BTreeMap<String, super::PartView> = self
            .list_parts(None)?
            .into_iter()
            .map(|p| (p.info.sku.clone(), p))
            .collect();
        let mut categories: BTreeMap<String, String> = self
            .list_categories()?
            .into_iter()
            .map(|c| (c.path, c.id))
            .collect();
        let mut seen = BTreeMap::new();
        let mut parsed: Vec<(PartInfo, Option<String>)> = Vec::new();
        for (n, row) in rows.iter().enumerate().skip(1) {
            let line = n + 1;
            let cell = |c: &str| {
                index
                    .get(c)
                    .and_then(|i| row.get(*i))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let sku = cell("sku");
            if let Some(first) = seen.insert(sku.clone(), line) {
                report.errors.push(RowError {
                    row: line,
                    message: format!("SKU '{sku}' is also on row {first}"),
                });
                continue;
            }
            let amounts = (
                parse_amount("sale price", &cell("sale_price")),
                parse_amount("cost", &cell("cost")),
            );
            let (sale, cost) = match amounts {
                (Ok(s), Ok(c)) => (s, c),
                (Err(e), _) | (_, Err(e)) => {
                    report.errors.push(RowError {
                        row: line,
                        message: e,
                    });
                    continue;
                }
            };
            let min_text = cell("min_stock");
            let min_stock = if min_text.is_empty() {
                0
            } else {
                match min_text.parse::<i64>() {
                    Ok(m) => m,
                    Err(_) => {
                        report.errors.push(RowError {
                            row: line,
                            message: format!("minimum stock '{min_text}' is not a whole number"),
                        });
                        continue;
                    }
                }
            };
            let currency = cell("currency");
            let info = PartInfo {
                sku,
                name_zh: cell("name_zh"),
                name_en: cell("name_en"),
                category_id: None,
                unit: cell("unit"),
                barcode: cell("barcode"),
                sale_price_minor: sale,
                cost_minor: cost,
                currency: if currency.is_empty() {
                    "CNY".into()
                } else {
                    currency
                },
                min_stock,
                compatible_models: cell("compatible_models")
                    .split([';', '；'])
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_string)
                    .collect(),
                photo: None,
            };
            if let Err(e) = info.validate() {
                report.errors.push(RowError {
                    row: line,
                    message: e.to_string(),
                });
                continue;
            }
            let category = cell("category");
            parsed.push((info, (!category.is_empty()).then_some(category)));
        }
        if !report.errors.is_empty() {
            return Ok(report);
        }
        // Everything checked: categories first (their ids go into the parts), then parts.
        let mut changes: Vec<PreparedChange> = Vec::new();
        for (_, path) in &parsed {
            let Some(path) = path else { continue };
            let mut prefix = String::new();
            let mut parent: Option<String> = None;
            for name in path.split(" / ").map(str::trim).filter(|n| !n.is_empty()) {
                prefix = if prefix.is_empty() {
                    name.to_string()
                } else {
                    format!("{prefix} / {name}")
                };
                if let Some(id) = categories.get(&prefix) {
                    parent = Some(id.clone());
                    continue;
                }
                let (id, doc) = self.prepare_change(DocType::Category, None, |doc, _| {
                    Ok(stock::new_category_doc(doc, name, parent.as_deref())?)
                })?;
                changes.push((DocType::Category, id.clone(), doc));
                categories.insert(prefix.clone(), id.clone());
                parent = Some(id);
                report.categories_created += 1;
            }
        }
        for (mut info, path) in parsed {
            info.category_id = path.and_then(|p| {
                let key = p
                    .split(" / ")
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .collect::<Vec<_>>()
                    .join(" / ");
                categories.get(&key).cloned()
            });
            // A file has no pictures: a part keeps its photo.
            info.photo = existing.get(&info.sku).and_then(|p| p.info.photo.clone());
            match existing.get(&info.sku) {
                Some(p) if p.info == info => report.unchanged += 1,
                Some(p) => {
                    let (id, doc) = self.prepare_change(DocType::Part, Some(&p.id), |doc, _| {
                        stock::apply_part_edit(doc, &info)?;
                        Ok(p.id.clone())
                    })?;
                    changes.push((DocType::Part, id, doc));
                    report.updated += 1;
                }
                None => {
                    let (id, doc) = self.prepare_change(DocType::Part, None, |doc, actor| {
                        Ok(stock::new_part_doc(doc, &actor.user_id, &info)?)
                    })?;
                    changes.push((DocType::Part, id, doc));
                    report.created += 1;
                }
            }
        }
        self.commit_together(changes)?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;
    use crate::testing::*;

    fn with_catalogue() -> Workspace {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let hvac = sup.create_category("暖通 HVAC", None).unwrap();
        let comp = sup.create_category("压缩机", Some(&hvac.id)).unwrap();
        sup.create_part(&PartInfo {
            sku: "VP-30XA".into(),
            name_zh: "压缩机阀片".into(),
            name_en: "Valve plate, \"A\" type".into(),
            category_id: Some(comp.id),
            unit: "pcs".into(),
            barcode: "6901234567892".into(),
            sale_price_minor: 45_050,
            cost_minor: 28_000,
            currency: "CNY".into(),
            min_stock: 4,
            compatible_models: vec!["Carrier 30XA-252".into(), "Carrier 30XA-302".into()],
            photo: None,
        })
        .unwrap();
        sup
    }

    #[test]
    fn csv_and_xlsx_round_trip_into_another_device() {
        let src = with_catalogue();
        let csv = src.export_parts_csv().unwrap();
        assert!(
            csv.contains(
                "VP-30XA,压缩机阀片,\"Valve plate, \"\"A\"\" type\",暖通 HVAC / 压缩机,pcs,"
            ),
            "{csv}"
        );
        assert!(
            csv.contains(",450.50,280.00,CNY,4,Carrier 30XA-252; Carrier 30XA-302"),
            "{csv}"
        );
        let xlsx = src.export_parts_xlsx().unwrap();
        for (bytes, format) in [
            (csv.into_bytes(), TableFormat::Csv),
            (xlsx, TableFormat::Xlsx),
        ] {
            let mut dst = workspace(SUPERVISOR, Role::Supervisor);
            let report = dst.import_parts(&bytes, format).unwrap();
            assert_eq!(
                (
                    report.created,
                    report.categories_created,
                    report.errors.len()
                ),
                (1, 2, 0),
                "{report:?}"
            );
            let p = dst.list_parts(None).unwrap().remove(0);
            let q = src.list_parts(None).unwrap().remove(0);
            assert_eq!(p.category_path, q.category_path);
            assert_eq!(
                PartInfo {
                    category_id: None,
                    ..p.info.clone()
                },
                PartInfo {
                    category_id: None,
                    ..q.info.clone()
                }
            );
            // Importing the same file again changes nothing.
            let again = dst.import_parts(&bytes, format).unwrap();
            assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1));
        }
    }

    #[test]
    fn a_bad_row_stops_the_whole_import_and_names_its_row() {
        let mut ws = with_catalogue();
        let file = "sku,name_zh,unit,sale_price,cost\nNEW-1,新件,pcs,10,5\nVP-30XA,阀片,pcs,abc,5\nNEW-1,重复,pcs,1,1\n,无编号,pcs,1,1\n";
        let report = ws.import_parts(file.as_bytes(), TableFormat::Csv).unwrap();
        let rows: Vec<usize> = report.errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, vec![3, 4, 5], "{report:?}");
        assert!(report.errors[0].message.contains("not an amount"));
        assert!(report.errors[1].message.contains("also on row 2"));
        assert_eq!(ws.list_parts(None).unwrap().len(), 1, "nothing imported");
        let header = ws
            .import_parts(b"sku,name,unit\n", TableFormat::Csv)
            .unwrap();
        assert!(
            header
                .errors
                .iter()
                .any(|e| e.message.contains("unknown column 'name'"))
        );
        assert!(
            header
                .errors
                .iter()
                .any(|e| e.message.contains("'sale_price' is missing"))
        );
        assert!(
            ws.import_parts(b"PK\x03\x04 not really", TableFormat::Xlsx)
                .is_err()
        );
        assert!(
            ws.import_parts(&[0xff, 0xfe, 0x00], TableFormat::Csv)
                .is_err()
        );
        // An update by SKU keeps the part's identity.
        let id = ws.list_parts(None).unwrap()[0].id.clone();
        let report = ws
            .import_parts(
                "sku,name_zh,unit,sale_price,cost\nVP-30XA,压缩机阀片（新）,pcs,460,280\n"
                    .as_bytes(),
                TableFormat::Csv,
            )
            .unwrap();
        assert_eq!(report.updated, 1);
        let p = ws.get_part(&id).unwrap();
        assert_eq!(
            (p.info.name_zh.as_str(), p.info.sale_price_minor),
            ("压缩机阀片（新）", 46_000)
        );
        let mut tech = workspace(TECH_A, Role::Technician);
        let err = tech
            .import_parts(
                "sku,name_zh,unit,sale_price,cost\nX-1,x,pcs,1,1\n".as_bytes(),
                TableFormat::Csv,
            )
            .unwrap_err();
        assert!(err.code() == crate::ErrorCode::Forbidden, "{err}");
    }
}
