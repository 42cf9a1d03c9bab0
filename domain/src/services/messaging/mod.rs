//! Messages outside the portals. Out: SMS and WhatsApp through Twilio,
//! e-mail over SMTP, each written into the outbox in the transaction that
//! caused it (a notification, a reminder) and delivered by the durable job
//! worker exactly once (`outbox`). In: Twilio's webhooks, signed, recorded
//! once per `MessageSid`, and turned into a record's thread message or an
//! answer of the assistant (`inbound`). People choose their channels and
//! quiet hours and see what was sent to them; doctors and administrators
//! see the webhook log and the outbox.

mod decide;
mod inbound;
mod outbox;
pub mod providers;
mod status;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::messaging::{
    Channel, OutboundMessage, OutboundStatus, Preferences, WebhookEvent, WebhookKind, WebhookStatus,
};
use crate::services::assistant::AssistantService;
use crate::services::consultations::ConsultationService;
use crate::services::group::GroupWriter;
use crate::services::jobs::Wake;
use crate::store::messaging::{self as store, OutboundFilter};
use crate::store::recipients;
use crate::store::webhooks::{self, EventFilter, Received};
use crate::store::{Db, care, db_error};
use providers::{Providers, SmtpConfig, TwilioConfig};

/// The job kind that processes a webhook event again after a failure.
pub const PROCESS_WEBHOOK: &str = "process_webhook";

/// How messaging is set up.
#[derive(Clone)]
pub struct MessagingConfig {
    pub twilio: Option<TwilioConfig>,
    pub smtp: Option<SmtpConfig>,
    /// The token webhook signatures are checked with (Twilio's auth token).
    pub signature_token: Option<String>,
    /// Whether webhook signatures are checked (on unless turned off).
    pub check_signatures: bool,
    /// The platform's public address as Twilio calls it
    /// (`https://clinic.example`), behind any proxy.
    pub public_base_url: String,
    /// The assistant's number (E.164): messages to it are answered by the
    /// assistant; messages to any other number go to the patient's record.
    pub assistant_number: Option<String>,
    /// How long the assistant remembers a conversation by SMS after its
    /// last message.
    pub conversation_quiet: SignedDuration,
    /// The wait before processing a failed webhook event again.
    pub retry_after: SignedDuration,
}

impl std::fmt::Debug for MessagingConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessagingConfig")
            .field("twilio", &self.twilio)
            .field("smtp", &self.smtp)
            .field(
                "signature_token",
                &self.signature_token.as_ref().map(|_| "[redacted]"),
            )
            .field("check_signatures", &self.check_signatures)
            .field("public_base_url", &self.public_base_url)
            .field("assistant_number", &self.assistant_number)
            .field("conversation_quiet", &self.conversation_quiet)
            .finish()
    }
}

impl Default for MessagingConfig {
    fn default() -> Self {
        Self {
            twilio: None,
            smtp: None,
            signature_token: None,
            check_signatures: true,
            public_base_url: "http://127.0.0.1:3000".into(),
            assistant_number: None,
            conversation_quiet: SignedDuration::from_mins(30),
            retry_after: SignedDuration::from_secs(60),
        }
    }
}

/// Messaging operations.
#[derive(Clone)]
pub struct MessagingService {
    db: Db,
    /// Incoming events are recorded, and settled, in groups: one commit for
    /// whatever arrived meanwhile (each caller still waits for its own).
    events: GroupWriter<Received, Option<i64>>,
    settled: GroupWriter<(i64, WebhookStatus, Settled)>,
    config: Arc<MessagingConfig>,
    providers: Providers,
    wake: Wake,
    assistant: AssistantService,
    consultations: ConsultationService,
    /// The clinic's name, zone and language, for wording what goes out.
    settings: crate::services::SettingsService,
}

/// Most rows a list returns.
const LIST_LIMIT: i64 = 100;

/// Most webhook events recorded in one commit.
const EVENT_GROUP: usize = 256;

/// What an incoming event came to, owned (handed to the group writer).
#[derive(Debug, Clone, Default)]
pub(crate) struct Settled {
    pub reason: Option<&'static str>,
    pub related_user: Option<i64>,
    pub related_fiche: Option<i64>,
    pub created_message: Option<i64>,
}

