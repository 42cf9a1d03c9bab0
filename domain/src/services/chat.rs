//! Patient–doctor chat. A room joins a patient and one of their doctors;
//! the patient's list makes sure every running care relationship has one,
//! and the doctor's too. Only its two members open a room, the doctor only
//! while the care relationship runs (emergency access does not open it), and
//! the policy and trail apply to every read and write. A message is stored
//! (with a notification when its reader is away, and its trail entry) in
//! one transaction, then published on the room's topic of the event bus,
//! which delivers it to every open tab on every instance.

use jiff::Timestamp;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::chat::{self, ChatMessage, ChatRoom, History, PAGE, Presence, ReadMarks};
use crate::error::{DomainError, DomainResult};
use crate::events::{Event, Publisher};
use crate::notifications::Notice;
use crate::policy::{Gate, Relation};
use crate::services::sockets::STALE_AFTER;
use crate::services::trail::append_in;
use crate::store::chat::{self as store, RoomRow};
use crate::store::{Db, care, db_error, notifications, users};
use crate::trail::{Resource, TrailAction};

/// The registry's name for a room's sockets.
pub fn socket_room(room_id: i64) -> String {
    format!("ws/chat/{room_id}/")
}

/// A room as it opens: the room, the other member's presence, read marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub room: RoomRow,
    pub other: Presence,
    pub marks: ReadMarks,
}

/// Chat operations.
#[derive(Clone)]
pub struct ChatService {
    db: Db,
    gate: Gate,
    bus: Publisher,
}

impl ChatService {
    pub(crate) fn new(db: Db, gate: Gate, bus: Publisher) -> Self {
        Self { db, gate, bus }
    }

    async fn conn(&self) -> DomainResult<sqlx::pool::PoolConnection<sqlx::Any>> {
        self.db.pool().acquire().await.map_err(db_error)
    }

    /// The actor's rooms (patients and doctors), latest activity first; a
    /// room is made for each running care relationship that lacks one.
    pub async fn rooms(&self, actor: &Principal) -> DomainResult<Vec<ChatRoom>> {
        let as_patient = match actor.role {
            Role::Patient => true,
            Role::Doctor => false,
            Role::Admin => return Err(DomainError::Forbidden),
        };
        let now = Timestamp::now().as_millisecond();
        let mut conn = self.conn().await?;
        let (patient, doctor) = if as_patient {
            (Some(actor.user_id), None)
        } else {
            (None, Some(actor.user_id))
        };
        for relationship in care::list(&mut conn, patient, doctor, false).await? {
            store::ensure(
                &mut conn,
                relationship.patient_id,
                relationship.doctor_id,
                now,
            )
            .await?;
        }
        store::rooms_of(&mut conn, actor.user_id, as_patient).await
    }

    /// Messages from the other side the actor has not read, over their rooms
    /// (the navigation's count).
    pub async fn unread(&self, actor: &Principal) -> DomainResult<i64> {
        if actor.role == Role::Admin {
            return Ok(0);
        }
        store::unread_total(&mut *self.conn().await?, actor.user_id).await
    }

    /// The room, if the actor may `action` in it: a member, and the policy
    /// allows. Anyone else is told it does not exist (and the refusal is in
    /// the trail).
    async fn room_for(
        &self,
        actor: &Principal,
        room_id: i64,
        action: TrailAction,
        now: Timestamp,
    ) -> DomainResult<(RoomRow, crate::services::trail::NewEntry)> {
        let room = store::room(&mut *self.conn().await?, room_id)
            .await?
            .ok_or(DomainError::NotFound("room"))?;
        if !room.has(actor.user_id) {
            // Another doctor of the patient's team is no member either: the
            // refusal is recorded as a stranger's.
            let refused = self
                .gate
                .decide(
                    actor,
                    Relation::Stranger,
                    action,
                    Resource::ChatMessage,
                    room.patient_id,
                    Some(room_id.to_string()),
                )
                .await;
            return match refused {
                Err(DomainError::Forbidden) | Ok(_) => Err(DomainError::NotFound("room")),
                Err(other) => Err(other),
            };
        }
        let granted = self
            .gate
            .check_hidden(
                actor,
                action,
                Resource::ChatMessage,
                room.patient_id,
                room_id,
                "room",
                now,
            )
            .await?;
        Ok((room, granted.entry))
    }

    /// Opens a room for the actor: its members, the other's presence and the
    /// read marks. The doctor needs a running care relationship.
    pub async fn join(&self, actor: &Principal, room_id: i64) -> DomainResult<Joined> {
        let now = Timestamp::now();
        let (room, _) = self
            .room_for(actor, room_id, TrailAction::Read, now)
            .await?;
        let other = room.other(actor.user_id);
        let since = now.as_millisecond() - STALE_AFTER.as_millis() as i64;
        let online = store::present(
            &mut *self.conn().await?,
            other,
            &socket_room(room_id),
            since,
        )
        .await?;
        let (mine, theirs, last_seen) = if actor.user_id == room.patient_id {
            (
                room.patient_read_up_to,
                room.doctor_read_up_to,
                room.doctor_seen_at,
            )
        } else {
            (
                room.doctor_read_up_to,
                room.patient_read_up_to,
                room.patient_seen_at,
            )
        };
        Ok(Joined {
            other: Presence {
                user_id: other,
                online,
                last_seen,
            },
            marks: ReadMarks { mine, theirs },
            room,
        })
    }

    /// Whether the actor may still be in the room (after a care
    /// relationship ended).
    pub async fn may_stay(&self, actor: &Principal, room: &RoomRow) -> DomainResult<bool> {
        match actor.role {
            Role::Patient => Ok(actor.user_id == room.patient_id),
            Role::Doctor => {
                care::is_running(&mut *self.conn().await?, actor.user_id, room.patient_id).await
            }
            Role::Admin => Ok(false),
        }
    }

