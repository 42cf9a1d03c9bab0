//! The event bus's contract, in process and over a real Redis.
//!
//! In process: a subscriber gets the events of its topics only, in order, each
//! once; dropping a subscription unsubscribes it and frees its topics; a slow
//! subscriber loses its oldest events and is told how many; the bus's end ends
//! every subscription.
//!
//! Redis (`REDIS_URL`, default `redis://127.0.0.1:6379`; those tests are
//! skipped, saying so, when it is unreachable): two buses on one prefix stand
//! for two instances of one platform, and an event published on either
//! reaches the subscribers of both exactly once, while another platform on
//! the same Redis (its prefix full of pattern characters) sees nothing of it.
//! Topics are written `patient:12` and read back. When an instance's subscription or its
//! publishing connection is cut (`CLIENT KILL` aimed at a user created for the
//! test, so nobody else's connection is touched), delivery resumes by itself
//! and every event published meanwhile is either delivered or counted as
//! dropped.
#![cfg(feature = "server")]
// A test fails loudly on what it does not expect.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use domain::bus::{BusStats, DEFAULT_QUEUE, EventBus, Received, Topic};
use support::{Note, expect_event, expect_quiet, next, note, redis_url};

mod in_process {
    use super::*;

    #[tokio::test]
    async fn a_subscriber_gets_the_events_of_its_topics_only_in_order() {
        let bus = EventBus::<Note>::in_process();
        let mut both = bus.subscribe(&[Topic::Patient(1), Topic::Ward(2), Topic::Patient(1)]);
        let mut one = bus.subscribe(&[Topic::Patient(3)]);
        let mut alerts = bus.subscribe(&[Topic::Alerts]);
        assert_eq!(both.topics(), &[Topic::Patient(1), Topic::Ward(2)]);

        let plan = [
            (Topic::Patient(1), 1),
            (Topic::Patient(3), 2),
            (Topic::Ward(2), 3),
            (Topic::User(1), 4),
            (Topic::Patient(2), 5),
            (Topic::Patient(1), 6),
            (Topic::Alerts, 7),
            (Topic::Ward(2), 8),
        ];
        for (topic, n) in plan {
            bus.publish(topic, note(n));
        }

        for (topic, n) in [
            (Topic::Patient(1), 1),
            (Topic::Ward(2), 3),
            (Topic::Patient(1), 6),
            (Topic::Ward(2), 8),
        ] {
            expect_event(&mut both, topic, n).await;
        }
        expect_event(&mut one, Topic::Patient(3), 2).await;
        expect_event(&mut alerts, Topic::Alerts, 7).await;
        for sub in [&mut both, &mut one, &mut alerts] {
            assert!(sub.try_recv().is_none(), "nothing else arrives");
        }
        let stats = bus.stats();
        assert_eq!((stats.published, stats.delivered), (8, 6));
        assert_eq!((stats.missed, stats.dropped), (0, 0));
    }

