//! The patient–doctor chat over REST, for clients that do not hold a
//! socket: the reader's rooms, a page of a room's history, and sending. The
//! live conversation is `ws/chat/<room>/`; a message sent here reaches it
//! too.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::chat::{ChatMessage, ChatRoom, History};
use domain::consultations::NewText;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/chat/rooms/", get(rooms))
        .route("/api/v1/chat/rooms/{id}/messages/", get(history).post(post))
}

/// The reader's rooms (patients and doctors), latest activity first, with
/// unread counts; a room is made for each running care relationship.
#[utoipa::path(get, path = "/api/v1/chat/rooms/", tag = "clinical", security(("bearer" = [])),
    responses((status = 200, body = [ChatRoom]), (status = 403, body = ErrorBody)))]
pub async fn rooms(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<ChatRoom>>, ApiError> {
    Ok(Json(state.services.chat.rooms(&principal).await?))
}

/// Which page of history.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Messages before this message id (default: the latest).
    #[param(minimum = 1)]
    pub before: Option<i64>,
}

/// A page of the room's history, oldest first (a read in the trail).
#[utoipa::path(get, path = "/api/v1/chat/rooms/{id}/messages/", tag = "clinical",
    params(("id" = i64, Path, minimum = 1), HistoryQuery), security(("bearer" = [])),
    responses((status = 200, body = History), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<History>, ApiError> {
    Ok(Json(
        state
            .services
            .chat
            .history(&principal, id, query.before)
            .await?,
    ))
}

/// Sends a message in the room: stored, then delivered live.
#[utoipa::path(post, path = "/api/v1/chat/rooms/{id}/messages/", tag = "clinical",
    params(("id" = i64, Path, minimum = 1)), request_body = NewText, security(("bearer" = [])),
    responses((status = 201, body = ChatMessage), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Care ended: read-only", body = ErrorBody)))]
pub async fn post(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(text): ApiJson<NewText>,
) -> Result<(StatusCode, Json<ChatMessage>), ApiError> {
    let body = text.body.as_deref().unwrap_or_default();
    let message = state.services.chat.post(&principal, id, body).await?;
    Ok((StatusCode::CREATED, Json(message)))
}
