//! Messages outside the portals in the demo: a patient's channels and quiet
//! hours; messages received by WhatsApp and SMS, played through the same
//! processing as Twilio's webhooks (one joins an open record, two are
//! ignored with their reason); and what the demo's own notifications wrote
//! into the outbox, shown as the history a running clinic would have
//! (delivered by SMS and WhatsApp, sent by e-mail).

use super::People;
use crate::error::DomainResult;
use crate::messaging::{Preferences, QuietHours, WebhookKind};
use crate::services::Services;
use crate::store::db_error;

/// The clinic's number in the demo messages.
const CLINIC: &str = "+33180000000";

/// (kind, sid, from, body).
const RECEIVED: &[(WebhookKind, &str, &str, &str)] = &[
    (
        WebhookKind::WhatsappIncoming,
        "SMdemo00000000000000000000000001",
        "whatsapp:+33761224890",
        "Bonjour docteur, j'ai fait la prise de sang ce matin. Les résultats arrivent vendredi.",
    ),
    (
        WebhookKind::SmsIncoming,
        "SMdemo00000000000000000000000002",
        "06 45 12 33 21",
        "Merci pour le rappel, je serai bien là.",
    ),
    (
        WebhookKind::SmsIncoming,
        "SMdemo00000000000000000000000003",
        "+33699887766",
        "Bonjour, c'est pour un renseignement sur vos horaires.",
    ),
];

pub(super) async fn load(services: &Services, people: &People) -> DomainResult<()> {
    let marie = people.principal("marie")?;
    services
        .messaging
        .set_preferences(
            &marie,
            Preferences {
                sms: true,
                whatsapp: true,
                email: true,
                reminders: true,
                quiet_hours: Some(QuietHours {
                    start: "21:30".into(),
                    end: "07:30".into(),
                }),
            },
        )
        .await?;
    for (kind, sid, from, body) in RECEIVED {
        let params: Vec<(String, String)> = [
            ("MessageSid", *sid),
            ("From", *from),
            ("To", CLINIC),
            ("Body", *body),
            ("NumMedia", "0"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        services.messaging.receive_trusted(*kind, &params).await?;
    }
    // The demo's notifications so far, as a running clinic's history.
    let mut tx = services.db().begin_write().await?;
    sqlx::query(
        "UPDATE outbound_messages SET status = CASE WHEN channel = 'email' THEN 'sent' ELSE 'delivered' END, \
         provider_id = 'SMdemo' || id, sent_at = created_at, attempts = 1 WHERE status = 'queued'",
    )
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    sqlx::query(
        "UPDATE jobs SET finished_at = created_at, attempts = 1 \
         WHERE kind = 'deliver_message' AND finished_at IS NULL",
    )
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(())
}
