//! Serves the probe's page from `target/islands-probe` (its `pkg/` holds
//! the bundle `scripts/islands-probe.sh` built): `islands-probe [port]
//! [islands|whole]`.

use axum::Router;
use islands_probe::App;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::services::ServeDir;

fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="fr">
            <head>
                <meta charset="utf-8" />
                <link rel="icon" href="data:," />
                <HydrationScripts options islands=cfg!(feature = "islands") />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(3100);
    let variant = args.next().unwrap_or_else(|| "islands".to_owned());
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/islands-probe");
    let options = LeptosOptions::builder()
        .output_name(variant)
        .site_root(root)
        .site_pkg_dir("pkg")
        .build();
    let routes = generate_route_list(App);
    let app = Router::new()
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .nest_service("/pkg", ServeDir::new(format!("{root}/pkg")))
        .with_state(options);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("port");
    axum::serve(listener, app).await.expect("serve");
}
