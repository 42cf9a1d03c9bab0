//! A booking by SMS through the assistant's number, with its confirmation turn.

use super::{platform, sms, with_mobile};
use crate::common::medical::{actor, open_every_day};
use crate::common::twilio::{ASSISTANT_NUMBER, Twilio};
use domain::accounts::Role;

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
