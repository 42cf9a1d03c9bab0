//! Accounts over REST: patient sign-up, the caller's account, and account
//! administration.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::accounts::{Role, SignUpForm, User, UserId};
use domain::services::accounts::NewStaff;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/register/", post(register))
        .route("/api/v1/auth/me/", get(me))
        .route("/api/v1/users/", get(list).post(create_staff))
        .route("/api/v1/users/{id}/", get(one))
        .route("/api/v1/users/{id}/deactivate/", post(deactivate))
        .route("/api/v1/users/{id}/reactivate/", post(reactivate))
}

/// An account as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// `patient`, `doctor` or `admin`.
    pub role: String,
    pub is_active: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl From<User> for UserBody {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            username: user.username,
            email: user.email,
            first_name: user.first_name,
            last_name: user.last_name,
            role: user.role.as_str().into(),
            is_active: user.active,
            created_at: user.created_at,
        }
    }
}

/// A new patient account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    /// 3–30 letters, digits, `.`, `_` or `-` (stored in lower case).
    #[schema(pattern = r"^\s*[A-Za-z0-9._-]{3,30}\s*$", example = "camille.roux")]
    pub username: String,
    #[schema(format = Email, max_length = 254, example = "camille.roux@example.fr")]
    pub email: String,
    /// 10–128 characters, not containing the username.
    #[schema(min_length = 10, max_length = 128, example = "une-phrase-de-passe")]
    pub password: String,
    #[schema(pattern = r"\S", max_length = 100, example = "Camille")]
    pub first_name: String,
    #[schema(pattern = r"\S", max_length = 100, example = "Roux")]
    pub last_name: String,
}

impl From<RegisterRequest> for SignUpForm {
    fn from(r: RegisterRequest) -> Self {
        Self {
            username: r.username,
            email: r.email,
            password: r.password,
            first_name: r.first_name,
            last_name: r.last_name,
        }
    }
}

/// A new doctor or administrator account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewStaffRequest {
    /// `patient`, `doctor` or `admin`.
    #[schema(pattern = "^(patient|doctor|admin)$", example = "doctor")]
    pub role: String,
    #[serde(flatten)]
    #[schema(inline)]
    pub account: RegisterRequest,
    /// Specialty code, for doctors (see `/api/v1/specialties/`).
    #[serde(default)]
    #[schema(example = "cardiology")]
    pub specialty: Option<String>,
    /// IANA time zone of a doctor's availability (default `Europe/Paris`).
    #[serde(default)]
    #[schema(example = "Europe/Paris")]
    pub timezone: Option<String>,
}

/// Filter of the account list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `patient`, `doctor` or `admin`.
    #[param(pattern = "^(patient|doctor|admin)$")]
    pub role: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Accounts to skip (default 0).
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<i64>,
}

/// Create a patient account.
#[utoipa::path(post, path = "/api/v1/auth/register/", tag = "accounts", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = UserBody),
        (status = 400, description = "A field is invalid; `field` names it", body = ErrorBody),
        (status = 409, description = "Username or e-mail taken", body = ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    let user = state.services.accounts.sign_up(&body.into()).await?;
    Ok((StatusCode::CREATED, Json(UserBody::from(user))).into_response())
}

/// The caller's account.
#[utoipa::path(get, path = "/api/v1/auth/me/", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserBody), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<UserBody>, ApiError> {
    Ok(Json(state.services.accounts.me(&principal).await?.into()))
}

/// List accounts (administrators).
#[utoipa::path(get, path = "/api/v1/users/", tag = "accounts", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = [UserBody]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<UserBody>>, ApiError> {
    let role = query.role.as_deref().map(Role::parse).transpose()?;
    let users = state
        .services
        .accounts
        .list(
            &principal,
            role,
            query.limit.unwrap_or(50),
            query.offset.unwrap_or(0),
        )
        .await?;
    Ok(Json(users.into_iter().map(Into::into).collect()))
}

/// Create an account of any role (administrators): a patient who cannot sign up alone, a doctor, an administrator.
#[utoipa::path(post, path = "/api/v1/users/", tag = "accounts", request_body = NewStaffRequest, security(("bearer" = [])),
    responses(
        (status = 201, body = UserBody),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
pub async fn create_staff(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<NewStaffRequest>,
) -> Result<Response, ApiError> {
    let new = NewStaff {
        role: body.role,
        form: body.account.into(),
        specialty: body.specialty,
        timezone: body.timezone,
    };
    let user = state
        .services
        .accounts
        .create_staff(&principal, &new)
        .await?;
    Ok((StatusCode::CREATED, Json(UserBody::from(user))).into_response())
}

/// One account: one's own, or any for an administrator.
#[utoipa::path(get, path = "/api/v1/users/{id}/", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1, description = "Account id")),
    responses((status = 200, body = UserBody), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<UserBody>, ApiError> {
    Ok(Json(
        state.services.accounts.get(&principal, id).await?.into(),
    ))
}

/// Deactivate an account and end its sessions (administrators).
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate/", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1, description = "Account id")),
    responses((status = 200, body = UserBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn deactivate(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<UserBody>, ApiError> {
    Ok(Json(
        state
            .services
            .accounts
            .deactivate(&principal, id)
            .await?
            .into(),
    ))
}

/// Reactivate a deactivated account (administrators); its owner signs in again.
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate/", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1, description = "Account id")),
    responses((status = 200, body = UserBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reactivate(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<UserBody>, ApiError> {
    Ok(Json(
        state
            .services
            .accounts
            .reactivate(&principal, id)
            .await?
            .into(),
    ))
}
