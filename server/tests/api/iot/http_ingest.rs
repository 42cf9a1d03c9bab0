//! Ingest over HTTP: whole batches stored, or nothing.

use crate::common::iot::{ingest, reading_count, register, ward};
use crate::common::{parts, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn http_ingest_stores_whole_batches_or_nothing() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (id, token) = register(&app, &w, "AA:BB:CC:DD:EE:02").await;

    let (status, body) = ingest(
        &app,
        &token,
        json!({"device_mac": "AA:BB:CC:DD:EE:02", "data": {"heart_rate": 75, "spo2": 97, "timestamp": 123456}}),
    )
    .await;
    assert_eq!((status, body["stored"].as_i64()), (201, Some(2)), "{body}");

    // One bad value refuses the whole batch, naming the vital.
    let before = reading_count(&app).await;
    let (status, body) = ingest(
        &app,
        &token,
        json!([{"type_donnee": "temperature", "valeur": 37.2}, {"data": {"spo2": 130}}]),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("spo2")),
        "{body}"
    );
    assert_eq!(reading_count(&app).await, before, "nothing half-stored");

    let big: Vec<Value> = (0..1001).map(|_| json!({"data": {"spo2": 97}})).collect();
    let (status, body) = ingest(&app, &token, Value::Array(big)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("batch_too_large"))
    );
    let response = app
        .client
        .post(app.url("/api/iot/data/"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);

    // Wrong, missing, and revoked credentials.
    let (status, _) = ingest(
        &app,
        &format!("dev_{id}.{}", "0".repeat(64)),
        json!({"data": {"spo2": 97}}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = ingest(&app, &w.doctor.1, json!({"data": {"spo2": 97}})).await;
    assert_eq!(status, 401, "a user's token is not a device's");
    let (status, _) = parts(
        app.post_auth(
            &format!("/api/iot/dispositifs/{id}/revoke/"),
            &w.doctor.1,
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = ingest(&app, &token, json!({"data": {"spo2": 97}})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_device_token"))
    );

    // Seed 004's latest values, through the policy.
    let path = format!("/api/iot/donnees/latest_data/?patient_id={}", w.patient.0);
    let (status, latest) = parts(app.get_auth(&path, &w.doctor.1).await).await;
    assert_eq!(status, 200);
    assert_eq!(latest["spo2"]["valeur"].as_f64(), Some(97.0));
    assert_eq!(latest["heart_rate"]["unite"].as_str(), Some("/min"));
    assert!(latest["spo2"]["timestamp"].is_string());
    for (token, expected) in [
        (&w.patient.1, 200),
        (&w.stranger.1, 403),
        (&w.other.1, 403),
        (&w.admin.1, 403),
    ] {
        assert_eq!(app.get_auth(&path, token).await.status().as_u16(), expected);
    }
    let (status, stats) = parts(
        app.get_auth(
            &format!("/api/iot/donnees/statistics/?patient_id={}", w.patient.0),
            &w.doctor.1,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    let spo2 = stats
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["type_donnee"] == "spo2")
        .unwrap();
    assert_eq!(
        (spo2["nombre"].as_i64(), spo2["max"].as_f64()),
        (Some(1), Some(97.0))
    );
}
