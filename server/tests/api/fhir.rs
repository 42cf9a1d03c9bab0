//! The FHIR R4 read API: the same policy and trail as the portals (every
//! relationship to one patient tried), OperationOutcome errors, paging
//! links, and a real FHIR client (the SMART `fhirclient`, strict R4 models)
//! reading a patient's whole file, each resource validated again by
//! `fhir.resources`.

use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::iot::device_form;
use crate::common::medical::Trail::*;
use crate::common::medical::*;
use crate::common::records::{open, patch};
use crate::common::{TestApp, spawn_app, twilio};

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

#[tokio::test]
async fn fhir_reads_go_through_the_policy_and_the_trail() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    readings(&app, &w).await;
    let p = w.patient.id;
    let everyone = |ok: u16| {
        [
            (&w.patient, ok, Allowed),
            (&w.by_appointment, ok, Allowed),
            (&w.assigned, ok, Allowed),
            (&w.withdrawn, 403, Refused),
            (&w.stranger, 403, Refused),
            (&w.emergency, ok, AllowedEmergency),
            (&w.expired, 403, Refused),
            (&w.admin, 403, Refused),
            (&w.other_patient, 403, Refused),
        ]
    };
    let patients = table(
        &app,
        Method::GET,
        &format!("/fhir/Patient/{p}"),
        None,
        "read",
        "medical_profile",
        p,
        &everyone(200),
    )
    .await;
    let marie = &patients[0].body;
    assert_eq!(marie["resourceType"], "Patient");
    assert_eq!(marie["id"], p.to_string());
    assert_eq!(marie["name"][0]["use"], "official");
    assert!(
        patients[0]
            .content_type
            .starts_with("application/fhir+json")
    );
    for sent in patients.iter().filter(|s| s.status == 200) {
        assert_eq!(&sent.body, marie, "everyone allowed reads the same patient");
    }

    let observations = table(
        &app,
        Method::GET,
        &format!("/fhir/Observation?patient=Patient/{p}"),
        None,
        "read",
        "vitals",
        p,
        &everyone(200),
    )
    .await;
    let bundle = &observations[0].body;
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], 6);
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 6);
    let spo2: Vec<&Value> = entries
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["code"]["coding"][0]["code"] == "59408-5")
        .collect();
    assert_eq!(spo2.len(), 2);
    for o in &spo2 {
        assert_eq!(o["code"]["coding"][0]["system"], "http://loinc.org");
        assert_eq!(o["category"][0]["coding"][0]["code"], "vital-signs");
        assert_eq!(o["valueQuantity"]["system"], "http://unitsofmeasure.org");
        assert_eq!(o["valueQuantity"]["code"], "%");
        assert_eq!(o["subject"]["reference"], format!("Patient/{p}"));
    }
    let mut values: Vec<f64> = spo2
        .iter()
        .map(|o| o["valueQuantity"]["value"].as_f64().unwrap())
        .collect();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, [95.0, 97.0]);

    // One Observation read by its id: hidden (404) from who may not read it.
    let id = spo2[0]["id"].as_str().unwrap();
    let path = format!("/fhir/Observation/{id}");
    let mine = get(&app, &w.patient, &path).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_eq!(&mine.body, spo2[0]);
    let hidden = get(&app, &w.stranger, &path).await;
    assert_eq!(hidden.status, 404, "{}", hidden.text);
    assert_eq!(hidden.body["issue"][0]["code"], "not-found");
    assert_trail(
        &hidden,
        &want(&w.stranger, "read", "vitals", p, Refused),
        "a stranger's read of one reading",
    );

    // A doctor names the patient; an administrator lists no patients.
    let unnamed = get(&app, &w.by_appointment, "/fhir/Observation").await;
    assert_eq!(unnamed.status, 400, "{}", unnamed.text);
    assert_eq!(unnamed.body["issue"][0]["expression"], json!(["patient"]));
    let admin = get(&app, &w.admin, "/fhir/Patient").await;
    assert_eq!(admin.status, 403, "{}", admin.text);
    let cared = get(&app, &w.by_appointment, "/fhir/Patient").await;
    assert_eq!(cared.status, 200, "{}", cared.text);
    assert_eq!(cared.body["total"], 1);
    assert_eq!(cared.body["entry"][0]["resource"], *marie);
    let stranger = get(&app, &w.stranger, "/fhir/Patient").await;
    assert_eq!(stranger.body["total"], 0, "nobody in their care");
}

