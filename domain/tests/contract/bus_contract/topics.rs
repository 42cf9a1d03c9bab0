//! Topics written as strings and read back; other strings are no topic.

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
