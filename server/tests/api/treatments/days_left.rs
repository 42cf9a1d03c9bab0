//! Days left (`jours_restants`) counted in the patient's time zone: two
//! zones twelve hours apart, after the end and before the start.

use super::set_zone;
use crate::common::medical::*;
use crate::common::spawn_app;
use domain::accounts::Role;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

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
