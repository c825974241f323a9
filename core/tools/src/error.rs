//! The tools' error: they drive a server store and device workspaces, so either can fail.

use fieldops_device::{DeviceError, DomainError};
use fieldops_sync_server::ServerError;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("server [{code}]: {0}", code = .0.code())]
    Server(#[from] ServerError),
    #[error("device [{code}]: {0}", code = .0.code())]
    Device(#[from] DeviceError),
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("local database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Failed(String),
}

pub type Result<T, E = ToolError> = std::result::Result<T, E>;
