//! Free slots are kept between searches, per doctor, in each process: two
//! instances on one database (events through Redis) each keep their own,
//! and every kind of change made through either one (weekly hours, time off,
//! a one-off slot, a booking, a reschedule, a cancellation) shows in the
//! very next search on both.

use crate::common;

use common::medical::{Actor, actor, add_weekly, book, next_weekday, post};
use common::{TestApp, spawn_with};
use domain::accounts::Role;
use serde_json::json;

/// The starts of the doctor's free slots over the next two weeks.
async fn free(app: &TestApp, doctor: &Actor, asking: &Actor) -> Vec<String> {
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date();
    let path = format!(
        "/api/v1/availabilities/available-slots/?doctor={}&date_start={today}&date_end={}",
        doctor.id,
        today.checked_add(jiff::Span::new().days(13)).unwrap()
    );
    let response = app.get_auth(&path, &asking.token).await;
    assert_eq!(response.status(), 200);
    let slots: Vec<serde_json::Value> = response.json().await.unwrap();
    slots
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

/// The doctor's free slots as both instances answer them: the same.
async fn both(a: &TestApp, b: &TestApp, doctor: &Actor, asking: &Actor, what: &str) -> Vec<String> {
    let here = free(a, doctor, asking).await;
    let there = free(b, doctor, asking).await;
    assert_eq!(here, there, "{what}: both instances answer the same");
    here
}

/// The next `weekday` (Monday 1 … Sunday 7) at least 2 days away.
fn next(weekday: i8) -> jiff::civil::Date {
    next_weekday(weekday, 2)
}

/// Whether a slot starts on `day` (UTC date of its start; the test's
/// hours are UTC mornings).
fn on(starts: &[String], day: jiff::civil::Date) -> usize {
    starts
        .iter()
        .filter(|s| s.starts_with(&day.to_string()))
        .count()
}

#[tokio::test]
async fn every_change_shows_in_the_next_search_on_both_instances() {
    let redis = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let prefix = format!("medplat-slots-{}", std::process::id());
    let a = spawn_with(&[("REDIS_URL", &redis), ("REDIS_CHANNEL_PREFIX", &prefix)]).await;
    let url = format!("sqlite://{}", a.data_dir.join("medplat.db").display());
    let b = spawn_with(&[
        ("REDIS_URL", &redis),
        ("REDIS_CHANNEL_PREFIX", &prefix),
        ("DATABASE_URL", &url),
    ])
    .await;
    let doctor = actor(&a, Role::Doctor, "dr.house").await;
    let marie = actor(&a, Role::Patient, "marie").await;
    // Monday and Wednesday mornings (days from Monday 0).
    for day in [0, 2] {
        add_weekly(&a, &doctor, day, "08:00", "10:00").await;
    }
    let (monday, thursday) = (next(1), next(4));
    let start = both(&a, &b, &doctor, &marie, "weekly hours").await;
    assert!(!start.is_empty());
    // Asked again unchanged: the kept answer is the same.
    assert_eq!(both(&a, &b, &doctor, &marie, "unchanged").await, start);

    // Weekly hours added on one instance show on the other.
    assert_eq!(on(&start, thursday), 0);
    add_weekly(&a, &doctor, 3, "08:00", "10:00").await;
    let now = both(&a, &b, &doctor, &marie, "weekly hours added").await;
    assert_eq!(on(&now, thursday), 4, "{now:?}");

    // Time off on Monday morning, through the second instance.
    assert_eq!(on(&now, monday), 4);
    let sent = post(
        &b,
        &doctor,
        "/api/v1/exceptions/",
        json!({"start_datetime": format!("{monday}T00:00:00Z"),
               "end_datetime": format!("{monday}T12:00:00Z"), "reason": "Congrès"}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let now = both(&a, &b, &doctor, &marie, "time off").await;
    assert_eq!(on(&now, monday), 0, "{now:?}");

    // A one-off slot on Thursday afternoon.
    let sent = post(
        &a,
        &doctor,
        "/api/slots/",
        json!({"start": format!("{thursday}T15:00:00Z"), "end": format!("{thursday}T15:30:00Z")}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let now = both(&a, &b, &doctor, &marie, "one-off slot").await;
    let opening = format!("{thursday}T15:00:00Z");
    assert!(now.contains(&opening), "{now:?}");

    // A booking through one instance takes the slot on both; its reschedule
    // gives it back and takes the other; its cancellation gives that back.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48);
    let far: Vec<String> = now
        .iter()
        .filter(|s| s.parse::<jiff::Timestamp>().unwrap() > later && **s != opening)
        .cloned()
        .collect();
    let appointment = book(&b, &marie, &doctor, &far[0], "").await;
    let now = both(&a, &b, &doctor, &marie, "booking").await;
    assert!(!now.contains(&far[0]), "booked: {now:?}");
    let sent = post(
        &a,
        &marie,
        &format!("/api/v1/appointments/{appointment}/reschedule/"),
        json!({"start": far[1]}),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let now = both(&a, &b, &doctor, &marie, "reschedule").await;
    assert!(now.contains(&far[0]) && !now.contains(&far[1]), "{now:?}");
    let sent = post(
        &b,
        &marie,
        &format!("/api/v1/appointments/{appointment}/cancel/"),
        json!({"reason": "Empêchée"}),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let now = both(&a, &b, &doctor, &marie, "cancellation").await;
    assert!(now.contains(&far[1]), "{now:?}");

    // A booking leaves the unrolled slots alone (their version did not
    // move); a change of hours moves both versions.
    let versions = |app: &TestApp| {
        let pool = app.state.services.db().pool().clone();
        let id = doctor.id;
        async move {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT version, slots_version FROM schedule_versions WHERE doctor_id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let before = versions(&a).await;
    book(&a, &marie, &doctor, &far[2], "").await;
    let after = versions(&a).await;
    assert!(
        after.0 > before.0 && after.1 == before.1,
        "{before:?} → {after:?}"
    );
}
