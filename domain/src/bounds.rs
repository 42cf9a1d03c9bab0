//! Bounds of every date, instant, span and number the platform accepts, and
//! time arithmetic that cannot overflow.
//!
//! Every date or instant that enters a service is checked here, with the name
//! the client sent it under: dates and instants fall in the years
//! [`MIN_YEAR`]–[`MAX_YEAR`], and a search or listing covers at most
//! [`MAX_SPAN_DAYS`] days. Within these bounds every shift the services make
//! (booking horizons, buffers, a day either side) stays far from the limits of
//! the time library; the helpers below still saturate or fail cleanly rather
//! than panic.

use jiff::civil::{Date, date};
use jiff::{SignedDuration, Span, Timestamp};

use crate::error::{DomainError, DomainResult};

/// First year a date or an instant may fall in.
pub const MIN_YEAR: i16 = 1900;
/// Last year a date or an instant may fall in.
pub const MAX_YEAR: i16 = 2200;
/// Longest search or listing: its end is at most this many days after its start.
pub const MAX_SPAN_DAYS: i64 = 92;

/// The first accepted day.
pub const FIRST_DAY: Date = date(MIN_YEAR, 1, 1);
/// The last accepted day.
pub const LAST_DAY: Date = date(MAX_YEAR, 12, 31);

pub const OUT_OF_RANGE: &str = "out_of_range";

/// The first accepted instant: the start of [`FIRST_DAY`] as written with the
/// largest offset east (a date-time is judged by the date its writer gave it,
/// `1900-01-01T00:00:00+14:00` included).
pub fn first_instant() -> Timestamp {
    // 1900-01-01T00:00:00Z less 26 hours, as seconds since the Unix epoch.
    Timestamp::from_second(-2_208_988_800 - OFFSET_REACH_SECS).unwrap_or(Timestamp::MIN)
}

/// The first instant past the accepted ones: the end of [`LAST_DAY`] as
/// written with the largest offset west.
pub fn end_instant() -> Timestamp {
    // 2201-01-01T00:00:00Z plus 26 hours, as seconds since the Unix epoch.
    Timestamp::from_second(7_289_654_400 + OFFSET_REACH_SECS).unwrap_or(Timestamp::MAX)
}

/// The largest UTC offset a written date-time may carry (RFC 3339 allows
/// ±23:59; the time library reads up to ±25:59).
const OFFSET_REACH_SECS: i64 = 26 * 3600;

/// `day` if it falls in the accepted years; a validation error on `field` otherwise.
pub fn date_in_range(field: &'static str, day: Date) -> DomainResult<Date> {
    if (FIRST_DAY..=LAST_DAY).contains(&day) {
        Ok(day)
    } else {
        Err(DomainError::invalid(
            field,
            OUT_OF_RANGE,
            format!("dates must fall between {FIRST_DAY} and {LAST_DAY}"),
        ))
    }
}

/// `at` if it falls in the accepted years (as some offset writes it); a
/// validation error on `field` otherwise.
pub fn instant_in_range(field: &'static str, at: Timestamp) -> DomainResult<Timestamp> {
    if at >= first_instant() && at < end_instant() {
        Ok(at)
    } else {
        Err(instant_out_of_range(field))
    }
}

fn instant_out_of_range(field: &'static str) -> DomainError {
    DomainError::invalid(
        field,
        OUT_OF_RANGE,
        format!("date-times must fall between {FIRST_DAY} and {LAST_DAY}"),
    )
}

/// A form or query field's text, trimmed, if it has any.
pub fn filled(field: &Option<String>) -> Option<String> {
    field
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The UTC days `from` and `to` (`YYYY-MM-DD`, both included, either may be
/// absent) as Unix milliseconds: from the first's start to the start of the
/// day after the last. Fields `from` and `to` are named in errors.
pub fn utc_days(
    from: Option<String>,
    to: Option<String>,
) -> DomainResult<(Option<i64>, Option<i64>)> {
    const DAY_MS: i64 = 86_400_000;
    let day_start = |field: &'static str, raw: &str| -> DomainResult<i64> {
        parse_date(field, raw)?
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|_| DomainError::invalid(field, "invalid_date", "not a valid day"))
    };
    let from_ms = from.map(|d| day_start("from", &d)).transpose()?;
    let to_ms = to
        .map(|d| day_start("to", &d).map(|ms| ms + DAY_MS))
        .transpose()?;
    if let (Some(from), Some(to)) = (from_ms, to_ms)
        && to <= from
    {
        return Err(DomainError::invalid(
            "to",
            "before_start",
            "the last day comes before the first",
        ));
    }
    Ok((from_ms, to_ms))
}

