//! Test events and helpers: the event type, waiting for the next event or
//! for silence, unique names, Redis's address and users made for one test.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use domain::bus::{Envelope, Received, Subscription, Topic};
use serde::{Deserialize, Serialize};

/// A test event: its number says which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub n: u64,
}

pub fn note(n: u64) -> Note {
    Note { n }
}

/// The next event, failing the test on a loss report, the bus's end or
/// five seconds of silence.
pub async fn next(sub: &mut Subscription<Note>) -> Envelope<Note> {
    match tokio::time::timeout(Duration::from_secs(5), sub.recv()).await {
        Ok(Some(Received::Event(envelope))) => envelope,
        Ok(other) => panic!("expected an event, got {other:?}"),
        Err(_) => panic!("no event within 5 s"),
    }
}

pub async fn expect_event(sub: &mut Subscription<Note>, topic: Topic, n: u64) {
    let got = next(sub).await;
    assert_eq!((got.topic, got.n), (topic, n));
}

/// Nothing arrives for a while.
pub async fn expect_quiet(sub: &mut Subscription<Note>) {
    let got = tokio::time::timeout(Duration::from_millis(200), sub.recv()).await;
    assert!(got.is_err(), "unexpected {got:?}");
}

/// A name no other test or run uses.
pub fn unique(stem: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{stem}-{}-{nanos}-{n}", std::process::id())
}

/// Redis's address if it answers, else `None` after saying the test is
/// skipped.
pub async fn redis_url() -> Option<String> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let answer = async {
        let client = redis::Client::open(url.as_str())?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    match tokio::time::timeout(Duration::from_secs(3), answer).await {
        Ok(Ok(_)) => Some(url),
        Ok(Err(err)) => skip(&url, &err.to_string()),
        Err(_) => skip(&url, "no answer within 3 s"),
    }
}

fn skip(url: &str, why: &str) -> Option<String> {
    eprintln!("SKIPPED: Redis unreachable at {url} ({why}); set REDIS_URL to run this test");
    None
}

async fn admin(url: &str) -> redis::aio::MultiplexedConnection {
    let client = redis::Client::open(url).unwrap();
    client.get_multiplexed_async_connection().await.unwrap()
}

/// A Redis user made for one test, so that `CLIENT KILL USER` cuts the
/// connections of one bus and nobody else's. Deleted on drop.
pub struct AclUser {
    name: String,
    admin_url: String,
    /// `url` with this user's credentials.
    pub url: String,
}

impl AclUser {
    /// `None` (saying the test is skipped) where users cannot be made.
    pub async fn create(url: &str) -> Option<Self> {
        let Some(rest) = url.strip_prefix("redis://") else {
            eprintln!("SKIPPED: the reconnection test needs a redis:// URL");
            return None;
        };
        let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        let name = unique("medplat-bus-test");
        let made: redis::RedisResult<()> = redis::cmd("ACL")
            .arg(&["SETUSER", &name, "on", "nopass", "~*", "&*", "+@all"])
            .query_async(&mut admin(url).await)
            .await;
        if let Err(err) = made {
            eprintln!("SKIPPED: cannot create a Redis user to aim CLIENT KILL at: {err}");
            return None;
        }
        Some(Self {
            url: format!("redis://{name}:unused@{host}"),
            name,
            admin_url: url.to_owned(),
        })
    }
}

impl Drop for AclUser {
    fn drop(&mut self) {
        let deleted = redis::Client::open(self.admin_url.as_str())
            .and_then(|client| client.get_connection())
            .and_then(|mut conn| {
                redis::cmd("ACL")
                    .arg("DELUSER")
                    .arg(&self.name)
                    .query::<i64>(&mut conn)
            });
        if let Err(err) = deleted {
            eprintln!("could not delete Redis user {}: {err}", self.name);
        }
    }
}

/// Cuts `user`'s connections of `kind` (`pubsub`, `normal`); how many.
pub async fn kill(url: &str, user: &AclUser, kind: &str) -> i64 {
    redis::cmd("CLIENT")
        .arg(&["KILL", "USER", &user.name, "TYPE", kind])
        .query_async(&mut admin(url).await)
        .await
        .unwrap()
}
