//! Dates, instants, spans and numbers that parse but lie out of bounds (year
//! 9999, year −9999 or 0, spans of years, numbers past 32 bits) sent to every
//! endpoint that takes them: each gets 400 with the error shape naming the
//! input, never a 5xx or a dropped connection.

use crate::common;

use common::{TestApp, parts, spawn_app};
use domain::accounts::Role;
use serde_json::{Value, json};

const FAR_FUTURE: &str = "9999-12-31";
const FAR_PAST: &str = "-009999-01-01";
const YEAR_ZERO: &str = "0000-01-01";

/// Asserts a 400 in the API's error shape about `field`.
fn assert_refused(what: &str, (status, body): (u16, Value), field: &str) {
    assert_eq!(status, 400, "{what}: {body}");
    assert!(
        body["code"].as_str().is_some_and(|c| !c.is_empty()),
        "{what}: {body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{what}: {body}"
    );
    assert_eq!(body["field"].as_str(), Some(field), "{what}: {body}");
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    parts(app.get_auth(path, token).await).await
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    parts(app.post_auth(path, token, body).await).await
}

async fn patch(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .patch(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    parts(response).await
}

#[tokio::test]
async fn out_of_bounds_dates_in_queries_are_refused_by_name() {
    let app = spawn_app().await;
    let (doctor_id, _, _) = app.user_with_tokens(Role::Doctor, "dr.bounds").await;
    let (_, patient, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let slots = format!("/api/v1/availabilities/available-slots/?doctor={doctor_id}");

    for day in [FAR_FUTURE, FAR_PAST, YEAR_ZERO, "1899-12-31", "2201-01-01"] {
        let path = format!("{slots}&date_start={day}");
        assert_refused(&path, get(&app, &path, &patient).await, "date_start");
        let path = format!("{slots}&date_start=2030-01-01&date_end={day}");
        assert_refused(&path, get(&app, &path, &patient).await, "date_end");
        let path = format!("/api/v1/doctors/?available_by={day}");
        assert_refused(&path, get(&app, &path, &patient).await, "available_by");
    }
    for (query, field) in [
        ("&date_start=2030-01-01&date_end=2031-01-01", "date_end"),
        ("&date_start=1900-01-01&date_end=2200-12-31", "date_end"),
        ("&date_start=2030-01-10&date_end=2030-01-01", "date_end"),
        ("&date_end=1900-01-01", "date_end"),
    ] {
        let path = format!("{slots}{query}");
        assert_refused(&path, get(&app, &path, &patient).await, field);
    }
    // The last accepted days answer, empty.
    for query in ["&date_start=2200-12-31", "&date_start=1900-01-01"] {
        let path = format!("{slots}{query}");
        let (status, body) = get(&app, &path, &patient).await;
        assert_eq!(
            (status, body.as_array().map(Vec::len)),
            (200, Some(0)),
            "{path}: {body}"
        );
    }

    for (query, field) in [
        ("from=9999-12-31T00:00:00Z", "from"),
        ("from=-009999-01-01T00:00:00Z", "from"),
        ("to=0000-01-01T00:00:00Z", "to"),
        ("to=2201-01-01T00:00:00Z", "to"),
        ("from=2030-01-01T00:00:00Z&to=2031-01-01T00:00:00Z", "to"),
        ("from=2030-02-01T00:00:00Z&to=2030-01-01T00:00:00Z", "to"),
    ] {
        let path = format!("/api/v1/appointments/?{query}");
        assert_refused(&path, get(&app, &path, &patient).await, field);
    }

    // Ids past any row are simply not found, or match nothing.
    let huge = i64::MAX;
    let path = format!("/api/v1/availabilities/available-slots/?doctor={huge}");
    assert_eq!(get(&app, &path, &patient).await.0, 404, "{path}");
    let path = format!("/api/slots/available/?doctor_id={huge}");
    assert_eq!(get(&app, &path, &patient).await.0, 200, "{path}");
    let path = format!("/api/v1/appointments/?doctor_id={huge}");
    assert_eq!(get(&app, &path, &patient).await.0, 200, "{path}");
    // Ids start at 1: a zero or negative filter is a mistake.
    let path = format!("/api/v1/appointments/?doctor_id={huge}&patient_id=-{huge}");
    assert_refused(&path, get(&app, &path, &patient).await, "patient_id");
}

#[tokio::test]
async fn out_of_bounds_instants_and_numbers_in_bodies_are_refused_by_name() {
    let app = spawn_app().await;
    let (doctor_id, doctor, _) = app.user_with_tokens(Role::Doctor, "dr.bounds").await;
    let (_, patient, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let instants = [
        "9999-12-31T23:59:59Z",
        "-009999-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2201-01-01T00:00:00Z",
        "1899-12-31T23:00:00+05:00",
    ];
    for at in instants {
        let body = json!({"doctor_id": doctor_id, "start": at, "consultation_type": "in_person"});
        let what = format!("book at {at}");
        assert_refused(
            &what,
            post(&app, "/api/v1/appointments/", &patient, body).await,
            "start",
        );

        let body = json!({"start": at, "end": "2030-01-14T10:00:00Z"});
        let what = format!("one-off slot from {at}");
        assert_refused(
            &what,
            post(&app, "/api/slots/", &doctor, body).await,
            "start",
        );
        let body = json!({"start": "2030-01-14T10:00:00Z", "end": at});
        let what = format!("one-off slot to {at}");
        assert_refused(&what, post(&app, "/api/slots/", &doctor, body).await, "end");

        let body = json!({"start_datetime": at, "end_datetime": "2030-01-14T10:00:00Z"});
        let what = format!("exception from {at}");
        assert_refused(
            &what,
            post(&app, "/api/v1/exceptions/", &doctor, body).await,
            "start_datetime",
        );
        let body = json!({"start_datetime": "2030-01-14T10:00:00Z", "end_datetime": at});
        let what = format!("exception to {at}");
        assert_refused(
            &what,
            post(&app, "/api/v1/exceptions/", &doctor, body).await,
            "end_datetime",
        );

        let path = "/api/v1/appointments/1/reschedule/";
        let what = format!("reschedule to {at}");
        assert_refused(
            &what,
            post(&app, path, &patient, json!({"start": at})).await,
            "start",
        );
    }
    // A one-off slot of two centuries.
    let body = json!({"start": "2030-01-14T10:00:00Z", "end": "2200-01-14T10:00:00Z"});
    assert_refused(
        "a long slot",
        post(&app, "/api/slots/", &doctor, body).await,
        "end",
    );

    for day in [FAR_FUTURE, FAR_PAST, YEAR_ZERO] {
        let body = json!({"doctor_id": doctor_id, "date": day});
        let what = format!("waitlist on {day}");
        assert_refused(
            &what,
            post(&app, "/api/v1/waitlist/", &patient, body).await,
            "date",
        );
    }

    let range = json!({"day_of_week": 0, "start_time": "09:00", "end_time": "12:00", "duration_minutes": 30});
    for (field, value) in [
        ("day_of_week", json!(i64::MAX)),
        ("day_of_week", json!(-1)),
        ("duration_minutes", json!(i64::MAX)),
        ("duration_minutes", json!(i64::MIN)),
        ("duration_minutes", json!(4_294_967_326_i64)),
        ("max_consultations", json!(i64::MAX)),
        ("max_consultations", json!(4_294_967_297_i64)),
    ] {
        let mut body = range.clone();
        body[field] = value.clone();
        let what = format!("range with {field} = {value}");
        assert_refused(
            &what,
            post(&app, "/api/v1/availabilities/", &doctor, body).await,
            field,
        );
    }
    for field in [
        "min_notice_minutes",
        "max_advance_days",
        "buffer_minutes",
        "cancel_cutoff_minutes",
        "waitlist_hold_minutes",
    ] {
        for value in [json!(i64::MAX), json!(i64::MIN), json!(4_294_967_296_i64)] {
            let what = format!("schedule with {field} = {value}");
            let mut body = json!({});
            body[field] = value.clone();
            assert_refused(
                &what,
                patch(&app, "/api/v1/schedule/", &doctor, body).await,
                field,
            );
        }
    }
    let (status, body) = post(&app, "/api/slots/", &doctor, json!({"start": "2030-01-14T10:00:00Z", "end": "2030-01-14T10:30:00Z", "capacity": i64::MAX})).await;
    assert_refused("a slot of many places", (status, body), "capacity");
}
