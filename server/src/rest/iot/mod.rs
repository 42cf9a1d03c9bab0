//! Vitals from devices over REST, on seed 001's and seed 004's routes
//! (`/api/iot/…`): the device registry, ingest, readings, statistics and the
//! latest values per patient.

pub mod alerts;
pub mod data;
pub mod devices;
pub mod sessions;
pub mod wards;

use axum::Router;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use domain::DomainError;
use domain::services::devices::DeviceIdentity;

use crate::authn::bearer_token;
use crate::http_error::ApiError;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(devices::router())
        .merge(data::router())
        .merge(alerts::router())
        .merge(sessions::router())
        .merge(wards::router())
}

/// A device authenticated by its credential (`Authorization: Bearer dev_…`).
pub struct DeviceAuth(pub DeviceIdentity);

impl<S> FromRequestParts<S> for DeviceAuth
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let Some(Ok(token)) = bearer_token(&parts.headers) else {
            return Err(ApiError(DomainError::Unauthenticated {
                code: "not_authenticated",
                message: "send the device credential as 'Authorization: Bearer dev_…'",
            }));
        };
        Ok(Self(state.services.devices.authenticate(token).await?))
    }
}
