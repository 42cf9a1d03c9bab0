//! `GET /health` (liveness: the process answers, and the database) and
//! `GET /ready` (readiness: the database and, with several instances, Redis
//! answer, so a load balancer may send traffic).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
}

/// Health report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// `ok` or `unavailable`.
    pub database: &'static str,
}

/// Liveness and database check.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.services.db().ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
            }),
        ),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    database: "unavailable",
                }),
            )
        }
    }
}

/// Readiness report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// `ready` or `unavailable`.
    pub status: &'static str,
    /// `ok` or `unavailable`.
    pub database: &'static str,
    /// `in-process` (one instance), `ok` or `unavailable` (Redis).
    pub events: &'static str,
}

/// Readiness: the database answers, and Redis when events go through it.
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses((status = 200, body = Ready), (status = 503, body = Ready)))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Ready>) {
    let bus = &state.services.bus;
    let (database, events) = tokio::join!(state.services.db().ping(), bus.ping());
    let database = match database {
        Ok(()) => "ok",
        Err(err) => {
            tracing::error!(error = %err, "readiness: database unavailable");
            "unavailable"
        }
    };
    let events = match (bus.transport(), events) {
        ("in-process", _) => "in-process",
        (_, Ok(())) => "ok",
        (_, Err(err)) => {
            tracing::error!(error = %err, "readiness: Redis unavailable");
            "unavailable"
        }
    };
    let ready = database == "ok" && events != "unavailable";
    let status = if ready { "ready" } else { "unavailable" };
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(Ready {
            status,
            database,
            events,
        }),
    )
}
