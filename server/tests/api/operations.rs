//! Health, API documentation, server-side rendering with the session cookies.

use crate::common;

use common::{parts, spawn_app};
use domain::accounts::Role;

#[tokio::test]
async fn health_checks_the_database() {
    let app = spawn_app().await;
    let (status, body) = parts(app.client.get(app.url("/health")).send().await.unwrap()).await;
    assert_eq!((status, body["database"].as_str()), (200, Some("ok")));
    let (status, body) = parts(app.client.get(app.url("/ready")).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        serde_json::json!({"status": "ready", "database": "ok", "events": "in-process"})
    );
    app.state.services.db().close().await;
    let (status, body) = parts(app.client.get(app.url("/health")).send().await.unwrap()).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (503, Some("unavailable"))
    );
    let (status, body) = parts(app.client.get(app.url("/ready")).send().await.unwrap()).await;
    assert_eq!(
        (status, body["database"].as_str()),
        (503, Some("unavailable"))
    );
}

#[tokio::test]
async fn ready_asks_redis_when_events_go_through_it() {
    let redis = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let prefix = format!("medplat-ready-{}", std::process::id());
    let app = common::spawn_with(&[
        ("REDIS_URL", redis.as_str()),
        ("REDIS_CHANNEL_PREFIX", prefix.as_str()),
    ])
    .await;
    let (status, body) = parts(app.client.get(app.url("/ready")).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["events"], "ok");
}

#[tokio::test]
async fn openapi_and_swagger_ui_are_served() {
    let app = spawn_app().await;
    let (status, doc) = parts(
        app.client
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    for path in [
        "/api/token/",
        "/api/token/refresh/",
        "/api/v1/users/",
        "/health",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    let response = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("swagger"));
}

async fn page(
    app: &common::TestApp,
    path: &str,
    cookie: Option<String>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut request = app.client.get(app.url(path)).header("accept", "text/html");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

#[tokio::test]
async fn pages_render_in_french_unless_english_is_asked() {
    let app = spawn_app().await;
    let (status, _, html) = page(&app, "/", None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<html lang="fr""#) && html.contains("Créer un compte"),
        "{html}"
    );
    let (_, _, html) = page(&app, "/", Some("medplat_lang=en".into())).await;
    assert!(html.contains(r#"<html lang="en""#) && html.contains("Create an account"));
    let (status, _, _) = page(&app, "/no/such/page", None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn portals_render_signed_in_from_cookies_and_refresh_an_expired_access_cookie() {
    let app = spawn_app().await;
    app.create_user(Role::Patient, "marie").await;
    let (access, refresh) = app.login("marie").await;

    let (status, headers, _) = page(&app, "/patient", None).await;
    assert_eq!(status, 302, "anonymous visitors are sent to sign in");
    assert_eq!(headers["location"], "/login");

    let (status, _, html) = page(&app, "/patient", Some(format!("medplat_access={access}"))).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Test marie"),
        "the account is rendered on first load"
    );

    // Access cookie gone (expired): the refresh cookie renews the session.
    let (status, headers, html) =
        page(&app, "/patient", Some(format!("medplat_refresh={refresh}"))).await;
    assert_eq!(status, 200);
    assert!(html.contains("Test marie"));
    let set_cookies: Vec<_> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        set_cookies
            .iter()
            .any(|c| c.starts_with("medplat_access=") && c.contains("HttpOnly")),
        "{set_cookies:?}"
    );
    assert!(
        set_cookies
            .iter()
            .any(|c| c.starts_with("medplat_refresh=") && !c.contains(&refresh))
    );

    // A patient is refused the administration portal.
    let (_, _, html) = page(&app, "/admin", Some(format!("medplat_access={access}"))).await;
    assert!(html.contains("Accès refusé"));
}

/// Servers starting in the same process leave the pages under way whole.
/// Listing the app's routes suspends the loading of every page's data for
/// the process while it runs, for good for a page that starts loading then
/// (leptos-rs/leptos#4773); the list is made once per process (`web.rs`), so
/// starting servers no longer makes it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_whole_while_other_servers_start() {
    let app = spawn_app().await;
    app.create_user(Role::Patient, "marie").await;
    let (access, _) = app.login("marie").await;
    // Servers keep starting until every page has ended.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut starting = tokio::task::JoinSet::new();
    for _ in 0..2 {
        let (state, done) = (app.state.clone(), done.clone());
        starting.spawn_blocking(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                drop(server::router(state.clone()));
            }
        });
    }
    let mut pages = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let request = app
            .client
            .get(app.url("/patient"))
            .header("accept", "text/html")
            .header("cookie", format!("medplat_access={access}"));
        pages.spawn(async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        });
    }
    let pages = tokio::time::timeout(std::time::Duration::from_secs(90), pages.join_all()).await;
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let pages = pages.expect("every page ends");
    for (status, html) in pages {
        assert_eq!(status, 200);
        assert!(html.contains("Test marie"), "the account is rendered");
    }
    starting.join_all().await;
}
