//! The one error type of the sync server; every error leaves as `{code, message}` JSON.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fieldops_domain::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    BadRequest(String),
    /// A request refused for a specific reason the client can act on.
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
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
    #[error("too many wrong sign-ins: try again in {} s", .0.as_secs().max(1))]
    TooManyAttempts(std::time::Duration),
    /// The server is at its limit of syncs at once; the client waits this long and retries.
    #[error("the server is busy: try again in {} s", .0.as_secs().max(1))]
    Busy(std::time::Duration),
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
    Domain(#[from] fieldops_domain::DomainError),
}

impl ServerError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ServerError::BadRequest(_) => ErrorCode::BadRequest,
            ServerError::Refused { code, .. } => *code,
            ServerError::TooLarge(_) => ErrorCode::TooLarge,
            ServerError::MissingToken => ErrorCode::Unauthorized,
            ServerError::InvalidToken => ErrorCode::InvalidToken,
            ServerError::TokenExpired => ErrorCode::TokenExpired,
            ServerError::BadCredentials => ErrorCode::BadCredentials,
            ServerError::TooManyAttempts(_) => ErrorCode::TooManyAttempts,
            ServerError::Busy(_) => ErrorCode::Busy,
            ServerError::Conflict(_) => ErrorCode::Conflict,
            ServerError::NotFound(_) => ErrorCode::NotFound,
            ServerError::Storage(_) => ErrorCode::Storage,
            ServerError::Concurrent => ErrorCode::ConcurrentWrite,
            ServerError::Domain(e) => e.code(),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ServerError::Refused {
                code:
                    ErrorCode::DeviceRevoked
                    | ErrorCode::SetupLinkInvalid
                    | ErrorCode::InvitationLinkInvalid,
                ..
            } => StatusCode::FORBIDDEN,
            ServerError::BadRequest(_) | ServerError::Refused { .. } => StatusCode::BAD_REQUEST,
            ServerError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ServerError::MissingToken
            | ServerError::InvalidToken
            | ServerError::TokenExpired
            | ServerError::BadCredentials => StatusCode::UNAUTHORIZED,
            ServerError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            ServerError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            ServerError::Conflict(_) | ServerError::Concurrent => StatusCode::CONFLICT,
            ServerError::NotFound(_) => StatusCode::NOT_FOUND,
            ServerError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::Domain(e) => match e.code() {
                ErrorCode::InvalidInput | ErrorCode::CorruptDocument => StatusCode::BAD_REQUEST,
                ErrorCode::Forbidden => StatusCode::FORBIDDEN,
                ErrorCode::NotFound => StatusCode::NOT_FOUND,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        // `busy` is the server protecting itself, said to every device of a crowd: not an error.
        if status.is_server_error() && !matches!(self, ServerError::Busy(_)) {
            tracing::error!(error = %self, "request failed");
        }
        let retry_after = match &self {
            ServerError::TooManyAttempts(wait) | ServerError::Busy(wait) => {
                Some(wait.as_secs().max(1).to_string())
            }
            _ => None,
        };
        let mut response = (
            status,
            Json(ErrorBody {
                code: self.code(),
                message: self.to_string(),
                field: match &self {
                    ServerError::Domain(e) => e.field_problem(),
                    _ => None,
                },
                refusal: match &self {
                    ServerError::Domain(e) => e.refusal().cloned(),
                    _ => None,
                },
            }),
        )
            .into_response();
        if let Some(seconds) = retry_after.and_then(|s| s.parse().ok()) {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds);
        }
        response
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
