//! Knowledge entries (知识库 and 故障库): articles (a manual page, a procedure) and fault entries
//! (symptom → causes → solution steps) that technicians search on site, offline.
//!
//! The title, the body and a fault's symptom are automerge text, so two people editing the same
//! entry offline merge at the character level. Every save writes `revised` (who, when) in the
//! same change, which is what the version history shows of each change.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use serde::{Deserialize, Serialize};

use super::order::OrderType;
use super::{check_id, check_text, new_id, now_ms};
use crate::crdt;
use crate::error::{DomainError, Field, Problem, Refusal, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Article,
    Fault,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// Written by anyone, seen by its author and the managers until published.
    Draft,
    /// What every technician's device carries and searches.
    Published,
    /// Kept for the record, off the technicians' devices.
    Archived,
}

/// Who saved a version, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub by: String,
    pub at: i64,
}

/// A file kept with an entry (a PDF manual, a photo), content-addressed like photos.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub name: String,
    pub mime: String,
    pub bytes: i64,
    pub by: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeDoc {
    pub doc_type: String,
    pub id: String,
    pub kind: EntryKind,
    pub created_at: i64,
    pub created_by: String,
    pub status: EntryStatus,
    pub revised: Revision,
    pub content: EntryContent,
    /// Attachments by their SHA-256.
    pub attachments: BTreeMap<String, Attachment>,
    /// The order a fault entry was made from ("turn this repair into a fault entry").
    #[serde(default)]
    pub from_order: Option<String>,
}

/// What a person writes of an entry; saved field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct EntryContent {
    pub title: String,
    /// Markdown without HTML; images only from the entry's own attachments.
    pub body: String,
    pub tags: Vec<String>,
    /// Equipment models it applies to, as written on the machine's plate ("KX-200").
    pub models: Vec<String>,
    pub order_types: Vec<OrderType>,
    /// Fault entries: the code the machine shows, the symptom, causes from the most likely,
    /// the steps that fix it, and the catalogue parts usually needed.
    pub fault_code: String,
    pub symptom: String,
    pub causes: Vec<String>,
    pub steps: Vec<String>,
    pub parts: Vec<String>,
}

pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 100_000;
pub const MAX_LIST: usize = 30;
/// The largest attachment (a scanned manual).
pub const MAX_ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;
/// What an attachment may be: manuals and pictures.
pub const ATTACHMENT_TYPES: [&str; 4] =
    ["application/pdf", "image/jpeg", "image/png", "image/webp"];

fn check_list(field: Field, items: &[String], max_items: usize, max_chars: usize) -> Result<()> {
    if items.len() > max_items {
        let max = i32::try_from(max_items).unwrap_or(i32::MAX);
        return Err(DomainError::bad_field(
            field,
            Problem::OutOfRange { min: 0, max },
        ));
    }
    items
        .iter()
        .try_for_each(|i| check_text(field, i, true, max_chars))
}

impl EntryContent {
    pub fn validate(&self, kind: EntryKind) -> Result<()> {
        check_text(Field::Title, &self.title, true, MAX_TITLE)?;
        check_text(
            Field::Body,
            &self.body,
            kind == EntryKind::Article,
            MAX_BODY,
        )?;
        check_markdown(&self.body)?;
        check_list(Field::Tag, &self.tags, MAX_LIST, 40)?;
        check_list(Field::Model, &self.models, MAX_LIST, 100)?;
        check_text(Field::FaultCode, &self.fault_code, false, 50)?;
        check_text(
            Field::Symptom,
            &self.symptom,
            kind == EntryKind::Fault,
            5_000,
        )?;
        check_list(Field::Cause, &self.causes, MAX_LIST, 1_000)?;
        check_list(Field::Step, &self.steps, 50, 2_000)?;
        if self.parts.len() > MAX_LIST {
            return Err(DomainError::invalid("at most 30 parts per entry"));
        }
        self.parts.iter().try_for_each(|p| check_id("part", p))
    }

    /// Trimmed, empty list items dropped, duplicates of tags and models removed: as stored.
    pub fn normalised(&self) -> EntryContent {
        let items = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let unique = |v: &[String]| -> Vec<String> {
            let mut seen = std::collections::BTreeSet::new();
            items(v)
                .into_iter()
                .filter(|s| seen.insert(s.to_lowercase()))
                .collect()
        };
        let mut order_types = self.order_types.clone();
        order_types.sort_by_key(super::enum_name);
        order_types.dedup();
        let mut parts = self.parts.clone();
        parts.dedup();
        EntryContent {
            title: self.title.trim().to_string(),
            body: self.body.trim_end().to_string(),
            tags: unique(&self.tags),
            models: unique(&self.models),
            order_types,
            fault_code: self.fault_code.trim().to_string(),
            symptom: self.symptom.trim().to_string(),
            causes: items(&self.causes),
            steps: items(&self.steps),
            parts,
        }
    }
}