/// Parses a `YYYY-MM-DD` day and checks its bounds.
pub fn parse_date(field: &'static str, raw: &str) -> DomainResult<Date> {
    let day = raw.trim().parse::<Date>().map_err(|_| {
        DomainError::invalid(field, "invalid_date", "expected a date such as 2026-03-20")
    })?;
    date_in_range(field, day)
}

/// Parses an RFC 3339 instant and checks its bounds: the date as written (with
/// its offset) falls in the accepted years.
pub fn parse_instant(field: &'static str, raw: &str) -> DomainResult<Timestamp> {
    let invalid = || {
        DomainError::invalid(
            field,
            "invalid_datetime",
            "expected an RFC 3339 date-time such as 2026-03-20T10:00:00Z",
        )
    };
    let raw = raw.trim();
    let at = raw.parse::<Timestamp>().map_err(|_| invalid())?;
    let written = jiff::fmt::temporal::Pieces::parse(raw).map_err(|_| invalid())?;
    date_in_range(field, written.date()).map_err(|_| instant_out_of_range(field))?;
    instant_in_range(field, at)
}

/// Checks a span of local days `first..=last` (both already in bounds): the
/// last not before the first, at most [`MAX_SPAN_DAYS`] days after it. Errors
/// name `last_field`.
pub fn day_span(first: Date, last: Date, last_field: &'static str) -> DomainResult<()> {
    if last < first {
        return Err(DomainError::invalid(
            last_field,
            "end_before_start",
            "the end date comes before the start date",
        ));
    }
    let days = first.until(last).map(|span| i64::from(span.get_days()));
    if days.map_or(true, |days| days > MAX_SPAN_DAYS) {
        return Err(DomainError::invalid(
            last_field,
            "range_too_long",
            format!("search at most {MAX_SPAN_DAYS} days at once"),
        ));
    }
    Ok(())
}

/// Checks a window of instants `[from, to)` (both already in bounds): the end
/// not before the start, at most [`MAX_SPAN_DAYS`] days after it. Errors name
/// `to_field`.
pub fn instant_span(from: Timestamp, to: Timestamp, to_field: &'static str) -> DomainResult<()> {
    if to < from {
        return Err(DomainError::invalid(
            to_field,
            "end_before_start",
            "the end comes before the start",
        ));
    }
    if from.duration_until(to) > days(MAX_SPAN_DAYS) {
        return Err(DomainError::invalid(
            to_field,
            "range_too_long",
            format!("list at most {MAX_SPAN_DAYS} days at once"),
        ));
    }
    Ok(())
}

/// `value` if it lies in `min..=max`, as an `i32`; otherwise a validation error
/// on `field` saying the bounds, in `unit` (`"minutes"`, `"days"`, `"places"`…).
pub fn number(
    field: &'static str,
    value: i64,
    min: i32,
    max: i32,
    unit: &str,
) -> DomainResult<i32> {
    i32::try_from(value)
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| {
            DomainError::invalid(
                field,
                OUT_OF_RANGE,
                format!("must be between {min} and {max} {unit}"),
            )
        })
}

/// An optional id filter: absent, or a positive id (ids start at 1; a zero or
/// negative one is a mistake, not an empty filter).
pub fn optional_id(field: &'static str, id: Option<i64>) -> DomainResult<Option<i64>> {
    match id {
        Some(id) if id < 1 => Err(DomainError::invalid(field, OUT_OF_RANGE, "ids start at 1")),
        other => Ok(other),
    }
}

/// A duration of whole minutes.
pub fn minutes(count: impl Into<i64>) -> SignedDuration {
    SignedDuration::from_secs(count.into().saturating_mul(60))
}

/// A duration of whole 24-hour days.
pub fn days(count: impl Into<i64>) -> SignedDuration {
    SignedDuration::from_secs(count.into().saturating_mul(86_400))
}

