//! The knowledge base on the device: writing, publishing and restoring entries, searching
//! them offline (FTS5 over the terms of `search`), and the entries an order may be fixed with.

mod import;
pub mod search;

pub use import::{FileProblem, KnowledgeImport, MAX_IMPORT_FILE};

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::Workspace;
use crate::error::{DeviceError, Result};
use crate::model::knowledge::{
    self, Attachment, EntryContent, EntryKind, EntryStatus, KnowledgeDoc, Revision, Version,
};
use crate::model::order::{EventKind, OrderType};
use crate::model::{DocType, check_id, enum_name};
pub use search::Segment;

/// What the search box and its filters ask.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeSearch {
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub kind: Option<EntryKind>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub order_type: Option<OrderType>,
    /// None: what a technician works from (published, and one's own drafts).
    #[serde(default)]
    pub status: Option<EntryStatus>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One search hit, with the matched words marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct EntrySummary {
    pub id: String,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub title: Vec<Segment>,
    pub snippet: Vec<Segment>,
    pub fault_code: String,
    pub models: Vec<String>,
    pub tags: Vec<String>,
    /// Orders on this device marked as fixed with this entry.
    pub fixes: i64,
    pub revised: Revision,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AttachmentView {
    pub hash: String,
    #[serde(flatten)]
    pub attachment: Attachment,
    /// Kept on this device: it opens without a network.
    pub on_device: bool,
}

/// An order an entry fixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FixedOrder {
    pub order_id: String,
    pub number: Option<String>,
    pub description: String,
    pub status: String,
}

/// A catalogue part an entry names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct EntryPart {
    pub id: String,
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum EntryAction {
    Edit,
    Publish,
    Archive,
    /// Take a published or archived entry back to draft.
    Unpublish,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct EntryDetail {
    pub id: String,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub content: EntryContent,
    /// The body as safe HTML (no scripts, nothing fetched; attachments as `#attachment-…`).
    pub html: String,
    pub created_by: String,
    pub created_at: i64,
    pub revised: Revision,
    pub attachments: Vec<AttachmentView>,
    pub parts: Vec<EntryPart>,
    pub from_order: Option<String>,
    pub fixed_orders: Vec<FixedOrder>,
    pub pinned: bool,
    pub actions: Vec<EntryAction>,
}

/// An old version as it read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct VersionView {
    pub version: String,
    pub status: EntryStatus,
    pub content: EntryContent,
    pub html: String,
    pub revised: Revision,
}

/// The entries an order may be fixed with, and the one it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Solutions {
    pub fixed_with: Option<EntrySummary>,
    pub candidates: Vec<EntrySummary>,
    /// Whether this user may mark the order (its technician while working on it, a manager).
    pub can_mark: bool,
    /// Whether the order is a finished repair no entry was marked for, which can become a
    /// draft fault entry.
    pub can_draft: bool,
}

/// A finished order (completed or settled): what a draft fault entry is made from.
fn finished(detail: &super::OrderDetail) -> bool {
    matches!(detail.underlying_status.as_str(), "completed" | "settled")
}

/// The models and tags in use, for the filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct KnowledgeFacets {
    pub models: Vec<String>,
    pub tags: Vec<String>,
}

