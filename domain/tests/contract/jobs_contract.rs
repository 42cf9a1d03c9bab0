//! The durable jobs and the outbox on SQLite and PostgreSQL: a key enqueued
//! once; two workers claiming at once never get the same job; a job whose
//! lease ran out is claimed again, a finished one never; messages written in
//! the transaction of their notification (and gone with it when it rolls
//! back), on the channels chosen, after quiet hours, dropped for a number
//! that said STOP.

use crate::support;

use domain::accounts::Role;
use domain::messaging::{Preferences, QuietHours};
use domain::notifications::Notice;
use domain::services::Services;
use domain::store::jobs::{self, NewJob};
use domain::store::{notifications, recipients};
use jiff::{SignedDuration, Timestamp};
use support::principal;

async fn jobs_are_claimed_once_and_again_only_when_their_lease_ran_out(s: &Services) {
    let db = s.db();
    let now = Timestamp::now().as_millisecond();
    let mut tx = db.begin_write().await.unwrap();
    for i in 0..10 {
        let key = format!("test:{i}");
        let new = jobs::enqueue(
            &mut tx,
            &NewJob {
                kind: "test",
                key: &key,
                payload: "{}",
                run_at_ms: now - 1,
                max_attempts: 3,
            },
            now,
        )
        .await
        .unwrap();
        assert!(new);
    }
    let again = NewJob {
        kind: "test",
        key: "test:0",
        payload: "{}",
        run_at_ms: now,
        max_attempts: 3,
    };
    assert!(
        !jobs::enqueue(&mut tx, &again, now).await.unwrap(),
        "a key is enqueued once"
    );
    let later = NewJob {
        kind: "test",
        key: "later",
        payload: "{}",
        run_at_ms: now + 60_000,
        max_attempts: 3,
    };
    assert!(jobs::enqueue(&mut tx, &later, now).await.unwrap());
    tx.commit().await.unwrap();

    // Two workers at once: ten due jobs between them, none twice.
    let lease = now + 30_000;
    let (a, b) = tokio::join!(
        jobs::claim(db, now, lease, 7),
        jobs::claim(db, now, lease, 7)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut ids: Vec<i64> = a.iter().chain(&b).map(|j| j.id).collect();
    assert_eq!(ids.len(), 10, "{} + {}", a.len(), b.len());
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 10, "no job claimed twice");
    assert!(
        a.iter()
            .chain(&b)
            .all(|j| j.attempts == 1 && j.key != "later")
    );
    assert!(
        jobs::claim(db, now, lease, 100).await.unwrap().is_empty(),
        "all leased"
    );

    // One finishes; the others' workers die: after the lease, claimed again.
    let mut conn = db.pool().acquire().await.unwrap();
    jobs::finish(&mut conn, ids[0], None, now).await.unwrap();
    jobs::retry(&mut conn, ids[1], now + 120_000, "busy")
        .await
        .unwrap();
    drop(conn);
    let after = jobs::claim(db, now + 60_001, now + 90_000, 100)
        .await
        .unwrap();
    let keys: Vec<&str> = after.iter().map(|j| j.key.as_str()).collect();
    assert_eq!(
        after.len(),
        9,
        "8 whose lease ran out, and the later one now due: {keys:?}"
    );
    assert!(after.iter().all(|j| j.id != ids[0] && j.id != ids[1]));
    assert!(
        after
            .iter()
            .filter(|j| j.key != "later")
            .all(|j| j.attempts == 2)
    );
}

async fn messages_are_written_with_their_notification_as_people_chose(s: &Services) {
    let db = s.db();
    let patient = principal(s, Role::Patient, "outbox.patient").await;
    sqlx::query(
        "INSERT INTO medical_profiles (patient_id, mobile_phone, active_mobile_phone, time_zone, updated_at) \
         VALUES ($1, '+33612345678', '+33612345678', 'Europe/Paris', 0)",
    )
    .bind(patient.user_id)
    .execute(db.pool())
    .await
    .unwrap();
    let notice = Notice::AppointmentCancelled {
        appointment_id: 1,
        by_name: "Dr A".into(),
        starts_at: Timestamp::now() + SignedDuration::from_hours(48),
        reason: String::new(),
    };
    let count = |channel: &'static str| async move {
        sqlx::query_as::<_, (String, Option<String>, i64)>(
            "SELECT status, status_reason, send_after FROM outbound_messages WHERE user_id = $1 AND channel = $2 ORDER BY id",
        )
        .bind(patient.user_id)
        .bind(channel)
        .fetch_all(db.pool())
        .await
        .unwrap()
    };

    // Rolled back with the notification: nothing written.
    let mut tx = db.begin_write().await.unwrap();
    notifications::push(&mut tx, patient.user_id, &notice)
        .await
        .unwrap();
    drop(tx);
    assert!(count("sms").await.is_empty() && count("email").await.is_empty());

    // Defaults: SMS and e-mail, each with its delivery job.
    let mut tx = db.begin_write().await.unwrap();
    notifications::push(&mut tx, patient.user_id, &notice)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count("sms").await.len(), 1);
    assert_eq!(count("email").await.len(), 1);
    assert!(count("whatsapp").await.is_empty());
    let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'deliver_message'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(jobs, 2);

    // SMS only, quiet all day but a minute: it waits for the quiet hours' end.
    let now_paris = Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap());
    let start = now_paris.checked_sub(SignedDuration::from_mins(1)).unwrap();
    let end = now_paris.checked_sub(SignedDuration::from_mins(2)).unwrap();
    let hhmm = |z: &jiff::Zoned| format!("{:02}:{:02}", z.hour(), z.minute());
    let quiet = Preferences {
        sms: true,
        whatsapp: false,
        email: false,
        reminders: true,
        quiet_hours: Some(QuietHours {
            start: hhmm(&start),
            end: hhmm(&end),
        }),
    };
    s.messaging.set_preferences(&patient, quiet).await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    notifications::push(&mut tx, patient.user_id, &notice)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let sms = count("sms").await;
    assert_eq!(sms.len(), 2);
    assert_eq!(count("email").await.len(), 1, "e-mail no longer chosen");
    let waits = sms[1].2 - Timestamp::now().as_millisecond();
    assert!(
        waits > 20 * 3_600_000,
        "sent after the quiet hours, {waits} ms from now"
    );

    // STOP: kept as dropped, no job.
    let mut conn = db.pool().acquire().await.unwrap();
    recipients::set_opt_out(&mut conn, "+33612345678", true)
        .await
        .unwrap();
    drop(conn);
    let mut tx = db.begin_write().await.unwrap();
    notifications::push(&mut tx, patient.user_id, &notice)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let sms = count("sms").await;
    assert_eq!(
        (sms[2].0.as_str(), sms[2].1.as_deref()),
        ("dropped", Some("opted_out"))
    );
    let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'deliver_message'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(jobs, 3);
}

support::contract!(
    jobs_are_claimed_once_and_again_only_when_their_lease_ran_out,
    messages_are_written_with_their_notification_as_people_chose,
);
