//! The knowledge base: search, read, write, publish, versions, attachments, and the entries
//! an order is fixed with.

use crate::model::knowledge::{
    EntryContent, EntryKind, EntryStatus, MAX_ATTACHMENT_BYTES, Version,
};
use crate::workspace::{
    EntryDetail, EntrySummary, KnowledgeFacets, KnowledgeImport, KnowledgeSearch, MAX_IMPORT_FILE,
    Solutions, VersionView,
};
use crate::{DeviceError, Result};

use super::field::SavedFile;
use super::{App, decode_base64, encode_base64};

/// A file picked for an import: its path within the picked folder (or its name), its bytes.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct PickedFile {
    pub path: String,
    pub data_base64: String,
}

/// Download the attachments of a pinned entry that the device does not hold yet.
async fn keep_on_device(app: &App, hashes: Vec<String>) -> Result<()> {
    for hash in hashes {
        crate::sync::fetch_blob(&app.ws, app.http().as_ref(), &hash).await?;
    }
    Ok(())
}

commands! {
    /// Entries on this device matching the words and filters, best first.
    read fn search_knowledge(ws, search: KnowledgeSearch) -> Vec<EntrySummary> { ws.search_knowledge(&search) }
    /// The models and tags in use, for the search filters.
    read fn knowledge_facets(ws) -> KnowledgeFacets { ws.knowledge_facets() }
    read fn get_entry(ws, id: String) -> EntryDetail { ws.get_entry(&id) }
    /// A new article or fault entry: a draft, or published at once by a supervisor or admin.
    write fn create_entry(ws, kind: EntryKind, content: EntryContent, publish: bool) -> EntryDetail {
        ws.create_entry(kind, &content, publish)
    }
    write fn update_entry(ws, id: String, content: EntryContent) -> EntryDetail { ws.update_entry(&id, &content) }
    /// Publish, archive or take back to draft (supervisors and admins).
    write fn set_entry_status(ws, id: String, status: EntryStatus) -> EntryDetail { ws.set_entry_status(&id, status) }
    /// Who saved each version and when, newest first.
    read fn entry_versions(ws, id: String) -> Vec<Version> { ws.entry_versions(&id) }
    read fn entry_version(ws, id: String, version: String) -> VersionView { ws.entry_version(&id, &version) }
    /// Make an old version current again (as a new version).
    write fn restore_entry_version(ws, id: String, version: String) -> EntryDetail { ws.restore_entry_version(&id, &version) }
    /// Keep a PDF or picture (at most 50 MB) with the entry.
    write fn add_entry_attachment(ws, id: String, name: String, data_base64: String) -> EntryDetail {
        let bytes = decode_base64(&data_base64, MAX_ATTACHMENT_BYTES, "file")?;
        ws.add_entry_attachment(&id, &name, &bytes)
    }
    write fn remove_entry_attachment(ws, id: String, hash: String) -> EntryDetail { ws.remove_entry_attachment(&id, &hash) }
    /// Keep (or stop keeping) the entry's attachments on this device for use offline.
    task fn pin_entry(app, id: String, pinned: bool) -> EntryDetail {
        let hashes = app.mutate(|ws| ws.set_entry_pinned(&id, pinned))?;
        keep_on_device(&app, hashes).await?;
        app.read(|ws| ws.get_entry(&id))
    }
    /// An attachment saved as a file to open (from the device, or fetched once and kept).
    task fn open_attachment(app, id: String, hash: String) -> SavedFile {
        let entry = app.read(|ws| ws.get_entry(&id))?;
        let name = entry
            .attachments
            .iter()
            .find(|a| a.hash == hash)
            .map(|a| a.attachment.name.clone())
            .ok_or_else(|| DeviceError::not_found(format!("attachment {hash}")))?;
        let (_, bytes) = crate::sync::fetch_blob(&app.ws, app.http().as_ref(), &hash).await?;
        let path = app.save_file("attachments", &name, &bytes)?;
        Ok(SavedFile { path, data_base64: encode_base64(&bytes) })
    }
    /// Markdown files (with front matter), PDFs and pictures, a folder of them or ZIPs: all
    /// imported, or nothing and each bad file with its problem.
    write fn import_knowledge(ws, files: Vec<PickedFile>, publish: bool) -> KnowledgeImport {
        let picked = files
            .into_iter()
            .map(|f| Ok((f.path, decode_base64(&f.data_base64, MAX_IMPORT_FILE, "file")?)))
            .collect::<Result<Vec<_>>>()?;
        ws.import_knowledge(picked, publish)
    }
    /// Entries that may fix this order, and the one it was fixed with.
    read fn possible_solutions(ws, order_id: String) -> Solutions { ws.possible_solutions(&order_id) }
    /// Record that this entry fixed the order.
    write fn mark_fixed_with(ws, order_id: String, entry_id: String) -> Solutions { ws.mark_fixed_with(&order_id, &entry_id) }
    /// A draft fault entry made from the order (symptom, resolution, parts, photos).
    write fn draft_entry_from_order(ws, order_id: String) -> EntryDetail { ws.draft_entry_from_order(&order_id) }
}
