//! The medical profile and the care team: who reads them, who writes the
//! profile, and how validation errors name their field.

use crate::common::medical::*;
use crate::common::spawn_app;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_and_care_team_are_read_as_the_policy_says() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;

    let reads = table(
        &app,
        Method::GET,
        &w.profile_path(),
        None,
        "read",
        "medical_profile",
        w.patient.id,
        &[
            (&w.patient, 200, Allowed),
            (&w.by_appointment, 200, Allowed),
            (&w.assigned, 200, Allowed),
            (&w.withdrawn, 403, Refused),
            (&w.stranger, 403, Refused),
            (&w.emergency, 200, AllowedEmergency),
            (&w.expired, 403, Refused),
            (&w.admin, 403, Refused),
            (&w.other_patient, 403, Refused),
        ],
    )
    .await;
    assert_eq!(reads[0].body["patient_id"], w.patient.id);
    assert_eq!(reads[0].body["updated_at"], Value::Null, "never filled in");

    let team_path = format!("/api/v1/patients/{}/care-team/", w.patient.id);
    let teams = table(
        &app,
        Method::GET,
        &team_path,
        None,
        "read",
        "care_relationship",
        w.patient.id,
        &[
            (&w.patient, 200, Allowed),
            (&w.by_appointment, 200, Allowed),
            (&w.assigned, 200, Allowed),
            (&w.withdrawn, 403, Refused),
            (&w.stranger, 403, Refused),
            (&w.emergency, 200, AllowedEmergency),
            (&w.expired, 403, Refused),
            (&w.admin, 200, Allowed),
            (&w.other_patient, 403, Refused),
        ],
    )
    .await;
    let running = {
        let mut ids = vec![w.by_appointment.id, w.assigned.id];
        ids.sort_unstable();
        ids
    };
    for sent in teams.iter().filter(|s| s.status == 200) {
        assert_eq!(doctor_ids(&sent.body), running, "the running team");
    }
    let with_ended = get(&app, &w.patient, &format!("{team_path}?with_ended=true")).await;
    assert_eq!(with_ended.status, 200);
    let mut all = running.clone();
    all.push(w.withdrawn.id);
    all.sort_unstable();
    assert_eq!(doctor_ids(&with_ended.body), all);
    let ended: Vec<&Value> = with_ended
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["end"] == "withdrawn")
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["id"], w.withdrawn_relationship);
    assert_eq!(
        with_ended
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["doctor_id"] == w.by_appointment.id)
            .unwrap()["appointment_id"],
        w.appointment_id
    );

    // A doctor's account is no patient: 404, and nothing to record.
    for path in [
        format!("/api/v1/patients/{}/profile/", w.assigned.id),
        format!("/api/v1/patients/{}/care-team/", w.assigned.id),
        "/api/v1/patients/999999/profile/".to_owned(),
    ] {
        let sent = get(&app, &w.by_appointment, &path).await;
        assert_eq!(sent.status, 404, "{path}: {}", sent.text);
        assert_trail(&sent, &[], &path);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_patient_writes_their_profile_and_errors_name_the_field() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;

    let path = w.profile_path();
    let saves = table(
        &app,
        Method::PUT,
        &path,
        Some(a_profile()),
        "update",
        "medical_profile",
        w.patient.id,
        &[
            (&w.by_appointment, 403, Refused),
            (&w.assigned, 403, Refused),
            (&w.withdrawn, 403, Refused),
            (&w.stranger, 403, Refused),
            (&w.emergency, 403, RefusedEmergency),
            (&w.expired, 403, Refused),
            (&w.admin, 403, Refused),
            (&w.other_patient, 403, Refused),
            (&w.patient, 200, Allowed),
        ],
    )
    .await;
    let saved = &saves.last().unwrap().body;
    assert_eq!(saved["blood_group"], "AB+");
    assert_eq!(saved["mobile_phone"], "+33698765432");
    assert_eq!(saved["weight_kg"], 62.5);
    assert_eq!(saved["chronic_conditions"], json!(["asthme"]));
    assert_eq!(saved["emergency_contact"]["phone"], "+33612345678");

    // The doctor in care reads what the patient wrote.
    let read = get(&app, &w.assigned, &path).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["blood_group"], "AB+");
    assert_eq!(read.body["allergies"], json!(["pénicilline", "arachide"]));
    assert_eq!(read.body["cholesterol_level"], "high");
    assert!(read.body["updated_at"].is_i64());

    // Validation errors name their field and write nothing.
    for (field, value, code) in [
        ("blood_group", json!("Z+"), "invalid_choice"),
        ("sex", json!("unknown"), "invalid_choice"),
        ("date_of_birth", json!(next_month()), "in_future"),
        ("height_cm", json!(400), "out_of_range"),
        ("mobile_phone", json!("12"), "invalid_phone"),
        ("emergency_contact_phone", json!(""), "required"),
    ] {
        let mut body = a_profile();
        body[field] = value;
        let sent = put(&app, &w.patient, &path, body).await;
        assert_eq!(sent.status, 400, "{field}: {}", sent.text);
        assert_eq!(sent.body["field"], field, "{}", sent.text);
        assert_eq!(sent.body["code"], code, "{}", sent.text);
        assert_trail(&sent, &[], field);
    }
    let unchanged = get(&app, &w.patient, &path).await;
    assert_eq!(unchanged.body["blood_group"], "AB+", "nothing half-written");

    // A mobile number belongs to one active patient.
    let other_path = format!("/api/v1/patients/{}/profile/", w.other_patient.id);
    let taken = put(&app, &w.other_patient, &other_path, a_profile()).await;
    assert_eq!(taken.status, 409, "{}", taken.text);
    assert_eq!(taken.body["field"], "mobile_phone");
    assert_eq!(taken.body["code"], "mobile_phone_taken");
    assert_trail(&taken, &[], "a refused change writes no entry");
    let other_read = get(&app, &w.other_patient, &other_path).await;
    assert_eq!(other_read.body["updated_at"], Value::Null, "nothing saved");
    // … until its holder's account is deactivated.
    let deactivated = post(
        &app,
        &w.admin,
        &format!("/api/v1/users/{}/deactivate/", w.patient.id),
        json!({}),
    )
    .await;
    assert_eq!(deactivated.status, 200, "{}", deactivated.text);
    let freed = put(&app, &w.other_patient, &other_path, a_profile()).await;
    assert_eq!(freed.status, 200, "{}", freed.text);
    assert_trail(
        &freed,
        &want(
            &w.other_patient,
            "update",
            "medical_profile",
            w.other_patient.id,
            Allowed,
        ),
        "the freed number",
    );
}
