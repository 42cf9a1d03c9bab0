//! Delivery statuses Twilio posts about the platform's own messages: the
//! outbound message moves on (sent, delivered, failed), and the event is
//! recorded in the webhook log.

use super::MessagingService;
use crate::error::DomainResult;
use crate::messaging::inbound;
use crate::messaging::{OutboundStatus, WebhookKind, WebhookStatus};
use crate::store::db_error;
use crate::store::messaging as outbox;
use crate::store::webhooks::{self, NewEvent};

impl MessagingService {
    /// A delivery status: the outbound message it is about moves on.
    pub(super) async fn status_update(&self, params: &[(String, String)]) -> DomainResult<()> {
        let update = inbound::status(params)?;
        let status = match update.status.as_str() {
            "delivered" | "read" => Some(OutboundStatus::Delivered),
            "failed" | "undelivered" => Some(OutboundStatus::Failed),
            "sent" => Some(OutboundStatus::Sent),
            _ => None,
        };
        let mut tx = self.db.begin_write().await?;
        let reason = update.error_code.as_ref().map(|c| format!("twilio {c}"));
        let matched = match status {
            Some(status) => {
                outbox::provider_status(&mut tx, &update.sid, status, reason.as_deref()).await?
            }
            None => false,
        };
        let (event_status, why) = if matched {
            (WebhookStatus::Processed, None)
        } else if status.is_none() {
            (WebhookStatus::Ignored, Some("interim_status"))
        } else {
            (WebhookStatus::Ignored, Some("unknown_message"))
        };
        webhooks::record(
            &mut tx,
            &NewEvent {
                kind: WebhookKind::Status,
                external_id: Some(&update.sid),
                sender: None,
                recipient: None,
                content: None,
                raw_payload: Some(
                    serde_json::json!({"MessageStatus": update.status, "ErrorCode": update.error_code})
                        .to_string(),
                ),
                status: event_status,
                reason: why,
                related_user: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }
}
