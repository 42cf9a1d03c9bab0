//! Properties of slot expansion and of the input bounds, over arbitrary dates
//! (the ends of the calendar included), real time zones (with clock changes,
//! half-hour and quarter-hour offsets), weekly ranges, exceptions and one-off
//! slots: nothing panics, slots stay in the requested days, in time order, and
//! never two at once.

use domain::bounds;
use domain::scheduling::slots::{Slot, blocks, expand, with_openings};
use domain::scheduling::{
    ConsultationType, Exception, ExceptionKind, WeeklyRange, check_no_overlap,
};
use jiff::civil::{Date, Time, Weekday, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "America/Santiago",    // clocks change at midnight
    "America/St_Johns",    // −3:30, with daylight saving
    "Asia/Kolkata",        // +5:30
    "Asia/Kathmandu",      // +5:45
    "Australia/Adelaide",  // +9:30 / +10:30
    "Australia/Lord_Howe", // a half-hour change
    "Pacific/Chatham",     // +12:45 / +13:45
    "Africa/Casablanca",   // daylight saving suspended each Ramadan
    "Asia/Tehran",
    "Pacific/Apia", // skipped a whole day in 2011
];

fn zone() -> impl Strategy<Value = (String, TimeZone)> {
    proptest::sample::select(ZONES).prop_map(|name| {
        let tz = TimeZone::get(name).unwrap();
        (name.to_owned(), tz)
    })
}

fn day_of(year: i16, month: i8, day: i8) -> Date {
    Date::new(year, month, day).unwrap_or_else(|_| date(year, month, 28))
}

/// Any day jiff knows, most near the accepted window or the calendar's ends.
fn any_day() -> impl Strategy<Value = Date> {
    prop_oneof![
        (-9999i16..=9999, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| day_of(y, m, d)),
        (9999i16..=9999, 12i8..=12, 1i8..=31).prop_map(|(y, m, d)| day_of(y, m, d)),
        (-9999i16..=-9999, 1i8..=1, 1i8..=31).prop_map(|(y, m, d)| day_of(y, m, d)),
        (1899i16..=1901, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| day_of(y, m, d)),
        (2199i16..=2201, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| day_of(y, m, d)),
        (2010i16..=2040, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| day_of(y, m, d)),
    ]
}

/// A weekly range as a doctor might type it (valid or not), capacity 1.
fn any_range() -> impl Strategy<Value = WeeklyRange> {
    (
        0i8..7,
        0i32..1440,
        1i32..1440,
        prop_oneof![
            Just(15),
            Just(20),
            Just(30),
            Just(45),
            Just(60),
            Just(90),
            10i32..=500
        ],
        any::<bool>(),
    )
        .prop_map(|(weekday, start, length, duration, active)| {
            let minute = |m: i32| Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap();
            WeeklyRange {
                id: 0,
                weekday: Weekday::from_monday_zero_offset(weekday).unwrap(),
                start: minute(start),
                end: minute((start + length).min(1439)),
                consultation_type: ConsultationType::Both,
                duration_minutes: duration,
                capacity: 1,
                location: None,
                active: active || duration % 2 == 0,
            }
        })
}

/// The ranges a doctor could have saved: each valid and overlapping none
/// saved before it, with its id.
fn accepted(candidates: &[WeeklyRange]) -> Vec<WeeklyRange> {
    let mut saved: Vec<WeeklyRange> = Vec::new();
    for (i, range) in candidates.iter().enumerate() {
        if range.validate().is_ok() && check_no_overlap(range, &saved).is_ok() {
            saved.push(WeeklyRange {
                id: i as i64 + 1,
                ..range.clone()
            });
        }
    }
    saved
}

/// An exception near `around` (minutes from it), or anywhere in time.
fn any_exception() -> impl Strategy<Value = (i64, i64, bool, Option<i64>)> {
    (
        -20_000i64..80_000,
        1i64..20_000,
        any::<bool>(),
        proptest::option::weighted(0.2, -377_705_116_800i64..=253_402_207_200),
    )
}

