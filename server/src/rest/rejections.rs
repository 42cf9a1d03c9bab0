//! Rejections produced outside the handlers, in the API's one error shape:
//! unknown routes under `/api/` (404), wrong methods (405, keeping `Allow`),
//! and anything else a layer answers with a non-JSON error body (413 from the
//! body limit, for instance).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http_error::error_response;

/// Prefix of the REST API.
const API: &str = "/api/";
/// Prefix of the sockets (a refused handshake is an API error too).
const SOCKETS: &str = "/ws/";
/// Swagger UI's own files: HTML and scripts, not API answers.
const DOCS: &str = "/api/docs";

/// Handler of every unknown route under `/api/`.
pub async fn not_found() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such API route".into(),
        None,
    )
}

/// Most bytes of request headers (names and values) accepted.
pub const MAX_HEADERS: usize = 64 * 1024;

/// Middleware: a request whose headers weigh more than [`MAX_HEADERS`] gets
/// 431 in the error shape before anything reads them.
pub async fn limit_headers(req: Request, next: Next) -> Response {
    let size: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if size > MAX_HEADERS {
        return error_response(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!(
                "the request's headers are too large (at most {} KiB)",
                MAX_HEADERS / 1024
            ),
            None,
        );
    }
    next.run(req).await
}

/// Middleware: an error under `/api/` or `/ws/` that does not already carry
/// the JSON error shape gets it, keeping its status and headers (`Allow` on a
/// 405).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_api = (path.starts_with(API) && !path.starts_with(DOCS)) || path.starts_with(SOCKETS);
    let response = next.run(req).await;
    if !is_api || response.status().as_u16() < 400 || is_json(&response) {
        return response;
    }
    let status = response.status();
    let (mut parts, _) = response.into_parts();
    let (code, detail) = describe(status);
    let replacement = error_response(status, code, detail.into(), None);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let (_, body) = replacement.into_parts();
    Response::from_parts(parts, Body::new(body)).into_response()
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Code and message of a rejection by its status.
fn describe(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST => ("bad_request", "the request is malformed"),
        StatusCode::UNAUTHORIZED => (
            "not_authenticated",
            "authentication credentials were not provided",
        ),
        StatusCode::FORBIDDEN => (
            "permission_denied",
            "you do not have permission to perform this action",
        ),
        StatusCode::NOT_FOUND => ("not_found", "no such API route"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this method is not allowed here; see the Allow header",
        ),
        StatusCode::NOT_ACCEPTABLE => ("not_acceptable", "this route answers application/json"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "expected a body with Content-Type: application/json",
        ),
        StatusCode::TOO_MANY_REQUESTS => ("rate_limited", "too many requests"),
        StatusCode::UPGRADE_REQUIRED => (
            "upgrade_required",
            "this address is a WebSocket: open it with a WebSocket client",
        ),
        StatusCode::URI_TOO_LONG => ("uri_too_long", "the address is too long"),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            ("headers_too_large", "the request's headers are too large")
        }
        s if s.is_server_error() => ("internal_error", "internal server error"),
        _ => ("bad_request", "the request was refused"),
    }
}
