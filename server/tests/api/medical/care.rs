//! Care relationships: assigned by administrators, listed by each role, ended
//! by the patient or an administrator — and access ending with them.

use crate::common::medical::*;
use crate::common::spawn_app;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn care_relationships_are_assigned_by_administrators_and_ended_by_patient_or_administrator() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;

    let assign = json!({"doctor_id": w.stranger.id, "patient_id": w.patient.id});
    let created = table(
        &app,
        Method::POST,
        "/api/v1/care-relationships/",
        Some(assign.clone()),
        "create",
        "care_relationship",
        w.patient.id,
        &[
            (&w.patient, 403, Refused),
            (&w.other_patient, 403, Refused),
            (&w.stranger, 403, Refused),
            (&w.by_appointment, 403, Refused),
            (&w.emergency, 403, RefusedEmergency),
            (&w.admin, 201, Allowed),
            (&w.admin, 409, Nothing),
        ],
    )
    .await;
    let relationship = created[5].body["id"].as_i64().unwrap();
    assert_eq!(
        created[5].entries[0].resource_id,
        Some(relationship.to_string())
    );
    assert_eq!(created[6].body["field"], "doctor_id");
    assert_eq!(created[6].body["code"], "already_in_care");
    // The new member reads at once.
    let read = get(&app, &w.stranger, &w.profile_path()).await;
    assert_eq!(read.status, 200);
    for (body, field_status) in [
        (
            json!({"doctor_id": w.patient.id, "patient_id": w.patient.id}),
            404,
        ),
        (
            json!({"doctor_id": w.stranger.id, "patient_id": w.admin.id}),
            404,
        ),
    ] {
        let sent = post(&app, &w.admin, "/api/v1/care-relationships/", body).await;
        assert_eq!(sent.status, field_status, "{}", sent.text);
        assert_trail(&sent, &[], "not a doctor / not a patient");
    }

    // Lists: the patient their team (a read of their care data), a doctor
    // their patients, administrators anyone's.
    let mine = get(&app, &w.patient, "/api/v1/care-relationships/").await;
    assert_eq!(mine.status, 200);
    let mut team = vec![w.by_appointment.id, w.assigned.id, w.stranger.id];
    team.sort_unstable();
    assert_eq!(doctor_ids(&mine.body), team);
    assert_trail(
        &mine,
        &want(
            &w.patient,
            "read",
            "care_relationship",
            w.patient.id,
            Allowed,
        ),
        "the patient's list",
    );
    let patients = get(&app, &w.assigned, "/api/v1/care-relationships/").await;
    assert_eq!(patients.status, 200);
    assert_eq!(patients.body.as_array().unwrap().len(), 1);
    assert_eq!(patients.body[0]["patient_id"], w.patient.id);
    let gone = get(&app, &w.withdrawn, "/api/v1/care-relationships/").await;
    assert_eq!(gone.body, json!([]), "only running ones by default");
    let past = get(
        &app,
        &w.withdrawn,
        "/api/v1/care-relationships/?with_ended=true",
    )
    .await;
    assert_eq!(past.body[0]["end"], "withdrawn");
    let none = get(&app, &w.emergency, "/api/v1/care-relationships/").await;
    assert_eq!(none.body, json!([]), "emergency access is no relationship");
    let everyone = get(
        &app,
        &w.admin,
        &format!("/api/v1/care-relationships/?patient_id={}", w.patient.id),
    )
    .await;
    assert_eq!(doctor_ids(&everyone.body), team);
    assert_trail(&everyone, &[], "the administrator's overview");

    // Ending: the patient (withdrawn) or an administrator (ended); a doctor
    // or another patient finds nothing to end.
    let end = format!("/api/v1/care-relationships/{relationship}/end/");
    for who in [&w.stranger, &w.other_patient, &w.assigned] {
        let sent = post(&app, who, &end, json!({})).await;
        assert_eq!(sent.status, 404, "{}: {}", who.label, sent.text);
        assert_trail(&sent, &[], who.label);
    }
    let ended = post(&app, &w.admin, &end, json!({})).await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    assert_eq!(ended.body["end"], "ended");
    assert!(ended.body["ended_at"].is_i64());
    assert_trail(
        &ended,
        &want(
            &w.admin,
            "update",
            "care_relationship",
            w.patient.id,
            Allowed,
        ),
        "ended by an administrator",
    );
    assert_eq!(ended.entries[0].resource_id, Some(relationship.to_string()));
    let twice = post(&app, &w.patient, &end, json!({})).await;
    assert_eq!(twice.status, 409);
    assert_eq!(twice.body["code"], "already_ended");
    assert_trail(&twice, &[], "already ended");
    let after = get(&app, &w.stranger, &w.profile_path()).await;
    assert_eq!(after.status, 403, "access ends with the relationship");

    let by_appointment = relationship_of(&app, &w.admin, &w.by_appointment, &w.patient).await;
    let withdrawn = post(
        &app,
        &w.patient,
        &format!("/api/v1/care-relationships/{by_appointment}/end/"),
        json!({}),
    )
    .await;
    assert_eq!(withdrawn.status, 200);
    assert_eq!(withdrawn.body["end"], "withdrawn");
    assert_trail(
        &withdrawn,
        &want(
            &w.patient,
            "update",
            "care_relationship",
            w.patient.id,
            Allowed,
        ),
        "withdrawn by the patient",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_doctor_loses_access_on_the_very_next_request() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let doctor = &w.by_appointment;
    let profile = w.profile_path();
    let appointment = format!("/api/v1/appointments/{}/", w.appointment_id);

    let read = get(&app, doctor, &profile).await;
    assert_eq!(read.status, 200);
    let seen = get(&app, doctor, &appointment).await;
    assert_eq!(seen.body["reason"], "Douleur thoracique");
    assert_trail(
        &seen,
        &want(
            doctor,
            "read",
            "appointment_reason",
            w.patient.id,
            Trail::Allowed,
        ),
        "in care",
    );

    let relationship = relationship_of(&app, &w.admin, doctor, &w.patient).await;
    let ended = post(
        &app,
        &w.patient,
        &format!("/api/v1/care-relationships/{relationship}/end/"),
        json!({}),
    )
    .await;
    assert_eq!(ended.status, 200);

    let refused = get(&app, doctor, &profile).await;
    assert_eq!(refused.status, 403);
    assert_trail(
        &refused,
        &want(
            doctor,
            "read",
            "medical_profile",
            w.patient.id,
            Trail::Refused,
        ),
        "the next request",
    );
    // The appointment stays theirs, its reason is no longer shown, and a
    // reason not shown is no access.
    let blank = get(&app, doctor, &appointment).await;
    assert_eq!(blank.status, 200);
    assert_eq!(blank.body["reason"], "");
    assert_trail(&blank, &[], "a reason not shown");
    let list = get(&app, doctor, "/api/v1/appointments/").await;
    assert_eq!(list.body[0]["reason"], "");
    assert_trail(&list, &[], "a reason not shown in the list");
}
