//! E-mail through a real SMTP server, and an opted-out number respected.

use std::time::Duration;

use super::{confirmed, platform, settled, with_mobile};
use crate::common::medical::{actor, open_every_day};
use crate::common::twilio::{CLINIC_NUMBER, Smtp, TOKEN, Twilio, twilio_signature};
use domain::accounts::Role;
use jiff::SignedDuration;

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
