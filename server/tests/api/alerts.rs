//! Alerts on vital signs through the real server: raised from readings, one
//! active alert per condition (repeats update it, a worse value raises its
//! level), cleared only past the hysteresis, a rule that must hold for a
//! duration, acknowledgement by the care team only, escalation once, "no
//! signal" from a silent device, and live delivery on `ws/alerts/`.

use crate::common;

use std::time::Duration;

use common::iot::{Ward, connect_to, ingest, next_json, register, send, ward};
use common::{TestApp, parts, spawn_app};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// The patient's alerts as their doctor lists them.
async fn alerts(app: &TestApp, w: &Ward) -> Vec<Value> {
    let (status, page) = parts(
        app.get_auth(
            &format!("/api/iot/alertes/?patient_id={}", w.patient.0),
            &w.doctor.1,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    page["results"].as_array().unwrap().clone()
}

/// Waits until the alerts satisfy `done` (rules run just after the
/// readings are acknowledged).
async fn until(app: &TestApp, w: &Ward, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..100 {
        let list = alerts(app, w).await;
        if done(&list) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "alerts never reached the expected state: {:?}",
        alerts(app, w).await
    );
}

async fn spo2(app: &TestApp, token: &str, value: f64) {
    let (status, body) = ingest(app, token, json!({"data": {"spo2": value}})).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn one_alert_per_condition_with_levels_and_hysteresis() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (_, token) = register(&app, &w, "AA:BB:CC:DD:EE:21").await;
    let mut feed = connect_to(&app, "/ws/alerts/", &w.doctor.1).await.unwrap();
    assert_eq!(
        next_json(&mut feed).await.unwrap(),
        json!({"type": "alerts", "data": []})
    );

    spo2(&app, &token, 97.0).await;
    spo2(&app, &token, 91.0).await;
    let list = until(&app, &w, |l| l.len() == 1).await;
    assert_eq!(
        (list[0]["condition"].as_str(), list[0]["niveau"].as_str()),
        (Some("spo2_low"), Some("warning"))
    );
    let live = next_json(&mut feed).await.unwrap();
    assert_eq!(
        (live["type"].as_str(), live["change"].as_str()),
        (Some("alert"), Some("raised")),
        "{live}"
    );

    // Repeats update the same alert; a worse value raises its level.
    spo2(&app, &token, 90.0).await;
    spo2(&app, &token, 87.0).await;
    let list = until(&app, &w, |l| l[0]["count"] == 3).await;
    assert_eq!(list.len(), 1, "no duplicates");
    assert_eq!(list[0]["niveau"], "critical");
    assert_eq!(
        (
            list[0]["peak_value"].as_f64(),
            list[0]["last_value"].as_f64()
        ),
        (Some(87.0), Some(87.0))
    );
    assert_eq!(list[0]["first_value"].as_f64(), Some(91.0));

    // 92.5 % breaches nothing but does not clear either; 93 % clears.
    spo2(&app, &token, 92.5).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        alerts(&app, &w).await[0]["cleared_at"].is_null(),
        "inside the hysteresis band"
    );
    spo2(&app, &token, 93.0).await;
    until(&app, &w, |l| !l[0]["cleared_at"].is_null()).await;

    // A new breach after clearing is a new alert.
    spo2(&app, &token, 91.0).await;
    until(&app, &w, |l| l.len() == 2).await;
}

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
async fn a_rule_may_require_the_breach_to_last_and_silence_raises_no_signal() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (device, token) = register(&app, &w, "AA:BB:CC:DD:EE:23").await;
    // The doctor's own threshold: SpO2 under 95 % for a minute.
    let path = format!("/api/iot/patients/{}/seuils/", w.patient.0);
    let rule = json!([{"vital": "spo2", "direction": "below", "level": "warning", "threshold": 95,
                       "clear_at": 96, "for_seconds": 60}]);
    for (token, expected) in [(&w.patient.1, 403), (&w.stranger.1, 403), (&w.admin.1, 403)] {
        let response = app
            .client
            .put(app.url(&path))
            .bearer_auth(token)
            .json(&rule)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), expected);
    }
    let bad = json!([{"vital": "spo2", "direction": "below", "level": "warning", "threshold": 95, "clear_at": 90}]);
    let response = app
        .client
        .put(app.url(&path))
        .bearer_auth(&w.doctor.1)
        .json(&bad)
        .send()
        .await
        .unwrap();
    let (status, body) = parts(response).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("clear_at")),
        "{body}"
    );
    let response = app
        .client
        .put(app.url(&path))
        .bearer_auth(&w.doctor.1)
        .json(&rule)
        .send()
        .await
        .unwrap();
    let (status, rules) = parts(response).await;
    assert_eq!(status, 200, "{rules}");
    let own: Vec<&Value> = rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["own"] == true)
        .collect();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["threshold"].as_f64(), Some(95.0));
    let (status, seen) = parts(app.get_auth(&path, &w.patient.1).await).await;
    assert_eq!(
        (status, seen.as_array().map(Vec::len)),
        (200, rules.as_array().map(Vec::len))
    );
    let now = Timestamp::now().as_second();
    let at = |ago: i64, value: f64| json!({"data": {"spo2": value, "timestamp": now - ago}});
    let (status, _) = ingest(&app, &token, at(90, 94.0)).await;
    assert_eq!(status, 201);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        alerts(&app, &w).await.is_empty(),
        "one breaching reading is not a minute of breach"
    );
    let (status, _) = ingest(&app, &token, at(20, 94.0)).await;
    assert_eq!(status, 201);
    let list = until(&app, &w, |l| l.len() == 1).await;
    assert_eq!(list[0]["condition"], "spo2_low");

    // Silence: the device last sent long ago.
    sqlx::query("UPDATE devices SET last_seen_at = 0 WHERE id = $1")
        .bind(device)
        .execute(app.state.services.db().pool())
        .await
        .unwrap();
    let raised = app
        .state
        .services
        .alerts
        .watch_silence(Timestamp::now(), SignedDuration::from_mins(5))
        .await
        .unwrap();
    assert_eq!(raised, 1);
    assert_eq!(
        app.state
            .services
            .alerts
            .watch_silence(Timestamp::now(), SignedDuration::from_mins(5))
            .await
            .unwrap(),
        0
    );
    let condition = format!("no_signal:{device}");
    until(&app, &w, |l| {
        l.iter().any(|a| a["condition"] == condition.as_str())
    })
    .await;
    spo2(&app, &token, 98.0).await;
    until(&app, &w, |l| {
        l.iter()
            .any(|a| a["condition"] == condition.as_str() && !a["cleared_at"].is_null())
    })
    .await;
}

