//! Doctors' weekly hours, their free slots, and bookings checked against the trail.

use super::{Actor, Trail, assert_trail, post, want};
use crate::common::{TestApp, parts};
use serde_json::json;

/// The first `weekday` (Monday 1 … Sunday 7) at least `days` days after
/// today in Paris.
pub fn next_weekday(weekday: i8, days: i64) -> jiff::civil::Date {
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date();
    let mut day = today.checked_add(jiff::Span::new().days(days)).unwrap();
    while day.weekday().to_monday_one_offset() != weekday {
        day = day.tomorrow().unwrap();
    }
    day
}

/// The doctor adds weekly hours on `day` (Monday 0) from `start` to `end`:
/// 30-minute slots of one place, either kind of consultation.
pub async fn add_weekly(app: &TestApp, doctor: &Actor, day: i64, start: &str, end: &str) {
    let body = json!({"day_of_week": day, "start_time": start, "end_time": end,
        "consultation_type": "both", "duration_minutes": 30, "max_consultations": 1});
    let sent = post(app, doctor, "/api/v1/availabilities/", body).await;
    assert_eq!(sent.status, 201, "{}", sent.text);
}

/// A doctor open every day 07:00–21:00, 30-minute slots of one place.
pub async fn open_every_day(app: &TestApp, doctor: &Actor) {
    for day in 0..7 {
        add_weekly(app, doctor, day, "07:00", "21:00").await;
    }
}

/// The starts of the doctor's free slots, soonest first.
pub async fn free_starts(app: &TestApp, doctor: &Actor, asking: &Actor) -> Vec<String> {
    let (status, slots) = parts(
        app.get_auth(
            &format!(
                "/api/v1/availabilities/available-slots/?doctor={}",
                doctor.id
            ),
            &asking.token,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{slots}");
    slots
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

/// The patient books `start` with the doctor, giving `reason`; returns the
/// appointment's id after checking the trail.
pub async fn book(
    app: &TestApp,
    patient: &Actor,
    doctor: &Actor,
    start: &str,
    reason: &str,
) -> i64 {
    let sent = post(
        app,
        patient,
        "/api/v1/appointments/",
        json!({"doctor_id": doctor.id, "start": start, "consultation_type": "remote", "reason": reason}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let id = sent.body["id"].as_i64().unwrap();
    let expected = if reason.is_empty() {
        Vec::new()
    } else {
        want(
            patient,
            "create",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        )
    };
    assert_trail(&sent, &expected, "booking");
    if let Some(entry) = sent.entries.first() {
        assert_eq!(entry.resource_id, Some(id.to_string()));
    }
    id
}