fn exception(around: Timestamp, spec: (i64, i64, bool, Option<i64>), id: i64) -> Exception {
    let (offset, minutes, weekly, anywhere) = spec;
    let starts_at = match anywhere {
        Some(secs) => Timestamp::from_second(secs).unwrap(),
        None => bounds::shift(around, bounds::minutes(offset)),
    };
    let minutes = if weekly {
        minutes.min(7 * 1440 - 1)
    } else {
        minutes
    };
    Exception {
        id,
        starts_at,
        ends_at: bounds::shift(starts_at, bounds::minutes(minutes)),
        kind: ExceptionKind::Busy,
        recurring_weekly: weekly,
    }
}

/// The local day a slot starts on.
fn local_day(tz: &TimeZone, at: Timestamp) -> Date {
    at.to_zoned(tz.clone()).date()
}

fn assert_well_formed(slots: &[Slot], tz: &TimeZone, first: Date, last: Date) {
    for slot in slots {
        let day = local_day(tz, slot.starts_at);
        assert!(
            first <= day && day <= last,
            "{slot:?} outside {first}..={last}"
        );
        assert!(slot.starts_at < slot.ends_at, "{slot:?} is empty");
    }
    for pair in slots.windows(2) {
        assert!(
            pair[0].starts_at <= pair[1].starts_at,
            "out of order: {pair:?}"
        );
        assert!(
            pair[0].ends_at <= pair[1].starts_at,
            "overlapping: {pair:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn expansion_never_panics_and_keeps_order_and_days(
        (name, tz) in zone(),
        first in any_day(),
        span in 0i64..40,
        candidates in proptest::collection::vec(any_range(), 0..6),
        exception_specs in proptest::collection::vec(any_exception(), 0..3),
        opening_specs in proptest::collection::vec((0i64..40 * 1440, 15i64..=480, any::<bool>()), 0..4),
    ) {
        let last = first
            .checked_add(Span::new().days(span))
            .unwrap_or(Date::MAX);
        let around = first
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MIN);
        let exceptions: Vec<Exception> = exception_specs
            .into_iter()
            .enumerate()
            .map(|(i, spec)| exception(around, spec, i as i64))
            .collect();
        // Every candidate, overlapping or invalid, as data stored long ago
        // could be: still in order, in the days asked, never two at once.
        let raw: Vec<WeeklyRange> = candidates
            .iter()
            .enumerate()
            .map(|(i, r)| WeeklyRange { id: i as i64 + 1, ..r.clone() })
            .collect();
        let slots = expand(&raw, &exceptions, &tz, first, last);
        assert_well_formed(&slots, &tz, first, last);

        let saved = accepted(&candidates);
        let weekly = expand(&saved, &exceptions, &tz, first, last);
        assert_well_formed(&weekly, &tz, first, last);
        for slot in &weekly {
            prop_assert!(!exceptions.iter().any(|e| blocks(e, &tz, slot.starts_at, slot.ends_at)));
        }
        let openings: Vec<Slot> = opening_specs
            .into_iter()
            .enumerate()
            .filter_map(|(i, (offset, minutes, remote))| {
                let starts_at = around.checked_add(bounds::minutes(offset)).ok()?;
                let ends_at = starts_at.checked_add(bounds::minutes(minutes)).ok()?;
                let day = local_day(&tz, starts_at);
                (first <= day && day <= last).then_some(Slot {
                    starts_at,
                    ends_at,
                    availability_id: 0,
                    opening_id: Some(i as i64 + 1),
                    consultation_type: if remote { ConsultationType::Remote } else { ConsultationType::Both },
                    capacity: 1,
                    location: None,
                })
            })
            .collect();
        let all = with_openings(weekly.clone(), openings, &exceptions, &tz);
        assert_well_formed(&all, &tz, first, last);
        prop_assert!(weekly.iter().all(|w| all.contains(w)), "weekly slots stay ({name})");
    }

    #[test]
    fn accepted_ranges_lose_no_slot_where_clocks_never_change(
        first in (2000i16..=2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d)),
        candidates in proptest::collection::vec(any_range(), 0..8),
    ) {
        let saved = accepted(&candidates);
        let last = first.checked_add(Span::new().days(6)).unwrap();
        let slots = expand(&saved, &[], &TimeZone::UTC, first, last);
        let expected: i64 = saved
            .iter()
            .filter(|r| r.active)
            .map(|r| r.start.duration_until(r.end).as_mins() / i64::from(r.duration_minutes))
            .sum();
        prop_assert_eq!(slots.len() as i64, expected);
        for slot in &slots {
            prop_assert_eq!(
                slot.ends_at.duration_since(slot.starts_at),
                SignedDuration::from_mins(i64::from(
                    saved.iter().find(|r| r.id == slot.availability_id).unwrap().duration_minutes
                ))
            );
        }
    }

    #[test]
    fn bounds_answer_every_date_and_instant_without_panicking(
        day in any_day(),
        other in any_day(),
        seconds in -377_705_116_800i64..=253_402_207_200,
        count in any::<i64>(),
    ) {
        let inside = (1900..=2200).contains(&day.year());
        prop_assert_eq!(bounds::date_in_range("date_start", day).is_ok(), inside);
        let parsed = bounds::parse_date("date_start", &day.to_string());
        prop_assert_eq!(parsed.is_ok(), inside);
        if let Err(err) = parsed {
            prop_assert_eq!(err.field(), Some("date_start"));
        }
        let at = Timestamp::from_second(seconds).unwrap();
        let instant = bounds::parse_instant("start", &at.to_string());
        prop_assert_eq!(
            instant.is_ok(),
            at >= bounds::first_instant() && at < bounds::end_instant()
        );
        if let Err(err) = instant {
            prop_assert_eq!(err.field(), Some("start"));
        }
        if let Ok(span) = bounds::day_span(day, other, "date_end") {
            prop_assert_eq!(span, ());
            prop_assert!(other >= day && day.until(other).unwrap().get_days() <= 92);
        }
        let _ = bounds::add_days("date", day, count);
        let _ = bounds::shift(at, bounds::days(count));
        let _ = bounds::shift(at, bounds::minutes(count));
        let _ = bounds::instant_span(at, bounds::shift(at, bounds::minutes(count)), "to");
        prop_assert_eq!(
            bounds::number("capacity", count, 1, 50, "places").is_ok(),
            (1..=50).contains(&count)
        );
    }
}