#[tokio::test]
async fn news2_is_scored_shown_and_alerts_on_medium_and_high_risk() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (_, token) = register(&app, &w, "AA:BB:CC:DD:EE:25").await;
    let news2_path = format!("/api/iot/donnees/news2/?patient_id={}", w.patient.0);
    let (status, none) = parts(app.get_auth(&news2_path, &w.doctor.1).await).await;
    assert_eq!((status, &none["news2"]), (200, &Value::Null), "{none}");

    // A healthy set: 0, low; nothing raised.
    let healthy = json!({"data": {"respiratory_rate": 16, "spo2": 97, "oxygen_flow": 0,
        "systolic": 124, "heart_rate": 72, "consciousness": 0, "temperature": 36.9}});
    assert_eq!(ingest(&app, &token, healthy).await.0, 201);
    let (_, news) = parts(app.get_auth(&news2_path, &w.doctor.1).await).await;
    assert_eq!(
        (
            news["news2"]["score"].as_u64(),
            news["news2"]["risk"].as_str()
        ),
        (Some(0), Some("low")),
        "{news}"
    );
    assert_eq!(news["news2"]["missing"], json!([]));

    // RR 22 (2), SpO2 95 (1), SBP 105 (1), pulse 95 (1): 5, medium → critical.
    let medium = json!({"data": {"respiratory_rate": 22, "spo2": 95, "systolic": 105,
        "heart_rate": 95}});
    assert_eq!(ingest(&app, &token, medium).await.0, 201);
    let list = until(&app, &w, |l| l.iter().any(|a| a["condition"] == "news2")).await;
    let alert = list.iter().find(|a| a["condition"] == "news2").unwrap();
    assert_eq!(
        (alert["niveau"].as_str(), alert["last_value"].as_f64()),
        (Some("critical"), Some(5.0)),
        "{alert}"
    );

    // Worse: on oxygen (2), RR 25 (3): 8, high → the same alert, emergency.
    let high = json!({"data": {"respiratory_rate": 25, "oxygen_flow": 2}});
    assert_eq!(ingest(&app, &token, high).await.0, 201);
    let list = until(&app, &w, |l| {
        l.iter()
            .any(|a| a["condition"] == "news2" && a["niveau"] == "emergency")
    })
    .await;
    assert_eq!(
        list.iter().filter(|a| a["condition"] == "news2").count(),
        1,
        "one NEWS2 alert, its level raised"
    );
    let (_, news) = parts(app.get_auth(&news2_path, &w.patient.1).await).await;
    assert_eq!(news["news2"]["risk"], "high", "the patient sees their own");

    // The board lists the patient with the score.
    let (status, board) = parts(app.get_auth("/api/iot/board/", &w.doctor.1).await).await;
    assert_eq!(status, 200, "{board}");
    assert_eq!(board[0]["patient"].as_i64(), Some(w.patient.0));
    assert_eq!(board[0]["news2"]["score"].as_u64(), Some(8));
    let (status, _) = parts(app.get_auth("/api/iot/board/", &w.patient.1).await).await;
    assert_eq!(status, 403, "the board is for doctors");
    let (status, _) = parts(app.get_auth(&news2_path, &w.stranger.1).await).await;
    assert_eq!(status, 403, "a doctor outside the care team");

    // Back to healthy values: 4 or more keeps it, 3 or less clears it.
    let better = json!({"data": {"respiratory_rate": 16, "spo2": 97, "oxygen_flow": 0,
        "systolic": 124, "heart_rate": 72}});
    assert_eq!(ingest(&app, &token, better).await.0, 201);
    until(&app, &w, |l| {
        l.iter()
            .any(|a| a["condition"] == "news2" && !a["cleared_at"].is_null())
    })
    .await;
}

