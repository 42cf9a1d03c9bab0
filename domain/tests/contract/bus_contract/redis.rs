//! Two instances over a real Redis: each event delivered once to the
//! subscribers of both, another prefix hearing nothing, and delivery resuming
//! after the links are cut.

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
        while let Ok(got) = tokio::time::timeout(Duration::from_millis(100), on_a.recv()).await {
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