/// Markdown people may write: no HTML (it would run in every reader's app), no images from
/// the network (an article must open offline and never call out), links only to the web,
/// mail, or the entry's own attachments.
pub fn check_markdown(text: &str) -> Result<()> {
    use pulldown_cmark::{Event, Parser, Tag};
    for event in Parser::new_ext(text, markdown_options()) {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                return Err(DomainError::Refused(Refusal::HtmlInText));
            }
            Event::Start(Tag::Image { dest_url, .. }) if !is_attachment(&dest_url) => {
                return Err(DomainError::Refused(Refusal::RemoteImage));
            }
            Event::Start(Tag::Link { dest_url, .. }) if !safe_link(&dest_url) => {
                return Err(DomainError::Refused(Refusal::UnsafeLink));
            }
            _ => {}
        }
    }
    Ok(())
}

fn markdown_options() -> pulldown_cmark::Options {
    pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
}

const ATTACHMENT_SCHEME: &str = "attachment:";

fn is_attachment(url: &str) -> bool {
    url.strip_prefix(ATTACHMENT_SCHEME)
        .is_some_and(|h| crate::blob::check_hash(h).is_ok())
}

fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    is_attachment(url)
        || lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with('#')
}

/// The body as HTML for the reader. Only checked Markdown reaches here; HTML that slipped into
/// an old document is dropped rather than shown, and a link or image to an attachment becomes
/// `#attachment-<hash>`, which the app opens from the device's own store.
pub fn render_markdown(text: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Parser, Tag};
    let attachment_href = |url: &str| -> Option<CowStr<'static>> {
        url.strip_prefix(ATTACHMENT_SCHEME)
            .filter(|h| crate::blob::check_hash(h).is_ok())
            .map(|h| CowStr::from(format!("#attachment-{h}")))
    };
    let events = Parser::new_ext(text, markdown_options()).filter_map(|event| match event {
        Event::Html(_) | Event::InlineHtml(_) => None,
        // Pictures are shown as links to the attachment: nothing is fetched while reading.
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Some(Event::Start(Tag::Link {
            link_type,
            dest_url: attachment_href(&dest_url).unwrap_or_else(|| CowStr::from("#")),
            title,
            id,
        })),
        Event::End(pulldown_cmark::TagEnd::Image) => Some(Event::End(pulldown_cmark::TagEnd::Link)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest = match attachment_href(&dest_url) {
                Some(h) => h,
                None if safe_link(&dest_url) => dest_url,
                None => CowStr::from("#"),
            };
            Some(Event::Start(Tag::Link {
                link_type,
                dest_url: dest,
                title,
                id,
            }))
        }
        other => Some(other),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// The words of a Markdown body without its marks, for search snippets.
pub fn plain_text(text: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for event in Parser::new_ext(text, markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// A file offered as an attachment: a name, a type from the allowed list that the bytes
/// really are, and a size within the limit.
pub fn check_attachment(name: &str, bytes: &[u8]) -> Result<&'static str> {
    check_text(Field::FileName, name, true, 200)?;
    if bytes.is_empty() {
        return Err(DomainError::Refused(Refusal::FileEmpty));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(DomainError::Refused(Refusal::FileTooLarge {
            max_mb: (MAX_ATTACHMENT_BYTES / 1024 / 1024) as u32,
        }));
    }
    crate::blob::sniff(bytes).ok_or(DomainError::Refused(Refusal::FileTypeNotAllowed))
}

impl KnowledgeDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<KnowledgeDoc> {
        let k: KnowledgeDoc = crdt::read_strict(doc, "knowledge entry")?;
        k.check_invariants()?;
        Ok(k)
    }

    pub fn check_invariants(&self) -> Result<()> {
        if self.doc_type != "knowledge" {
            return Err(DomainError::CorruptDocument(
                "doc_type is not 'knowledge'".into(),
            ));
        }
        check_id("knowledge entry id", &self.id)?;
        if let Some(o) = &self.from_order {
            check_id("order", o)?;
        }
        for (hash, a) in &self.attachments {
            crate::blob::check_hash(hash)?;
            if !ATTACHMENT_TYPES.contains(&a.mime.as_str())
                || !(1..=MAX_ATTACHMENT_BYTES as i64).contains(&a.bytes)
            {
                return Err(DomainError::CorruptDocument(format!(
                    "attachment {hash} is not an allowed file"
                )));
            }
        }
        self.content
            .validate(self.kind)
            .map_err(|e| DomainError::CorruptDocument(format!("knowledge entry: {e}")))
    }
}

/// Start an entry: a draft by `user_id` (or published at once, when a manager writes it).
pub fn new_entry_doc(
    doc: &mut AutoCommit,
    user_id: &str,
    kind: EntryKind,
    status: EntryStatus,
    content: &EntryContent,
    from_order: Option<&str>,
) -> Result<String> {
    let content = content.normalised();
    content.validate(kind)?;
    if let Some(o) = from_order {
        check_id("order", o)?;
    }
    let id = new_id();
    doc.put(ROOT, "doc_type", "knowledge")?;
    doc.put(ROOT, "id", id.as_str())?;
    doc.put(ROOT, "kind", super::enum_name(&kind))?;
    doc.put(ROOT, "created_at", now_ms())?;
    doc.put(ROOT, "created_by", user_id)?;
    doc.put(ROOT, "status", super::enum_name(&status))?;
    doc.put_object(ROOT, "attachments", ObjType::Map)?;
    doc.put_object(ROOT, "content", ObjType::Map)?;
    match from_order {
        Some(o) => doc.put(ROOT, "from_order", o)?,
        None => doc.put(ROOT, "from_order", automerge::ScalarValue::Null)?,
    }
    write_content(doc, &content, None, user_id)?;
    Ok(id)
}

/// Save an edit: text fields as the smallest text edit, the rest where they changed.
pub fn apply_entry_edit(doc: &mut AutoCommit, content: &EntryContent, user_id: &str) -> Result<()> {
    let current = KnowledgeDoc::from_doc(doc)?;
    let content = content.normalised();
    content.validate(current.kind)?;
    write_content(doc, &content, Some(&current.content), user_id)
}

fn write_content(
    doc: &mut AutoCommit,
    new: &EntryContent,
    old: Option<&EntryContent>,
    user_id: &str,
) -> Result<()> {
    let obj = crdt::child_obj(doc, &ROOT, "content")?;
    for (key, text) in [
        ("title", &new.title),
        ("body", &new.body),
        ("symptom", &new.symptom),
    ] {
        crdt::update_text(doc, &obj, key, text)?;
    }
    let json = |c: &EntryContent| -> Result<serde_json::Value> {
        let mut v = serde_json::to_value(c).map_err(|e| DomainError::invalid(e.to_string()))?;
        if let Some(m) = v.as_object_mut() {
            for key in ["title", "body", "symptom"] {
                m.remove(key);
            }
        }
        Ok(v)
    };
    let old = old.map(json).transpose()?;
    crdt::put_changed_fields(doc, &obj, &json(new)?, old.as_ref())?;
    revise(doc, user_id)
}

fn revise(doc: &mut AutoCommit, user_id: &str) -> Result<()> {
    let r = doc.put_object(ROOT, "revised", ObjType::Map)?;
    doc.put(&r, "by", user_id)?;
    doc.put(&r, "at", now_ms())?;
    Ok(())
}

/// Publish, archive or take back to draft.
pub fn set_status(doc: &mut AutoCommit, status: EntryStatus, user_id: &str) -> Result<()> {
    doc.put(ROOT, "status", super::enum_name(&status))?;
    revise(doc, user_id)
}

pub fn add_attachment(doc: &mut AutoCommit, hash: &str, attachment: &Attachment) -> Result<()> {
    crate::blob::check_hash(hash)?;
    let map = crdt::child_obj(doc, &ROOT, "attachments")?;
    let value =
        serde_json::to_value(attachment).map_err(|e| DomainError::invalid(e.to_string()))?;
    crdt::put_json(doc, &map, hash, &value)?;
    revise(doc, &attachment.by)
}

pub fn remove_attachment(doc: &mut AutoCommit, hash: &str, user_id: &str) -> Result<()> {
    let map = crdt::child_obj(doc, &ROOT, "attachments")?;
    if doc.get(&map, hash)?.is_none() {
        return Err(DomainError::NotFound(format!("attachment {hash}")));
    }
    doc.delete(&map, hash)?;
    revise(doc, user_id)
}

/// One saved version of an entry, from the document's own history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Version {
    /// The change's hash: what `at_version` and a restore name.
    pub version: String,
    pub by: String,
    pub at: i64,
    pub status: EntryStatus,
    pub title: String,
}

/// The entry's versions, newest first: each saved change, with the entry as it stood right
/// after it.
pub fn versions(doc: &mut AutoCommit, limit: usize) -> Result<Vec<Version>> {
    let hashes: Vec<automerge::ChangeHash> =
        doc.get_changes(&[]).iter().map(|c| c.hash()).collect();
    let mut out = Vec::new();
    // Each save is one change (a merge makes none), so each change is a version.
    for hash in hashes {
        let fork = doc.fork_at(&[hash])?;
        let Ok(k) = KnowledgeDoc::from_doc(&fork) else {
            continue;
        };
        out.push(Version {
            version: hex::encode(hash.0),
            by: k.revised.by,
            at: k.revised.at,
            status: k.status,
            title: k.content.title,
        });
    }
    out.reverse();
    out.truncate(limit);
    Ok(out)
}

/// The entry as it was at `version` (a change hash from `versions`).
pub fn at_version(doc: &mut AutoCommit, version: &str) -> Result<KnowledgeDoc> {
    let heads = crdt::heads_from_hex(&[version.to_string()])?;
    if doc.get_change_by_hash(&heads[0]).is_none() {
        return Err(DomainError::NotFound(format!("version {version}")));
    }
    KnowledgeDoc::from_doc(&doc.fork_at(&heads)?)
}

/// Whether `by` may see and search this entry on their device: published entries, and their
/// own drafts (managers see all; the server's scope says the same).
pub fn visible_to(entry: &KnowledgeDoc, user_id: &str) -> bool {
    entry.status == EntryStatus::Published
        || (entry.status == EntryStatus::Draft && entry.created_by == user_id)
}

#[cfg(test)]
mod tests;
