//! Account settings through the real server: a person changes their own
//! names, e-mail, language, time zone and password; administrators change any
//! account and issue one-time reset links; refusals tell nothing.

use crate::common;

use common::{PASSWORD, TestApp, parts, spawn_app};
use domain::accounts::Role;
use serde_json::{Value, json};

async fn patch(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    parts(
        app.client
            .patch(app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn settings(email: &str, timezone: &str) -> Value {
    json!({"first_name": "Marie", "last_name": "Lefèvre", "email": email, "language": "en", "timezone": timezone})
}

#[tokio::test]
async fn people_change_their_own_settings_and_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let (_, marie, _) = app.user_with_tokens(Role::Patient, "marie").await;
    app.create_user(Role::Patient, "paul").await;

    let (status, body) = patch(
        &app,
        "/api/v1/auth/me/settings/",
        &marie,
        settings("marie@example.org", "Mars/Olympus"),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("timezone")),
        "{body}"
    );
    let (status, body) = patch(&app, "/api/v1/auth/me/settings/", &marie,
        json!({"first_name": "Marie", "last_name": "L", "email": "marie@example.org", "language": "de"})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("language")));
    let (status, body) = patch(
        &app,
        "/api/v1/auth/me/settings/",
        &marie,
        settings("paul@example.org", ""),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("email_taken")));
    let (_, me) = parts(app.get_auth("/api/v1/auth/me/", &marie).await).await;
    assert_eq!(
        me["email"].as_str(),
        Some("marie@example.org"),
        "nothing half-written"
    );

    let (status, body) = patch(
        &app,
        "/api/v1/auth/me/settings/",
        &marie,
        settings("marie.l@example.org", "America/Montreal"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let user = app.state.services.accounts.count().await.unwrap();
    assert_eq!(user, 2);
    let (_, me) = parts(app.get_auth("/api/v1/auth/me/", &marie).await).await;
    assert_eq!(
        (me["email"].as_str(), me["last_name"].as_str()),
        (Some("marie.l@example.org"), Some("Lefèvre"))
    );
}

#[tokio::test]
async fn a_password_change_asks_the_current_one_and_signs_out_the_other_sessions() {
    let app = spawn_app().await;
    let (_, here, _) = app.user_with_tokens(Role::Doctor, "dr.house").await;
    let (elsewhere, _) = app.login("dr.house").await;
    let new = "une toute nouvelle phrase";

    let (status, body) = parts(
        app.post_auth(
            "/api/v1/auth/password/",
            &here,
            json!({"current_password": "not it at all", "new_password": new}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str(), body["code"].as_str()),
        (400, Some("current_password"), Some("wrong_password"))
    );
    let (status, body) = parts(
        app.post_auth(
            "/api/v1/auth/password/",
            &here,
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("password")));
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &elsewhere).await.status(),
        200,
        "nothing changed yet"
    );

    let response = app
        .post_auth(
            "/api/v1/auth/password/",
            &here,
            json!({"current_password": PASSWORD, "new_password": new}),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &here).await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &elsewhere).await.status(),
        401,
        "the others end"
    );
    let old = app
        .post(
            "/api/token/",
            json!({"username": "dr.house", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.status(), 401);
    let fresh = app
        .post(
            "/api/token/",
            json!({"username": "dr.house", "password": new}),
        )
        .await;
    assert_eq!(fresh.status(), 200);
}

#[tokio::test]
async fn administrators_change_accounts_and_reset_passwords_with_one_time_links() {
    let app = spawn_app().await;
    let (marie_id, marie, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (_, doctor, _) = app.user_with_tokens(Role::Doctor, "dr.house").await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "root.admin").await;
    let settings_path = format!("/api/v1/users/{marie_id}/settings/");
    let reset_path = format!("/api/v1/users/{marie_id}/password-reset/");

    // Administrators only; the refusal is the same whether the account exists.
    for token in [&marie, &doctor] {
        assert_eq!(
            patch(&app, &settings_path, token, settings("x@example.org", ""))
                .await
                .0,
            403
        );
        assert_eq!(
            patch(
                &app,
                "/api/v1/users/999999/settings/",
                token,
                settings("x@example.org", "")
            )
            .await
            .0,
            403
        );
        assert_eq!(
            app.post_auth(&reset_path, token, json!({})).await.status(),
            403
        );
        assert_eq!(
            app.post_auth("/api/v1/users/999999/password-reset/", token, json!({}))
                .await
                .status(),
            403
        );
    }
    assert_eq!(
        patch(
            &app,
            "/api/v1/users/999999/settings/",
            &admin,
            settings("x@example.org", "")
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.post_auth("/api/v1/users/999999/password-reset/", &admin, json!({}))
            .await
            .status(),
        404
    );

    let (status, body) = patch(
        &app,
        &settings_path,
        &admin,
        settings("marie.new@example.org", "Europe/Paris"),
    )
    .await;
    assert_eq!(
        (status, body["email"].as_str()),
        (200, Some("marie.new@example.org")),
        "{body}"
    );

    // A first link, replaced by a second: only the second works.
    let (status, first) = parts(app.post_auth(&reset_path, &admin, json!({})).await).await;
    assert_eq!(status, 201, "{first}");
    let (_, second) = parts(app.post_auth(&reset_path, &admin, json!({})).await).await;
    assert!(
        second["path"]
            .as_str()
            .unwrap()
            .starts_with("/reset-password?token=")
    );
    let use_link = |token: Value, password: &str| {
        app.post(
            "/api/v1/auth/password-reset/",
            json!({"token": token, "new_password": password}),
        )
    };
    let (status, body) =
        parts(use_link(first["token"].clone(), "une phrase bien choisie").await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_reset_link"))
    );
    // A refused password leaves the link usable.
    let (status, body) = parts(use_link(second["token"].clone(), "court").await).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("password")));
    assert_eq!(
        use_link(second["token"].clone(), "une phrase bien choisie")
            .await
            .status(),
        204
    );
    // Once.
    let (status, body) =
        parts(use_link(second["token"].clone(), "encore une autre phrase").await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_reset_link"))
    );
    assert_eq!(
        app.get_auth("/api/v1/auth/me/", &marie).await.status(),
        401,
        "every session ends"
    );
    let signed_in = app
        .post(
            "/api/token/",
            json!({"username": "marie", "password": "une phrase bien choisie"}),
        )
        .await;
    assert_eq!(signed_in.status(), 200);
    let (status, body) = parts(use_link(json!("made-up"), "une phrase bien choisie").await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_reset_link"))
    );
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app().await;
    let (marie_id, _, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (admin_id, _, _) = app.user_with_tokens(Role::Admin, "root.admin").await;
    let admin = domain::auth::Principal::cli(admin_id, Role::Admin);
    let long_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2);
    let accounts = &app.state.services.accounts;
    let reset = accounts
        .issue_password_reset(&admin, marie_id, long_ago)
        .await
        .unwrap();
    let refused = accounts
        .reset_password(
            &reset.token,
            "une phrase bien choisie",
            jiff::Timestamp::now(),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "invalid_reset_link");
}

