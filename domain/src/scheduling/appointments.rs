//! Appointments: their statuses, who may move them where, and the doctor's
//! booking rules.

use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::error::{DomainError, DomainResult};

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    /// Booked by the patient, awaiting the doctor.
    Pending,
    /// Accepted by the doctor.
    Confirmed,
    /// Refused by the doctor (with a message).
    Refused,
    /// Cancelled by the patient or the doctor.
    Cancelled,
    /// Took place.
    Completed,
    /// The patient did not come.
    NoShow,
}

impl AppointmentStatus {
    /// Stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Refused => "refused",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        Ok(match raw {
            "pending" => Self::Pending,
            "confirmed" => Self::Confirmed,
            "refused" => Self::Refused,
            "cancelled" => Self::Cancelled,
            "completed" => Self::Completed,
            "no_show" => Self::NoShow,
            _ => {
                return Err(DomainError::invalid(
                    "status",
                    "invalid_status",
                    "unknown appointment status",
                ));
            }
        })
    }

    /// Whether the appointment holds its place (counts against capacity).
    pub fn holds_place(self) -> bool {
        matches!(self, Self::Pending | Self::Confirmed)
    }
}

/// What someone does to an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Accept,
    Refuse,
    Cancel,
    Complete,
    MarkNoShow,
}

/// The status an action leads to, if `role` may take it from `current`.
///
/// Patients cancel; doctors accept, refuse, cancel, and after the start mark
/// completed or no-show. Finished appointments do not move.
pub fn transition(
    current: AppointmentStatus,
    action: Action,
    role: Role,
    started: bool,
) -> DomainResult<AppointmentStatus> {
    use AppointmentStatus::*;
    let next = match (action, role, current) {
        (Action::Cancel, Role::Patient | Role::Doctor | Role::Admin, Pending | Confirmed) => {
            Cancelled
        }
        (Action::Accept, Role::Doctor, Pending) => Confirmed,
        (Action::Refuse, Role::Doctor, Pending) => Refused,
        (Action::Complete, Role::Doctor, Confirmed) if started => Completed,
        (Action::MarkNoShow, Role::Doctor, Confirmed) if started => NoShow,
        (Action::Complete | Action::MarkNoShow, Role::Doctor, Confirmed) => {
            return Err(DomainError::Conflict {
                field: None,
                code: "not_started",
                message: "the consultation has not started yet".into(),
            });
        }
        (_, Role::Patient, _) if action != Action::Cancel => return Err(DomainError::Forbidden),
        _ => {
            return Err(DomainError::Conflict {
                field: Some("status"),
                code: "invalid_transition",
                message: format!(
                    "a {} appointment cannot be changed this way",
                    current.as_str()
                ),
            });
        }
    };
    Ok(next)
}

/// A doctor's booking rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRules {
    /// Minimum delay between booking and consultation.
    pub min_notice_minutes: i32,
    /// How far ahead patients may book.
    pub max_advance_days: i32,
    /// Free time kept between two consultations.
    pub buffer_minutes: i32,
    /// Patients may cancel or reschedule until this long before the start.
    pub cancel_cutoff_minutes: i32,
    /// How long a waitlist offer holds a freed place for its patient.
    pub waitlist_hold_minutes: i32,
}

impl Default for BookingRules {
    fn default() -> Self {
        Self {
            min_notice_minutes: 60,
            max_advance_days: 90,
            buffer_minutes: 0,
            cancel_cutoff_minutes: 1440,
            waitlist_hold_minutes: 60,
        }
    }
}

impl BookingRules {
    /// Checks the bounds: notice up to 30 days, advance 1 day to 2 years, buffer
    /// up to 2 hours, cut-off up to 7 days, waitlist hold 5 minutes to 2 days.
    pub fn validate(&self) -> DomainResult<()> {
        let check = |ok: bool, field: &'static str, message: &str| {
            if ok {
                Ok(())
            } else {
                Err(DomainError::invalid(field, "out_of_range", message))
            }
        };
        check(
            (0..=43_200).contains(&self.min_notice_minutes),
            "min_notice_minutes",
            "must be between 0 and 43200 minutes (30 days)",
        )?;
        check(
            (1..=730).contains(&self.max_advance_days),
            "max_advance_days",
            "must be between 1 and 730 days (2 years)",
        )?;
        check(
            (0..=120).contains(&self.buffer_minutes),
            "buffer_minutes",
            "must be between 0 and 120 minutes",
        )?;
        check(
            (0..=10_080).contains(&self.cancel_cutoff_minutes),
            "cancel_cutoff_minutes",
            "must be between 0 and 10080 minutes (7 days)",
        )?;
        check(
            (5..=2_880).contains(&self.waitlist_hold_minutes),
            "waitlist_hold_minutes",
            "must be between 5 and 2880 minutes (2 days)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AppointmentStatus::*;

    #[test]
    fn patients_only_cancel_and_doctors_decide() {
        assert_eq!(
            transition(Pending, Action::Cancel, Role::Patient, false).ok(),
            Some(Cancelled)
        );
        assert!(matches!(
            transition(Pending, Action::Accept, Role::Patient, false),
            Err(DomainError::Forbidden)
        ));
        assert_eq!(
            transition(Pending, Action::Accept, Role::Doctor, false).ok(),
            Some(Confirmed)
        );
        assert_eq!(
            transition(Pending, Action::Refuse, Role::Doctor, false).ok(),
            Some(Refused)
        );
        assert!(transition(Refused, Action::Accept, Role::Doctor, false).is_err());
        assert!(transition(Cancelled, Action::Cancel, Role::Patient, false).is_err());
    }

    #[test]
    fn outcomes_wait_for_the_start() {
        assert_eq!(
            transition(Confirmed, Action::Complete, Role::Doctor, false)
                .err()
                .map(|e| e.code()),
            Some("not_started")
        );
        assert_eq!(
            transition(Confirmed, Action::Complete, Role::Doctor, true).ok(),
            Some(Completed)
        );
        assert_eq!(
            transition(Confirmed, Action::MarkNoShow, Role::Doctor, true).ok(),
            Some(NoShow)
        );
        assert!(transition(Pending, Action::Complete, Role::Doctor, true).is_err());
    }

    #[test]
    fn rules_are_bounded() {
        assert!(BookingRules::default().validate().is_ok());
        let rules = BookingRules {
            buffer_minutes: 500,
            ..BookingRules::default()
        };
        assert_eq!(
            rules.validate().err().and_then(|e| e.field()),
            Some("buffer_minutes")
        );
        assert!(AppointmentStatus::parse("no_show").is_ok_and(|s| !s.holds_place()));
    }
}
