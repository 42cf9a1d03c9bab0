//! Wards (`/api/iot/wards/`): administrators define them; staff read their
//! board.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::wards::{BoardRow, Ward, WardForm};

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/iot/wards/", get(list).post(create))
        .route("/api/iot/wards/{id}/", get(one).put(replace).delete(remove))
        .route("/api/iot/wards/{id}/board/", get(board))
        .route("/api/iot/board/", get(my_board))
}

/// Wards: every one for administrators, their own for doctors.
#[utoipa::path(get, path = "/api/iot/wards/", tag = "iot", security(("bearer" = [])),
    responses((status = 200, body = [Ward]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<Ward>>, ApiError> {
    Ok(Json(state.services.wards.list(&principal).await?))
}

/// An administrator creates a ward (a name, its patients, its doctors).
#[utoipa::path(post, path = "/api/iot/wards/", tag = "iot", request_body = WardForm, security(("bearer" = [])),
    responses((status = 201, body = Ward), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(form): ApiJson<WardForm>,
) -> Result<(StatusCode, Json<Ward>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.services.wards.create(&principal, &form).await?),
    ))
}

/// One ward (administrators and its staff).
#[utoipa::path(get, path = "/api/iot/wards/{id}/", tag = "iot", params(("id" = i64, Path, minimum = 1)), security(("bearer" = [])),
    responses((status = 200, body = Ward), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Ward>, ApiError> {
    Ok(Json(state.services.wards.ward(&principal, id).await?))
}

/// An administrator replaces a ward's name and members.
#[utoipa::path(put, path = "/api/iot/wards/{id}/", tag = "iot", params(("id" = i64, Path, minimum = 1)), request_body = WardForm,
    security(("bearer" = [])),
    responses((status = 200, body = Ward), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<WardForm>,
) -> Result<Json<Ward>, ApiError> {
    Ok(Json(
        state.services.wards.replace(&principal, id, &form).await?,
    ))
}

/// An administrator deletes a ward.
#[utoipa::path(delete, path = "/api/iot/wards/{id}/", tag = "iot", params(("id" = i64, Path, minimum = 1)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state.services.wards.delete(&principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The ward's board for its doctors: the patients they may see, most urgent
/// first, with latest values and active alerts. Each patient shown is a read
/// in the access trail.
#[utoipa::path(get, path = "/api/iot/wards/{id}/board/", tag = "iot", params(("id" = i64, Path, minimum = 1)), security(("bearer" = [])),
    responses((status = 200, body = [BoardRow]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn board(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<BoardRow>>, ApiError> {
    Ok(Json(state.services.wards.board(&principal, id).await?.1))
}

/// A doctor's own board: every patient in their care, with latest values,
/// NEWS2 and active alerts, most urgent first (each patient a recorded read).
#[utoipa::path(get, path = "/api/iot/board/", tag = "iot", security(("bearer" = [])),
    responses((status = 200, body = [BoardRow]), (status = 403, body = ErrorBody)))]
pub async fn my_board(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<BoardRow>>, ApiError> {
    Ok(Json(state.services.wards.my_board(&principal).await?))
}
