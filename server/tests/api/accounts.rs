//! Sign-up validation, roles, administration and another user's data.

use crate::common;

use common::{PASSWORD, parts, spawn_app};
use domain::accounts::Role;
use serde_json::json;

fn signup(username: &str, email: &str, password: &str) -> serde_json::Value {
    json!({"username": username, "email": email, "password": password, "first_name": "Marie", "last_name": "Curie"})
}

#[tokio::test]
async fn sign_up_validates_each_field_and_writes_nothing_on_error() {
    let app = spawn_app().await;
    let cases = [
        (
            signup("", "m@example.org", PASSWORD),
            "username",
            "required",
        ),
        (
            signup("m", "m@example.org", PASSWORD),
            "username",
            "username_length",
        ),
        (
            signup("marie curie", "m@example.org", PASSWORD),
            "username",
            "username_characters",
        ),
        (
            signup("marie", "not-an-email", PASSWORD),
            "email",
            "invalid_email",
        ),
        (
            signup("marie", "m@example.org", "short"),
            "password",
            "password_too_short",
        ),
        (
            signup("marie", "m@example.org", "marie-2026-secret"),
            "password",
            "password_contains_username",
        ),
        (
            json!({"username": "marie", "email": "m@example.org", "password": PASSWORD, "first_name": "Marie"}),
            "last_name",
            "required",
        ),
    ];
    for (body, field, code) in cases {
        let (status, error) = parts(app.post("/api/v1/auth/register/", body.clone()).await).await;
        assert_eq!(
            (status, error["field"].as_str(), error["code"].as_str()),
            (400, Some(field), Some(code)),
            "{body}"
        );
        assert!(error["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    assert_eq!(
        app.state.services.accounts.count().await.unwrap(),
        0,
        "nothing half-written"
    );

    let (status, user) = parts(
        app.post(
            "/api/v1/auth/register/",
            signup("Marie", "Marie@Example.org", PASSWORD),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, user["role"].as_str(), user["username"].as_str()),
        (201, Some("patient"), Some("marie"))
    );

    let (status, error) = parts(
        app.post(
            "/api/v1/auth/register/",
            signup("marie", "other@example.org", PASSWORD),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str(), error["code"].as_str()),
        (409, Some("username"), Some("username_taken"))
    );
    let (status, error) = parts(
        app.post(
            "/api/v1/auth/register/",
            signup("marie2", "marie@example.org", PASSWORD),
        )
        .await,
    )
    .await;
    assert_eq!((status, error["field"].as_str()), (409, Some("email")));
    assert_eq!(app.state.services.accounts.count().await.unwrap(), 1);
}

#[tokio::test]
async fn sign_up_cannot_choose_a_role() {
    let app = spawn_app().await;
    let mut body = signup("mallory", "mallory@example.org", PASSWORD);
    body["role"] = json!("admin");
    let (status, user) = parts(app.post("/api/v1/auth/register/", body).await).await;
    assert_eq!((status, user["role"].as_str()), (201, Some("patient")));
}

#[tokio::test]
async fn only_administrators_manage_accounts() {
    let app = spawn_app().await;
    let (_, patient, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (_, doctor, _) = app.user_with_tokens(Role::Doctor, "dr.house").await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "root.admin").await;
    let new_doctor = json!({"role": "doctor", "username": "dr.new", "email": "new@example.org", "password": PASSWORD,
        "first_name": "Nadia", "last_name": "Nouveau", "specialty": "cardiology"});

    for token in [&patient, &doctor] {
        let (status, body) = parts(app.get_auth("/api/v1/users/", token).await).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("permission_denied"))
        );
        assert_eq!(
            app.post_auth("/api/v1/users/", token, new_doctor.clone())
                .await
                .status(),
            403
        );
    }
    let (status, users) = parts(app.get_auth("/api/v1/users/?role=doctor", &admin).await).await;
    assert_eq!(status, 200);
    assert_eq!(users.as_array().unwrap().len(), 1);

    let (status, created) = parts(app.post_auth("/api/v1/users/", &admin, new_doctor).await).await;
    assert_eq!((status, created["role"].as_str()), (201, Some("doctor")));
    let (status, patient) = parts(app.post_auth("/api/v1/users/", &admin,
        json!({"role": "patient", "username": "p.one", "email": "p1@example.org", "password": PASSWORD, "first_name": "P", "last_name": "One"})).await).await;
    assert_eq!(
        (status, patient["role"].as_str()),
        (201, Some("patient")),
        "administrators create patients too"
    );
    let (status, body) = parts(app.post_auth("/api/v1/users/", &admin,
        json!({"role": "doctor", "username": "dr.x", "email": "x@example.org", "password": PASSWORD, "first_name": "X", "last_name": "Y", "specialty": "astrology"})).await).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("specialty")));
    assert!(
        app.state.services.accounts.count().await.unwrap() == 5,
        "the refused doctor was not half-created"
    );
}