/// Text an entry is searched under besides its title: the body as plain text, the fault's
/// code, symptom, causes and steps, its tags and models.
pub(crate) fn searchable_body(k: &KnowledgeDoc) -> String {
    let c = &k.content;
    [
        c.fault_code.clone(),
        c.symptom.clone(),
        c.causes.join("\n"),
        c.steps.join("\n"),
        knowledge::plain_text(&c.body),
        c.tags.join(" "),
        c.models.join(" "),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("\n")
}

/// The projection rows of one entry (called by the store in the document's transaction).
pub(crate) fn project_entry(
    tx: &rusqlite::Transaction<'_>,
    k: &KnowledgeDoc,
) -> rusqlite::Result<()> {
    let c = &k.content;
    let keys = |items: &[String], key: fn(&str) -> String| -> String {
        let mut s = String::from("|");
        for i in items {
            s.push_str(&key(i));
            s.push('|');
        }
        s
    };
    let body = searchable_body(k);
    // The index row shares the entry row's rowid: found by key, not by scanning the index.
    let old: Option<i64> = tx
        .query_row("SELECT rowid FROM knowledge WHERE id = ?1", [&k.id], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(rowid) = old {
        tx.execute("DELETE FROM knowledge_fts WHERE rowid = ?1", [rowid])?;
    }
    tx.execute(
        "INSERT OR REPLACE INTO knowledge(id, kind, status, title, created_by, revised_by, revised_at,
            fault_code, models, model_keys, tags, tag_keys, order_types, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            k.id,
            enum_name(&k.kind),
            enum_name(&k.status),
            c.title,
            k.created_by,
            k.revised.by,
            k.revised.at,
            c.fault_code,
            serde_json::to_string(&c.models).unwrap_or_default(),
            keys(&c.models, search::model_key),
            serde_json::to_string(&c.tags).unwrap_or_default(),
            keys(&c.tags, |t| t.to_lowercase()),
            keys(
                &c.order_types.iter().map(enum_name).collect::<Vec<_>>(),
                |t| t.to_string()
            ),
            body,
        ],
    )?;
    tx.execute(
        "INSERT INTO knowledge_fts(rowid, title, body) VALUES (?1, ?2, ?3)",
        params![
            tx.last_insert_rowid(),
            search::index_terms(&c.title),
            search::index_terms(&body)
        ],
    )?;
    Ok(())
}

/// `knowledge::visible_to` as SQL over `k`, the user being the parameter `user`: what a
/// technician works from (published entries and their own drafts).
fn visible_sql(user: &str) -> String {
    format!("(k.status = 'published' OR (k.status = 'draft' AND k.created_by = {user}))")
}

const SUMMARY_COLUMNS: &str =
    "k.id, k.kind, k.status, k.title, k.body, k.fault_code, k.models, k.tags,
    k.revised_by, k.revised_at, (SELECT COUNT(*) FROM orders o WHERE o.fixed_with = k.id)";

/// A stored enum name read back; a name this version does not know is a damaged row.
fn parse_enum<T: serde::de::DeserializeOwned>(column: usize, s: String) -> rusqlite::Result<T> {
    crate::model::enum_from_name(&s).ok_or(rusqlite::Error::InvalidColumnType(
        column,
        s,
        rusqlite::types::Type::Text,
    ))
}

fn summary_from_row(r: &rusqlite::Row<'_>, query: &str) -> rusqlite::Result<EntrySummary> {
    let title: String = r.get(3)?;
    let body: String = r.get(4)?;
    let list = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
    Ok(EntrySummary {
        id: r.get(0)?,
        kind: parse_enum(1, r.get(1)?)?,
        status: parse_enum(2, r.get(2)?)?,
        title: search::highlight(&title, query, 0),
        snippet: search::highlight(&body, query, 120),
        fault_code: r.get(5)?,
        models: list(r.get(6)?),
        tags: list(r.get(7)?),
        revised: Revision {
            by: r.get(8)?,
            at: r.get(9)?,
        },
        fixes: r.get(10)?,
    })
}

impl Workspace {
    fn load_entry(&self, id: &str) -> Result<(automerge::AutoCommit, KnowledgeDoc)> {
        check_id("knowledge entry", id)?;
        match self.store.load(id)? {
            Some((DocType::Knowledge, doc)) => {
                let k = KnowledgeDoc::from_doc(&doc)?;
                Ok((doc, k))
            }
            _ => Err(DeviceError::not_found(format!("knowledge entry {id}"))),
        }
    }

    /// A new entry: a draft, or published at once when a supervisor or admin says so.
    pub fn create_entry(
        &mut self,
        kind: EntryKind,
        content: &EntryContent,
        publish: bool,
    ) -> Result<EntryDetail> {
        self.check_entry_parts(content)?;
        let status = if publish {
            EntryStatus::Published
        } else {
            EntryStatus::Draft
        };
        let id = self.change(DocType::Knowledge, None, |doc, actor| {
            Ok(knowledge::new_entry_doc(
                doc,
                &actor.user_id,
                kind,
                status,
                content,
                None,
            )?)
        })?;
        self.get_entry(&id)
    }

    pub fn update_entry(&mut self, id: &str, content: &EntryContent) -> Result<EntryDetail> {
        self.check_entry_parts(content)?;
        self.change(DocType::Knowledge, Some(id), |doc, actor| {
            knowledge::apply_entry_edit(doc, content, &actor.user_id)?;
            Ok(id.to_string())
        })?;
        self.get_entry(id)
    }

    pub fn set_entry_status(&mut self, id: &str, status: EntryStatus) -> Result<EntryDetail> {
        self.load_entry(id)?;
        self.change(DocType::Knowledge, Some(id), |doc, actor| {
            knowledge::set_status(doc, status, &actor.user_id)?;
            Ok(id.to_string())
        })?;
        self.get_entry(id)
    }

    fn check_entry_parts(&self, content: &EntryContent) -> Result<()> {
        for p in &content.parts {
            check_id("part", p)?;
            let known: Option<i64> = self
                .store
                .conn()
                .query_row("SELECT 1 FROM parts WHERE id = ?1", [p], |r| r.get(0))
                .optional()?;
            if known.is_none() {
                return Err(DeviceError::refused(crate::Refusal::Unknown {
                    thing: crate::Thing::Part,
                }));
            }
        }
        Ok(())
    }

    fn entry_actions(&self, k: &KnowledgeDoc) -> Vec<EntryAction> {
        let Ok(actor) = self.actor() else {
            return vec![];
        };
        if actor.role.manages() {
            let mut out = vec![EntryAction::Edit];
            match k.status {
                EntryStatus::Draft => out.extend([EntryAction::Publish, EntryAction::Archive]),
                EntryStatus::Published => {
                    out.extend([EntryAction::Archive, EntryAction::Unpublish])
                }
                EntryStatus::Archived => out.extend([EntryAction::Publish, EntryAction::Unpublish]),
            }
            out
        } else if k.status == EntryStatus::Draft
            && k.created_by == actor.user_id
            && actor.role != crate::model::Role::Warehouse
        {
            vec![EntryAction::Edit]
        } else {
            vec![]
        }
    }

    pub fn get_entry(&self, id: &str) -> Result<EntryDetail> {
        let (_, k) = self.load_entry(id)?;
        let conn = self.store.conn();
        let mut attachments = Vec::new();
        for (hash, a) in &k.attachments {
            let on_device: bool = conn
                .query_row("SELECT 1 FROM blobs WHERE hash = ?1", [hash], |_| Ok(()))
                .optional()?
                .is_some();
            attachments.push(AttachmentView {
                hash: hash.clone(),
                attachment: a.clone(),
                on_device,
            });
        }
        attachments.sort_by_key(|a| a.attachment.at);
        let mut parts = Vec::new();
        for p in &k.content.parts {
            if let Some(part) = conn
                .query_row(
                    "SELECT id, sku, name_zh, name_en FROM parts WHERE id = ?1",
                    [p],
                    |r| {
                        Ok(EntryPart {
                            id: r.get(0)?,
                            sku: r.get(1)?,
                            name_zh: r.get(2)?,
                            name_en: r.get(3)?,
                        })
                    },
                )
                .optional()?
            {
                parts.push(part);
            }
        }
        let mut stmt = conn.prepare(
            "SELECT id, number, description, status FROM orders WHERE fixed_with = ?1
             ORDER BY completed_at DESC, id",
        )?;
        let fixed_orders = stmt
            .query_map([id], |r| {
                Ok(FixedOrder {
                    order_id: r.get(0)?,
                    number: r.get(1)?,
                    description: r.get(2)?,
                    status: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let pinned = conn
            .query_row("SELECT 1 FROM knowledge_pins WHERE id = ?1", [id], |_| {
                Ok(())
            })
            .optional()?
            .is_some();
        Ok(EntryDetail {
            id: k.id.clone(),
            kind: k.kind,
            status: k.status,
            html: knowledge::render_markdown(&k.content.body),
            actions: self.entry_actions(&k),
            content: k.content,
            created_by: k.created_by,
            created_at: k.created_at,
            revised: k.revised,
            attachments,
            parts,
            from_order: k.from_order,
            fixed_orders,
            pinned,
        })
    }

    /// Search the entries on this device, best match first.
    pub fn search_knowledge(&self, s: &KnowledgeSearch) -> Result<Vec<EntrySummary>> {
        let user = self.actor()?.user_id;
        let limit = i64::from(s.limit.unwrap_or(50).clamp(1, 500));
        let fts = search::match_query(&s.query, true);
        let status = s.status.map(|st| enum_name(&st));
        let filters = "(?2 IS NULL OR k.kind = ?2)
              AND (?3 IS NULL OR k.model_keys LIKE '%|' || ?3 || '|%')
              AND (?4 IS NULL OR k.tag_keys LIKE '%|' || ?4 || '|%')
              AND (?5 IS NULL OR k.order_types LIKE '%|' || ?5 || '|%')
              AND (CASE WHEN ?6 IS NULL THEN {} ELSE k.status = ?6 END)";
        let kind = s.kind.map(|k| enum_name(&k));
        let model = s
            .model
            .as_deref()
            .map(search::model_key)
            .filter(|m| !m.is_empty());
        let tag = s
            .tag
            .as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        let order_type = s.order_type.map(|t| enum_name(&t));
        self.summaries(
            fts.as_deref(),
            &filters.replace("{}", &visible_sql("?7")),
            "",
            limit,
            params![kind, model, tag, order_type, status, user],
            &s.query,
        )
    }

    /// Entries matching the FTS query `fts` (best first after `first`, an ORDER BY prefix) or,
    /// without one, every entry (newest first), narrowed by `filters`: SQL over `k` whose
    /// parameters, from `?2` on, are `more`. Snippets are marked for `query`.
    fn summaries(
        &self,
        fts: Option<&str>,
        filters: &str,
        first: &str,
        limit: i64,
        more: &[&dyn rusqlite::ToSql],
        query: &str,
    ) -> Result<Vec<EntrySummary>> {
        // Title words weigh ten times body words. CROSS JOIN keeps the index the outer loop:
        // the planner would otherwise walk every entry and ask the index for each.
        let (from, rank) = match fts {
            Some(_) => (
                "knowledge_fts f CROSS JOIN knowledge k ON k.rowid = f.rowid WHERE knowledge_fts MATCH ?1",
                "bm25(knowledge_fts, 10.0, 1.0), k.revised_at DESC",
            ),
            None => ("knowledge k WHERE ?1 IS NULL", "k.revised_at DESC, k.id"),
        };
        let mut stmt = self.store.conn().prepare(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM {from} AND {filters} ORDER BY {first} {rank} LIMIT {limit}"
        ))?;
        let mut args: Vec<&dyn rusqlite::ToSql> = vec![&fts];
        args.extend_from_slice(more);
        let rows = stmt
            .query_map(args.as_slice(), |r| summary_from_row(r, query))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn knowledge_facets(&self) -> Result<KnowledgeFacets> {
        let conn = self.store.conn();
        let mut facets = KnowledgeFacets::default();
        for (column, out) in [("models", &mut facets.models), ("tags", &mut facets.tags)] {
            let mut stmt = conn.prepare(&format!(
                "SELECT DISTINCT j.value FROM knowledge k, json_each(k.{column}) j
                 WHERE k.status <> 'archived' ORDER BY j.value COLLATE NOCASE LIMIT 500"
            ))?;
            *out = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
        }
        Ok(facets)
    }

    pub fn entry_versions(&self, id: &str) -> Result<Vec<Version>> {
        let (mut doc, _) = self.load_entry(id)?;
        Ok(knowledge::versions(&mut doc, 100)?)
    }

    pub fn entry_version(&self, id: &str, version: &str) -> Result<VersionView> {
        let (mut doc, _) = self.load_entry(id)?;
        let old = knowledge::at_version(&mut doc, version)?;
        Ok(VersionView {
            version: version.to_string(),
            status: old.status,
            html: knowledge::render_markdown(&old.content.body),
            content: old.content,
            revised: old.revised,
        })
    }

    /// Make an old version the current text again (a new version; nothing is lost).
    pub fn restore_entry_version(&mut self, id: &str, version: &str) -> Result<EntryDetail> {
        let old = self.entry_version(id, version)?;
        self.update_entry(id, &old.content)
    }

    /// Keep a file with the entry (saved on this device at once, uploaded on the next sync).
    pub fn add_entry_attachment(
        &mut self,
        id: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<EntryDetail> {
        let mime = knowledge::check_attachment(name, bytes)?;
        let hash = crate::blob::sha256_hex(bytes);
        let blobs = [(hash.as_str(), mime, bytes)];
        self.change_with_blobs(DocType::Knowledge, Some(id), &blobs, |doc, actor| {
            let a = Attachment {
                name: name.trim().to_string(),
                mime: mime.to_string(),
                bytes: bytes.len() as i64,
                by: actor.user_id.clone(),
                at: crate::model::now_ms(),
            };
            knowledge::add_attachment(doc, &hash, &a)?;
            Ok(id.to_string())
        })?;
        self.get_entry(id)
    }

    pub fn remove_entry_attachment(&mut self, id: &str, hash: &str) -> Result<EntryDetail> {
        self.change(DocType::Knowledge, Some(id), |doc, actor| {
            knowledge::remove_attachment(doc, hash, &actor.user_id)?;
            Ok(id.to_string())
        })?;
        self.get_entry(id)
    }

    /// Pinned entries keep their attachments on the device (the app downloads them).
    pub fn set_entry_pinned(&mut self, id: &str, pinned: bool) -> Result<Vec<String>> {
        let (_, k) = self.load_entry(id)?;
        let conn = self.store.conn();
        if pinned {
            conn.execute("INSERT OR IGNORE INTO knowledge_pins(id) VALUES (?1)", [id])?;
        } else {
            conn.execute("DELETE FROM knowledge_pins WHERE id = ?1", [id])?;
        }
        Ok(if pinned {
            k.attachments.keys().cloned().collect()
        } else {
            Vec::new()
        })
    }

    /// The entries that may fix this order: the ones for its machines' models first, then by
    /// how well its description matches.
    pub fn possible_solutions(&self, order_id: &str) -> Result<Solutions> {
        let detail = self.get_order(order_id)?;
        let user = self.actor()?.user_id;
        let models: Vec<String> = detail
            .equipment
            .iter()
            .map(|e| search::model_key(&e.info.model))
            .filter(|m| !m.is_empty())
            .collect();
        let description = detail.summary.description.clone();
        let fixed_id: Option<String> = self
            .store
            .conn()
            .query_row(
                "SELECT fixed_with FROM orders WHERE id = ?1",
                [order_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        // Model keys are letters and digits only (`model_key`), so they can stand in the SQL.
        let model_match = models
            .iter()
            .map(|m| format!("(k.model_keys LIKE '%|{m}|%')"))
            .collect::<Vec<_>>()
            .join(" + ");
        // A constant would be read as a column number by ORDER BY: without models, bm25 alone.
        let model_first = if models.is_empty() {
            String::new()
        } else {
            format!("({model_match}) DESC,")
        };
        let visible = &visible_sql("?2");
        let fts = search::match_query(&description, false);
        let mut candidates = match &fts {
            Some(q) => self.summaries(
                Some(q),
                visible,
                &model_first,
                10,
                params![user],
                &description,
            )?,
            None => Vec::new(),
        };
        if candidates.is_empty() && !models.is_empty() {
            candidates = self.summaries(
                None,
                &format!("{visible} AND ({model_match}) > 0"),
                "",
                10,
                params![user],
                &description,
            )?;
        }
        let fixed_with = match &fixed_id {
            Some(f) => self
                .summaries(None, "k.id = ?2", "", 1, params![f], &description)?
                .pop(),
            None => None,
        };
        candidates.retain(|c| Some(&c.id) != fixed_id.as_ref());
        Ok(Solutions {
            can_mark: detail.actions.contains(&super::Action::FieldEntry),
            can_draft: finished(&detail) && fixed_with.is_none(),
            fixed_with,
            candidates,
        })
    }

    /// Record that this entry fixed the order (a business-record fact; the entry's count of
    /// fixes comes from the orders that name it).
    pub fn mark_fixed_with(&mut self, order_id: &str, entry_id: &str) -> Result<Solutions> {
        let (_, k) = self.load_entry(entry_id)?;
        if k.status == EntryStatus::Archived {
            return Err(DeviceError::refused(crate::Refusal::Unknown {
                thing: crate::Thing::KnowledgeEntry,
            }));
        }
        self.order_event(
            order_id,
            super::Action::FieldEntry,
            EventKind::FixedWith,
            |e| {
                e.entry = Some(entry_id.to_string());
            },
        )?;
        self.possible_solutions(order_id)
    }

    /// A draft fault entry from a finished repair: its symptom, what was done, the parts used
    /// and the site photos, for a supervisor to review and publish.
    pub fn draft_entry_from_order(&mut self, order_id: &str) -> Result<EntryDetail> {
        let detail = self.get_order(order_id)?;
        if !finished(&detail) {
            return Err(match crate::model::enum_from_name(&detail.summary.status) {
                Some(status) => DeviceError::refused(crate::Refusal::NotNow { status }),
                None => DeviceError::invalid("only a finished order becomes a fault entry"),
            });
        }
        let conn = self.store.conn();
        let mut parts: Vec<String> = Vec::new();
        for charge in &detail.charges {
            if let Some(m) = &charge.line.movement_id {
                let part: Option<String> = conn
                    .query_row(
                        "SELECT part_id FROM stock_movements WHERE id = ?1",
                        [m],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(p) = part.filter(|p| !parts.contains(p)) {
                    parts.push(p);
                }
            }
        }
        let mut photos: Vec<(String, String, Vec<u8>)> = Vec::new();
        for p in &detail.photos {
            if let Some((mime, bytes)) = self.store.blob(&p.photo.hash)? {
                photos.push((p.photo.hash.clone(), mime, bytes));
            }
        }
        let description = detail.summary.description.trim();
        let title: String = description
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(knowledge::MAX_TITLE)
            .collect();
        let content = EntryContent {
            title: if title.is_empty() {
                detail.summary.number.clone().unwrap_or_default()
            } else {
                title
            },
            body: String::new(),
            tags: Vec::new(),
            models: detail
                .equipment
                .iter()
                .map(|e| e.info.model.clone())
                .filter(|m| !m.trim().is_empty())
                .collect(),
            order_types: crate::model::enum_from_name(&detail.summary.order_type)
                .into_iter()
                .collect(),
            fault_code: String::new(),
            symptom: if description.is_empty() {
                "-".to_string()
            } else {
                description.chars().take(5_000).collect()
            },
            causes: Vec::new(),
            steps: detail
                .resolution
                .iter()
                .flat_map(|r| r.lines())
                .map(|l| l.chars().take(2_000).collect::<String>())
                .filter(|l| !l.trim().is_empty())
                .take(50)
                .collect(),
            parts,
        };
        let blobs: Vec<(&str, &str, &[u8])> = photos
            .iter()
            .map(|(h, m, b)| (h.as_str(), m.as_str(), b.as_slice()))
            .collect();
        let id = self.change_with_blobs(DocType::Knowledge, None, &blobs, |doc, actor| {
            let id = knowledge::new_entry_doc(
                doc,
                &actor.user_id,
                EntryKind::Fault,
                EntryStatus::Draft,
                &content,
                Some(order_id),
            )?;
            for (i, (hash, mime, bytes)) in photos.iter().enumerate() {
                let a = Attachment {
                    name: format!("photo-{}.jpg", i + 1),
                    mime: mime.clone(),
                    bytes: bytes.len() as i64,
                    by: actor.user_id.clone(),
                    at: crate::model::now_ms(),
                };
                knowledge::add_attachment(doc, hash, &a)?;
            }
            Ok(id)
        })?;
        self.get_entry(&id)
    }
}

#[cfg(test)]
mod tests;
