//! Wards through the real server: administrators define them, staff watch
//! the board — only the patients the policy lets them see — live on
//! `ws/monitoring/<room>/`, and a withdrawn patient leaves the board.

use crate::common;

use common::iot::{connect_to, ingest, next_json, register, ward};
use common::{parts, spawn_app};
use serde_json::json;

#[tokio::test]
async fn staff_watch_their_ward_live_and_see_only_patients_in_their_care() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (_, token) = register(&app, &w, "AA:BB:CC:DD:EE:31").await;
    let form = json!({"name": "Cardiologie — 3e étage", "patients": [w.patient.0, w.other.0], "staff": [w.doctor.0]});
    for (who, expected) in [(&w.doctor.1, 403), (&w.patient.1, 403)] {
        let (status, _) = parts(app.post_auth("/api/iot/wards/", who, form.clone()).await).await;
        assert_eq!(status, expected);
    }
    let (status, body) = parts(
        app.post_auth(
            "/api/iot/wards/",
            &w.admin.1,
            json!({"name": " ", "patients": []}),
        )
        .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("name")));
    let (status, body) = parts(
        app.post_auth(
            "/api/iot/wards/",
            &w.admin.1,
            json!({"name": "X", "patients": [w.doctor.0]}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("patients")),
        "a doctor is not a patient"
    );
    let (status, created) = parts(
        app.post_auth("/api/iot/wards/", &w.admin.1, form.clone())
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, _) = parts(app.post_auth("/api/iot/wards/", &w.admin.1, form).await).await;
    assert_eq!(status, 409, "ward names are unique");

    // The board: the doctor's patient, not the other patient of the ward.
    let board = format!("/api/iot/wards/{id}/board/");
    let (status, rows) = parts(app.get_auth(&board, &w.doctor.1).await).await;
    assert_eq!(status, 200, "{rows}");
    let shown: Vec<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["patient"].as_i64())
        .collect();
    assert_eq!(shown, vec![w.patient.0]);
    for (who, expected) in [(&w.stranger.1, 404), (&w.admin.1, 403), (&w.patient.1, 404)] {
        assert_eq!(app.get_auth(&board, who).await.status().as_u16(), expected);
    }
    let (_, mine) = parts(app.get_auth("/api/iot/wards/", &w.doctor.1).await).await;
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    let (_, theirs) = parts(app.get_auth("/api/iot/wards/", &w.stranger.1).await).await;
    assert_eq!(theirs.as_array().map(Vec::len), Some(0));

    // Live: readings and the alert they raise arrive on the board.
    let room = format!("/ws/monitoring/{id}/");
    assert_eq!(
        connect_to(&app, &room, &w.stranger.1).await.err(),
        Some(404)
    );
    let mut live = connect_to(&app, &room, &w.doctor.1).await.unwrap();
    let first = next_json(&mut live).await.unwrap();
    assert_eq!(
        (
            first["type"].as_str(),
            first["data"].as_array().map(Vec::len)
        ),
        (Some("board"), Some(1))
    );
    let (status, _) = ingest(&app, &token, json!({"data": {"spo2": 86}})).await;
    assert_eq!(status, 201);
    let update = next_json(&mut live).await.unwrap();
    assert_eq!(
        (update["type"].as_str(), update["patient"].as_i64()),
        (Some("iot_data"), Some(w.patient.0))
    );
    assert_eq!(update["data"]["spo2"]["valeur"].as_f64(), Some(86.0));
    let alert = next_json(&mut live).await.unwrap();
    assert_eq!(
        (alert["type"].as_str(), alert["data"]["niveau"].as_str()),
        (Some("alert"), Some("critical")),
        "{alert}"
    );
    let (_, rows) = parts(app.get_auth(&board, &w.doctor.1).await).await;
    assert_eq!(
        (
            rows[0]["active_alerts"].as_i64(),
            rows[0]["worst_level"].as_str()
        ),
        (Some(1), Some("critical"))
    );

    // The patient withdraws the doctor: the patient leaves the board.
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
    let gone = next_json(&mut live).await.unwrap();
    assert_eq!(
        (gone["type"].as_str(), gone["patient"].as_i64()),
        (Some("patient_removed"), Some(w.patient.0))
    );
    let (_, rows) = parts(app.get_auth(&board, &w.doctor.1).await).await;
    assert_eq!(rows.as_array().map(Vec::len), Some(0));
}
