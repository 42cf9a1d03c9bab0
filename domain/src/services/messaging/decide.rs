//! What an incoming message becomes: decided from reads alone (who wrote,
//! to which number, what they asked), then carried out once it is recorded:
//! STOP and START, the assistant's answer with the conversation kept per
//! number, or a message in the thread of the patient's open record.

use jiff::Timestamp;

use super::MessagingService;
use crate::accounts::Role;
use crate::assistant::conversation::Conversation;
use crate::auth::Principal;
use crate::consultations::{MessageChannel, NewText};
use crate::error::{DomainError, DomainResult};
use crate::messaging::inbound::{self, Keyword};
use crate::messaging::{WebhookKind, WebhookStatus};
use crate::store::webhooks::{self, Stored};
use crate::store::{db_error, users};
use crate::trail::Door;

/// What processing an incoming message came to.
pub(super) struct Processed {
    pub(super) status: WebhookStatus,
    pub(super) reason: Option<&'static str>,
    pub(super) related_user: Option<i64>,
    pub(super) related_fiche: Option<i64>,
    pub(super) created_message: Option<i64>,
    /// The text answered to the sender (TwiML), if any.
    pub(super) reply: Option<String>,
}

impl Processed {
    pub(super) fn new(status: WebhookStatus, reason: Option<&'static str>) -> Self {
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
pub(super) enum Decision {
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
    /// Decides what an incoming message becomes, from reads alone.
    pub(super) async fn decide(&self, event: &Stored) -> DomainResult<Decision> {
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
    pub(super) async fn act(&self, event: &Stored, decision: Decision) -> DomainResult<Processed> {
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
