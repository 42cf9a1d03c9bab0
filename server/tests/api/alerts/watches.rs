//! A doctor's own threshold that must last, and the watches: silent devices, low batteries.

use std::time::Duration;

use super::{alerts, spo2, until};
use crate::common::iot::{ingest, register, ward};
use crate::common::{parts, spawn_app};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

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
