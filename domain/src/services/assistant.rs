//! The assistant as the doors reach it: one question, one answer, in the
//! asker's language, with the platform's specialties as they are now. The
//! question is never logged (it may carry medical details).

use std::sync::Arc;

use crate::assistant::{Assistant, Reply};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::store::{Db, db_error, specialties};

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 2000;

/// Assistant operations.
#[derive(Clone)]
pub struct AssistantService {
    db: Db,
    assistant: Arc<Assistant>,
}

impl AssistantService {
    pub(crate) fn new(db: Db) -> DomainResult<Self> {
        Ok(Self {
            db,
            assistant: Arc::new(Assistant::builtin()?),
        })
    }

    /// Answers `question` from `asker` (none: an anonymous visitor);
    /// `french_default` when the question does not tell its language.
    pub async fn reply(
        &self,
        asker: Option<&Principal>,
        question: &str,
        french_default: bool,
    ) -> DomainResult<Reply> {
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
        let names = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            specialties::list(&mut conn).await?
        };
        let names: Vec<(String, String)> =
            names.into_iter().map(|s| (s.name_fr, s.name_en)).collect();
        let reply = self
            .assistant
            .answer(question, asker.map(|p| p.role), french_default, &names);
        tracing::debug!(intent = %reply.intent, confidence = reply.confidence, "assistant answered");
        Ok(reply)
    }
}
