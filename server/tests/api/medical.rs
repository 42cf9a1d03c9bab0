//! The medical-data policy through the real server (REST, SQLite): every
//! medical route tried by every role and relationship — the patient themself,
//! doctors in care (by an accepted appointment, by assignment), a doctor the
//! patient withdrew, a doctor with no relationship, doctors under emergency
//! access before and after it expires, an administrator, another patient —
//! with both the status and what the access trail recorded: one entry per
//! allowed access, one refused entry per refused attempt, nothing for what was
//! merely not shown.

use crate::common;

use common::medical::*;
use common::{TestApp, parts, spawn_app};
use domain::accounts::Role;
use domain::store::trail::StoredEntry;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breaking_the_glass_is_for_doctors_outside_the_team_and_lasts_until_it_expires() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;

    let path = format!("/api/v1/patients/{}/emergency-access/", w.patient.id);
    let body = json!({"reason": format!("  {REASON}  ")});
    let opened = table(
        &app,
        Method::POST,
        &path,
        Some(body.clone()),
        "break_glass",
        "emergency_access",
        w.patient.id,
        &[
            (&w.patient, 403, Refused),
            (&w.other_patient, 403, Refused),
            (&w.admin, 403, Refused),
            (&w.by_appointment, 409, Nothing),
            (&w.assigned, 409, Nothing),
            (&w.emergency, 409, Nothing),
            (&w.withdrawn, 201, AllowedEmergency),
            (&w.stranger, 201, AllowedEmergency),
            (&w.expired, 201, AllowedEmergency),
        ],
    )
    .await;
    for sent in opened.iter().filter(|s| s.status == 409) {
        assert_eq!(sent.body["code"], "already_has_access", "{}", sent.text);
    }
    let grant = &opened[7].body;
    assert_eq!(grant["doctor_id"], w.stranger.id);
    assert_eq!(grant["reason"], REASON, "trimmed");
    let (granted_at, expires_at) = (
        grant["granted_at"].as_i64().unwrap(),
        grant["expires_at"].as_i64().unwrap(),
    );
    assert_eq!(expires_at - granted_at, 60 * 60 * 1000, "one hour");
    assert_eq!(
        opened[7].entries[0].resource_id,
        Some(grant["id"].as_i64().unwrap().to_string())
    );

    // The reason is required, 10 to 500 characters; nothing is opened without it.
    let newcomer = actor(&app, Role::Doctor, "dr.newcomer").await;
    for reason in ["", "  urgent  ", &"x".repeat(501)] {
        let sent = post(&app, &newcomer, &path, json!({"reason": reason})).await;
        assert_eq!(sent.status, 400, "{}", sent.text);
        assert_eq!(sent.body["field"], "reason");
        assert_trail(&sent, &[], "a bad reason");
    }
    let not_a_patient = post(
        &app,
        &newcomer,
        &format!("/api/v1/patients/{}/emergency-access/", w.admin.id),
        body.clone(),
    )
    .await;
    assert_eq!(not_a_patient.status, 404);
    assert_trail(&not_a_patient, &[], "no such patient");

    // The patient is told, with who and why.
    let (status, inbox) = parts(
        app.get_auth("/api/v1/notifications/", &w.patient.token)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{inbox}");
    let notices: Vec<&Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["notice"])
        .filter(|n| n["kind"] == "emergency_access")
        .collect();
    // dr.emergency and dr.expired while the world was made, then three more.
    assert_eq!(notices.len(), 5, "{inbox}");
    assert!(
        notices
            .iter()
            .any(|n| n["doctor_name"] == "Test dr.stranger" && n["reason"] == REASON),
        "{inbox}"
    );
    let (_, others) = parts(
        app.get_auth("/api/v1/notifications/", &w.other_patient.token)
            .await,
    )
    .await;
    assert!(
        others["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["notice"]["kind"] != "emergency_access"),
        "only the patient concerned: {others}"
    );

    // Before expiry: reads flagged as emergency; after: refused, on the very
    // next request.
    let profile = w.profile_path();
    let before = get(&app, &w.stranger, &profile).await;
    assert_eq!(before.status, 200);
    assert_trail(
        &before,
        &want(
            &w.stranger,
            "read",
            "medical_profile",
            w.patient.id,
            AllowedEmergency,
        ),
        "before expiry",
    );
    expire(&app, grant["id"].as_i64().unwrap()).await;
    let after = get(&app, &w.stranger, &profile).await;
    assert_eq!(after.status, 403);
    assert_trail(
        &after,
        &want(
            &w.stranger,
            "read",
            "medical_profile",
            w.patient.id,
            Refused,
        ),
        "after expiry",
    );
    let team = get(
        &app,
        &w.stranger,
        &format!("/api/v1/patients/{}/care-team/", w.patient.id),
    )
    .await;
    assert_eq!(team.status, 403);
    // The glass can be broken again.
    let again = post(&app, &w.stranger, &path, body).await;
    assert_eq!(again.status, 201, "{}", again.text);
    let read = get(&app, &w.stranger, &profile).await;
    assert_eq!(read.status, 200);
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trail_is_shown_to_its_patient_and_searched_by_administrators() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let profile = w.profile_path();
    // Some accesses of every kind.
    assert_eq!(get(&app, &w.assigned, &profile).await.status, 200);
    assert_eq!(get(&app, &w.emergency, &profile).await.status, 200);
    assert_eq!(get(&app, &w.stranger, &profile).await.status, 403);
    assert_eq!(get(&app, &w.other_patient, &profile).await.status, 403);
    let other_profile = format!("/api/v1/patients/{}/profile/", w.other_patient.id);
    assert_eq!(
        get(&app, &w.other_patient, &other_profile).await.status,
        200
    );

    let all = trail_after(&app, 0).await;
    let about_patient: Vec<&StoredEntry> = all
        .iter()
        .filter(|e| e.patient_id == Some(w.patient.id))
        .collect();

    // The patient: every access to their data, newest first, and nothing else.
    let mine = get(&app, &w.patient, "/api/v1/me/access-trail/?per_page=200").await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_trail(&mine, &[], "reading one's own trail");
    assert_eq!(mine.body["total"], about_patient.len());
    let entries = mine.body["entries"].as_array().unwrap();
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    let mut expected: Vec<i64> = about_patient.iter().map(|e| e.seq).collect();
    expected.reverse();
    assert_eq!(seqs, expected);
    assert!(
        entries
            .iter()
            .any(|e| e["actor_name"] == "Test dr.emergency"
                && e["emergency"] == true
                && e["action"] == "read"
                && e["door"] == "rest")
    );
    assert!(entries.iter().any(|e| e["actor_id"] == w.stranger.id
        && e["allowed"] == false
        && e["resource"] == "medical_profile"));
    let page = get(
        &app,
        &w.patient,
        "/api/v1/me/access-trail/?page=2&per_page=3",
    )
    .await;
    assert_eq!(page.body["entries"][0]["seq"], expected[3]);
    for who in [&w.assigned, &w.admin] {
        let sent = get(&app, who, "/api/v1/me/access-trail/").await;
        assert_eq!(sent.status, 403, "{}", who.label);
        assert_trail(&sent, &[], who.label);
    }

    // Administrators search the whole trail, and download it.
    for who in [&w.patient, &w.assigned, &w.emergency] {
        for path in ["/api/v1/audit/trail/", "/api/v1/audit/trail.csv"] {
            let sent = get(&app, who, path).await;
            assert_eq!(sent.status, 403, "{path} as {}", who.label);
            assert_trail(&sent, &[], path);
        }
    }
    let everything = get(&app, &w.admin, "/api/v1/audit/trail/?per_page=200").await;
    assert_eq!(everything.status, 200);
    assert_eq!(everything.body["total"], all.len());
    let refused = get(
        &app,
        &w.admin,
        &format!(
            "/api/v1/audit/trail/?patient_id={}&refused_only=true",
            w.patient.id
        ),
    )
    .await;
    let expected_refused = about_patient.iter().filter(|e| !e.allowed).count();
    assert_eq!(refused.body["total"], expected_refused);
    assert!(expected_refused >= 2);
    assert!(
        refused.body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["allowed"] == false && e["patient_id"] == w.patient.id)
    );
    let glass = get(
        &app,
        &w.admin,
        &format!(
            "/api/v1/audit/trail/?action=break_glass&door=rest&user_id={}",
            w.emergency.id
        ),
    )
    .await;
    assert_eq!(glass.body["total"], 1, "{}", glass.text);
    assert_eq!(glass.body["entries"][0]["emergency"], true);
    assert_eq!(glass.body["entries"][0]["patient_name"], "Test marie");
    for (query, field) in [
        ("action=peek", "action"),
        ("door=fax", "door"),
        ("from=2030-02-30", "from"),
        ("from=2030-01-02&to=2030-01-01", "to"),
        ("patient_id=0", "patient_id"),
    ] {
        let sent = get(&app, &w.admin, &format!("/api/v1/audit/trail/?{query}")).await;
        assert_eq!(sent.status, 400, "{query}: {}", sent.text);
        assert_eq!(sent.body["field"], field, "{query}: {}", sent.text);
    }

    let csv = get(
        &app,
        &w.admin,
        &format!("/api/v1/audit/trail.csv?patient_id={}", w.patient.id),
    )
    .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    // The download itself leaves the platform: it is recorded as an export.
    assert_trail(
        &csv,
        &want(
            &w.admin,
            "export",
            "access_trail",
            w.patient.id,
            Trail::Allowed,
        ),
        "the download",
    );
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(
        lines[0],
        "seq,at,actor_id,actor_name,actor_role,action,resource,resource_id,patient_id,patient_name,door,request_id,allowed,emergency,reason"
    );
    assert_eq!(lines.len(), about_patient.len() + 1);
    let newest = about_patient.last().unwrap();
    assert!(
        lines[1].starts_with(&format!("{},", newest.seq)),
        "newest first: {}",
        lines[1]
    );
    assert!(
        csv.text.contains(",break_glass,emergency_access,"),
        "{}",
        csv.text
    );
    let mut rows = csv::Reader::from_reader(csv.text.as_bytes());
    for row in rows.records() {
        let row = row.unwrap();
        assert_eq!(&row[8], w.patient.id.to_string(), "filtered: {row:?}");
        assert!(row[1].ends_with('Z'), "RFC 3339 UTC: {row:?}");
    }
}

