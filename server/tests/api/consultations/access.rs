//! Every consultation route against every relationship to the patient.

use crate::common::medical::*;
use crate::common::records::*;
use crate::common::spawn_app;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_checks_the_care_relationship() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let id = open(&app, &w, json!({"reason": "Palpitations"})).await;
    let p = w.patient.id;
    let path = format!("/api/v1/consultations/{id}/");
    table(
        &app,
        Method::GET,
        &path,
        None,
        "read",
        "consultation",
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
    table(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"intake": {"reason": "Autre chose"}})),
        "update",
        "consultation",
        p,
        &[
            (&w.other_patient, 404, Trail::Refused),
            (&w.stranger, 404, Trail::Refused),
            (&w.emergency, 404, Trail::RefusedEmergency),
            (&w.admin, 404, Trail::Refused),
        ],
    )
    .await;
    let messages = format!("/api/v1/consultations/{id}/messages/");
    table(
        &app,
        Method::POST,
        &messages,
        Some(json!({"body": "Bonjour"})),
        "create",
        "consultation_message",
        p,
        &[
            (&w.other_patient, 404, Trail::Refused),
            (&w.stranger, 404, Trail::Refused),
            (&w.emergency, 404, Trail::RefusedEmergency),
            (&w.admin, 404, Trail::Refused),
        ],
    )
    .await;
    for step in ["submit", "validate", "reject", "addenda"] {
        let sent = post(
            &app,
            &w.other_patient,
            &format!("/api/v1/consultations/{id}/{step}/"),
            json!({"reason": "x", "body": "x"}),
        )
        .await;
        assert_eq!(sent.status, 404, "{step}: {}", sent.text);
    }
    let pdf = send(
        &app,
        &w.stranger,
        Method::GET,
        &format!("/api/v1/consultations/{id}/pdf/"),
        None,
    )
    .await;
    assert_eq!(pdf.status, 404, "{}", pdf.text);
    assert_trail(
        &pdf,
        &want(&w.stranger, "export", "consultation", p, Trail::Refused),
        "a stranger's PDF",
    );
    // The patient's own PDF before validation: 409, and no export in the trail.
    let early = send(
        &app,
        &w.patient,
        Method::GET,
        &format!("/api/v1/consultations/{id}/pdf/"),
        None,
    )
    .await;
    assert_eq!(
        (early.status, early.body["code"].as_str()),
        (409, Some("not_validated"))
    );
    assert_trail(&early, &[], "no export before validation");

    // Lists: one's own; a stranger's list of the patient is refused.
    let mine = get(&app, &w.patient, "/api/v1/consultations/").await;
    assert_eq!(mine.body.as_array().unwrap().len(), 1, "{}", mine.text);
    assert_eq!(
        get(&app, &w.other_patient, "/api/v1/consultations/")
            .await
            .body,
        json!([])
    );
    let theirs = format!("/api/v1/consultations/?patient_id={p}");
    assert_eq!(get(&app, &w.other_patient, &theirs).await.status, 404);
    let refused = get(&app, &w.stranger, &theirs).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(
        get(&app, &w.emergency, &theirs)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        get(&app, &w.admin, "/api/v1/consultations/").await.status,
        403
    );
    field_error(
        &get(&app, &w.patient, "/api/v1/consultations/?status=closed").await,
        "status",
    );

    // Opening: patients address a doctor of their care team; doctors open
    // records for patients in their care only.
    field_error(
        &post(
            &app,
            &w.patient,
            "/api/v1/consultations/",
            json!({"doctor_id": w.stranger.id}),
        )
        .await,
        "doctor_id",
    );
    field_error(
        &post(&app, &w.patient, "/api/v1/consultations/", json!({})).await,
        "doctor_id",
    );
    let direct = post(
        &app,
        &w.patient,
        "/api/v1/consultations/",
        json!({"doctor_id": w.assigned.id}),
    )
    .await;
    assert_eq!(direct.status, 201, "{}", direct.text);
    let by_stranger = post(
        &app,
        &w.stranger,
        "/api/v1/consultations/",
        json!({"patient_id": p}),
    )
    .await;
    assert_eq!(by_stranger.status, 403, "{}", by_stranger.text);
    let by_doctor = post(
        &app,
        &w.assigned,
        "/api/v1/consultations/",
        json!({"patient_id": p}),
    )
    .await;
    assert_eq!(by_doctor.status, 201, "{}", by_doctor.text);
    assert_eq!(by_doctor.body["doctor"]["id"], w.assigned.id);
    let others = post(
        &app,
        &w.other_patient,
        "/api/v1/consultations/",
        json!({"appointment_id": w.appointment_id}),
    )
    .await;
    field_error(&others, "appointment_id");
    assert_eq!(
        post(
            &app,
            &w.admin,
            "/api/v1/consultations/",
            json!({"patient_id": p})
        )
        .await
        .status,
        403
    );
}
