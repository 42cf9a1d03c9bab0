//! The medical-data policy on every treatment route (another patient's
//! treatment is 404) and prescribing by the patient's own doctors.

use crate::common::medical::*;
use crate::common::{parts, spawn_app};
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_patients_treatment_is_404_and_doctors_prescribe_only_in_their_care() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let created = post(
        &app,
        &w.patient,
        "/api/treatments/",
        json!({"medocs_name": "Doliprane 1000", "frequency": 3, "duration_days": 5}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().unwrap();
    let path = format!("/api/treatments/{id}/");
    let p = w.patient.id;

    table(
        &app,
        Method::GET,
        &path,
        None,
        "read",
        "treatment",
        p,
        &[
            (&w.patient, 200, Trail::Allowed),
            (&w.other_patient, 404, Trail::Refused),
            (&w.by_appointment, 200, Trail::Allowed),
            (&w.assigned, 200, Trail::Allowed),
            (&w.withdrawn, 404, Trail::Refused),
            (&w.stranger, 404, Trail::Refused),
            (&w.emergency, 200, Trail::AllowedEmergency),
            (&w.expired, 404, Trail::Refused),
            (&w.admin, 404, Trail::Refused),
        ],
    )
    .await;
    let body = json!({"medocs_name": "Doliprane 500", "frequency": 2, "duration_days": 3});
    table(
        &app,
        Method::PUT,
        &path,
        Some(body),
        "update",
        "treatment",
        p,
        &[
            (&w.other_patient, 404, Trail::Refused),
            (&w.stranger, 404, Trail::Refused),
            (&w.emergency, 404, Trail::RefusedEmergency),
            (&w.admin, 404, Trail::Refused),
        ],
    )
    .await;
    table(
        &app,
        Method::DELETE,
        &path,
        None,
        "delete",
        "treatment",
        p,
        &[
            (&w.other_patient, 404, Trail::Refused),
            (&w.withdrawn, 404, Trail::Refused),
            (&w.emergency, 404, Trail::RefusedEmergency),
        ],
    )
    .await;
    let other_list = format!("/api/treatments/?patient_id={p}");
    table(
        &app,
        Method::GET,
        &other_list,
        None,
        "read",
        "treatment",
        p,
        &[
            (&w.other_patient, 403, Trail::Refused),
            (&w.stranger, 403, Trail::Refused),
            (&w.assigned, 200, Trail::Allowed),
            (&w.emergency, 200, Trail::AllowedEmergency),
        ],
    )
    .await;

    // Prescribing: the patient's own doctors only; the prescriber is kept and
    // the patient notified.
    let prescription = json!({"patient_id": p, "medocs_name": "Amoxicilline 1 g", "frequency": 2,
        "duration_days": 6, "instructions": "Pendant le repas"});
    let rows = table(
        &app,
        Method::POST,
        "/api/treatments/",
        Some(prescription),
        "create",
        "treatment",
        p,
        &[
            (&w.stranger, 403, Trail::Refused),
            (&w.emergency, 403, Trail::RefusedEmergency),
            (&w.withdrawn, 403, Trail::Refused),
            (&w.assigned, 201, Trail::Allowed),
        ],
    )
    .await;
    let prescribed = &rows[3].body;
    assert_eq!(prescribed["prescribed_by"]["id"], w.assigned.id);
    assert_eq!(prescribed["patient_id"], p);
    assert_eq!(prescribed["instructions"], "Pendant le repas");
    let (status, notes) = parts(
        app.get_auth("/api/v1/notifications/", &w.patient.token)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        notes.to_string().contains("treatment_prescribed"),
        "{notes}"
    );
    let missing = post(
        &app,
        &w.assigned,
        "/api/treatments/",
        json!({"medocs_name": "X", "frequency": 1, "duration_days": 1}),
    )
    .await;
    assert_eq!(
        (missing.status, missing.body["field"].as_str()),
        (400, Some("patient_id"))
    );

    // A doctor's own list: what they prescribed, for patients in their care.
    let mine = get(&app, &w.assigned, "/api/treatments/").await;
    assert_eq!(mine.status, 200);
    let ids: Vec<i64> = mine
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [prescribed["id"].as_i64().unwrap()]);
    // The patient sees both; the doctor in care changes the prescription.
    let theirs = get(&app, &w.patient, "/api/treatments/").await;
    assert_eq!(theirs.body.as_array().unwrap().len(), 2);
    let rx = prescribed["id"].as_i64().unwrap();
    let changed = put(
        &app,
        &w.assigned,
        &format!("/api/treatments/{rx}/"),
        json!({"medocs_name": "Amoxicilline 1 g", "frequency": 3, "duration_days": 6}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(
        changed.body["prescribed_by"]["id"], w.assigned.id,
        "the prescriber stays"
    );
}
