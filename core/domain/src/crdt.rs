//! Small helpers over automerge: reading a whole document as JSON (so the domain model can
//! be deserialised strictly with serde) and writing plain values.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, ScalarValue};
use serde_json::{Map, Value};

use crate::error::{DomainError, Result};
use crate::protocol::MAX_DOC_DEPTH;

/// The whole document as JSON. Text objects become strings, counters numbers.
///
/// One walk reads the values and checks the nesting: an object deeper than
/// `MAX_DOC_DEPTH` is refused before it is entered, so a document nested thousands deep,
/// pushed or pulled, can neither overflow the stack (reading and dropping a value is
/// recursive) nor cost more than the levels allowed. (A depth check and automerge's hydrate
/// walked every document twice.)
pub fn to_json(doc: &AutoCommit) -> Result<Value> {
    object_to_json(doc, &ROOT, ObjType::Map, 0)
}

fn object_to_json(doc: &AutoCommit, obj: &ObjId, typ: ObjType, depth: usize) -> Result<Value> {
    // A value of a map or list; a child object is entered only within the depth allowed.
    let read = |value: &automerge::ValueRef<'_>, id: &dyn Fn() -> ObjId| -> Result<Value> {
        match value {
            automerge::ValueRef::Scalar(s) => Ok(scalar_ref_to_json(s)),
            automerge::ValueRef::Object(_) if depth + 1 > MAX_DOC_DEPTH => {
                Err(DomainError::CorruptDocument(format!(
                    "objects nested deeper than {MAX_DOC_DEPTH} levels"
                )))
            }
            automerge::ValueRef::Object(t) => object_to_json(doc, &id(), *t, depth + 1),
        }
    };
    Ok(match typ {
        ObjType::Map | ObjType::Table => {
            let mut out = Map::new();
            for item in doc.map_range(obj, ..) {
                let v = read(&item.value, &|| item.id())?;
                out.insert(item.key.into_owned(), v);
            }
            Value::Object(out)
        }
        ObjType::List => Value::Array(
            doc.list_range(obj, ..)
                .map(|item| read(&item.value, &|| item.id()))
                .collect::<Result<_>>()?,
        ),
        ObjType::Text => Value::String(doc.text(obj)?),
    })
}