    #[tokio::test]
    async fn recv_waits_for_the_next_event() {
        let bus = EventBus::<Note>::in_process();
        let mut sub = bus.subscribe(&[Topic::Conversation(4)]);
        let publisher = bus.clone();
        let later = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            publisher.publish(Topic::Conversation(4), note(1));
        });
        expect_event(&mut sub, Topic::Conversation(4), 1).await;
        later.await.unwrap();
    }

    #[tokio::test]
    async fn dropping_subscriptions_unsubscribes_and_frees_their_topics() {
        let bus = EventBus::<Note>::in_process();
        let mut many: Vec<_> = (0..5_000)
            .map(|i| bus.subscribe(&[Topic::Patient(i), Topic::Alerts]))
            .collect();
        let mut last = bus.subscribe(&[Topic::Alerts, Topic::Device(9)]);
        assert_eq!(bus.topic_count(), 5_002);
        assert_eq!(bus.stats().subscribers, 5_001);

        for i in 0..5_000 {
            bus.publish(Topic::Patient(i), note(i as u64));
        }
        for (i, sub) in many.iter_mut().enumerate() {
            expect_event(sub, Topic::Patient(i as i64), i as u64).await;
            assert!(sub.try_recv().is_none());
        }

        many.truncate(10);
        assert_eq!(bus.topic_count(), 10 + 2);
        drop(many);
        let stats = bus.stats();
        assert_eq!((stats.topics, stats.subscribers), (2, 1));

        let before = bus.stats().delivered;
        bus.publish(Topic::Patient(3), note(1));
        bus.publish(Topic::Alerts, note(2));
        assert_eq!(bus.stats().delivered, before + 1, "only the last one hears");
        expect_event(&mut last, Topic::Alerts, 2).await;

        drop(last);
        let stats = bus.stats();
        assert_eq!((stats.topics, stats.subscribers), (0, 0));
        assert_eq!(bus.topic_count(), 0);
    }

    #[tokio::test]
    async fn a_slow_subscriber_loses_the_oldest_events_and_is_told_how_many() {
        let bus = EventBus::<Note>::in_process();
        let mut slow = bus.subscribe_bounded(&[Topic::Ward(1)], 4);
        let mut default = bus.subscribe(&[Topic::Ward(1)]);
        let mut fast = bus.subscribe_bounded(&[Topic::Ward(1)], 1_000);
        let total = DEFAULT_QUEUE as u64 + 10;
        for n in 0..total {
            bus.publish(Topic::Ward(1), note(n));
        }

        assert!(matches!(slow.recv().await, Some(Received::Missed(n)) if n == total - 4));
        for n in total - 4..total {
            expect_event(&mut slow, Topic::Ward(1), n).await;
        }
        assert!(matches!(default.recv().await, Some(Received::Missed(10))));
        expect_event(&mut default, Topic::Ward(1), 10).await;
        for n in 0..total {
            expect_event(&mut fast, Topic::Ward(1), n).await;
        }
        assert_eq!(bus.stats().missed, (total - 4) + 10);

        // Caught up: nothing more is reported lost.
        bus.publish(Topic::Ward(1), note(total));
        expect_event(&mut slow, Topic::Ward(1), total).await;
        assert!(slow.try_recv().is_none());
    }

    #[tokio::test]
    async fn recv_is_cancel_safe() {
        let bus = EventBus::<Note>::in_process();
        let mut sub = bus.subscribe(&[Topic::User(1)]);
        let publisher = bus.clone();
        let feed = tokio::spawn(async move {
            for n in 0..200 {
                publisher.publish(Topic::User(1), note(n));
                tokio::task::yield_now().await;
            }
        });
        let mut seen = Vec::new();
        while seen.len() < 200 {
            tokio::select! {
                got = sub.recv() => match got {
                    Some(Received::Event(e)) => seen.push(e.n),
                    other => panic!("unexpected {other:?}"),
                },
                () = tokio::task::yield_now() => {}
            }
        }
        feed.await.unwrap();
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn subscriptions_end_when_the_bus_is_gone() {
        let bus = EventBus::<Note>::in_process();
        let mut sub = bus.subscribe(&[Topic::Patient(1)]);
        bus.publish(Topic::Patient(1), note(1));
        drop(bus);
        expect_event(&mut sub, Topic::Patient(1), 1).await;
        assert!(sub.recv().await.is_none());
    }
}

mod topics {
    use domain::bus::{Topic, TopicError};

    #[test]
    fn topics_are_written_and_read_back() {
        for (topic, name) in [
            (Topic::Patient(12), "patient:12"),
            (Topic::User(1), "user:1"),
            (Topic::Ward(3), "ward:3"),
            (Topic::Device(-4), "device:-4"),
            (
                Topic::Conversation(i64::MAX),
                "conversation:9223372036854775807",
            ),
            (Topic::Alerts, "alerts"),
        ] {
            assert_eq!(topic.to_string(), name);
            assert_eq!(name.parse::<Topic>(), Ok(topic));
        }
    }

