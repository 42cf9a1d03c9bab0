//! The event bus: services publish typed events after their transaction
//! commits; sockets subscribe to topics (a patient, a user, a ward, a
//! device…).
//!
//! One type, two transports chosen at start:
//! - in-process (the default): a publish is delivered at once to this
//!   process's subscribers;
//! - Redis pub/sub (`REDIS_URL`): a publish goes to Redis only, and every
//!   instance — the publisher included — delivers what its Redis subscription
//!   receives to its own subscribers. Each instance thus delivers every event
//!   exactly once. The connection comes back by itself after Redis restarts;
//!   events published while Redis is unreachable are dropped and counted.
//!
//! Each subscriber has a bounded queue: one that cannot keep up loses events
//! and is told how many ([`Received::Missed`]), so it can resynchronise (a
//! dashboard asks for the latest values again).

mod redis;
mod topic;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

pub use topic::Topic;

/// Events a subscriber may hold before it starts missing some.
const QUEUE: usize = 256;

/// Counters for `/metrics`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BusStats {
    pub published: u64,
    pub delivered: u64,
    /// Events a slow subscriber lost.
    pub missed: u64,
    /// Publishes lost because Redis was unreachable.
    pub dropped: u64,
    pub subscribers: u64,
}

#[derive(Default)]
struct Counters {
    published: AtomicU64,
    delivered: AtomicU64,
    missed: AtomicU64,
    dropped: AtomicU64,
}

struct Slot<E> {
    id: u64,
    queue: mpsc::Sender<Arc<E>>,
    missed: Arc<AtomicU64>,
}

/// This process's subscribers, by topic.
struct Local<E> {
    topics: Mutex<HashMap<Topic, Vec<Slot<E>>>>,
    next_id: AtomicU64,
    counters: Counters,
}

impl<E> Local<E> {
    fn deliver(&self, topic: Topic, event: Arc<E>) {
        let Ok(topics) = self.topics.lock() else {
            return;
        };
        let Some(slots) = topics.get(&topic) else {
            return;
        };
        for slot in slots {
            match slot.queue.try_send(event.clone()) {
                Ok(()) => {
                    self.counters.delivered.fetch_add(1, Ordering::Relaxed);
                }
                Err(mpsc::error::TrySendError::Full(_)) => {
                    slot.missed.fetch_add(1, Ordering::Relaxed);
                    self.counters.missed.fetch_add(1, Ordering::Relaxed);
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
    }

    fn remove(&self, id: u64, topics: &[Topic]) {
        let Ok(mut map) = self.topics.lock() else {
            return;
        };
        for topic in topics {
            if let Some(slots) = map.get_mut(topic) {
                slots.retain(|s| s.id != id);
                if slots.is_empty() {
                    map.remove(topic);
                }
            }
        }
    }
}

/// The bus; cheap to clone.
pub struct EventBus<E> {
    local: Arc<Local<E>>,
    redis: Option<redis::Outbox>,
}

impl<E> Clone for EventBus<E> {
    fn clone(&self) -> Self {
        Self {
            local: self.local.clone(),
            redis: self.redis.clone(),
        }
    }
}

/// What a subscriber receives.
#[derive(Debug)]
pub enum Received<E> {
    Event(Arc<E>),
    /// This many events were lost because the subscriber fell behind.
    Missed(u64),
}

/// A subscription to some topics; dropping it unsubscribes.
pub struct Subscription<E> {
    id: u64,
    topics: Vec<Topic>,
    queue: mpsc::Receiver<Arc<E>>,
    missed: Arc<AtomicU64>,
    local: Arc<Local<E>>,
}

impl<E> Subscription<E> {
    /// The next event (or how many were missed); `None` once the bus is gone.
    pub async fn recv(&mut self) -> Option<Received<E>> {
        let missed = self.missed.swap(0, Ordering::Relaxed);
        if missed > 0 {
            return Some(Received::Missed(missed));
        }
        self.queue.recv().await.map(Received::Event)
    }
}

impl<E> Drop for Subscription<E> {
    fn drop(&mut self) {
        self.local.remove(self.id, &self.topics);
    }
}

impl<E> EventBus<E>
where
    E: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    fn with(redis: Option<redis::Outbox>, local: Arc<Local<E>>) -> Self {
        Self { local, redis }
    }

    fn new_local() -> Arc<Local<E>> {
        Arc::new(Local {
            topics: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            counters: Counters::default(),
        })
    }

    /// A bus inside this process only.
    pub fn in_process() -> Self {
        Self::with(None, Self::new_local())
    }

    /// A bus over Redis pub/sub at `url`, on channels `<prefix>:<topic>`
    /// (instances of one platform share a prefix). Fails if Redis cannot be
    /// reached now; once running, it reconnects by itself.
    pub async fn connect_redis(url: &str, prefix: &str) -> Result<Self, crate::DomainError> {
        let local = Self::new_local();
        let outbox = redis::start(url, prefix, local.clone()).await?;
        Ok(Self::with(Some(outbox), local))
    }

    /// Publishes `event` on `topic`. Never blocks, never fails the caller: a
    /// lost publish is logged and counted.
    pub fn publish(&self, topic: Topic, event: E) {
        self.local
            .counters
            .published
            .fetch_add(1, Ordering::Relaxed);
        match &self.redis {
            None => self.local.deliver(topic, Arc::new(event)),
            Some(outbox) => {
                if !outbox.send(topic, &event) {
                    self.local.counters.dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// Subscribes to `topics` (events of any of them arrive in one queue).
    pub fn subscribe(&self, topics: &[Topic]) -> Subscription<E> {
        let id = self.local.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(QUEUE);
        let missed = Arc::new(AtomicU64::new(0));
        let mut unique = topics.to_vec();
        unique.sort_unstable();
        unique.dedup();
        if let Ok(mut map) = self.local.topics.lock() {
            for topic in &unique {
                map.entry(*topic).or_default().push(Slot {
                    id,
                    queue: tx.clone(),
                    missed: missed.clone(),
                });
            }
        }
        Subscription {
            id,
            topics: unique,
            queue: rx,
            missed,
            local: self.local.clone(),
        }
    }

    /// Counters since start.
    pub fn stats(&self) -> BusStats {
        let c = &self.local.counters;
        let subscribers = self
            .local
            .topics
            .lock()
            .map(|m| m.values().map(|v| v.len() as u64).sum())
            .unwrap_or(0);
        BusStats {
            published: c.published.load(Ordering::Relaxed),
            delivered: c.delivered.load(Ordering::Relaxed),
            missed: c.missed.load(Ordering::Relaxed),
            dropped: c.dropped.load(Ordering::Relaxed)
                + self.redis.as_ref().map_or(0, |o| o.dropped()),
            subscribers,
        }
    }

    /// Topics with at least one subscriber here (tests check clean-up).
    pub fn topic_count(&self) -> usize {
        self.local.topics.lock().map(|m| m.len()).unwrap_or(0)
    }
}
