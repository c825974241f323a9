//! The device's error: a broken domain rule, or what only a device meets (no session, its
//! local database, the network, the server's refusal). Every variant has a stable
//! `ErrorCode`, matched as a value; the message is for logs and, translated by the UI, people.

use fieldops_domain::{DomainError, ErrorBody, ErrorCode, Refusal};

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("not signed in")]
    NotSignedIn,
    #[error("local database error: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("cannot reach the sync server: {0}")]
    Network(String),
    #[error("{message}")]
    Server { code: ErrorCode, message: String },
}

impl DeviceError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        DeviceError::Domain(DomainError::Invalid(msg.into()))
    }

    pub fn refused(r: Refusal) -> Self {
        DeviceError::Domain(DomainError::Refused(r))
    }

    pub fn not_found(msg: impl Into<String>) -> Self {
        DeviceError::Domain(DomainError::NotFound(msg.into()))
    }

    pub fn forbidden(msg: impl Into<String>) -> Self {
        DeviceError::Domain(DomainError::Forbidden(msg.into()))
    }

    pub fn corrupt_document(msg: impl Into<String>) -> Self {
        DeviceError::Domain(DomainError::CorruptDocument(msg.into()))
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            DeviceError::Domain(e) => e.code(),
            DeviceError::NotSignedIn => ErrorCode::NotSignedIn,
            DeviceError::Storage(_) => ErrorCode::Storage,
            DeviceError::Network(_) => ErrorCode::Network,
            DeviceError::Server { code, .. } => *code,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code(),
            message: self.to_string(),
            field: match self {
                DeviceError::Domain(e) => e.field_problem(),
                _ => None,
            },
            refusal: match self {
                DeviceError::Domain(e) => e.refusal().cloned(),
                _ => None,
            },
        }
    }
}

impl From<automerge::AutomergeError> for DeviceError {
    fn from(e: automerge::AutomergeError) -> Self {
        DeviceError::Domain(DomainError::Crdt(e))
    }
}

impl From<reqwest::Error> for DeviceError {
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
        DeviceError::Network(words)
    }
}

pub type Result<T, E = DeviceError> = std::result::Result<T, E>;
