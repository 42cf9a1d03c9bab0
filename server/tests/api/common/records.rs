//! Fixtures of the consultation-record tests: opening a record through the
//! patient's appointment, PATCH, the notifications a user got, and a 400
//! naming its field.

use reqwest::Method;
use serde_json::{Value, json};

use super::TestApp;
use super::medical::*;

pub async fn patch(app: &TestApp, actor: &Actor, path: &str, body: Value) -> Sent {
    send(app, actor, Method::PATCH, path, Some(body)).await
}

/// A record of `w.patient` for `w.by_appointment`, through their appointment.
pub async fn open(app: &TestApp, w: &World, intake: Value) -> i64 {
    let sent = post(
        app,
        &w.patient,
        "/api/v1/consultations/",
        json!({"appointment_id": w.appointment_id, "intake": intake}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    assert_trail(
        &sent,
        &want(
            &w.patient,
            "create",
            "consultation",
            w.patient.id,
            Trail::Allowed,
        ),
        "opening a record",
    );
    sent.body["id"].as_i64().unwrap()
}

pub async fn kinds_of_notifications(app: &TestApp, user: i64) -> Vec<String> {
    sqlx::query_scalar("SELECT kind FROM notifications WHERE user_id = $1 ORDER BY id")
        .bind(user)
        .fetch_all(app.state.services.db().pool())
        .await
        .unwrap()
}

pub fn field_error(sent: &Sent, field: &str) {
    assert_eq!(sent.status, 400, "{}", sent.text);
    assert_eq!(sent.body["field"], field, "{}", sent.text);
}
