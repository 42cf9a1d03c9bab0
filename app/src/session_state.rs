//! The signed-in user as the interface sees it: one resource, read once per
//! page, shared through context. Signing in, up or out loads a new page
//! (`crate::islands::go_to`, `crate::islands::reload`), which reads it again.

use domain::accounts::User;
use leptos::prelude::*;

use crate::api::auth::current_user;
use crate::error::UiError;

/// The current user.
#[derive(Clone, Copy)]
pub struct SessionState {
    /// The signed-in user (`None` when anonymous).
    pub user: Resource<Result<Option<User>, UiError>>,
}

/// Creates the session state and provides it to the app.
pub fn provide_session() -> SessionState {
    let state = SessionState {
        user: Resource::new(|| (), |_| current_user()),
    };
    provide_context(state);
    state
}

/// The session state from context.
pub fn use_session() -> SessionState {
    expect_context::<SessionState>()
}
