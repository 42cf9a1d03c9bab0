//! Availability, exceptions, booking rules and free slots over REST
//! (`/api/v1/availabilities/`, `/api/v1/exceptions/`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::DomainError;
use domain::scheduling::forms::{AvailabilityForm, ExceptionForm, ScheduleForm};
use domain::scheduling::{ConsultationType, WeeklyRange};
use domain::services::scheduling::FreeSlot;
use domain::store::availability::{DoctorSchedule, StoredException};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::authn::CurrentUser;
use crate::http_error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/availabilities/", get(list).post(create))
        .route(
            "/api/v1/availabilities/available-slots/",
            get(available_slots),
        )
        .route(
            "/api/v1/availabilities/{id}/",
            get(one).put(replace).patch(patch).delete(remove),
        )
        .route(
            "/api/v1/exceptions/",
            get(list_exceptions).post(create_exception),
        )
        .route(
            "/api/v1/exceptions/{id}/",
            get(one_exception)
                .put(replace_exception)
                .patch(replace_exception)
                .delete(remove_exception),
        )
        .route("/api/v1/schedule/", get(schedule).patch(update_schedule))
}

/// A weekly availability range.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityBody {
    pub id: i64,
    pub doctor_id: i64,
    /// 0 = Monday … 6 = Sunday.
    pub day_of_week: i8,
    /// `HH:MM` in the doctor's time zone.
    pub start_time: String,
    pub end_time: String,
    /// `in_person`, `remote` or `both`.
    pub consultation_type: String,
    pub duration_minutes: i32,
    pub max_consultations: i32,
    pub location: Option<String>,
    pub is_active: bool,
}

fn availability_body(doctor_id: i64, range: WeeklyRange) -> AvailabilityBody {
    let form = AvailabilityForm::from_range(&range);
    AvailabilityBody {
        id: range.id,
        doctor_id,
        day_of_week: range.weekday.to_monday_zero_offset(),
        start_time: form.start_time.unwrap_or_default(),
        end_time: form.end_time.unwrap_or_default(),
        consultation_type: range.consultation_type.as_str().into(),
        duration_minutes: range.duration_minutes,
        max_consultations: range.capacity,
        location: range.location,
        is_active: range.active,
    }
}

/// A weekly range to create or change (PATCH: only the fields given).
#[derive(Debug, Deserialize, ToSchema)]
pub struct AvailabilityRequest {
    pub day_of_week: Option<i64>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub consultation_type: Option<String>,
    pub duration_minutes: Option<i64>,
    pub max_consultations: Option<i64>,
    pub location: Option<String>,
    pub is_active: Option<bool>,
}

impl From<AvailabilityRequest> for AvailabilityForm {
    fn from(r: AvailabilityRequest) -> Self {
        Self {
            day_of_week: r.day_of_week,
            start_time: r.start_time,
            end_time: r.end_time,
            consultation_type: r.consultation_type,
            duration_minutes: r.duration_minutes,
            max_consultations: r.max_consultations,
            location: r.location,
            is_active: r.is_active,
        }
    }
}

/// Whose availability.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DoctorQuery {
    /// Doctor id (default: the caller, if a doctor).
    pub doctor: Option<i64>,
}

/// A doctor's weekly ranges.
#[utoipa::path(get, path = "/api/v1/availabilities/", tag = "scheduling", params(DoctorQuery), security(("bearer" = [])),
    responses((status = 200, body = [AvailabilityBody]), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Query(query): Query<DoctorQuery>,
) -> Result<Json<Vec<AvailabilityBody>>, ApiError> {
    let doctor = query.doctor.unwrap_or(principal.user_id);
    let ranges = state.services.scheduling.availabilities(doctor).await?;
    Ok(Json(
        ranges
            .into_iter()
            .map(|r| availability_body(doctor, r))
            .collect(),
    ))
}

/// Add a weekly range (doctors, to their own availability).
#[utoipa::path(post, path = "/api/v1/availabilities/", tag = "scheduling", request_body = AvailabilityRequest, security(("bearer" = [])),
    responses((status = 201, body = AvailabilityBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<AvailabilityRequest>,
) -> Result<Response, ApiError> {
    let range = state
        .services
        .scheduling
        .add_availability(&principal, &body.into())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(availability_body(principal.user_id, range)),
    )
        .into_response())
}

