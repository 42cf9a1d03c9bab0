//! Emergency access ("breaking the glass"): for doctors outside the care
//! team, with a stated reason, notified to the patient, until it expires.

use crate::common::medical::*;
use crate::common::{parts, spawn_app};
use domain::accounts::Role;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breaking_the_glass_is_for_doctors_outside_the_team_and_lasts_until_it_expires() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;

    let path = format!("/api/v1/patients/{}/emergency-access/", w.patient.id);
    let body = json!({"reason": format!("  {REASON}  ")});
    let opened = table(
        &app,
        Method::POST,
        &path,
        Some(body.clone()),
        "break_glass",
        "emergency_access",
        w.patient.id,
        &[
            (&w.patient, 403, Refused),
            (&w.other_patient, 403, Refused),
            (&w.admin, 403, Refused),
            (&w.by_appointment, 409, Nothing),
            (&w.assigned, 409, Nothing),
            (&w.emergency, 409, Nothing),
            (&w.withdrawn, 201, AllowedEmergency),
            (&w.stranger, 201, AllowedEmergency),
            (&w.expired, 201, AllowedEmergency),
        ],
    )
    .await;
    for sent in opened.iter().filter(|s| s.status == 409) {
        assert_eq!(sent.body["code"], "already_has_access", "{}", sent.text);
    }
    let grant = &opened[7].body;
    assert_eq!(grant["doctor_id"], w.stranger.id);
    assert_eq!(grant["reason"], REASON, "trimmed");
    let (granted_at, expires_at) = (
        grant["granted_at"].as_i64().unwrap(),
        grant["expires_at"].as_i64().unwrap(),
    );
    assert_eq!(expires_at - granted_at, 60 * 60 * 1000, "one hour");
    assert_eq!(
        opened[7].entries[0].resource_id,
        Some(grant["id"].as_i64().unwrap().to_string())
    );

    // The reason is required, 10 to 500 characters; nothing is opened without it.
    let newcomer = actor(&app, Role::Doctor, "dr.newcomer").await;
    for reason in ["", "  urgent  ", &"x".repeat(501)] {
        let sent = post(&app, &newcomer, &path, json!({"reason": reason})).await;
        assert_eq!(sent.status, 400, "{}", sent.text);
        assert_eq!(sent.body["field"], "reason");
        assert_trail(&sent, &[], "a bad reason");
    }
    let not_a_patient = post(
        &app,
        &newcomer,
        &format!("/api/v1/patients/{}/emergency-access/", w.admin.id),
        body.clone(),
    )
    .await;
    assert_eq!(not_a_patient.status, 404);
    assert_trail(&not_a_patient, &[], "no such patient");

    // The patient is told, with who and why.
    let (status, inbox) = parts(
        app.get_auth("/api/v1/notifications/", &w.patient.token)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{inbox}");
    let notices: Vec<&Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["notice"])
        .filter(|n| n["kind"] == "emergency_access")
        .collect();
    // dr.emergency and dr.expired while the world was made, then three more.
    assert_eq!(notices.len(), 5, "{inbox}");
    assert!(
        notices
            .iter()
            .any(|n| n["doctor_name"] == "Test dr.stranger" && n["reason"] == REASON),
        "{inbox}"
    );
    let (_, others) = parts(
        app.get_auth("/api/v1/notifications/", &w.other_patient.token)
            .await,
    )
    .await;
    assert!(
        others["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["notice"]["kind"] != "emergency_access"),
        "only the patient concerned: {others}"
    );

    // Before expiry: reads flagged as emergency; after: refused, on the very
    // next request.
    let profile = w.profile_path();
    let before = get(&app, &w.stranger, &profile).await;
    assert_eq!(before.status, 200);
    assert_trail(
        &before,
        &want(
            &w.stranger,
            "read",
            "medical_profile",
            w.patient.id,
            AllowedEmergency,
        ),
        "before expiry",
    );
    expire(&app, grant["id"].as_i64().unwrap()).await;
    let after = get(&app, &w.stranger, &profile).await;
    assert_eq!(after.status, 403);
    assert_trail(
        &after,
        &want(
            &w.stranger,
            "read",
            "medical_profile",
            w.patient.id,
            Refused,
        ),
        "after expiry",
    );
    let team = get(
        &app,
        &w.stranger,
        &format!("/api/v1/patients/{}/care-team/", w.patient.id),
    )
    .await;
    assert_eq!(team.status, 403);
    // The glass can be broken again.
    let again = post(&app, &w.stranger, &path, body).await;
    assert_eq!(again.status, 201, "{}", again.text);
    let read = get(&app, &w.stranger, &profile).await;
    assert_eq!(read.status, 200);
}
