//! Readings: ingest from devices (`POST /api/iot/data/`, seed 004), and the
//! readings routes of seed 001 (`/api/iot/donnees/…`) with seed 004's latest
//! values per patient.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::bounds::parse_instant;
use domain::paging::Page;
use domain::services::vitals::{ReadingQuery, VitalStatistics};
use domain::vitals::news2::News2;
use domain::vitals::{LatestValue, Reading, Vital};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::DeviceAuth;
use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/iot/data/", post(ingest))
        .route("/api/iot/donnees/", get(list).post(add))
        .route("/api/iot/donnees/statistics/", get(statistics))
        .route("/api/iot/donnees/real-time/", get(real_time))
        .route("/api/iot/donnees/latest_data/", get(latest_data))
        .route("/api/iot/donnees/news2/", get(news2))
}

/// What a device sends: one reading (an object in one of the shapes below)
/// or a batch (an array of them). Documentation only: the body is parsed by
/// `domain::vitals::parse`.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ReadingsPayload {
    One(ReadingObject),
    Batch(Vec<ReadingObject>),
}

/// One reading: `data` (seed 001's and 004's shapes) or `type_donnee` and
/// `valeur` (seed 001's row).
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ReadingObject {
    #[schema(example = "AA:BB:CC:DD:EE:01")]
    device_mac: Option<String>,
    /// Vitals by name: a number each, or `{"valeur", "unite", "timestamp"}`;
    /// `timestamp` applies to all.
    #[schema(value_type = Option<Object>)]
    data: Option<Value>,
    #[schema(value_type = Option<Vital>)]
    type_donnee: Option<String>,
    valeur: Option<f64>,
    /// A unit of the vital (UCUM or usual symbol).
    unite: Option<String>,
    /// RFC 3339, Unix seconds or milliseconds, or `millis()` since boot.
    #[schema(value_type = Option<String>)]
    timestamp: Option<Value>,
    #[schema(minimum = 0, maximum = 100)]
    qualite_donnee: Option<u8>,
}

/// What an accepted payload stored.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IngestReceipt {
    /// Values stored (durably, before this answer).
    pub stored: usize,
}

