//! Raw scheduling inputs as doors receive them (field names as in the seed API),
//! and their parsing into validated values.

use jiff::Timestamp;
use jiff::civil::{Time, Weekday};
use serde::{Deserialize, Serialize};

use super::appointments::BookingRules;
use super::{ConsultationType, Exception, ExceptionKind, WeeklyRange};
use crate::bounds;
use crate::error::{DomainError, DomainResult};

/// A weekly availability range, raw.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AvailabilityForm {
    /// 0 = Monday … 6 = Sunday.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 6, example = 0))]
    pub day_of_week: Option<i64>,
    /// `HH:MM`, wall-clock in the doctor's zone.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::ClockTime>, example = "09:00"))]
    pub start_time: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::ClockTime>, example = "12:00"))]
    pub end_time: Option<String>,
    /// `in_person`, `remote` or `both` (`presentiel`, `distanciel` accepted).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::ConsultationKind>))]
    pub consultation_type: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 15, maximum = 480, example = 30))]
    pub duration_minutes: Option<i64>,
    /// Patients per slot.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50, example = 1))]
    pub max_consultations: Option<i64>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, example = "Cabinet, 12 rue de la Paix, Lyon")
    )]
    pub location: Option<String>,
    pub is_active: Option<bool>,
}

fn required<T>(value: Option<T>, field: &'static str) -> DomainResult<T> {
    value.ok_or_else(|| DomainError::invalid(field, "required", "this field is required"))
}

fn parse_time(field: &'static str, raw: &str) -> DomainResult<Time> {
    raw.trim()
        .parse::<Time>()
        .map_err(|_| DomainError::invalid(field, "invalid_time", "expected a time such as 09:30"))
}

/// A number held at the ends of `i32`: the rule that follows (`validate`)
/// refuses it with the bounds of its field.
fn small(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

impl AvailabilityForm {
    /// The form of an existing range (the base a partial update applies to).
    pub fn from_range(range: &WeeklyRange) -> Self {
        Self {
            day_of_week: Some(i64::from(range.weekday.to_monday_zero_offset())),
            start_time: Some(format!(
                "{:02}:{:02}",
                range.start.hour(),
                range.start.minute()
            )),
            end_time: Some(format!("{:02}:{:02}", range.end.hour(), range.end.minute())),
            consultation_type: Some(range.consultation_type.as_str().into()),
            duration_minutes: Some(i64::from(range.duration_minutes)),
            max_consultations: Some(i64::from(range.capacity)),
            location: range.location.clone(),
            is_active: Some(range.active),
        }
    }

    /// These fields where given, `base`'s elsewhere.
    pub fn over(self, base: Self) -> Self {
        Self {
            day_of_week: self.day_of_week.or(base.day_of_week),
            start_time: self.start_time.or(base.start_time),
            end_time: self.end_time.or(base.end_time),
            consultation_type: self.consultation_type.or(base.consultation_type),
            duration_minutes: self.duration_minutes.or(base.duration_minutes),
            max_consultations: self.max_consultations.or(base.max_consultations),
            location: self.location.or(base.location),
            is_active: self.is_active.or(base.is_active),
        }
    }

    /// Validates into a weekly range (id 0 until stored).
    pub fn parse(&self) -> DomainResult<WeeklyRange> {
        let day = required(self.day_of_week, "day_of_week")?;
        let weekday = i8::try_from(day)
            .ok()
            .and_then(|d| Weekday::from_monday_zero_offset(d).ok())
            .ok_or_else(|| {
                DomainError::invalid("day_of_week", "invalid_weekday", "0 (Monday) to 6 (Sunday)")
            })?;
        let range = WeeklyRange {
            id: 0,
            weekday,
            start: parse_time(
                "start_time",
                required(self.start_time.as_deref(), "start_time")?,
            )?,
            end: parse_time("end_time", required(self.end_time.as_deref(), "end_time")?)?,
            consultation_type: ConsultationType::parse(
                "consultation_type",
                self.consultation_type.as_deref().unwrap_or("both"),
            )?,
            duration_minutes: small(required(self.duration_minutes, "duration_minutes")?),
            capacity: small(self.max_consultations.unwrap_or(1)),
            location: self
                .location
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
            active: self.is_active.unwrap_or(true),
        };
        range.validate()?;
        Ok(range)
    }
}

/// Checks an IANA time zone name (`Europe/Paris`), for the `timezone` field.
pub fn parse_timezone(raw: &str) -> DomainResult<String> {
    let name = raw.trim();
    jiff::tz::TimeZone::get(name).map_err(|_| {
        DomainError::invalid("timezone", "invalid_timezone", "unknown IANA time zone")
    })?;
    Ok(name.to_owned())
}

/// An exception, raw.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExceptionForm {
    /// RFC 3339 instant.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::Instant>, example = "2026-08-03T00:00:00+02:00"))]
    pub start_datetime: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::Instant>, example = "2026-08-15T00:00:00+02:00"))]
    pub end_datetime: Option<String>,
    /// `vacation`, `training`, `emergency`, `busy` or `unavailable`.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^\\s*(?:vacation|training|emergency|busy|unavailable)\\s*$",
            example = "vacation"
        )
    )]
    pub exception_type: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, example = "Congrès de cardiologie")
    )]
    pub reason: Option<String>,
    /// Repeats every week from its start.
    pub is_recurring: Option<bool>,
}

