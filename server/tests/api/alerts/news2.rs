//! NEWS2: scored and shown, critical at medium risk, emergency at high, then cleared.

use super::until;
use crate::common::iot::{ingest, register, ward};
use crate::common::{parts, spawn_app};
use serde_json::{Value, json};

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