/// A device sends one reading or a batch (at most 1000 values), authenticated
/// by its credential. Accepted shapes: seed 001's `{"device_mac": …, "data":
/// {"heart_rate": 75, "temperature": 36.5, "timestamp": …}}`, seed 004's
/// `{"data": {"spo2": {"valeur": 97, "unite": "%", "timestamp": …}}}`, seed
/// 001's row `{"type_donnee": "spo2", "valeur": 97, "unite": "%"}`, or an array
/// of these. Answered once every value is durably stored; nothing is stored
/// when one value is refused.
#[utoipa::path(post, path = "/api/iot/data/", tag = "iot",
    request_body(content = ReadingsPayload, description = "One reading, or an array of readings",
        example = json!({"device_mac": "AA:BB:CC:DD:EE:01", "data": {"heart_rate": 75, "spo2": 97}})),
    security(("bearer" = [])),
    responses((status = 201, body = IngestReceipt), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn ingest(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<IngestReceipt>), ApiError> {
    let readings = state
        .services
        .devices
        .readings_from(device, &body, Timestamp::now())
        .await?;
    let stored = state.services.vitals.ingest(device, readings).await?;
    Ok((StatusCode::CREATED, Json(IngestReceipt { stored })))
}

/// Seed 001's name for the same ingest as `POST /api/iot/data/`.
#[utoipa::path(post, path = "/api/iot/donnees/", tag = "iot",
    request_body(content = ReadingsPayload, description = "One reading, or an array of readings",
        example = json!({"type_donnee": "spo2", "valeur": 97, "unite": "%"})),
    security(("bearer" = [])),
    responses((status = 201, body = IngestReceipt), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn add(
    state: State<AppState>,
    device: DeviceAuth,
    body: ApiJson<Value>,
) -> Result<(StatusCode, Json<IngestReceipt>), ApiError> {
    ingest(state, device, body).await
}

/// Which readings to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadingFilter {
    /// The patient (account id); a patient's own by default.
    #[param(minimum = 1)]
    pub patient_id: Option<i64>,
    /// One vital only.
    #[param(value_type = Option<Vital>)]
    pub type_donnee: Option<String>,
    /// One device only.
    #[param(minimum = 1)]
    pub dispositif: Option<i64>,
    /// Start (RFC 3339), default 24 hours before `to`.
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// End (RFC 3339, excluded), default now.
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// An optional instant of the query string: absent is `None`; present, it
/// must be one (an empty `to=` is an error, not "now").
fn instant(field: &'static str, raw: &Option<String>) -> Result<Option<Timestamp>, ApiError> {
    match raw.as_deref() {
        Some(raw) => Ok(Some(parse_instant(field, raw)?)),
        None => Ok(None),
    }
}

/// Readings of a patient, newest first; the read is recorded.
#[utoipa::path(get, path = "/api/iot/donnees/", tag = "iot", params(ReadingFilter), security(("bearer" = [])),
    responses((status = 200, body = Page<Reading>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<ReadingFilter>,
) -> Result<Json<Page<Reading>>, ApiError> {
    // `?type_donnee=` names no vital: refused, not read as "every vital".
    crate::rest::medical::no_blank(&[("type_donnee", &filter.type_donnee)])?;
    let query = ReadingQuery {
        patient: filter.patient_id,
        vital: filter.type_donnee,
        device: filter.dispositif,
        from: instant("from", &filter.from)?,
        to: instant("to", &filter.to)?,
        page: filter.page,
        per_page: filter.per_page,
    };
    Ok(Json(state.services.vitals.list(&principal, &query).await?))
}

/// A patient and a period.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodFilter {
    /// The patient (account id); a patient's own by default.
    #[param(minimum = 1)]
    pub patient_id: Option<i64>,
    /// Start (RFC 3339), default 24 hours before `to`.
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// End (RFC 3339, excluded), default now.
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
}

/// Minimum, maximum, mean, count and last value per vital over a period
/// (whole minutes); the read is recorded.
#[utoipa::path(get, path = "/api/iot/donnees/statistics/", tag = "iot", params(PeriodFilter), security(("bearer" = [])),
    responses((status = 200, body = [VitalStatistics]), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn statistics(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<PeriodFilter>,
) -> Result<Json<Vec<VitalStatistics>>, ApiError> {
    let from = instant("from", &filter.from)?;
    let to = instant("to", &filter.to)?;
    Ok(Json(
        state
            .services
            .vitals
            .statistics(&principal, filter.patient_id, from, to)
            .await?,
    ))
}

/// A patient.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatientFilter {
    /// The patient (account id); a patient's own by default.
    #[param(minimum = 1)]
    pub patient_id: Option<i64>,
}

/// Readings of the last minute, newest first (for clients that poll rather
/// than hold a socket); the read is recorded.
#[utoipa::path(get, path = "/api/iot/donnees/real-time/", tag = "iot", params(PatientFilter), security(("bearer" = [])),
    responses((status = 200, body = Page<Reading>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn real_time(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<PatientFilter>,
) -> Result<Json<Page<Reading>>, ApiError> {
    let now = Timestamp::now();
    let query = ReadingQuery {
        patient: filter.patient_id,
        from: now.checked_sub(SignedDuration::from_secs(60)).ok(),
        to: Some(now),
        per_page: Some(500),
        ..ReadingQuery::default()
    };
    Ok(Json(state.services.vitals.list(&principal, &query).await?))
}

/// The latest value of each vital of a patient, shaped as seed 004's clients
/// merge it: `{"spo2": {"valeur": 97, "unite": "%", "timestamp": …}, …}`.
#[utoipa::path(get, path = "/api/iot/donnees/latest_data/", tag = "iot", params(PatientFilter), security(("bearer" = [])),
    responses((status = 200, body = BTreeMap<String, LatestValue>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn latest_data(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<PatientFilter>,
) -> Result<Json<BTreeMap<String, LatestValue>>, ApiError> {
    let patient = match (principal.role, filter.patient_id) {
        (_, Some(id)) => id,
        (domain::accounts::Role::Patient, None) => principal.user_id,
        _ => {
            return Err(ApiError(domain::DomainError::invalid(
                "patient_id",
                "required",
                "patient_id requis",
            )));
        }
    };
    Ok(Json(
        state.services.vitals.latest(&principal, patient).await?,
    ))
}

/// A patient's NEWS2.
#[derive(Serialize, ToSchema)]
pub struct News2Answer {
    pub patient: i64,
    /// `null` when nothing NEWS2 reads was measured in the last 12 hours.
    pub news2: Option<News2>,
}

/// The patient's NEWS2 (Royal College of Physicians, 2017) from their latest
/// readings: score, clinical risk, each parameter's part, and the parameters
/// not measured (then the score is a lower bound); the read is recorded.
#[utoipa::path(get, path = "/api/iot/donnees/news2/", tag = "iot", params(PatientFilter), security(("bearer" = [])),
    responses((status = 200, body = News2Answer), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn news2(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<PatientFilter>,
) -> Result<Json<News2Answer>, ApiError> {
    let (patient, news2) = state
        .services
        .vitals
        .news2(&principal, filter.patient_id)
        .await?;
    Ok(Json(News2Answer { patient, news2 }))
}
