//! Platform settings: the environment's values until an administrator saves
//! others; every bad value refused by name with nothing written; a change
//! recorded field by field (who, when, before, after) and in the activity
//! log, and applied at once: the assistant's contact and off switch, the
//! clinic's booking notice; on a second instance over Redis within a second.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{self, TestApp, parts, spawn_with};
use domain::accounts::Role;

async fn patch(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .patch(app.url("/api/v1/settings/"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    parts(response).await
}

async fn read(app: &TestApp, token: &str) -> Value {
    let (status, page) = parts(app.get_auth("/api/v1/settings/", token).await).await;
    assert_eq!(status, 200, "{page}");
    page
}

/// A doctor open every day, all day, 30-minute slots.
async fn open_doctor(app: &TestApp) -> i64 {
    let (id, token, _) = app.user_with_tokens(Role::Doctor, "dr.settings").await;
    for day in 0..7 {
        let body = json!({"day_of_week": day, "start_time": "00:00", "end_time": "23:30", "consultation_type": "both",
            "duration_minutes": 30, "max_consultations": 1});
        assert_eq!(
            app.post_auth("/api/v1/availabilities/", &token, body)
                .await
                .status(),
            201
        );
    }
    id
}

async fn earliest_slot(app: &TestApp, doctor: i64, token: &str) -> jiff::Timestamp {
    let (status, slots) = parts(
        app.get_auth(
            &format!("/api/v1/availabilities/available-slots/?doctor={doctor}"),
            token,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{slots}");
    slots.as_array().unwrap()[0]["start"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn administrators_change_settings_that_apply_at_once_with_their_history() {
    let app = spawn_with(&[("REMINDERS", "3h,30m")]).await;
    let (admin_id, admin, _) = app.user_with_tokens(Role::Admin, "chef").await;
    let (_, patient, _) = app.user_with_tokens(Role::Patient, "lea").await;
    let doctor = open_doctor(&app).await;

    // The environment's values until someone saves others.
    let page = read(&app, &admin).await;
    assert_eq!(page["version"], 0);
    assert_eq!(page["settings"]["reminders"], json!([180, 30]));
    assert_eq!(page["history"], json!([]));
    let builtin_phone = page["settings"]["clinic_phone"]
        .as_str()
        .unwrap()
        .to_owned();

    // Others may not read or change them.
    assert_eq!(
        app.get_auth("/api/v1/settings/", &patient).await.status(),
        403
    );
    assert_eq!(
        patch(&app, &patient, json!({"clinic_name": "X"})).await.0,
        403
    );

    // Bad values are named, and nothing is written.
    for (body, field) in [
        (json!({"clinic_phone": "12"}), "clinic_phone"),
        (json!({"clinic_email": "pas un mail"}), "clinic_email"),
        (json!({"time_zone": "Mars/Olympus"}), "time_zone"),
        (json!({"language": "de"}), "language"),
        (json!({"min_notice_minutes": -5}), "min_notice_minutes"),
        (json!({"reminders": [60, 60]}), "reminders"),
        (json!({"assistant_backend": "llm"}), "assistant_backend"),
        (
            json!({"vitals_raw_days": 400, "vitals_summary_days": 30}),
            "vitals_summary_days",
        ),
        (json!({"clinic_name": "   "}), "clinic_name"),
    ] {
        let (status, error) = patch(&app, &admin, body.clone()).await;
        assert_eq!(status, 400, "{body}: {error}");
        assert_eq!(error["field"], field, "{body}: {error}");
    }
    let (status, _) = patch(&app, &admin, json!({"clinic_colour": "blue"})).await;
    assert_eq!(status, 400, "an unknown setting");
    assert_eq!(read(&app, &admin).await["version"], 0, "nothing written");

    // Before: a slot within two days (the doctor's own notice is an hour).
    let now = jiff::Timestamp::now();
    assert!(
        earliest_slot(&app, doctor, &patient).await < now + jiff::SignedDuration::from_hours(48)
    );

    let (status, page) = patch(
        &app,
        &admin,
        json!({"clinic_phone": "01 45 67 89 10", "min_notice_minutes": 2880, "assistant_enabled": false}),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["version"], 1);
    assert_eq!(page["settings"]["clinic_phone"], "01 45 67 89 10");
    let history = page["history"].as_array().unwrap();
    assert_eq!(history.len(), 3);
    let phone = history
        .iter()
        .find(|c| c["field"] == "clinic_phone")
        .unwrap();
    assert_eq!(phone["before"], json!(format!("\"{builtin_phone}\"")));
    assert_eq!(phone["after"], "\"01 45 67 89 10\"");
    assert_eq!(phone["actor_id"], admin_id);
    assert_eq!(phone["actor_name"], "Test chef");
    let notice = history
        .iter()
        .find(|c| c["field"] == "min_notice_minutes")
        .unwrap();
    assert_eq!(
        (notice["before"].as_str(), notice["after"].as_str()),
        (Some("0"), Some("2880"))
    );

    // Saving the same values again changes nothing.
    let (_, same) = patch(&app, &admin, json!({"clinic_phone": "01 45 67 89 10"})).await;
    assert_eq!(same["version"], 1);

    // Applied: no slot sooner than two days from now.
    let earliest = earliest_slot(&app, doctor, &patient).await;
    assert!(
        earliest >= now + jiff::SignedDuration::from_hours(48),
        "{earliest}"
    );
    // A clinic-wide cut-off: a booking two days ahead cannot be cancelled
    // a week before, whatever the doctor allows.
    let (status, booked) = parts(
        app.post_auth(
            "/api/v1/appointments/",
            &patient,
            json!({"doctor_id": doctor, "start": earliest.to_string(), "consultation_type": "in_person"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{booked}");
    let cancel = format!("/api/v1/appointments/{}/cancel/", booked["id"]);
    assert_eq!(
        patch(&app, &admin, json!({"cancel_cutoff_minutes": 10080}))
            .await
            .0,
        200
    );
    let (status, refused) = parts(app.post_auth(&cancel, &patient, json!({})).await).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("cutoff_passed")),
        "{refused}"
    );
    assert_eq!(
        patch(&app, &admin, json!({"cancel_cutoff_minutes": 0}))
            .await
            .0,
        200
    );
    assert_eq!(
        app.post_auth(&cancel, &patient, json!({})).await.status(),
        200
    );

    // The assistant is off and gives the new number, but still answers an
    // emergency first.
    let assistant = &app.state.services.assistant;
    let off = assistant
        .reply(None, "Comment prendre rendez-vous ?", true)
        .await
        .unwrap();
    assert_eq!(off.intent, "assistant_off");
    assert!(off.message.contains("01 45 67 89 10"), "{}", off.message);
    let urgent = assistant
        .reply(
            None,
            "J'ai une douleur thoracique très forte et je n'arrive plus à respirer",
            true,
        )
        .await
        .unwrap();
    assert_eq!(urgent.intent, "emergency");
    let (status, _) = patch(&app, &admin, json!({"assistant_enabled": true})).await;
    assert_eq!(status, 200);
    let contact = assistant
        .reply(None, "quel est votre numéro de téléphone", true)
        .await
        .unwrap();
    assert_eq!(contact.intent, "contact");
    assert!(
        contact.message.contains("01 45 67 89 10"),
        "{}",
        contact.message
    );

    // In the activity log, with the fields changed.
    let (_, log) = parts(
        app.get_auth("/api/v1/activity/?action=settings_changed", &admin)
            .await,
    )
    .await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4, "{log}");
    let mut fields: Vec<&str> = entries[3]["detail"].as_str().unwrap().split(':').collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["assistant_enabled", "clinic_phone", "min_notice_minutes"]
    );
}

#[tokio::test]
async fn a_change_reaches_the_other_instance_over_redis_within_a_second() {
    let (one, two, database) = common::two_instances("settings").await;
    let (_, admin, _) = one.user_with_tokens(Role::Admin, "chef").await;
    assert_ne!(
        two.state.services.settings.current().clinic_name,
        "Clinique des Lilas"
    );
    let (status, page) = patch(&one, &admin, json!({"clinic_name": "Clinique des Lilas"})).await;
    assert_eq!(status, 200, "{page}");
    let saved = Instant::now();
    while two.state.services.settings.current().clinic_name != "Clinique des Lilas" {
        assert!(
            saved.elapsed() < Duration::from_secs(1),
            "not applied on the other instance within a second"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!(
        "applied on the other instance {:?} after the save answered",
        saved.elapsed()
    );
    // A save on the second instance builds on the first one's.
    let (admin_two, _) = two.login("chef").await;
    let (status, page) = patch(
        &two,
        &admin_two,
        json!({"clinic_email": "accueil@lilas.fr"}),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["version"], 2);
    assert_eq!(page["settings"]["clinic_name"], "Clinique des Lilas");
    common::drop_postgres(&database).await;
}
