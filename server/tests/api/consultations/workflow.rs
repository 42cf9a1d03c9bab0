//! The status workflow from draft to validated, then only dated addenda.

use crate::common::medical::*;
use crate::common::records::*;
use crate::common::spawn_app;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_goes_from_draft_to_validated_and_then_only_takes_addenda() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let doctor = &w.by_appointment;
    let id = open(&app, &w, json!({"symptoms": ["headache"]})).await;
    let path = format!("/api/v1/consultations/{id}/");
    let step = |name: &str| format!("/api/v1/consultations/{id}/{name}/");

    let record = get(&app, &w.patient, &path).await.body;
    assert_eq!(record["status"], "draft");
    assert_eq!(record["doctor"]["id"], doctor.id);
    assert_eq!(record["appointment_id"], w.appointment_id);
    assert_eq!(record["intake"]["symptoms"], json!(["headache"]));
    assert!(record["appointment_starts_at"].is_string());

    // One record per appointment.
    let again = post(
        &app,
        &w.patient,
        "/api/v1/consultations/",
        json!({"appointment_id": w.appointment_id}),
    )
    .await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.body["code"], "record_exists");

    // Submitting needs a reason; a bad field is named and nothing is saved.
    field_error(
        &post(&app, &w.patient, &step("submit"), json!({})).await,
        "intake.reason",
    );
    let bad = patch(
        &app,
        &w.patient,
        &path,
        json!({"intake": {"reason": "Céphalées", "symptoms": ["sneezing"]}}),
    )
    .await;
    field_error(&bad, "intake.symptoms");
    assert_eq!(
        get(&app, &w.patient, &path).await.body["intake"]["reason"],
        Value::Null
    );
    field_error(
        &patch(
            &app,
            &w.patient,
            &path,
            json!({"examination": {"diagnosis": "x"}}),
        )
        .await,
        "examination",
    );
    let intake = json!({
        "reason": "  Maux de tête depuis une semaine  ",
        "symptoms": ["headache", "dizziness"],
        "conditions": ["hypertension"],
        "tobacco": "former",
        "current_medication": "Amlodipine 5 mg",
        "medication_source": "prescription",
        "expectations": "Comprendre d'où viennent les maux de tête",
    });
    let saved = patch(&app, &w.patient, &path, json!({"intake": intake})).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(
        saved.body["intake"]["reason"],
        "Maux de tête depuis une semaine"
    );
    assert_trail(
        &saved,
        &want(
            &w.patient,
            "update",
            "consultation",
            w.patient.id,
            Trail::Allowed,
        ),
        "saving",
    );

    let submitted = post(&app, &w.patient, &step("submit"), json!({})).await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    assert_eq!(submitted.body["status"], "submitted");
    assert!(submitted.body["submitted_at"].is_string());
    assert!(
        kinds_of_notifications(&app, doctor.id)
            .await
            .contains(&"consultation_submitted".to_owned())
    );
    // In analysis: the patient no longer edits; the doctor's queue has it.
    let locked = patch(
        &app,
        &w.patient,
        &path,
        json!({"intake": {"reason": "autre"}}),
    )
    .await;
    assert_eq!(
        (locked.status, locked.body["code"].as_str()),
        (409, Some("in_analysis"))
    );
    let queue = get(&app, doctor, "/api/v1/consultations/?status=submitted").await;
    assert_eq!(queue.status, 200, "{}", queue.text);
    let ids: Vec<i64> = queue
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id]);
    assert_eq!(queue.body[0]["reason"], "Maux de tête depuis une semaine");

    // The doctor examines; validating needs a diagnosis; codes are checked.
    field_error(
        &post(&app, doctor, &step("validate"), json!({})).await,
        "examination.diagnosis",
    );
    field_error(
        &patch(
            &app,
            doctor,
            &path,
            json!({"examination": {"icd10_code": "hypertension"}}),
        )
        .await,
        "examination.icd10_code",
    );
    field_error(
        &patch(
            &app,
            doctor,
            &path,
            json!({"examination": {"vitals": {"systolic_mmhg": 80, "diastolic_mmhg": 95}}}),
        )
        .await,
        "examination.vitals.diastolic_mmhg",
    );
    // Sent back with a reason, corrected, sent again.
    field_error(
        &post(&app, doctor, &step("reject"), json!({"reason": "  "})).await,
        "reason",
    );
    let rejected = post(
        &app,
        doctor,
        &step("reject"),
        json!({"reason": "Précisez la tension prise à la maison"}),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(rejected.body["status"], "rejected");
    assert_eq!(
        rejected.body["rejection_reason"],
        "Précisez la tension prise à la maison"
    );
    assert!(
        kinds_of_notifications(&app, w.patient.id)
            .await
            .contains(&"consultation_rejected".to_owned())
    );
    let mut corrected = intake.clone();
    corrected["illness_history"] = json!("Tension à 150/95 le matin");
    assert_eq!(
        patch(&app, &w.patient, &path, json!({"intake": corrected}))
            .await
            .status,
        200
    );
    let resent = post(&app, &w.patient, &step("submit"), json!({})).await;
    assert_eq!(resent.body["status"], "submitted", "{}", resent.text);
    assert_eq!(resent.body["rejection_reason"], Value::Null);

    let exam = json!({
        "vitals": {"systolic_mmhg": 152, "diastolic_mmhg": 96, "heart_rate_bpm": 78},
        "general_state": "Bon état général",
        "regions": {"cardiovascular": "B1 B2 réguliers, pas de souffle"},
        "diagnosis": "Hypertension artérielle essentielle",
        "icd10_code": "i10",
        "treatment_plan": "Majoration du traitement",
    });
    let examined = patch(&app, doctor, &path, json!({"examination": exam})).await;
    assert_eq!(examined.status, 200, "{}", examined.text);
    assert_eq!(examined.body["examination"]["icd10_code"], "I10");
    let validated = post(&app, doctor, &step("validate"), json!({})).await;
    assert_eq!(validated.status, 200, "{}", validated.text);
    assert_eq!(validated.body["status"], "validated");
    assert_eq!(validated.body["validated_by"]["id"], doctor.id);
    assert!(validated.body["validated_at"].is_string());
    assert!(
        kinds_of_notifications(&app, w.patient.id)
            .await
            .contains(&"consultation_validated".to_owned())
    );

    // Read-only now: changes are dated addenda, by a doctor of the care team.
    for (actor, body) in [
        (doctor, json!({"examination": exam})),
        (&w.patient, json!({"intake": intake})),
    ] {
        let sent = patch(&app, actor, &path, body).await;
        assert_eq!(
            (sent.status, sent.body["code"].as_str()),
            (409, Some("read_only")),
            "{}",
            sent.text
        );
    }
    assert_eq!(
        post(&app, &w.patient, &step("submit"), json!({}))
            .await
            .status,
        409
    );
    assert_eq!(
        post(&app, doctor, &step("validate"), json!({}))
            .await
            .status,
        409
    );
    let by_patient = post(
        &app,
        &w.patient,
        &step("addenda"),
        json!({"body": "Je me sens mieux"}),
    )
    .await;
    assert_eq!(by_patient.status, 403, "{}", by_patient.text);
    field_error(
        &post(&app, doctor, &step("addenda"), json!({})).await,
        "body",
    );
    let added = post(
        &app,
        &w.assigned,
        &step("addenda"),
        json!({"body": "Bilan rénal normal"}),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.text);
    let addenda = added.body["addenda"].as_array().unwrap();
    assert_eq!(addenda.len(), 1);
    assert_eq!(addenda[0]["author"]["id"], w.assigned.id);
    assert_eq!(addenda[0]["body"], "Bilan rénal normal");
    assert!(addenda[0]["created_at"].is_string());
    // The validation itself is untouched.
    let record = get(&app, &w.patient, &path).await.body;
    assert_eq!(
        record["examination"]["diagnosis"],
        "Hypertension artérielle essentielle"
    );
    assert_eq!(record["validated_by"]["id"], doctor.id);
}
