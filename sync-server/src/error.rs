//! The one error type of the sync server; every error leaves as `{code, message}` JSON.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fieldops_core::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    BadRequest(String),
    /// A request refused for a specific reason the client can act on.
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("missing bearer token")]
    MissingToken,
    #[error("the token is not valid; sign in again")]
    InvalidToken,
    #[error("the token has expired; sign in again")]
    TokenExpired,
    #[error("wrong company, login or password")]
    BadCredentials,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("storage error: {0}")]
    Storage(String),
    /// Another writer changed the document between our read and our write; retry.
    #[error("the document changed concurrently")]
    Concurrent,
    #[error(transparent)]
    Core(#[from] fieldops_core::CoreError),
}

impl ServerError {
    pub fn code(&self) -> &str {
        match self {
            ServerError::BadRequest(_) => "bad_request",
            ServerError::Refused { code, .. } => code,
            ServerError::TooLarge(_) => "too_large",
            ServerError::MissingToken => "unauthorized",
            ServerError::InvalidToken => "invalid_token",
            ServerError::TokenExpired => "token_expired",
            ServerError::BadCredentials => "bad_credentials",
            ServerError::Conflict(_) => "conflict",
            ServerError::NotFound(_) => "not_found",
            ServerError::Storage(_) => "storage",
            ServerError::Concurrent => "concurrent_write",
            ServerError::Core(e) => e.code(),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ServerError::BadRequest(_) | ServerError::Refused { .. } => StatusCode::BAD_REQUEST,
            ServerError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ServerError::MissingToken
            | ServerError::InvalidToken
            | ServerError::TokenExpired
            | ServerError::BadCredentials => StatusCode::UNAUTHORIZED,
            ServerError::Conflict(_) | ServerError::Concurrent => StatusCode::CONFLICT,
            ServerError::NotFound(_) => StatusCode::NOT_FOUND,
            ServerError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::Core(e) => match e.code() {
                "invalid_input" | "corrupt_document" => StatusCode::BAD_REQUEST,
                "forbidden" => StatusCode::FORBIDDEN,
                "not_found" => StatusCode::NOT_FOUND,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        (
            status,
            Json(ErrorBody {
                code: self.code().to_string(),
                message: self.to_string(),
            }),
        )
            .into_response()
    }
}

impl From<rusqlite::Error> for ServerError {
    fn from(e: rusqlite::Error) -> Self {
        ServerError::Storage(e.to_string())
    }
}

impl From<tokio_postgres::Error> for ServerError {
    fn from(e: tokio_postgres::Error) -> Self {
        ServerError::Storage(e.to_string())
    }
}

impl From<deadpool_postgres::PoolError> for ServerError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        ServerError::Storage(e.to_string())
    }
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;
