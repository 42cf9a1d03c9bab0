//! What the platform tells its live subscribers (dashboards, devices' sockets)
//! through the event bus. Services publish after their transaction commits.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::accounts::UserId;
use crate::bus::{BusStats, EventBus, Subscription, Topic};
use crate::chat::{ChatMessage, Presence};
use crate::vitals::Reading;
use crate::vitals::alerts::VitalAlert;

/// One event; each is published on its topics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// Readings of a patient were committed.
    Readings {
        patient_id: UserId,
        readings: Vec<Reading>,
        /// When they were committed (ingest-to-dashboard latency starts here).
        stored_at: Timestamp,
    },
    /// A device's credential was revoked or replaced, or the device deleted:
    /// its open sockets close.
    DeviceCut { device_id: i64 },
    /// A care relationship ended: the doctor's sockets on the patient re-check.
    CareEnded {
        doctor_id: UserId,
        patient_id: UserId,
    },
    /// A command for a device, delivered by whichever instance holds its socket.
    DeviceCommand {
        device_id: i64,
        command_id: String,
        command: String,
        params: serde_json::Value,
    },
    /// A device's socket passed a command on.
    CommandDelivered { device_id: i64, command_id: String },
    /// A sign-in session ended (sign-out, a reused refresh token), or every
    /// session of an account (`session_id: None`: deactivation): the
    /// account's sockets opened with it close.
    SessionEnded {
        user_id: UserId,
        session_id: Option<String>,
    },
    /// An alert was raised, repeated, acknowledged, escalated or cleared.
    Alert {
        change: AlertChange,
        alert: Box<VitalAlert>,
    },
    /// A chat message was stored.
    ChatPosted { message: ChatMessage },
    /// A member is writing in a room (not stored).
    ChatTyping { room_id: i64, user_id: UserId },
    /// A member read a room up to a message.
    ChatRead {
        room_id: i64,
        user_id: UserId,
        up_to: i64,
    },
    /// A member came into a room or left it.
    ChatPresence { room_id: i64, presence: Presence },
    /// An administrator saved the platform's settings (this version): every
    /// instance reads them again.
    SettingsChanged { version: i64 },
}

/// What happened to an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertChange {
    Raised,
    Updated,
    Acknowledged,
    Escalated,
    Cleared,
}

impl Event {
    /// Whether this event ends the session `principal` signed in with.
    pub fn ends_session_of(&self, principal: &crate::auth::Principal) -> bool {
        matches!(self, Self::SessionEnded { user_id, session_id }
            if *user_id == principal.user_id
                && session_id.as_deref().is_none_or(|s| s == principal.session_id))
    }

    /// The topics the event is published on.
    pub fn topics(&self) -> Vec<Topic> {
        match self {
            Self::Readings { patient_id, .. } => vec![Topic::Patient(*patient_id)],
            Self::DeviceCut { device_id }
            | Self::DeviceCommand { device_id, .. }
            | Self::CommandDelivered { device_id, .. } => vec![Topic::Device(*device_id)],
            Self::CareEnded { doctor_id, .. } => vec![Topic::User(*doctor_id)],
            Self::SessionEnded { user_id, .. } => vec![Topic::User(*user_id)],
            // The patient's room, and every alert feed (filtered per reader).
            Self::Alert { alert, .. } => vec![Topic::Patient(alert.patient), Topic::Alerts],
            Self::ChatPosted { message } => vec![Topic::Conversation(message.room_id)],
            Self::ChatTyping { room_id, .. }
            | Self::ChatRead { room_id, .. }
            | Self::ChatPresence { room_id, .. } => vec![Topic::Conversation(*room_id)],
            Self::SettingsChanged { .. } => vec![Topic::Platform],
        }
    }
}

/// The platform's bus of [`Event`]s, each published on its own topic; cheap
/// to clone.
#[derive(Clone)]
pub struct Publisher(EventBus<Event>);

/// Channel prefix of the platform's events on Redis.
pub const REDIS_PREFIX: &str = "medplat";

impl Publisher {
    /// Events stay inside this process.
    pub fn in_process() -> Self {
        Self(EventBus::in_process())
    }

    /// Events go through Redis pub/sub at `url` (several instances).
    pub async fn redis(url: &str) -> Result<Self, crate::DomainError> {
        Self::redis_with_prefix(url, REDIS_PREFIX).await
    }

    /// The same, on another channel prefix (tests keep platforms apart).
    pub async fn redis_with_prefix(url: &str, prefix: &str) -> Result<Self, crate::DomainError> {
        Ok(Self(EventBus::connect_redis(url, prefix).await?))
    }

    /// Publishes `event` on its topic (after the change it reports committed).
    pub fn publish(&self, event: Event) {
        let topics = event.topics();
        if let Some((last, others)) = topics.split_last() {
            for topic in others {
                self.0.publish(*topic, event.clone());
            }
            self.0.publish(*last, event);
        }
    }

    /// Subscribes to `topics`.
    pub fn subscribe(&self, topics: &[Topic]) -> Subscription<Event> {
        self.0.subscribe(topics)
    }

    /// Counters for `/metrics`.
    pub fn stats(&self) -> BusStats {
        self.0.stats()
    }

    /// `"in-process"` or `"redis"`.
    pub fn transport(&self) -> &'static str {
        self.0.transport()
    }

    /// Whether the bus's transport answers (Redis: a PING).
    pub async fn ping(&self) -> Result<(), crate::DomainError> {
        self.0.ping().await
    }
}
