//! The activity log over REST (administrators): a page of entries, and the
//! matching entries as CSV. Apart from the access trail, which patients read.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::activity::{ActivityEntry, ActivityPage, ActivityQuery};

use crate::authn::CurrentUser;
use crate::extract::ApiQuery;
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/activity/", get(search))
        .route("/api/v1/activity.csv", get(export))
}

/// A page of the activity log, newest first: sign-ins (refused ones too),
/// accounts created and changed, specialties, doctors' hours, validated
/// records, exports, care teams and emergency accesses.
#[utoipa::path(get, path = "/api/v1/activity/", tag = "operations", params(ActivityQuery), security(("bearer" = [])),
    responses((status = 200, body = ActivityPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Json<ActivityPage>, ApiError> {
    strict(&query)?;
    Ok(Json(state.services.activity.log(&principal, &query).await?))
}

/// The matching entries as CSV (newest first, at most 100 000 rows).
#[utoipa::path(get, path = "/api/v1/activity.csv", tag = "operations", params(ActivityQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Response, ApiError> {
    strict(&query)?;
    let entries = state.services.activity.log_all(&principal, &query).await?;
    let body = to_csv(&entries).map_err(|e| ApiError(domain::DomainError::internal(e)))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"activity-log.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// Keys sent empty are refused over REST (the page's form sends them for
/// "any").
fn strict(query: &ActivityQuery) -> Result<(), ApiError> {
    super::medical::no_blank(&[
        ("action", &query.action),
        ("role", &query.role),
        ("from", &query.from),
        ("to", &query.to),
    ])
}

/// The log as CSV, one row per entry, times in RFC 3339 UTC.
pub fn to_csv(entries: &[ActivityEntry]) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "at",
        "actor_id",
        "actor_name",
        "actor_role",
        "action",
        "target_kind",
        "target_id",
        "target_name",
        "detail",
        "door",
        "request_id",
    ])?;
    let text = |v: Option<String>| v.unwrap_or_default();
    for e in entries {
        let at = jiff::Timestamp::from_millisecond(e.at)
            .map(|t| t.to_string())
            .unwrap_or_default();
        out.write_record([
            e.id.to_string(),
            at,
            text(e.actor_id.map(|id| id.to_string())),
            text(e.actor_name.clone()),
            text(e.actor_role.map(|r| r.as_str().to_owned())),
            e.action.as_str().to_owned(),
            text(e.target_kind.clone()),
            text(e.target_id.map(|id| id.to_string())),
            text(e.target_name.clone()),
            text(e.detail.clone()),
            e.door.as_str().to_owned(),
            text(e.request_id.clone()),
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
