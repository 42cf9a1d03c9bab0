//! The platform's settings over REST (administrators): read them with their
//! history, change some of them. A change applies on every instance at once.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::settings::{SettingsPage, SettingsPatch};

use crate::authn::CurrentUser;
use crate::extract::ApiJson;
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/settings/", get(read).patch(change))
}

/// The settings in force, their version and the latest changes (who, when,
/// before and after).
#[utoipa::path(get, path = "/api/v1/settings/", tag = "operations", security(("bearer" = [])),
    responses((status = 200, body = SettingsPage), (status = 403, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<SettingsPage>, ApiError> {
    Ok(Json(state.services.settings.page(&principal).await?))
}

/// Changes the settings named in the body (the others stay): checked
/// together, the first bad one named; saved with a line of history per field
/// changed; applied on every instance.
#[utoipa::path(patch, path = "/api/v1/settings/", tag = "operations", request_body = SettingsPatch, security(("bearer" = [])),
    responses((status = 200, body = SettingsPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Saved by someone else meanwhile", body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(patch): ApiJson<SettingsPatch>,
) -> Result<Json<SettingsPage>, ApiError> {
    Ok(Json(
        state.services.settings.update(&principal, &patch).await?,
    ))
}
