//! The domain's one error type. Each door maps it once: REST to a status and the
//! API's JSON error shape, the UI to its server-function error.

use std::fmt;

/// Result of a domain operation.
pub type DomainResult<T> = Result<T, DomainError>;

/// Everything a domain operation can refuse or fail with.
///
/// `code` values are stable identifiers that clients (and the UI's translations)
/// key on; messages are English and for humans.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// An input broke a rule; `field` names the input.
    #[error("{field}: {message}")]
    Validation {
        field: &'static str,
        code: &'static str,
        message: String,
    },
    /// Unknown user, wrong password or deactivated account (deliberately one case).
    #[error("no active account found with the given credentials")]
    InvalidCredentials,
    /// No usable credentials: missing, expired, tampered or revoked token.
    #[error("{message}")]
    Unauthenticated {
        code: &'static str,
        message: &'static str,
    },
    /// Authenticated, but this role or user may not do this.
    #[error("you do not have permission to perform this action")]
    Forbidden,
    /// The resource does not exist (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request conflicts with existing data (a taken e-mail, a full slot…).
    #[error("{message}")]
    Conflict {
        field: Option<&'static str>,
        code: &'static str,
        message: String,
    },
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts, retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// A fault of ours (database down, bug). Logged, never shown.
    #[error("internal error")]
    Internal(#[source] InternalError),
}

impl DomainError {
    /// The HTTP status every door answers this error with (REST, server
    /// functions): input 400, sign-in 401, refusal 403, absence 404,
    /// conflict 409, too many tries 429, anything else 500.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::Validation { .. } => 400,
            Self::InvalidCredentials | Self::Unauthenticated { .. } => 401,
            Self::Forbidden => 403,
            Self::NotFound(_) => 404,
            Self::Conflict { .. } => 409,
            Self::RateLimited { .. } => 429,
            Self::Internal(_) => 500,
        }
    }

    /// A validation error on `field`.
    pub fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            code,
            message: message.into(),
        }
    }

    /// An internal error from any cause.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(InternalError(cause.into()))
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation { code, .. }
            | Self::Unauthenticated { code, .. }
            | Self::Conflict { code, .. } => code,
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "permission_denied",
            Self::NotFound(_) => "not_found",
            Self::RateLimited { .. } => "rate_limited",
            Self::Internal(_) => "internal_error",
        }
    }

    /// The input field the error is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Validation { field, .. } => Some(field),
            Self::Conflict { field, .. } => *field,
            _ => None,
        }
    }
}

/// Cause of an [`DomainError::Internal`]; its text goes to the log only.
pub struct InternalError(Box<dyn std::error::Error + Send + Sync>);

impl fmt::Debug for InternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for InternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for InternalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}
