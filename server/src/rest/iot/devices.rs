//! The device registry (`/api/iot/dispositifs/`, seed 001's names).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::devices::{
    CommandForm, CommandReceipt, Device, DeviceCredential, DeviceForm, DeviceStatus, StatusForm,
};
use domain::paging::Page;
use domain::services::devices::DeviceQuery;
use domain::vitals::LatestValue;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/iot/dispositifs/", get(list).post(register))
        .route(
            "/api/iot/dispositifs/{id}/",
            get(one).put(replace).delete(remove),
        )
        .route("/api/iot/dispositifs/{id}/status/", post(status))
        .route("/api/iot/dispositifs/{id}/latest-data/", get(latest_data))
        .route("/api/iot/dispositifs/{id}/rekey/", post(rekey))
        .route("/api/iot/dispositifs/{id}/revoke/", post(revoke))
        .route(
            "/api/iot/dispositifs/{id}/send-command/",
            post(send_command),
        )
}

/// Which devices to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceFilter {
    /// Only this patient's devices (account id).
    #[param(minimum = 1)]
    pub patient: Option<i64>,
    /// `actif`, `inactif`, `maintenance` or `erreur`.
    #[param(value_type = Option<DeviceStatus>)]
    pub status: Option<String>,
    /// 1-based.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// Devices: a patient's own, a doctor's patients', anyone's for an
/// administrator. Each patient listed is recorded in the access trail.
#[utoipa::path(get, path = "/api/iot/dispositifs/", tag = "iot", params(DeviceFilter), security(("bearer" = [])),
    responses((status = 200, body = Page<Device>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<DeviceFilter>,
) -> Result<Json<Page<Device>>, ApiError> {
    let query = DeviceQuery {
        patient: filter.patient,
        status: filter.status,
        page: filter.page,
        per_page: filter.per_page,
    };
    Ok(Json(state.services.devices.list(&principal, &query).await?))
}

/// Registers a device for a patient (a doctor of the patient's care team, or
/// an administrator). The answer carries the device's credential: shown this
/// once, stored only hashed.
#[utoipa::path(post, path = "/api/iot/dispositifs/", tag = "iot", request_body = DeviceForm, security(("bearer" = [])),
    responses((status = 201, body = DeviceCredential), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(form): ApiJson<DeviceForm>,
) -> Result<(StatusCode, Json<DeviceCredential>), ApiError> {
    let created = state.services.devices.register(&principal, &form).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One device.
#[utoipa::path(get, path = "/api/iot/dispositifs/{id}/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])),
    responses((status = 200, body = Device), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Device>, ApiError> {
    Ok(Json(state.services.devices.device(&principal, id).await?))
}

/// Replaces a device's registration (its credential stays).
#[utoipa::path(put, path = "/api/iot/dispositifs/{id}/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    request_body = DeviceForm, security(("bearer" = [])),
    responses((status = 200, body = Device), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<DeviceForm>,
) -> Result<Json<Device>, ApiError> {
    Ok(Json(
        state
            .services
            .devices
            .replace(&principal, id, &form)
            .await?,
    ))
}

/// Deletes a device; its readings stay with the patient.
#[utoipa::path(delete, path = "/api/iot/dispositifs/{id}/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state.services.devices.delete(&principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a device's status (state, battery, signal, firmware).
#[utoipa::path(post, path = "/api/iot/dispositifs/{id}/status/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    request_body = StatusForm, security(("bearer" = [])),
    responses((status = 200, body = Device), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<StatusForm>,
) -> Result<Json<Device>, ApiError> {
    Ok(Json(
        state
            .services
            .devices
            .report_status(&principal, id, &form)
            .await?,
    ))
}

/// The latest value of each vital of the device's patient (`{spo2: {valeur,
/// unite, timestamp}, …}`); the read is recorded.
#[utoipa::path(get, path = "/api/iot/dispositifs/{id}/latest-data/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])),
    responses((status = 200, body = BTreeMap<String, LatestValue>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn latest_data(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BTreeMap<String, LatestValue>>, ApiError> {
    let device = state.services.devices.device(&principal, id).await?;
    Ok(Json(
        state
            .services
            .vitals
            .latest(&principal, device.patient)
            .await?,
    ))
}

/// Issues a new credential (shown this once); the old one stops working.
#[utoipa::path(post, path = "/api/iot/dispositifs/{id}/rekey/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])),
    responses((status = 200, body = DeviceCredential), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn rekey(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DeviceCredential>, ApiError> {
    Ok(Json(state.services.devices.rekey(&principal, id).await?))
}

/// Revokes the credential: the device can no longer send, and its open
/// socket closes.
#[utoipa::path(post, path = "/api/iot/dispositifs/{id}/revoke/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])),
    responses((status = 200, body = Device), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Device>, ApiError> {
    Ok(Json(state.services.devices.revoke(&principal, id).await?))
}

/// Sends a command to the device's open socket, on whichever instance holds
/// it: 202 once the socket passed it on, 409 when the device is offline.
#[utoipa::path(post, path = "/api/iot/dispositifs/{id}/send-command/", tag = "iot", params(("id" = i64, Path, minimum = 1)),
    request_body = CommandForm, security(("bearer" = [])),
    responses((status = 202, body = CommandReceipt), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn send_command(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<CommandForm>,
) -> Result<(StatusCode, Json<CommandReceipt>), ApiError> {
    let receipt = state
        .services
        .devices
        .send_command(&principal, id, &form)
        .await?;
    if receipt.delivered {
        Ok((StatusCode::ACCEPTED, Json(receipt)))
    } else {
        Err(ApiError(domain::DomainError::Conflict {
            field: None,
            code: "device_offline",
            message: "the device is not connected; the command was not delivered".into(),
        }))
    }
}
