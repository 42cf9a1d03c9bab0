//! Messages outside the portals from the browser: one's channels, quiet
//! hours and what was sent to one; the staff's webhook log and outbox.

use domain::messaging::{OutboundMessage, Preferences, WebhookEvent};
use leptos::prelude::*;

use crate::error::UiError;

/// The caller's channels and quiet hours, and what was sent to them.
#[server]
pub async fn my_messaging() -> Result<(Preferences, Vec<OutboundMessage>), UiError> {
    use crate::session::{require_principal, services};
    let me = require_principal()?;
    let messaging = services()?.messaging.clone();
    let preferences = messaging.preferences(&me).await?;
    let sent = messaging.sent_to_me(&me).await?;
    Ok((preferences, sent))
}

/// Saves the caller's channels and quiet hours (a checkbox left unticked is
/// not sent: off).
#[server]
pub async fn save_messaging(
    sms: Option<String>,
    whatsapp: Option<String>,
    email: Option<String>,
    reminders: Option<String>,
    quiet_start: String,
    quiet_end: String,
) -> Result<Preferences, UiError> {
    use crate::session::{require_principal, services};
    let optional = |v: String| (!v.trim().is_empty()).then(|| v.trim().to_owned());
    let preferences = Preferences {
        sms: sms.is_some(),
        whatsapp: whatsapp.is_some(),
        email: email.is_some(),
        reminders: reminders.is_some(),
        quiet_hours: domain::messaging::QuietHours::from_fields(
            optional(quiet_start),
            optional(quiet_end),
        )?,
    };
    Ok(services()?
        .messaging
        .set_preferences(&require_principal()?, preferences)
        .await?)
}

/// The webhook log and the outbox as the caller may see them (a doctor:
/// their patients'; an administrator: all), filtered by status (`""`: any).
#[server]
pub async fn staff_messaging(
    event_status: String,
    status: String,
    channel: String,
) -> Result<(Vec<WebhookEvent>, Vec<OutboundMessage>), UiError> {
    use crate::session::{require_principal, services};
    use domain::messaging::{Channel, OutboundStatus, WebhookStatus};
    let me = require_principal()?;
    let messaging = services()?.messaging.clone();
    let events = messaging
        .webhook_log(&me, WebhookStatus::parse(&event_status), None)
        .await?;
    let sent = messaging
        .outbound(
            &me,
            OutboundStatus::parse(&status),
            Channel::parse(&channel),
        )
        .await?;
    Ok((events, sent))
}
