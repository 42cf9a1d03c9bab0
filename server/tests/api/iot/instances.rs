//! Two instances over one PostgreSQL and one Redis behaving as one.

use crate::common;

use std::time::Duration;

use common::iot::{connect, ingest, next_json, register, ward};
use common::parts;
use futures_util::StreamExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

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
