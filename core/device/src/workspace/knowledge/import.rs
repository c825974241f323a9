//! Importing a library into the knowledge base: Markdown files with front matter, and PDFs and
//! pictures, picked one by one, as a folder, or in a ZIP. Every file is checked first; when any
//! file has a problem, each such file is listed with it and nothing is imported.
//!
//! Front matter is the block between two `---` lines at the top of a Markdown file:
//!
//! ```text
//! ---
//! title: 压缩机异响
//! kind: fault            # article (the default) or fault
//! status: draft          # a supervisor's import is published unless it says draft
//! fault_code: A-07
//! models: [Carrier 30XA-252, KX-200]
//! tags: [冷水机组, 压缩机]
//! order_types: [repair]
//! symptom: 运行时有敲击声
//! causes:
//!   - 吸气带液
//!   - 阀片损坏
//! steps:
//!   - 调整膨胀阀
//! attachments: [manual.pdf]
//! ---
//! ```
//!
//! Links and pictures in the body that name a file of the import (`[手册](manual.pdf)`) become
//! links to that attachment; a PDF or picture no Markdown file names becomes an article of its
//! own, titled after the file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::super::{PreparedChange, Workspace};
use crate::error::{DeviceError, Result};
use crate::model::knowledge::{self, Attachment, EntryContent, EntryKind, EntryStatus};
use crate::model::order::OrderType;
use crate::model::{DocType, TypedDoc};
use crate::{ErrorBody, Refusal};

/// The largest file picked for an import (a ZIP of manuals).
pub const MAX_IMPORT_FILE: usize = 200 * 1024 * 1024;
/// What a ZIP may unpack to, in all: more is a decompression bomb, or a library to split.
pub const MAX_UNPACKED: u64 = 500 * 1024 * 1024;
pub const MAX_IMPORT_FILES: usize = 2_000;

/// A file with what is wrong with it, in the terms the UI words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FileProblem {
    pub file: String,
    pub problem: ErrorBody,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct KnowledgeImport {
    /// The titles of the entries made.
    pub created: Vec<String>,
    pub attachments: usize,
    /// When not empty, nothing was imported.
    pub problems: Vec<FileProblem>,
}

fn problem(file: &str, e: impl Into<DeviceError>) -> FileProblem {
    FileProblem {
        file: file.to_string(),
        problem: e.into().body(),
    }
}

fn refused(file: &str, r: Refusal) -> FileProblem {
    problem(file, DeviceError::refused(r))
}

/// A path inside the import, with `/` separators and `..` resolved; None when it would leave
/// the folder or archive (above its top, an absolute path, a drive letter).
fn clean_path(path: &str) -> Option<String> {
    let p = path.replace('\\', "/");
    if p.starts_with('/') || p.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Files an import skips without a word: folders' bookkeeping of other systems.
fn ignored(path: &str) -> bool {
    path.split('/')
        .any(|p| p.starts_with('.') || p == "__MACOSX" || p == "Thumbs.db")
}

/// A ZIP's files, refused whole when a name leaves the archive or it unpacks to too much.
fn unzip(name: &str, bytes: &[u8]) -> std::result::Result<Vec<(String, Vec<u8>)>, FileProblem> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| refused(name, Refusal::FileUnreadable))?;
    if archive.len() > MAX_IMPORT_FILES {
        return Err(refused(
            name,
            Refusal::ArchiveTooLarge {
                max_mb: (MAX_UNPACKED / 1024 / 1024) as u32,
            },
        ));
    }
    let bomb = || {
        refused(
            name,
            Refusal::ArchiveTooLarge {
                max_mb: (MAX_UNPACKED / 1024 / 1024) as u32,
            },
        )
    };
    let mut out = Vec::new();
    let mut unpacked: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|_| refused(name, Refusal::FileUnreadable))?;
        let inner = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let Some(path) = entry
            .enclosed_name()
            .and_then(|p| clean_path(&p.to_string_lossy()))
        else {
            return Err(refused(name, Refusal::UnsafePath { name: inner }));
        };
        if entry.is_dir() || ignored(&path) {
            continue;
        }
        // The sizes in the archive can lie: read at most what is left of the allowance.
        let allowance = (MAX_UNPACKED - unpacked).min(knowledge::MAX_ATTACHMENT_BYTES as u64 + 1);
        let mut data = Vec::new();
        entry
            .take(allowance + 1)
            .read_to_end(&mut data)
            .map_err(|_| refused(name, Refusal::FileUnreadable))?;
        if data.len() as u64 > allowance {
            return Err(if unpacked + data.len() as u64 > MAX_UNPACKED {
                bomb()
            } else {
                refused(
                    &format!("{name}/{path}"),
                    Refusal::FileTooLarge {
                        max_mb: (knowledge::MAX_ATTACHMENT_BYTES / 1024 / 1024) as u32,
                    },
                )
            });
        }
        unpacked += data.len() as u64;
        out.push((path, data));
    }
    Ok(out)
}

