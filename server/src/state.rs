//! What every handler can reach: the services (built once) and the settings.

use std::sync::Arc;

use app::session::CookiePolicy;
use axum::extract::FromRef;
use domain::services::Services;
use leptos::config::LeptosOptions;

use crate::config::Settings;

/// Shared state of the axum application: one pointer, so that the copies
/// axum makes for every layer and handler of every request cost a reference
/// count, not a copy of the site's options (in a `perf` profile of the
/// webhook benchmark, those copies and their drops were about a tenth of the
/// samples).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] points to.
pub struct Shared {
    pub services: Services,
    pub settings: Arc<Settings>,
    pub cookies: CookiePolicy,
    pub leptos_options: LeptosOptions,
    /// This instance's metrics (`/metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
