//! The metrics: readings, requests, sockets and alerts counted.

use std::time::Duration;

use crate::common::iot::{connect, ingest, next_json, register, ward};
use crate::common::{parts, spawn_app};
use serde_json::json;

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
