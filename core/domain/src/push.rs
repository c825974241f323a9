//! What the sync server checks of one pushed document before it stores anything: the bytes
//! apply whole, depend only on what it has, were made by the pushing device, give a document
//! of the right shape with the right id, and change only what the pusher's role may change.
//! Every failure, a panic inside automerge on crafted bytes included, becomes a refusal with
//! its code; nothing here touches storage. The fuzzer (`fuzz/`) drives this same function.

use automerge::AutoCommit;

use crate::authority;
use crate::crdt;
use crate::error::ErrorCode;
use crate::model::{Actor, DocType, TypedDoc};

/// Why a push of one document is refused (the protocol's `rejected` entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRefused {
    pub code: ErrorCode,
    /// Where in the document the refused change was, when known.
    pub path: Option<String>,
    pub message: String,
}

/// What a push that passes brings.
#[derive(Debug)]
pub enum PushChecked {
    /// Every change sent is already in the document.
    NothingNew,
    /// The document as it would be stored (the caller then adds its own stamps).
    Changed(Box<TypedDoc>),
}

fn refused(code: ErrorCode, message: impl Into<String>) -> PushRefused {
    PushRefused {
        code,
        path: None,
        message: message.into(),
    }
}

/// Apply `changes` (automerge bytes from the device whose actor id is `device_actor`, hex) to
/// `doc`, the stored document (`old` its typed form) or an empty one, and check the result.
/// On a refusal `doc` may be half changed: the caller drops it.
pub fn check_push(
    doc: &mut AutoCommit,
    doc_type: DocType,
    doc_id: &str,
    old: Option<&TypedDoc>,
    changes: &[u8],
    device_actor: &str,
    actor: &Actor,
) -> Result<PushChecked, PushRefused> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_inner(doc, doc_type, doc_id, old, changes, device_actor, actor)
    }))
    .unwrap_or_else(|_| {
        Err(refused(
            ErrorCode::CorruptChanges,
            "the changes could not be read",
        ))
    })
}

fn check_inner(
    doc: &mut AutoCommit,
    doc_type: DocType,
    doc_id: &str,
    old: Option<&TypedDoc>,
    changes: &[u8],
    device_actor: &str,
    actor: &Actor,
) -> Result<PushChecked, PushRefused> {
    let old_heads = doc.get_heads();
    crdt::apply_strict(doc, changes)
        .map_err(|e| refused(ErrorCode::CorruptChanges, e.to_string()))?;
    if !doc.get_missing_deps(&[]).is_empty() {
        return Err(refused(
            ErrorCode::MissingDependencies,
            "the changes depend on changes the server does not have; push from an earlier point",
        ));
    }
    // Metadata only: whole changes would be rebuilt from the op set.
    let new_changes = doc.get_changes_meta(&old_heads);
    if new_changes.is_empty() {
        return Ok(PushChecked::NothingNew);
    }
    if let Some(c) = new_changes
        .iter()
        .find(|c| c.actor.to_hex_string() != device_actor)
    {
        return Err(refused(
            ErrorCode::ForeignActor,
            format!(
                "change {} was made by actor {}, not by this device",
                c.hash,
                c.actor.to_hex_string()
            ),
        ));
    }
    let new = TypedDoc::parse(doc_type, doc)
        .map_err(|e| refused(ErrorCode::InvalidDocument, e.to_string()))?;
    if new.id() != doc_id {
        return Err(PushRefused {
            code: ErrorCode::InvalidDocument,
            path: Some("id".into()),
            message: "the document names another id".into(),
        });
    }
    authority::check(actor, old, &new).map_err(|v| PushRefused {
        code: ErrorCode::Forbidden,
        path: Some(v.path.clone()),
        message: v.rule,
    })?;
    Ok(PushChecked::Changed(Box::new(new)))
}
