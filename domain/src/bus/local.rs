//! This process's subscribers: a map from topic to the subscriptions that
//! listen to it, and one bounded queue per subscription.
//!
//! A subscription's queue is shared by all its topics, so it sees events in
//! the order they were handed to this process. A queue takes memory only once
//! events have waited in it (at most its bound), so a quiet subscription costs
//! a few words; a topic's entry goes when its last subscriber leaves.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, Weak};

use tokio::sync::Notify;

use super::{BusStats, Envelope, Received, Topic};

/// Counters shared by the bus and its transport.
#[derive(Default)]
pub(super) struct Counters {
    pub(super) published: AtomicU64,
    pub(super) delivered: AtomicU64,
    pub(super) missed: AtomicU64,
    pub(super) dropped: AtomicU64,
    pub(super) unreadable: AtomicU64,
    pub(super) reconnects: AtomicU64,
    subscribers: AtomicU64,
}

/// This process's subscribers, by topic.
pub(super) struct Local<E> {
    topics: RwLock<HashMap<Topic, Vec<Member<E>>>>,
    next_id: AtomicU64,
    pub(super) counters: Arc<Counters>,
}

struct Member<E> {
    id: u64,
    inbox: Arc<Inbox<E>>,
}

/// One subscription's queue.
struct Inbox<E> {
    queue: Mutex<Queue<E>>,
    ready: Notify,
    capacity: usize,
}

struct Queue<E> {
    items: VecDeque<Envelope<E>>,
    /// Lost since the subscriber last looked.
    missed: u64,
    /// The bus is gone: nothing more will come.
    closed: bool,
}

impl<E> Queue<E> {
    /// The loss report first (the lost events came before the queued ones),
    /// then the oldest queued event.
    fn take(&mut self) -> Option<Received<E>> {
        if self.missed > 0 {
            return Some(Received::Missed(std::mem::take(&mut self.missed)));
        }
        self.items.pop_front().map(Received::Event)
    }
}

impl<E> Inbox<E> {
    fn lock(&self) -> MutexGuard<'_, Queue<E>> {
        // Nothing panics while holding the lock; a poisoned queue is still whole.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `envelope`, dropping the oldest if full; true if one was dropped.
    fn push(&self, envelope: Envelope<E>) -> bool {
        let lost = {
            let mut queue = self.lock();
            let lost = queue.items.len() >= self.capacity;
            if lost {
                queue.items.pop_front();
                queue.missed += 1;
            }
            queue.items.push_back(envelope);
            lost
        };
        self.ready.notify_one();
        lost
    }

    fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_one();
    }
}

impl<E> Local<E> {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Self {
            topics: RwLock::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            counters: Arc::default(),
        })
    }

    /// True if someone here listens to `topic` (spares reading events nobody
    /// wants).
    pub(super) fn listens(&self, topic: Topic) -> bool {
        self.topics
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(&topic)
    }

    /// Hands `event` to every subscriber of `topic` here.
    pub(super) fn deliver(&self, topic: Topic, event: Arc<E>) {
        let topics = self.topics.read().unwrap_or_else(PoisonError::into_inner);
        let Some(members) = topics.get(&topic) else {
            return;
        };
        let mut lost = 0;
        for member in members {
            let envelope = Envelope {
                topic,
                event: event.clone(),
            };
            if member.inbox.push(envelope) {
                lost += 1;
            }
        }
        let c = &self.counters;
        c.delivered
            .fetch_add(members.len() as u64, Ordering::Relaxed);
        if lost > 0 {
            c.missed.fetch_add(lost, Ordering::Relaxed);
        }
    }

    /// A new subscription to `topics` with a queue of `capacity`.
    pub(super) fn subscribe(
        this: &Arc<Self>,
        topics: &[Topic],
        capacity: usize,
    ) -> Subscription<E> {
        let id = this.next_id.fetch_add(1, Ordering::Relaxed);
        let inbox = Arc::new(Inbox {
            queue: Mutex::new(Queue {
                items: VecDeque::new(),
                missed: 0,
                closed: false,
            }),
            ready: Notify::new(),
            capacity: capacity.max(1),
        });
        let mut unique = topics.to_vec();
        unique.sort_unstable();
        unique.dedup();
        {
            let mut map = this.topics.write().unwrap_or_else(PoisonError::into_inner);
            for topic in &unique {
                map.entry(*topic).or_default().push(Member {
                    id,
                    inbox: inbox.clone(),
                });
            }
        }
        this.counters.subscribers.fetch_add(1, Ordering::Relaxed);
        Subscription {
            id,
            topics: unique,
            inbox,
            local: Arc::downgrade(this),
        }
    }

    fn unsubscribe(&self, id: u64, topics: &[Topic]) {
        let mut map = self.topics.write().unwrap_or_else(PoisonError::into_inner);
        for topic in topics {
            if let Some(members) = map.get_mut(topic) {
                if let Some(at) = members.iter().position(|m| m.id == id) {
                    members.swap_remove(at);
                }
                if members.is_empty() {
                    map.remove(topic);
                }
            }
        }
        drop(map);
        self.counters.subscribers.fetch_sub(1, Ordering::Relaxed);
    }

    pub(super) fn topic_count(&self) -> usize {
        self.topics
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub(super) fn stats(&self) -> BusStats {
        let c = &self.counters;
        BusStats {
            published: c.published.load(Ordering::Relaxed),
            delivered: c.delivered.load(Ordering::Relaxed),
            missed: c.missed.load(Ordering::Relaxed),
            dropped: c.dropped.load(Ordering::Relaxed),
            unreadable: c.unreadable.load(Ordering::Relaxed),
            reconnects: c.reconnects.load(Ordering::Relaxed),
            subscribers: c.subscribers.load(Ordering::Relaxed),
            topics: self.topic_count() as u64,
        }
    }
}

impl<E> Drop for Local<E> {
    fn drop(&mut self) {
        let map = self
            .topics
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for members in map.values() {
            for member in members {
                member.inbox.close();
            }
        }
    }
}

/// A subscription to some topics; dropping it unsubscribes.
pub struct Subscription<E> {
    id: u64,
    topics: Vec<Topic>,
    inbox: Arc<Inbox<E>>,
    local: Weak<Local<E>>,
}

impl<E> Subscription<E> {
    /// The next event, or how many were lost just before it; `None` once the
    /// bus is gone (every clone dropped). Cancel-safe: usable in
    /// `tokio::select!` without losing events.
    pub async fn recv(&mut self) -> Option<Received<E>> {
        loop {
            {
                let mut queue = self.inbox.lock();
                if let Some(received) = queue.take() {
                    return Some(received);
                }
                if queue.closed {
                    return None;
                }
            }
            // A push between the check and this wait leaves a permit behind.
            self.inbox.ready.notified().await;
        }
    }

    /// What [`recv`](Self::recv) would return now, without waiting; `None` if
    /// nothing waits.
    pub fn try_recv(&mut self) -> Option<Received<E>> {
        self.inbox.lock().take()
    }

    /// The topics subscribed to (sorted, without repeats).
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }
}

impl<E> std::fmt::Debug for Subscription<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("topics", &self.topics)
            .finish_non_exhaustive()
    }
}

impl<E> Drop for Subscription<E> {
    fn drop(&mut self) {
        if let Some(local) = self.local.upgrade() {
            local.unsubscribe(self.id, &self.topics);
        }
    }
}
