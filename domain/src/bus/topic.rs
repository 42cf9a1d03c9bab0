//! What subscribers subscribe to, and its name on the wire (`patient:12`).

use std::fmt;
use std::str::FromStr;

/// A stream of events about one thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// Everything about a patient's live data (readings, alerts).
    Patient(i64),
    /// What concerns one account (their sessions, relationships).
    User(i64),
    /// A ward's live board.
    Ward(i64),
    /// One device (commands, revocation).
    Device(i64),
    /// One conversation.
    Conversation(i64),
    /// Every alert (filtered per subscriber by the policy).
    Alerts,
    /// The platform itself (its settings changed).
    Platform,
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Patient(id) => write!(f, "patient:{id}"),
            Self::User(id) => write!(f, "user:{id}"),
            Self::Ward(id) => write!(f, "ward:{id}"),
            Self::Device(id) => write!(f, "device:{id}"),
            Self::Conversation(id) => write!(f, "conversation:{id}"),
            Self::Alerts => f.write_str("alerts"),
            Self::Platform => f.write_str("platform"),
        }
    }
}

/// A string that names no topic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a bus topic (expected e.g. `patient:12` or `alerts`)")]
pub struct TopicError;

impl FromStr for Topic {
    type Err = TopicError;

    /// Reads what [`Display`](fmt::Display) writes: `patient:12`, `alerts`…
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "alerts" => return Ok(Self::Alerts),
            "platform" => return Ok(Self::Platform),
            _ => {}
        }
        let (kind, id) = raw.split_once(':').ok_or(TopicError)?;
        // `i64::from_str` takes a leading `+`; only the canonical form is a topic.
        if id.starts_with('+') {
            return Err(TopicError);
        }
        let id: i64 = id.parse().map_err(|_| TopicError)?;
        Ok(match kind {
            "patient" => Self::Patient(id),
            "user" => Self::User(id),
            "ward" => Self::Ward(id),
            "device" => Self::Device(id),
            "conversation" => Self::Conversation(id),
            _ => return Err(TopicError),
        })
    }
}
