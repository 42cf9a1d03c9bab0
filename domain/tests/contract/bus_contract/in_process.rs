//! The bus in process: topics, order, unsubscribing, slow subscribers,
//! cancel safety and the bus's end.

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