fn scalar_ref_to_json(s: &automerge::ScalarValueRef<'_>) -> Value {
    use automerge::ScalarValueRef as S;
    match s {
        S::Str(s) => Value::String(s.to_string()),
        S::Int(i) => Value::from(*i),
        S::Uint(u) => Value::from(*u),
        S::F64(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        S::Counter(c) => Value::from(*c),
        S::Timestamp(t) => Value::from(*t),
        S::Boolean(b) => Value::Bool(*b),
        S::Null => Value::Null,
        // Bytes and values from future automerge versions have no place in our schema; the
        // strict deserialisation that follows rejects them.
        S::Bytes(_) | S::Unknown { .. } => Value::String("\u{0}binary".into()),
    }
}

/// Write a JSON value under `obj[key]`: objects become maps, arrays lists, strings scalars.
pub fn put_json(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &Value) -> Result<()> {
    match value {
        Value::Object(m) => {
            let child = doc.put_object(obj, key, ObjType::Map)?;
            for (k, v) in m {
                put_json(doc, &child, k, v)?;
            }
        }
        Value::Array(items) => {
            let child = doc.put_object(obj, key, ObjType::List)?;
            for (i, v) in items.iter().enumerate() {
                insert_json(doc, &child, i, v)?;
            }
        }
        other => doc.put(obj, key, json_scalar(other))?,
    }
    Ok(())
}

/// Insert a JSON value at `index` of a list.
pub fn insert_json(doc: &mut AutoCommit, list: &ObjId, index: usize, value: &Value) -> Result<()> {
    match value {
        Value::Object(m) => {
            let child = doc.insert_object(list, index, ObjType::Map)?;
            for (k, v) in m {
                put_json(doc, &child, k, v)?;
            }
        }
        Value::Array(items) => {
            let child = doc.insert_object(list, index, ObjType::List)?;
            for (i, v) in items.iter().enumerate() {
                insert_json(doc, &child, i, v)?;
            }
        }
        other => doc.insert(list, index, json_scalar(other))?,
    }
    Ok(())
}

fn json_scalar(v: &Value) -> ScalarValue {
    match v {
        Value::Null => ScalarValue::Null,
        Value::Bool(b) => ScalarValue::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => ScalarValue::Int(i),
            None => ScalarValue::F64(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => ScalarValue::Str(s.as_str().into()),
        Value::Array(_) | Value::Object(_) => ScalarValue::Null,
    }
}

/// The id of a map or list stored under `key` of `parent`.
pub fn child_obj(doc: &AutoCommit, parent: &ObjId, key: &str) -> Result<ObjId> {
    match doc.get(parent, key)? {
        Some((automerge::Value::Object(_), id)) => Ok(id),
        _ => Err(DomainError::CorruptDocument(format!(
            "missing object '{key}'"
        ))),
    }
}

/// Replace a text object's content with the smallest edit, so concurrent edits of different
/// parts of the same text both survive a merge.
pub fn update_text(doc: &mut AutoCommit, parent: &ObjId, key: &str, new_text: &str) -> Result<()> {
    let text = match doc.get(parent, key)? {
        Some((automerge::Value::Object(ObjType::Text), id)) => id,
        _ => doc.put_object(parent, key, ObjType::Text)?,
    };
    doc.update_text(&text, new_text)?;
    Ok(())
}

/// The fields (map keys, two levels deep: `status`, `header.description`) that the changes
/// between `before` and `after` touch, sorted, at most 30: what the audit log says of a change.
pub fn touched_fields(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    after: &[ChangeHash],
) -> Vec<String> {
    use automerge::{PatchAction, Prop};
    let patches =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.diff(before, after)))
            .unwrap_or_default();
    let mut fields = std::collections::BTreeSet::new();
    for patch in patches {
        let mut keys: Vec<String> = patch
            .path
            .iter()
            .filter_map(|(_, prop)| match prop {
                Prop::Map(k) => Some(k.clone()),
                Prop::Seq(_) => None,
            })
            .collect();
        match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => {
                keys.push(key.clone())
            }
            PatchAction::Increment {
                prop: Prop::Map(k), ..
            }
            | PatchAction::Conflict { prop: Prop::Map(k) } => keys.push(k.clone()),
            _ => {}
        }
        keys.truncate(2);
        if !keys.is_empty() {
            fields.insert(keys.join("."));
        }
        if fields.len() >= 30 {
            break;
        }
    }
    fields.into_iter().collect()
}

pub fn heads_to_hex(heads: &[ChangeHash]) -> Vec<String> {
    heads.iter().map(|h| h.to_string()).collect()
}

pub fn heads_from_hex(hex: &[String]) -> Result<Vec<ChangeHash>> {
    hex.iter()
        .map(|h| {
            h.parse::<ChangeHash>()
                .map_err(|_| DomainError::invalid(format!("'{h}' is not a change hash")))
        })
        .collect()
}

/// Load automerge bytes, turning any failure into a clear `corrupt_document` error.
pub fn load(bytes: &[u8]) -> Result<AutoCommit> {
    AutoCommit::load(bytes).map_err(|e| DomainError::CorruptDocument(e.to_string()))
}

/// The four bytes every automerge chunk starts with.
const CHUNK_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// Chunk types: a whole document, a change, a compressed change (bundles are not used).
const CHUNK_DOCUMENT: u8 = 0;
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED_CHANGE: u8 = 2;

fn corrupt_changes(why: impl std::fmt::Display) -> DomainError {
    DomainError::CorruptChanges(why.to_string())
}

/// Split automerge bytes (`save` or `save_after` output: chunks end to end) into chunks,
/// checking each header's bounds; the type byte and the chunk's bytes, header included.
fn split_chunks(bytes: &[u8]) -> Result<Vec<(u8, &[u8])>> {
    let mut chunks = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.len() < 10 || rest[..4] != CHUNK_MAGIC {
            return Err(corrupt_changes(format!(
                "no chunk header at byte {}",
                bytes.len() - rest.len()
            )));
        }
        let kind = rest[8];
        let (len, len_bytes) = read_uleb128(&rest[9..])
            .ok_or_else(|| corrupt_changes("a chunk's length is unreadable"))?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| (9 + len_bytes).checked_add(len))
            .filter(|end| *end <= rest.len())
            .ok_or_else(|| corrupt_changes("a chunk runs past the end of the bytes"))?;
        chunks.push((kind, &rest[..end]));
        rest = &rest[end..];
    }
    Ok(chunks)
}

