//! Weekly availability and the free-slot search over REST
//! (`/api/v1/availabilities/`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::bounds;
use domain::scheduling::forms::AvailabilityForm;
use domain::scheduling::{ConsultationType, WeeklyRange};
use domain::services::scheduling::FreeSlot;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;
use domain::wire_formats::{ConsultationKind, Day};

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

/// Whose availability.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DoctorQuery {
    /// Doctor id (default: the caller, if a doctor).
    #[param(minimum = 1)]
    pub doctor: Option<i64>,
}

/// A doctor's weekly ranges.
#[utoipa::path(get, path = "/api/v1/availabilities/", tag = "scheduling", params(DoctorQuery), security(("bearer" = [])),
    responses((status = 200, body = [AvailabilityBody]), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<DoctorQuery>,
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
#[utoipa::path(post, path = "/api/v1/availabilities/", tag = "scheduling", request_body = AvailabilityForm, security(("bearer" = [])),
    responses((status = 201, body = AvailabilityBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "Overlaps another weekly range or a one-off slot", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<AvailabilityForm>,
) -> Result<Response, ApiError> {
    let range = state
        .services
        .scheduling
        .add_availability(&principal, &body)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(availability_body(principal.user_id, range)),
    )
        .into_response())
}

/// One weekly range.
#[utoipa::path(get, path = "/api/v1/availabilities/{id}/", tag = "scheduling", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)), responses((status = 200, body = AvailabilityBody), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(_caller): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AvailabilityBody>, ApiError> {
    let (doctor, range) = state.services.scheduling.availability(id).await?;
    Ok(Json(availability_body(doctor, range)))
}

/// Replace a weekly range (its doctor only).
#[utoipa::path(put, path = "/api/v1/availabilities/{id}/", tag = "scheduling", request_body = AvailabilityForm, security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)), responses((status = 200, body = AvailabilityBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "Overlaps another weekly range or a one-off slot", body = ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AvailabilityForm>,
) -> Result<Json<AvailabilityBody>, ApiError> {
    let range = state
        .services
        .scheduling
        .update_availability(&principal, id, body, false)
        .await?;
    Ok(Json(availability_body(principal.user_id, range)))
}

/// Change some fields of a weekly range (its doctor only).
#[utoipa::path(patch, path = "/api/v1/availabilities/{id}/", tag = "scheduling", request_body = AvailabilityForm, security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)), responses((status = 200, body = AvailabilityBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "Overlaps another weekly range or a one-off slot", body = ErrorBody)))]
pub async fn patch(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AvailabilityForm>,
) -> Result<Json<AvailabilityBody>, ApiError> {
    let range = state
        .services
        .scheduling
        .update_availability(&principal, id, body, true)
        .await?;
    Ok(Json(availability_body(principal.user_id, range)))
}

/// Delete a weekly range (its doctor only).
#[utoipa::path(delete, path = "/api/v1/availabilities/{id}/", tag = "scheduling", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)), responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
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
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// Doctor id (the seed's `medecin` is accepted too).
    #[serde(alias = "medecin")]
    #[param(minimum = 1, example = 2)]
    pub doctor: i64,
    /// First local day (doctor's zone); default today.
    #[param(value_type = Option<Day>)]
    pub date_start: Option<String>,
    /// Last local day, not before the first and at most 92 days after it;
    /// default 6 days after the first.
    #[param(value_type = Option<Day>)]
    pub date_end: Option<String>,
    /// `in_person`, `remote` or `both`.
    #[param(value_type = Option<ConsultationKind>)]
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

/// Free slots of a doctor with places left, as the doctor's rules allow them now.
#[utoipa::path(get, path = "/api/v1/availabilities/available-slots/", tag = "scheduling", params(SlotQuery), security(("bearer" = [])),
    responses((status = 200, body = [FreeSlotBody]), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn available_slots(
    State(state): State<AppState>,
    CurrentUser(_caller): CurrentUser,
    ApiQuery(query): ApiQuery<SlotQuery>,
) -> Result<Json<Vec<FreeSlotBody>>, ApiError> {
    let doctor = query.doctor;
    let first = query
        .date_start
        .as_deref()
        .map(|d| bounds::parse_date("date_start", d))
        .transpose()?;
    let last = query
        .date_end
        .as_deref()
        .map(|d| bounds::parse_date("date_end", d))
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
