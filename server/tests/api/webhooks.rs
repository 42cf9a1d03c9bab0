//! Twilio's webhooks: signatures computed by Twilio's own Python library
//! (valid accepted; forged, stale-URL and missing refused and logged); a
//! retried `MessageSid` processed once; the sender matched by number in any
//! form; the clinic's number feeding the patient's open record; STOP and
//! START; and a booking by SMS through the assistant's number, with its
//! confirmation turn.

use crate::common;

use common::medical::{Actor, a_profile, actor, book, free_starts, open_every_day, post, put};
use common::twilio::{ASSISTANT_NUMBER, CLINIC_NUMBER, TOKEN, Twilio, twilio_signature};
use common::{TestApp, parts, spawn_with};
use domain::accounts::Role;
use serde_json::{Value, json};

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

#[tokio::test]
async fn signatures_are_checked_as_twilio_computes_them() {
    let twilio = Twilio::start().await.unwrap();
    let app = platform(&twilio).await;
    let url = format!("{PUBLIC}{WHATSAPP_PATH}");
    let params = [
        ("MessageSid", "SM00000000000000000000000000000001"),
        ("From", "whatsapp:+33612345678"),
        ("To", "whatsapp:+33757000000"),
        ("Body", "Bonjour"),
        ("ProfileName", "Claire"),
    ];
    let (status, body) = deliver(&app, WHATSAPP_PATH, &params, Some((TOKEN, &url))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<Response"), "TwiML: {body}");

    let forged = deliver(&app, WHATSAPP_PATH, &params, Some(("another-token", &url))).await;
    let stale = deliver(
        &app,
        WHATSAPP_PATH,
        &params,
        Some((
            TOKEN,
            "https://old-clinic.example/api/v1/webhooks/twilio/whatsapp/",
        )),
    )
    .await;
    let missing = deliver(&app, WHATSAPP_PATH, &params, None).await;
    for (what, (status, body)) in [
        ("forged", forged),
        ("stale URL", stale),
        ("missing", missing),
    ] {
        assert_eq!(status, 403, "{what}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["code"], "permission_denied", "{what}");
    }
    // A changed parameter breaks the signature too.
    let mut tampered = params;
    tampered[3] = ("Body", "Bonjour !");
    let request = app
        .client
        .post(app.url(WHATSAPP_PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", twilio_signature(TOKEN, &url, &params))
        .body(
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(tampered)
                .finish(),
        );
    assert_eq!(request.send().await.unwrap().status(), 403);

    let logged = events(&app).await;
    let refused: Vec<_> = logged.iter().filter(|e| e.0 == "refused").collect();
    assert_eq!(refused.len(), 4, "{logged:?}");
    assert_eq!(
        refused
            .iter()
            .filter(|e| e.1.as_deref() == Some("bad_signature"))
            .count(),
        3
    );
    assert!(
        refused
            .iter()
            .any(|e| e.1.as_deref() == Some("missing_signature"))
    );
    // The accepted one is logged once; the refused ones keep nothing of the message.
    assert_eq!(logged.iter().filter(|e| e.0 != "refused").count(), 1);
    assert!(refused.iter().all(|e| e.2.is_none()));

    // Not form-encoded: 415.
    let response = app
        .client
        .post(app.url(SMS_PATH))
        .json(&json!({"MessageSid": "SM1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
}

#[tokio::test]
async fn the_check_is_off_only_when_said_and_unset_tokens_refuse() {
    // No token set: every request is refused (nothing is accepted unsigned by default).
    let app = spawn_with(&[]).await;
    let params = [
        ("MessageSid", "SM2"),
        ("From", "+33612345678"),
        ("To", "+33757000000"),
    ];
    assert_eq!(deliver(&app, SMS_PATH, &params, None).await.0, 403);
    let app = spawn_with(&[("TWILIO_SIGNATURE_CHECK", "off")]).await;
    assert_eq!(deliver(&app, SMS_PATH, &params, None).await.0, 200);
    // Bad input is still named.
    let (status, body) = deliver(&app, SMS_PATH, &[("From", "+33612345678")], None).await;
    assert_eq!(status, 400);
    assert!(body.contains("MessageSid"), "{body}");
}

#[tokio::test]
async fn senders_are_matched_by_number_in_any_form_and_a_retry_is_processed_once() {
    let twilio = Twilio::start().await.unwrap();
    let app = platform(&twilio).await;
    let doctor = actor(&app, Role::Doctor, "dr.house").await;
    let claire = actor(&app, Role::Patient, "claire").await;
    let mbuyi = actor(&app, Role::Patient, "mbuyi").await;
    with_mobile(&app, &claire, "06 12 34 56 78").await;
    with_mobile(&app, &mbuyi, "+243 81 234 5678").await;

    // A record open for Claire, with her doctor.
    let record = a_record_open(&app, &doctor, &claire).await;

    for (i, from) in [
        "+33612345678",
        "0612345678",
        "+33 6 12 34 56 78",
        "0033612345678",
    ]
    .iter()
    .enumerate()
    {
        let sid = format!("SM0000000000000000000000000000010{i}");
        let (status, body) = sms(
            &app,
            &sid,
            from,
            CLINIC_NUMBER,
            "Mes résultats sont arrivés ?",
        )
        .await;
        assert_eq!(status, 200, "{from}: {body}");
    }
    // Twilio retries the first one: nothing more happens.
    let (status, _) = sms(
        &app,
        "SM00000000000000000000000000000100",
        "+33612345678",
        CLINIC_NUMBER,
        "Mes résultats sont arrivés ?",
    )
    .await;
    assert_eq!(status, 200);
    // Same last nine digits, another country: another person. And a Congolese number.
    sms(
        &app,
        "SM00000000000000000000000000000200",
        "+243612345678",
        CLINIC_NUMBER,
        "Allo",
    )
    .await;
    sms(
        &app,
        "SM00000000000000000000000000000201",
        "+243812345678",
        CLINIC_NUMBER,
        "Mbote",
    )
    .await;

    let logged = events(&app).await;
    assert_eq!(logged.len(), 6, "one event per MessageSid: {logged:?}");
    for event in &logged[..4] {
        assert_eq!(event.0, "processed", "{event:?}");
        assert_eq!(event.3, Some(claire.id));
    }
    assert_eq!(logged[4].0, "ignored");
    assert_eq!(logged[4].1.as_deref(), Some("unknown_sender"));
    assert_eq!(
        logged[5].3,
        Some(mbuyi.id),
        "the Congolese number is Mbuyi's"
    );
    assert_eq!(logged[5].1.as_deref(), Some("no_open_record"));

    // The four messages are in Claire's record, marked SMS; the doctor was told.
    let (status, thread) = parts(
        app.get_auth(
            &format!("/api/v1/consultations/{record}/messages/"),
            &doctor.token,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{thread}");
    let thread = thread.as_array().unwrap();
    assert_eq!(thread.len(), 4, "{thread:?}");
    assert!(thread.iter().all(|m| m["channel"] == "sms"), "{thread:?}");
    let told: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'consultation_message'",
    )
    .bind(doctor.id)
    .fetch_one(app.state.services.db().pool())
    .await
    .unwrap();
    assert_eq!(told, 4);

    // Emergency words get the numbers at once, even from an unknown number.
    let (_, body) = sms(
        &app,
        "SM00000000000000000000000000000300",
        "+33699999999",
        CLINIC_NUMBER,
        "j'ai une forte douleur dans la poitrine",
    )
    .await;
    assert!(body.contains("15") && body.contains("112"), "{body}");

    // The log: the staff see it (a doctor: their patients'), a patient does not.
    let (status, log) = parts(
        app.get_auth("/api/v1/webhooks/events/", &doctor.token)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .all(|e| e["related_user"] == claire.id),
        "{log}"
    );
    assert_eq!(log.as_array().unwrap().len(), 4);
    assert!(
        !log.to_string().contains("résultats"),
        "the log carries no message text"
    );
    let (status, _) = parts(
        app.get_auth("/api/v1/webhooks/events/", &claire.token)
            .await,
    )
    .await;
    assert_eq!(status, 403);
}

/// Twilio may post one message again before the first post was answered:
/// whether the message is ignored (recorded at once, already settled) or acts
/// (recorded first, then carried out), it is recorded and acted on once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_arriving_at_once_are_recorded_and_acted_on_once() {
    let twilio = Twilio::start().await.unwrap();
    let app = platform(&twilio).await;
    let doctor = actor(&app, Role::Doctor, "dr.house").await;
    let claire = actor(&app, Role::Patient, "claire").await;
    with_mobile(&app, &claire, "06 12 34 56 78").await;
    let record = a_record_open(&app, &doctor, &claire).await;

    // From a number no account has, with emergency words: ignored, and the
    // emergency numbers answered to one of the posts.
    let unknown = futures_util::future::join_all((0..8).map(|_| {
        sms(
            &app,
            "SM00000000000000000000000000000900",
            "+33699999998",
            CLINIC_NUMBER,
            "je n'arrive plus à respirer",
        )
    }))
    .await;
    assert!(
        unknown.iter().all(|(status, _)| *status == 200),
        "{unknown:?}"
    );
    let answered = unknown
        .iter()
        .filter(|(_, body)| body.contains("112"))
        .count();
    assert_eq!(answered, 1, "{unknown:?}");

    // From Claire to the clinic: one message in her record.
    let known = futures_util::future::join_all((0..8).map(|_| {
        sms(
            &app,
            "SM00000000000000000000000000000901",
            "+33612345678",
            CLINIC_NUMBER,
            "Mes résultats sont arrivés ?",
        )
    }))
    .await;
    assert!(known.iter().all(|(status, _)| *status == 200), "{known:?}");

    let logged = events(&app).await;
    assert_eq!(logged.len(), 2, "one event per MessageSid: {logged:?}");
    assert_eq!(logged[0].0, "ignored");
    assert_eq!(logged[0].1.as_deref(), Some("unknown_sender"));
    assert_eq!(logged[1].0, "processed");
    assert_eq!(logged[1].3, Some(claire.id));
    // Both settled once, with when.
    let settled: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT attempts, processed_at FROM webhook_events ORDER BY id")
            .fetch_all(app.state.services.db().pool())
            .await
            .unwrap();
    assert!(
        settled
            .iter()
            .all(|(attempts, at)| *attempts == 1 && at.is_some()),
        "{settled:?}"
    );
    let (status, thread) = parts(
        app.get_auth(
            &format!("/api/v1/consultations/{record}/messages/"),
            &doctor.token,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{thread}");
    assert_eq!(thread.as_array().unwrap().len(), 1, "{thread}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_books_by_sms_through_the_assistant_with_a_confirmation_turn() {
    let twilio = Twilio::start().await.unwrap();
    let app = platform(&twilio).await;
    let doctor = actor(&app, Role::Doctor, "martin").await;
    open_every_day(&app, &doctor).await;
    let patient = actor(&app, Role::Patient, "marie").await;
    with_mobile(&app, &patient, "06 11 22 33 44").await;
    let from = "+33611223344";

    let (status, reply) = sms(
        &app,
        "SM00000000000000000000000000000401",
        from,
        ASSISTANT_NUMBER,
        "Je voudrais un rendez-vous avec le docteur Martin après-demain matin",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        reply.contains("<Message>") && reply.contains("1. "),
        "{reply}"
    );
    let booked = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM appointments WHERE patient_id = $1")
            .bind(patient.id)
            .fetch_one(app.state.services.db().pool())
            .await
            .unwrap()
    };
    // The pick is remembered between messages (another request, any instance).
    let (_, reply) = sms(
        &app,
        "SM00000000000000000000000000000402",
        from,
        ASSISTANT_NUMBER,
        "2",
    )
    .await;
    assert!(
        reply.to_lowercase().contains("oui"),
        "asks for a yes: {reply}"
    );
    assert_eq!(booked().await, 0, "nothing booked before the yes");
    let (_, reply) = sms(
        &app,
        "SM00000000000000000000000000000403",
        from,
        ASSISTANT_NUMBER,
        "oui",
    )
    .await;
    assert_eq!(booked().await, 1, "booked after the yes: {reply}");

    // Emergencies come first, even with something pending.
    let (_, reply) = sms(
        &app,
        "SM00000000000000000000000000000404",
        from,
        ASSISTANT_NUMBER,
        "ma femme a le visage qui tombe d'un côté et ne peut plus lever le bras",
    )
    .await;
    assert!(reply.contains("15") && reply.contains("112"), "{reply}");

    // STOP opts the number out; START back in.
    let (_, reply) = sms(
        &app,
        "SM00000000000000000000000000000405",
        from,
        ASSISTANT_NUMBER,
        "STOP",
    )
    .await;
    assert!(reply.contains("START"), "{reply}");
    let out: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM phone_opt_outs WHERE phone = $1")
        .bind(from)
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(out, 1);
    sms(
        &app,
        "SM00000000000000000000000000000406",
        from,
        ASSISTANT_NUMBER,
        "Start",
    )
    .await;
    let out: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM phone_opt_outs WHERE phone = $1")
        .bind(from)
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(out, 0);
}
