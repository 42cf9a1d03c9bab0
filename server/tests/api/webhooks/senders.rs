//! Senders matched by number in any form, a retry processed once, the record and the log.

use super::{a_record_open, events, platform, sms, with_mobile};
use crate::common::medical::actor;
use crate::common::parts;
use crate::common::twilio::{CLINIC_NUMBER, Twilio};
use domain::accounts::Role;

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