/// Stored document bytes as (the whole-document part, the changes appended after it): a
/// server appends each push's changes to what it stored and saves the document whole again
/// later. `None` if the bytes are not automerge chunks.
pub fn saved_parts(bytes: &[u8]) -> Option<(usize, usize)> {
    let chunks = split_chunks(bytes).ok()?;
    let whole = match chunks.first() {
        Some((CHUNK_DOCUMENT, chunk)) => chunk.len(),
        _ => 0,
    };
    Some((whole, bytes.len() - whole))
}

/// An unsigned LEB128 number of at most 64 bits: its value and how many bytes it took.
fn read_uleb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, b) in bytes.iter().take(10).enumerate() {
        let part = u64::from(b & 0x7f);
        let shift = 7 * i as u32;
        if shift == 63 && part > 1 {
            return None;
        }
        value |= part << shift;
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn strict_load(bytes: &[u8]) -> Result<AutoCommit> {
    AutoCommit::load_with_options(
        bytes,
        automerge::LoadOptions::new()
            .on_partial_load(automerge::OnPartialLoad::Error)
            .verification_mode(automerge::VerificationMode::Check),
    )
    .map_err(corrupt_changes)
}

/// Apply automerge bytes from another replica (a device's push, a server's pull) to `doc`, all
/// or nothing: every chunk must parse and pass its checksum, and every change sent must be in
/// the document afterwards unless it waits on a dependency the caller then asks about
/// (`get_missing_deps`). automerge's own `load_incremental` stops quietly at the first bad
/// chunk, which made a damaged push look like "nothing new" and be answered as accepted.
///
/// A panic inside automerge on crafted bytes becomes an error too. On any error `doc` may
/// be half changed: the caller drops it.
pub fn apply_strict(doc: &mut AutoCommit, bytes: &[u8]) -> Result<()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        apply_strict_inner(doc, bytes)
    }))
    .unwrap_or_else(|_| Err(corrupt_changes("automerge could not read the changes")))
}

fn apply_strict_inner(doc: &mut AutoCommit, bytes: &[u8]) -> Result<()> {
    let chunks = split_chunks(bytes)?;
    if doc.get_heads().is_empty() && chunks.first().is_some_and(|(k, _)| *k == CHUNK_DOCUMENT) {
        // A whole document into an empty one: load it as it is (much faster than replaying
        // its changes), strictly.
        let actor = doc.get_actor().clone();
        *doc = strict_load(bytes)?.with_actor(actor);
        return Ok(());
    }
    let mut changes = Vec::new();
    for (kind, chunk) in chunks {
        match kind {
            CHUNK_CHANGE | CHUNK_COMPRESSED_CHANGE => {
                let change = automerge::Change::try_from(chunk).map_err(corrupt_changes)?;
                // The header's checksum is the start of the (uncompressed) change's hash.
                if chunk[4..8] != change.hash().0[..4] {
                    return Err(corrupt_changes("a change's checksum does not match"));
                }
                changes.push(change);
            }
            CHUNK_DOCUMENT => changes.extend({
                let mut whole = strict_load(chunk)?;
                whole.get_changes(&[])
            }),
            other => return Err(corrupt_changes(format!("unsupported chunk type {other}"))),
        }
    }
    let hashes: Vec<ChangeHash> = changes.iter().map(|c| c.hash()).collect();
    doc.apply_changes(changes).map_err(corrupt_changes)?;
    if doc.get_missing_deps(&[]).is_empty()
        // Metadata only: looking a change up whole rebuilds it from the op set.
        && let Some(h) = hashes
            .iter()
            .find(|h| doc.get_change_meta_by_hash(h).is_none())
    {
        return Err(corrupt_changes(format!("change {h} was not applied")));
    }
    Ok(())
}

