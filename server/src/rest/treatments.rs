//! Treatments over REST: seed 000's routes exactly (`/api/treatments/`,
//! `/api/treatments/{id}/`), and beside them a patient's day of doses and the
//! ticking of a dose. Every handler calls one service.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use domain::treatments::{DoseForm, PlannedDose, Treatment, TreatmentDay, TreatmentForm};
use jiff::Timestamp;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/treatments/", get(list).post(create))
        .route(
            "/api/treatments/{id}/",
            get(one).put(replace).delete(remove),
        )
        .route("/api/v1/patients/{id}/treatments/day/", get(day))
        .route("/api/v1/treatments/{id}/doses/", put(record_dose))
}

/// Whose treatments.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TreatmentFilter {
    /// Doctors: this patient's (in their care or under emergency access).
    /// Without it a doctor gets what they prescribed; a patient always gets
    /// their own.
    #[param(minimum = 1)]
    pub patient_id: Option<i64>,
}

/// Treatments: a patient's own, or a doctor's patients'.
#[utoipa::path(get, path = "/api/treatments/", tag = "seed", params(TreatmentFilter), security(("bearer" = [])),
    responses((status = 200, body = [Treatment]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<TreatmentFilter>,
) -> Result<Json<Vec<Treatment>>, ApiError> {
    let list = state
        .services
        .treatments
        .list(&principal, filter.patient_id, Timestamp::now())
        .await?;
    Ok(Json(list))
}

/// Adds a treatment (a patient for themself; a doctor for a patient in their
/// care, with `patient_id`).
#[utoipa::path(post, path = "/api/treatments/", tag = "seed", request_body = TreatmentForm, security(("bearer" = [])),
    responses((status = 201, body = Treatment), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(form): ApiJson<TreatmentForm>,
) -> Result<(StatusCode, Json<Treatment>), ApiError> {
    let treatment = state
        .services
        .treatments
        .create(&principal, &form, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(treatment)))
}

/// One treatment.
#[utoipa::path(get, path = "/api/treatments/{id}/", tag = "seed", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])), responses((status = 200, body = Treatment), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Treatment>, ApiError> {
    Ok(Json(
        state
            .services
            .treatments
            .get(&principal, id, Timestamp::now())
            .await?,
    ))
}

/// Replaces a treatment (`started_at` and dose times left out stay).
#[utoipa::path(put, path = "/api/treatments/{id}/", tag = "seed", params(("id" = i64, Path, minimum = 1)),
    request_body = TreatmentForm, security(("bearer" = [])),
    responses((status = 200, body = Treatment), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<TreatmentForm>,
) -> Result<Json<Treatment>, ApiError> {
    let treatment = state
        .services
        .treatments
        .update(&principal, id, &form, Timestamp::now())
        .await?;
    Ok(Json(treatment))
}

/// Deletes a treatment and its ticked doses.
#[utoipa::path(delete, path = "/api/treatments/{id}/", tag = "seed", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])), responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .treatments
        .delete(&principal, id, Timestamp::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which day.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// `YYYY-MM-DD` on the patient's calendar; default their today.
    #[param(value_type = Option<domain::wire_formats::Day>)]
    pub day: Option<String>,
}

/// A patient's day: doses with what was ticked, adherence of each running
/// treatment, interactions between running treatments.
#[utoipa::path(get, path = "/api/v1/patients/{id}/treatments/day/", tag = "medical",
    params(("id" = i64, Path, minimum = 1), DayQuery), security(("bearer" = [])),
    responses((status = 200, body = TreatmentDay), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn day(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<DayQuery>,
) -> Result<Json<TreatmentDay>, ApiError> {
    let day = query
        .day
        .as_deref()
        .map(|raw| domain::bounds::parse_date("day", raw))
        .transpose()?;
    let plan = state
        .services
        .treatments
        .day(&principal, id, day, Timestamp::now())
        .await?;
    Ok(Json(plan))
}

/// The patient ticks one dose taken or skipped.
#[utoipa::path(put, path = "/api/v1/treatments/{id}/doses/", tag = "medical", params(("id" = i64, Path, minimum = 1)),
    request_body = DoseForm, security(("bearer" = [])),
    responses((status = 200, body = PlannedDose), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn record_dose(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<DoseForm>,
) -> Result<Json<PlannedDose>, ApiError> {
    let dose = state
        .services
        .treatments
        .record_dose(&principal, id, &form, Timestamp::now())
        .await?;
    Ok(Json(dose))
}
