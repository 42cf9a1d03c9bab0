//! Every FHIR read and search tried by every relationship to one patient, with the trail.

use reqwest::Method;
use serde_json::{Value, json};

use super::readings;
use crate::common::medical::Trail::*;
use crate::common::medical::*;
use crate::common::spawn_app;

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
