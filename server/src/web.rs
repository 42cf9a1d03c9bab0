//! The browser door: server-side rendering of the Leptos app and its server
//! functions, with the services provided in context, the site's static
//! files and the interface texts files (see `site`).

use app::{App, shell};
use axum::Router;
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::middleware::from_fn;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list,
};

use crate::headers::CspNonce;
use crate::site;
use crate::state::AppState;

/// Pages, server functions and static files.
pub fn router(state: &AppState) -> Router<AppState> {
    let services = state.services.clone();
    let cookies = state.cookies;
    let site_options = state.leptos_options.clone();
    let context = move || {
        provide_context(services.clone());
        provide_context(cookies);
        // Read per page, as Leptos reads the script names: `cargo leptos
        // watch` renames the stylesheet without restarting the server.
        provide_context(site::stylesheet_href(&site_options));
        // The nonce the security headers announce for this response, so that
        // Leptos marks its inline scripts with it.
        let nonce =
            use_context::<Parts>().and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
        if let Some(CspNonce(nonce)) = nonce {
            provide_context(Nonce::from_value(nonce));
        }
    };
    let options = state.leptos_options.clone();
    // Unknown paths that are no file get the app's "not found" page.
    let not_found = file_and_error_handler_with_context::<AppState, _>(context.clone(), shell)
        .with_state(state.clone());
    let files = site::files(std::path::Path::new(&*options.site_root)).fallback(not_found);
    Router::new()
        .route("/texts/{hash}/{name}", axum::routing::get(site::texts_file))
        .leptos_routes_with_context(state, routes(), context, move || shell(options.clone()))
        .fallback_service(
            Router::new()
                .fallback_service(files)
                .layer(from_fn(site::cache_headers)),
        )
}

/// The app's routes, listed once per process.
///
/// Listing them renders the app with every resource's loading suppressed by
/// a flag global to the process (leptos_server's `SuppressResourceLoad`), and
/// a resource first polled while it is up never loads: a page rendered by
/// another server of the same process at that moment (the integration tests
/// start many) would hang for good (leptos-rs/leptos#4773). Listed once,
/// before any server of the process can answer, nothing renders meanwhile.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}
