//! Medical data over REST: patients' medical profiles, care relationships,
//! emergency access, and the access trail. Every handler calls one service;
//! the medical-data policy and the trail live in the domain.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::care::{CareRelationship, EmergencyGrant, EmergencyRequest, NewCareRelationship};
use domain::medical::{MedicalProfile, MedicalProfileForm};
use domain::services::trail::filter_of;
use domain::trail::{TrailEntry, TrailPage, TrailQuery};
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
        .route(
            "/api/v1/patients/{id}/profile/",
            get(profile).put(save_profile),
        )
        .route("/api/v1/patients/{id}/care-team/", get(care_team))
        .route("/api/v1/patients/{id}/emergency-access/", post(break_glass))
        .route(
            "/api/v1/care-relationships/",
            get(relationships).post(assign),
        )
        .route("/api/v1/care-relationships/{id}/end/", post(end))
        .route("/api/v1/me/access-trail/", get(my_trail))
        .route("/api/v1/audit/trail/", get(search_trail))
        .route("/api/v1/audit/trail.csv", get(export_trail))
}

/// A patient's medical profile: the patient themself, a doctor of their care
/// team or under emergency access. The read is written to the access trail.
#[utoipa::path(get, path = "/api/v1/patients/{id}/profile/", tag = "medical", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])),
    responses((status = 200, body = MedicalProfile), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn profile(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MedicalProfile>, ApiError> {
    Ok(Json(state.services.profiles.profile(&principal, id).await?))
}

/// The patient saves their whole medical profile (a field left out is
/// cleared).
#[utoipa::path(put, path = "/api/v1/patients/{id}/profile/", tag = "medical", params(("id" = i64, Path, minimum = 1)),
    request_body = MedicalProfileForm, security(("bearer" = [])),
    responses((status = 200, body = MedicalProfile), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn save_profile(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<MedicalProfileForm>,
) -> Result<Json<MedicalProfile>, ApiError> {
    let profile = state
        .services
        .profiles
        .save(&principal, id, &form, Timestamp::now())
        .await?;
    Ok(Json(profile))
}

/// Whether to list ended relationships too.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamFilter {
    /// Include ended relationships (default: only running ones).
    pub with_ended: Option<bool>,
}

/// A patient's care team: the patient, a doctor of the team, or an
/// administrator.
#[utoipa::path(get, path = "/api/v1/patients/{id}/care-team/", tag = "medical",
    params(("id" = i64, Path, minimum = 1), TeamFilter), security(("bearer" = [])),
    responses((status = 200, body = [CareRelationship]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn care_team(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(filter): ApiQuery<TeamFilter>,
) -> Result<Json<Vec<CareRelationship>>, ApiError> {
    let team = state
        .services
        .care
        .team(&principal, id, filter.with_ended.unwrap_or(false))
        .await?;
    Ok(Json(team))
}

/// A doctor outside the care team opens emergency access ("break the
/// glass"): granted for an hour, flagged in the trail, the patient notified.
#[utoipa::path(post, path = "/api/v1/patients/{id}/emergency-access/", tag = "medical",
    params(("id" = i64, Path, minimum = 1)), request_body = EmergencyRequest, security(("bearer" = [])),
    responses((status = 201, body = EmergencyGrant), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn break_glass(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<EmergencyRequest>,
) -> Result<(StatusCode, Json<EmergencyGrant>), ApiError> {
    let grant = state
        .services
        .care
        .break_glass(&principal, id, &body.reason, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(grant)))
}

/// Which relationships to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelationshipFilter {
    /// Administrators: only this patient's.
    #[param(minimum = 1)]
    pub patient_id: Option<i64>,
    /// Administrators: only this doctor's.
    #[param(minimum = 1)]
    pub doctor_id: Option<i64>,
    /// Include ended relationships (default: only running ones).
    pub with_ended: Option<bool>,
}

/// Care relationships: a doctor's patients, a patient's care team, or any
/// (administrators, filtered by patient or doctor).
#[utoipa::path(get, path = "/api/v1/care-relationships/", tag = "medical", params(RelationshipFilter),
    security(("bearer" = [])), responses((status = 200, body = [CareRelationship]), (status = 404, body = ErrorBody)))]
pub async fn relationships(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<RelationshipFilter>,
) -> Result<Json<Vec<CareRelationship>>, ApiError> {
    for (field, id) in [
        ("patient_id", filter.patient_id),
        ("doctor_id", filter.doctor_id),
    ] {
        if id.is_some_and(|id| id < 1) {
            return Err(ApiError(domain::DomainError::invalid(
                field,
                "out_of_range",
                "must be 1 or more",
            )));
        }
    }
    let care = &state.services.care;
    let with_ended = filter.with_ended.unwrap_or(false);
    let list = match principal.role {
        domain::accounts::Role::Doctor => care.my_patients(&principal, with_ended).await?,
        domain::accounts::Role::Patient => {
            care.team(&principal, principal.user_id, with_ended).await?
        }
        domain::accounts::Role::Admin => {
            care.all(&principal, filter.patient_id, filter.doctor_id, with_ended)
                .await?
        }
    };
    Ok(Json(list))
}

/// An administrator assigns a doctor to a patient.
#[utoipa::path(post, path = "/api/v1/care-relationships/", tag = "medical", request_body = NewCareRelationship,
    security(("bearer" = [])),
    responses((status = 201, body = CareRelationship), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<NewCareRelationship>,
) -> Result<(StatusCode, Json<CareRelationship>), ApiError> {
    let relationship = state
        .services
        .care
        .assign(
            &principal,
            body.doctor_id,
            body.patient_id,
            Timestamp::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(relationship)))
}

