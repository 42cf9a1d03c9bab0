//! The signed-in user as the interface sees it: one resource, refreshed whenever
//! a sign-in, sign-up or sign-out completes, shared through context.

use domain::accounts::User;
use leptos::prelude::*;

use crate::api::auth::{SignIn, SignOut, SignUp, current_user};
use crate::error::UiError;

/// The session actions and the current user.
#[derive(Clone, Copy)]
pub struct SessionState {
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
    /// The signed-in user (`None` when anonymous).
    pub user: Resource<Result<Option<User>, UiError>>,
}

/// Creates the session state and provides it to the app.
pub fn provide_session() -> SessionState {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_up = ServerAction::<SignUp>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let user = Resource::new(
        move || {
            (
                sign_in.version().get(),
                sign_up.version().get(),
                sign_out.version().get(),
            )
        },
        |_| current_user(),
    );
    let state = SessionState {
        sign_in,
        sign_up,
        sign_out,
        user,
    };
    // Signed in: the interface takes the account's own language, if it has one.
    let i18n = crate::i18n::use_i18n();
    Effect::new(move |_| {
        if let Some(Ok(user)) = sign_in.value().get() {
            if let Some(lang) = user
                .language
                .as_deref()
                .and_then(crate::i18n::Lang::from_tag)
            {
                i18n.set(lang);
            }
        }
    });
    provide_context(state);
    state
}

/// The session state from context.
pub fn use_session() -> SessionState {
    expect_context::<SessionState>()
}
