//! The availability calendar is kept between requests and asked for again
//! with `If-None-Match`: its entity tag is the same while its content is, a
//! 304 carries no body, and every kind of change (weekly hours, time off, a
//! one-off slot, a booking, a cancellation, a reschedule) is in the next
//! answer, with a new tag; another doctor's changes are not.

use crate::common;

use common::medical::{Actor, actor, add_weekly, book, free_starts, next_weekday, post};
use common::{TestApp, spawn_app};
use domain::accounts::Role;
use serde_json::json;

const ICS: &str = "/api/v1/availabilities/calendar-ics/";

/// Asks for the doctor's calendar, with `etag` as `If-None-Match`: the
/// status, the tag and the body.
async fn ask(app: &TestApp, doctor: &Actor, etag: Option<&str>) -> (u16, String, String) {
    read(
        app.client.get(app.url(ICS)).bearer_auth(&doctor.token),
        etag,
    )
    .await
}

/// Sends `request` with `etag` as `If-None-Match`: the status, the tag and
/// the body (a 304 carries its last change and no content type).
async fn read(mut request: reqwest::RequestBuilder, etag: Option<&str>) -> (u16, String, String) {
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let tag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    if status == 304 {
        assert!(response.headers().get("last-modified").is_some());
        assert!(response.headers().get("content-type").is_none());
    }
    (status, tag, response.text().await.unwrap())
}

/// After `what` changed, the calendar asked with the `previous` tag comes
/// back whole, with a new tag and other content; the new tag then gets 304.
async fn changed(
    app: &TestApp,
    doctor: &Actor,
    previous: &(String, String),
    what: &str,
) -> (String, String) {
    let (status, tag, body) = ask(app, doctor, Some(&previous.0)).await;
    assert_eq!(status, 200, "{what}: the change is in the next answer");
    assert_ne!(tag, previous.0, "{what}: a new tag");
    assert_ne!(body, previous.1, "{what}: other content");
    let (status, again, empty) = ask(app, doctor, Some(&tag)).await;
    assert_eq!(status, 304, "{what}: unchanged since");
    assert_eq!(again, tag);
    assert!(empty.is_empty(), "{what}: a 304 has no body");
    (tag, body)
}

/// The next `weekday` (Monday 1 … Sunday 7) at least 7 days away.
fn a_week_on(weekday: i8) -> jiff::civil::Date {
    next_weekday(weekday, 7)
}

