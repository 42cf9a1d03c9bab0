//! One alert per condition: repeats, a worse level, hysteresis, live delivery.

use std::time::Duration;

use super::{alerts, spo2, until};
use crate::common::iot::{connect_to, next_json, register, ward};
use crate::common::spawn_app;
use serde_json::json;

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
