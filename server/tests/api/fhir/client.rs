//! A real FHIR client (`read_fhir.py`) reading a patient's whole file, valid R4.

use std::process::Command;

use serde_json::{Value, json};

use super::{clinical, readings};
use crate::common::medical::Trail::*;
use crate::common::medical::*;
use crate::common::{TestApp, spawn_app, twilio};

/// Runs `read_fhir.py` off the test's runtime (the server answers it
/// meanwhile).
async fn read_fhir(app: &TestApp, mode: &str, token: &str, patient: i64) -> Value {
    let script = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scripts/test-python/read_fhir.py");
    let mut command = Command::new(twilio::python());
    command
        .arg(script)
        .arg(mode)
        .arg(app.url("/fhir/"))
        .arg(token)
        .arg(patient.to_string());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        output.status.success(),
        "read_fhir.py {mode}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn a_fhir_client_reads_a_whole_file_valid_r4() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    readings(&app, &w).await;
    let record = clinical(&app, &w).await;
    let p = w.patient.id;

    for reader in [&w.patient, &w.by_appointment] {
        let read = read_fhir(&app, "read", &reader.token, p).await;
        assert_eq!(read["capability"]["fhirVersion"], "4.0.1");
        assert_eq!(read["capability"]["types"].as_array().unwrap().len(), 10);
        assert_eq!(read["patient"]["id"], p.to_string());
        let searches = &read["searches"];
        let found = |kind: &str| searches[kind]["resources"].as_array().unwrap().clone();
        assert_eq!(searches["Observation"]["pages"], 3, "followed page by page");
        assert_eq!(found("Observation").len(), 6);
        let appointments = found("Appointment");
        assert_eq!(appointments.len(), 1);
        assert_eq!(appointments[0]["id"], w.appointment_id.to_string());
        assert_eq!(appointments[0]["status"], "booked");
        let conditions = found("Condition");
        assert_eq!(conditions.len(), 1);
        assert_eq!(
            conditions[0]["code"]["coding"][0]["system"],
            "http://hl7.org/fhir/sid/icd-10"
        );
        assert_eq!(conditions[0]["code"]["coding"][0]["code"], "I10");
        assert_eq!(
            conditions[0]["encounter"]["reference"],
            format!("Encounter/{record}")
        );
        let encounters = found("Encounter");
        assert_eq!(encounters.len(), 1);
        assert_eq!(encounters[0]["status"], "finished");
        assert_eq!(
            encounters[0]["appointment"][0]["reference"],
            format!("Appointment/{}", w.appointment_id)
        );
        let medicines = found("MedicationStatement");
        assert_eq!(medicines.len(), 1);
        assert_eq!(medicines[0]["status"], "active");
        assert_eq!(
            medicines[0]["medicationCodeableConcept"]["text"],
            "Amlodipine 5 mg"
        );
        assert_eq!(
            medicines[0]["dosage"][0]["timing"]["repeat"]["timeOfDay"],
            json!(["08:00:00"])
        );
        assert_eq!(
            medicines[0]["context"]["reference"],
            format!("Encounter/{record}")
        );
        assert!(read["practitioners"].as_array().unwrap().len() >= 6);
        let slots = read["free_slots"][w.by_appointment.id.to_string()]
            .as_i64()
            .unwrap();
        assert!(
            slots > 100,
            "a week of 30-minute slots, 07:00 to 21:00: {slots}"
        );
        assert_eq!(
            read["everything"],
            json!({"Patient": 1, "Practitioner": 2, "Appointment": 1, "Encounter": 1,
                   "Condition": 1, "MedicationStatement": 1, "Observation": 6})
        );
        assert!(read["validated"].as_i64().unwrap() > 20);
    }

    let before = trail_head(&app).await;
    let refused = read_fhir(&app, "refused", &w.stranger.token, p).await;
    assert_eq!(refused["status"], 403);
    assert!(
        refused["content_type"]
            .as_str()
            .unwrap()
            .starts_with("application/fhir+json")
    );
    assert_eq!(refused["issue"]["code"], "forbidden");
    let entries = trail_after(&app, before).await;
    assert_eq!(
        entries.iter().map(seen).collect::<Vec<_>>(),
        want(&w.stranger, "read", "medical_profile", p, Refused)
    );
    assert_eq!(entries[0].door, "fhir");
}