#[tokio::test]
async fn a_low_battery_raises_a_warning_that_clears_once_recharged() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (device, _) = register(&app, &w, "AA:BB:CC:DD:EE:26").await;
    let status_path = format!("/api/iot/dispositifs/{device}/status/");
    let report = |battery: i64| json!({"status": "actif", "niveau_batterie": battery});
    let (status, _) = parts(app.post_auth(&status_path, &w.doctor.1, report(40)).await).await;
    assert_eq!(status, 200);
    let alerts_service = &app.state.services.alerts;
    assert_eq!(
        alerts_service
            .watch_batteries(Timestamp::now())
            .await
            .unwrap(),
        0
    );

    parts(app.post_auth(&status_path, &w.doctor.1, report(9)).await).await;
    assert_eq!(
        alerts_service
            .watch_batteries(Timestamp::now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        alerts_service
            .watch_batteries(Timestamp::now())
            .await
            .unwrap(),
        0,
        "one alert, not one per sweep"
    );
    let condition = format!("low_battery:{device}");
    let list = until(&app, &w, |l| {
        l.iter().any(|a| a["condition"] == condition.as_str())
    })
    .await;
    assert_eq!(list[0]["niveau"], "warning");
    assert_eq!(list[0]["last_value"].as_f64(), Some(9.0));

    // 20 % is not recharged yet; 80 % is.
    parts(app.post_auth(&status_path, &w.doctor.1, report(20)).await).await;
    alerts_service
        .watch_batteries(Timestamp::now())
        .await
        .unwrap();
    assert!(alerts(&app, &w).await[0]["cleared_at"].is_null());
    parts(app.post_auth(&status_path, &w.doctor.1, report(80)).await).await;
    alerts_service
        .watch_batteries(Timestamp::now())
        .await
        .unwrap();
    assert!(!alerts(&app, &w).await[0]["cleared_at"].is_null());
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
