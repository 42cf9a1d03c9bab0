//! Sockets: durable readings acknowledged, and only what the policy allows opened.

use crate::common::iot::{connect, next_json, reading_count, register, send, ward};
use crate::common::{parts, spawn_app};
use serde_json::json;

#[tokio::test]
async fn sockets_ack_durable_readings_and_open_only_what_the_policy_allows() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (id, token) = register(&app, &w, "AA:BB:CC:DD:EE:03").await;

    // Strangers, other patients and administrators are refused at upgrade;
    // a device cannot open another patient's room.
    for bad in [&w.stranger.1, &w.other.1, &w.admin.1] {
        assert_eq!(connect(&app, w.patient.0, bad).await.err(), Some(403));
    }
    assert_eq!(connect(&app, w.other.0, &token).await.err(), Some(403));
    assert_eq!(connect(&app, w.patient.0, "garbage").await.err(), Some(401));

    let mut dashboard = connect(&app, w.patient.0, &w.doctor.1).await.unwrap();
    let first = next_json(&mut dashboard).await.unwrap();
    assert_eq!(
        first["type"], "iot_data",
        "the latest values come first: {first}"
    );

    let mut device = connect(&app, w.patient.0, &token).await.unwrap();
    next_json(&mut device).await.unwrap();
    send(&mut device, "{not json").await;
    let error = next_json(&mut device).await.unwrap();
    assert_eq!(
        error,
        json!({"type": "error", "error": "Format JSON invalide"})
    );
    send(
        &mut device,
        r#"{"type":"sensor_data","seq":1,"data":{"spo2":130}}"#,
    )
    .await;
    let refused = next_json(&mut device).await.unwrap();
    assert_eq!(
        (
            refused["type"].as_str(),
            refused["field"].as_str(),
            refused["seq"].as_i64()
        ),
        (Some("error"), Some("spo2"), Some(1))
    );
    assert_eq!(reading_count(&app).await, 0);

    // Still usable: a good reading is acknowledged once stored, and reaches
    // the doctor's dashboard.
    send(
        &mut device,
        r#"{"type":"sensor_data","device_mac":"AA:BB:CC:DD:EE:03","seq":2,"data":{"heart_rate":88,"timestamp":5000}}"#,
    )
    .await;
    let mut acked = false;
    while !acked {
        let message = next_json(&mut device).await.unwrap();
        acked = message["type"] == "ack";
        if acked {
            assert_eq!(message["seq"].as_i64(), Some(2));
            assert_eq!(reading_count(&app).await, 1, "acknowledged means stored");
        }
    }
    let live = next_json(&mut dashboard).await.unwrap();
    assert_eq!(
        live["data"]["heart_rate"]["valeur"].as_f64(),
        Some(88.0),
        "{live}"
    );
    send(&mut dashboard, r#"{"type":"get_latest"}"#).await;
    let latest = next_json(&mut dashboard).await.unwrap();
    assert_eq!(latest["data"]["heart_rate"]["valeur"].as_f64(), Some(88.0));

    // A patient cannot push readings into their own room.
    let mut own = connect(&app, w.patient.0, &w.patient.1).await.unwrap();
    next_json(&mut own).await.unwrap();
    send(&mut own, r#"{"type":"iot_data","data":{"spo2":97}}"#).await;
    assert_eq!(next_json(&mut own).await.unwrap()["type"], "error");

    // Revoking the device drops its socket.
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
    while let Some(message) = next_json(&mut device).await {
        assert_ne!(message["type"], "ack");
    }

    // Withdrawing the doctor drops their socket.
    let (_, team) = parts(
        app.get_auth("/api/v1/care-relationships/", &w.patient.1)
            .await,
    )
    .await;
    let relationship = team.as_array().unwrap()[0]["id"].as_i64().unwrap();
    let (status, _) = parts(
        app.post_auth(
            &format!("/api/v1/care-relationships/{relationship}/end/"),
            &w.patient.1,
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    loop {
        match next_json(&mut dashboard).await {
            None => break,
            Some(message) => assert_eq!(message["type"], "iot_data"),
        }
    }
    assert_eq!(
        connect(&app, w.patient.0, &w.doctor.1).await.err(),
        Some(403)
    );
}
