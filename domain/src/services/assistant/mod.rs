//! The assistant as the doors reach it: a conversation of questions and
//! answers, in the asker's language. Emergencies come first. A signed-in
//! patient's questions may become actions (free-slot search, booking,
//! cancelling, moving an appointment: `actions`), carried out by the same
//! services as the portals, and only after an explicit yes; anything else
//! gets the offline assistant's answer. The question is never logged (it may
//! carry medical details).

mod actions;
mod coming;
pub mod llm;
mod replies;
mod search;
mod tools;
mod topics;

use std::sync::Arc;

use jiff::Timestamp;

use crate::accounts::{Role, Specialty};
use crate::assistant::conversation::Conversation;
use crate::assistant::entities::Lexicon;
use crate::assistant::{Assistant, Choice, Reply, Suggestion};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::services::appointments::AppointmentService;
use crate::services::directory::DirectoryService;
use crate::services::scheduling::SchedulingService;
use crate::store::{Db, db_error, specialties};

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 2000;

/// Assistant operations.
#[derive(Clone)]
pub struct AssistantService {
    db: Db,
    assistant: Arc<Assistant>,
    lexicon: Arc<Lexicon>,
    directory: DirectoryService,
    scheduling: SchedulingService,
    appointments: AppointmentService,
    /// The language model, when one is set up.
    llm: Option<llm::Llm>,
    /// The platform's settings (on or off, the backend, the clinic's contact).
    settings: crate::services::SettingsService,
}

/// The question, trimmed, or why it cannot be one.
fn checked(question: &str) -> DomainResult<&str> {
    let question = question.trim();
    if question.is_empty() {
        return Err(DomainError::invalid(
            "message",
            "required",
            "write a question",
        ));
    }
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Err(DomainError::invalid(
            "message",
            "too_long",
            format!("at most {MAX_QUESTION_CHARS} characters"),
        ));
    }
    Ok(question)
}

/// A plain answer of an action.
pub(crate) fn said(french: bool, fr: String, en: String, intent: &str) -> Reply {
    Reply {
        message: if french { fr } else { en },
        intent: intent.to_owned(),
        lang: if french { "fr" } else { "en" },
        suggestions: Vec::new(),
        choices: Vec::new(),
        confidence: 1.0,
    }
}

/// A link in the reader's language.
pub(crate) fn link(french: bool, href: &str, fr: &str, en: &str) -> Suggestion {
    Suggestion {
        label: if french { fr } else { en }.to_owned(),
        href: href.to_owned(),
    }
}

/// A button in the reader's language.
pub(crate) fn button(label: String, send: String) -> Choice {
    Choice { label, send }
}

impl AssistantService {
    pub(crate) fn new(
        db: Db,
        directory: DirectoryService,
        scheduling: SchedulingService,
        appointments: AppointmentService,
        settings: crate::services::SettingsService,
    ) -> DomainResult<Self> {
        Ok(Self {
            settings,
            db,
            assistant: Assistant::builtin()?,
            lexicon: Arc::new(Lexicon::builtin()?),
            directory,
            scheduling,
            appointments,
            llm: None,
        })
    }

    /// The practice as the assistant's file describes it.
    pub fn clinic(&self) -> crate::assistant::clinic::Clinic {
        self.assistant.clinic()
    }

    /// Whether a language model is set up.
    pub fn has_llm(&self) -> bool {
        self.llm.is_some()
    }

    /// The same service answering through a language model first (falling
    /// back to the offline assistant whenever it fails).
    pub fn with_llm(mut self, config: llm::LlmConfig) -> DomainResult<Self> {
        self.llm = Some(llm::Llm::new(config).map_err(DomainError::internal)?);
        Ok(self)
    }

    /// Answers one question with no conversation before it.
    pub async fn reply(
        &self,
        asker: Option<&Principal>,
        question: &str,
        french_default: bool,
    ) -> DomainResult<Reply> {
        let mut conversation = Conversation::default();
        self.converse(
            asker,
            &mut conversation,
            question,
            french_default,
            Timestamp::now(),
        )
        .await
    }

