//! The doctors' directory: `GET /api/doctors/` in the shape existing clients
//! read (seed API); `GET /api/v1/doctors/` searches with profiles and each
//! doctor's next free slot; doctors edit their profile at `/api/v1/profile/`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::doctors::ProfileForm;
use domain::scheduling::ConsultationType;
use domain::services::directory::DoctorSearch;
use domain::store::doctors::DoctorListing;
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
        .route("/api/doctors/", get(list))
        .route("/api/v1/doctors/", get(search))
        .route("/api/v1/doctors/{id}/", get(one))
        .route("/api/v1/profile/", get(my_profile).patch(update_profile))
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
#[into_params(parameter_in = Query)]
pub struct DoctorFilter {
    /// Specialty code (see `/api/v1/specialties/`).
    #[param(example = "cardiology")]
    pub specialty: Option<String>,
    /// Part of the doctor's name.
    #[param(max_length = 100, example = "Dupont")]
    pub q: Option<String>,
}

/// Active doctors, by last name.
#[utoipa::path(get, path = "/api/doctors/", tag = "scheduling", params(DoctorFilter), security(("bearer" = [])),
    responses((status = 200, body = [DoctorBody]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(_caller): CurrentUser,
    ApiQuery(filter): ApiQuery<DoctorFilter>,
) -> Result<Json<Vec<DoctorBody>>, ApiError> {
    let search = DoctorSearch {
        specialty: filter.specialty,
        name: filter.q,
        ..DoctorSearch::default()
    };
    let doctors = state.services.directory.doctors(&search).await?;
    Ok(Json(doctors.into_iter().map(Into::into).collect()))
}

/// A doctor's public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileBody {
    pub id: i64,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub specialty: Option<crate::rest::specialties::SpecialtyBody>,
    pub bio: String,
    /// E.164.
    pub phone: String,
    pub address: String,
    pub languages: Vec<String>,
    /// IANA time zone of the doctor's calendar.
    pub timezone: String,
    pub offers_in_person: bool,
    pub offers_remote: bool,
}

impl From<DoctorListing> for ProfileBody {
    fn from(d: DoctorListing) -> Self {
        Self {
            id: d.id,
            username: d.username,
            first_name: d.first_name,
            last_name: d.last_name,
            email: d.email,
            specialty: d.specialty.map(Into::into),
            bio: d.bio,
            phone: d.phone,
            address: d.address,
            languages: d.languages,
            timezone: d.timezone,
            offers_in_person: d.offers_in_person,
            offers_remote: d.offers_remote,
        }
    }
}

/// A doctor found, with their next free slot within four weeks.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoctorMatchBody {
    #[serde(flatten)]
    pub profile: ProfileBody,
    /// Start of the next free slot (RFC 3339), if any within four weeks.
    pub next_free: Option<String>,
}

/// Search filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Specialty code.
    #[param(example = "general")]
    pub specialty: Option<String>,
    /// Part of the doctor's name.
    #[param(max_length = 100, example = "Dupont")]
    pub q: Option<String>,
    /// `in_person` or `remote`.
    #[param(value_type = Option<ConsultationKind>)]
    pub consultation_type: Option<String>,
    /// Only doctors with a free slot on or before this day.
    #[param(value_type = Option<Day>)]
    pub available_by: Option<String>,
}

/// Search doctors (anyone signed in). With `available_by`, soonest first.
#[utoipa::path(get, path = "/api/v1/doctors/", tag = "scheduling", params(SearchQuery), security(("bearer" = [])),
    responses((status = 200, body = [DoctorMatchBody]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    CurrentUser(_caller): CurrentUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<DoctorMatchBody>>, ApiError> {
    let consultation_type = query
        .consultation_type
        .as_deref()
        .map(|k| ConsultationType::parse("consultation_type", k))
        .transpose()?;
    let available_by = query
        .available_by
        .as_deref()
        .map(|d| domain::bounds::parse_date("available_by", d))
        .transpose()?;
    let search = DoctorSearch {
        specialty: query.specialty,
        name: query.q,
        consultation_type,
        available_by,
    };
    let found = state
        .services
        .directory
        .search(&search, Timestamp::now())
        .await?;
    Ok(Json(
        found
            .into_iter()
            .map(|m| DoctorMatchBody {
                next_free: m.next_free.map(|f| f.slot.starts_at.to_string()),
                profile: m.doctor.into(),
            })
            .collect(),
    ))
}

/// One doctor's profile (anyone signed in).
#[utoipa::path(get, path = "/api/v1/doctors/{id}/", tag = "scheduling", params(("id" = i64, Path, minimum = 1)), security(("bearer" = [])),
    responses((status = 200, body = ProfileBody), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(_caller): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ProfileBody>, ApiError> {
    Ok(Json(state.services.directory.doctor(id).await?.into()))
}

/// The calling doctor's profile.
#[utoipa::path(get, path = "/api/v1/profile/", tag = "scheduling", security(("bearer" = [])),
    responses((status = 200, body = ProfileBody), (status = 403, body = ErrorBody)))]
pub async fn my_profile(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<ProfileBody>, ApiError> {
    Ok(Json(
        state
            .services
            .directory
            .my_profile(&principal)
            .await?
            .into(),
    ))
}

/// Change the calling doctor's profile (fields given only).
#[utoipa::path(patch, path = "/api/v1/profile/", tag = "scheduling", request_body = ProfileForm, security(("bearer" = [])),
    responses((status = 200, body = ProfileBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update_profile(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(form): ApiJson<ProfileForm>,
) -> Result<Json<ProfileBody>, ApiError> {
    Ok(Json(
        state
            .services
            .directory
            .update_profile(&principal, &form)
            .await?
            .into(),
    ))
}
