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

use super::{MessagingService, PROCESS_WEBHOOK, Settled};
use crate::accounts::Role;
use crate::assistant::conversation::Conversation;
use crate::auth::Principal;
use crate::consultations::{MessageChannel, NewText};
use crate::error::{DomainError, DomainResult};
use crate::messaging::inbound::{self, Keyword};
use crate::messaging::{WebhookKind, WebhookStatus, signature};
use crate::services::jobs::Outcome;
use crate::store::jobs::{self, NewJob};
use crate::store::webhooks::{self, Outcome as EventOutcome, Received, Stored};
use crate::store::{db_error, users};
use crate::trail::Door;

/// Tries for a webhook event that fails to process.
const PROCESS_TRIES: i64 = 5;

/// What processing an incoming message came to.
struct Processed {
    status: WebhookStatus,
    reason: Option<&'static str>,
    related_user: Option<i64>,
    related_fiche: Option<i64>,
    created_message: Option<i64>,
    /// The text answered to the sender (TwiML), if any.
    reply: Option<String>,
}

impl Processed {
    fn new(status: WebhookStatus, reason: Option<&'static str>) -> Self {
        Self {
            status,
            reason,
            related_user: None,
            related_fiche: None,
            created_message: None,
            reply: None,
        }
    }
}

/// What an incoming message is to become, decided from reads alone.
enum Decision {
    /// Nothing to carry out: recorded so (ignored, with any emergency
    /// answer).
    Settled(Processed),
    /// STOP or START.
    Opt {
        keyword: Keyword,
        account: Option<i64>,
        french: bool,
    },
    /// The assistant answers (an anonymous sender when no patient).
    Answer {
        patient: Option<Principal>,
        french: bool,
    },
    /// Into the thread of the patient's most recent open record.
    Thread {
        patient: Principal,
        emergency: Option<String>,
    },
}

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

    /// Decides what an incoming message becomes, from reads alone.
    async fn decide(&self, event: &Stored) -> DomainResult<Decision> {
        let body = event.content.trim();
        let Some(from) = event.sender.as_deref().filter(|s| s.starts_with('+')) else {
            return Ok(Decision::Settled(Processed::new(
                WebhookStatus::Ignored,
                Some("invalid_sender"),
            )));
        };
        let accounts = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            webhooks::accounts_of(&mut conn, from).await?
        };
        let account = match accounts.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        let language = match account {
            Some((id, _)) => {
                let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
                users::by_id(&mut conn, id).await?.and_then(|u| u.language)
            }
            None => None,
        };
        let french = language.as_deref() != Some("en");
        if let Some(keyword) = inbound::keyword(body) {
            return Ok(Decision::Opt {
                keyword,
                account: account.map(|a| a.0),
                french,
            });
        }
        if body.is_empty() {
            let mut p = Processed::new(WebhookStatus::Ignored, Some("no_text"));
            p.related_user = account.map(|a| a.0);
            return Ok(Decision::Settled(p));
        }
        let to_assistant = self.config.assistant_number.is_some()
            && event.recipient == self.config.assistant_number;
        // Emergency words are answered first, whoever wrote and to whichever
        // number (the assistant's answer starts with them too).
        let codes = crate::red_flags::detector().codes(body);
        let emergency = (!codes.is_empty()).then(|| crate::red_flags::advice(&codes, french));
        let mut ignored = match (accounts.len(), account) {
            (0, _) if to_assistant => {
                return Ok(Decision::Answer {
                    patient: None,
                    french,
                });
            }
            (0, _) => Processed::new(WebhookStatus::Ignored, Some("unknown_sender")),
            (1, Some((id, Role::Patient))) => {
                let patient = Principal::cli(id, Role::Patient).entering(Door::Messaging, None);
                return Ok(if to_assistant {
                    Decision::Answer {
                        patient: Some(patient),
                        french,
                    }
                } else {
                    Decision::Thread { patient, emergency }
                });
            }
            (1, Some((id, _))) => {
                let mut p = Processed::new(WebhookStatus::Ignored, Some("not_a_patient"));
                p.related_user = Some(id);
                p
            }
            _ => Processed::new(WebhookStatus::Ignored, Some("ambiguous_sender")),
        };
        ignored.reply = emergency;
        Ok(Decision::Settled(ignored))
    }

    /// Carries out what was decided for the recorded `event`.
    async fn act(&self, event: &Stored, decision: Decision) -> DomainResult<Processed> {
        let from = event.sender.as_deref().unwrap_or_default();
        let body = event.content.trim();
        match decision {
            Decision::Settled(processed) => Ok(processed),
            Decision::Opt {
                keyword,
                account,
                french,
            } => self.opt(from, keyword, account, french).await,
            Decision::Answer { patient, french } => {
                let mut p = Processed::new(
                    WebhookStatus::Processed,
                    patient.is_none().then_some("anonymous"),
                );
                p.related_user = patient.as_ref().map(|p| p.user_id);
                p.reply = Some(self.answer(patient.as_ref(), from, body, french).await?);
                Ok(p)
            }
            Decision::Thread { patient, emergency } => {
                let mut p = self.to_thread(&patient, event.kind, body).await?;
                if p.reply.is_none() {
                    p.reply = emergency;
                }
                Ok(p)
            }
        }
    }

    /// STOP / START.
    async fn opt(
        &self,
        from: &str,
        keyword: Keyword,
        account: Option<i64>,
        french: bool,
    ) -> DomainResult<Processed> {
        let out = keyword == Keyword::Stop;
        let mut tx = self.db.begin_write().await?;
        crate::store::recipients::set_opt_out(&mut tx, from, out).await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(out, "a number opted out or in");
        let mut p = Processed::new(
            WebhookStatus::Processed,
            Some(if out { "opted_out" } else { "opted_in" }),
        );
        p.related_user = account;
        p.reply = Some(
            match (out, french) {
                (true, true) => "MedPlat : vous ne recevrez plus de messages sur ce numéro. Envoyez START pour les recevoir à nouveau.",
                (true, false) => "MedPlat: you will receive no more messages on this number. Send START to receive them again.",
                (false, true) => "MedPlat : vous recevrez à nouveau nos messages sur ce numéro. Envoyez STOP pour les arrêter.",
                (false, false) => "MedPlat: you will receive our messages on this number again. Send STOP to stop them.",
            }
            .to_owned(),
        );
        Ok(p)
    }

    /// The message joins the thread of the patient's most recent open record.
    async fn to_thread(
        &self,
        patient: &Principal,
        kind: WebhookKind,
        body: &str,
    ) -> DomainResult<Processed> {
        let record = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            webhooks::open_record(&mut conn, patient.user_id).await?
        };
        let Some((fiche, _doctor)) = record else {
            let mut p = Processed::new(WebhookStatus::Ignored, Some("no_open_record"));
            p.related_user = Some(patient.user_id);
            return Ok(p);
        };
        let channel = match kind {
            WebhookKind::WhatsappIncoming => MessageChannel::Whatsapp,
            _ => MessageChannel::Sms,
        };
        let message = self
            .consultations
            .post_through(
                patient,
                fiche,
                &NewText {
                    body: Some(body.to_owned()),
                },
                channel,
                Timestamp::now(),
            )
            .await?;
        let mut p = Processed::new(WebhookStatus::Processed, None);
        p.related_user = Some(patient.user_id);
        p.related_fiche = Some(fiche);
        p.created_message = Some(message.id);
        Ok(p)
    }

    /// The assistant's answer to `body` from `from`, with the conversation
    /// this number had with it (unless it went quiet).
    async fn answer(
        &self,
        patient: Option<&Principal>,
        from: &str,
        body: &str,
        french: bool,
    ) -> DomainResult<String> {
        let now = Timestamp::now();
        let mut conversation: Conversation = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            webhooks::thread(&mut conn, from, now - self.config.conversation_quiet)
                .await?
                .and_then(|state| serde_json::from_str(&state).ok())
                .unwrap_or_default()
        };
        let reply = self
            .assistant
            .converse(patient, &mut conversation, body, french, now)
            .await?;
        let state = serde_json::to_string(&conversation).map_err(DomainError::internal)?;
        let mut tx = self.db.begin_write().await?;
        webhooks::save_thread(&mut tx, from, &state).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(reply.message)
    }
}
