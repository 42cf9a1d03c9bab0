//! `POST /api/token/` and `POST /api/token/refresh/`, as existing clients speak
//! them, plus sign-out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::authn::{Client, CurrentUser};
use crate::extract::ApiJson;
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/token/", post(obtain))
        .route("/api/token/refresh/", post(refresh))
        .route("/api/v1/auth/logout/", post(logout))
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Username (or e-mail address).
    #[schema(min_length = 1, max_length = 254, example = "marie")]
    pub username: String,
    #[schema(min_length = 1, max_length = 128, example = "rendez-vous-2026")]
    pub password: String,
}

/// A token pair. The refresh token is single-use: each refresh returns a new one.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPairBody {
    /// Access token (JWT, 5 minutes).
    pub access: String,
    /// Refresh token (JWT, 24 hours, rotated on every use).
    pub refresh: String,
}

/// A refresh token.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    /// The refresh token of the last pair.
    #[schema(
        min_length = 1,
        example = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"
    )]
    pub refresh: String,
}

fn required(value: String, field: &'static str) -> Result<String, Response> {
    match value {
        v if !v.is_empty() => Ok(v),
        _ => Err(ApiError::bad_request(
            "required",
            "this field is required",
            Some(field),
        )),
    }
}

/// Obtain a token pair.
#[utoipa::path(post, path = "/api/token/", tag = "auth", request_body = TokenRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPairBody),
        (status = 400, description = "A field is missing", body = ErrorBody),
        (status = 401, description = "Wrong credentials or deactivated account", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    ))]
pub async fn obtain(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Response {
    let (username, password) = match (
        required(body.username, "username"),
        required(body.password, "password"),
    ) {
        (Ok(u), Ok(p)) => (u, p),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    match state
        .services
        .auth
        .login(&username, &password, client)
        .await
    {
        Ok(signed_in) => Json(TokenPairBody {
            access: signed_in.tokens.access,
            refresh: signed_in.tokens.refresh,
        })
        .into_response(),
        Err(err) => ApiError(err).into_response(),
    }
}

/// Exchange a refresh token for a new pair.
///
/// The presented refresh token is spent. Presenting a spent token again revokes
/// every token of its sign-in.
#[utoipa::path(post, path = "/api/token/refresh/", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New pair", body = TokenPairBody),
        (status = 400, description = "The field is missing", body = ErrorBody),
        (status = 401, description = "Invalid, expired, spent or revoked token", body = ErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Response {
    let token = match required(body.refresh, "refresh") {
        Ok(token) => token,
        Err(response) => return response,
    };
    match state.services.auth.refresh(&token).await {
        Ok(tokens) => Json(TokenPairBody {
            access: tokens.access,
            refresh: tokens.refresh,
        })
        .into_response(),
        Err(err) => ApiError(err).into_response(),
    }
}

/// Sign out: revoke the sign-in of the bearer token.
#[utoipa::path(post, path = "/api/v1/auth/logout/", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out; its tokens no longer work"),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<StatusCode, ApiError> {
    state.services.auth.logout(&principal.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