    /// Answers `question` from `asker` (none: an anonymous visitor) within
    /// `conversation`, which it updates; `french_default` when the question
    /// does not tell its language.
    pub async fn converse(
        &self,
        asker: Option<&Principal>,
        conversation: &mut Conversation,
        question: &str,
        french_default: bool,
        now: Timestamp,
    ) -> DomainResult<Reply> {
        let question = checked(question)?;
        let french = self.assistant.is_french(question, french_default);
        let settings = self.settings.current();
        self.assistant.set_contact(
            &settings.clinic_name,
            &settings.clinic_phone,
            &settings.clinic_email,
            &settings.clinic_address,
        );
        let reply = if let Some(reply) = self.assistant.emergency(question, french) {
            conversation.pending = None;
            reply
        } else if !settings.assistant_enabled {
            // Switched off: the clinic's phone, after any emergency answer.
            conversation.pending = None;
            said(
                french,
                format!(
                    "L’assistant est indisponible pour le moment. Appelez {} au {}.",
                    settings.clinic_name, settings.clinic_phone
                ),
                format!(
                    "The assistant is unavailable at the moment. Call {} on {}.",
                    settings.clinic_name, settings.clinic_phone
                ),
                "assistant_off",
            )
        } else {
            let patient = asker.filter(|p| p.role == Role::Patient);
            // A yes, a no or a pick is the platform's to read, never a model's.
            let mut acted = match patient {
                Some(patient) => {
                    self.settle(patient, conversation, question, french, now)
                        .await?
                }
                None => None,
            };
            if acted.is_none()
                && settings.assistant_backend == "llm"
                && let Some(llm) = &self.llm
            {
                acted = self
                    .through_llm(llm, patient, conversation, question, french, now)
                    .await?;
            }
            if acted.is_none()
                && let Some(patient) = patient
            {
                acted = self
                    .act(patient, conversation, question, french, now)
                    .await?;
            }
            match acted {
                Some(reply) => reply,
                None => {
                    conversation.pending = None;
                    self.faq(asker, question, french).await?
                }
            }
        };
        conversation.remember(question, &reply.message);
        self.count(&reply).await;
        tracing::debug!(intent = %reply.intent, confidence = reply.confidence, "assistant answered");
        Ok(reply)
    }

    /// Counts the answer for the statistics (its kind only: nothing of the
    /// question, nor who asked). A failure to count never fails the answer.
    async fn count(&self, reply: &Reply) {
        if reply.intent == "assistant_off" {
            return;
        }
        let outcome = match reply.intent.as_str() {
            crate::assistant::EMERGENCY => "emergency",
            crate::assistant::UNKNOWN => "not_understood",
            _ => "understood",
        };
        let counted = match self.db.begin_write().await {
            Ok(mut tx) => {
                match crate::store::stats::count_answer(&mut tx, outcome, reply.lang).await {
                    Ok(()) => tx.commit().await.map_err(db_error),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        if let Err(e) = counted {
            tracing::warn!(error = %e, "assistant answer not counted");
        }
    }

    /// The platform's specialties as they are now.
    async fn specialties(&self) -> DomainResult<Vec<Specialty>> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        specialties::list(&mut conn).await
    }

    /// The specialties' names as they are now: (French, English).
    async fn specialty_names(&self) -> DomainResult<Vec<(String, String)>> {
        Ok(self
            .specialties()
            .await?
            .into_iter()
            .map(|s| (s.name_fr, s.name_en))
            .collect())
    }

    /// The offline assistant's answer, with the specialties as they are now.
    async fn faq(
        &self,
        asker: Option<&Principal>,
        question: &str,
        french: bool,
    ) -> DomainResult<Reply> {
        let names = self.specialty_names().await?;
        Ok(self
            .assistant
            .answer(question, asker.map(|p| p.role), french, &names))
    }
}
