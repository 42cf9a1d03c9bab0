//! Doses ticked by the patient, then the day's plan: adherence, interactions
//! between active ingredients, who may read it, and dose reminders.

use super::set_zone;
use crate::common::medical::*;
use crate::common::{parts, spawn_app};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use reqwest::Method;
use serde_json::{Value, json};

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
