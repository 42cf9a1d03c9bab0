//! The waitlist: patients waiting for a place with a doctor on a given day.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// Where a waitlist entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitStatus {
    /// In the queue.
    Waiting,
    /// A freed place is held for this patient.
    Offered,
    /// The patient took the offered place.
    Booked,
    /// The offer ran out before the patient took it.
    Expired,
    /// The patient turned the offer down.
    Declined,
    /// The patient left the queue.
    Left,
}

impl WaitStatus {
    /// Stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Offered => "offered",
            Self::Booked => "booked",
            Self::Expired => "expired",
            Self::Declined => "declined",
            Self::Left => "left",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        Ok(match raw {
            "waiting" => Self::Waiting,
            "offered" => Self::Offered,
            "booked" => Self::Booked,
            "expired" => Self::Expired,
            "declined" => Self::Declined,
            "left" => Self::Left,
            _ => return Err(DomainError::internal("unknown waitlist status")),
        })
    }

    /// Still in the queue or holding an offer.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Waiting | Self::Offered)
    }
}
