//! The activity log: sign-ins (refused ones against their account), the
//! accounts an administrator creates and changes, specialties, a doctor's
//! hours, each recorded once with who, when, through which door; searched by
//! person, action, role and days, downloaded as CSV, for administrators only.

use serde_json::{Value, json};

use crate::common::{PASSWORD, parts, spawn_app};
use domain::accounts::Role;

/// The log as an administrator searches it: (action, actor id, target id,
/// detail, door), newest first.
async fn entries(app: &crate::common::TestApp, admin: &str, query: &str) -> (Value, Vec<Value>) {
    let (status, page) = parts(
        app.get_auth(&format!("/api/v1/activity/{query}"), admin)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let list = page["entries"].as_array().unwrap().clone();
    (page, list)
}

#[tokio::test]
async fn what_administrators_and_doctors_do_is_logged_once_and_searchable() {
    let app = spawn_app().await;
    let (admin_id, admin, _) = app.user_with_tokens(Role::Admin, "chef").await;
    let (patient_id, patient, _) = app.user_with_tokens(Role::Patient, "lea").await;

    // A wrong password against a known account, and an unknown login.
    for login in ["lea", "nobody"] {
        let refused = app
            .post(
                "/api/token/",
                json!({"username": login, "password": "not the one"}),
            )
            .await;
        assert_eq!(refused.status(), 401);
    }

    let (status, doctor) = parts(
        app.post_auth(
            "/api/v1/users/",
            &admin,
            json!({"role": "doctor", "username": "dr.roux", "email": "roux@example.org",
                   "password": PASSWORD, "first_name": "Anne", "last_name": "Roux"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{doctor}");
    let doctor_id = doctor["id"].as_i64().unwrap();
    for step in ["deactivate", "reactivate"] {
        let sent = app
            .post_auth(
                &format!("/api/v1/users/{doctor_id}/{step}/"),
                &admin,
                json!({}),
            )
            .await;
        assert_eq!(sent.status(), 200, "{step}");
    }
    let (status, specialty) = parts(
        app.post_auth(
            "/api/v1/specialties/",
            &admin,
            json!({"code": "geriatrics", "name_fr": "Gériatrie", "name_en": "Geriatrics"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{specialty}");
    let (doctor_token, _) = app.login("dr.roux").await;
    let hours = app
        .post_auth(
            "/api/v1/availabilities/",
            &doctor_token,
            json!({"day_of_week": 1, "start_time": "09:00", "end_time": "12:00",
                   "consultation_type": "both", "duration_minutes": 30, "max_consultations": 1}),
        )
        .await;
    assert_eq!(hours.status(), 201);

    let (page, all) = entries(&app, &admin, "").await;
    let seen: Vec<(String, Option<i64>, Option<i64>, Option<String>, String)> = all
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["actor_id"].as_i64(),
                e["target_id"].as_i64(),
                e["detail"].as_str().map(str::to_owned),
                e["door"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let s = |v: &str| Some(v.to_owned());
    let expected = vec![
        (
            "availability_changed".into(),
            Some(doctor_id),
            Some(doctor_id),
            s("weekly_hours:added"),
            "rest".into(),
        ),
        ("sign_in".into(), Some(doctor_id), None, None, "rest".into()),
        (
            "specialty_created".into(),
            Some(admin_id),
            specialty["id"].as_i64(),
            s("code:geriatrics"),
            "rest".into(),
        ),
        (
            "account_reactivated".into(),
            Some(admin_id),
            Some(doctor_id),
            None,
            "rest".into(),
        ),
        (
            "account_deactivated".into(),
            Some(admin_id),
            Some(doctor_id),
            None,
            "rest".into(),
        ),
        (
            "account_created".into(),
            Some(admin_id),
            Some(doctor_id),
            s("role:doctor"),
            "rest".into(),
        ),
        (
            "sign_in_refused".into(),
            None,
            None,
            s("unknown_account"),
            "rest".into(),
        ),
        (
            "sign_in_refused".into(),
            Some(patient_id),
            None,
            s("wrong_password"),
            "rest".into(),
        ),
        (
            "sign_in".into(),
            Some(patient_id),
            None,
            None,
            "rest".into(),
        ),
        (
            "account_created".into(),
            None,
            Some(patient_id),
            s("role:patient"),
            "cli".into(),
        ),
        ("sign_in".into(), Some(admin_id), None, None, "rest".into()),
        (
            "account_created".into(),
            None,
            Some(admin_id),
            s("role:admin"),
            "cli".into(),
        ),
    ];
    assert_eq!(seen, expected);
    assert_eq!(page["total"], 12);
    let created = &all[5];
    assert_eq!(created["actor_name"], "Test chef");
    assert_eq!(created["actor_role"], "admin");
    assert_eq!(created["target_name"], "Anne Roux");
    assert!(
        created["request_id"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );

    // Searches.
    let (_, refused) = entries(&app, &admin, "?action=sign_in_refused").await;
    assert_eq!(refused.len(), 2);
    let (_, mine) = entries(&app, &admin, &format!("?user_id={admin_id}")).await;
    assert_eq!(mine.len(), 5, "the administrator's own acts and sign-in");
    let (_, doctors) = entries(&app, &admin, "?role=doctor").await;
    assert_eq!(doctors.len(), 2);
    let (_, later) = entries(&app, &admin, "?from=2100-01-01").await;
    assert!(later.is_empty());
    let (page, first) = entries(&app, &admin, "?per_page=5&page=3").await;
    assert_eq!((first.len(), page["total"].as_i64()), (2, Some(12)));
    for (query, field) in [
        ("?action=dance", "action"),
        ("?role=king", "role"),
        ("?from=yesterday", "from"),
        ("?from=2026-12-02&to=2026-12-01", "to"),
        ("?per_page=1000", "per_page"),
        ("?to=", "to"),
    ] {
        let (status, body) = parts(
            app.get_auth(&format!("/api/v1/activity/{query}"), &admin)
                .await,
        )
        .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (400, Some(field)),
            "{query}: {body}"
        );
    }

    // Administrators only.
    for token in [&patient, &doctor_token] {
        for path in ["/api/v1/activity/", "/api/v1/activity.csv"] {
            assert_eq!(app.get_auth(path, token).await.status(), 403, "{path}");
        }
    }

    // The download holds the same entries (and checks its paging too).
    let (status, body) = parts(
        app.get_auth("/api/v1/activity.csv?per_page=0", &admin)
            .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("per_page")));
    let csv = app
        .get_auth("/api/v1/activity.csv?action=sign_in_refused", &admin)
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,at,actor_id,actor_name,actor_role,action,target_kind,target_id,target_name,detail,door,request_id"
    );
    assert_eq!(lines.len(), 3);
    assert!(lines[1].contains(",sign_in_refused,") && lines[1].contains("unknown_account"));
    assert!(lines[2].contains("Test lea") && lines[2].contains("wrong_password"));

    // Nothing of it went to the access trail.
    let trail: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_trail")
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(trail, 0);
}
