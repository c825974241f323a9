//! The sync protocol's messages, shared by the device's sync client and the server.
//! docs/PROTOCOL.md describes them for other implementers.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::model::Role;

pub const API_PREFIX: &str = "/v1";
/// The largest request body the server reads.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// A sync answer, unpacked, is never larger than this (the server pages pulls at 8 MiB).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// Sync bodies from this size on are sent gzip-compressed.
pub const COMPRESS_FROM_BYTES: usize = 1024;
/// The most documents one push may carry; a client sends the rest in the next round.
pub const MAX_PUSH_DOCS: usize = 200;
/// A client stops adding documents to a push once it carries this many change bytes.
pub const PUSH_BUDGET_BYTES: usize = 4 * 1024 * 1024;
/// Blobs larger than this are uploaded in chunks of this size, so a lost connection costs at
/// most one chunk: the upload resumes where the server's received bytes end.
pub const BLOB_CHUNK_BYTES: usize = 256 * 1024;

/// The deepest nesting of maps and lists a document may have; deeper documents are refused
/// (`invalid_document` on a push) before anything reads them recursively.
pub const MAX_DOC_DEPTH: usize = 16;

/// A resumable blob upload as the server has it: bytes received from this device, and
/// whether the blob is complete (stored and verified).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UploadState {
    pub received: u64,
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub tenant: String,
    pub login: String,
    pub password: String,
    /// The device's automerge actor id, hex. Every change the device pushes must carry it.
    pub device_actor: String,
    #[serde(default)]
    pub device_name: String,
    /// What the device is, for the administrator's list of devices (all optional, at most
    /// 100 characters each).
    #[serde(default)]
    pub device: DeviceFacts,
}

/// How a device describes itself when it signs in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct DeviceFacts {
    /// linux, windows, macos, android, ios
    pub platform: String,
    /// The machine's model where the platform tells it.
    pub model: String,
    pub app_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UserInfo {
    pub id: String,
    pub login: String,
    pub name: String,
    pub role: Role,
    /// Deactivated people stay in the directory (their names stay on the orders they
    /// worked on) but sign in no more and are not offered for new work.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LoginResponse {
    pub token: String,
    pub tenant: String,
    pub user: UserInfo,
    pub device_id: String,
    /// Milliseconds since the Unix epoch.
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// The feed position the device has fully applied; 0 on a fresh device.
    pub cursor: u64,
    #[serde(default)]
    pub push: Vec<PushDoc>,
    /// The version of the user directory the device holds; 0 for none.
    #[serde(default)]
    pub directory_version: u64,
    /// A first sync by scope: at its start `Some` with nothing after (and `cursor` 0), then
    /// what the last answer said, until an answer carries none. Absent otherwise, so a
    /// device that is not catching up sends what older servers read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catch_up: Option<CatchUp>,
}

/// Where a first sync stands (docs/PROTOCOL.md, "First sync"): the documents in the reader's
/// scope come as snapshots in pages, by id, and the feed is walked only from where it stood
/// when the first page was cut (the answers' `cursor`), so a new device never walks the
/// company's whole history, and an interrupted first sync goes on where it stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CatchUp {
    /// The id of the last document sent; empty before the first page.
    pub after: String,
    /// Documents of the scope sent so far (those up to `after`).
    pub sent: u32,
    /// Documents in the reader's scope when the page was cut.
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PushDoc {
    pub doc: String,
    pub doc_type: String,
    /// Base64 of automerge change bytes (the output of `save_after` the heads the server has).
    pub changes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncResponse {
    pub accepted: Vec<Accepted>,
    pub rejected: Vec<Rejected>,
    pub pull: Vec<PullDoc>,
    pub cursor: u64,
    pub more: bool,
    #[serde(default)]
    pub directory: Option<Directory>,
    /// The administrator revoked this device and let it send its unsent work first: the
    /// pushes above were taken, nothing was pulled, and the device now wipes its local copy.
    #[serde(default)]
    pub wipe: bool,
    /// A first sync by scope that has more pages: send it back as the request's `catch_up`.
    #[serde(default)]
    pub catch_up: Option<CatchUp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Accepted {
    pub doc: String,
    /// The server's heads for the document after the push.
    pub heads: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Rejected {
    pub doc: String,
    pub code: ErrorCode,
    /// Where in the document the refused change was, when known.
    #[serde(default)]
    pub path: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PullKind {
    /// Changes to merge into a document the device has.
    Changes,
    /// The whole document, new to the device.
    Snapshot,
    /// The document left the device's scope: delete it.
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PullDoc {
    pub doc: String,
    pub doc_type: String,
    pub kind: PullKind,
    /// Base64 automerge bytes; absent for `revoked`.
    #[serde(default)]
    pub data: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Directory {
    pub version: u64,
    pub users: Vec<UserInfo>,
}

/// The body of every `GET /v1/events` message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FeedAdvanced {
    pub seq: u64,
}
