//! What subscribers subscribe to.

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
        }
    }
}

impl FromStr for Topic {
    type Err = ();

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if raw == "alerts" {
            return Ok(Self::Alerts);
        }
        let (kind, id) = raw.split_once(':').ok_or(())?;
        let id: i64 = id.parse().map_err(|_| ())?;
        Ok(match kind {
            "patient" => Self::Patient(id),
            "user" => Self::User(id),
            "ward" => Self::Ward(id),
            "device" => Self::Device(id),
            "conversation" => Self::Conversation(id),
            _ => return Err(()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip() {
        for topic in [
            Topic::Patient(5),
            Topic::User(1),
            Topic::Ward(3),
            Topic::Device(12),
            Topic::Conversation(9),
            Topic::Alerts,
        ] {
            assert_eq!(topic.to_string().parse::<Topic>(), Ok(topic));
        }
        assert!("patient:x".parse::<Topic>().is_err());
        assert!("room:1".parse::<Topic>().is_err());
    }
}