/// Write the fields of `new` (a JSON object) under `obj` whose values differ from `old`, so
/// that concurrent edits of other fields of the same object survive a merge.
pub fn put_changed_fields(
    doc: &mut AutoCommit,
    obj: &ObjId,
    new: &Value,
    old: Option<&Value>,
) -> Result<()> {
    let Value::Object(fields) = new else {
        return Err(DomainError::invalid("expected an object of fields"));
    };
    for (key, value) in fields {
        if old.and_then(|o| o.get(key)) != Some(value) {
            put_json(doc, obj, key, value)?;
        }
    }
    Ok(())
}

/// Read a whole document strictly (unknown fields are errors) into its domain shape.
pub fn read_strict<T: serde::de::DeserializeOwned>(doc: &AutoCommit, what: &str) -> Result<T> {
    serde_json::from_value(to_json(doc)?)
        .map_err(|e| DomainError::CorruptDocument(format!("{what}: {e}")))
}

/// Start a document whose editable part is one `info` map (equipment, projects, parts):
/// type, fresh id, creation time and author. Returns the id.
pub fn new_info_doc(doc: &mut AutoCommit, doc_type: &str, user_id: &str) -> Result<String> {
    let id = crate::model::new_id();
    doc.put(ROOT, "doc_type", doc_type)?;
    doc.put(ROOT, "id", id.as_str())?;
    doc.put(ROOT, "created_at", crate::model::now_ms())?;
    doc.put(ROOT, "created_by", user_id)?;
    doc.put_object(ROOT, "info", ObjType::Map)?;
    Ok(id)
}

