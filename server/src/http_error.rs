//! The one error shape of the API:
//! `{"code": "…", "detail": "…", "field": "…"}` (`field` only for input errors).
//! A 5xx logs its cause and tells the client nothing internal.

use axum::Json;
use axum::extract::rejection::JsonRejection;
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

fn error_response(
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
    match err {
        DomainError::Validation { .. } => StatusCode::BAD_REQUEST,
        DomainError::InvalidCredentials | DomainError::Unauthenticated { .. } => {
            StatusCode::UNAUTHORIZED
        }
        DomainError::Forbidden => StatusCode::FORBIDDEN,
        DomainError::NotFound(_) => StatusCode::NOT_FOUND,
        DomainError::Conflict { .. } => StatusCode::CONFLICT,
        DomainError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
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

/// A JSON body whose rejection speaks the API's error shape (400, naming the
/// field serde complained about when it can).
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> Response {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected a body with Content-Type: application/json".into(),
            None,
        ),
        other => {
            let detail = other.body_text();
            let field = detail
                .split('`')
                .nth(1)
                .filter(|_| detail.contains("missing field") || detail.contains("invalid type"))
                .map(str::to_owned);
            let code = if detail.contains("missing field") {
                "required"
            } else {
                "invalid_body"
            };
            error_response(StatusCode::BAD_REQUEST, code, detail, field)
        }
    }
}