/// `at` moved by `by`, held at the ends of time rather than overflowing.
pub fn shift(at: Timestamp, by: SignedDuration) -> Timestamp {
    at.saturating_add(by).unwrap_or(if by.is_negative() {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// `day` moved by `count` days, or a validation error on `field` when that
/// leaves the calendar.
pub fn add_days(field: &'static str, day: Date, count: i64) -> DomainResult<Date> {
    Span::new()
        .try_days(count)
        .and_then(|span| day.checked_add(span))
        .map_err(|_| {
            DomainError::invalid(
                field,
                OUT_OF_RANGE,
                format!("dates must fall between {FIRST_DAY} and {LAST_DAY}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_time_is_judged_by_the_date_written() {
        // 1899-12-31T19:00:00Z, written on the window's first day.
        assert!(parse_instant("start", "1900-01-01T00:00:00+05:00").is_ok());
        // 1900-01-01T04:00:00Z, written the day before the window.
        let refused = parse_instant("start", "1899-12-31T23:00:00-05:00");
        assert_eq!(refused.err().map(|e| e.code()), Some("out_of_range"));
        assert!(parse_instant("end", "2200-12-31T23:59:59-12:00").is_ok());
        assert!(parse_instant("end", "2201-01-01T00:30:00+01:00").is_err());
    }

    #[test]
    fn the_window_is_the_documented_one() {
        assert_eq!(first_instant().to_string(), "1899-12-30T22:00:00Z");
        assert_eq!(end_instant().to_string(), "2201-01-02T02:00:00Z");
        assert!(date_in_range("d", date(1900, 1, 1)).is_ok());
        assert!(date_in_range("d", date(2200, 12, 31)).is_ok());
        assert!(date_in_range("d", date(1899, 12, 31)).is_err());
        assert_eq!(
            date_in_range("date_end", date(9999, 12, 31))
                .err()
                .and_then(|e| e.field()),
            Some("date_end")
        );
        assert!(instant_in_range("start", end_instant()).is_err());
        assert!(instant_in_range("start", Timestamp::MIN).is_err());
    }

    #[test]
    fn parsing_names_the_field_for_bad_syntax_and_bad_years() {
        for raw in [
            "9999-12-31",
            "-009999-01-01",
            "0000-01-01",
            "2026-13-01",
            "soon",
        ] {
            assert_eq!(
                parse_date("available_by", raw)
                    .err()
                    .and_then(|e| e.field()),
                Some("available_by"),
                "{raw}"
            );
        }
        for raw in [
            "9999-12-30T00:00:00Z",
            "-009999-06-01T00:00:00Z",
            "1899-12-31T23:59:59Z",
        ] {
            let err = parse_instant("start", raw).err();
            assert_eq!(
                err.as_ref().map(|e| e.code()),
                Some("out_of_range"),
                "{raw}"
            );
        }
        assert!(parse_instant("start", " 2030-01-07T09:00:00+01:00 ").is_ok());
    }

    #[test]
    fn spans_and_numbers_are_bounded() {
        let first = date(2026, 1, 1);
        assert!(day_span(first, date(2026, 4, 3), "date_end").is_ok());
        assert_eq!(
            day_span(first, date(2026, 4, 4), "date_end")
                .err()
                .map(|e| e.code()),
            Some("range_too_long")
        );
        assert_eq!(
            day_span(first, date(2025, 12, 31), "date_end")
                .err()
                .map(|e| e.code()),
            Some("end_before_start")
        );
        let from = first_instant();
        assert!(instant_span(from, shift(from, days(92)), "to").is_ok());
        assert!(instant_span(from, shift(from, days(93)), "to").is_err());
        assert_eq!(number("capacity", 3, 1, 50, "places").ok(), Some(3));
        assert!(number("capacity", i64::MAX, 1, 50, "places").is_err());
        assert!(number("capacity", -1, 1, 50, "places").is_err());
        assert_eq!(shift(Timestamp::MAX, days(1)), Timestamp::MAX);
        assert_eq!(shift(Timestamp::MIN, days(-1)), Timestamp::MIN);
        assert_eq!(minutes(i64::MAX), SignedDuration::from_secs(i64::MAX));
        assert!(add_days("date", LAST_DAY, 1).is_ok());
        assert!(add_days("date", date(9999, 12, 31), 1).is_err());
        assert!(add_days("date", first, i64::MAX).is_err());
    }
}
