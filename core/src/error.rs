//! The one error type of fieldops-core. Every variant has a stable `code` so the UI and
//! HTTP clients can act on it; the message is for people.

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("{0}")]
    Invalid(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("not signed in")]
    NotSignedIn,
    #[error("the document is corrupt or not a FieldOps document: {0}")]
    CorruptDocument(String),
    #[error("the changes are damaged or not automerge: {0}")]
    CorruptChanges(String),
    #[error("local database error: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("CRDT error: {0}")]
    Crdt(#[from] automerge::AutomergeError),
    #[error("cannot reach the sync server: {0}")]
    Network(String),
    #[error("{message}")]
    Server { code: String, message: String },
}

/// The shape in which errors cross IPC and HTTP.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq, ts_rs::TS)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

impl CoreError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        CoreError::Invalid(msg.into())
    }

    pub fn code(&self) -> &str {
        match self {
            CoreError::Invalid(_) => "invalid_input",
            CoreError::NotFound(_) => "not_found",
            CoreError::Forbidden(_) => "forbidden",
            CoreError::NotSignedIn => "not_signed_in",
            CoreError::CorruptDocument(_) => "corrupt_document",
            CoreError::CorruptChanges(_) => "corrupt_changes",
            CoreError::Storage(_) => "storage",
            CoreError::Crdt(_) => "crdt",
            CoreError::Network(_) => "network",
            CoreError::Server { code, .. } => code,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_string(),
            message: self.to_string(),
        }
    }
}

impl From<reqwest::Error> for CoreError {
    /// In the words of the innermost cause ("connection refused", "timed out"): reqwest's own
    /// message ("error sending request") tells a person nothing.
    fn from(e: reqwest::Error) -> Self {
        let e = e.without_url();
        let mut cause: &dyn std::error::Error = &e;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        let io_words = |k: std::io::ErrorKind| match k {
            std::io::ErrorKind::ConnectionRefused => Some("connection refused"),
            std::io::ErrorKind::ConnectionReset => Some("connection reset"),
            std::io::ErrorKind::TimedOut => Some("timed out"),
            _ => None,
        };
        let words = cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io_words(io.kind()))
            .map(str::to_string)
            .or_else(|| e.is_timeout().then(|| "timed out".to_string()))
            .unwrap_or_else(|| {
                if std::ptr::addr_eq(cause, &e as &dyn std::error::Error) {
                    e.to_string()
                } else {
                    format!("{e}: {cause}")
                }
            });
        CoreError::Network(words)
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