/// The patient withdraws the doctor, or an administrator ends the
/// relationship; the doctor loses access on their next request.
#[utoipa::path(post, path = "/api/v1/care-relationships/{id}/end/", tag = "medical",
    params(("id" = i64, Path, minimum = 1)), security(("bearer" = [])),
    responses((status = 200, body = CareRelationship), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CareRelationship>, ApiError> {
    Ok(Json(
        state
            .services
            .care
            .end(&principal, id, Timestamp::now())
            .await?,
    ))
}

/// A page of the trail.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

/// Who saw my data: every access to the calling patient's medical data,
/// newest first.
#[utoipa::path(get, path = "/api/v1/me/access-trail/", tag = "medical", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = TrailPage), (status = 403, body = ErrorBody)))]
pub async fn my_trail(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<TrailPage>, ApiError> {
    paging(query.page, query.per_page)?;
    let page = state
        .services
        .trail
        .about_me(
            &principal,
            query.page.unwrap_or(1),
            query.per_page.unwrap_or(0),
        )
        .await?;
    Ok(Json(page))
}

/// Administrators search the whole access trail.
#[utoipa::path(get, path = "/api/v1/audit/trail/", tag = "medical", params(TrailQuery), security(("bearer" = [])),
    responses((status = 200, body = TrailPage), (status = 403, body = ErrorBody)))]
pub async fn search_trail(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<TrailQuery>,
) -> Result<Json<TrailPage>, ApiError> {
    strict(&query)?;
    let filter = filter_of(&query)?;
    let page = state
        .services
        .trail
        .search(
            &principal,
            &filter,
            query.page.unwrap_or(1),
            query.per_page.unwrap_or(0),
        )
        .await?;
    Ok(Json(page))
}

/// The REST door is strict where forms are lenient: a key sent empty is an
/// error (forms send empty fields for "any"), and `per_page` is at least 1
/// (the services read 0 as "the default").
fn strict(query: &TrailQuery) -> Result<(), ApiError> {
    no_blank(&[
        ("action", &query.action),
        ("door", &query.door),
        ("from", &query.from),
        ("to", &query.to),
    ])?;
    paging(query.page, query.per_page)
}

/// A query key sent empty is an error over REST (forms send empty fields
/// for "any"; the API leaves the key out).
pub(crate) fn no_blank(fields: &[(&'static str, &Option<String>)]) -> Result<(), ApiError> {
    let blank = |v: &Option<String>| v.as_deref().is_some_and(|v| v.trim().is_empty());
    match fields.iter().find(|(_, value)| blank(value)) {
        Some((field, _)) => Err(ApiError(domain::DomainError::invalid(
            field,
            "invalid",
            "must not be empty",
        ))),
        None => Ok(()),
    }
}

/// `page` in 1–1 000 000 and `per_page` in 1–200 when given (the download
/// checks them too, though it takes every matching entry).
fn paging(page: Option<i64>, per_page: Option<i64>) -> Result<(), ApiError> {
    let out = |field, range: std::ops::RangeInclusive<i64>, value: Option<i64>| {
        if value.is_some_and(|v| !range.contains(&v)) {
            return Err(ApiError(domain::DomainError::invalid(
                field,
                "out_of_range",
                format!("must be between {} and {}", range.start(), range.end()),
            )));
        }
        Ok(())
    };
    out("page", 1..=1_000_000, page)?;
    out("per_page", 1..=domain::trail::MAX_PER_PAGE, per_page)
}

/// Most rows one download holds.
const CSV_LIMIT: i64 = 100_000;

/// The matching entries as CSV (administrators; newest first, at most
/// 100 000 rows).
#[utoipa::path(get, path = "/api/v1/audit/trail.csv", tag = "medical", params(TrailQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
pub async fn export_trail(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<TrailQuery>,
) -> Result<Response, ApiError> {
    strict(&query)?;
    let filter = filter_of(&query)?;
    let entries = state
        .services
        .trail
        .export(&principal, &filter, CSV_LIMIT)
        .await?;
    let body = to_csv(&entries).map_err(|e| ApiError(domain::DomainError::internal(e)))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"access-trail.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The trail as CSV, one row per entry, times in RFC 3339 UTC.
pub fn to_csv(entries: &[TrailEntry]) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "seq",
        "at",
        "actor_id",
        "actor_name",
        "actor_role",
        "action",
        "resource",
        "resource_id",
        "patient_id",
        "patient_name",
        "door",
        "request_id",
        "allowed",
        "emergency",
        "reason",
    ])?;
    for e in entries {
        let at = Timestamp::from_millisecond(e.at)
            .map(|t| t.to_string())
            .unwrap_or_default();
        out.write_record([
            e.seq.to_string(),
            at,
            e.actor_id.map(|v| v.to_string()).unwrap_or_default(),
            e.actor_name.clone().unwrap_or_default(),
            e.actor_role
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            e.action.as_str().to_owned(),
            e.resource.as_str().to_owned(),
            e.resource_id.clone().unwrap_or_default(),
            e.patient_id.map(|v| v.to_string()).unwrap_or_default(),
            e.patient_name.clone().unwrap_or_default(),
            e.door.as_str().to_owned(),
            e.request_id.clone().unwrap_or_default(),
            e.allowed.to_string(),
            e.emergency.to_string(),
            e.reason.clone().unwrap_or_default(),
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
