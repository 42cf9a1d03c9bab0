//! The event bus: services publish typed events after their transaction
//! commits; sockets subscribe to topics (a patient, a user, a ward, a
//! device…).
//!
//! One type, two transports chosen at start:
//! - in-process (the default, [`EventBus::in_process`]): a publish is delivered
//!   at once to this process's subscribers;
//! - Redis pub/sub ([`EventBus::connect_redis`], when `REDIS_URL` is set): a
//!   publish goes to Redis only, on channel `<prefix>:<topic>`, and every
//!   instance — the publisher included — delivers what its one pattern
//!   subscription (`PSUBSCRIBE <prefix>:*`) receives to its own subscribers.
//!   Each instance thus delivers every event exactly once.
//!
//! The bus is generic over the event type; the platform's events are
//! [`crate::events::Event`].
//!
//! # Guarantees and losses
//! - A publish never blocks and never fails its caller: a lost event is logged
//!   (without its content) and counted in [`BusStats::dropped`].
//! - Per subscriber, events arrive in the order they were published (with
//!   Redis: in the order Redis received them).
//! - Each subscriber has a bounded queue. One that falls behind loses its
//!   *oldest* queued events and is told how many ([`Received::Missed`]) before
//!   the next event it does get, so it can resynchronise (a dashboard asks for
//!   the latest values again).
//! - With Redis, the bus reconnects by itself (with back-off) and subscribes
//!   again. Events published while Redis is unreachable wait in a bounded
//!   outbox during the connection's retries, then are dropped and counted
//!   (rarely, a batch cut short by the failure was partly published all the
//!   same). Events published by other instances while this one's
//!   subscription is down never reach its subscribers (Redis pub/sub keeps
//!   nothing); [`BusStats::reconnects`] says it happened.
//! - Dropping a [`Subscription`] unsubscribes it; a topic nobody listens to any
//!   more takes no memory.

mod local;
mod redis;
mod topic;

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde::Serialize;
use serde::de::DeserializeOwned;

use local::Local;
pub use local::Subscription;
pub use topic::{Topic, TopicError};

/// Events a subscriber may hold, by default, before it starts losing the
/// oldest ([`EventBus::subscribe_bounded`] chooses another bound).
pub const DEFAULT_QUEUE: usize = 256;

/// Counters since start, for `/metrics`. All but `subscribers` and `topics`
/// only grow.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BusStats {
    /// Calls to [`EventBus::publish`] on this instance.
    pub published: u64,
    /// Events put in a subscriber's queue on this instance (one event with
    /// three subscribers counts three).
    pub delivered: u64,
    /// Events slow subscribers of this instance lost.
    pub missed: u64,
    /// Publishes of this instance that never reached the transport: Redis
    /// unreachable or too slow, or an event that would not serialise.
    pub dropped: u64,
    /// Events from Redis that this instance could not read.
    pub unreadable: u64,
    /// Times the Redis subscription was lost and established again.
    pub reconnects: u64,
    /// Live subscriptions on this instance.
    pub subscribers: u64,
    /// Topics with at least one subscriber on this instance.
    pub topics: u64,
}

/// What [`Subscription::recv`] yields.
#[derive(Debug)]
pub enum Received<E> {
    /// The next event, with the topic it was published on.
    Event(Envelope<E>),
    /// This many events were lost because the subscriber fell behind; they
    /// came just before the next event received.
    Missed(u64),
}

/// One event as delivered: shared by every subscriber it reaches, and
/// readable as the event itself (`&envelope` coerces to `&E`).
#[derive(Debug)]
pub struct Envelope<E> {
    /// The topic the event was published on.
    pub topic: Topic,
    /// The event.
    pub event: Arc<E>,
}

impl<E> Clone for Envelope<E> {
    fn clone(&self) -> Self {
        Self {
            topic: self.topic,
            event: self.event.clone(),
        }
    }
}

impl<E> Deref for Envelope<E> {
    type Target = E;

    fn deref(&self) -> &E {
        &self.event
    }
}

/// The bus; cheap to clone (clones share subscribers and transport). When the
/// last clone is dropped, the transport stops and subscriptions end.
pub struct EventBus<E> {
    inner: Arc<Inner<E>>,
}

struct Inner<E> {
    local: Arc<Local<E>>,
    /// `None`: in-process only.
    redis: Option<redis::Transport>,
}

impl<E> Clone for EventBus<E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<E> std::fmt::Debug for EventBus<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus")
            .field("transport", &self.transport())
            .finish_non_exhaustive()
    }
}

impl<E> EventBus<E>
where
    E: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    /// A bus inside this process only.
    pub fn in_process() -> Self {
        Self {
            inner: Arc::new(Inner {
                local: Local::new(),
                redis: None,
            }),
        }
    }

    /// A bus over Redis pub/sub at `url`, on channels `<prefix>:<topic>`:
    /// instances of one platform share a prefix; two platforms on one Redis
    /// use two. Fails if Redis cannot be reached now; once running, it
    /// reconnects by itself. Must be called inside a Tokio runtime.
    pub async fn connect_redis(url: &str, prefix: &str) -> Result<Self, crate::DomainError> {
        let local = Local::new();
        let transport = redis::Transport::connect(url, prefix, local.clone()).await?;
        Ok(Self {
            inner: Arc::new(Inner {
                local,
                redis: Some(transport),
            }),
        })
    }

    /// Publishes `event` on `topic`, to be called once the change it reports
    /// has committed. Never blocks for long and never fails: in-process it
    /// fills the subscribers' queues at once; with Redis it hands the event
    /// to a background sender, and a lost event is logged and counted.
    pub fn publish(&self, topic: Topic, event: E) {
        let local = &self.inner.local;
        local.counters.published.fetch_add(1, Ordering::Relaxed);
        match &self.inner.redis {
            None => local.deliver(topic, Arc::new(event)),
            Some(transport) => transport.send(topic, &event),
        }
    }

    /// Subscribes to `topics` (events of any of them arrive in one queue of
    /// [`DEFAULT_QUEUE`] events). Dropping the subscription unsubscribes.
    pub fn subscribe(&self, topics: &[Topic]) -> Subscription<E> {
        self.subscribe_bounded(topics, DEFAULT_QUEUE)
    }

    /// Subscribes to `topics` with a queue of `capacity` events (at least
    /// one).
    pub fn subscribe_bounded(&self, topics: &[Topic], capacity: usize) -> Subscription<E> {
        Local::subscribe(&self.inner.local, topics, capacity)
    }
}

impl<E> EventBus<E> {
    /// Counters since start.
    pub fn stats(&self) -> BusStats {
        self.inner.local.stats()
    }

    /// Topics with at least one subscriber on this instance.
    pub fn topic_count(&self) -> usize {
        self.inner.local.topic_count()
    }

    /// Whether the transport answers: always in-process; Redis answers a
    /// PING.
    pub async fn ping(&self) -> Result<(), crate::DomainError> {
        match &self.inner.redis {
            None => Ok(()),
            Some(transport) => transport.ping().await,
        }
    }

    /// `"in-process"` or `"redis"`.
    pub fn transport(&self) -> &'static str {
        if self.inner.redis.is_some() {
            "redis"
        } else {
            "in-process"
        }
    }
}