fn range_of(weekday: Weekday, from: (i8, i8), to: (i8, i8), minutes: i32) -> WeeklyRange {
    WeeklyRange {
        id: 1,
        weekday,
        start: Time::new(from.0, from.1, 0, 0).unwrap(),
        end: Time::new(to.0, to.1, 0, 0).unwrap(),
        consultation_type: ConsultationType::Both,
        duration_minutes: minutes,
        capacity: 1,
        location: None,
        active: true,
    }
}

#[test]
fn a_consultation_running_into_the_missing_hour_pushes_the_next_out() {
    let paris = TimeZone::get("Europe/Paris").unwrap();
    let starts =
        |slots: &[Slot]| -> Vec<String> { slots.iter().map(|s| s.starts_at.to_string()).collect() };
    // 45-minute consultations from 01:00 on the night clocks spring forward
    // (2026-03-29): 01:45 lasts until 03:30 summer time, so 03:15 is left out.
    let night = [range_of(Weekday::Sunday, (1, 0), (5, 0), 45)];
    let day = date(2026, 3, 29);
    assert_eq!(
        starts(&expand(&night, &[], &paris, day, day)),
        [
            "2026-03-29T00:00:00Z",
            "2026-03-29T00:45:00Z",
            "2026-03-29T02:00:00Z"
        ]
    );
    // Overlapping ranges stored before they were refused give one slot at a time.
    let legacy = [
        range_of(Weekday::Monday, (9, 0), (10, 0), 30),
        range_of(Weekday::Monday, (9, 15), (10, 15), 30),
    ];
    let day = date(2026, 6, 1);
    assert_eq!(
        starts(&expand(&legacy, &[], &paris, day, day)),
        ["2026-06-01T07:00:00Z", "2026-06-01T07:30:00Z"]
    );
}
