//! Scheduling over HTTP: availability permissions, the free-slot search, and
//! concurrent bookings of one slot on SQLite and on PostgreSQL.

use crate::common;

use common::{TestApp, drop_postgres, fresh_postgres_url, parts, spawn_app, spawn_with};
use domain::accounts::Role;
use serde_json::{Value, json};

/// A doctor open every day 07:00–21:00 (Paris), 30-minute slots of `capacity`.
async fn open_doctor(app: &TestApp, capacity: i64) -> (i64, String) {
    let (id, token, _) = app.user_with_tokens(Role::Doctor, "dr.house").await;
    for day in 0..7 {
        let body = json!({"day_of_week": day, "start_time": "07:00", "end_time": "21:00", "consultation_type": "both",
            "duration_minutes": 30, "max_consultations": capacity, "location": "Cabinet"});
        assert_eq!(
            app.post_auth("/api/v1/availabilities/", &token, body)
                .await
                .status(),
            201
        );
    }
    (id, token)
}

async fn first_free_slot(app: &TestApp, doctor: i64, token: &str) -> Value {
    let (status, slots) = parts(
        app.get_auth(
            &format!("/api/v1/availabilities/available-slots/?doctor={doctor}"),
            token,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{slots}");
    slots
        .as_array()
        .and_then(|s| s.first())
        .cloned()
        .expect("a free slot this week")
}

/// Racers booking one slot at once.
const RACERS: usize = 50;

/// The racers all sign in from one address.
const UNTHROTTLED: (&str, &str) = ("LOGIN_ATTEMPTS_PER_ADDRESS", "1000");

async fn concurrent_bookings(app: &TestApp) {
    let (doctor, _) = open_doctor(app, 1).await;
    let mut patients = Vec::new();
    for i in 0..RACERS {
        patients.push(
            app.user_with_tokens(Role::Patient, &format!("patient{i}"))
                .await
                .1,
        );
    }
    let slot = first_free_slot(app, doctor, &patients[0]).await;
    assert_eq!(slot["remaining"], 1);
    let requests = patients.iter().map(|token| {
        let request = app
            .client
            .post(app.url("/api/v1/appointments/"))
            .bearer_auth(token)
            .json(&json!({"doctor_id": doctor, "start": slot["start"], "consultation_type": "remote"}));
        tokio::spawn(async move { parts(request.send().await.unwrap()).await })
    });
    let mut created = 0;
    for request in requests.collect::<Vec<_>>() {
        let (status, body) = request.await.unwrap();
        match status {
            201 => created += 1,
            409 => assert_eq!(body["code"], "slot_full", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1, "{RACERS} racers for one place: one booked");
    let next = first_free_slot(app, doctor, &patients[0]).await;
    assert_ne!(
        next["start"], slot["start"],
        "the full slot is gone from the search"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_on_sqlite() {
    concurrent_bookings(&spawn_with(&[UNTHROTTLED]).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_on_postgres() {
    let url = fresh_postgres_url().await;
    let app = spawn_with(&[("DATABASE_URL", url.as_str()), UNTHROTTLED]).await;
    concurrent_bookings(&app).await;
    app.state.services.db().close().await;
    drop_postgres(&url).await;
}

#[tokio::test]
async fn availability_belongs_to_its_doctor() {
    let app = spawn_app().await;
    let (doctor, doctor_token) = open_doctor(&app, 1).await;
    let (_, other_doctor, _) = app.user_with_tokens(Role::Doctor, "dr.other").await;
    let (_, patient, _) = app.user_with_tokens(Role::Patient, "marie").await;

    let (status, ranges) = parts(
        app.get_auth(
            &format!("/api/v1/availabilities/?doctor={doctor}"),
            &patient,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, ranges.as_array().map(Vec::len)),
        (200, Some(7)),
        "patients read"
    );
    let id = ranges[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/availabilities/{id}/");
    let patch = json!({"max_consultations": 4});

    let response = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&patient)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&other_doctor)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&other_doctor)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let (status, range) = parts(
        app.client
            .patch(app.url(&path))
            .bearer_auth(&doctor_token)
            .json(&patch)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (
            status,
            range["max_consultations"].as_i64(),
            range["start_time"].as_str()
        ),
        (200, Some(4), Some("07:00"))
    );

    let bad = json!({"day_of_week": 9, "start_time": "07:00", "end_time": "21:00", "duration_minutes": 30});
    let (status, body) = parts(
        app.post_auth("/api/v1/availabilities/", &doctor_token, bad)
            .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("day_of_week")));
    assert_eq!(
        app.post_auth("/api/v1/availabilities/", &patient, json!({}))
            .await
            .status(),
        403
    );

    let (status, body) = parts(
        app.get_auth("/api/v1/availabilities/available-slots/", &patient)
            .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("doctor")));
    let (status, _) = parts(
        app.get_auth(
            "/api/v1/availabilities/available-slots/?doctor=999999",
            &patient,
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn appointments_are_private_to_their_patient_and_doctor() {
    let app = spawn_app().await;
    let (doctor, doctor_token) = open_doctor(&app, 1).await;
    let (_, other_doctor, _) = app.user_with_tokens(Role::Doctor, "dr.other").await;
    let (_, marie, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (_, paul, _) = app.user_with_tokens(Role::Patient, "paul").await;
    let slot = first_free_slot(&app, doctor, &marie).await;
    let (status, appointment) = parts(app.post_auth("/api/v1/appointments/", &marie,
        json!({"doctor_id": doctor, "start": slot["start"], "consultation_type": "in_person", "reason": "Toux"})).await).await;
    assert_eq!(
        (status, appointment["status"].as_str()),
        (201, Some("pending")),
        "{appointment}"
    );
    let id = appointment["id"].as_i64().unwrap();
    let path = format!("/api/v1/appointments/{id}/");

    assert_eq!(app.get_auth(&path, &paul).await.status(), 404);
    assert_eq!(app.get_auth(&path, &other_doctor).await.status(), 404);
    assert_eq!(
        parts(app.get_auth("/api/v1/appointments/", &paul).await)
            .await
            .1,
        json!([])
    );
    assert_eq!(
        app.post_auth(&format!("{path}cancel/"), &paul, json!({}))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post_auth(&format!("{path}accept/"), &other_doctor, json!({}))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post_auth(&format!("{path}accept/"), &marie, json!({}))
            .await
            .status(),
        403
    );

    let (status, accepted) = parts(
        app.post_auth(
            &format!("{path}accept/"),
            &doctor_token,
            json!({"message": "Bien noté"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            status,
            accepted["status"].as_str(),
            accepted["doctor_message"].as_str()
        ),
        (200, Some("confirmed"), Some("Bien noté"))
    );
    let (status, detail) = parts(app.get_auth(&path, &marie).await).await;
    assert_eq!(
        (status, detail["history"].as_array().map(Vec::len)),
        (200, Some(2))
    );
    let (_, mine) = parts(app.get_auth("/api/v1/appointments/", &doctor_token).await).await;
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn administrators_cancel_with_a_reason_and_both_sides_are_told() {
    let app = spawn_app().await;
    let (doctor, doctor_token) = open_doctor(&app, 1).await;
    let (_, marie, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "root.admin").await;
    let slot = first_free_slot(&app, doctor, &marie).await;
    let (status, appointment) = parts(app.post_auth("/api/v1/appointments/", &marie,
        json!({"doctor_id": doctor, "start": slot["start"], "consultation_type": "in_person", "reason": "Toux"})).await).await;
    assert_eq!(status, 201, "{appointment}");
    let path = format!(
        "/api/v1/appointments/{}/",
        appointment["id"].as_i64().unwrap()
    );

    // Administrators only cancel, and only with a reason; nothing changes otherwise.
    let (status, body) = parts(
        app.post_auth(&format!("{path}cancel/"), &admin, json!({}))
            .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("message")));
    assert_eq!(
        app.post_auth(&format!("{path}accept/"), &admin, json!({}))
            .await
            .status(),
        403
    );
    let (_, still) = parts(app.get_auth(&path, &marie).await).await;
    assert_eq!(still["status"].as_str(), Some("pending"));

    let (status, cancelled) = parts(
        app.post_auth(
            &format!("{path}cancel/"),
            &admin,
            json!({"message": "Cabinet fermé (dégât des eaux)"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (200, Some("cancelled")),
        "{cancelled}"
    );
    for token in [&marie, &doctor_token] {
        let (_, inbox) = parts(app.get_auth("/api/v1/notifications/", token).await).await;
        let told = inbox["items"].as_array().unwrap().iter().any(|n| {
            n["notice"]
                .to_string()
                .contains("Cabinet fermé (dégât des eaux)")
        });
        assert!(told, "{inbox}");
    }
    // The place is free again.
    let again = first_free_slot(&app, doctor, &marie).await;
    assert_eq!(again["start"], slot["start"]);
}

#[tokio::test]
async fn the_doctors_directory_answers_in_the_seed_shape() {
    let app = spawn_app().await;
    let form = domain::accounts::SignUpForm {
        username: "dr.nguyen".into(),
        email: "nguyen@example.org".into(),
        password: common::PASSWORD.into(),
        first_name: "Linh".into(),
        last_name: "Nguyen".into(),
    };
    let doctor = app
        .state
        .services
        .accounts
        .create_unchecked(Role::Doctor, &form, Some("cardiology"))
        .await
        .unwrap();
    let (_, patient, _) = app.user_with_tokens(Role::Patient, "marie").await;
    assert_eq!(
        app.client
            .get(app.url("/api/doctors/"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let (status, list) = parts(
        app.get_auth("/api/doctors/?specialty=cardiology", &patient)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        list,
        json!([{"id": doctor.id, "name": "Dr. Linh Nguyen", "email": "nguyen@example.org",
            "speciality": "Cardiologie", "speciality_code": "cardiology"}])
    );
    let (_, none) = parts(
        app.get_auth("/api/doctors/?specialty=dermatology", &patient)
            .await,
    )
    .await;
    assert_eq!(none, json!([]));
}
