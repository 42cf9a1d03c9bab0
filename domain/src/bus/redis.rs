//! The Redis transport. Two background tasks per bus:
//! - the sender takes events from a bounded outbox and publishes them on
//!   `<prefix>:<topic>` as JSON, in order, several per round trip, through a
//!   connection manager that reconnects by itself;
//! - the receiver holds one pattern subscription (`PSUBSCRIBE <prefix>:*`),
//!   hands what arrives to this instance's subscribers, pings Redis to notice
//!   a dead link, and subscribes again with back-off when it is lost.
//!
//! Both connections call themselves `medplat-bus:<prefix>` (the library name
//! `CLIENT LIST` shows from Redis 7.2 on), so an operator can tell them apart. Logs carry topics and
//! errors, never an event's content. Both tasks end when the bus is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use redis::IntoConnectionInfo;
use redis::aio::{ConnectionManager, ConnectionManagerConfig, PubSub};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{MissedTickBehavior, sleep, timeout};

use super::Topic;
use super::local::{Counters, Local};
use crate::error::DomainError;

/// Events waiting for Redis; beyond this, publishes are dropped.
const OUTBOX: usize = 65_536;
/// Events sent in one round trip at most.
const BATCH: usize = 256;
/// How long one connection attempt or one reply may take.
const TIMEOUT: Duration = Duration::from_secs(3);
/// How often the receiver checks that its link is alive.
const PING_EVERY: Duration = Duration::from_secs(10);
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// One event on its way to Redis.
struct Outgoing {
    channel: String,
    payload: Vec<u8>,
}

/// The bus's end of the transport; dropping it stops both tasks.
pub(super) struct Transport {
    outbox: mpsc::Sender<Outgoing>,
    prefix: Arc<str>,
    /// Refusals so far (outbox full, unserialisable): logs are sparse.
    refused: AtomicU64,
    counters: Arc<Counters>,
    /// For readiness checks.
    client: redis::Client,
    _stop: oneshot::Sender<()>,
}

impl Transport {
    /// Connects both links, subscribes, and starts the tasks.
    pub(super) async fn connect<E>(
        url: &str,
        prefix: &str,
        local: Arc<Local<E>>,
    ) -> Result<Self, DomainError>
    where
        E: DeserializeOwned + Send + Sync + 'static,
    {
        let info = url.into_connection_info().map_err(DomainError::internal)?;
        let tag = connection_tag(prefix);
        let settings = info
            .redis_settings()
            .clone()
            .set_lib_name(&tag, env!("CARGO_PKG_VERSION"));
        let client = redis::Client::open(info.set_redis_settings(settings))
            .map_err(DomainError::internal)?;
        // Subscribing first fails fast (one attempt) when Redis is down at start.
        let pattern = format!("{}:*", glob_escape(prefix));
        let pubsub = timeout(TIMEOUT, subscribe(&client, &pattern))
            .await
            .map_err(DomainError::internal)?
            .map_err(DomainError::internal)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_max_delay(MAX_BACKOFF);
        let publisher = ConnectionManager::new_with_config(client.clone(), config)
            .await
            .map_err(DomainError::internal)?;
        let (outbox, outgoing) = mpsc::channel(OUTBOX);
        let (stop, stopped) = oneshot::channel();
        let counters = local.counters.clone();
        tokio::spawn(send_loop(publisher, outgoing, counters.clone()));
        let listener = Listener {
            client: client.clone(),
            pattern,
            strip: format!("{prefix}:"),
            local,
        };
        tokio::spawn(listener.run(pubsub, stopped));
        tracing::info!(prefix, "event bus on Redis");
        Ok(Self {
            outbox,
            prefix: prefix.into(),
            refused: AtomicU64::new(0),
            counters,
            client,
            _stop: stop,
        })
    }

    /// Whether Redis answers a PING now (within the transport's timeout).
    pub(super) async fn ping(&self) -> Result<(), DomainError> {
        let ping = async {
            let mut conn = self.client.get_multiplexed_async_connection().await?;
            redis::cmd("PING").query_async::<String>(&mut conn).await
        };
        timeout(TIMEOUT, ping)
            .await
            .map_err(DomainError::internal)?
            .map(drop)
            .map_err(DomainError::internal)
    }

