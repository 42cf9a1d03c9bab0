//! The outbox: each message written with what caused it and delivered
//! exactly once — the provider failing twice then succeeding, the server
//! killed with SIGKILL between sending and recording, two instances on one
//! PostgreSQL database, an appointment moved after its reminder was written
//! — plus e-mail through a real SMTP server and an opted-out number.
//!
//! Split by topic: the provider failing then succeeding (`retries`), e-mail
//! and an opted-out number (`email`), reminders of a moved appointment and
//! from two instances (`reminders`) and the SIGKILL (`sigkill`); the helpers
//! they share are here.

mod email;
mod reminders;
mod retries;
mod sigkill;

use std::time::Duration;

use crate::common;

use common::medical::{Actor, a_profile, book, free_starts, post, put};
use common::twilio::Twilio;
use common::{TestApp, spawn_with};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

async fn platform(twilio: &Twilio, extra: &[(&str, &str)]) -> TestApp {
    let settings = twilio.settings();
    let mut pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend_from_slice(extra);
    spawn_with(&pairs).await
}

async fn with_mobile(app: &TestApp, patient: &Actor, mobile: &str) {
    let mut profile = a_profile();
    profile["mobile_phone"] = json!(mobile);
    let path = format!("/api/v1/patients/{}/profile/", patient.id);
    assert_eq!(put(app, patient, &path, profile).await.status, 200);
}

/// The patient books the first free slot at least `after` from now and the
/// doctor accepts; the appointment's id and start.
async fn confirmed(
    app: &TestApp,
    doctor: &Actor,
    patient: &Actor,
    after: SignedDuration,
) -> (i64, Timestamp) {
    let floor = Timestamp::now() + after;
    let start = free_starts(app, doctor, patient)
        .await
        .into_iter()
        .find(|s| s.parse::<Timestamp>().unwrap() > floor)
        .expect("a free slot");
    let id = book(app, patient, doctor, &start, "").await;
    let accepted = post(
        app,
        doctor,
        &format!("/api/v1/appointments/{id}/accept/"),
        json!({}),
    )
    .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    (id, start.parse().unwrap())
}

/// (status, reason, attempts, kind) of the messages to `user` on `channel`.
async fn messages(
    app: &TestApp,
    user: i64,
    channel: &str,
) -> Vec<(String, Option<String>, i64, String)> {
    sqlx::query_as(
        "SELECT status, status_reason, attempts, kind FROM outbound_messages \
         WHERE user_id = $1 AND channel = $2 ORDER BY id",
    )
    .bind(user)
    .bind(channel)
    .fetch_all(app.state.services.db().pool())
    .await
    .unwrap()
}

async fn settled(
    app: &TestApp,
    user: i64,
    channel: &str,
    n: usize,
) -> Vec<(String, Option<String>, i64, String)> {
    for _ in 0..200 {
        let list = messages(app, user, channel).await;
        if list.len() >= n && list.iter().all(|m| m.0 != "queued") {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "messages not settled: {:?}",
        messages(app, user, channel).await
    );
}
