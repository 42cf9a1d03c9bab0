//! A provider failing twice then succeeding: the message delivered once.

use super::{confirmed, platform, settled, with_mobile};
use crate::common;
use crate::common::medical::{actor, open_every_day};
use crate::common::twilio::Twilio;
use domain::accounts::Role;
use jiff::SignedDuration;
use serde_json::json;

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
