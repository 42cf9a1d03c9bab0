//! Twilio's webhooks: signatures computed by Twilio's own Python library
//! (valid accepted; forged, stale-URL and missing refused and logged); a
//! retried `MessageSid` processed once; the sender matched by number in any
//! form; the clinic's number feeding the patient's open record; STOP and
//! START; and a booking by SMS through the assistant's number, with its
//! confirmation turn.
//!
//! Split by topic: signatures and the switch that turns them off
//! (`signatures`), senders matched by number, the open record and the log
//! (`senders`), retries arriving at once (`retries`) and booking by SMS
//! (`booking`); the helpers they share are here.

mod booking;
mod retries;
mod senders;
mod signatures;

use crate::common;

use common::medical::{Actor, a_profile, book, free_starts, open_every_day, post, put};
use common::twilio::{TOKEN, Twilio, twilio_signature};
use common::{TestApp, spawn_with};
use serde_json::json;

const SMS_PATH: &str = "/api/v1/webhooks/twilio/sms/";
const WHATSAPP_PATH: &str = "/api/v1/webhooks/twilio/whatsapp/";
const PUBLIC: &str = "https://clinic.example";

async fn platform(twilio: &Twilio) -> TestApp {
    let settings = twilio.settings();
    let pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    spawn_with(&pairs).await
}

/// Posts `params` to `path`, signed for `signed_url` with `token` (none:
/// unsigned); the status and the body.
async fn deliver(
    app: &TestApp,
    path: &str,
    params: &[(&str, &str)],
    signed: Option<(&str, &str)>,
) -> (u16, String) {
    let mut request = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish(),
        );
    if let Some((token, url)) = signed {
        request = request.header("x-twilio-signature", twilio_signature(token, url, params));
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// An SMS as Twilio posts it, signed as Twilio signs it.
async fn sms(app: &TestApp, sid: &str, from: &str, to: &str, body: &str) -> (u16, String) {
    let params = [
        ("MessageSid", sid),
        ("SmsSid", sid),
        ("AccountSid", common::twilio::ACCOUNT),
        ("From", from),
        ("To", to),
        ("Body", body),
        ("NumMedia", "0"),
    ];
    let url = format!("{PUBLIC}{SMS_PATH}");
    deliver(app, SMS_PATH, &params, Some((TOKEN, &url))).await
}

async fn events(app: &TestApp) -> Vec<(String, Option<String>, Option<String>, Option<i64>)> {
    sqlx::query_as(
        "SELECT processing_status, reason, external_id, related_user FROM webhook_events ORDER BY id",
    )
    .fetch_all(app.state.services.db().pool())
    .await
    .unwrap()
}

async fn with_mobile(app: &TestApp, patient: &Actor, mobile: &str) {
    let mut profile = a_profile();
    profile["mobile_phone"] = json!(mobile);
    let sent = put(
        app,
        patient,
        &format!("/api/v1/patients/{}/profile/", patient.id),
        profile,
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
}

/// A consultation record open for `patient` with `doctor` (an accepted
/// appointment, then the record); its id.
async fn a_record_open(app: &TestApp, doctor: &Actor, patient: &Actor) -> i64 {
    open_every_day(app, doctor).await;
    let start = free_starts(app, doctor, patient).await[0].clone();
    let appointment = book(app, patient, doctor, &start, "").await;
    let accepted = post(
        app,
        doctor,
        &format!("/api/v1/appointments/{appointment}/accept/"),
        json!({}),
    )
    .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    let created = post(
        app,
        patient,
        "/api/v1/consultations/",
        json!({"appointment_id": appointment, "intake": {"reason": "Toux"}}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["id"].as_i64().unwrap()
}
