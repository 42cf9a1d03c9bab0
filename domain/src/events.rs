//! What the platform tells its live subscribers (dashboards, devices' sockets)
//! through the event bus. Services publish after their transaction commits.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::accounts::UserId;
use crate::bus::{BusStats, EventBus, Subscription, Topic};
use crate::vitals::Reading;

/// One event; each belongs to one topic.
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
}

impl Event {
    /// The topic the event is published on.
    pub fn topic(&self) -> Topic {
        match self {
            Self::Readings { patient_id, .. } => Topic::Patient(*patient_id),
            Self::DeviceCut { device_id } => Topic::Device(*device_id),
            Self::CareEnded { doctor_id, .. } => Topic::User(*doctor_id),
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
        self.0.publish(event.topic(), event);
    }

    /// Subscribes to `topics`.
    pub fn subscribe(&self, topics: &[Topic]) -> Subscription<Event> {
        self.0.subscribe(topics)
    }

    /// Counters for `/metrics`.
    pub fn stats(&self) -> BusStats {
        self.0.stats()
    }
}
