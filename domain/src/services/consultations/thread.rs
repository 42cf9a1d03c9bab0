//! A record's message thread (seed 003's `FicheMessage`): the patient and
//! the doctors of their care team write; reading marks the other side's
//! messages read; each message notifies the other side (the notification
//! never carries the text).

use jiff::Timestamp;

use super::ConsultationService;
use crate::accounts::Role;
use crate::auth::Principal;
use crate::consultations::check::body;
use crate::consultations::{MessageChannel, NewText, ThreadMessage};
use crate::error::{DomainError, DomainResult};
use crate::notifications::Notice;
use crate::services::trail::append_in;
use crate::store::consultations as store;
use crate::store::{db_error, notifications, users};
use crate::trail::{Resource, TrailAction};

impl ConsultationService {
    /// The thread, oldest first; what the other side wrote is marked read.
    pub async fn messages(
        &self,
        actor: &Principal,
        id: i64,
        now: Timestamp,
    ) -> DomainResult<Vec<ThreadMessage>> {
        let (_, granted) = self
            .checked(
                actor,
                id,
                TrailAction::Read,
                Resource::ConsultationMessage,
                now,
            )
            .await?;
        let mut tx = self.db.begin_write().await?;
        // A doctor under emergency access reads without marking read: the
        // patient's own doctors still have them to read.
        if !granted.entry.emergency {
            store::mark_read(&mut tx, id, actor.user_id, now.as_millisecond()).await?;
        }
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        let messages = store::messages(&mut tx, id, actor.user_id).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(messages)
    }

    /// Writes in the thread; the other side is notified.
    pub async fn post(
        &self,
        actor: &Principal,
        id: i64,
        text: &NewText,
        now: Timestamp,
    ) -> DomainResult<ThreadMessage> {
        self.post_through(actor, id, text, MessageChannel::Portal, now)
            .await
    }

    /// Writes in the thread what came through `channel` (a patient's SMS or
    /// WhatsApp message); the other side is notified.
    pub async fn post_through(
        &self,
        actor: &Principal,
        id: i64,
        text: &NewText,
        channel: MessageChannel,
        now: Timestamp,
    ) -> DomainResult<ThreadMessage> {
        let text = body(&text.body)?;
        let (current, granted) = self
            .checked(
                actor,
                id,
                TrailAction::Create,
                Resource::ConsultationMessage,
                now,
            )
            .await?;
        let mut tx = self.db.begin_write().await?;
        let message_id = store::add_message(
            &mut tx,
            id,
            Some(actor.user_id),
            &text,
            channel,
            now.as_millisecond(),
        )
        .await?;
        let from_name = users::by_id(&mut tx, actor.user_id)
            .await?
            .map(|u| u.full_name())
            .unwrap_or_default();
        let to = if actor.role == Role::Patient {
            current.doctor.id
        } else {
            current.patient.id
        };
        let notice = Notice::ConsultationMessage {
            consultation_id: id,
            from_name,
        };
        notifications::push(&mut tx, to, &notice).await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry.on(id)]).await?;
        let message = store::messages(&mut tx, id, actor.user_id)
            .await?
            .into_iter()
            .find(|m| m.id == message_id)
            .ok_or(DomainError::NotFound("message"))?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(consultation_id = id, message_id, "thread message posted");
        Ok(message)
    }
}