#[tokio::test]
async fn deactivation_ends_sessions_at_once_and_blocks_sign_in() {
    let app = spawn_app().await;
    let (patient_id, patient, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (admin_id, admin, _) = app.user_with_tokens(Role::Admin, "root.admin").await;
    let (status, user) = parts(
        app.post_auth(
            &format!("/api/v1/users/{patient_id}/deactivate/"),
            &admin,
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!((status, user["is_active"].as_bool()), (200, Some(false)));
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &patient).await.status(),
        401
    );
    let (status, body) = parts(
        app.post(
            "/api/token/",
            json!({"username": "marie", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_credentials"))
    );

    let (status, body) = parts(
        app.post_auth(
            &format!("/api/v1/users/{admin_id}/deactivate/"),
            &admin,
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("cannot_deactivate_self"))
    );
    assert_eq!(
        app.post_auth("/api/v1/users/999999/deactivate/", &admin, json!({}))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_deactivated_account_is_reactivated_by_administrators_only() {
    let app = spawn_app().await;
    let (patient_id, patient, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (_, other, _) = app.user_with_tokens(Role::Patient, "paul").await;
    let (_, doctor, _) = app.user_with_tokens(Role::Doctor, "dr.house").await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "root.admin").await;
    let path = format!("/api/v1/users/{patient_id}/reactivate/");
    assert_eq!(
        app.post_auth(
            &format!("/api/v1/users/{patient_id}/deactivate/"),
            &admin,
            json!({})
        )
        .await
        .status(),
        200
    );
    // Only administrators, and the refusal does not depend on the account.
    for token in [&doctor, &other] {
        assert_eq!(app.post_auth(&path, token, json!({})).await.status(), 403);
        assert_eq!(
            app.post_auth("/api/v1/users/999999/reactivate/", token, json!({}))
                .await
                .status(),
            403
        );
    }
    assert_eq!(
        app.post_auth("/api/v1/users/999999/reactivate/", &admin, json!({}))
            .await
            .status(),
        404
    );
    let (status, user) = parts(app.post_auth(&path, &admin, json!({})).await).await;
    assert_eq!((status, user["is_active"].as_bool()), (200, Some(true)));
    // The old sessions stay ended; the owner signs in again.
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &patient).await.status(),
        401
    );
    let status = app
        .post(
            "/api/token/",
            json!({"username": "marie", "password": PASSWORD}),
        )
        .await
        .status();
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_user_cannot_read_another_users_account() {
    let app = spawn_app().await;
    let (marie_id, marie, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (paul_id, paul, _) = app.user_with_tokens(Role::Patient, "paul").await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "root.admin").await;
    assert_eq!(
        app.get_auth(&format!("/api/v1/users/{marie_id}/"), &marie)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get_auth(&format!("/api/v1/users/{marie_id}/"), &paul)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get_auth(&format!("/api/v1/users/{paul_id}/"), &marie)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get_auth(&format!("/api/v1/users/{paul_id}/"), &admin)
            .await
            .status(),
        200
    );
}
