//! Appointment reasons: shown to whom the policy says, each read recorded
//! (one entry per patient per request).

use crate::common::medical::*;
use crate::common::spawn_app;
use domain::accounts::Role;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appointment_reasons_are_shown_as_the_policy_says_and_each_read_recorded() {
    let app = spawn_app().await;
    let patient = actor(&app, Role::Patient, "marie").await;
    let other = actor(&app, Role::Patient, "paul").await;
    let doctor = actor(&app, Role::Doctor, "dr.house").await;
    let stranger = actor(&app, Role::Doctor, "dr.stranger").await;
    let admin = actor(&app, Role::Admin, "admin").await;
    open_every_day(&app, &doctor).await;
    let starts = free_starts(&app, &doctor, &patient).await;

    let first = book(&app, &patient, &doctor, &starts[0], "Douleur thoracique").await;
    let second = book(&app, &patient, &doctor, &starts[1], "Suivi tension").await;
    let others = book(&app, &other, &doctor, &starts[2], "Toux persistante").await;
    let no_reason = book(&app, &other, &doctor, &starts[3], "").await;

    // Requested of the doctor: they read the reasons to decide. One entry per
    // patient per request, naming the appointments read.
    let list = get(&app, &doctor, "/api/v1/appointments/").await;
    assert_eq!(list.status, 200);
    let reasons: Vec<(i64, &str)> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_i64().unwrap(), a["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        [
            (first, "Douleur thoracique"),
            (second, "Suivi tension"),
            (others, "Toux persistante"),
            (no_reason, ""),
        ]
    );
    let mut expected = want(
        &doctor,
        "read",
        "appointment_reason",
        patient.id,
        Trail::Allowed,
    );
    expected.extend(want(
        &doctor,
        "read",
        "appointment_reason",
        other.id,
        Trail::Allowed,
    ));
    assert_trail(&list, &expected, "the doctor's list");
    let ids: Vec<Option<String>> = list.entries.iter().map(|e| e.resource_id.clone()).collect();
    assert_eq!(
        ids,
        [Some(format!("{first},{second}")), Some(others.to_string())]
    );

    // The patient reads their own.
    let own = get(&app, &patient, &format!("/api/v1/appointments/{first}/")).await;
    assert_eq!(own.body["reason"], "Douleur thoracique");
    assert_trail(
        &own,
        &want(
            &patient,
            "read",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        ),
        "the patient",
    );
    assert_eq!(own.entries[0].resource_id, Some(first.to_string()));

    // Administrators see appointments, never their reasons; nothing is read.
    let overview = get(&app, &admin, "/api/v1/appointments/").await;
    assert_eq!(overview.status, 200);
    assert_eq!(overview.body.as_array().unwrap().len(), 4);
    assert!(
        overview
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["reason"] == ""),
        "{}",
        overview.text
    );
    assert_trail(&overview, &[], "the administrator's list");
    let one = get(&app, &admin, &format!("/api/v1/appointments/{first}/")).await;
    assert_eq!((one.status, &one.body["reason"]), (200, &json!("")));
    assert_trail(&one, &[], "the administrator's view");

    // Another doctor does not even see the appointment.
    let hidden = get(&app, &stranger, &format!("/api/v1/appointments/{first}/")).await;
    assert_eq!(hidden.status, 404);
    assert_trail(&hidden, &[], "another doctor");
    let empty = get(&app, &stranger, "/api/v1/appointments/").await;
    assert_eq!(empty.body, json!([]));
    assert_trail(&empty, &[], "another doctor's list");

    // Accepting starts the care; refusing does not, and the refused request's
    // reason is no longer the doctor's to read.
    let accepted = post(
        &app,
        &doctor,
        &format!("/api/v1/appointments/{first}/accept/"),
        json!({"message": "À lundi"}),
    )
    .await;
    assert_eq!(accepted.status, 200);
    assert_eq!(accepted.body["reason"], "Douleur thoracique");
    let refused = post(
        &app,
        &doctor,
        &format!("/api/v1/appointments/{others}/refuse/"),
        json!({}),
    )
    .await;
    assert_eq!(refused.status, 200, "{}", refused.text);
    assert_eq!(refused.body["reason"], "");
    assert_trail(&refused, &[], "refusing");

    let one = get(&app, &doctor, &format!("/api/v1/appointments/{others}/")).await;
    assert_eq!(one.body["reason"], "", "refused, not in care");
    assert_trail(&one, &[], "a refused request");

    // In care: every reason of the patient, confirmed or pending.
    let in_care = get(&app, &doctor, "/api/v1/appointments/").await;
    assert_trail(
        &in_care,
        &want(
            &doctor,
            "read",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        ),
        "in care",
    );
    assert_eq!(
        in_care.entries[0].resource_id,
        Some(format!("{first},{second}"))
    );

    // Withdrawn: the confirmed appointment's reason goes blank; the pending
    // request, still addressed to the doctor, stays readable.
    let relationship = relationship_of(&app, &admin, &doctor, &patient).await;
    let ended = post(
        &app,
        &patient,
        &format!("/api/v1/care-relationships/{relationship}/end/"),
        json!({}),
    )
    .await;
    assert_eq!(ended.status, 200);
    let after = get(&app, &doctor, "/api/v1/appointments/").await;
    let reasons: Vec<(i64, &str)> = after
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_i64().unwrap(), a["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        [
            (first, ""),
            (second, "Suivi tension"),
            (others, ""),
            (no_reason, ""),
        ]
    );
    assert_trail(
        &after,
        &want(
            &doctor,
            "read",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        ),
        "after withdrawal",
    );
    assert_eq!(after.entries[0].resource_id, Some(second.to_string()));
    let blank = get(&app, &doctor, &format!("/api/v1/appointments/{first}/")).await;
    assert_eq!(blank.body["reason"], "");
    assert_trail(&blank, &[], "after withdrawal, one");
}