    #[test]
    fn other_strings_are_no_topic() {
        for raw in [
            "",
            "patient",
            "patient:",
            "patient:x",
            "patient:+1",
            "patient: 1",
            "room:1",
            "Patient:1",
            "alerts:1",
            "user:1:2",
            "ward:99999999999999999999",
        ] {
            assert_eq!(raw.parse::<Topic>(), Err(TopicError), "{raw:?}");
        }
    }
}

mod redis {
    use super::support::{AclUser, kill, unique};
    use super::*;

    /// Publishes a sentinel on `bus` and returns every note each subscription
    /// got before it: Redis forwards in the order it received publishes, so a
    /// duplicate of anything earlier would come first.
    async fn until_sentinel(
        bus: &EventBus<Note>,
        topic: Topic,
        subs: &mut [&mut domain::bus::Subscription<Note>],
    ) -> Vec<Vec<(Topic, u64)>> {
        const SENTINEL: u64 = u64::MAX;
        bus.publish(topic, note(SENTINEL));
        let mut all = Vec::new();
        for sub in subs.iter_mut() {
            let mut got = Vec::new();
            loop {
                let e = next(sub).await;
                if e.n == SENTINEL {
                    break;
                }
                got.push((e.topic, e.n));
            }
            all.push(got);
        }
        all
    }

    #[tokio::test]
    async fn an_event_reaches_the_subscribers_of_every_instance_exactly_once() {
        let Some(url) = redis_url().await else { return };
        let stem = unique("medplat-test");
        let prefix = format!("{stem}-a");
        let a = EventBus::<Note>::connect_redis(&url, &prefix)
            .await
            .unwrap();
        let b = EventBus::<Note>::connect_redis(&url, &prefix)
            .await
            .unwrap();
        // Another platform on the same Redis, whose prefix would match this
        // one's channels if it were read as a pattern.
        let other = EventBus::<Note>::connect_redis(&url, &format!("{stem}-[ab]*"))
            .await
            .unwrap();
        assert_eq!(a.transport(), "redis");
        let p1 = Topic::Patient(1);
        let mut on_a = a.subscribe(&[p1]);
        let mut on_b = b.subscribe(&[p1]);
        let mut on_b_too = b.subscribe(&[p1, Topic::User(7)]);
        let mut elsewhere = other.subscribe(&[p1, Topic::User(7)]);

        a.publish(p1, note(1));
        a.publish(Topic::User(7), note(2));
        a.publish(Topic::Patient(2), note(3));
        expect_event(&mut on_b_too, p1, 1).await;
        expect_event(&mut on_b_too, Topic::User(7), 2).await;
        b.publish(p1, note(4));
        other.publish(p1, note(9));
        let got = until_sentinel(&other, p1, &mut [&mut elsewhere]).await;
        assert_eq!(got[0], [(p1, 9)], "the other platform hears only itself");

        let got = until_sentinel(&a, p1, &mut [&mut on_a, &mut on_b, &mut on_b_too]).await;
        assert_eq!(got[0], [(p1, 1), (p1, 4)], "instance a, publisher included");
        assert_eq!(got[1], [(p1, 1), (p1, 4)], "instance b");
        assert_eq!(got[2], [(p1, 4)], "instance b, second subscriber");
        for sub in [&mut on_a, &mut on_b, &mut on_b_too, &mut elsewhere] {
            expect_quiet(sub).await;
        }

        assert_eq!(a.stats().published, 4);
        assert_eq!(b.stats().published, 1);
        let BusStats {
            dropped,
            missed,
            unreadable,
            reconnects,
            ..
        } = a.stats();
        assert_eq!((dropped, missed, unreadable, reconnects), (0, 0, 0, 0));
        // On a: two events reach on_a, plus the sentinel.
        assert_eq!(a.stats().delivered, 3);
        // On b: events 1 and 4 and the sentinel reach two subscribers, event 2 one.
        assert_eq!(b.stats().delivered, 7);

        // The last clone of a bus stops its transport and ends its subscriptions.
        drop(b);
        let end = tokio::time::timeout(Duration::from_secs(5), on_b.recv()).await;
        assert!(matches!(end, Ok(None)), "subscription ends with its bus");
    }

