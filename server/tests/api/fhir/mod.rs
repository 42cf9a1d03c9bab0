//! The FHIR R4 read API: the same policy and trail as the portals (every
//! relationship to one patient tried), OperationOutcome errors, paging
//! links, and a real FHIR client (the SMART `fhirclient`, strict R4 models)
//! reading a patient's whole file, each resource validated again by
//! `fhir.resources`.
//!
//! Split by topic: the policy and the trail (`policy`), OperationOutcome
//! errors and paging links (`errors`) and the real FHIR client (`client`);
//! the readings and the clinical record they read are written here.

mod client;
mod errors;
mod policy;

use serde_json::json;

use crate::common::TestApp;
use crate::common::iot::device_form;
use crate::common::medical::*;
use crate::common::records::{open, patch};

/// Two posts of three vitals from a device the doctor registers.
async fn readings(app: &TestApp, w: &World) {
    let device = post(
        app,
        &w.by_appointment,
        "/api/iot/dispositifs/",
        device_form(w.patient.id, "AA:BB:CC:00:11:22"),
    )
    .await;
    assert_eq!(device.status, 201, "{}", device.text);
    let token = device.body["token"].as_str().unwrap();
    for (spo2, pulse) in [(97, 72), (95, 80)] {
        let sent = app
            .post_auth(
                "/api/iot/data/",
                token,
                json!({"data": {"spo2": spo2, "heart_rate": pulse, "temperature": 37.2}}),
            )
            .await;
        assert_eq!(sent.status(), 201);
    }
}

/// A validated record with an ICD-10 diagnosis, and a treatment prescribed
/// from it.
async fn clinical(app: &TestApp, w: &World) -> i64 {
    let doctor = &w.by_appointment;
    let id = open(
        app,
        w,
        json!({"reason": "Céphalées", "symptoms": ["headache"]}),
    )
    .await;
    let step = |name: &str| format!("/api/v1/consultations/{id}/{name}/");
    assert_eq!(
        post(app, &w.patient, &step("submit"), json!({}))
            .await
            .status,
        200
    );
    let examined = patch(
        app,
        doctor,
        &format!("/api/v1/consultations/{id}/"),
        json!({"examination": {"diagnosis": "Hypertension artérielle essentielle", "icd10_code": "I10"}}),
    )
    .await;
    assert_eq!(examined.status, 200, "{}", examined.text);
    let validated = post(app, doctor, &step("validate"), json!({})).await;
    assert_eq!(validated.status, 200, "{}", validated.text);
    let treatment = post(
        app,
        doctor,
        "/api/treatments/",
        json!({"patient_id": w.patient.id, "medocs_name": "Amlodipine 5 mg", "frequency": 1,
               "duration_days": 30, "dose_times": ["08:00"], "consultation_id": id,
               "instructions": "Le matin"}),
    )
    .await;
    assert_eq!(treatment.status, 201, "{}", treatment.text);
    id
}
