//! Messages outside the portals over REST: each person's channels and quiet
//! hours and what was sent to them; for doctors (their patients) and
//! administrators (everyone), the outbox and the webhook log with filters.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::messaging::{
    Channel, OutboundMessage, OutboundStatus, Preferences, WebhookEvent, WebhookKind, WebhookStatus,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/messages/preferences/",
            get(preferences).put(set_preferences),
        )
        .route("/api/v1/messages/mine/", get(mine))
        .route("/api/v1/messages/outbound/", get(outbound))
        .route("/api/v1/webhooks/events/", get(events))
}

/// The caller's channels and quiet hours.
#[utoipa::path(get, path = "/api/v1/messages/preferences/", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = Preferences)))]
pub async fn preferences(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Preferences>, ApiError> {
    Ok(Json(
        state.services.messaging.preferences(&principal).await?,
    ))
}

/// Sets the caller's channels and quiet hours (`HH:MM` in their time zone;
/// both or neither).
#[utoipa::path(put, path = "/api/v1/messages/preferences/", tag = "messages", security(("bearer" = [])),
    request_body = Preferences,
    responses((status = 200, body = Preferences), (status = 400, body = ErrorBody)))]
pub async fn set_preferences(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<Preferences>,
) -> Result<Json<Preferences>, ApiError> {
    Ok(Json(
        state
            .services
            .messaging
            .set_preferences(&principal, body)
            .await?,
    ))
}

/// What was sent to the caller by SMS, WhatsApp and e-mail, newest first.
#[utoipa::path(get, path = "/api/v1/messages/mine/", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = [OutboundMessage])))]
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<OutboundMessage>>, ApiError> {
    Ok(Json(state.services.messaging.sent_to_me(&principal).await?))
}

/// Filters of the outbox.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct OutboundQuery {
    pub status: Option<OutboundStatus>,
    pub channel: Option<Channel>,
}

/// Messages sent outside the portals (doctors: to themselves and their
/// patients; administrators: all), newest first.
#[utoipa::path(get, path = "/api/v1/messages/outbound/", tag = "messages", security(("bearer" = [])),
    params(OutboundQuery),
    responses((status = 200, body = [OutboundMessage]), (status = 403, body = ErrorBody)))]
pub async fn outbound(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(q): ApiQuery<OutboundQuery>,
) -> Result<Json<Vec<OutboundMessage>>, ApiError> {
    Ok(Json(
        state
            .services
            .messaging
            .outbound(&principal, q.status, q.channel)
            .await?,
    ))
}

/// Filters of the webhook log.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    pub status: Option<WebhookStatus>,
    pub event_type: Option<WebhookKind>,
}

/// The webhook log (seed 003's WebhookEvent; doctors: their patients'
/// events; administrators: all), newest first. The message text stays in
/// the record's thread: the log gives its length.
#[utoipa::path(get, path = "/api/v1/webhooks/events/", tag = "webhooks", security(("bearer" = [])),
    params(EventQuery),
    responses((status = 200, body = [WebhookEvent]), (status = 403, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Json<Vec<WebhookEvent>>, ApiError> {
    Ok(Json(
        state
            .services
            .messaging
            .webhook_log(&principal, q.status, q.event_type)
            .await?,
    ))
}
