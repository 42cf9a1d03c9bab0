//! Open WebSockets of every instance (`/api/iot/sessions/`, seed 001), for
//! administrators.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::paging::Page;
use domain::sockets::LiveSocket;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::authn::CurrentUser;
use crate::extract::ApiQuery;
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/iot/sessions/", get(all))
        .route("/api/iot/sessions/active/", get(active))
}

/// Which page.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionPage {
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// Every recorded socket (user or device, room, address, connected since,
/// last activity), newest first; rows of an instance that died linger until
/// housekeeping purges them. Administrators.
#[utoipa::path(get, path = "/api/iot/sessions/", tag = "iot", params(SessionPage), security(("bearer" = [])),
    responses((status = 200, body = Page<LiveSocket>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn all(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(page): ApiQuery<SessionPage>,
) -> Result<Json<Page<LiveSocket>>, ApiError> {
    Ok(Json(
        state
            .services
            .sockets
            .list(&principal, false, page.page, page.per_page)
            .await?,
    ))
}

/// Sockets heard from in the last 90 seconds (three heartbeats).
#[utoipa::path(get, path = "/api/iot/sessions/active/", tag = "iot", params(SessionPage), security(("bearer" = [])),
    responses((status = 200, body = Page<LiveSocket>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn active(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(page): ApiQuery<SessionPage>,
) -> Result<Json<Page<LiveSocket>>, ApiError> {
    Ok(Json(
        state
            .services
            .sockets
            .list(&principal, true, page.page, page.per_page)
            .await?,
    ))
}
