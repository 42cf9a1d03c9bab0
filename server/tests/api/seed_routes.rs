//! The seed API's slot and appointment routes, calendars, specialties, profiles
//! and notifications over HTTP.

use crate::common;

use common::{TestApp, parts, spawn_app};
use domain::accounts::Role;
use icalendar::{Component, EventLike};
use serde_json::{Value, json};

fn tomorrow_at(hour: u32) -> String {
    let day = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::UTC)
        .date()
        .tomorrow()
        .unwrap();
    format!("{day}T{hour:02}:00:00Z")
}

async fn delete_auth(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn seed_slot_routes_open_list_and_reserve() {
    let app = spawn_app().await;
    let (doctor_id, doctor, _) = app.user_with_tokens(Role::Doctor, "dr.house").await;
    let (_, marie, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let (_, paul, _) = app.user_with_tokens(Role::Patient, "paul").await;

    let body = json!({"start": tomorrow_at(10), "end": tomorrow_at(11)});
    let (status, created) = parts(app.post_auth("/api/slots/", &doctor, body.clone()).await).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["message"], "Slot crée avec succès");
    let slot_id = created["id"].as_i64().unwrap();
    let (status, refused) = parts(app.post_auth("/api/slots/", &marie, body.clone()).await).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("permission_denied"))
    );
    let (status, bad) = parts(
        app.post_auth("/api/slots/", &doctor, json!({"start": tomorrow_at(12)}))
            .await,
    )
    .await;
    assert_eq!((status, bad["field"].as_str()), (400, Some("end")));
    let (status, overlap) = parts(app.post_auth("/api/slots/", &doctor, body).await).await;
    assert_eq!(
        (status, overlap["code"].as_str()),
        (409, Some("slot_overlap"))
    );

    let (status, list) = parts(app.get_auth("/api/slots/available/", &marie).await).await;
    assert_eq!(status, 200, "{list}");
    let expected = json!([{"id": slot_id, "start_time": tomorrow_at(10), "end_time": tomorrow_at(11),
        "doctor": {"id": doctor_id, "name": "Dr. Test dr.house"}, "remaining": 1,
        "consultation_type": "both", "location": null}]);
    assert_eq!(list, expected);
    assert_eq!(
        app.get_auth("/api/slots/available/", &doctor)
            .await
            .status(),
        403
    );

    let (status, missing) = parts(
        app.post_auth(
            "/api/slots/reserve/",
            &marie,
            json!({"doctor_id": doctor_id}),
        )
        .await,
    )
    .await;
    assert_eq!((status, missing["field"].as_str()), (400, Some("slot_id")));
    let reserve = json!({"slot_id": slot_id, "doctor_id": doctor_id});
    let (status, reserved) = parts(
        app.post_auth("/api/slots/reserve/", &marie, reserve.clone())
            .await,
    )
    .await;
    assert_eq!(status, 201, "{reserved}");
    assert_eq!(reserved["message"], "Slot réservé avec succès");
    let (status, full) = parts(app.post_auth("/api/slots/reserve/", &paul, reserve).await).await;
    assert_eq!((status, full["code"].as_str()), (409, Some("slot_full")));
    let (_, left) = parts(app.get_auth("/api/slots/available/", &paul).await).await;
    assert_eq!(left, json!([]));

    let (status, mine) = parts(app.get_auth("/api/appointments/patient/", &marie).await).await;
    assert_eq!(status, 200);
    assert_eq!(mine[0]["id"], reserved["id"]);
    assert_eq!(
        mine[0]["doctor"],
        json!({"id": doctor_id, "name": "Dr. Test dr.house"})
    );
    assert_eq!(
        mine[0]["slot"],
        json!({"start_time": tomorrow_at(10), "end_time": tomorrow_at(11)})
    );
    assert!(mine[0].get("patient").is_none());
    let (_, agenda) = parts(app.get_auth("/api/appointments/doctor/", &doctor).await).await;
    assert_eq!(agenda[0]["patient"]["name"], "Test marie");
    assert_eq!(
        app.get_auth("/api/appointments/doctor/", &marie)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.get_auth("/api/appointments/patient/", &doctor)
            .await
            .status(),
        403
    );
    let (_, others) = parts(app.get_auth("/api/appointments/patient/", &paul).await).await;
    assert_eq!(others, json!([]), "another patient sees nothing of it");

    // The doctor was told; reading clears the count.
    let (_, inbox) = parts(app.get_auth("/api/v1/notifications/", &doctor).await).await;
    assert_eq!(inbox["unread"], 1);
    assert_eq!(inbox["items"][0]["notice"]["kind"], "appointment_requested");
    assert_eq!(inbox["items"][0]["notice"]["patient_name"], "Test marie");
    let read = app
        .post_auth("/api/v1/notifications/read/", &doctor, json!({}))
        .await;
    assert_eq!(read.status(), 204);
    let (_, inbox) = parts(app.get_auth("/api/v1/notifications/", &doctor).await).await;
    assert_eq!(inbox["unread"], 0);
    let (_, theirs) = parts(app.get_auth("/api/v1/notifications/", &paul).await).await;
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn calendars_download_and_private_feeds() {
    let app = spawn_app().await;
    let (doctor_id, doctor, _) = app.user_with_tokens(Role::Doctor, "dr.house").await;
    let (_, marie, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let weekly = json!({"day_of_week": 2, "start_time": "09:00", "end_time": "10:00", "consultation_type": "both",
        "duration_minutes": 30, "max_consultations": 1, "location": "Cabinet"});
    assert_eq!(
        app.post_auth("/api/v1/availabilities/", &doctor, weekly)
            .await
            .status(),
        201
    );
    let response = app
        .get_auth("/api/v1/availabilities/calendar-ics/", &doctor)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"disponibilites_dr_dr.house.ics\""
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = response.text().await.unwrap();
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    // One event per Wednesday for its two free slots (today's perhaps past).
    assert!(
        (11..=12).contains(&events.len()),
        "12 weeks of Wednesdays, today's perhaps past: {}",
        events.len()
    );
    assert!(events.iter().all(|e| e.get_location() == Some("Cabinet")));
    assert!(
        events
            .iter()
            .filter(|e| e.get_summary() != Some("Disponible 09:00–10:00 · 2 places"))
            .count()
            <= 1
    );
    assert_eq!(text.matches("\r\nPRODID:").count(), 1);
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris"));
    assert!(text.contains("DTSTART;TZID=Europe/Paris:"));
    assert_eq!(
        app.get_auth("/api/v1/availabilities/calendar-ics/", &marie)
            .await
            .status(),
        403
    );

    // Marie books the first slot; her private feed lists it, without credentials.
    let (_, free) = parts(
        app.get_auth(
            &format!(
                "/api/v1/availabilities/available-slots/?doctor={doctor_id}&date_end={}",
                jiff::Zoned::now()
                    .date()
                    .checked_add(jiff::Span::new().days(8))
                    .unwrap()
            ),
            &marie,
        )
        .await,
    )
    .await;
    let start = free[0]["start"].clone();
    let (status, booked) = parts(
        app.post_auth(
            "/api/v1/appointments/",
            &marie,
            json!({"doctor_id": doctor_id, "start": start}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{booked}");
    let (_, none) = parts(app.get_auth("/api/v1/calendar-feed/", &marie).await).await;
    assert_eq!(none, json!({"path": null}));
    let (status, feed) = parts(
        app.post_auth("/api/v1/calendar-feed/", &marie, json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 201);
    let path = feed["path"].as_str().unwrap().to_owned();
    let response = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let event = calendar
        .components
        .iter()
        .find_map(|c| c.as_event())
        .unwrap();
    assert_eq!(
        event.get_uid(),
        Some(format!("appointment-{}@medplat", booked["id"]).as_str())
    );
    assert_eq!(event.property_value("STATUS"), Some("TENTATIVE"));
    let tampered = format!("{}0.ics", path.trim_end_matches(".ics"));
    assert_eq!(
        app.client
            .get(app.url(&tampered))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        delete_auth(&app, "/api/v1/calendar-feed/", &marie)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.client
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "revoked"
    );
}

#[tokio::test]
async fn specialties_and_profiles() {
    let app = spawn_app().await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "boss").await;
    let (doctor_id, doctor, _) = app.user_with_tokens(Role::Doctor, "dr.house").await;
    let (_, marie, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let form = json!({"code": "neurology", "name_fr": "Neurologie", "name_en": "Neurology"});
    assert_eq!(
        app.post_auth("/api/v1/specialties/", &marie, form.clone())
            .await
            .status(),
        403
    );
    let (status, created) = parts(
        app.post_auth("/api/v1/specialties/", &admin, form.clone())
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let (status, taken) = parts(app.post_auth("/api/v1/specialties/", &admin, form).await).await;
    assert_eq!((status, taken["code"].as_str()), (409, Some("code_taken")));

    let patch = |body: Value| {
        app.client
            .patch(app.url("/api/v1/profile/"))
            .bearer_auth(&doctor)
            .json(&body)
            .send()
    };
    let (status, bad) = parts(patch(json!({"phone": "12"})).await.unwrap()).await;
    assert_eq!((status, bad["field"].as_str()), (400, Some("phone")));
    let (status, profile) = parts(
        patch(
            json!({"specialty": "neurology", "phone": "06 12 34 56 78", "languages": ["fr", "en"],
            "address": "3 place du Marché, Lyon", "bio": "Neurologue"}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["phone"], "+33612345678");
    assert_eq!(profile["specialty"]["code"], "neurology");

    let (_, found) = parts(
        app.get_auth("/api/v1/doctors/?specialty=neurology", &marie)
            .await,
    )
    .await;
    assert_eq!(found[0]["id"], doctor_id);
    assert_eq!(found[0]["languages"], json!(["fr", "en"]));
    assert_eq!(found[0]["next_free"], Value::Null);
    let (status, bad) = parts(
        app.get_auth("/api/v1/doctors/?available_by=soon", &marie)
            .await,
    )
    .await;
    assert_eq!((status, bad["field"].as_str()), (400, Some("available_by")));
    let (_, one) = parts(
        app.get_auth(&format!("/api/v1/doctors/{doctor_id}/"), &marie)
            .await,
    )
    .await;
    assert_eq!(one["address"], "3 place du Marché, Lyon");

    let id = created["id"].as_i64().unwrap();
    let (status, in_use) =
        parts(delete_auth(&app, &format!("/api/v1/specialties/{id}/"), &admin).await).await;
    assert_eq!(
        (status, in_use["code"].as_str()),
        (409, Some("specialty_in_use"))
    );
}