impl MessagingService {
    pub(crate) fn new(
        db: Db,
        assistant: AssistantService,
        consultations: ConsultationService,
        settings: crate::services::SettingsService,
    ) -> DomainResult<Self> {
        let writer = db.clone();
        let events = GroupWriter::spawn_answering(
            "webhook events",
            EVENT_GROUP,
            4096,
            move |events: Vec<Received>| {
                let db = writer.clone();
                async move {
                    let events: Vec<_> = events.iter().map(Received::as_new).collect();
                    let mut tx = db.begin_write().await?;
                    let ids = webhooks::record_many(&mut tx, &events).await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(ids)
                }
            },
        );
        let writer = db.clone();
        let settled = GroupWriter::spawn(
            "webhook outcomes",
            EVENT_GROUP,
            4096,
            move |outcomes: Vec<(i64, WebhookStatus, Settled)>| {
                let db = writer.clone();
                async move {
                    let mut tx = db.begin_write().await?;
                    for (id, status, s) in &outcomes {
                        let outcome = webhooks::Outcome {
                            reason: s.reason,
                            related_user: s.related_user,
                            related_fiche: s.related_fiche,
                            created_message: s.created_message,
                        };
                        webhooks::settle(&mut tx, *id, *status, &outcome).await?;
                    }
                    tx.commit().await.map_err(db_error)
                }
            },
        );
        Ok(Self {
            db,
            events,
            settled,
            config: Arc::new(MessagingConfig::default()),
            providers: Providers::new(None, None).map_err(DomainError::internal)?,
            wake: Wake::default(),
            assistant,
            consultations,
            settings,
        })
    }

    /// The same service with `config`'s providers and numbers. With the
    /// signature check on and no token, every webhook request is refused.
    pub fn configured(mut self, config: MessagingConfig) -> DomainResult<Self> {
        self.providers = Providers::new(config.twilio.clone(), config.smtp.clone())
            .map_err(DomainError::internal)?;
        self.config = Arc::new(config);
        Ok(self)
    }

    /// The service with the assistant as it is now (after a language model
    /// was set up on it).
    pub fn with_assistant(mut self, assistant: AssistantService) -> Self {
        self.assistant = assistant;
        self
    }

    /// How long the assistant remembers a conversation by SMS.
    pub fn conversation_quiet(&self) -> SignedDuration {
        self.config.conversation_quiet
    }

    /// Wakes this instance's worker.
    pub fn wake(&self) -> &Wake {
        &self.wake
    }

    /// The actor's channels and quiet hours.
    pub async fn preferences(&self, actor: &Principal) -> DomainResult<Preferences> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        Ok(recipients::recipient(&mut conn, actor.user_id)
            .await?
            .map(|r| r.preferences)
            .unwrap_or_default())
    }

    /// Saves the actor's channels and quiet hours.
    pub async fn set_preferences(
        &self,
        actor: &Principal,
        p: Preferences,
    ) -> DomainResult<Preferences> {
        let p = p.checked()?;
        let mut tx = self.db.begin_write().await?;
        recipients::save_preferences(&mut tx, actor.user_id, &p).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(p)
    }

    /// What was sent to the actor, newest first.
    pub async fn sent_to_me(&self, actor: &Principal) -> DomainResult<Vec<OutboundMessage>> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::outbound(
            &mut conn,
            &OutboundFilter {
                user_ids: Some(vec![actor.user_id]),
                limit: LIST_LIMIT,
                ..OutboundFilter::default()
            },
        )
        .await
    }

    /// Whose messages and events the actor may see: every one for an
    /// administrator; for a doctor, their own and their patients'.
    async fn scope(&self, actor: &Principal) -> DomainResult<Option<Vec<UserId>>> {
        match actor.role {
            Role::Admin => Ok(None),
            Role::Doctor => {
                let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
                let (mut in_care, _) =
                    care::patients_of(&mut conn, actor.user_id, Timestamp::now().as_millisecond())
                        .await?;
                in_care.push(actor.user_id);
                Ok(Some(in_care))
            }
            Role::Patient => Err(DomainError::Forbidden),
        }
    }

    /// Messages sent outside the portals, for the staff.
    pub async fn outbound(
        &self,
        actor: &Principal,
        status: Option<OutboundStatus>,
        channel: Option<Channel>,
    ) -> DomainResult<Vec<OutboundMessage>> {
        let user_ids = self.scope(actor).await?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::outbound(
            &mut conn,
            &OutboundFilter {
                user_ids,
                status,
                channel,
                limit: LIST_LIMIT,
            },
        )
        .await
    }

    /// The webhook log, for the staff.
    pub async fn webhook_log(
        &self,
        actor: &Principal,
        status: Option<WebhookStatus>,
        kind: Option<WebhookKind>,
    ) -> DomainResult<Vec<WebhookEvent>> {
        let related_users = self.scope(actor).await?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        webhooks::list(
            &mut conn,
            &EventFilter {
                status,
                kind,
                related_users,
                limit: LIST_LIMIT,
            },
        )
        .await
    }

    /// The next try's time for a webhook event that failed.
    fn retry_at(&self) -> Timestamp {
        Timestamp::now() + self.config.retry_after
    }
}