/// Write the fields of `new` into the document's `info` map where they differ from `current`.
pub fn write_info<T: serde::Serialize>(
    doc: &mut AutoCommit,
    new: &T,
    current: Option<&T>,
) -> Result<()> {
    let obj = child_obj(doc, &ROOT, "info")?;
    let json = |v: &T| serde_json::to_value(v).map_err(|e| DomainError::invalid(e.to_string()));
    let old = current.map(json).transpose()?;
    put_changed_fields(doc, &obj, &json(new)?, old.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> AutoCommit {
        let mut doc = AutoCommit::new();
        let mut obj = ROOT;
        for _ in 0..depth {
            obj = doc.put_object(&obj, "x", ObjType::Map).unwrap();
        }
        doc.put(&obj, "leaf", 1).unwrap();
        doc
    }

    #[test]
    fn deeply_nested_documents_are_refused_without_overflowing_the_stack() {
        // 20,000 levels overflowed a 2 MiB stack in hydrate before the check existed.
        for depth in [MAX_DOC_DEPTH + 1, 400, 20_000] {
            let err = to_json(&nested(depth)).unwrap_err();
            assert_eq!(
                err.code(),
                crate::ErrorCode::CorruptDocument,
                "depth {depth}"
            );
        }
        let at_limit = to_json(&nested(MAX_DOC_DEPTH)).unwrap();
        let mut v = &at_limit;
        for _ in 0..MAX_DOC_DEPTH {
            v = &v["x"];
        }
        assert_eq!(v["leaf"], 1);
    }

    /// Two changes on top of a shared base, as separate chunks: (base, first, second).
    fn base_and_two_changes() -> (AutoCommit, Vec<u8>, Vec<u8>) {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "a", 1).unwrap();
        doc.commit();
        let base = doc.fork();
        let h0 = doc.get_heads();
        doc.put(ROOT, "b", 2).unwrap();
        doc.commit();
        let first = doc.save_after(&h0);
        let h1 = doc.get_heads();
        doc.put(ROOT, "c", "third value").unwrap();
        doc.commit();
        (base, first, doc.save_after(&h1))
    }

    #[test]
    fn damaged_change_bytes_apply_nothing_and_say_so() {
        let (mut base, first, second) = base_and_two_changes();
        let whole = [first.clone(), second.clone()].concat();
        let mut flipped = whole.clone();
        *flipped.last_mut().unwrap() ^= 0x40;
        let mut bad_magic = whole.clone();
        bad_magic[first.len()] = 0;
        let damaged = [
            ("a byte of the second change flipped", flipped),
            (
                "the second change cut short",
                whole[..whole.len() - 3].to_vec(),
            ),
            ("the second chunk's header broken", bad_magic),
            (
                "the first chunk's header broken",
                [&[0u8][..], &whole[1..]].concat(),
            ),
            (
                "garbage after the changes",
                [whole.clone(), vec![1, 2, 3]].concat(),
            ),
        ];
        for (what, bytes) in damaged {
            let mut doc = base.fork();
            let err = apply_strict(&mut doc, &bytes).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::CorruptChanges, "{what}");
        }
        // automerge's own incremental load takes the first change and drops the rest silently:
        // the reason for apply_strict.
        let mut lenient = base.fork();
        lenient.load_incremental(&whole[..whole.len() - 3]).unwrap();
        assert!(lenient.get(ROOT, "b").unwrap().is_some());
        assert!(lenient.get(ROOT, "c").unwrap().is_none());

        let mut doc = base.fork();
        apply_strict(&mut doc, &whole).unwrap();
        assert_eq!(to_json(&doc).unwrap()["c"], "third value");
    }

    #[test]
    fn a_whole_document_loads_into_an_empty_one_and_keeps_the_actor() {
        let (mut base, _, _) = base_and_two_changes();
        let saved = base.save();
        let actor = automerge::ActorId::random();
        let mut doc = AutoCommit::new().with_actor(actor.clone());
        apply_strict(&mut doc, &saved).unwrap();
        assert_eq!(doc.get_actor(), &actor);
        assert_eq!(to_json(&doc).unwrap()["a"], 1);
        let mut cut = saved.clone();
        cut.truncate(saved.len() - 1);
        let mut doc = AutoCommit::new();
        assert_eq!(
            apply_strict(&mut doc, &cut).unwrap_err().code(),
            crate::ErrorCode::CorruptChanges
        );
    }

    #[test]
    fn a_change_waiting_on_a_missing_dependency_is_left_to_the_caller() {
        let (_, _, second) = base_and_two_changes();
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "z", 0).unwrap();
        doc.commit();
        apply_strict(&mut doc, &second).unwrap();
        assert!(!doc.get_missing_deps(&[]).is_empty());
    }

    fn hydrated_to_json(v: &automerge::hydrate::Value) -> Value {
        match v {
            automerge::hydrate::Value::Scalar(s) => scalar_to_json(s),
            automerge::hydrate::Value::Text(t) => Value::String(t.to_string()),
            automerge::hydrate::Value::List(l) => {
                Value::Array(l.iter().map(|i| hydrated_to_json(&i.value)).collect())
            }
            automerge::hydrate::Value::Map(m) => {
                let mut out = Map::new();
                for (k, mv) in m.iter() {
                    out.insert(k.clone(), hydrated_to_json(&mv.value));
                }
                Value::Object(out)
            }
        }
    }

    fn scalar_to_json(s: &ScalarValue) -> Value {
        match s {
            ScalarValue::Str(s) => Value::String(s.to_string()),
            ScalarValue::Int(i) => Value::from(*i),
            ScalarValue::Uint(u) => Value::from(*u),
            ScalarValue::F64(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            ScalarValue::Counter(c) => Value::from(i64::from(c)),
            ScalarValue::Timestamp(t) => Value::from(*t),
            ScalarValue::Boolean(b) => Value::Bool(*b),
            ScalarValue::Null => Value::Null,
            // Bytes and values from future automerge versions have no place in our schema; the
            // strict deserialisation that follows rejects them.
            ScalarValue::Bytes(_) | ScalarValue::Unknown { .. } => {
                Value::String("\u{0}binary".into())
            }
        }
    }

    /// What automerge's hydrate made of a document (the reader before the one walk).
    fn hydrated(doc: &AutoCommit) -> Value {
        hydrated_to_json(&doc.hydrate(ROOT, None).unwrap())
    }

    #[test]
    fn saved_bytes_with_appended_changes_load_whole_and_tell_their_parts() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "description", "压缩机跳闸").unwrap();
        let saved = doc.save();
        assert_eq!(saved_parts(&saved), Some((saved.len(), 0)));
        let before = doc.get_heads();
        doc.put(ROOT, "priority", "urgent").unwrap();
        doc.put(ROOT, "description", "压缩机跳闸, twice").unwrap();
        let tail = doc.save_after(&before);
        let stored = [saved.as_slice(), tail.as_slice()].concat();
        assert_eq!(saved_parts(&stored), Some((saved.len(), tail.len())));
        let mut loaded = load(&stored).unwrap();
        assert_eq!(loaded.get_heads(), doc.get_heads());
        assert_eq!(to_json(&loaded).unwrap(), to_json(&doc).unwrap());
        // Changes alone have no saved part; what is not chunks has no parts.
        assert_eq!(saved_parts(&tail), Some((0, tail.len())));
        assert_eq!(saved_parts(b"not automerge"), None);
        assert_eq!(saved_parts(&stored[..stored.len() - 1]), None);
    }

    #[test]
    fn one_walk_reads_what_hydrate_read() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "s", "值 value").unwrap();
        doc.put(ROOT, "i", -7).unwrap();
        doc.put(ROOT, "u", ScalarValue::Uint(7)).unwrap();
        doc.put(ROOT, "f", 1.5).unwrap();
        doc.put(ROOT, "b", true).unwrap();
        doc.put(ROOT, "n", ScalarValue::Null).unwrap();
        doc.put(ROOT, "t", ScalarValue::Timestamp(1_700_000_000_000))
            .unwrap();
        doc.put(ROOT, "c", ScalarValue::counter(3)).unwrap();
        doc.increment(ROOT, "c", 4).unwrap();
        doc.put(ROOT, "bytes", vec![1u8, 2]).unwrap();
        let text = doc.put_object(ROOT, "text", ObjType::Text).unwrap();
        doc.splice_text(&text, 0, 0, "现场 on site").unwrap();
        let list = doc.put_object(ROOT, "list", ObjType::List).unwrap();
        for i in 0..5 {
            let m = doc.insert_object(&list, i, ObjType::Map).unwrap();
            doc.put(&m, "k", i as i64).unwrap();
            let inner = doc.put_object(&m, "inner", ObjType::List).unwrap();
            doc.insert(&inner, 0, "x").unwrap();
        }
        doc.delete(&list, 2).unwrap();
        doc.put(ROOT, "s", "overwritten").unwrap();
        doc.delete(ROOT, "b").unwrap();
        // A conflict: two actors set the same key; both readers take the same winner.
        let mut other = doc.fork();
        other.put(ROOT, "i", 99).unwrap();
        doc.put(ROOT, "i", 42).unwrap();
        doc.merge(&mut other).unwrap();
        assert_eq!(to_json(&doc).unwrap(), hydrated(&doc));
        assert_eq!(to_json(&doc).unwrap()["c"], 7);
        assert_eq!(
            to_json(&nested(MAX_DOC_DEPTH)).unwrap(),
            hydrated(&nested(MAX_DOC_DEPTH))
        );
    }

    #[test]
    fn deep_lists_count_like_maps() {
        let mut doc = AutoCommit::new();
        let mut obj = doc.put_object(ROOT, "l", ObjType::List).unwrap();
        for _ in 0..MAX_DOC_DEPTH {
            obj = doc.insert_object(&obj, 0, ObjType::List).unwrap();
        }
        assert_eq!(
            to_json(&doc).unwrap_err().code(),
            crate::ErrorCode::CorruptDocument
        );
    }

    /// automerge 0.12.0 panics on this 8-byte change body (an empty actor id; batch.rs:1121,
    /// `lookup_actor(..).unwrap()`; docs/UPSTREAM.md), found by `make fuzz`. Pushed with a
    /// valid checksum, it must be refused, not crash.
    #[test]
    fn a_change_that_panics_automerge_is_refused() {
        let body = [0x00, 0x00, 0x4a, 0x63, 0x00, 0x00, 0x00, 0x00];
        let mut hashed = vec![1u8, body.len() as u8];
        hashed.extend_from_slice(&body);
        let digest = &sha256(&hashed)[..4];
        let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83];
        chunk.extend_from_slice(digest);
        chunk.extend_from_slice(&hashed);
        let raw = std::panic::catch_unwind(|| AutoCommit::new().load_incremental(&chunk));
        assert!(
            raw.is_err(),
            "automerge no longer panics here: update docs/UPSTREAM.md"
        );
        let mut doc = AutoCommit::new();
        let err = apply_strict(&mut doc, &chunk).unwrap_err();
        assert!(matches!(err, DomainError::CorruptChanges(_)), "{err}");
    }

    fn sha256(bytes: &[u8]) -> Vec<u8> {
        use sha2::{Digest, Sha256};
        Sha256::digest(bytes).to_vec()
    }
}
