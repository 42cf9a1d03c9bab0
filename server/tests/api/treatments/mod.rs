//! Treatments: seed 000's routes field by field and code by code, the
//! medical-data policy on every one of them (another patient's treatment is
//! 404), days left on the patient's calendar, doses ticked, adherence,
//! interactions and dose reminders.
//!
//! Split by topic: the seed routes (`seed_routes`), the policy on each route
//! and prescribing (`access`), days left in the patient's time zone
//! (`days_left`), and doses, adherence, interactions and reminders (`doses`);
//! the helpers they share are here, the fixtures in `common::medical`.

mod access;
mod days_left;
mod doses;
mod seed_routes;

use crate::common;

use common::TestApp;
use common::medical::*;
use jiff::Timestamp;
use reqwest::Method;
use serde_json::{Value, json};

async fn delete(app: &TestApp, actor: &Actor, path: &str) -> Sent {
    send(app, actor, Method::DELETE, path, None).await
}

fn instant(value: &Value) -> Timestamp {
    value.as_str().unwrap().parse().unwrap()
}

/// The patient's profile with only a time zone.
async fn set_zone(app: &TestApp, patient: &Actor, zone: &str) {
    let sent = put(
        app,
        patient,
        &format!("/api/v1/patients/{}/profile/", patient.id),
        json!({"time_zone": zone}),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(sent.body["time_zone"], zone);
}
