//! Acknowledgement by the care team only, escalation once, who lists alerts, sign-out.

use super::{alerts, spo2, until};
use crate::common::iot::{connect_to, next_json, register, send, ward};
use crate::common::{parts, spawn_app};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

#[tokio::test]
async fn only_the_care_team_acknowledges_and_escalation_happens_once() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (_, token) = register(&app, &w, "AA:BB:CC:DD:EE:22").await;
    spo2(&app, &token, 85.0).await;
    let id = until(&app, &w, |l| l.len() == 1).await[0]["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/iot/alertes/{id}/acknowledge/");

    // Escalation: critical, unacknowledged past the delay, once.
    let later = Timestamp::now() + SignedDuration::from_mins(10);
    let escalated = app
        .state
        .services
        .alerts
        .escalate_due(later, SignedDuration::from_mins(5))
        .await
        .unwrap();
    assert_eq!(escalated, 1);
    assert_eq!(
        app.state
            .services
            .alerts
            .escalate_due(later, SignedDuration::from_mins(5))
            .await
            .unwrap(),
        0
    );
    let (_, notes) = parts(app.get_auth("/api/v1/notifications/", &w.doctor.1).await).await;
    assert!(
        notes.to_string().contains("alert_escalated"),
        "the care team is called in: {notes}"
    );
    let (_, notes) = parts(app.get_auth("/api/v1/notifications/", &w.stranger.1).await).await;
    assert!(!notes.to_string().contains("alert_escalated"));

    // Those who may not see the alert learn nothing of it (404, as for an
    // alert that does not exist); the patient, who sees it, is refused.
    for (token, expected) in [
        (&w.stranger.1, 404),
        (&w.patient.1, 403),
        (&w.admin.1, 404),
        (&w.doctor.1, 200),
        (&w.doctor.1, 409),
    ] {
        let (status, body) = parts(app.post_auth(&path, token, json!({})).await).await;
        assert_eq!(status, expected, "{body}");
    }
    let list = alerts(&app, &w).await;
    assert_eq!(
        (
            list[0]["acquittee"].as_bool(),
            list[0]["acquittee_par"].as_i64()
        ),
        (Some(true), Some(w.doctor.0))
    );
    assert!(!list[0]["escalated_at"].is_null());

    // Who lists alerts.
    for (token, expected) in [
        (&w.patient.1, 200),
        (&w.stranger.1, 403),
        (&w.other.1, 403),
        (&w.admin.1, 403),
    ] {
        let status = app
            .get_auth(
                &format!("/api/iot/alertes/active/?patient_id={}", w.patient.0),
                token,
            )
            .await
            .status()
            .as_u16();
        assert_eq!(status, expected);
    }
    assert_eq!(
        connect_to(&app, &format!("/ws/alerts/{}/", w.patient.0), &w.stranger.1)
            .await
            .err(),
        Some(403)
    );
    let mut own = connect_to(&app, &format!("/ws/alerts/{}/", w.patient.0), &w.patient.1)
        .await
        .unwrap();
    let first = next_json(&mut own).await.unwrap();
    assert_eq!(first["data"].as_array().map(Vec::len), Some(1));
    send(&mut own, "oops").await;
    assert_eq!(
        next_json(&mut own).await.unwrap()["error"],
        "Format JSON invalide"
    );
}

#[tokio::test]
async fn signing_out_closes_the_sockets_of_that_session_only() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let patient = w.patient.0;
    let mut alerts_feed = connect_to(&app, "/ws/alerts/", &w.doctor.1).await.unwrap();
    assert_eq!(next_json(&mut alerts_feed).await.unwrap()["type"], "alerts");
    let mut vitals = connect_to(&app, &format!("/ws/iot/{patient}/"), &w.doctor.1)
        .await
        .unwrap();
    assert_eq!(next_json(&mut vitals).await.unwrap()["type"], "iot_data");
    let mut board = connect_to(&app, "/ws/monitoring/mine/", &w.doctor.1)
        .await
        .unwrap();
    assert_eq!(next_json(&mut board).await.unwrap()["type"], "board");
    // The patient's own socket, another session: it stays.
    let mut own = connect_to(&app, &format!("/ws/iot/{patient}/"), &w.patient.1)
        .await
        .unwrap();
    assert_eq!(next_json(&mut own).await.unwrap()["type"], "iot_data");

    let (status, _) = parts(
        app.post_auth("/api/v1/auth/logout/", &w.doctor.1, json!({}))
            .await,
    )
    .await;
    assert!(status < 300, "signed out: {status}");
    assert_eq!(next_json(&mut alerts_feed).await, None, "ws/alerts/ closed");
    assert_eq!(next_json(&mut vitals).await, None, "ws/iot/ closed");
    assert_eq!(next_json(&mut board).await, None, "ws/monitoring/ closed");
    send(&mut own, r#"{"type":"get_latest"}"#).await;
    assert_eq!(
        next_json(&mut own).await.unwrap()["type"],
        "iot_data",
        "another session's socket is untouched"
    );
}
