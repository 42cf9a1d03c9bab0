//! Medical specialties: anyone reads them, administrators manage them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use domain::accounts::Specialty;
use domain::doctors::SpecialtyForm;
use serde::Serialize;
use utoipa::ToSchema;

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/specialties/", get(specialties).post(create))
        .route("/api/v1/specialties/{id}/", put(update).delete(remove))
}

/// A medical specialty.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecialtyBody {
    pub id: i64,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
}

impl From<Specialty> for SpecialtyBody {
    fn from(s: Specialty) -> Self {
        Self {
            id: s.id,
            code: s.code,
            name_fr: s.name_fr,
            name_en: s.name_en,
        }
    }
}

/// Medical specialties, by French name.
#[utoipa::path(get, path = "/api/v1/specialties/", tag = "accounts",
    responses((status = 200, body = [SpecialtyBody])))]
pub async fn specialties(
    State(state): State<AppState>,
) -> Result<Json<Vec<SpecialtyBody>>, ApiError> {
    Ok(Json(
        state
            .services
            .accounts
            .specialties()
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Add a specialty (administrators). 409 `code_taken` for a code in use.
#[utoipa::path(post, path = "/api/v1/specialties/", tag = "accounts", request_body = SpecialtyForm, security(("bearer" = [])),
    responses((status = 201, body = SpecialtyBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(form): ApiJson<SpecialtyForm>,
) -> Result<(StatusCode, Json<SpecialtyBody>), ApiError> {
    let created = state
        .services
        .directory
        .add_specialty(&principal, &form)
        .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Rename a specialty (administrators).
#[utoipa::path(put, path = "/api/v1/specialties/{id}/", tag = "accounts", request_body = SpecialtyForm, params(("id" = i64, Path, minimum = 1)), security(("bearer" = [])),
    responses((status = 200, body = SpecialtyBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<SpecialtyForm>,
) -> Result<Json<SpecialtyBody>, ApiError> {
    let updated = state
        .services
        .directory
        .update_specialty(&principal, id, &form)
        .await?;
    Ok(Json(updated.into()))
}

/// Remove a specialty no doctor practises (administrators); 409
/// `specialty_in_use` otherwise.
#[utoipa::path(delete, path = "/api/v1/specialties/{id}/", tag = "accounts", params(("id" = i64, Path, minimum = 1)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .directory
        .delete_specialty(&principal, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