fn parse_instant(field: &'static str, raw: &str) -> DomainResult<Timestamp> {
    bounds::parse_instant(field, raw)
}

impl ExceptionForm {
    /// The form of an existing exception (the base a partial update applies to).
    pub fn from_exception(exception: &Exception, reason: &str) -> Self {
        Self {
            start_datetime: Some(exception.starts_at.to_string()),
            end_datetime: Some(exception.ends_at.to_string()),
            exception_type: Some(exception.kind.as_str().into()),
            reason: Some(reason.to_owned()),
            is_recurring: Some(exception.recurring_weekly),
        }
    }

    /// These fields where given, `base`'s elsewhere.
    pub fn over(self, base: Self) -> Self {
        Self {
            start_datetime: self.start_datetime.or(base.start_datetime),
            end_datetime: self.end_datetime.or(base.end_datetime),
            exception_type: self.exception_type.or(base.exception_type),
            reason: self.reason.or(base.reason),
            is_recurring: self.is_recurring.or(base.is_recurring),
        }
    }

    /// Validates into an exception (id 0 until stored) and its reason.
    pub fn parse(&self) -> DomainResult<(Exception, String)> {
        let starts_at = parse_instant(
            "start_datetime",
            required(self.start_datetime.as_deref(), "start_datetime")?,
        )?;
        let ends_at = parse_instant(
            "end_datetime",
            required(self.end_datetime.as_deref(), "end_datetime")?,
        )?;
        if ends_at <= starts_at {
            return Err(DomainError::invalid(
                "end_datetime",
                "end_before_start",
                "the end must come after the start",
            ));
        }
        let recurring_weekly = self.is_recurring.unwrap_or(false);
        if recurring_weekly && ends_at.duration_since(starts_at).as_hours() >= 24 * 7 {
            return Err(DomainError::invalid(
                "end_datetime",
                "too_long",
                "a weekly exception lasts less than a week",
            ));
        }
        let kind = ExceptionKind::parse(self.exception_type.as_deref().unwrap_or("unavailable"))?;
        let reason = self.reason.as_deref().unwrap_or("").trim();
        if reason.chars().count() > 500 {
            return Err(DomainError::invalid(
                "reason",
                "too_long",
                "at most 500 characters",
            ));
        }
        Ok((
            Exception {
                id: 0,
                starts_at,
                ends_at,
                kind,
                recurring_weekly,
            },
            reason.to_owned(),
        ))
    }
}

/// A doctor's scheduling settings, raw.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleForm {
    /// IANA time zone (`Europe/Paris`).
    #[cfg_attr(feature = "openapi", schema(example = "Europe/Paris"))]
    pub timezone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 43200))]
    pub min_notice_minutes: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 730))]
    pub max_advance_days: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 120))]
    pub buffer_minutes: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10080))]
    pub cancel_cutoff_minutes: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 2880))]
    pub waitlist_hold_minutes: Option<i64>,
}