#[tokio::test]
async fn the_calendar_is_kept_until_it_changes_and_every_change_shows() {
    let app = spawn_app().await;
    let doctor = actor(&app, Role::Doctor, "dr.house").await;
    let other = actor(&app, Role::Doctor, "dr.wilson").await;
    let marie = actor(&app, Role::Patient, "marie").await;
    for day in [0, 2] {
        add_weekly(&app, &doctor, day, "09:00", "11:00").await;
    }

    // Kept: the same tag and content, then 304 without a body.
    let (status, tag, body) = ask(&app, &doctor, None).await;
    assert_eq!(status, 200);
    assert!(
        tag.starts_with('"') && tag.len() > 20,
        "a strong tag: {tag}"
    );
    let (status, same, again) = ask(&app, &doctor, None).await;
    assert_eq!((status, &same, &again), (200, &tag, &body));
    let (status, same, empty) = ask(&app, &doctor, Some(&tag)).await;
    assert_eq!(
        (status, same.as_str(), empty.as_str()),
        (304, tag.as_str(), "")
    );
    let (status, _, _) = ask(&app, &doctor, Some("\"something else\"")).await;
    assert_eq!(status, 200, "another tag gets the calendar");
    let mut last = (tag, body);

    // Another doctor's hours change nothing here.
    add_weekly(&app, &other, 0, "09:00", "11:00").await;
    assert_eq!(ask(&app, &doctor, Some(&last.0)).await.0, 304);

    // Weekly hours.
    add_weekly(&app, &doctor, 4, "09:00", "11:00").await;
    last = changed(&app, &doctor, &last, "weekly hours added").await;

    // Time off: a Monday morning a week or more away.
    let monday = a_week_on(1);
    let sent = post(
        &app,
        &doctor,
        "/api/v1/exceptions/",
        json!({"start_datetime": format!("{monday}T00:00:00Z"),
               "end_datetime": format!("{monday}T12:00:00Z"), "reason": "Congrès"}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    last = changed(&app, &doctor, &last, "time off").await;

    // A one-off slot on a Thursday afternoon.
    let thursday = a_week_on(4);
    let sent = post(
        &app,
        &doctor,
        "/api/slots/",
        json!({"start": format!("{thursday}T13:00:00Z"), "end": format!("{thursday}T13:30:00Z")}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    last = changed(&app, &doctor, &last, "one-off slot").await;

    // A booking, its reschedule, its cancellation.
    // Far enough for the cancellation cutoff (a day).
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48);
    let starts: Vec<String> = free_starts(&app, &doctor, &marie)
        .await
        .into_iter()
        .filter(|s| s.parse::<jiff::Timestamp>().unwrap() > later)
        .collect();
    let appointment = book(&app, &marie, &doctor, &starts[0], "").await;
    last = changed(&app, &doctor, &last, "booking").await;
    let sent = post(
        &app,
        &marie,
        &format!("/api/v1/appointments/{appointment}/reschedule/"),
        json!({"start": starts[1]}),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    last = changed(&app, &doctor, &last, "reschedule").await;
    let sent = post(
        &app,
        &marie,
        &format!("/api/v1/appointments/{appointment}/cancel/"),
        json!({"reason": "Empêchée"}),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    changed(&app, &doctor, &last, "cancellation").await;

    // Each change was counted in its own transaction.
    let version: i64 =
        sqlx::query_scalar("SELECT version FROM schedule_versions WHERE doctor_id = $1")
            .bind(doctor.id)
            .fetch_one(app.state.services.db().pool())
            .await
            .unwrap();
    assert!(version >= 8, "{version}");
}

/// Asks for a private feed (no credentials), with `etag` as
/// `If-None-Match`: the status, the tag and the body.
async fn ask_feed(app: &TestApp, path: &str, etag: Option<&str>) -> (u16, String, String) {
    read(app.client.get(app.url(path)), etag).await
}

#[tokio::test]
async fn a_private_feed_is_kept_until_its_owner_sees_a_change() {
    let app = spawn_app().await;
    let doctor = actor(&app, Role::Doctor, "dr.house").await;
    let marie = actor(&app, Role::Patient, "marie").await;
    let paul = actor(&app, Role::Patient, "paul").await;
    add_weekly(&app, &doctor, 2, "09:00", "12:00").await;
    let sent = post(&app, &marie, "/api/v1/calendar-feed/", json!({})).await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let path = sent.body["path"].as_str().unwrap().to_owned();
    let starts = free_starts(&app, &doctor, &marie).await;

    let (status, tag, body) = ask_feed(&app, &path, None).await;
    assert_eq!(status, 200);
    assert!(tag.starts_with('"'), "{tag}");
    assert_eq!(
        ask_feed(&app, &path, None).await,
        (200, tag.clone(), body.clone())
    );
    let (status, same, empty) = ask_feed(&app, &path, Some(&tag)).await;
    assert_eq!(
        (status, same.as_str(), empty.as_str()),
        (304, tag.as_str(), "")
    );

    // Another patient's booking with her doctor is not in her feed.
    book(&app, &paul, &doctor, &starts[1], "").await;
    assert_eq!(
        ask_feed(&app, &path, Some(&tag)).await.0,
        304,
        "paul's booking"
    );

    // Her booking is; then her doctor's new name is.
    book(&app, &marie, &doctor, &starts[0], "").await;
    let (status, tag, booked) = ask_feed(&app, &path, Some(&tag)).await;
    assert_eq!(status, 200, "her booking");
    assert!(booked.contains("À confirmer") && booked != body, "{booked}");
    let renamed = app
        .client
        .patch(app.url("/api/v1/auth/me/settings/"))
        .bearer_auth(&doctor.token)
        .json(&json!({"first_name": "Gregory", "last_name": "Houseman", "email": "house@example.org", "language": "fr", "timezone": "Europe/Paris"}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    let (status, _, named) = ask_feed(&app, &path, Some(&tag)).await;
    assert_eq!(status, 200, "her doctor's new name");
    assert!(named.contains("Houseman"), "{named}");
}