#[tokio::test]
async fn fhir_errors_are_operation_outcomes_and_pages_link_to_each_other() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    readings(&app, &w).await;
    let p = w.patient.id;

    let anonymous = app
        .client
        .get(app.url(&format!("/fhir/Patient/{p}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(body["resourceType"], "OperationOutcome");
    assert_eq!(body["issue"][0]["code"], "login");

    let metadata = app
        .client
        .get(app.url("/fhir/metadata"))
        .send()
        .await
        .unwrap();
    assert_eq!(metadata.status(), 200, "the statement is public");
    let statement: Value = metadata.json().await.unwrap();
    assert_eq!(statement["resourceType"], "CapabilityStatement");
    assert_eq!(statement["fhirVersion"], "4.0.1");

    for (path, status, code, field) in [
        (
            "/fhir/Observation?date=yesterday",
            400,
            "invalid",
            Some("date"),
        ),
        (
            "/fhir/Observation?colour=blue",
            400,
            "invalid",
            Some("query"),
        ),
        (
            "/fhir/Observation?_count=9999",
            400,
            "invalid",
            Some("_count"),
        ),
        (
            "/fhir/Appointment?status=maybe",
            400,
            "invalid",
            Some("status"),
        ),
        ("/fhir/Slot", 400, "invalid", Some("schedule")),
        (
            "/fhir/Observation?_format=xml",
            400,
            "invalid",
            Some("_format"),
        ),
        ("/fhir/Frobnicate", 404, "not-found", None),
        ("/fhir/Patient/abc", 404, "not-found", None),
        ("/fhir/Patient/999999", 404, "not-found", None),
        ("/fhir/Slot/1", 404, "not-found", None),
        ("/fhir/Patient/1/2/3/4", 404, "not-found", None),
    ] {
        let sent = get(&app, &w.patient, path).await;
        assert_eq!(sent.status, status, "{path}: {}", sent.text);
        assert!(
            sent.content_type.starts_with("application/fhir+json"),
            "{path}"
        );
        assert_eq!(sent.body["resourceType"], "OperationOutcome", "{path}");
        assert_eq!(sent.body["issue"][0]["severity"], "error", "{path}");
        assert_eq!(sent.body["issue"][0]["code"], code, "{path}");
        if let Some(field) = field {
            assert_eq!(
                sent.body["issue"][0]["expression"],
                json!([field]),
                "{path}"
            );
        }
    }
    let written = send(
        &app,
        &w.patient,
        Method::POST,
        "/fhir/Patient",
        Some(json!({})),
    )
    .await;
    assert_eq!(written.status, 405, "{}", written.text);
    assert_eq!(written.body["issue"][0]["code"], "not-supported");

    // Six readings, two a page: three pages linked both ways.
    let first = get(
        &app,
        &w.patient,
        &format!("/fhir/Observation?patient={p}&_count=2"),
    )
    .await;
    assert_eq!(first.body["total"], 6);
    let link = |body: &Value, relation: &str| -> Option<String> {
        body["link"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["relation"] == relation)
            .map(|l| l["url"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        link(&first.body, "self").unwrap(),
        app.url(&format!("/fhir/Observation?patient={p}&_count=2"))
    );
    assert_eq!(link(&first.body, "previous"), None);
    let mut seen = Vec::new();
    let mut page = first.body.clone();
    loop {
        for e in page["entry"].as_array().unwrap() {
            assert_eq!(
                e["fullUrl"],
                app.url(&format!(
                    "/fhir/Observation/{}",
                    e["resource"]["id"].as_str().unwrap()
                ))
            );
            seen.push(e["resource"]["id"].as_str().unwrap().to_owned());
        }
        let Some(next) = link(&page, "next") else {
            break;
        };
        let path = next.strip_prefix(&app.base).unwrap().to_owned();
        page = get(&app, &w.patient, &path).await.body;
        assert!(link(&page, "previous").is_some());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6, "every reading once");

    // Dates narrow the search.
    let later = get(&app, &w.patient, "/fhir/Observation?date=ge2100-01-01").await;
    assert_eq!(later.status, 200, "{}", later.text);
    assert_eq!(later.body["total"], 0);
    let heart = get(
        &app,
        &w.patient,
        "/fhir/Observation?code=http://loinc.org|8867-4",
    )
    .await;
    assert_eq!(heart.body["total"], 2);
    let by_name = get(&app, &w.patient, "/fhir/Observation?code=heart_rate").await;
    assert_eq!(by_name.body["total"], 2);
}

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
