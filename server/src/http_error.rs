//! The one error shape of the API:
//! `{"code": "…", "detail": "…", "field": "…"}` (`field` only for input errors).
//! A 5xx logs its cause and tells the client nothing internal.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::DomainError;
use serde::Serialize;

/// Body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code (`invalid_credentials`, `required`…).
    pub code: String,
    /// Human-readable explanation (English).
    pub detail: String,
    /// The input field the error is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A domain error on its way out of a REST handler.
#[derive(Debug)]
pub struct ApiError(pub DomainError);

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        Self(err)
    }
}

impl ApiError {
    /// A 400 naming the body problem.
    pub fn bad_request(
        code: &'static str,
        detail: impl Into<String>,
        field: Option<&'static str>,
    ) -> Response {
        error_response(
            StatusCode::BAD_REQUEST,
            code,
            detail.into(),
            field.map(Into::into),
        )
    }
}

/// A response in the API's error shape.
pub fn error_response(
    status: StatusCode,
    code: &str,
    detail: String,
    field: Option<String>,
) -> Response {
    (
        status,
        Json(ErrorBody {
            code: code.into(),
            detail,
            field,
        }),
    )
        .into_response()
}

/// The status a domain error maps to.
pub fn status_of(err: &DomainError) -> StatusCode {
    StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let err = self.0;
        let status = status_of(&err);
        let detail = match &err {
            DomainError::Internal(cause) => {
                tracing::error!(error = %cause, "request failed");
                "internal server error".to_owned()
            }
            DomainError::Validation { message, .. } => message.clone(),
            other => other.to_string(),
        };
        let mut response = error_response(status, err.code(), detail, err.field().map(Into::into));
        match &err {
            DomainError::RateLimited { retry_after_secs } => {
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            DomainError::InvalidCredentials | DomainError::Unauthenticated { .. } => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"api\""),
                );
            }
            _ => {}
        }
        response
    }
}

/// Last line of defence: a handler that panicked answers a JSON 500 and the
/// panic is logged (the connection stays up).
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    tracing::error!(panic = %message, "request handler panicked");
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "internal server error".into(),
        None,
    )
}
