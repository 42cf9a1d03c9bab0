//! Scheduling: doctors' weekly availability, exceptions that block it, booking
//! rules, and the free slots they leave.
//!
//! Availability is wall-clock time in the doctor's IANA time zone; slots are
//! instants (UTC). [`slots::expand`] turns the first into the second, correctly on
//! the days clocks change.

pub mod appointments;
pub mod forms;
pub mod openings;
pub mod slots;
pub mod waitlist;

use jiff::civil::{Time, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// How a consultation takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationType {
    /// At the doctor's practice (`presentiel`).
    #[serde(alias = "presentiel")]
    InPerson,
    /// By video or phone (`distanciel`).
    #[serde(alias = "distanciel")]
    Remote,
    /// Either, the patient chooses.
    Both,
}

impl ConsultationType {
    /// Stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::Remote => "remote",
            Self::Both => "both",
        }
    }

    /// Parses the stored or wire value (the seed's French names too).
    pub fn parse(field: &'static str, raw: &str) -> DomainResult<Self> {
        match raw.trim() {
            "in_person" | "presentiel" => Ok(Self::InPerson),
            "remote" | "distanciel" => Ok(Self::Remote),
            "both" => Ok(Self::Both),
            _ => Err(DomainError::invalid(
                field,
                "invalid_consultation_type",
                "consultation type must be in_person, remote or both",
            )),
        }
    }

    /// Whether a slot offered as `self` can host a consultation of `wanted`.
    pub fn offers(self, wanted: Self) -> bool {
        self == Self::Both || wanted == Self::Both || self == wanted
    }
}

/// One recurring weekly range of availability, in the doctor's time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyRange {
    pub id: i64,
    pub weekday: Weekday,
    pub start: Time,
    pub end: Time,
    pub consultation_type: ConsultationType,
    /// Length of one consultation.
    pub duration_minutes: i32,
    /// Patients per slot.
    pub capacity: i32,
    pub location: Option<String>,
    pub active: bool,
}

impl WeeklyRange {
    /// Checks the range's own rules: 15 minutes to 8 hours per consultation, a
    /// capacity of 1 to 50, an end after the start that fits one consultation.
    pub fn validate(&self) -> DomainResult<()> {
        if !(15..=480).contains(&self.duration_minutes) {
            return Err(DomainError::invalid(
                "duration_minutes",
                "invalid_duration",
                "a consultation lasts 15 minutes to 8 hours",
            ));
        }
        if !(1..=50).contains(&self.capacity) {
            return Err(DomainError::invalid(
                "max_consultations",
                "invalid_capacity",
                "capacity must be 1 to 50",
            ));
        }
        if self.end <= self.start {
            return Err(DomainError::invalid(
                "end_time",
                "end_before_start",
                "the end must come after the start",
            ));
        }
        if self.start.duration_until(self.end).as_mins() < i64::from(self.duration_minutes) {
            return Err(DomainError::invalid(
                "end_time",
                "range_too_short",
                "the range is shorter than one consultation",
            ));
        }
        Ok(())
    }
}

/// Why a doctor is away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    Vacation,
    #[serde(alias = "formation")]
    Training,
    Emergency,
    Busy,
    Unavailable,
}

impl ExceptionKind {
    /// Stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vacation => "vacation",
            Self::Training => "training",
            Self::Emergency => "emergency",
            Self::Busy => "busy",
            Self::Unavailable => "unavailable",
        }
    }

    /// Parses the stored or wire value.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        match raw.trim() {
            "vacation" => Ok(Self::Vacation),
            "training" | "formation" => Ok(Self::Training),
            "emergency" => Ok(Self::Emergency),
            "busy" => Ok(Self::Busy),
            "unavailable" => Ok(Self::Unavailable),
            _ => Err(DomainError::invalid(
                "exception_type",
                "invalid_exception_type",
                "exception type must be vacation, training, emergency, busy or unavailable",
            )),
        }
    }
}

/// A period that blocks availability: once, or every week from its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub id: i64,
    pub starts_at: jiff::Timestamp,
    pub ends_at: jiff::Timestamp,
    pub kind: ExceptionKind,
    pub recurring_weekly: bool,
}