fn extension(path: &str) -> String {
    path.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn stem(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(file)
        .to_string()
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// A Markdown file's front matter and body; the front matter's line on error (1-based).
struct FrontMatter {
    fields: BTreeMap<String, (usize, Vec<String>)>,
}

fn parse_front_matter(text: &str) -> std::result::Result<(FrontMatter, String), u32> {
    let mut fields: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    let mut lines = text.lines().enumerate();
    let first = text.lines().next().map(str::trim_end);
    if first != Some("---") {
        return Ok((FrontMatter { fields }, text.to_string()));
    }
    lines.next();
    let mut current: Option<String> = None;
    for (i, line) in lines.by_ref() {
        let n = i + 1;
        let trimmed = line.trim();
        if line.trim_end() == "---" {
            let body: String = text.lines().skip(n).collect::<Vec<_>>().join("\n");
            return Ok((FrontMatter { fields }, body));
        }
        let content = trimmed.split(" #").next().unwrap_or("").trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if let Some(item) = content.strip_prefix("- ") {
            let key = current.as_ref().ok_or(n as u32)?;
            if let Some((_, v)) = fields.get_mut(key) {
                v.push(unquote(item));
            }
            continue;
        }
        let (key, value) = content.split_once(':').ok_or(n as u32)?;
        let key = key.trim().to_string();
        if key.is_empty() || fields.contains_key(&key) {
            return Err(n as u32);
        }
        let value = value.trim();
        let values = if let Some(list) = value.strip_prefix('[') {
            let list = list.strip_suffix(']').ok_or(n as u32)?;
            list.split(',')
                .map(unquote)
                .filter(|s| !s.is_empty())
                .collect()
        } else if value.is_empty() {
            Vec::new()
        } else {
            vec![unquote(value)]
        };
        fields.insert(key.clone(), (n, values));
        current = Some(key);
    }
    // An opening `---` without its closing line.
    Err(1)
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(s)
        .to_string()
}

/// One Markdown file made into an entry (not yet saved).
struct Planned {
    file: String,
    kind: EntryKind,
    status: EntryStatus,
    content: EntryContent,
    attachments: Vec<String>,
}

/// Rewrite `](name)` links to files of the import as attachment links; the files named.
fn link_attachments(
    body: &str,
    dir: &str,
    files: &BTreeMap<String, (String, &'static str)>,
) -> std::result::Result<(String, Vec<String>), Refusal> {
    let mut out = String::with_capacity(body.len());
    let mut used = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("](") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let end = after.find(')').unwrap_or(after.len());
        let target = &after[..end];
        let is_local = !target.contains("://")
            && !target.starts_with("mailto:")
            && !target.starts_with('#')
            && !target.starts_with("attachment:")
            && !target.is_empty();
        if is_local {
            let joined = if dir.is_empty() {
                target.to_string()
            } else {
                format!("{dir}/{target}")
            };
            let path = clean_path(&joined).ok_or(Refusal::UnsafePath {
                name: target.to_string(),
            })?;
            let (hash, _) = files.get(&path).ok_or(Refusal::AttachmentMissing {
                name: target.to_string(),
            })?;
            out.push_str("attachment:");
            out.push_str(hash);
            used.push(path);
        } else {
            out.push_str(target);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    Ok((out, used))
}

fn plan_markdown(
    file: &str,
    text: &str,
    files: &BTreeMap<String, (String, &'static str)>,
    publish: bool,
) -> std::result::Result<Planned, FileProblem> {
    let (front, body) = parse_front_matter(text)
        .map_err(|line| refused(file, Refusal::FrontMatterInvalid { line }))?;
    let mut content = EntryContent::default();
    let mut kind = EntryKind::Article;
    let mut status = if publish {
        EntryStatus::Published
    } else {
        EntryStatus::Draft
    };
    let mut attachments: Vec<String> = Vec::new();
    let dir = dir_of(file);
    for (key, (line, values)) in front.fields {
        let bad = || refused(file, Refusal::FrontMatterInvalid { line: line as u32 });
        let one = || values.first().cloned().unwrap_or_default();
        match key.as_str() {
            "title" => content.title = one(),
            "kind" => kind = crate::model::enum_from_name(&one()).ok_or_else(bad)?,
            "status" => match one().as_str() {
                "draft" => status = EntryStatus::Draft,
                "published" => {}
                _ => return Err(bad()),
            },
            "fault_code" => content.fault_code = one(),
            "symptom" => content.symptom = values.join("\n"),
            "tags" => content.tags = values,
            "models" => content.models = values,
            "causes" => content.causes = values,
            "steps" => content.steps = values,
            "order_types" => {
                content.order_types = values
                    .iter()
                    .map(|v| crate::model::enum_from_name::<OrderType>(v))
                    .collect::<Option<_>>()
                    .ok_or_else(bad)?
            }
            "attachments" => {
                for v in values {
                    let joined = if dir.is_empty() {
                        v.clone()
                    } else {
                        format!("{dir}/{v}")
                    };
                    match clean_path(&joined) {
                        Some(p) if files.contains_key(&p) => attachments.push(p),
                        Some(_) => {
                            return Err(refused(file, Refusal::AttachmentMissing { name: v }));
                        }
                        None => return Err(refused(file, Refusal::UnsafePath { name: v })),
                    }
                }
            }
            _ => return Err(bad()),
        }
    }
    let (body, linked) = link_attachments(&body, dir, files).map_err(|r| refused(file, r))?;
    for l in linked {
        if !attachments.contains(&l) {
            attachments.push(l);
        }
    }
    content.body = body.trim().to_string();
    if content.title.trim().is_empty() {
        content.title = content
            .body
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|| stem(file));
    }
    let content = content.normalised();
    content.validate(kind).map_err(|e| problem(file, e))?;
    Ok(Planned {
        file: file.to_string(),
        kind,
        status,
        content,
        attachments,
    })
}

impl Workspace {
    /// Import Markdown files, PDFs and pictures (as picked, from a folder, or in ZIPs): all of
    /// them, or nothing with each bad file and its problem.
    pub fn import_knowledge(
        &mut self,
        picked: Vec<(String, Vec<u8>)>,
        publish: bool,
    ) -> Result<KnowledgeImport> {
        let publish = publish && self.actor()?.role.manages();
        let mut report = KnowledgeImport::default();
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for (name, bytes) in picked {
            let Some(path) = clean_path(&name) else {
                report
                    .problems
                    .push(refused(&name, Refusal::UnsafePath { name: name.clone() }));
                continue;
            };
            if ignored(&path) {
                continue;
            }
            if bytes.len() > MAX_IMPORT_FILE {
                report.problems.push(refused(
                    &path,
                    Refusal::FileTooLarge {
                        max_mb: (MAX_IMPORT_FILE / 1024 / 1024) as u32,
                    },
                ));
            } else if extension(&path) == "zip" {
                match unzip(&path, &bytes) {
                    Ok(inner) => files.extend(inner),
                    Err(p) => report.problems.push(p),
                }
            } else {
                files.push((path, bytes));
            }
        }
        if files.len() > MAX_IMPORT_FILES {
            return Err(DeviceError::refused(Refusal::ArchiveTooLarge {
                max_mb: (MAX_UNPACKED / 1024 / 1024) as u32,
            }));
        }
        // Attachments first, so that Markdown files can name them.
        let mut blobs: BTreeMap<String, (String, &'static str)> = BTreeMap::new();
        let mut bytes_of: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut markdown: Vec<(String, Vec<u8>)> = Vec::new();
        for (path, bytes) in files {
            match extension(&path).as_str() {
                "md" | "markdown" => markdown.push((path, bytes)),
                _ => match knowledge::check_attachment(&stem(&path), &bytes) {
                    Ok(mime) => {
                        let hash = crate::blob::sha256_hex(&bytes);
                        blobs.insert(path.clone(), (hash.clone(), mime));
                        bytes_of.insert(hash, bytes);
                    }
                    Err(e) => report.problems.push(problem(&path, e)),
                },
            }
        }
        let mut planned: Vec<Planned> = Vec::new();
        for (path, bytes) in &markdown {
            let Ok(text) = std::str::from_utf8(bytes) else {
                report.problems.push(refused(path, Refusal::TextNotUtf8));
                continue;
            };
            match plan_markdown(path, text.trim_start_matches('\u{feff}'), &blobs, publish) {
                Ok(p) => planned.push(p),
                Err(p) => report.problems.push(p),
            }
        }
        // A PDF or picture no Markdown file names is an article of its own.
        let named: BTreeSet<&String> = planned.iter().flat_map(|p| &p.attachments).collect();
        let mut alone: Vec<Planned> = Vec::new();
        for (path, (hash, _)) in &blobs {
            if named.contains(path) {
                continue;
            }
            let file = path.rsplit('/').next().unwrap_or(path);
            alone.push(Planned {
                file: path.clone(),
                kind: EntryKind::Article,
                status: if publish {
                    EntryStatus::Published
                } else {
                    EntryStatus::Draft
                },
                content: EntryContent {
                    title: stem(path).chars().take(knowledge::MAX_TITLE).collect(),
                    body: format!("[{file}](attachment:{hash})"),
                    tags: vec![],
                    models: vec![],
                    order_types: vec![],
                    fault_code: String::new(),
                    symptom: String::new(),
                    causes: vec![],
                    steps: vec![],
                    parts: vec![],
                },
                attachments: vec![path.clone()],
            });
        }
        planned.extend(alone);
        if !report.problems.is_empty() {
            return Ok(report);
        }
        let mut changes: Vec<PreparedChange> = Vec::new();
        for p in &planned {
            let prepared = self.prepare_change(DocType::Knowledge, None, |doc, actor| {
                let id = knowledge::new_entry_doc(
                    doc,
                    &actor.user_id,
                    p.kind,
                    p.status,
                    &p.content,
                    None,
                )?;
                for path in &p.attachments {
                    let (hash, mime) = &blobs[path];
                    let a = Attachment {
                        name: path.rsplit('/').next().unwrap_or(path).to_string(),
                        mime: mime.to_string(),
                        bytes: bytes_of[hash].len() as i64,
                        by: actor.user_id.clone(),
                        at: crate::model::now_ms(),
                    };
                    knowledge::add_attachment(doc, hash, &a)?;
                }
                Ok(id)
            });
            match prepared {
                Ok((id, doc)) => changes.push((DocType::Knowledge, id, doc)),
                Err(e) => report.problems.push(problem(&p.file, e)),
            }
        }
        if !report.problems.is_empty() {
            return Ok(report);
        }
        let docs: Vec<(DocType, String, automerge::AutoCommit, TypedDoc)> = changes
            .into_iter()
            .filter_map(|(t, id, doc)| doc.map(|(d, typed)| (t, id, d, typed)))
            .collect();
        let blob_rows: Vec<(&str, &str, &[u8])> = blobs
            .values()
            .map(|(hash, mime)| (hash.as_str(), *mime, bytes_of[hash].as_slice()))
            .collect();
        self.store.commit_local_many_with_blobs(docs, &blob_rows)?;
        report.attachments = blob_rows.len();
        report.created = planned.into_iter().map(|p| p.content.title).collect();
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::model::Role;
    use crate::testing::*;

    fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec()
    }

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, bytes) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const FAULT_MD: &str = "---\ntitle: 压缩机异响\nkind: fault\nfault_code: A-07\nmodels: [KX-200]\ntags: [冷水机组, 压缩机]\norder_types: [repair]\nsymptom: 运行时有敲击声\ncauses:\n  - 吸气带液\n  - \"阀片损坏\"\nsteps:\n  - 调整膨胀阀\n---\n见[手册](../manuals/kx200.pdf)。\n";

    #[test]
    fn a_zip_of_markdown_and_pdfs_becomes_entries_with_attachments() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let zip = zip_of(&[
            ("faults/a07.md", FAULT_MD.as_bytes()),
            ("manuals/kx200.pdf", &pdf()),
            ("manuals/wiring.pdf", b"%PDF-1.4 wiring diagram"),
            ("__MACOSX/._a07.md", b"junk"),
            ("guide.md", "# 安全须知\n\n断电后再打开电气柜。".as_bytes()),
        ]);
        let report = sup
            .import_knowledge(vec![("library.zip".into(), zip)], true)
            .unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let mut created = report.created.clone();
        created.sort();
        assert_eq!(created, vec!["wiring", "压缩机异响", "安全须知"]);
        assert_eq!(report.attachments, 2);
        let hit = &sup
            .search_knowledge(&super::super::KnowledgeSearch {
                query: "异响".into(),
                ..Default::default()
            })
            .unwrap()[0];
        let e = sup.get_entry(&hit.id).unwrap();
        assert_eq!(
            (e.kind, e.status),
            (EntryKind::Fault, EntryStatus::Published)
        );
        assert_eq!(e.content.causes, vec!["吸气带液", "阀片损坏"]);
        assert_eq!(e.content.models, vec!["KX-200"]);
        assert_eq!(e.attachments.len(), 1);
        assert_eq!(e.attachments[0].attachment.name, "kx200.pdf");
        assert!(
            e.html
                .contains(&format!("#attachment-{}", e.attachments[0].hash))
        );
    }

    #[test]
    fn a_technicians_import_is_drafts() {
        let mut tech = workspace(TECH_A, Role::Technician);
        let report = tech
            .import_knowledge(
                vec![("notes/tip.md".into(), b"# Tip\n\nbody".to_vec())],
                true,
            )
            .unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let hits = tech.search_knowledge(&Default::default()).unwrap();
        assert_eq!(hits[0].status, EntryStatus::Draft);
    }

    fn refusal_of(report: &KnowledgeImport, file: &str) -> Refusal {
        report
            .problems
            .iter()
            .find(|p| p.file == file)
            .and_then(|p| p.problem.refusal.clone())
            .unwrap_or_else(|| panic!("no refusal for {file}: {:?}", report.problems))
    }

    #[test]
    fn bad_files_are_listed_with_their_reasons_and_nothing_is_imported() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let report = sup
            .import_knowledge(
                vec![
                    ("ok.md".into(), b"# Fine\n\ntext".to_vec()),
                    (
                        "script.md".into(),
                        b"# X\n\n<script>alert(1)</script>".to_vec(),
                    ),
                    ("setup.exe".into(), b"MZ\x90\x00".to_vec()),
                    (
                        "missing.md".into(),
                        b"# M\n\n[manual](nowhere.pdf)".to_vec(),
                    ),
                    (
                        "front.md".into(),
                        b"---\ntitle: a\nwhat: b\n---\nbody".to_vec(),
                    ),
                    ("latin1.md".into(), vec![b'#', b' ', 0xE9, 0xFF]),
                    ("../escape.md".into(), b"# E\n\nx".to_vec()),
                ],
                true,
            )
            .unwrap();
        assert_eq!(refusal_of(&report, "script.md"), Refusal::HtmlInText);
        assert_eq!(
            refusal_of(&report, "setup.exe"),
            Refusal::FileTypeNotAllowed
        );
        assert_eq!(
            refusal_of(&report, "missing.md"),
            Refusal::AttachmentMissing {
                name: "nowhere.pdf".into()
            }
        );
        assert_eq!(
            refusal_of(&report, "front.md"),
            Refusal::FrontMatterInvalid { line: 3 }
        );
        assert_eq!(refusal_of(&report, "latin1.md"), Refusal::TextNotUtf8);
        assert!(matches!(
            refusal_of(&report, "../escape.md"),
            Refusal::UnsafePath { .. }
        ));
        assert_eq!(report.problems.len(), 6);
        assert!(report.created.is_empty());
        assert!(
            sup.search_knowledge(&Default::default())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn archives_with_escaping_paths_or_too_much_inside_are_refused() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let evil = zip_of(&[("../../etc/passwd.md", b"# x\n\ny")]);
        let report = sup
            .import_knowledge(vec![("evil.zip".into(), evil)], true)
            .unwrap();
        assert!(matches!(
            refusal_of(&report, "evil.zip"),
            Refusal::UnsafePath { .. }
        ));
        // 60 MB of zeros packs into a few tens of kB: more than one file may hold.
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("big.pdf", opts).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..60 {
            w.write_all(&zeros).unwrap();
        }
        let bomb = w.finish().unwrap().into_inner();
        assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
        let report = sup
            .import_knowledge(vec![("bomb.zip".into(), bomb)], true)
            .unwrap();
        assert_eq!(
            refusal_of(&report, "bomb.zip/big.pdf"),
            Refusal::FileTooLarge { max_mb: 50 }
        );
        assert!(
            sup.search_knowledge(&Default::default())
                .unwrap()
                .is_empty()
        );
        let not_zip = sup
            .import_knowledge(
                vec![("broken.zip".into(), b"PK\x03\x04 nope".to_vec())],
                true,
            )
            .unwrap();
        assert_eq!(refusal_of(&not_zip, "broken.zip"), Refusal::FileUnreadable);
    }

    #[test]
    fn front_matter_reads_lists_quotes_and_comments() {
        let (front, body) = parse_front_matter(
            "---\ntitle: \"A: b\" # note\ntags: [x, 'y']\nsteps:\n  - one\n  - two\n---\nText\n",
        )
        .unwrap();
        assert_eq!(front.fields["title"].1, vec!["A: b"]);
        assert_eq!(front.fields["tags"].1, vec!["x", "y"]);
        assert_eq!(front.fields["steps"].1, vec!["one", "two"]);
        assert_eq!(body, "Text");
        assert_eq!(parse_front_matter("---\ntitle: a\n").err(), Some(1));
        assert_eq!(
            parse_front_matter("no front matter").unwrap().1,
            "no front matter"
        );
    }
}
