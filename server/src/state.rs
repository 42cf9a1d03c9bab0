//! What every handler can reach: the services (built once) and the settings.

use std::sync::Arc;

use app::session::CookiePolicy;
use axum::extract::FromRef;
use domain::services::Services;
use leptos::config::LeptosOptions;

use crate::config::Settings;

/// Shared state of the axum application.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub settings: Arc<Settings>,
    pub cookies: CookiePolicy,
    pub leptos_options: LeptosOptions,
    /// This instance's metrics (`/metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
