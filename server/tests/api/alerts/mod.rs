//! Alerts on vital signs through the real server: raised from readings, one
//! active alert per condition (repeats update it, a worse value raises its
//! level), cleared only past the hysteresis, a rule that must hold for a
//! duration, acknowledgement by the care team only, escalation once, "no
//! signal" from a silent device, and live delivery on `ws/alerts/`.
//!
//! Split by topic: one alert per condition, its levels and hysteresis
//! (`levels`), acknowledgement, escalation, who lists alerts and the sockets
//! closed on signing out (`access`), a doctor's own threshold, silent devices
//! and low batteries (`watches`) and NEWS2 (`news2`); the helpers they share
//! are here.

mod access;
mod levels;
mod news2;
mod watches;

use crate::common;

use std::time::Duration;

use common::iot::{Ward, ingest};
use common::{TestApp, parts};
use serde_json::{Value, json};

/// The patient's alerts as their doctor lists them.
async fn alerts(app: &TestApp, w: &Ward) -> Vec<Value> {
    let (status, page) = parts(
        app.get_auth(
            &format!("/api/iot/alertes/?patient_id={}", w.patient.0),
            &w.doctor.1,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    page["results"].as_array().unwrap().clone()
}

/// Waits until the alerts satisfy `done` (rules run just after the
/// readings are acknowledged).
async fn until(app: &TestApp, w: &Ward, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..100 {
        let list = alerts(app, w).await;
        if done(&list) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "alerts never reached the expected state: {:?}",
        alerts(app, w).await
    );
}

async fn spo2(app: &TestApp, token: &str, value: f64) {
    let (status, body) = ingest(app, token, json!({"data": {"spo2": value}})).await;
    assert_eq!(status, 201, "{body}");
}
