//! Calendars: the availability export (`/api/v1/availabilities/calendar-ics/`)
//! and private feed URLs (`/calendar/<token>.ics`) that calendar apps subscribe
//! to without credentials; the token is the secret, revoked or renewed at
//! `/api/v1/calendar-feed/`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::services::calendars::IcsFile;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::authn::CurrentUser;
use crate::extract::{ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/availabilities/calendar-ics/",
            get(availability_ics),
        )
        .route(
            "/api/v1/calendar-feed/",
            get(feed_info).post(renew).delete(revoke),
        )
        .route("/calendar/{token}", get(feed))
}

const ICS: &str = "text/calendar; charset=utf-8";

/// Whose availability (administrators name the doctor).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IcsQuery {
    /// The doctor (administrators only; doctors get their own).
    #[param(minimum = 1)]
    pub doctor_id: Option<i64>,
}

/// The next 12 weeks of the calling doctor's slots as an iCalendar file
/// (`disponibilites_dr_<username>.ics`).
#[utoipa::path(get, path = "/api/v1/availabilities/calendar-ics/", tag = "availability", params(IcsQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 304, description = "Not modified since the client's copy (If-None-Match, If-Modified-Since)"), (status = 403, body = ErrorBody), (status = 404, description = "No such doctor", body = ErrorBody)))]
pub async fn availability_ics(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<IcsQuery>,
    request: HeaderMap,
) -> Result<Response, ApiError> {
    let file = state
        .services
        .calendars
        .availability_ics(&principal, query.doctor_id, Timestamp::now())
        .await?;
    // A person's calendar: kept by their client only, asked again each time.
    Ok(answer(
        &request,
        &file,
        "private, no-cache",
        Some(&file.filename),
    ))
}

/// A kept calendar as an answer: its entity tag and last change, and 304
/// without a body when the client's copy is current; `download` names the
/// file to save it as.
fn answer(
    request: &HeaderMap,
    file: &IcsFile,
    cache: &'static str,
    download: Option<&str>,
) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&file.etag) {
        headers.insert(header::ETAG, value);
    }
    let modified = file
        .last_modified
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    if let Ok(value) = HeaderValue::from_str(&modified) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    if unchanged(request, &file.etag, file.last_modified) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ICS));
    if let Some(name) = download
        && let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    (headers, file.body.clone()).into_response()
}

/// Whether the client's copy is current (RFC 9110 §13.1): `If-None-Match`
/// names the entity tag (compared weakly, as that header is), or, without
/// it, `If-Modified-Since` is not before the last change.
fn unchanged(request: &HeaderMap, etag: &str, last_modified: Timestamp) -> bool {
    if let Some(tags) = request.get(header::IF_NONE_MATCH) {
        let Ok(tags) = tags.to_str() else {
            return false;
        };
        let ours = etag.trim_start_matches("W/");
        return tags
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours);
    }
    request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| jiff::fmt::rfc2822::parse(v).ok())
        .is_some_and(|since| since.timestamp().as_second() >= last_modified.as_second())
}

/// The caller's private feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedBody {
    /// Path of the feed (append it to the site's address), or null when none.
    pub path: Option<String>,
}

fn feed_path(token: Option<String>) -> FeedBody {
    FeedBody {
        path: token.map(|t| format!("/calendar/{t}.ics")),
    }
}

/// The caller's feed path, if they have one.
#[utoipa::path(get, path = "/api/v1/calendar-feed/", tag = "availability", security(("bearer" = [])),
    responses((status = 200, body = FeedBody)))]
pub async fn feed_info(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<FeedBody>, ApiError> {
    let token = state.services.calendars.feed_token(&principal).await?;
    Ok(Json(feed_path(token)))
}

/// Create or renew the caller's feed (a previous URL stops working).
#[utoipa::path(post, path = "/api/v1/calendar-feed/", tag = "availability", security(("bearer" = [])),
    responses((status = 201, body = FeedBody), (status = 403, body = ErrorBody)))]
pub async fn renew(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<(StatusCode, Json<FeedBody>), ApiError> {
    let token = state.services.calendars.renew_feed(&principal).await?;
    Ok((StatusCode::CREATED, Json(feed_path(Some(token)))))
}

/// Revoke the caller's feed.
#[utoipa::path(delete, path = "/api/v1/calendar-feed/", tag = "availability", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<StatusCode, ApiError> {
    state.services.calendars.revoke_feed(&principal).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A private feed (no credentials: the token is the secret).
pub async fn feed(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    request: HeaderMap,
) -> Result<Response, ApiError> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let file = state
        .services
        .calendars
        .feed(token, Timestamp::now())
        .await?;
    Ok(answer(&request, &file, "private, max-age=300", None))
}