impl ScheduleForm {
    /// Applies the given fields over `current` and validates the result.
    pub fn apply(
        &self,
        timezone: &str,
        current: BookingRules,
    ) -> DomainResult<(String, BookingRules)> {
        let timezone = match self.timezone.as_deref().map(str::trim) {
            Some(tz) => parse_timezone(tz)?,
            None => timezone.to_owned(),
        };
        let rules = BookingRules {
            min_notice_minutes: self
                .min_notice_minutes
                .map_or(current.min_notice_minutes, small),
            max_advance_days: self
                .max_advance_days
                .map_or(current.max_advance_days, small),
            buffer_minutes: self.buffer_minutes.map_or(current.buffer_minutes, small),
            cancel_cutoff_minutes: self
                .cancel_cutoff_minutes
                .map_or(current.cancel_cutoff_minutes, small),
            waitlist_hold_minutes: self
                .waitlist_hold_minutes
                .map_or(current.waitlist_hold_minutes, small),
        };
        rules.validate()?;
        Ok((timezone, rules))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_forms_name_their_bad_field() {
        let good = AvailabilityForm {
            day_of_week: Some(0),
            start_time: Some("09:00".into()),
            end_time: Some("12:00".into()),
            consultation_type: Some("presentiel".into()),
            duration_minutes: Some(30),
            max_consultations: Some(2),
            location: Some(" Cabinet A ".into()),
            is_active: None,
        };
        let range = good.parse().unwrap();
        assert_eq!(
            (range.weekday, range.capacity, range.location.as_deref()),
            (Weekday::Monday, 2, Some("Cabinet A"))
        );
        let cases = [
            (
                AvailabilityForm {
                    day_of_week: Some(7),
                    ..good.clone()
                },
                "day_of_week",
            ),
            (
                AvailabilityForm {
                    start_time: Some("9h".into()),
                    ..good.clone()
                },
                "start_time",
            ),
            (
                AvailabilityForm {
                    end_time: Some("08:00".into()),
                    ..good.clone()
                },
                "end_time",
            ),
            (
                AvailabilityForm {
                    duration_minutes: None,
                    ..good.clone()
                },
                "duration_minutes",
            ),
            (
                AvailabilityForm {
                    consultation_type: Some("phone".into()),
                    ..good.clone()
                },
                "consultation_type",
            ),
            (
                AvailabilityForm {
                    max_consultations: Some(0),
                    ..good.clone()
                },
                "max_consultations",
            ),
        ];
        for (form, field) in cases {
            assert_eq!(
                form.parse().err().and_then(|e| e.field()),
                Some(field),
                "{form:?}"
            );
        }
    }

    #[test]
    fn exception_forms_are_checked() {
        let form = ExceptionForm {
            start_datetime: Some("2026-07-01T08:00:00Z".into()),
            end_datetime: Some("2026-07-15T18:00:00Z".into()),
            exception_type: Some("vacation".into()),
            reason: None,
            is_recurring: None,
        };
        assert!(form.parse().is_ok());
        let weekly = ExceptionForm {
            is_recurring: Some(true),
            ..form.clone()
        };
        assert_eq!(weekly.parse().err().map(|e| e.code()), Some("too_long"));
        let reversed = ExceptionForm {
            end_datetime: Some("2026-06-01T00:00:00Z".into()),
            ..form
        };
        assert_eq!(
            reversed.parse().err().and_then(|e| e.field()),
            Some("end_datetime")
        );
    }

    #[test]
    fn schedule_forms_check_the_zone() {
        let form = ScheduleForm {
            timezone: Some("Mars/Olympus".into()),
            ..ScheduleForm::default()
        };
        assert!(form.apply("Europe/Paris", BookingRules::default()).is_err());
        let form = ScheduleForm {
            timezone: Some("Africa/Kinshasa".into()),
            buffer_minutes: Some(10),
            ..ScheduleForm::default()
        };
        let (tz, rules) = form.apply("Europe/Paris", BookingRules::default()).unwrap();
        assert_eq!((tz.as_str(), rules.buffer_minutes), ("Africa/Kinshasa", 10));
    }
}
