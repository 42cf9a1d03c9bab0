//! The Redis transport: one connection publishes (a connection manager that
//! reconnects by itself), one pattern subscription receives every channel of
//! the platform's prefix and hands events to this instance's subscribers. When
//! the subscription drops (Redis restarted), it is re-established with
//! back-off. Nothing about an event's content is logged.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use redis::AsyncCommands;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use super::{Local, Topic};
use crate::error::DomainError;

/// Publishes waiting for Redis; beyond this, publishes are dropped.
const OUTBOX: usize = 65_536;
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The sending side, shared by every clone of the bus.
#[derive(Clone)]
pub(super) struct Outbox {
    queue: mpsc::Sender<(String, Vec<u8>)>,
    prefix: Arc<str>,
    dropped: Arc<AtomicU64>,
}

impl Outbox {
    /// Queues `event` for Redis; false if it had to be dropped.
    pub(super) fn send<E: Serialize>(&self, topic: Topic, event: &E) -> bool {
        let Ok(payload) = serde_json::to_vec(event) else {
            return false;
        };
        self.queue
            .try_send((format!("{}:{topic}", self.prefix), payload))
            .is_ok()
    }

    /// Publishes Redis refused (while unreachable).
    pub(super) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

fn redis_error(err: redis::RedisError) -> DomainError {
    DomainError::internal(err)
}

/// Connects, subscribes, and starts the two tasks.
pub(super) async fn start<E>(
    url: &str,
    prefix: &str,
    local: Arc<Local<E>>,
) -> Result<Outbox, DomainError>
where
    E: DeserializeOwned + Send + Sync + 'static,
{
    let client = redis::Client::open(url).map_err(redis_error)?;
    let publisher = redis::aio::ConnectionManager::new(client.clone())
        .await
        .map_err(redis_error)?;
    let pattern = format!("{prefix}:*");
    let pubsub = subscribe(&client, &pattern).await.map_err(redis_error)?;
    let dropped = Arc::new(AtomicU64::new(0));
    let (queue, outgoing) = mpsc::channel(OUTBOX);
    tokio::spawn(publish_loop(publisher, outgoing, dropped.clone()));
    tokio::spawn(receive_loop(
        client,
        pubsub,
        pattern,
        prefix.to_owned(),
        local,
    ));
    Ok(Outbox {
        queue,
        prefix: prefix.into(),
        dropped,
    })
}

async fn subscribe(
    client: &redis::Client,
    pattern: &str,
) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.psubscribe(pattern).await?;
    Ok(pubsub)
}

async fn publish_loop(
    mut conn: redis::aio::ConnectionManager,
    mut outgoing: mpsc::Receiver<(String, Vec<u8>)>,
    dropped: Arc<AtomicU64>,
) {
    while let Some((channel, payload)) = outgoing.recv().await {
        let sent: redis::RedisResult<()> = conn.publish(&channel, payload).await;
        if let Err(err) = sent {
            // The manager reconnects on its own; this event is lost.
            dropped.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %err, "event not published to Redis");
        }
    }
}

async fn receive_loop<E>(
    client: redis::Client,
    mut pubsub: redis::aio::PubSub,
    pattern: String,
    prefix: String,
    local: Arc<Local<E>>,
) where
    E: DeserializeOwned + Send + Sync + 'static,
{
    let strip = format!("{prefix}:");
    loop {
        {
            let mut messages = pubsub.on_message();
            while let Some(message) = messages.next().await {
                let channel = message.get_channel_name();
                let Some(topic) = channel
                    .strip_prefix(&strip)
                    .and_then(|t| t.parse::<Topic>().ok())
                else {
                    continue;
                };
                match serde_json::from_slice::<E>(message.get_payload_bytes()) {
                    Ok(event) => local.deliver(topic, Arc::new(event)),
                    Err(_) => tracing::warn!(%topic, "unreadable event on the bus"),
                }
            }
        }
        tracing::warn!("lost the Redis subscription; reconnecting");
        let mut backoff = Duration::from_millis(100);
        pubsub = loop {
            tokio::time::sleep(backoff).await;
            match subscribe(&client, &pattern).await {
                Ok(fresh) => {
                    tracing::info!("Redis subscription restored");
                    break fresh;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "Redis still unreachable");
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        };
    }
}
