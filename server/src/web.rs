//! The browser door: server-side rendering of the Leptos app and its server
//! functions, with the services provided in context.

use app::{App, shell};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};

use crate::state::AppState;

/// Pages, server functions and static files.
pub fn router(state: &AppState) -> Router<AppState> {
    let services = state.services.clone();
    let cookies = state.cookies;
    let context = move || {
        provide_context(services.clone());
        provide_context(cookies);
    };
    let options = state.leptos_options.clone();
    Router::new()
        .leptos_routes_with_context(
            state,
            generate_route_list(App),
            context.clone(),
            move || shell(options.clone()),
        )
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
}
