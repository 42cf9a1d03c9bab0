//! Alerts on vital signs (`/api/iot/alertes/`, seed 001's names).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::paging::Page;
use domain::services::alerts::AlertQuery;
use domain::vitals::alerts::{RuleForm, RuleInForce, VitalAlert};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/iot/alertes/", get(list))
        .route("/api/iot/alertes/active/", get(active))
        .route("/api/iot/alertes/critical/", get(critical))
        .route("/api/iot/alertes/{id}/acknowledge/", post(acknowledge))
        .route("/api/iot/patients/{id}/seuils/", get(rules).put(set_rules))
}

/// Whose alerts, which page.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertFilter {
    /// One patient's (account id); a patient gets their own, a doctor their
    /// patients'.
    #[param(minimum = 1)]
    pub patient_id: Option<i64>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

async fn page(
    state: &AppState,
    principal: &domain::auth::Principal,
    filter: AlertFilter,
    only_active: bool,
    only_critical: bool,
) -> Result<Json<Page<VitalAlert>>, ApiError> {
    let query = AlertQuery {
        patient: filter.patient_id,
        only_active,
        only_critical,
        page: filter.page,
        per_page: filter.per_page,
    };
    Ok(Json(state.services.alerts.list(principal, &query).await?))
}

/// Alerts, newest first: a patient's own, a doctor's patients'. Not for
/// administrators (alerts carry clinical values). Recorded in the trail.
#[utoipa::path(get, path = "/api/iot/alertes/", tag = "iot", params(AlertFilter), security(("bearer" = [])),
    responses((status = 200, body = Page<VitalAlert>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<AlertFilter>,
) -> Result<Json<Page<VitalAlert>>, ApiError> {
    page(&state, &principal, filter, false, false).await
}

/// Active alerts (not cleared yet), acknowledged or not.
#[utoipa::path(get, path = "/api/iot/alertes/active/", tag = "iot", params(AlertFilter), security(("bearer" = [])),
    responses((status = 200, body = Page<VitalAlert>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn active(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<AlertFilter>,
) -> Result<Json<Page<VitalAlert>>, ApiError> {
    page(&state, &principal, filter, true, false).await
}

/// Active critical and emergency alerts.
#[utoipa::path(get, path = "/api/iot/alertes/critical/", tag = "iot", params(AlertFilter), security(("bearer" = [])),
    responses((status = 200, body = Page<VitalAlert>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn critical(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<AlertFilter>,
) -> Result<Json<Page<VitalAlert>>, ApiError> {
    page(&state, &principal, filter, true, true).await
}

/// A doctor of the patient's care team (or under emergency access)
/// acknowledges an alert; 409 if it already was.
#[utoipa::path(post, path = "/api/iot/alertes/{id}/acknowledge/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])),
    responses((status = 200, body = VitalAlert), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<VitalAlert>, ApiError> {
    Ok(Json(
        state.services.alerts.acknowledge(&principal, id).await?,
    ))
}

/// The alert thresholds in force for a patient: the clinical defaults and
/// those their doctor set (`own`). The patient and their doctors.
#[utoipa::path(get, path = "/api/iot/patients/{id}/seuils/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])),
    responses((status = 200, body = [RuleInForce]), (status = 403, body = ErrorBody)))]
pub async fn rules(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<RuleInForce>>, ApiError> {
    Ok(Json(state.services.alerts.rules(&principal, id).await?))
}

/// A doctor of the patient's care team replaces the patient's own
/// thresholds; each replaces the default of the same vital, direction and
/// level (an empty list restores the defaults).
#[utoipa::path(put, path = "/api/iot/patients/{id}/seuils/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    request_body = [RuleForm], security(("bearer" = [])),
    responses((status = 200, body = [RuleInForce]), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn set_rules(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(forms): ApiJson<Vec<RuleForm>>,
) -> Result<Json<Vec<RuleInForce>>, ApiError> {
    Ok(Json(
        state
            .services
            .alerts
            .set_rules(&principal, id, &forms)
            .await?,
    ))
}
