//! Device data taken as sent: the message's own timestamp is checked and
//! used, a message naming another device is refused (and shown in the
//! registry), and seed 004's flat socket message is read.

use crate::common;

use common::iot::{connect, ingest, next_json, reading_count, register, send, ward};
use common::{parts, spawn_app};
use serde_json::json;

#[tokio::test]
async fn the_message_s_timestamp_is_checked_and_used() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (_, token) = register(&app, &w, "AA:BB:CC:00:00:01").await;
    for (timestamp, code) in [
        (json!("garbage"), "invalid_timestamp"),
        // Past the last instant the platform represents.
        (json!("9999-12-31T00:00:00Z"), "invalid_timestamp"),
        (json!("2100-01-01T00:00:00Z"), "timestamp_in_future"),
        (json!("2020-01-01T00:00:00Z"), "timestamp_too_old"),
    ] {
        let (status, body) = ingest(
            &app,
            &token,
            json!({"device_mac": "AA:BB:CC:00:00:01", "timestamp": timestamp, "data": {"spo2": 97}}),
        )
        .await;
        assert_eq!(status, 400, "{timestamp}: {body}");
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["field"], "timestamp", "{body}");
    }
    assert_eq!(reading_count(&app).await, 0);

    let at = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(10);
    let (status, body) = ingest(
        &app,
        &token,
        json!({"device_mac": "AA:BB:CC:00:00:01", "timestamp": at.to_string(), "data": {"spo2": 97}}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (_, readings) = parts(
        app.get_auth(
            &format!("/api/iot/donnees/?patient_id={}", w.patient.0),
            &w.patient.1,
        )
        .await,
    )
    .await;
    let stamped: jiff::Timestamp = readings["results"][0]["timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(stamped.as_second(), at.as_second(), "{readings}");
}

#[tokio::test]
async fn a_message_naming_another_device_is_refused_and_shown() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (id, token) = register(&app, &w, "AA:BB:CC:00:00:01").await;
    let (_, _other) = register(&app, &w, "AA:BB:CC:00:00:02").await;

    // Another device's address, in any of the places a device names itself.
    for body in [
        json!({"device_mac": "AA:BB:CC:00:00:02", "data": {"spo2": 97}}),
        json!({"data": {"device_mac": "aa-bb-cc-00-00-02", "spo2": 97}}),
        json!([{"device_mac": "AA:BB:CC:00:00:01", "data": {"spo2": 97}},
               {"device_mac": "AA:BB:CC:00:00:02", "data": {"spo2": 96}}]),
    ] {
        let (status, answer) = ingest(&app, &token, body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["code"], "device_mismatch", "{answer}");
        assert_eq!(answer["field"], "device_mac", "{answer}");
    }
    assert_eq!(reading_count(&app).await, 0, "nothing stored");
    let (status, answer) = ingest(
        &app,
        &token,
        json!({"device_mac": "not a mac", "data": {"spo2": 97}}),
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_mac_address"))
    );

    // Its own address, written another way, is its own.
    let (status, answer) = ingest(
        &app,
        &token,
        json!({"device_mac": "aa:bb:cc:00:00:01", "data": {"spo2": 97}}),
    )
    .await;
    assert_eq!(status, 201, "{answer}");

    // The registry shows the last refusal.
    let (status, device) = parts(
        app.get_auth(&format!("/api/iot/dispositifs/{id}/"), &w.doctor.1)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{device}");
    assert_eq!(device["dernier_refus"], "AA:BB:CC:00:00:02", "{device}");
    assert!(device["dernier_refus_le"].is_string(), "{device}");

    // On the socket too.
    let mut socket = connect(&app, w.patient.0, &token).await.unwrap();
    let _latest = next_json(&mut socket).await.unwrap();
    send(
        &mut socket,
        r#"{"type": "sensor_data", "device_mac": "AA:BB:CC:00:00:02", "seq": 4, "data": {"spo2": 97}}"#,
    )
    .await;
    let answer = next_json(&mut socket).await.unwrap();
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(answer["code"], "device_mismatch", "{answer}");
    assert_eq!(answer["seq"], 4, "{answer}");
}

#[tokio::test]
async fn seed_004_s_flat_socket_message_is_read() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (_, token) = register(&app, &w, "AA:BB:CC:00:00:01").await;
    let mut socket = connect(&app, w.patient.0, &token).await.unwrap();
    let _latest = next_json(&mut socket).await.unwrap();
    send(&mut socket, r#"{"type": "iot_data", "spo2": 96, "seq": 1}"#).await;
    let answer = next_json(&mut socket).await.unwrap();
    assert_eq!(answer["type"], "ack", "{answer}");
    assert_eq!(answer["stored"], 1, "{answer}");
    assert_eq!(reading_count(&app).await, 1);
}
