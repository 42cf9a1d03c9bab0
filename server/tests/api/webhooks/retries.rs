//! One message posted again before the first post was answered: recorded and acted on once.

use super::{a_record_open, events, platform, sms, with_mobile};
use crate::common::medical::actor;
use crate::common::parts;
use crate::common::twilio::{CLINIC_NUMBER, Twilio};
use domain::accounts::Role;

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