/// One weekly range.
#[utoipa::path(get, path = "/api/v1/availabilities/{id}/", tag = "scheduling", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = AvailabilityBody), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(_caller): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<AvailabilityBody>, ApiError> {
    let (doctor, range) = state.services.scheduling.availability(id).await?;
    Ok(Json(availability_body(doctor, range)))
}

/// Replace a weekly range (its doctor only).
#[utoipa::path(put, path = "/api/v1/availabilities/{id}/", tag = "scheduling", request_body = AvailabilityRequest, security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = AvailabilityBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AvailabilityRequest>,
) -> Result<Json<AvailabilityBody>, ApiError> {
    let range = state
        .services
        .scheduling
        .update_availability(&principal, id, body.into(), false)
        .await?;
    Ok(Json(availability_body(principal.user_id, range)))
}

/// Change some fields of a weekly range (its doctor only).
#[utoipa::path(patch, path = "/api/v1/availabilities/{id}/", tag = "scheduling", request_body = AvailabilityRequest, security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = AvailabilityBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn patch(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AvailabilityRequest>,
) -> Result<Json<AvailabilityBody>, ApiError> {
    let range = state
        .services
        .scheduling
        .update_availability(&principal, id, body.into(), true)
        .await?;
    Ok(Json(availability_body(principal.user_id, range)))
}

