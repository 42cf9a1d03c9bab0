//! Vitals from devices through the real server: the registry and its
//! policy, ingest over HTTP and over `ws/iot/<patient_id>/`, bad input (a
//! clear error, nothing half-stored, the socket still usable), socket
//! authorization with other users' tokens, revocation and withdrawal
//! dropping sockets, and two instances over one PostgreSQL and one Redis.

use crate::common;

use std::time::Duration;

use common::iot::{connect, device_form, ingest, next_json, reading_count, register, send, ward};
use common::{parts, spawn_app};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn the_registry_follows_the_policy_and_keeps_only_a_hash() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (id, token) = register(&app, &w, "AA:BB:CC:DD:EE:01").await;
    assert!(token.starts_with(&format!("dev_{id}.")));

    let stored: String = sqlx::query_scalar("SELECT secret_hash FROM devices WHERE id = $1")
        .bind(id)
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    let secret = token.split_once('.').unwrap().1;
    assert!(
        !stored.contains(secret) && stored.len() == 64,
        "only a SHA-256 is kept"
    );

    // Who may register for this patient.
    for (n, (who, token, expected)) in [
        ("stranger", &w.stranger.1, 403),
        ("patient", &w.patient.1, 403),
        ("other patient", &w.other.1, 403),
        ("admin", &w.admin.1, 201),
    ]
    .into_iter()
    .enumerate()
    {
        let mac = format!("AA:BB:CC:DD:EF:{n:02X}");
        let (status, body) = parts(
            app.post_auth(
                "/api/iot/dispositifs/",
                token,
                device_form(w.patient.0, &mac),
            )
            .await,
        )
        .await;
        assert_eq!(status, expected, "{who}: {body}");
    }

    // Bad fields are named; a taken MAC is a conflict on it.
    let (status, body) = parts(
        app.post_auth(
            "/api/iot/dispositifs/",
            &w.doctor.1,
            device_form(w.patient.0, "AA:BB"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("adresse_mac")),
        "{body}"
    );
    let (status, body) = parts(
        app.post_auth(
            "/api/iot/dispositifs/",
            &w.doctor.1,
            device_form(w.patient.0, "aa-bb-cc-dd-ee-01"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (409, Some("adresse_mac")),
        "{body}"
    );

    // Reading the device: the patient and their doctor, not others, who
    // learn no more than of a device that does not exist.
    for (token, expected) in [
        (&w.patient.1, 200),
        (&w.doctor.1, 200),
        (&w.admin.1, 200),
        (&w.stranger.1, 404),
        (&w.other.1, 404),
    ] {
        let status = app
            .get_auth(&format!("/api/iot/dispositifs/{id}/"), token)
            .await
            .status()
            .as_u16();
        assert_eq!(status, expected);
    }
    let (status, list) = parts(app.get_auth("/api/iot/dispositifs/", &w.other.1).await).await;
    assert_eq!(
        (status, list["count"].as_i64()),
        (200, Some(0)),
        "another patient sees none"
    );
    let (_, list) = parts(app.get_auth("/api/iot/dispositifs/", &w.doctor.1).await).await;
    assert_eq!(list["count"].as_i64(), Some(2), "{list}");
}

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

#[tokio::test]
async fn two_instances_behave_as_one_over_redis() {
    let (one, two, database) = common::two_instances("iot").await;
    let w = ward(&one).await;
    let (_, token) = register(&one, &w, "AA:BB:CC:DD:EE:04").await;

    // A dashboard on instance two, a reading posted to instance one.
    let mut dashboard = connect(&two, w.patient.0, &w.doctor.1).await.unwrap();
    next_json(&mut dashboard).await.unwrap();
    let (status, _) = ingest(&one, &token, json!({"data": {"spo2": 91}})).await;
    assert_eq!(status, 201);
    let live = next_json(&mut dashboard).await.unwrap();
    assert_eq!(live["data"]["spo2"]["valeur"].as_f64(), Some(91.0));

    // The alert it raised on instance one reaches instance two as well.
    let alert = next_json(&mut dashboard).await.unwrap();
    assert_eq!(
        (alert["type"].as_str(), alert["change"].as_str()),
        (Some("alert"), Some("raised")),
        "{alert}"
    );

    // Exactly once: nothing else arrives for that reading.
    let again = tokio::time::timeout(Duration::from_millis(500), dashboard.next()).await;
    assert!(
        again.is_err() || matches!(again, Ok(Some(Ok(Message::Ping(_))))),
        "delivered twice: {again:?}"
    );
    // A command sent through instance one reaches the device on instance two;
    // an offline device answers 409.
    let (device_id, _) = (register(&one, &w, "AA:BB:CC:DD:EE:06").await.0, ());
    let path = format!("/api/iot/dispositifs/{device_id}/send-command/");
    let command = json!({"command": "set_interval", "params": {"seconds": 10}});
    let (status, body) = parts(one.post_auth(&path, &w.doctor.1, command.clone()).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("device_offline")),
        "{body}"
    );
    let device_token = {
        let (status, body) = parts(
            one.post_auth(
                &format!("/api/iot/dispositifs/{device_id}/rekey/"),
                &w.doctor.1,
                json!({}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200);
        body["token"].as_str().unwrap().to_owned()
    };
    let mut device = connect(&two, w.patient.0, &device_token).await.unwrap();
    next_json(&mut device).await.unwrap();
    let (status, body) = parts(one.post_auth(&path, &w.doctor.1, command.clone()).await).await;
    assert_eq!(
        (status, body["delivered"].as_bool()),
        (202, Some(true)),
        "{body}"
    );
    let mut received = None;
    while let Some(message) = next_json(&mut device).await {
        if message["type"] == "command" {
            received = Some(message);
            break;
        }
    }
    let received = received.expect("the command reached the device");
    assert_eq!(
        (
            received["command"].as_str(),
            received["params"]["seconds"].as_i64()
        ),
        (Some("set_interval"), Some(10))
    );
    let (status, _) = parts(one.post_auth(&path, &w.stranger.1, command).await).await;
    assert_eq!(status, 404, "hidden from a doctor outside the care team");
    drop((one, two));
    common::drop_postgres(&database).await;
}

#[tokio::test]
async fn metrics_count_readings_requests_sockets_and_alerts() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (_, token) = register(&app, &w, "AA:BB:CC:DD:EE:05").await;
    let mut dashboard = connect(&app, w.patient.0, &w.doctor.1).await.unwrap();
    next_json(&mut dashboard).await.unwrap();
    let (status, _) = ingest(
        &app,
        &token,
        json!({"data": {"spo2": 90, "heart_rate": 80}}),
    )
    .await;
    assert_eq!(status, 201);
    next_json(&mut dashboard).await.unwrap();
    // The alert is raised just after the acknowledgement.
    next_json(&mut dashboard).await.unwrap();

    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "medplat_readings_stored_total 2",
        r#"medplat_http_requests_total{method="POST",route="/api/iot/data/",status="201"} 1"#,
        r#"medplat_websockets_open{kind="user"} 1"#,
        r#"medplat_alerts_raised_total{level="warning"} 1"#,
        "medplat_ingest_to_dashboard_seconds_count 1",
        r#"medplat_db_pool_connections{kind="open"}"#,
        r#"medplat_db_pool_connections{kind="max"}"#,
        r#"medplat_jobs_waiting{kind="all",state="due"} 0"#,
        r#"medplat_outbox_queued{kind="sms"} 0"#,
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from:\n{text}"))
    };
    assert!(value("medplat_process_resident_memory_bytes") > 1e6);
    // The reading was judged by the alert rules after its commit: a lag is
    // measured once the pass ends (just after the alert went out).
    let mut lag = 0.0;
    for _ in 0..50 {
        let text = app
            .client
            .get(app.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        lag = text
            .lines()
            .find_map(|l| {
                l.strip_prefix(r#"medplat_alert_evaluation_lag_seconds{kind="last"} "#)?
                    .parse()
                    .ok()
            })
            .unwrap_or(0.0);
        if lag > 0.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(lag > 0.0 && lag < 5.0, "{lag}");
    // The registry of open sockets, for administrators only.
    let (status, sessions) =
        parts(app.get_auth("/api/iot/sessions/active/", &w.admin.1).await).await;
    assert_eq!(status, 200, "{sessions}");
    let rooms: Vec<&str> = sessions["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["room"].as_str())
        .collect();
    assert_eq!(rooms, vec![format!("ws/iot/{}/", w.patient.0).as_str()]);
    assert_eq!(sessions["results"][0]["user_id"].as_i64(), Some(w.doctor.0));
    assert_eq!(
        app.get_auth("/api/iot/sessions/", &w.doctor.1)
            .await
            .status()
            .as_u16(),
        403
    );
    drop(dashboard);
    for _ in 0..100 {
        let (_, sessions) = parts(app.get_auth("/api/iot/sessions/", &w.admin.1).await).await;
        if sessions["count"] == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("a closed socket stays in the registry");
}
