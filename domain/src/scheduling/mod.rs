//! Scheduling: doctors' weekly availability, exceptions that block it, booking
//! rules, and the free slots they leave.
//!
//! Availability is wall-clock time in the doctor's IANA time zone; slots are
//! instants (UTC). [`slots::expand`] turns the first into the second, correctly on
//! the days clocks change.

pub mod appointments;
pub mod forms;
pub mod openings;
pub mod places;
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
        if self
            .location
            .as_ref()
            .is_some_and(|l| l.chars().count() > 200)
        {
            return Err(DomainError::invalid(
                "location",
                "too_long",
                "at most 200 characters",
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

    /// Whether two ranges share a moment of the week: the same weekday and
    /// overlapping times (a range never crosses midnight: it ends after it
    /// starts, on its own day).
    pub fn overlaps(&self, other: &WeeklyRange) -> bool {
        self.weekday == other.weekday && self.start < other.end && other.start < self.end
    }

    /// The range as people read it: `Monday 09:00–10:00`.
    pub fn label(&self) -> String {
        format!(
            "{} {:02}:{:02}–{:02}:{:02}",
            weekday_name(self.weekday),
            self.start.hour(),
            self.start.minute(),
            self.end.hour(),
            self.end.minute()
        )
    }
}

/// The English name of a weekday.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// Refuses an active `range` that overlaps another active range of the same
/// doctor (`existing` may hold `range` itself, by id: it is skipped). A doctor
/// sees one patient at a time, so their weekly ranges never overlap; inactive
/// ones do not count until they are switched back on.
pub fn check_no_overlap(range: &WeeklyRange, existing: &[WeeklyRange]) -> DomainResult<()> {
    if !range.active {
        return Ok(());
    }
    match existing
        .iter()
        .filter(|other| other.active && other.id != range.id)
        .find(|other| range.overlaps(other))
    {
        Some(other) => Err(DomainError::Conflict {
            field: Some("start_time"),
            code: "availability_overlap",
            message: format!("this range overlaps {}", other.label()),
        }),
        None => Ok(()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    fn monday(from: (i8, i8), to: (i8, i8), id: i64) -> WeeklyRange {
        WeeklyRange {
            id,
            weekday: Weekday::Monday,
            start: time(from.0, from.1, 0, 0),
            end: time(to.0, to.1, 0, 0),
            consultation_type: ConsultationType::Both,
            duration_minutes: 30,
            capacity: 1,
            location: None,
            active: true,
        }
    }

    #[test]
    fn active_ranges_of_one_weekday_may_not_overlap() {
        let existing = [monday((9, 0), (10, 0), 1)];
        let clash = check_no_overlap(&monday((9, 15), (10, 15), 0), &existing);
        match clash {
            Err(DomainError::Conflict {
                code,
                message,
                field,
            }) => {
                assert_eq!((code, field), ("availability_overlap", Some("start_time")));
                assert!(message.contains("Monday 09:00–10:00"), "{message}");
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert!(check_no_overlap(&monday((9, 0), (10, 0), 0), &existing).is_err());
        // Touching ranges, another day, the range itself, inactive ones: fine.
        assert!(check_no_overlap(&monday((10, 0), (11, 0), 0), &existing).is_ok());
        let tuesday = WeeklyRange {
            weekday: Weekday::Tuesday,
            ..monday((9, 0), (10, 0), 0)
        };
        assert!(check_no_overlap(&tuesday, &existing).is_ok());
        assert!(check_no_overlap(&monday((9, 0), (9, 30), 1), &existing).is_ok());
        let off = WeeklyRange {
            active: false,
            ..monday((9, 0), (10, 0), 2)
        };
        assert!(check_no_overlap(&off, &existing).is_ok());
        assert!(check_no_overlap(&monday((9, 0), (10, 0), 0), &[off]).is_ok());
    }

    #[test]
    fn a_range_never_crosses_midnight() {
        let late = monday((23, 0), (0, 0), 0);
        assert_eq!(
            late.validate().err().map(|e| e.code()),
            Some("end_before_start")
        );
        assert!("24:00".parse::<Time>().is_err());
    }
}
