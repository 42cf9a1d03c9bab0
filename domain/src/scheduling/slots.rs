//! Expansion of weekly availability into concrete slots.

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Span, Timestamp};

use super::{ConsultationType, Exception, WeeklyRange};

/// A bookable period (before counting bookings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The weekly range it comes from (0 for a one-off slot).
    pub availability_id: i64,
    /// The one-off slot it is, if it is one.
    pub opening_id: Option<i64>,
    pub consultation_type: ConsultationType,
    pub capacity: i32,
    pub location: Option<String>,
}

/// The slots of `ranges` on the local days `first..=last` in `tz`, minus those an
/// exception overlaps, in time order, never two at once.
///
/// Slots sit at wall-clock positions (a 09:00–12:00 range with 30-minute
/// consultations gives 09:00, 09:30, …) whatever the UTC offset that day. A
/// position that does not exist (clocks spring forward) is skipped; one that
/// happens twice (clocks fall back) is offered once, at its first occurrence.
/// A consultation lasts its real duration, so on the night clocks spring
/// forward one may run into the next position: that next one is left out, as
/// is any slot overlapping an earlier one (ranges stored before overlapping
/// ranges were refused). Callers bound the days first ([`crate::bounds`]).
pub fn expand(
    ranges: &[WeeklyRange],
    exceptions: &[Exception],
    tz: &TimeZone,
    first: Date,
    last: Date,
) -> Vec<Slot> {
    let mut slots = Vec::new();
    let mut day = first;
    while day <= last {
        // A stored range without a positive length would never end.
        for range in ranges
            .iter()
            .filter(|r| r.active && r.weekday == day.weekday() && r.duration_minutes > 0)
        {
            let step = SignedDuration::from_mins(i64::from(range.duration_minutes));
            let end = day.to_datetime(range.end);
            let mut local = day.to_datetime(range.start);
            while let Ok(next) = local.checked_add(step) {
                if next > end {
                    break;
                }
                let instants = first_instant(tz, local)
                    .and_then(|start| start.checked_add(step).ok().map(|end| (start, end)));
                if let Some((starts_at, ends_at)) = instants
                    && !exceptions.iter().any(|e| blocks(e, tz, starts_at, ends_at))
                {
                    slots.push(Slot {
                        starts_at,
                        ends_at,
                        availability_id: range.id,
                        opening_id: None,
                        consultation_type: range.consultation_type,
                        capacity: range.capacity,
                        location: range.location.clone(),
                    });
                }
                local = next;
            }
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    slots.sort_by_key(|s| s.starts_at);
    without_overlaps(slots)
}

/// Slots in time order, less any that starts before the previous one kept ends.
fn without_overlaps(sorted: Vec<Slot>) -> Vec<Slot> {
    let mut kept: Vec<Slot> = Vec::with_capacity(sorted.len());
    for slot in sorted {
        if kept
            .last()
            .is_none_or(|prev| prev.ends_at <= slot.starts_at)
        {
            kept.push(slot);
        }
    }
    kept
}

/// Adds one-off slots to expanded ones: those an exception blocks or that
/// overlap a weekly slot are left out. Keeps time order.
pub fn with_openings(
    mut slots: Vec<Slot>,
    openings: Vec<Slot>,
    exceptions: &[Exception],
    tz: &TimeZone,
) -> Vec<Slot> {
    for opening in openings {
        let blocked = exceptions
            .iter()
            .any(|e| blocks(e, tz, opening.starts_at, opening.ends_at));
        let clashes = slots
            .iter()
            .any(|s| overlaps(s.starts_at, s.ends_at, opening.starts_at, opening.ends_at));
        if !blocked && !clashes {
            slots.push(opening);
        }
    }
    slots.sort_by_key(|s| s.starts_at);
    slots
}

/// The instant of a wall-clock time: none in a gap, the earlier in a fold.
fn first_instant(tz: &TimeZone, local: DateTime) -> Option<Timestamp> {
    let ambiguous = tz.to_ambiguous_timestamp(local);
    match ambiguous.offset() {
        AmbiguousOffset::Gap { .. } => None,
        AmbiguousOffset::Unambiguous { .. } | AmbiguousOffset::Fold { .. } => {
            ambiguous.earlier().ok()
        }
    }
}

/// The slots of `all` a patient may book at `now` under `rules`, with the
/// places each has left: within the notice and the horizon, of the kind
/// asked, overlapping no other appointment the doctor holds (`holding`:
/// start and end, with the buffer around the slot), with a place left
/// (`taken`: places taken per start) unless `include_full`.
pub fn open_among<'a>(
    all: impl IntoIterator<Item = &'a Slot> + 'a,
    rules: &super::appointments::BookingRules,
    now: Timestamp,
    kind: Option<ConsultationType>,
    holding: &'a [(Timestamp, Timestamp)],
    taken: &'a std::collections::HashMap<Timestamp, i32>,
    include_full: bool,
) -> impl Iterator<Item = (Slot, i32)> + 'a {
    let buffer = crate::bounds::minutes(rules.buffer_minutes);
    let shift = crate::bounds::shift;
    let earliest = shift(now, crate::bounds::minutes(rules.min_notice_minutes));
    let latest = shift(now, crate::bounds::days(rules.max_advance_days));
    all.into_iter()
        .filter(move |slot| slot.starts_at >= earliest && slot.starts_at <= latest)
        .filter(move |slot| kind.is_none_or(|wanted| slot.consultation_type.offers(wanted)))
        .filter(move |slot| {
            !holding.iter().any(|(start, end)| {
                *start != slot.starts_at
                    && overlaps(
                        shift(slot.starts_at, -buffer),
                        shift(slot.ends_at, buffer),
                        *start,
                        *end,
                    )
            })
        })
        .filter_map(move |slot| {
            let used = taken.get(&slot.starts_at).copied().unwrap_or(0);
            let remaining = slot.capacity - used;
            (include_full || remaining > 0).then(|| (slot.clone(), remaining.max(0)))
        })
}

