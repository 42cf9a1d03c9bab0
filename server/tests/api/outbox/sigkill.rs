//! The server killed with SIGKILL between sending and recording: still delivered once.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common;
use crate::common::twilio::Twilio;
use crate::common::wait_ready;
use jiff::{SignedDuration, Timestamp};

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
