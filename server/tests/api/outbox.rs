//! The outbox: each message written with what caused it and delivered
//! exactly once — the provider failing twice then succeeding, the server
//! killed with SIGKILL between sending and recording, two instances on one
//! PostgreSQL database, an appointment moved after its reminder was written
//! — plus e-mail through a real SMTP server and an opted-out number.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common;

use common::medical::{Actor, a_profile, actor, book, free_starts, open_every_day, post, put};
use common::twilio::{CLINIC_NUMBER, Smtp, TOKEN, Twilio, twilio_signature};
use common::{TestApp, spawn_with, wait_ready};
use domain::accounts::Role;
use domain::services::jobs::{Worker, WorkerSettings};
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_failing_twice_then_succeeding_delivers_once() {
    let twilio = Twilio::start().await.unwrap();
    let app = platform(&twilio, &[]).await;
    let worker = server::spawn_worker(app.state.services.clone(), &app.state.settings);
    let doctor = actor(&app, Role::Doctor, "dr.who").await;
    let patient = actor(&app, Role::Patient, "amy").await;
    with_mobile(&app, &patient, "06 55 44 33 22").await;
    open_every_day(&app, &doctor).await;
    // Messages are signed with the clinic's name from its settings.
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "admin.outbox").await;
    let renamed = app
        .client
        .patch(app.url("/api/v1/settings/"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"clinic_name": "Cabinet des Lilas"}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    twilio.fail_next(2);
    confirmed(&app, &doctor, &patient, SignedDuration::from_hours(1)).await;

    let delivered = common::twilio::delivered(&twilio, 1).await;
    assert_eq!(delivered[0].to, "+33655443322");
    assert!(
        delivered[0].body.starts_with("Cabinet des Lilas — ")
            && delivered[0].body.contains("confirmé"),
        "{}",
        delivered[0].body
    );
    let sms = settled(&app, patient.id, "sms", 1).await;
    assert_eq!(
        sms,
        vec![(
            "sent".to_owned(),
            None,
            3,
            "appointment_confirmed".to_owned()
        )]
    );
    assert_eq!(twilio.requests().len(), 3, "two failures, one success");
    assert!(twilio.requests().iter().all(|r| r.key == delivered[0].key));
    // E-mail is not set up here: kept as dropped, never retried.
    let mail = settled(&app, patient.id, "email", 1).await;
    assert_eq!(mail[0].0, "dropped");
    assert_eq!(mail[0].1.as_deref(), Some("not_set_up"));

    // The patient sees what was sent; another patient sees none of it.
    let (status, mine) =
        common::parts(app.get_auth("/api/v1/messages/mine/", &patient.token).await).await;
    assert_eq!(status, 200);
    assert_eq!(mine.as_array().unwrap().len(), 2, "{mine}");
    assert!(
        !mine.to_string().contains("655443322"),
        "numbers are masked: {mine}"
    );
    let other = actor(&app, Role::Patient, "rory").await;
    let (_, theirs) =
        common::parts(app.get_auth("/api/v1/messages/mine/", &other.token).await).await;
    assert_eq!(theirs, json!([]));
    let (status, _) = common::parts(
        app.get_auth("/api/v1/messages/outbound/", &other.token)
            .await,
    )
    .await;
    assert_eq!(status, 403);
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_mail_goes_through_a_real_smtp_server_and_stop_is_respected() {
    let twilio = Twilio::start().await.unwrap();
    let smtp = Smtp::start().await;
    let app = platform(
        &twilio,
        &[
            ("SMTP_URL", &smtp.url),
            ("MAIL_FROM", "MedPlat <noreply@clinic.example>"),
        ],
    )
    .await;
    let worker = server::spawn_worker(app.state.services.clone(), &app.state.settings);
    let doctor = actor(&app, Role::Doctor, "dr.strange").await;
    let patient = actor(&app, Role::Patient, "wong").await;
    with_mobile(&app, &patient, "06 10 20 30 40").await;
    open_every_day(&app, &doctor).await;

    // The patient answers STOP to the clinic's number.
    let url = "https://clinic.example/api/v1/webhooks/twilio/sms/";
    let params = [
        ("MessageSid", "SM00000000000000000000000000000900"),
        ("From", "+33610203040"),
        ("To", CLINIC_NUMBER),
        ("Body", "STOP"),
    ];
    let response = app
        .client
        .post(app.url("/api/v1/webhooks/twilio/sms/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", twilio_signature(TOKEN, url, &params))
        .body(
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    confirmed(&app, &doctor, &patient, SignedDuration::from_hours(1)).await;
    let mails = smtp.wait_mails(1).await;
    assert!(mails[0].contains("To: wong@example.org"), "{}", mails[0]);
    assert!(mails[0].contains("Message-ID: <notice."), "{}", mails[0]);
    let sms = settled(&app, patient.id, "sms", 1).await;
    assert_eq!(sms[0].0, "dropped");
    assert_eq!(sms[0].1.as_deref(), Some("opted_out"));
    let email = settled(&app, patient.id, "email", 1).await;
    assert_eq!(email[0].0, "sent");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        twilio.requests().is_empty(),
        "nothing sent to a number that said STOP"
    );
    assert_eq!(smtp.mails().len(), 1);
    worker.abort();
}

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

fn start(data_dir: &std::path::Path, port: u16, twilio: &Twilio) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_medplat"));
    command
        .arg("serve")
        .env("DATA_DIR", data_dir)
        .env("PORT", port.to_string())
        .env("DEMO_DATA", "false")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in twilio.settings() {
        command.env(key, value);
    }
    command.spawn().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_between_sending_and_recording_still_delivers_once() {
    let twilio = Twilio::start().await.unwrap();
    let data_dir = std::env::temp_dir().join(format!("medplat-outbox-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let port = common::free_port();
    let base = format!("http://127.0.0.1:{port}");
    // A first start creates the database.
    let mut server = start(&data_dir, port, &twilio);
    wait_ready(&domain::http::client(), &base).await;
    server.kill().unwrap();
    server.wait().unwrap();

    // A cancellation for a patient, written while the server is down.
    let db = domain::store::Db::connect(
        &format!("sqlite://{}", data_dir.join("medplat.db").display()),
        1,
    )
    .await
    .unwrap();
    let patient: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, email, password_hash, first_name, last_name, role, created_at) \
         VALUES ('nina', 'nina@example.org', 'x', 'Nina', 'Simone', 'patient', 0) RETURNING id",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO medical_profiles (patient_id, mobile_phone, active_mobile_phone, updated_at) \
         VALUES ($1, '+33612121212', '+33612121212', 0)",
    )
    .bind(patient)
    .execute(db.pool())
    .await
    .unwrap();
    let mut tx = db.begin_write().await.unwrap();
    domain::store::notifications::push(
        &mut tx,
        patient,
        &domain::notifications::Notice::AppointmentCancelled {
            appointment_id: 1,
            by_name: "Dr Joseph Bell".into(),
            starts_at: Timestamp::now() + SignedDuration::from_hours(48),
            reason: String::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    db.close().await;

    // The provider takes the message and then the server dies before recording it.
    twilio.hang_next();
    let mut server = start(&data_dir, port, &twilio);
    common::twilio::delivered(&twilio, 1).await;
    server.kill().unwrap();
    server.wait().unwrap();

    // Started again: the lease runs out, the message goes again with its key,
    // and the provider does not deliver it twice.
    let mut server = start(&data_dir, port, &twilio);
    wait_ready(&domain::http::client(), &base).await;
    for _ in 0..100 {
        if twilio.requests().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let requests = twilio.requests();
    assert_eq!(
        requests.len(),
        2,
        "sent again after the crash: {requests:?}"
    );
    assert_eq!(
        requests[0].key, requests[1].key,
        "with the same idempotency key"
    );
    assert_eq!(twilio.delivered().len(), 1, "delivered once");
    let db = domain::store::Db::connect(
        &format!("sqlite://{}", data_dir.join("medplat.db").display()),
        1,
    )
    .await
    .unwrap();
    let (status, attempts): (String, i64) =
        sqlx::query_as("SELECT status, attempts FROM outbound_messages WHERE channel = 'sms'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("sent", 2));
    db.close().await;
    let _ = std::fs::remove_dir_all(&data_dir);
}