    #[tokio::test]
    async fn delivery_resumes_after_the_links_to_redis_are_cut() {
        let Some(url) = redis_url().await else { return };
        let Some(user_a) = AclUser::create(&url).await else {
            return;
        };
        let Some(user_b) = AclUser::create(&url).await else {
            return;
        };
        let prefix = unique("medplat-test");
        let a = EventBus::<Note>::connect_redis(&user_a.url, &prefix)
            .await
            .unwrap();
        let b = EventBus::<Note>::connect_redis(&user_b.url, &prefix)
            .await
            .unwrap();
        let topic = Topic::Device(5);
        let mut on_a = a.subscribe(&[topic]);
        let mut on_b = b.subscribe(&[topic]);

        // 1. Instance b's subscription is cut; a's is not.
        assert_eq!(kill(&url, &user_b, "pubsub").await, 1);
        let mut probes = Vec::new();
        let resumed = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let n = 1_000 + probes.len() as u64;
            a.publish(topic, note(n));
            probes.push(n);
            match tokio::time::timeout(Duration::from_millis(100), on_b.recv()).await {
                Ok(Some(Received::Event(e))) if e.n >= 1_000 => break,
                Ok(other) => panic!("unexpected {other:?}"),
                Err(_) => assert!(
                    tokio::time::Instant::now() < resumed,
                    "b never resubscribed"
                ),
            }
        }
        a.publish(topic, note(1));
        let got = until_sentinel(&b, topic, &mut [&mut on_a, &mut on_b]).await;
        let mut all: Vec<_> = probes.iter().map(|n| (topic, *n)).collect();
        all.push((topic, 1));
        assert_eq!(got[0], all, "a's subscription was never cut");
        let after: Vec<_> = got[1].iter().filter(|(_, n)| *n < 1_000).collect();
        assert_eq!(after, [&(topic, 1)], "b gets what follows exactly once");
        assert_eq!((a.stats().reconnects, b.stats().reconnects), (0, 1));

        // 2. Instance a's publishing connection is cut: what it publishes
        // meanwhile is delivered or counted as dropped, never both, never lost
        // silently.
        let dropped_before = a.stats().dropped;
        assert_eq!(kill(&url, &user_a, "normal").await, 1);
        let mut sent = 0;
        let mut delivered = 0;
        let resumed = tokio::time::Instant::now() + Duration::from_secs(20);
        while delivered == 0 {
            a.publish(topic, note(2_000 + sent));
            sent += 1;
            while let Ok(got) = tokio::time::timeout(Duration::from_millis(100), on_a.recv()).await
            {
                assert!(matches!(got, Some(Received::Event(_))));
                delivered += 1;
            }
            assert!(
                tokio::time::Instant::now() < resumed,
                "a never published again"
            );
        }
        let got = until_sentinel(&a, topic, &mut [&mut on_a, &mut on_b]).await;
        delivered += got[0].len() as u64;
        let dropped = a.stats().dropped - dropped_before;
        assert_eq!(
            delivered + dropped,
            sent,
            "sent {sent}: delivered {delivered}, dropped {dropped}"
        );
        assert_eq!(got[1].len() as u64, delivered, "b got what a got");
        assert_eq!(b.stats().dropped, 0);
    }

    #[tokio::test]
    async fn redis_unreachable_at_start_is_an_error() {
        let refused = EventBus::<Note>::connect_redis("redis://127.0.0.1:1", "medplat-test").await;
        assert!(refused.is_err());
    }
}

/// Test events and helpers.
mod support {
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
}
