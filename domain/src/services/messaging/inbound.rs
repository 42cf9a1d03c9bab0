//! What Twilio posts: incoming SMS and WhatsApp messages, and the delivery
//! statuses of ours. A request is signed or refused; an incoming message is
//! recorded once per `MessageSid` (Twilio retries), its sender matched to
//! one account by the number, and then:
//! - emergency words get the emergency numbers first, whoever wrote;
//! - STOP / ARRET and START opt the number out and in;
//! - to the assistant's number: the assistant answers, with the
//!   conversation kept per number;
//! - to the clinic's number: the message joins the thread of the patient's
//!   most recent open record and the doctor is notified.

use jiff::Timestamp;

use super::decide::{Decision, Processed};
use super::{MessagingService, PROCESS_WEBHOOK, Settled};
use crate::error::{DomainError, DomainResult};
use crate::messaging::inbound;
use crate::messaging::{WebhookKind, WebhookStatus, signature};
use crate::services::jobs::Outcome;
use crate::store::db_error;
use crate::store::jobs::{self, NewJob};
use crate::store::webhooks::{self, Outcome as EventOutcome, Received, Stored};

/// Tries for a webhook event that fails to process.
const PROCESS_TRIES: i64 = 5;

impl MessagingService {
    /// Receives what Twilio posted to the `kind` webhook at
    /// `path_and_query` (as requested: the signature covers the public URL),
    /// with its form `params` and `X-Twilio-Signature`. The answer is the
    /// text to reply with, if any. A bad signature is refused (`Forbidden`)
    /// and logged without the message.
    pub async fn receive(
        &self,
        kind: WebhookKind,
        path_and_query: &str,
        params: &[(String, String)],
        signature_header: Option<&str>,
    ) -> DomainResult<Option<String>> {
        if self.config.check_signatures {
            let token = self.config.signature_token.as_deref().unwrap_or_default();
            let url = format!(
                "{}{path_and_query}",
                self.config.public_base_url.trim_end_matches('/')
            );
            let refused = match signature_header {
                _ if token.is_empty() => Some("no_token_set"),
                None => Some("missing_signature"),
                Some(s) if !signature::verify(token, &url, params, s) => Some("bad_signature"),
                Some(_) => None,
            };
            if let Some(reason) = refused {
                self.refuse(kind, reason).await?;
                return Err(DomainError::Forbidden);
            }
        }
        self.take_in(kind, params).await
    }

    /// [`Self::receive`] without a signature to check: only for what the
    /// platform itself plays (the demo data). The webhooks always check.
    pub async fn receive_trusted(
        &self,
        kind: WebhookKind,
        params: &[(String, String)],
    ) -> DomainResult<Option<String>> {
        self.take_in(kind, params).await
    }