    /// A page of history: the latest [`PAGE`] messages, or those before
    /// message `before`; oldest first. The read is recorded.
    pub async fn history(
        &self,
        actor: &Principal,
        room_id: i64,
        before: Option<i64>,
    ) -> DomainResult<History> {
        if before.is_some_and(|id| id < 1) {
            return Err(DomainError::invalid(
                "before",
                "out_of_range",
                "a message id, from 1",
            ));
        }
        let now = Timestamp::now();
        let (_, entry) = self
            .room_for(actor, room_id, TrailAction::Read, now)
            .await?;
        let mut tx = self.db.begin_write().await?;
        append_in(&mut tx, self.db.dialect(), &[entry.on(room_id)]).await?;
        let limit = i64::try_from(PAGE).unwrap_or(50) + 1;
        let mut messages = store::messages(&mut tx, room_id, before, limit).await?;
        tx.commit().await.map_err(db_error)?;
        let has_more = messages.len() > PAGE;
        messages.truncate(PAGE);
        messages.reverse();
        Ok(History { messages, has_more })
    }

    /// Writes in a room: stored first, with a notification to the other
    /// member when they are not in the room and the trail entry, then
    /// published.
    pub async fn post(
        &self,
        actor: &Principal,
        room_id: i64,
        text: &str,
    ) -> DomainResult<ChatMessage> {
        let body = chat::body(text)?;
        let now = Timestamp::now();
        let (room, entry) = self
            .room_for(actor, room_id, TrailAction::Create, now)
            .await?;
        if actor.role == Role::Patient
            && !care::is_running(&mut *self.conn().await?, room.doctor_id, room.patient_id).await?
        {
            return Err(DomainError::Conflict {
                field: None,
                code: "care_ended",
                message: "this doctor no longer looks after you: the conversation is read-only"
                    .into(),
            });
        }
        let to = room.other(actor.user_id);
        let since = now.as_millisecond() - STALE_AFTER.as_millis() as i64;
        // A patient's words are read for emergency signs (the doctor may
        // not be reading): the message carries them to both sides.
        let red_flags = match actor.role {
            Role::Patient => crate::red_flags::detector().codes(&body),
            _ => Vec::new(),
        };
        let mut tx = self.db.begin_write().await?;
        let message = store::add(
            &mut tx,
            room_id,
            actor.user_id,
            &body,
            &red_flags,
            now.as_millisecond(),
        )
        .await?;
        // Writing marks everything before as read.
        store::mark_read(&mut tx, &room, actor.user_id, message.id).await?;
        if !store::present(&mut tx, to, &socket_room(room_id), since).await? {
            let from_name = users::by_id(&mut tx, actor.user_id)
                .await?
                .map(|u| u.full_name())
                .unwrap_or_default();
            notifications::push(&mut tx, to, &Notice::ChatMessage { room_id, from_name }).await?;
        }
        append_in(
            &mut tx,
            self.db.dialect(),
            &[entry.on(format!("{room_id}/{}", message.id))],
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(room_id, message_id = message.id, "chat message posted");
        self.bus.publish(Event::ChatPosted {
            message: message.clone(),
        });
        Ok(message)
    }

    /// The actor read the room up to message `up_to` (never past its last).
    pub async fn read(&self, actor: &Principal, room_id: i64, up_to: i64) -> DomainResult<i64> {
        let now = Timestamp::now();
        let (room, _) = self
            .room_for(actor, room_id, TrailAction::Read, now)
            .await?;
        let mut conn = self.conn().await?;
        let up_to = up_to.min(store::last_id(&mut conn, room_id).await?);
        store::mark_read(&mut conn, &room, actor.user_id, up_to).await?;
        self.bus.publish(Event::ChatRead {
            room_id,
            user_id: actor.user_id,
            up_to,
        });
        Ok(up_to)
    }

    /// The actor is writing (told to the other member, not stored).
    pub fn typing(&self, actor: &Principal, room: &RoomRow) {
        if room.has(actor.user_id) {
            self.bus.publish(Event::ChatTyping {
                room_id: room.id,
                user_id: actor.user_id,
            });
        }
    }

    /// The actor came into the room (`here`) or left it (after their
    /// socket left the registry); leaving notes when they were last seen,
    /// and tells the other member unless another tab of theirs is still in.
    pub async fn presence(
        &self,
        actor: &Principal,
        room: &RoomRow,
        here: bool,
    ) -> DomainResult<()> {
        let now = Timestamp::now().as_millisecond();
        if !here {
            let mut conn = self.conn().await?;
            store::seen(&mut conn, room, actor.user_id, now).await?;
            let since = now - STALE_AFTER.as_millis() as i64;
            if store::present(&mut conn, actor.user_id, &socket_room(room.id), since).await? {
                return Ok(());
            }
        }
        self.bus.publish(Event::ChatPresence {
            room_id: room.id,
            presence: Presence {
                user_id: actor.user_id,
                online: here,
                last_seen: (!here).then_some(now),
            },
        });
        Ok(())
    }

    /// The room of a patient and one of their doctors (the demo, the
    /// benchmark), made if missing.
    pub async fn room_between(&self, patient_id: UserId, doctor_id: UserId) -> DomainResult<i64> {
        let mut conn = self.conn().await?;
        store::ensure(
            &mut conn,
            patient_id,
            doctor_id,
            Timestamp::now().as_millisecond(),
        )
        .await?;
        store::room_of(&mut conn, patient_id, doctor_id)
            .await?
            .map(|r| r.id)
            .ok_or(DomainError::NotFound("room"))
    }
}
