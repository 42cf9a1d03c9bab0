//! Account settings over REST: a person changes their own names, e-mail,
//! language, time zone and password; administrators change any account and
//! issue one-time password reset links, which their owners use signed out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{patch, post};
use axum::{Json, Router};
use domain::accounts::{AccountChanges, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::UserBody;
use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/me/settings/", patch(update_me))
        .route("/api/v1/auth/password/", post(change_password))
        .route("/api/v1/auth/password-reset/", post(reset_password))
        .route("/api/v1/users/{id}/settings/", patch(update_account))
        .route("/api/v1/users/{id}/password-reset/", post(issue_reset))
}

/// An account's names, e-mail, language and time zone.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SettingsRequest {
    #[schema(pattern = r"\S", max_length = 100, example = "Camille")]
    pub first_name: String,
    #[schema(pattern = r"\S", max_length = 100, example = "Roux")]
    pub last_name: String,
    #[schema(format = Email, max_length = 254, example = "camille.roux@example.fr")]
    pub email: String,
    /// `fr`, `en`, or empty for the browser's choice.
    #[serde(default)]
    #[schema(pattern = "^(fr|en)?$", example = "fr")]
    pub language: String,
    /// An IANA time zone, or empty for the browser's.
    #[serde(default)]
    #[schema(max_length = 64, example = "Europe/Paris")]
    pub timezone: String,
}

impl From<SettingsRequest> for AccountChanges {
    fn from(r: SettingsRequest) -> Self {
        Self {
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            language: r.language,
            timezone: r.timezone,
        }
    }
}

/// Change the caller's names, e-mail, language and time zone.
#[utoipa::path(patch, path = "/api/v1/auth/me/settings/", tag = "accounts", security(("bearer" = [])),
    request_body = SettingsRequest,
    responses((status = 200, body = UserBody), (status = 400, body = ErrorBody), (status = 409, description = "E-mail taken", body = ErrorBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<SettingsRequest>,
) -> Result<Json<UserBody>, ApiError> {
    let changes = AccountChanges::from(body);
    Ok(Json(
        state
            .services
            .accounts
            .update_me(&principal, &changes)
            .await?
            .into(),
    ))
}

/// A password change: the current one, then the new one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordRequest {
    #[schema(max_length = 128)]
    pub current_password: String,
    /// 10–128 characters, not containing the username.
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// Change the caller's password; every other session of the account is signed out.
#[utoipa::path(post, path = "/api/v1/auth/password/", tag = "accounts", security(("bearer" = [])),
    request_body = PasswordRequest,
    responses((status = 204, description = "Changed; other sessions signed out"), (status = 400, description = "Wrong current password or weak new one; `field` names it", body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<PasswordRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .accounts
        .change_password(&principal, &body.current_password, &body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change any account's names, e-mail, language and time zone (administrators).
#[utoipa::path(patch, path = "/api/v1/users/{id}/settings/", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1, description = "Account id")),
    request_body = SettingsRequest,
    responses((status = 200, body = UserBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update_account(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<SettingsRequest>,
) -> Result<Json<UserBody>, ApiError> {
    let changes = AccountChanges::from(body);
    Ok(Json(
        state
            .services
            .accounts
            .update_account(&principal, id, &changes)
            .await?
            .into(),
    ))
}

/// A one-time password reset link, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetLinkBody {
    /// The token (only its hash is kept).
    pub token: String,
    /// The page its owner opens, signed out.
    #[schema(example = "/reset-password?token=…")]
    pub path: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
}

/// Issue a one-time password reset link for an account (administrators); it
/// works once, for an hour, and replaces any earlier unused link.
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset/", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1, description = "Account id")),
    responses((status = 201, body = ResetLinkBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn issue_reset(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<UserId>,
) -> Result<(StatusCode, Json<ResetLinkBody>), ApiError> {
    let reset = state
        .services
        .accounts
        .issue_password_reset(&principal, id, jiff::Timestamp::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ResetLinkBody {
            path: format!("/reset-password?token={}", reset.token),
            token: reset.token,
            expires_at: reset.expires_at.to_string(),
        }),
    ))
}

/// A new password chosen through a reset link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetRequest {
    #[schema(max_length = 200)]
    pub token: String,
    /// 10–128 characters, not containing the username.
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// Choose a new password through a reset link (no sign-in); every session of
/// the account is signed out.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/", tag = "accounts",
    request_body = ResetRequest,
    responses((status = 204, description = "Changed; sign in with it"), (status = 400, description = "Unknown, used or expired link, or a weak password", body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .accounts
        .reset_password(&body.token, &body.new_password, jiff::Timestamp::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
