//! The parts catalogue: parts (with a picture) and their category tree.

use super::*;
use crate::Field;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PartView {
    pub id: String,
    #[serde(flatten)]
    pub info: PartInfo,
    pub category_path: Option<String>,
    /// Usable stock over all locations this device knows.
    pub total_level: i64,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CategoryView {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    /// "Compressors / Valves": the names from the root.
    pub path: String,
    pub depth: i64,
}

impl Workspace {
    pub fn create_part(&mut self, info: &PartInfo) -> Result<PartView> {
        self.check_part_info(info, None)?;
        let id = self.change(DocType::Part, None, |doc, actor| {
            Ok(stock::new_part_doc(doc, &actor.user_id, info)?)
        })?;
        self.get_part(&id)
    }

    pub fn update_part(&mut self, id: &str, info: &PartInfo) -> Result<PartView> {
        self.check_part_info(info, Some(id))?;
        self.change(DocType::Part, Some(id), |doc, _| {
            stock::apply_part_edit(doc, info)?;
            Ok(id.to_string())
        })?;
        self.get_part(id)
    }

    pub(super) fn check_part_info(&self, info: &PartInfo, id: Option<&str>) -> Result<()> {
        info.validate()?;
        if let Some(c) = &info.category_id
            && !self.list_categories()?.iter().any(|x| &x.id == c)
        {
            return Err(DeviceError::refused(Refusal::Unknown {
                thing: Thing::Category,
            }));
        }
        let taken: Option<String> = self
            .store
            .conn()
            .query_row(
                "SELECT id FROM parts WHERE sku = ?1 AND id IS NOT ?2",
                params![info.sku.trim(), id],
                |r| r.get(0),
            )
            .ok();
        if taken.is_some() {
            return Err(DeviceError::refused(Refusal::DuplicateSku {
                sku: info.sku.trim().to_string(),
            }));
        }
        Ok(())
    }

    /// A picture of the part: processed like site photos, kept as its 320 px JPEG.
    pub fn set_part_photo(&mut self, id: &str, bytes: &[u8]) -> Result<PartView> {
        let part = self.get_part(id)?;
        let processed = crate::photo::process(bytes)?;
        let hash = crate::blob::sha256_hex(&processed.thumb);
        let info = PartInfo {
            photo: Some(hash.clone()),
            ..part.info
        };
        self.change_with_blobs(
            DocType::Part,
            Some(id),
            &[(&hash, "image/jpeg", &processed.thumb)],
            |doc, _| {
                stock::apply_part_edit(doc, &info)?;
                Ok(id.to_string())
            },
        )?;
        self.get_part(id)
    }

    pub fn get_part(&self, id: &str) -> Result<PartView> {
        check_id("part", id)?;
        self.query_parts(None, Some(id))?
            .pop()
            .ok_or_else(|| DeviceError::not_found(format!("part {id}")))
    }

    /// The catalogue, by SKU; `text` matches SKU, names, barcode and compatible models.
    pub fn list_parts(&self, text: Option<&str>) -> Result<Vec<PartView>> {
        self.query_parts(text, None)
    }

    /// Parts matching `text`, or the one part `id` (without summing every other part's stock).
    pub(super) fn query_parts(
        &self,
        text: Option<&str>,
        id: Option<&str>,
    ) -> Result<Vec<PartView>> {
        let paths: BTreeMap<String, String> = self
            .list_categories()?
            .into_iter()
            .map(|c| (c.id, c.path))
            .collect();
        let like = text.map(str::trim).filter(|t| !t.is_empty()).map(|t| {
            format!(
                "%{}%",
                t.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        // One part is found by its key ("?2 IS NULL OR p.id = ?2" would read every part).
        let by_id = if id.is_some() {
            "p.id = ?2"
        } else {
            "?2 IS NULL"
        };
        let mut stmt = self.store.conn().prepare_cached(&format!(
            "SELECT p.id, p.sku, p.name_zh, p.name_en, p.category_id, p.unit, p.barcode, p.sale_price_minor,
                    p.cost_minor, p.currency, p.min_stock, p.compatible_models,
                    (SELECT COALESCE(SUM(s.level), 0) FROM stock_levels s WHERE s.part_id = p.id),
                    COALESCE(d.dirty, 0), p.photo
             FROM parts p LEFT JOIN documents d ON d.id = p.id
             WHERE {by_id}
               AND (?1 IS NULL OR p.sku LIKE ?1 ESCAPE '\\' OR p.name_zh LIKE ?1 ESCAPE '\\'
                OR p.name_en LIKE ?1 ESCAPE '\\' OR p.barcode LIKE ?1 ESCAPE '\\'
                OR p.compatible_models LIKE ?1 ESCAPE '\\')
             ORDER BY p.sku"
        ))?;
        let rows = stmt.query_map(params![like, id], |r| {
            let category_id: Option<String> = r.get(4)?;
            Ok(PartView {
                id: r.get(0)?,
                info: PartInfo {
                    sku: r.get(1)?,
                    name_zh: r.get(2)?,
                    name_en: r.get(3)?,
                    category_id: category_id.clone(),
                    unit: r.get(5)?,
                    barcode: r.get(6)?,
                    sale_price_minor: r.get(7)?,
                    cost_minor: r.get(8)?,
                    currency: r.get(9)?,
                    min_stock: r.get(10)?,
                    compatible_models: serde_json::from_str(&r.get::<_, String>(11)?)
                        .unwrap_or_default(),
                    photo: r.get(14)?,
                },
                category_path: category_id.and_then(|c| paths.get(&c).cloned()),
                total_level: r.get(12)?,
                pending: r.get::<_, i64>(13)? == 1,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn create_category(&mut self, name: &str, parent_id: Option<&str>) -> Result<CategoryView> {
        check_text(Field::CategoryName, name, true, 200)?;
        if let Some(p) = parent_id {
            check_id("parent category", p)?;
            if !self.list_categories()?.iter().any(|c| c.id == p) {
                return Err(DeviceError::refused(Refusal::Unknown {
                    thing: Thing::ParentCategory,
                }));
            }
        }
        let id = self.change(DocType::Category, None, |doc, _| {
            Ok(stock::new_category_doc(doc, name, parent_id)?)
        })?;
        self.get_category(&id)
    }

    /// Rename a category, or move it under another (or to the top): never under itself or
    /// one of its own subcategories.
    pub fn update_category(
        &mut self,
        id: &str,
        name: &str,
        parent_id: Option<&str>,
    ) -> Result<CategoryView> {
        check_id("category", id)?;
        check_text(Field::CategoryName, name, true, 200)?;
        let all = self.list_categories()?;
        if !all.iter().any(|c| c.id == id) {
            return Err(DeviceError::not_found(format!("category {id}")));
        }
        if let Some(p) = parent_id {
            check_id("parent category", p)?;
            let parent_of: BTreeMap<&str, Option<&str>> = all
                .iter()
                .map(|c| (c.id.as_str(), c.parent_id.as_deref()))
                .collect();
            if !parent_of.contains_key(p) {
                return Err(DeviceError::refused(Refusal::Unknown {
                    thing: Thing::ParentCategory,
                }));
            }
            // The tree as listed has no loops, so this walk ends at the top.
            let mut at = Some(p);
            while let Some(x) = at {
                if x == id {
                    return Err(DeviceError::refused(Refusal::CategoryLoop));
                }
                at = parent_of.get(x).copied().flatten();
            }
        }
        self.change(DocType::Category, Some(id), |doc, _| {
            stock::apply_category_edit(doc, name, parent_id)?;
            Ok(id.to_string())
        })?;
        self.get_category(id)
    }

    pub(super) fn get_category(&self, id: &str) -> Result<CategoryView> {
        self.list_categories()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| DeviceError::not_found(format!("category {id}")))
    }

    /// The category tree, depth first, children by name. A category whose parent chain loops
    /// or breaks (possible after merges) is shown at the top level rather than lost.
    pub fn list_categories(&self) -> Result<Vec<CategoryView>> {
        let mut stmt = self
            .store
            .conn()
            .prepare("SELECT id, name, parent_id FROM categories")?;
        let all: Vec<CategoryRow> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let by_id: BTreeMap<&str, &CategoryRow> = all.iter().map(|c| (c.0.as_str(), c)).collect();
        let reaches_root = |id: &str| {
            let mut seen = std::collections::BTreeSet::new();
            let mut at = id;
            loop {
                if !seen.insert(at) {
                    return false;
                }
                match by_id.get(at).and_then(|c| c.2.as_deref()) {
                    None => return true,
                    Some(p) if by_id.contains_key(p) => at = p,
                    Some(_) => return false,
                }
            }
        };
        let parent_of = |c: &CategoryRow| {
            if reaches_root(&c.0) {
                c.2.clone()
            } else {
                None
            }
        };
        let mut out = Vec::new();
        fn walk(
            parent: Option<&str>,
            prefix: &str,
            depth: i64,
            all: &[CategoryRow],
            parent_of: &dyn Fn(&CategoryRow) -> Option<String>,
            out: &mut Vec<CategoryView>,
        ) {
            let mut children: Vec<&CategoryRow> = all
                .iter()
                .filter(|c| parent_of(c).as_deref() == parent)
                .collect();
            children.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
            for c in children {
                let path = if prefix.is_empty() {
                    c.1.clone()
                } else {
                    format!("{prefix} / {}", c.1)
                };
                out.push(CategoryView {
                    id: c.0.clone(),
                    name: c.1.clone(),
                    parent_id: parent_of(c),
                    path: path.clone(),
                    depth,
                });
                walk(Some(&c.0), &path, depth + 1, all, parent_of, out);
            }
        }
        walk(None, "", 0, &all, &parent_of, &mut out);
        Ok(out)
    }
}