/// Delete a weekly range (its doctor only).
#[utoipa::path(delete, path = "/api/v1/availabilities/{id}/", tag = "scheduling", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .scheduling
        .delete_availability(&principal, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Free-slot search.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SlotQuery {
    /// Doctor id.
    #[serde(alias = "medecin")]
    pub doctor: Option<i64>,
    /// First local day (`YYYY-MM-DD`, doctor's zone); default today.
    pub date_start: Option<String>,
    /// Last local day; default 6 days after the first. At most 92 days.
    pub date_end: Option<String>,
    /// `in_person`, `remote` or `both`.
    pub consultation_type: Option<String>,
}

/// A free slot.
#[derive(Debug, Serialize, ToSchema)]
pub struct FreeSlotBody {
    pub doctor_id: i64,
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    pub consultation_type: String,
    pub location: Option<String>,
    pub capacity: i32,
    /// Places left.
    pub remaining: i32,
}

impl From<FreeSlot> for FreeSlotBody {
    fn from(f: FreeSlot) -> Self {
        Self {
            doctor_id: f.doctor_id,
            start: f.slot.starts_at.to_string(),
            end: f.slot.ends_at.to_string(),
            consultation_type: f.slot.consultation_type.as_str().into(),
            location: f.slot.location,
            capacity: f.slot.capacity,
            remaining: f.remaining,
        }
    }
}

fn parse_date(field: &'static str, raw: &str) -> Result<Date, DomainError> {
    raw.trim().parse().map_err(|_| {
        DomainError::invalid(field, "invalid_date", "expected a date such as 2026-03-20")
    })
}

/// Free slots of a doctor with places left, as the doctor's rules allow them now.
#[utoipa::path(get, path = "/api/v1/availabilities/available-slots/", tag = "scheduling", params(SlotQuery), security(("bearer" = [])),
    responses((status = 200, body = [FreeSlotBody]), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn available_slots(
    State(state): State<AppState>,
    CurrentUser(_caller): CurrentUser,
    Query(query): Query<SlotQuery>,
) -> Result<Json<Vec<FreeSlotBody>>, ApiError> {
    let doctor = query
        .doctor
        .ok_or_else(|| DomainError::invalid("doctor", "required", "this parameter is required"))?;
    let first = query
        .date_start
        .as_deref()
        .map(|d| parse_date("date_start", d))
        .transpose()?;
    let last = query
        .date_end
        .as_deref()
        .map(|d| parse_date("date_end", d))
        .transpose()?;
    let kind = query
        .consultation_type
        .as_deref()
        .map(|k| ConsultationType::parse("consultation_type", k))
        .transpose()?;
    let free = state
        .services
        .scheduling
        .search_free_slots(doctor, first, last, kind, Timestamp::now())
        .await?;
    Ok(Json(free.into_iter().map(Into::into).collect()))
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

/// An exception to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExceptionRequest {
    pub start_datetime: Option<String>,
    pub end_datetime: Option<String>,
    pub exception_type: Option<String>,
    pub reason: Option<String>,
    pub is_recurring: Option<bool>,
}

impl From<ExceptionRequest> for ExceptionForm {
    fn from(r: ExceptionRequest) -> Self {
        Self {
            start_datetime: r.start_datetime,
            end_datetime: r.end_datetime,
            exception_type: r.exception_type,
            reason: r.reason,
            is_recurring: r.is_recurring,
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
#[utoipa::path(post, path = "/api/v1/exceptions/", tag = "scheduling", request_body = ExceptionRequest, security(("bearer" = [])),
    responses((status = 201, body = ExceptionBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_exception(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<ExceptionRequest>,
) -> Result<Response, ApiError> {
    let created = state
        .services
        .scheduling
        .add_exception(&principal, &body.into())
        .await?;
    Ok((StatusCode::CREATED, Json(ExceptionBody::from(created))).into_response())
}

/// One of the caller's exceptions.
#[utoipa::path(get, path = "/api/v1/exceptions/{id}/", tag = "scheduling", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = ExceptionBody), (status = 404, body = ErrorBody)))]
pub async fn one_exception(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Path(id): Path<i64>,
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
#[utoipa::path(put, path = "/api/v1/exceptions/{id}/", tag = "scheduling", request_body = ExceptionRequest, security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = ExceptionBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn replace_exception(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ExceptionRequest>,
) -> Result<Json<ExceptionBody>, ApiError> {
    Ok(Json(
        state
            .services
            .scheduling
            .update_exception(&principal, id, &body.into())
            .await?
            .into(),
    ))
}

/// Delete one of the caller's exceptions.
#[utoipa::path(delete, path = "/api/v1/exceptions/{id}/", tag = "scheduling", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_exception(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .scheduling
        .delete_exception(&principal, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A doctor's time zone and booking rules.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScheduleBody {
    /// IANA time zone.
    pub timezone: Option<String>,
    pub min_notice_minutes: Option<i64>,
    pub max_advance_days: Option<i64>,
    pub buffer_minutes: Option<i64>,
    pub cancel_cutoff_minutes: Option<i64>,
}

impl From<DoctorSchedule> for ScheduleBody {
    fn from(s: DoctorSchedule) -> Self {
        Self {
            timezone: Some(s.timezone),
            min_notice_minutes: Some(i64::from(s.rules.min_notice_minutes)),
            max_advance_days: Some(i64::from(s.rules.max_advance_days)),
            buffer_minutes: Some(i64::from(s.rules.buffer_minutes)),
            cancel_cutoff_minutes: Some(i64::from(s.rules.cancel_cutoff_minutes)),
        }
    }
}

/// A doctor's zone and rules (`?doctor=` for another doctor's).
#[utoipa::path(get, path = "/api/v1/schedule/", tag = "scheduling", params(DoctorQuery), security(("bearer" = [])),
    responses((status = 200, body = ScheduleBody), (status = 404, body = ErrorBody)))]
pub async fn schedule(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Query(query): Query<DoctorQuery>,
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
#[utoipa::path(patch, path = "/api/v1/schedule/", tag = "scheduling", request_body = ScheduleBody, security(("bearer" = [])),
    responses((status = 200, body = ScheduleBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update_schedule(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<ScheduleBody>,
) -> Result<Json<ScheduleBody>, ApiError> {
    let form = ScheduleForm {
        timezone: body.timezone,
        min_notice_minutes: body.min_notice_minutes,
        max_advance_days: body.max_advance_days,
        buffer_minutes: body.buffer_minutes,
        cancel_cutoff_minutes: body.cancel_cutoff_minutes,
    };
    Ok(Json(
        state
            .services
            .scheduling
            .update_schedule(&principal, &form)
            .await?
            .into(),
    ))
}
