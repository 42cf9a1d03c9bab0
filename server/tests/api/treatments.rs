//! Treatments: seed 000's routes field by field and code by code, the
//! medical-data policy on every one of them (another patient's treatment is
//! 404), days left on the patient's calendar, doses ticked, adherence,
//! interactions and dose reminders.

use crate::common;

use common::medical::*;
use common::{TestApp, parts, spawn_app};
use domain::accounts::Role;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use reqwest::Method;
use serde_json::{Value, json};

async fn delete(app: &TestApp, actor: &Actor, path: &str) -> Sent {
    send(app, actor, Method::DELETE, path, None).await
}

fn instant(value: &Value) -> Timestamp {
    value.as_str().unwrap().parse().unwrap()
}

/// The patient's profile with only a time zone.
async fn set_zone(app: &TestApp, patient: &Actor, zone: &str) {
    let sent = put(
        app,
        patient,
        &format!("/api/v1/patients/{}/profile/", patient.id),
        json!({"time_zone": zone}),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(sent.body["time_zone"], zone);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_routes_answer_field_by_field_and_code_by_code() {
    let app = spawn_app().await;
    let patient = actor(&app, Role::Patient, "marie").await;

    // POST: 201 with the seed's fields.
    let created = post(
        &app,
        &patient,
        "/api/treatments/",
        json!({"medocs_name": "Paracétamol", "frequency": 3, "duration_days": 7}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let t = &created.body;
    for key in [
        "id",
        "medocs_name",
        "frequency",
        "started_at",
        "duration_days",
        "end",
        "jours_restants",
    ] {
        assert!(t.get(key).is_some(), "{key} in {t}");
    }
    assert_eq!(t["medocs_name"], "Paracétamol");
    assert_eq!(t["frequency"], 3);
    assert_eq!(t["duration_days"], 7);
    assert_eq!(t["jours_restants"], 7);
    let (start, end) = (instant(&t["started_at"]), instant(&t["end"]));
    let paris = TimeZone::get("Europe/Paris").unwrap();
    assert_eq!(
        end,
        start
            .to_zoned(paris.clone())
            .checked_add(7.days())
            .unwrap()
            .timestamp()
    );
    assert!(Timestamp::now().duration_since(start).abs() < SignedDuration::from_secs(60));
    assert_eq!(t["dose_times"], json!(["08:00", "14:00", "20:00"]));
    assert_eq!(t["prescribed_by"], Value::Null);
    assert_eq!(t["active_ingredients"], json!(["paracétamol"]));
    assert_eq!(t["active"], true);
    let id = t["id"].as_i64().unwrap();
    assert_trail(
        &created,
        &want(&patient, "create", "treatment", patient.id, Trail::Allowed),
        "create",
    );

    // GET list and one: 200.
    let list = get(&app, &patient, "/api/treatments/").await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert_eq!(list.body[0]["id"], id);
    assert_trail(
        &list,
        &want(&patient, "read", "treatment", patient.id, Trail::Allowed),
        "list",
    );
    let one = get(&app, &patient, &format!("/api/treatments/{id}/")).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body, list.body[0]);

    // PUT with the seed's body: 200; the start stays, the rest changes.
    let changed = put(
        &app,
        &patient,
        &format!("/api/treatments/{id}/"),
        json!({"medocs_name": "Ibuprofène", "frequency": 2, "duration_days": 5}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["medocs_name"], "Ibuprofène");
    assert_eq!(changed.body["frequency"], 2);
    assert_eq!(changed.body["duration_days"], 5);
    assert_eq!(changed.body["jours_restants"], 5);
    assert_eq!(changed.body["started_at"], t["started_at"]);
    assert_eq!(changed.body["dose_times"], json!(["08:00", "20:00"]));
    assert_eq!(
        instant(&changed.body["end"]),
        start
            .to_zoned(paris)
            .checked_add(5.days())
            .unwrap()
            .timestamp()
    );

    // 400 naming the field: missing, wrong type, out of range, bad JSON.
    for (body, field) in [
        (json!({"frequency": 3, "duration_days": 7}), "medocs_name"),
        (json!({"medocs_name": "X", "duration_days": 7}), "frequency"),
        (
            json!({"medocs_name": "X", "frequency": "trois", "duration_days": 7}),
            "frequency",
        ),
        (
            json!({"medocs_name": "X", "frequency": 0, "duration_days": 7}),
            "frequency",
        ),
        (
            json!({"medocs_name": "X", "frequency": 3, "duration_days": 0}),
            "duration_days",
        ),
        (
            json!({"medocs_name": "X", "frequency": 3, "duration_days": 7, "started_at": "hier"}),
            "started_at",
        ),
        (
            json!({"medocs_name": "X", "frequency": 2, "duration_days": 7, "dose_times": ["08:00"]}),
            "dose_times",
        ),
    ] {
        let sent = post(&app, &patient, "/api/treatments/", body.clone()).await;
        assert_eq!(sent.status, 400, "{body}: {}", sent.text);
        assert_eq!(sent.body["field"], field, "{body}: {}", sent.text);
        assert!(sent.entries.is_empty(), "nothing recorded for {body}");
        let sent = put(
            &app,
            &patient,
            &format!("/api/treatments/{id}/"),
            body.clone(),
        )
        .await;
        assert_eq!(sent.status, 400, "PUT {body}: {}", sent.text);
    }
    let raw = app
        .client
        .post(app.url("/api/treatments/"))
        .bearer_auth(&patient.token)
        .header("content-type", "application/json")
        .body("{\"medocs_name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM treatments")
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(count, 1, "no half-written treatment");

    // 401 without a token; 403 for an administrator's list; 404 unknown.
    for (method, path) in [
        (Method::GET, "/api/treatments/".to_owned()),
        (Method::GET, format!("/api/treatments/{id}/")),
        (Method::DELETE, format!("/api/treatments/{id}/")),
    ] {
        let response = app
            .client
            .request(method, app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
    let admin = actor(&app, Role::Admin, "admin").await;
    let listed = get(&app, &admin, "/api/treatments/").await;
    assert_eq!(listed.status, 403);
    assert_eq!(listed.body["code"], "permission_denied");
    assert_eq!(
        get(&app, &patient, "/api/treatments/999999/").await.status,
        404
    );

    // DELETE: 204, then 404.
    let removed = delete(&app, &patient, &format!("/api/treatments/{id}/")).await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert!(removed.text.is_empty());
    assert_trail(
        &removed,
        &want(&patient, "delete", "treatment", patient.id, Trail::Allowed),
        "delete",
    );
    assert_eq!(
        get(&app, &patient, &format!("/api/treatments/{id}/"))
            .await
            .status,
        404
    );
    assert_eq!(
        delete(&app, &patient, &format!("/api/treatments/{id}/"))
            .await
            .status,
        404
    );
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn days_left_are_counted_in_the_patients_time_zone_and_never_go_negative() {
    let app = spawn_app().await;
    let east = actor(&app, Role::Patient, "kiritimati").await;
    let west = actor(&app, Role::Patient, "plus-two").await;
    // Twelve hours apart on the clock: at any instant exactly one of them is
    // in the morning.
    set_zone(&app, &east, "Pacific/Kiritimati").await;
    set_zone(&app, &west, "Etc/GMT-2").await;
    let now = Timestamp::now();
    // A one-day treatment that ends twelve hours from now: it ends today
    // where it is morning, tomorrow where it is afternoon.
    let started = (now - SignedDuration::from_hours(12)).to_string();
    for (patient, zone) in [(&east, "Pacific/Kiritimati"), (&west, "Etc/GMT-2")] {
        let sent = post(
            &app,
            patient,
            "/api/treatments/",
            json!({"medocs_name": "Sirop",
            "frequency": 1, "duration_days": 1, "started_at": started}),
        )
        .await;
        assert_eq!(sent.status, 201, "{}", sent.text);
        let local_hour = now.to_zoned(TimeZone::get(zone).unwrap()).hour();
        let expected = if local_hour < 12 { 0 } else { 1 };
        assert_eq!(
            sent.body["jours_restants"], expected,
            "{zone} at {local_hour} h: {}",
            sent.text
        );
    }
    // Ended long ago: 0, not negative, and no longer active.
    let old = (now - SignedDuration::from_hours(24 * 30)).to_string();
    let sent = post(
        &app,
        &east,
        "/api/treatments/",
        json!({"medocs_name": "Vieux sirop",
        "frequency": 1, "duration_days": 3, "started_at": old}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    assert_eq!(sent.body["jours_restants"], 0);
    assert_eq!(sent.body["active"], false);
    // Not started yet: the whole duration.
    let later = (now + SignedDuration::from_hours(24 * 10)).to_string();
    let sent = post(
        &app,
        &east,
        "/api/treatments/",
        json!({"medocs_name": "Cure",
        "frequency": 1, "duration_days": 4, "started_at": later}),
    )
    .await;
    assert_eq!(sent.body["jours_restants"], 4);
    assert_eq!(sent.body["active"], false);
    let bad = put(
        &app,
        &east,
        &format!("/api/v1/patients/{}/profile/", east.id),
        json!({"time_zone": "Mars/Olympus"}),
    )
    .await;
    assert_eq!(
        (bad.status, bad.body["field"].as_str()),
        (400, Some("time_zone"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doses_are_ticked_by_the_patient_and_adherence_interactions_and_reminders_follow() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    set_zone(&app, &w.patient, "Europe/Paris").await;
    let paris = TimeZone::get("Europe/Paris").unwrap();
    let now = Timestamp::now().to_zoned(paris.clone());
    let yesterday = now.date().yesterday().unwrap();
    let start = yesterday
        .to_zoned(paris.clone())
        .unwrap()
        .timestamp()
        .to_string();
    let created = post(
        &app,
        &w.patient,
        "/api/treatments/",
        json!({"medocs_name": "Doliprane 1000",
        "frequency": 2, "duration_days": 5, "started_at": start, "dose_times": ["20:00", "08:00"]}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["dose_times"], json!(["08:00", "20:00"]));
    let id = created.body["id"].as_i64().unwrap();
    let second = post(
        &app,
        &w.patient,
        "/api/treatments/",
        json!({"medocs_name": "Dafalgan codéiné",
        "frequency": 1, "duration_days": 3, "started_at": start}),
    )
    .await;
    assert_eq!(second.status, 201);
    let dafalgan = second.body["id"].as_i64().unwrap();

    // Yesterday: both doses due; the patient ticks one taken, one skipped.
    let doses = format!("/api/v1/treatments/{id}/doses/");
    let day = yesterday.to_string();
    let taken = put(
        &app,
        &w.patient,
        &doses,
        json!({"day": day, "time": "08:00", "status": "taken"}),
    )
    .await;
    assert_eq!(taken.status, 200, "{}", taken.text);
    assert_eq!(taken.body["status"], "taken");
    assert_eq!(taken.body["due"], true);
    assert_trail(
        &taken,
        &want(
            &w.patient,
            "update",
            "treatment",
            w.patient.id,
            Trail::Allowed,
        ),
        "tick",
    );
    let skipped = put(
        &app,
        &w.patient,
        &doses,
        json!({"day": day, "time": "20:00", "status": "skipped"}),
    )
    .await;
    assert_eq!(skipped.status, 200);
    // Changing one's mind replaces the tick.
    let again = put(
        &app,
        &w.patient,
        &doses,
        json!({"day": day, "time": "08:00", "status": "taken"}),
    )
    .await;
    assert_eq!(again.status, 200);

    for (body, field) in [
        (
            json!({"day": now.date().tomorrow().unwrap().to_string(), "time": "08:00", "status": "taken"}),
            "day",
        ),
        (
            json!({"day": day, "time": "09:00", "status": "taken"}),
            "time",
        ),
        (
            json!({"day": yesterday.yesterday().unwrap().to_string(), "time": "08:00", "status": "taken"}),
            "day",
        ),
        (
            json!({"day": day, "time": "08:00", "status": "peut-être"}),
            "status",
        ),
        (json!({"time": "08:00", "status": "taken"}), "day"),
    ] {
        let sent = put(&app, &w.patient, &doses, body.clone()).await;
        assert_eq!(sent.status, 400, "{body}: {}", sent.text);
        assert_eq!(sent.body["field"], field, "{body}: {}", sent.text);
    }
    let tick = json!({"day": day, "time": "08:00", "status": "skipped"});
    table(
        &app,
        Method::PUT,
        &doses,
        Some(tick),
        "update",
        "treatment",
        w.patient.id,
        &[
            (&w.assigned, 403, Trail::Refused),
            (&w.other_patient, 404, Trail::Refused),
            (&w.stranger, 404, Trail::Refused),
        ],
    )
    .await;

    // The day: yesterday's doses with their ticks; adherence so far.
    let plan_path = format!(
        "/api/v1/patients/{}/treatments/day/?day={day}",
        w.patient.id
    );
    let plan = get(&app, &w.patient, &plan_path).await;
    assert_eq!(plan.status, 200, "{}", plan.text);
    assert_eq!(plan.body["time_zone"], "Europe/Paris");
    let mine: Vec<(String, Value)> = plan.body["doses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["treatment_id"] == id)
        .map(|d| (d["time"].as_str().unwrap().to_owned(), d["status"].clone()))
        .collect();
    assert_eq!(
        mine,
        [
            ("08:00".into(), json!("taken")),
            ("20:00".into(), json!("skipped"))
        ]
    );
    let adherence = plan.body["adherence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["treatment_id"] == id)
        .unwrap()
        .clone();
    let due_today = i64::from(now.hour() >= 8) + i64::from(now.hour() >= 20);
    assert_eq!(adherence["due"], 2 + due_today);
    assert_eq!(
        (adherence["taken"].as_i64(), adherence["skipped"].as_i64()),
        (Some(1), Some(1))
    );
    let rate = adherence["rate"].as_f64().unwrap();
    assert!((rate - 1.0 / (2 + due_today) as f64).abs() < 1e-9);
    // Doliprane and Dafalgan codéiné are both paracetamol.
    let interactions = plan.body["interactions"].as_array().unwrap();
    assert_eq!(interactions.len(), 1, "{}", plan.text);
    assert_eq!(interactions[0]["ingredient"], "paracétamol");
    assert_eq!(
        interactions[0]["treatment_ids"].as_array().unwrap().len(),
        2
    );
    assert!(
        interactions[0]["treatment_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(dafalgan))
    );
    // The care team reads the day; strangers and other patients do not.
    let plan_today = format!("/api/v1/patients/{}/treatments/day/", w.patient.id);
    table(
        &app,
        Method::GET,
        &plan_today,
        None,
        "read",
        "treatment",
        w.patient.id,
        &[
            (&w.assigned, 200, Trail::Allowed),
            (&w.other_patient, 403, Trail::Refused),
            (&w.stranger, 403, Trail::Refused),
            (&w.admin, 403, Trail::Refused),
        ],
    )
    .await;
    let bad_day = get(&app, &w.patient, &format!("{plan_today}?day=hier")).await;
    assert_eq!(
        (bad_day.status, bad_day.body["field"].as_str()),
        (400, Some("day"))
    );

    // Reminders: a dose due five minutes ago is reminded once, not twice.
    let five_ago = (Timestamp::now() - SignedDuration::from_mins(5)).to_zoned(paris.clone());
    let time = format!("{:02}:{:02}", five_ago.hour(), five_ago.minute());
    let start = (Timestamp::now() - SignedDuration::from_hours(48)).to_string();
    let reminded = post(
        &app,
        &w.patient,
        "/api/treatments/",
        json!({"medocs_name": "Levothyrox",
        "frequency": 1, "duration_days": 10, "started_at": start, "dose_times": [time]}),
    )
    .await;
    assert_eq!(reminded.status, 201, "{}", reminded.text);
    let treatments = &app.state.services.treatments;
    let sent = treatments.remind_due(Timestamp::now()).await.unwrap();
    assert!(sent >= 1, "the dose five minutes ago is reminded");
    assert_eq!(
        treatments.remind_due(Timestamp::now()).await.unwrap(),
        0,
        "once only"
    );
    let (_, notes) = parts(
        app.get_auth("/api/v1/notifications/", &w.patient.token)
            .await,
    )
    .await;
    let text = notes.to_string();
    assert!(
        text.contains("dose_due") && text.contains("Levothyrox") && text.contains(&time),
        "{text}"
    );
}
