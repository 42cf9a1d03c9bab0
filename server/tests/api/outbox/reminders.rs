//! Reminders: a moved appointment's old one dropped, two instances sending each once.

use std::time::Duration;

use super::{confirmed, platform, with_mobile};
use crate::common;
use crate::common::medical::{actor, free_starts, open_every_day, post};
use crate::common::twilio::Twilio;
use domain::accounts::Role;
use domain::services::jobs::{Worker, WorkerSettings};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_appointment_drops_its_old_reminder_and_sends_the_new_one_once() {
    let twilio = Twilio::start().await.unwrap();
    let app = platform(&twilio, &[]).await;
    let doctor = actor(&app, Role::Doctor, "dr.moreau").await;
    let patient = actor(&app, Role::Patient, "lea").await;
    with_mobile(&app, &patient, "06 70 80 90 10").await;
    open_every_day(&app, &doctor).await;
    let (id, first) = confirmed(&app, &doctor, &patient, SignedDuration::from_hours(30)).await;

    // A reminder for the first start, due in a few seconds.
    let soon = |start: Timestamp| WorkerSettings {
        reminders: vec![SignedDuration::from_secs(
            (start - Timestamp::now()).get_seconds() - 3,
        )],
        retry_base: Duration::from_millis(200),
        ..WorkerSettings::default()
    };
    let old = Worker::new(app.state.services.clone(), soon(first));
    assert_eq!(
        old.write_reminders(Timestamp::now()).await.unwrap(),
        2,
        "by SMS and e-mail"
    );
    assert_eq!(
        old.write_reminders(Timestamp::now()).await.unwrap(),
        0,
        "written once"
    );

    // Moved to a later slot and accepted again.
    let later = free_starts(&app, &doctor, &patient)
        .await
        .into_iter()
        .find(|s| s.parse::<Timestamp>().unwrap() > first + SignedDuration::from_hours(2))
        .unwrap();
    let moved = post(
        &app,
        &patient,
        &format!("/api/v1/appointments/{id}/reschedule/"),
        json!({"start": later}),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let accepted = post(
        &app,
        &doctor,
        &format!("/api/v1/appointments/{id}/accept/"),
        json!({}),
    )
    .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    let new = Worker::new(app.state.services.clone(), soon(later.parse().unwrap()));
    assert_eq!(new.write_reminders(Timestamp::now()).await.unwrap(), 2);

    tokio::time::sleep(Duration::from_secs(4)).await;
    for _ in 0..20 {
        new.pass(Timestamp::now()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let reminders: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT status, status_reason FROM outbound_messages \
         WHERE user_id = $1 AND channel = 'sms' AND kind = 'appointment_reminder' ORDER BY id",
    )
    .bind(patient.id)
    .fetch_all(app.state.services.db().pool())
    .await
    .unwrap();
    assert_eq!(
        reminders,
        vec![
            ("dropped".to_owned(), Some("moved".to_owned())),
            ("sent".to_owned(), None)
        ]
    );
    let sent: Vec<_> = twilio
        .delivered()
        .into_iter()
        .filter(|m| m.body.contains("Rappel"))
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let local = later
        .parse::<Timestamp>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap());
    assert!(
        sent[0]
            .body
            .contains(&format!("{:02}:{:02}", local.hour(), local.minute())),
        "the new time, in the patient's zone: {}",
        sent[0].body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgresql_send_each_reminder_once() {
    let url = common::fresh_postgres_url().await;
    let twilio = Twilio::start().await.unwrap();
    let first = platform(&twilio, &[("DATABASE_URL", &url)]).await;
    let second = platform(&twilio, &[("DATABASE_URL", &url)]).await;
    let doctor = actor(&first, Role::Doctor, "dr.quinn").await;
    let patient = actor(&first, Role::Patient, "sully").await;
    with_mobile(&first, &patient, "06 01 02 03 04").await;
    open_every_day(&first, &doctor).await;
    let mut starts = Vec::new();
    for _ in 0..5 {
        starts.push(
            confirmed(&first, &doctor, &patient, SignedDuration::from_hours(1))
                .await
                .1,
        );
    }
    // One reminder of each appointment due in a few seconds.
    let now = Timestamp::now();
    let settings = || WorkerSettings {
        reminders: starts
            .iter()
            .map(|s| SignedDuration::from_secs((*s - now).get_seconds() - 3))
            .collect(),
        poll: Duration::from_millis(50),
        ..WorkerSettings::default()
    };
    let a = Worker::new(first.state.services.clone(), settings()).spawn();
    let b = Worker::new(second.state.services.clone(), settings()).spawn();
    // Five confirmations, five reminders.
    common::twilio::delivered(&twilio, 10).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let delivered = twilio.delivered();
    let reminders = delivered
        .iter()
        .filter(|m| m.body.contains("Rappel"))
        .count();
    assert_eq!(reminders, 5, "{delivered:?}");
    assert_eq!(delivered.len(), 10);
    assert_eq!(
        twilio.requests().len(),
        10,
        "no message was even sent twice"
    );
    a.abort();
    b.abort();
    drop((first, second));
    common::drop_postgres(&url).await;
}