#[tokio::test]
async fn administrators_see_the_days_activity_and_nobody_else_does() {
    let app = spawn_app().await;
    let (marie_id, _, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (admin_id, _, _) = app.user_with_tokens(Role::Admin, "root.admin").await;
    for _ in 0..2 {
        let refused = app
            .post(
                "/api/token/",
                json!({"username": "marie", "password": "not the password"}),
            )
            .await;
        assert_eq!(refused.status(), 401);
    }
    let now = jiff::Timestamp::now();
    let (from, to) = (
        now - jiff::SignedDuration::from_hours(1),
        now + jiff::SignedDuration::from_hours(1),
    );
    let activity = &app.state.services.activity;
    let admin = domain::auth::Principal::cli(admin_id, Role::Admin);
    let today = activity.between(&admin, from, to).await.unwrap();
    assert_eq!(
        (
            today.accounts_created,
            today.refused_sign_ins,
            today.active_alerts
        ),
        (2, 2, 0)
    );
    assert!(today.appointments.is_empty());
    let yesterday = activity
        .between(
            &admin,
            from - jiff::SignedDuration::from_hours(24),
            to - jiff::SignedDuration::from_hours(24),
        )
        .await
        .unwrap();
    assert_eq!(
        (yesterday.accounts_created, yesterday.refused_sign_ins),
        (0, 0)
    );
    let marie = domain::auth::Principal::cli(marie_id, Role::Patient);
    assert_eq!(
        activity.between(&marie, from, to).await.unwrap_err().code(),
        "permission_denied"
    );
}