    async fn take_in(
        &self,
        kind: WebhookKind,
        params: &[(String, String)],
    ) -> DomainResult<Option<String>> {
        if kind == WebhookKind::Status {
            self.status_update(params).await?;
            return Ok(None);
        }
        let incoming = inbound::incoming(kind, params)?;
        let raw: serde_json::Map<String, serde_json::Value> = params
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let mut received = Received {
            kind,
            external_id: Some(incoming.sid.clone()),
            sender: Some(
                incoming
                    .from
                    .clone()
                    .unwrap_or_else(|| incoming.from_raw.clone()),
            ),
            recipient: incoming.to.clone(),
            content: Some(incoming.body.clone()),
            raw_payload: Some(serde_json::Value::Object(raw).to_string()),
            status: WebhookStatus::Pending,
            reason: None,
            related_user: None,
        };
        let mut stored = Stored {
            id: 0,
            kind,
            sender: incoming.from,
            recipient: incoming.to,
            content: incoming.body,
            status: WebhookStatus::Pending,
        };
        // Decided from reads alone first: an event with nothing to do (most
        // often a sender no account has) is recorded once, already settled.
        // One that acts is recorded first, so that a retry of the same
        // `MessageSid` never acts twice.
        let decision = match self.decide(&stored).await {
            Ok(Decision::Settled(processed)) => {
                received.status = processed.status;
                received.reason = processed.reason;
                received.related_user = processed.related_user;
                return match self.events.submit_answered(vec![received]).await?.pop() {
                    Some(Some(_)) => Ok(processed.reply),
                    _ => {
                        Self::retry_ignored(kind);
                        Ok(None)
                    }
                };
            }
            Ok(decision) => Some(decision),
            Err(err) => {
                tracing::warn!(error = %err, "webhook event could not be read; retried later");
                None
            }
        };
        let Some(id) = self
            .events
            .submit_answered(vec![received])
            .await?
            .pop()
            .flatten()
        else {
            Self::retry_ignored(kind);
            return Ok(None);
        };
        stored.id = id;
        let acted = match decision {
            Some(decision) => self.act(&stored, decision).await,
            None => Err(DomainError::internal("event not read")),
        };
        match acted {
            Ok(processed) => {
                self.record_outcome(id, &processed).await?;
                Ok(processed.reply)
            }
            Err(err) => {
                tracing::warn!(event = id, error = %err, "webhook event failed; retried later");
                self.fail_for_now(id).await?;
                Ok(None)
            }
        }
    }

    fn retry_ignored(kind: WebhookKind) {
        tracing::info!(
            kind = kind.as_str(),
            "webhook retry ignored: already recorded"
        );
    }

    /// Processes a failed event again (the retry job).
    pub async fn process_again(&self, id: i64) -> Outcome {
        let stored = {
            let conn = self.db.pool().acquire().await;
            let Ok(mut conn) = conn else {
                return Outcome::Retry("database busy".into());
            };
            match webhooks::stored(&mut conn, id).await {
                Ok(Some(s)) if s.status == WebhookStatus::Failed => s,
                Ok(_) => return Outcome::Done,
                Err(err) => return Outcome::Retry(err.to_string()),
            }
        };
        let processed = match self.decide(&stored).await {
            Ok(decision) => self.act(&stored, decision).await,
            Err(err) => Err(err),
        };
        match processed {
            Ok(processed) => match self.record_outcome(id, &processed).await {
                Ok(()) => Outcome::Done,
                Err(err) => Outcome::Retry(err.to_string()),
            },
            Err(err) => Outcome::Retry(err.to_string()),
        }
    }

    async fn refuse(&self, kind: WebhookKind, reason: &'static str) -> DomainResult<()> {
        self.events
            .submit_answered(vec![Received {
                kind,
                external_id: None,
                sender: None,
                recipient: None,
                content: None,
                raw_payload: None,
                status: WebhookStatus::Refused,
                reason: Some(reason),
                related_user: None,
            }])
            .await?;
        tracing::warn!(kind = kind.as_str(), reason, "webhook refused");
        Ok(())
    }

    async fn record_outcome(&self, id: i64, p: &Processed) -> DomainResult<()> {
        self.settled
            .submit(vec![(
                id,
                p.status,
                Settled {
                    reason: p.reason,
                    related_user: p.related_user,
                    related_fiche: p.related_fiche,
                    created_message: p.created_message,
                },
            )])
            .await
    }

    async fn fail_for_now(&self, id: i64) -> DomainResult<()> {
        let mut tx = self.db.begin_write().await?;
        webhooks::settle(
            &mut tx,
            id,
            WebhookStatus::Failed,
            &EventOutcome {
                reason: Some("error"),
                ..EventOutcome::default()
            },
        )
        .await?;
        let key = format!("webhook:{id}");
        jobs::enqueue(
            &mut tx,
            &NewJob {
                kind: PROCESS_WEBHOOK,
                key: &key,
                payload: &id.to_string(),
                run_at_ms: self.retry_at().as_millisecond(),
                max_attempts: PROCESS_TRIES,
            },
            Timestamp::now().as_millisecond(),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }
}
