//! The domain's error, and the stable codes every FieldOps error travels with (device, server
//! and UI alike). Programs match on an `ErrorCode` value; people read the UI's translation of it.

use serde::{Deserialize, Serialize};

/// Every code a FieldOps error can carry across IPC and HTTP; docs/PROTOCOL.md lists them.
/// Serialised as the snake_case strings of the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // Rules of the domain.
    InvalidInput,
    NotFound,
    Forbidden,
    CorruptDocument,
    CorruptChanges,
    Crdt,
    // The device.
    NotSignedIn,
    Storage,
    Network,
    // The sync server's answers.
    BadRequest,
    Unauthorized,
    InvalidToken,
    TokenExpired,
    BadCredentials,
    Conflict,
    TooLarge,
    ConcurrentWrite,
    InvalidDocument,
    UnknownDocType,
    InvalidChanges,
    WrongDocType,
    MissingDependencies,
    ForeignActor,
    OutOfScope,
    Busy,
    InvalidBlob,
    InvalidHash,
    HashMismatch,
    /// A code this build does not know (a newer server): shown as a generic failure.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The protocol's string for this code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CorruptDocument => "corrupt_document",
            ErrorCode::CorruptChanges => "corrupt_changes",
            ErrorCode::Crdt => "crdt",
            ErrorCode::NotSignedIn => "not_signed_in",
            ErrorCode::Storage => "storage",
            ErrorCode::Network => "network",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::BadCredentials => "bad_credentials",
            ErrorCode::Conflict => "conflict",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::ConcurrentWrite => "concurrent_write",
            ErrorCode::InvalidDocument => "invalid_document",
            ErrorCode::UnknownDocType => "unknown_doc_type",
            ErrorCode::InvalidChanges => "invalid_changes",
            ErrorCode::WrongDocType => "wrong_doc_type",
            ErrorCode::MissingDependencies => "missing_dependencies",
            ErrorCode::ForeignActor => "foreign_actor",
            ErrorCode::OutOfScope => "out_of_scope",
            ErrorCode::Busy => "busy",
            ErrorCode::InvalidBlob => "invalid_blob",
            ErrorCode::InvalidHash => "invalid_hash",
            ErrorCode::HashMismatch => "hash_mismatch",
            ErrorCode::Unknown => "unknown",
        }
    }

    /// A session that is no longer valid: the person must sign in again.
    pub fn ends_session(self) -> bool {
        matches!(self, ErrorCode::InvalidToken | ErrorCode::TokenExpired)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The shape in which errors cross IPC and HTTP.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

/// A broken rule of the domain: what the device refuses before it commits and the server
/// refuses before it stores.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{0}")]
    Invalid(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("the document is corrupt or not a FieldOps document: {0}")]
    CorruptDocument(String),
    #[error("the changes are damaged or not automerge: {0}")]
    CorruptChanges(String),
    #[error("CRDT error: {0}")]
    Crdt(#[from] automerge::AutomergeError),
}

impl DomainError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        DomainError::Invalid(msg.into())
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            DomainError::Invalid(_) => ErrorCode::InvalidInput,
            DomainError::NotFound(_) => ErrorCode::NotFound,
            DomainError::Forbidden(_) => ErrorCode::Forbidden,
            DomainError::CorruptDocument(_) => ErrorCode::CorruptDocument,
            DomainError::CorruptChanges(_) => ErrorCode::CorruptChanges,
            DomainError::Crdt(_) => ErrorCode::Crdt,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_travel_as_the_protocol_strings() {
        for code in [
            ErrorCode::InvalidInput,
            ErrorCode::TokenExpired,
            ErrorCode::HashMismatch,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        let newer: ErrorCode = serde_json::from_str("\"quota_exceeded\"").unwrap();
        assert_eq!(newer, ErrorCode::Unknown);
    }
}
