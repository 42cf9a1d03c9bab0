//! Delivering one outbox message: checked again just before it goes (still
//! wanted, still useful), sent with its idempotency key, and recorded.

use jiff::Timestamp;

use super::MessagingService;
use super::providers::SendError;
use crate::messaging::wording::{self, Reader};
use crate::messaging::{Channel, OutboundStatus, REMINDER_KIND};
use crate::services::jobs::Outcome;
use crate::store::db_error;
use crate::store::messaging::{self as store, Delivery};
use crate::store::recipients;

/// Why a message is not worth sending any more, if it is not.
fn stale(d: &Delivery, state: Option<(String, i64)>, now: Timestamp) -> Option<&'static str> {
    if d.kind != REMINDER_KIND {
        return None;
    }
    let Some((status, starts_at)) = state else {
        return Some("cancelled");
    };
    if status != "confirmed" {
        return Some("cancelled");
    }
    if Some(starts_at) != d.for_starts_at {
        return Some("moved");
    }
    if now.as_millisecond() >= starts_at {
        return Some("too_late");
    }
    None
}

impl MessagingService {
    /// Delivers the outbox message `id` (try number `attempt`; `last`: no
    /// try after this one).
    pub async fn deliver(&self, id: i64, attempt: i64, last: bool) -> Outcome {
        match self.try_deliver(id, attempt, last).await {
            Ok(outcome) => outcome,
            Err(err) => {
                tracing::warn!(message = id, error = %err, "delivering a message failed");
                Outcome::Retry("internal error".into())
            }
        }
    }

    async fn settle(
        &self,
        id: i64,
        status: OutboundStatus,
        reason: Option<&str>,
        provider_id: Option<&str>,
        attempt: i64,
    ) -> crate::error::DomainResult<()> {
        let mut tx = self.db.begin_write().await?;
        store::settle(&mut tx, id, status, reason, provider_id, attempt).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn try_deliver(
        &self,
        id: i64,
        attempt: i64,
        last: bool,
    ) -> crate::error::DomainResult<Outcome> {
        let now = Timestamp::now();
        let (delivery, recipient, state) = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            let Some(d) = store::delivery(&mut conn, id).await? else {
                return Ok(Outcome::Done);
            };
            let recipient = recipients::recipient(&mut conn, d.user_id).await?;
            let state = match d.appointment_id {
                Some(a) => store::appointment_state(&mut conn, a).await?,
                None => None,
            };
            let opted_out = match (&d.address, d.channel) {
                (Some(a), Channel::Sms | Channel::Whatsapp) => {
                    recipients::opted_out(&mut conn, a).await?
                }
                _ => false,
            };
            if opted_out {
                drop(conn);
                self.settle(
                    id,
                    OutboundStatus::Dropped,
                    Some("opted_out"),
                    None,
                    attempt - 1,
                )
                .await?;
                return Ok(Outcome::Done);
            }
            (d, recipient, state)
        };
        // Already sent (a second worker, or a retry after it was recorded).
        if delivery.status != OutboundStatus::Queued {
            return Ok(Outcome::Done);
        }
        let why_not = match &recipient {
            None => Some("account_closed"),
            Some(r) if !r.active => Some("account_closed"),
            _ => stale(&delivery, state, now),
        }
        .or_else(|| delivery.address.is_none().then_some("no_address"));
        if let Some(why) = why_not {
            self.settle(id, OutboundStatus::Dropped, Some(why), None, attempt - 1)
                .await?;
            tracing::info!(message = id, why, "message dropped");
            return Ok(Outcome::Done);
        }
        let (Some(recipient), Some(address)) = (recipient, delivery.address.as_deref()) else {
            return Ok(Outcome::Done);
        };
        let reader = Reader::new(
            recipient.language.as_deref(),
            recipient.zone.as_deref(),
            &self.settings.current(),
        );
        let worded = match wording::word(&delivery.kind, &delivery.data, &reader) {
            Ok(worded) => worded,
            Err(err) => {
                tracing::warn!(message = id, error = %err, "a message could not be worded");
                self.settle(
                    id,
                    OutboundStatus::Failed,
                    Some("unreadable"),
                    None,
                    attempt,
                )
                .await?;
                return Ok(Outcome::GiveUp("unreadable".into()));
            }
        };
        let sent = self
            .providers
            .send(
                delivery.channel,
                address,
                &worded,
                &delivery.idempotency_key,
            )
            .await;
        match sent {
            Ok(provider_id) => {
                self.settle(id, OutboundStatus::Sent, None, Some(&provider_id), attempt)
                    .await?;
                tracing::info!(
                    message = id,
                    channel = delivery.channel.as_str(),
                    "message sent"
                );
                Ok(Outcome::Done)
            }
            Err(SendError::NotSetUp) => {
                self.settle(
                    id,
                    OutboundStatus::Dropped,
                    Some("not_set_up"),
                    None,
                    attempt - 1,
                )
                .await?;
                Ok(Outcome::Done)
            }
            Err(SendError::Permanent(why)) => {
                let why: String = why.chars().take(200).collect();
                self.settle(id, OutboundStatus::Failed, Some(&why), None, attempt)
                    .await?;
                tracing::warn!(message = id, why, "message refused by its provider");
                Ok(Outcome::GiveUp(why))
            }
            Err(SendError::Retry(why)) => {
                let why: String = why.chars().take(200).collect();
                let status = if last {
                    OutboundStatus::Failed
                } else {
                    OutboundStatus::Queued
                };
                self.settle(id, status, Some(&why), None, attempt).await?;
                tracing::warn!(message = id, attempt, why, "sending a message failed");
                Ok(if last {
                    Outcome::GiveUp(why)
                } else {
                    Outcome::Retry(why)
                })
            }
        }
    }
}
