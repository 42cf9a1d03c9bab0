//! `/api/token/` and `/api/token/refresh/`: sign-in, rotation, reuse detection,
//! expired and tampered tokens, throttling.

use crate::common;

use common::{PASSWORD, SECRET, parts, spawn_app, spawn_with};
use domain::accounts::Role;
use serde_json::json;

#[tokio::test]
async fn obtain_requires_both_fields() {
    let app = spawn_app().await;
    let (status, body) = parts(app.post("/api/token/", json!({"password": "x"})).await).await;
    assert_eq!(
        (status, body["field"].as_str(), body["code"].as_str()),
        (400, Some("username"), Some("required"))
    );
    let (status, body) = parts(app.post("/api/token/", json!({"username": "x"})).await).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("password")));
    let response = app
        .client
        .post(app.url("/api/token/"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_refused_alike() {
    let app = spawn_app().await;
    app.create_user(Role::Patient, "marie").await;
    let wrong = app
        .post(
            "/api/token/",
            json!({"username": "marie", "password": "not it at all"}),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().contains_key("www-authenticate"));
    let wrong = wrong.json::<serde_json::Value>().await.unwrap();
    let (status, unknown) = parts(
        app.post(
            "/api/token/",
            json!({"username": "nobody", "password": "not it at all"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        wrong, unknown,
        "same body whether the account exists or not"
    );
    assert_eq!(wrong["code"], "invalid_credentials");
}

#[tokio::test]
async fn obtained_tokens_open_the_api_by_username_or_email() {
    let app = spawn_app().await;
    app.create_user(Role::Patient, "marie").await;
    let (status, body) = parts(
        app.post(
            "/api/token/",
            json!({"username": "marie@example.org", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    let access = body["access"].as_str().unwrap();
    assert!(body["refresh"].as_str().is_some_and(|r| r != access));
    let (status, me) = parts(app.get_auth("/api/v1/auth/me/", access).await).await;
    assert_eq!(
        (status, me["username"].as_str(), me["role"].as_str()),
        (200, Some("marie"), Some("patient"))
    );
    assert!(me.get("password_hash").is_none());
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_family() {
    let app = spawn_app().await;
    let (_, _, first_refresh) = app.user_with_tokens(Role::Patient, "marie").await;

    let (status, second) = parts(
        app.post("/api/token/refresh/", json!({"refresh": first_refresh}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let second_refresh = second["refresh"].as_str().unwrap().to_owned();
    let second_access = second["access"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first_refresh);
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &second_access)
            .await
            .status(),
        200
    );

    // The spent token comes back: theft assumed, the whole family dies.
    let (status, body) = parts(
        app.post("/api/token/refresh/", json!({"refresh": first_refresh}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_not_valid"))
    );
    assert_eq!(
        app.post("/api/token/refresh/", json!({"refresh": second_refresh}))
            .await
            .status(),
        401
    );
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &second_access)
            .await
            .status(),
        401
    );

    // A new sign-in is unaffected.
    let (access, _) = app.login("marie").await;
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &access).await.status(),
        200
    );
}

#[tokio::test]
async fn a_token_reused_within_the_grace_period_is_refused_without_revoking() {
    let app = spawn_with(&[("REFRESH_REUSE_GRACE_SECONDS", "30")]).await;
    let (_, _, refresh) = app.user_with_tokens(Role::Patient, "marie").await;
    let (_, rotated) = parts(
        app.post("/api/token/refresh/", json!({"refresh": refresh}))
            .await,
    )
    .await;
    let (status, body) = parts(
        app.post("/api/token/refresh/", json!({"refresh": refresh}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_already_rotated"))
    );
    // The racing request's sibling still holds a live session.
    assert_eq!(
        app.post(
            "/api/token/refresh/",
            json!({"refresh": rotated["refresh"]})
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn refresh_requires_its_field_and_a_real_token() {
    let app = spawn_app().await;
    let (status, body) = parts(app.post("/api/token/refresh/", json!({})).await).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("refresh")));
    assert_eq!(
        app.post("/api/token/refresh/", json!({"refresh": "garbage"}))
            .await
            .status(),
        401
    );
}

fn forge(claims: serde_json::Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn expired_tampered_and_misused_tokens_are_refused() {
    let app = spawn_app().await;
    let (id, access, refresh) = app.user_with_tokens(Role::Patient, "marie").await;
    let session = jsonwebtoken::dangerous::insecure_decode::<serde_json::Value>(&access)
        .unwrap()
        .claims["sid"]
        .clone();
    let now = jiff::Timestamp::now().as_second();
    let claims = |exp: i64| json!({"sub": id.to_string(), "role": "patient", "sid": session, "jti": "x", "typ": "access", "iat": now - 600, "exp": exp});

    // A correctly signed token for a live session works…
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &forge(claims(now + 60), SECRET))
            .await
            .status(),
        200
    );
    // …but not once expired, nor signed with another key.
    let (status, body) = parts(
        app.get_auth("/api/v1/auth/me/", &forge(claims(now - 1), SECRET))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_not_valid"))
    );
    assert_eq!(
        app.get_auth(
            "/api/v1/auth/me/",
            &forge(claims(now + 60), "another-secret-another-secret-xx")
        )
        .await
        .status(),
        401
    );

    // Tampered payload: role raised to admin, signature kept.
    let mut pieces: Vec<String> = access.split('.').map(str::to_owned).collect();
    let forged_payload = forge(
        json!({"sub": id.to_string(), "role": "admin", "sid": session, "jti": "x", "typ": "access", "iat": now, "exp": now + 60}),
        "whatever-whatever-whatever-whatever",
    );
    pieces[1] = forged_payload.split('.').nth(1).unwrap().to_owned();
    assert_eq!(
        app.get_auth("/api/v1/users/", &pieces.join("."))
            .await
            .status(),
        401
    );

    // Each token only does its own job.
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &refresh).await.status(),
        401
    );
    assert_eq!(
        app.post("/api/token/refresh/", json!({"refresh": access}))
            .await
            .status(),
        401
    );

    // Missing or malformed header.
    let (status, body) = parts(
        app.client
            .get(app.url("/api/v1/auth/me/"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("not_authenticated"))
    );
    let response = app
        .client
        .get(app.url("/api/v1/auth/me/"))
        .header("authorization", format!("Token {access}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let app = spawn_app().await;
    let (_, access, refresh) = app.user_with_tokens(Role::Patient, "marie").await;
    assert_eq!(
        app.post_auth("/api/v1/auth/logout/", &access, json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &access).await.status(),
        401
    );
    assert_eq!(
        app.post("/api/token/refresh/", json!({"refresh": refresh}))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn sign_in_is_throttled_per_account() {
    let app = spawn_app().await;
    app.create_user(Role::Patient, "marie").await;
    app.create_user(Role::Patient, "paul").await;
    for _ in 0..5 {
        let status = app
            .post(
                "/api/token/",
                json!({"username": "marie", "password": "wrong password"}),
            )
            .await
            .status();
        assert_eq!(status, 401);
    }
    let response = app
        .post(
            "/api/token/",
            json!({"username": "MARIE", "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 429, "even the right password waits");
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["code"],
        "rate_limited"
    );
    assert_eq!(
        app.post(
            "/api/token/",
            json!({"username": "paul", "password": PASSWORD})
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn sign_in_is_throttled_per_client_address() {
    let app = spawn_with(&[("LOGIN_ATTEMPTS_PER_ADDRESS", "3")]).await;
    for name in ["a1", "a2", "a3"] {
        assert_eq!(
            app.post(
                "/api/token/",
                json!({"username": name, "password": "whatever you like"})
            )
            .await
            .status(),
            401
        );
    }
    let response = app
        .post(
            "/api/token/",
            json!({"username": "a4", "password": "whatever you like"}),
        )
        .await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
}