/// Whether `[start, end)` and `[a, b)` share an instant.
pub fn overlaps(start: Timestamp, end: Timestamp, a: Timestamp, b: Timestamp) -> bool {
    start < b && a < end
}

const WEEK_SECONDS: i64 = 7 * 86_400;

/// Whether an exception (any of its weekly occurrences, if recurring) overlaps
/// `[start, end)`. Weekly occurrences keep the exception's wall-clock times.
pub fn blocks(exception: &Exception, tz: &TimeZone, start: Timestamp, end: Timestamp) -> bool {
    if !exception.recurring_weekly {
        return overlaps(start, end, exception.starts_at, exception.ends_at);
    }
    if end <= exception.starts_at {
        return false;
    }
    let local_start = exception.starts_at.to_zoned(tz.clone()).datetime();
    let local_end = exception.ends_at.to_zoned(tz.clone()).datetime();
    let weeks = start
        .duration_since(exception.starts_at)
        .as_secs()
        .div_euclid(WEEK_SECONDS);
    let extra = exception
        .ends_at
        .duration_since(exception.starts_at)
        .as_secs()
        / WEEK_SECONDS
        + 1;
    (weeks - extra..=weeks + 1).filter(|k| *k >= 0).any(|k| {
        let shift = Span::new().try_days(k.saturating_mul(7));
        let occurrence = |dt: DateTime| {
            shift
                .as_ref()
                .ok()
                .and_then(|shift| dt.checked_add(*shift).ok())
                .and_then(|d| tz.to_ambiguous_timestamp(d).compatible().ok())
        };
        match (occurrence(local_start), occurrence(local_end)) {
            (Some(a), Some(b)) => overlaps(start, end, a, b),
            _ => false,
        }
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scheduling::ExceptionKind;
    use jiff::civil::{Weekday, date, time};

    /// A weekly range of one place per slot (tests of other modules too).
    pub(crate) fn range(
        weekday: Weekday,
        from: (i8, i8),
        to: (i8, i8),
        minutes: i32,
    ) -> WeeklyRange {
        WeeklyRange {
            id: 1,
            weekday,
            start: time(from.0, from.1, 0, 0),
            end: time(to.0, to.1, 0, 0),
            consultation_type: ConsultationType::Both,
            duration_minutes: minutes,
            capacity: 1,
            location: None,
            active: true,
        }
    }

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn utc(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn starts(slots: &[Slot]) -> Vec<String> {
        slots.iter().map(|s| s.starts_at.to_string()).collect()
    }

    #[test]
    fn a_morning_keeps_its_wall_clock_across_the_spring_change() {
        // Clocks go forward in Paris on Sunday 2026-03-29.
        let ranges = [
            range(Weekday::Friday, (9, 0), (10, 0), 30),
            range(Weekday::Monday, (9, 0), (10, 0), 30),
        ];
        let slots = expand(&ranges, &[], &paris(), date(2026, 3, 27), date(2026, 3, 30));
        assert_eq!(
            starts(&slots),
            [
                "2026-03-27T08:00:00Z",
                "2026-03-27T08:30:00Z",
                "2026-03-30T07:00:00Z",
                "2026-03-30T07:30:00Z"
            ]
        );
        assert!(
            slots
                .iter()
                .all(|s| s.ends_at.duration_since(s.starts_at) == SignedDuration::from_mins(30))
        );
    }

    #[test]
    fn the_missing_hour_has_no_slot_and_the_repeated_hour_has_one() {
        let night = [range(Weekday::Sunday, (1, 0), (4, 0), 60)];
        // Spring forward: 02:00 does not exist.
        let spring = expand(&night, &[], &paris(), date(2026, 3, 29), date(2026, 3, 29));
        assert_eq!(
            starts(&spring),
            ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"]
        );
        // Fall back (2026-10-25): 02:00 happens twice; offered once, first time.
        let fall = expand(
            &night,
            &[],
            &paris(),
            date(2026, 10, 25),
            date(2026, 10, 25),
        );
        assert_eq!(
            starts(&fall),
            [
                "2026-10-24T23:00:00Z",
                "2026-10-25T00:00:00Z",
                "2026-10-25T02:00:00Z"
            ]
        );
        for pair in fall.windows(2) {
            assert!(pair[0].ends_at <= pair[1].starts_at, "slots never overlap");
        }
    }

    #[test]
    fn a_zone_without_daylight_saving_is_steady() {
        let kinshasa = TimeZone::get("Africa/Kinshasa").unwrap();
        let ranges = [range(Weekday::Monday, (8, 0), (9, 0), 60)];
        let slots = expand(
            &ranges,
            &[],
            &kinshasa,
            date(2026, 3, 23),
            date(2026, 11, 2),
        );
        assert!(!slots.is_empty());
        assert!(
            slots
                .iter()
                .all(|s| s.starts_at.to_string().ends_with("T07:00:00Z")),
            "{:?}",
            starts(&slots)
        );
    }

    #[test]
    fn exceptions_block_overlapping_slots_once_or_every_week() {
        let ranges = [range(Weekday::Tuesday, (9, 0), (12, 0), 60)];
        let once = Exception {
            id: 1,
            starts_at: utc("2026-06-02T08:30:00Z"), // 10:30 in Paris
            ends_at: utc("2026-06-02T09:15:00Z"),
            kind: ExceptionKind::Busy,
            recurring_weekly: false,
        };
        let slots = expand(
            &ranges,
            std::slice::from_ref(&once),
            &paris(),
            date(2026, 6, 2),
            date(2026, 6, 9),
        );
        assert_eq!(slots.len(), 4, "10:00 and 11:00 blocked on the 2nd only");
        let weekly = Exception {
            recurring_weekly: true,
            ..once
        };
        let slots = expand(
            &ranges,
            std::slice::from_ref(&weekly),
            &paris(),
            date(2026, 5, 26),
            date(2026, 6, 16),
        );
        let local: Vec<String> = slots
            .iter()
            .map(|s| {
                s.starts_at
                    .to_zoned(paris())
                    .strftime("%m-%d %H:%M")
                    .to_string()
            })
            .collect();
        assert_eq!(
            local,
            [
                "05-26 09:00",
                "05-26 10:00",
                "05-26 11:00",
                "06-02 09:00",
                "06-09 09:00",
                "06-16 09:00"
            ]
        );
        // A weekly exception keeps its wall-clock time after clocks change.
        let winter = Exception {
            starts_at: utc("2026-10-20T08:30:00Z"), // Tuesday 10:30 CEST
            ends_at: utc("2026-10-20T09:15:00Z"),
            ..weekly
        };
        let after = expand(
            &ranges,
            &[winter],
            &paris(),
            date(2026, 10, 27),
            date(2026, 10, 27),
        );
        let local: Vec<String> = after
            .iter()
            .map(|s| s.starts_at.to_zoned(paris()).strftime("%H:%M").to_string())
            .collect();
        assert_eq!(local, ["09:00"]);
    }

    #[test]
    fn inactive_ranges_and_short_tails_give_nothing() {
        let mut inactive = range(Weekday::Monday, (9, 0), (10, 0), 30);
        inactive.active = false;
        let tail = range(Weekday::Monday, (14, 0), (14, 50), 30);
        let slots = expand(
            &[inactive, tail],
            &[],
            &paris(),
            date(2026, 6, 1),
            date(2026, 6, 1),
        );
        assert_eq!(slots.len(), 1, "only 14:00; 14:30 would end after 14:50");
    }

    #[test]
    fn ranges_are_validated() {
        let mut r = range(Weekday::Monday, (9, 0), (10, 0), 10);
        assert_eq!(
            r.validate().err().and_then(|e| e.field()),
            Some("duration_minutes")
        );
        r.duration_minutes = 90;
        assert_eq!(
            r.validate().err().map(|e| e.code()),
            Some("range_too_short")
        );
        r.duration_minutes = 30;
        r.capacity = 0;
        assert!(r.validate().is_err());
        r.capacity = 3;
        assert!(r.validate().is_ok());
        assert!(ConsultationType::Both.offers(ConsultationType::Remote));
        assert!(!ConsultationType::InPerson.offers(ConsultationType::Remote));
        assert_eq!(
            ConsultationType::parse("type", "presentiel").ok(),
            Some(ConsultationType::InPerson)
        );
    }
}