/// Runs `medplat audit verify` on the test server's SQLite database.
fn audit_verify(app: &TestApp) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_medplat"))
        .args(["audit", "verify"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", &app.data_dir)
        .env("JWT_SECRET", common::SECRET)
        .env("DEMO_DATA", "false")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_verifies_the_trail_and_names_what_was_tampered_with() {
    let app = spawn_app().await;
    let patient = actor(&app, Role::Patient, "marie").await;
    let doctor = actor(&app, Role::Doctor, "dr.house").await;
    let profile = format!("/api/v1/patients/{}/profile/", patient.id);
    assert_eq!(put(&app, &patient, &profile, a_profile()).await.status, 200);
    for _ in 0..3 {
        assert_eq!(get(&app, &patient, &profile).await.status, 200);
        assert_eq!(get(&app, &doctor, &profile).await.status, 403);
    }
    assert_eq!(trail_head(&app).await, 7);

    let intact = audit_verify(&app);
    let out = String::from_utf8_lossy(&intact.stdout);
    assert!(
        intact.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&intact.stderr)
    );
    assert!(out.contains("intact") && out.contains("7 entries"), "{out}");

    // As a database administrator could: lift the guard, then change one
    // entry (a refusal made to look allowed) and remove another.
    let pool = app.state.services.db().pool();
    for sql in [
        "DROP TRIGGER access_trail_no_update",
        "DROP TRIGGER access_trail_no_delete",
        "UPDATE access_trail SET allowed = 1 WHERE seq = 3",
        "DELETE FROM access_trail WHERE seq = 5",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    app.state.services.db().close().await;

    let tampered = audit_verify(&app);
    let out = String::from_utf8_lossy(&tampered.stdout);
    assert_eq!(tampered.status.code(), Some(1), "{out}");
    assert!(out.contains("entry 3 was changed"), "{out}");
    assert!(out.contains("entry 5 was removed"), "{out}");
    assert!(out.contains("entry 6 does not follow"), "{out}");
    assert!(!out.contains("entry 4"), "{out}");
}
