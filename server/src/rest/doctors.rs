//! `GET /api/doctors/`: the doctors' directory, in the shape existing clients
//! read (seed API), with optional filters.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use domain::store::specialties::DoctorListing;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::authn::CurrentUser;
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/doctors/", get(list))
}

/// A doctor in the directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoctorBody {
    pub id: i64,
    /// "Dr. First Last".
    pub name: String,
    pub email: String,
    /// The specialty's French name (empty when none is set).
    pub speciality: String,
    /// The specialty's code (`cardiology`), when set.
    pub speciality_code: Option<String>,
}

impl From<DoctorListing> for DoctorBody {
    fn from(d: DoctorListing) -> Self {
        Self {
            id: d.id,
            name: format!("Dr. {} {}", d.first_name, d.last_name),
            email: d.email,
            speciality: d
                .specialty
                .as_ref()
                .map(|s| s.name_fr.clone())
                .unwrap_or_default(),
            speciality_code: d.specialty.map(|s| s.code),
        }
    }
}

/// Directory filters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DoctorFilter {
    /// Specialty code (see `/api/v1/specialties/`).
    pub specialty: Option<String>,
    /// Part of the doctor's name.
    pub q: Option<String>,
}

/// Active doctors, by last name.
#[utoipa::path(get, path = "/api/doctors/", tag = "scheduling", params(DoctorFilter), security(("bearer" = [])),
    responses((status = 200, body = [DoctorBody]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(_caller): CurrentUser,
    Query(filter): Query<DoctorFilter>,
) -> Result<Json<Vec<DoctorBody>>, ApiError> {
    let doctors = state
        .services
        .scheduling
        .doctors(filter.specialty.as_deref(), filter.q.as_deref())
        .await?;
    Ok(Json(doctors.into_iter().map(Into::into).collect()))
}
