//! Exceptions to availability and the doctor's booking rules over REST
//! (`/api/v1/exceptions/`, `/api/v1/schedule/`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::scheduling::forms::{ExceptionForm, ScheduleForm};
use domain::store::availability::{DoctorSchedule, StoredException};
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use super::availability::DoctorQuery;
use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/exceptions/",
            get(list_exceptions).post(create_exception),
        )
        .route(
            "/api/v1/exceptions/{id}/",
            get(one_exception)
                .put(replace_exception)
                .patch(patch_exception)
                .delete(remove_exception),
        )
        .route("/api/v1/schedule/", get(schedule).patch(update_schedule))
}

/// An exception.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionBody {
    pub id: i64,
    pub doctor_id: i64,
    pub start_datetime: String,
    pub end_datetime: String,
    /// `vacation`, `training`, `emergency`, `busy` or `unavailable`.
    pub exception_type: String,
    pub reason: String,
    pub is_recurring: bool,
}

impl From<StoredException> for ExceptionBody {
    fn from(s: StoredException) -> Self {
        Self {
            id: s.exception.id,
            doctor_id: s.doctor_id,
            start_datetime: s.exception.starts_at.to_string(),
            end_datetime: s.exception.ends_at.to_string(),
            exception_type: s.exception.kind.as_str().into(),
            reason: s.reason,
            is_recurring: s.exception.recurring_weekly,
        }
    }
}

/// The caller's exceptions (doctors): one-off ones from 30 days ago, and every recurring one.
#[utoipa::path(get, path = "/api/v1/exceptions/", tag = "scheduling", security(("bearer" = [])),
    responses((status = 200, body = [ExceptionBody]), (status = 403, body = ErrorBody)))]
pub async fn list_exceptions(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<ExceptionBody>>, ApiError> {
    let list = state
        .services
        .scheduling
        .exceptions(&principal, Timestamp::now())
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Block a period (doctors).
#[utoipa::path(post, path = "/api/v1/exceptions/", tag = "scheduling", request_body = ExceptionForm, security(("bearer" = [])),
    responses((status = 201, body = ExceptionBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_exception(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<ExceptionForm>,
) -> Result<Response, ApiError> {
    let created = state
        .services
        .scheduling
        .add_exception(&principal, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(ExceptionBody::from(created))).into_response())
}

/// One of the caller's exceptions.
#[utoipa::path(get, path = "/api/v1/exceptions/{id}/", tag = "scheduling", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)), responses((status = 200, body = ExceptionBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn one_exception(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ExceptionBody>, ApiError> {
    Ok(Json(
        state
            .services
            .scheduling
            .exception(&principal, id)
            .await?
            .into(),
    ))
}

/// Replace one of the caller's exceptions.
#[utoipa::path(put, path = "/api/v1/exceptions/{id}/", tag = "scheduling", request_body = ExceptionForm, security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)), responses((status = 200, body = ExceptionBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn replace_exception(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ExceptionForm>,
) -> Result<Json<ExceptionBody>, ApiError> {
    Ok(Json(
        state
            .services
            .scheduling
            .update_exception(&principal, id, &body)
            .await?
            .into(),
    ))
}

/// Change some fields of one of the caller's exceptions.
#[utoipa::path(patch, path = "/api/v1/exceptions/{id}/", tag = "scheduling", request_body = ExceptionForm, security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)), responses((status = 200, body = ExceptionBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn patch_exception(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ExceptionForm>,
) -> Result<Json<ExceptionBody>, ApiError> {
    Ok(Json(
        state
            .services
            .scheduling
            .patch_exception(&principal, id, &body)
            .await?
            .into(),
    ))
}

/// Delete one of the caller's exceptions.
#[utoipa::path(delete, path = "/api/v1/exceptions/{id}/", tag = "scheduling", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)), responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn remove_exception(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .scheduling
        .delete_exception(&principal, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A doctor's time zone and booking rules (every field `PATCH` accepts).
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleBody {
    /// IANA time zone.
    #[schema(example = "Europe/Paris")]
    pub timezone: String,
    pub min_notice_minutes: i64,
    pub max_advance_days: i64,
    pub buffer_minutes: i64,
    pub cancel_cutoff_minutes: i64,
    /// How long a waitlisted patient holds a freed place.
    pub waitlist_hold_minutes: i64,
}

impl From<DoctorSchedule> for ScheduleBody {
    fn from(s: DoctorSchedule) -> Self {
        Self {
            timezone: s.timezone,
            min_notice_minutes: i64::from(s.rules.min_notice_minutes),
            max_advance_days: i64::from(s.rules.max_advance_days),
            buffer_minutes: i64::from(s.rules.buffer_minutes),
            cancel_cutoff_minutes: i64::from(s.rules.cancel_cutoff_minutes),
            waitlist_hold_minutes: i64::from(s.rules.waitlist_hold_minutes),
        }
    }
}

/// A doctor's zone and rules (`?doctor=` for another doctor's).
#[utoipa::path(get, path = "/api/v1/schedule/", tag = "scheduling", params(DoctorQuery), security(("bearer" = [])),
    responses((status = 200, body = ScheduleBody), (status = 404, body = ErrorBody)))]
pub async fn schedule(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<DoctorQuery>,
) -> Result<Json<ScheduleBody>, ApiError> {
    Ok(Json(
        state
            .services
            .scheduling
            .schedule(query.doctor.unwrap_or(principal.user_id))
            .await?
            .into(),
    ))
}

/// Change the caller's zone or rules (doctors).
#[utoipa::path(patch, path = "/api/v1/schedule/", tag = "scheduling", request_body = ScheduleForm, security(("bearer" = [])),
    responses((status = 200, body = ScheduleBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update_schedule(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<ScheduleForm>,
) -> Result<Json<ScheduleBody>, ApiError> {
    Ok(Json(
        state
            .services
            .scheduling
            .update_schedule(&principal, &body)
            .await?
            .into(),
    ))
}