    /// Queues `event` for Redis without waiting; counts it dropped if the
    /// outbox is full (Redis down or too slow) or it will not serialise.
    pub(super) fn send<E: Serialize>(&self, topic: Topic, event: &E) {
        let refusal = match serde_json::to_vec(event) {
            Err(_) => "event not serialisable",
            Ok(payload) => {
                let channel = format!("{}:{topic}", self.prefix);
                match self.outbox.try_send(Outgoing { channel, payload }) {
                    Ok(()) => return,
                    Err(_) => "outbox full: Redis unreachable or too slow",
                }
            }
        };
        self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        let refused = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        // 1st, 2nd, 4th, 8th… refusal: a flood of publishes is not a flood of logs.
        if refused.is_power_of_two() {
            tracing::warn!(%topic, refused, "event dropped: {refusal}");
        }
    }
}

/// The library name both connections announce.
fn connection_tag(prefix: &str) -> String {
    let printable: String = prefix
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .collect();
    format!("medplat-bus:{printable}")
}

/// `prefix` with glob characters escaped, so the pattern matches it literally.
fn glob_escape(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len());
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

async fn subscribe(client: &redis::Client, pattern: &str) -> redis::RedisResult<PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.psubscribe(pattern).await?;
    Ok(pubsub)
}

/// Publishes what the outbox holds, in order, until the bus is dropped.
async fn send_loop(
    mut conn: ConnectionManager,
    mut outgoing: mpsc::Receiver<Outgoing>,
    counters: Arc<Counters>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut failing = false;
    while outgoing.recv_many(&mut batch, BATCH).await > 0 {
        let mut pipe = redis::pipe();
        for event in &batch {
            pipe.cmd("PUBLISH")
                .arg(&event.channel)
                .arg(event.payload.as_slice())
                .ignore();
        }
        let sent: redis::RedisResult<()> = pipe.query_async(&mut conn).await;
        match sent {
            Ok(()) if failing => {
                failing = false;
                tracing::info!("publishing to Redis again");
            }
            Ok(()) => {}
            Err(err) => {
                // The manager reconnects on its own; these events are lost
                // (rarely, a batch cut short was partly published).
                counters
                    .dropped
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                if !failing {
                    failing = true;
                    tracing::warn!(error = %err, "events not published to Redis; dropping until it answers");
                }
            }
        }
        batch.clear();
    }
}

/// The subscribing side.
struct Listener<E> {
    client: redis::Client,
    pattern: String,
    strip: String,
    local: Arc<Local<E>>,
}

impl<E> Listener<E>
where
    E: DeserializeOwned + Send + Sync + 'static,
{
    /// Delivers until the bus is dropped, subscribing again whenever the link
    /// is lost.
    async fn run(self, mut pubsub: PubSub, mut stopped: oneshot::Receiver<()>) {
        loop {
            tokio::select! {
                _ = &mut stopped => return,
                () = self.listen(pubsub) => {}
            }
            tracing::warn!("lost the Redis subscription; subscribing again");
            let mut backoff = MIN_BACKOFF;
            let mut attempt: u32 = 0;
            pubsub = loop {
                tokio::select! {
                    _ = &mut stopped => return,
                    () = sleep(backoff) => {}
                }
                attempt += 1;
                match timeout(TIMEOUT, subscribe(&self.client, &self.pattern)).await {
                    Ok(Ok(fresh)) => break fresh,
                    Ok(Err(err)) => {
                        tracing::warn!(attempt, error = %err, "Redis still unreachable")
                    }
                    Err(_) => tracing::warn!(attempt, "Redis did not answer in time"),
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            };
            self.local
                .counters
                .reconnects
                .fetch_add(1, Ordering::Relaxed);
            tracing::info!(attempt, "Redis subscription restored");
        }
    }

    /// Hands every message to the local subscribers; returns when the link
    /// ends or stops answering pings.
    async fn listen(&self, pubsub: PubSub) {
        let (mut sink, mut stream) = pubsub.split();
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        ping.tick().await;
        loop {
            tokio::select! {
                message = stream.next() => match message {
                    Some(message) => self.handle(&message),
                    None => return,
                },
                _ = ping.tick() => {
                    let pong = timeout(TIMEOUT, sink.ping::<redis::Value>()).await;
                    if !matches!(pong, Ok(Ok(_))) {
                        return;
                    }
                }
            }
        }
    }

    fn handle(&self, message: &redis::Msg) {
        let channel = message.get_channel_name();
        let Some(topic) = channel
            .strip_prefix(&self.strip)
            .and_then(|t| t.parse::<Topic>().ok())
        else {
            return;
        };
        if !self.local.listens(topic) {
            return;
        }
        match serde_json::from_slice::<E>(message.get_payload_bytes()) {
            Ok(event) => self.local.deliver(topic, Arc::new(event)),
            Err(_) => {
                self.local
                    .counters
                    .unreadable
                    .fetch_add(1, Ordering::Relaxed);
                tracing::warn!(%topic, "unreadable event on the bus");
            }
        }
    }
}
