//! Places offered over a period, counted without building each slot (for
//! statistics over months): the same count as [`expand`] and
//! [`with_openings`] give.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};

use super::slots::{Slot, blocks, expand, with_openings};
use super::{Exception, WeeklyRange};

/// The places (capacities) of the slots [`expand`] and [`with_openings`]
/// give over the local days `first..=last` that start in `[from, to)`,
/// counted without building each slot. A day far from a clock change, an
/// exception, a one-off slot and the period's ends holds its weekday's
/// places (the ranges laid out once, the offset constant); the others are
/// expanded as booking expands them, in runs of consecutive days.
#[allow(clippy::too_many_arguments)]
pub fn places_offered(
    ranges: &[WeeklyRange],
    exceptions: &[Exception],
    openings: Vec<Slot>,
    tz: &TimeZone,
    first: Date,
    last: Date,
    from: Timestamp,
    to: Timestamp,
) -> i64 {
    let Ok(days) = first.until(last).map(|s| s.get_days()) else {
        return 0;
    };
    if days < 0 {
        return 0;
    }
    let index = |day: Date| first.until(day).ok().map(|s| i64::from(s.get_days()));
    // Days that must be expanded: the ends, and a day either side of every
    // clock change, dated exception and one-off slot.
    let mut expanded = vec![false; days as usize + 1];
    let mut mark = |day: Date| {
        for i in [-1, 0, 1] {
            if let Some(at) = index(day).map(|d| d + i)
                && (0..=i64::from(days)).contains(&at)
            {
                expanded[at as usize] = true;
            }
        }
    };
    mark(first);
    mark(last);
    let margin = SignedDuration::from_hours(48);
    let (wide_from, wide_to) = (
        from.checked_sub(margin).unwrap_or(from),
        to.checked_add(margin).unwrap_or(to),
    );
    for transition in tz.following(wide_from) {
        if transition.timestamp() > wide_to {
            break;
        }
        mark(transition.timestamp().to_zoned(tz.clone()).date());
    }
    for opening in &openings {
        mark(opening.starts_at.to_zoned(tz.clone()).date());
        mark(opening.ends_at.to_zoned(tz.clone()).date());
    }
    for exception in exceptions.iter().filter(|e| !e.recurring_weekly) {
        let start = exception.starts_at.max(wide_from);
        let end = exception.ends_at.min(wide_to);
        if start >= end {
            continue;
        }
        let mut day = start.to_zoned(tz.clone()).date();
        let end_day = end.to_zoned(tz.clone()).date();
        while day <= end_day {
            mark(day);
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
    }
    let recurring: Vec<&Exception> = exceptions.iter().filter(|e| e.recurring_weekly).collect();
    // Each weekday's places on a day of constant offset.
    let monday = Date::constant(2024, 1, 1);
    let mut template = [0i64; 7];
    for (i, places) in template.iter_mut().enumerate() {
        let day = monday
            .checked_add(Span::new().days(i as i64))
            .unwrap_or(monday);
        *places = expand(ranges, &[], &TimeZone::UTC, day, day)
            .iter()
            .map(|s| i64::from(s.capacity))
            .sum();
    }
    let mut total = 0;
    let mut run: Option<(Date, Date)> = None;
    let mut openings = openings;
    // Openings go with the run of their day (earlier ones with the first, so
    // they clash with each other as they would in one pass).
    let flush = |run: &mut Option<(Date, Date)>, openings: &mut Vec<Slot>, all: bool| -> i64 {
        let Some((a, b)) = run.take() else {
            return 0;
        };
        let (within, rest): (Vec<Slot>, Vec<Slot>) = std::mem::take(openings)
            .into_iter()
            .partition(|o| all || o.starts_at.to_zoned(tz.clone()).date() <= b);
        *openings = rest;
        with_openings(expand(ranges, exceptions, tz, a, b), within, exceptions, tz)
            .iter()
            .filter(|s| s.starts_at >= from && s.starts_at < to)
            .map(|s| i64::from(s.capacity))
            .sum()
    };
    let mut day = first;
    for plain in expanded.iter().map(|e| !e) {
        let plain = plain
            && (recurring.is_empty() || {
                // A weekly exception is looked for around the whole day.
                let start = day.to_zoned(tz.clone()).map(|z| z.timestamp());
                match start {
                    Ok(start) => !recurring.iter().any(|e| {
                        blocks(
                            e,
                            tz,
                            start.checked_sub(margin).unwrap_or(start),
                            start.checked_add(margin).unwrap_or(start),
                        )
                    }),
                    Err(_) => false,
                }
            });
        if plain {
            total += flush(&mut run, &mut openings, false);
            total += template[day.weekday().to_monday_zero_offset() as usize];
        } else {
            run = Some(run.map_or((day, day), |(a, _)| (a, day)));
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    total + flush(&mut run, &mut openings, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduling::slots::tests::range;
    use crate::scheduling::{ConsultationType, ExceptionKind};
    use jiff::civil::{Weekday, date};

    /// `places_offered` against building every slot, on random schedules in
    /// zones with clock changes of an hour or half an hour, offsets not in
    /// whole hours, exceptions (dated, weekly, over midnight), one-off slots
    /// and a reader in another zone.
    #[test]
    fn places_are_counted_as_the_slots_give_them() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as i64
        };
        let zones = [
            "Europe/Paris",
            "UTC",
            "America/St_Johns",
            "Australia/Lord_Howe",
            "Asia/Kathmandu",
            "America/Havana",
        ];
        for case in 0..60 {
            let tz = TimeZone::get(zones[case % zones.len()]).unwrap();
            let reader = TimeZone::get(zones[(case + 1) % zones.len()]).unwrap();
            let weekdays = [
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
                Weekday::Saturday,
                Weekday::Sunday,
            ];
            let ranges: Vec<WeeklyRange> = (0..next(8))
                .map(|i| {
                    let start = next(23) as i8;
                    let end = (start + 1 + next(24 - start as u64) as i8).min(23);
                    let mut r = range(
                        weekdays[next(7) as usize],
                        (start, [0, 30][next(2) as usize]),
                        (end, 59),
                        [15, 30, 45, 60, 90][next(5) as usize],
                    );
                    r.id = i + 1;
                    r.capacity = 1 + next(3) as i32;
                    r.active = next(10) > 0;
                    r
                })
                .collect();
            let first = date(2026, 1, 1)
                .checked_add(Span::new().days(next(300)))
                .unwrap();
            let last = first.checked_add(Span::new().days(next(400))).unwrap();
            let from = first.to_zoned(reader.clone()).unwrap().timestamp();
            let to = last
                .tomorrow()
                .unwrap()
                .to_zoned(reader.clone())
                .unwrap()
                .timestamp();
            let (wide_first, wide_last) = (
                from.to_zoned(tz.clone()).date(),
                (to - SignedDuration::from_millis(1))
                    .to_zoned(tz.clone())
                    .date(),
            );
            let instant = |next: &mut dyn FnMut(u64) -> i64| {
                from.checked_add(SignedDuration::from_mins(next(
                    ((to.as_second() - from.as_second()) / 60).max(1) as u64,
                )))
                .unwrap()
            };
            let exceptions: Vec<Exception> = (0..next(6))
                .map(|i| {
                    let starts_at = instant(&mut next);
                    let minutes = [45, 180, 600, 1440, 4320, 10_080][next(6) as usize];
                    Exception {
                        id: i,
                        starts_at,
                        ends_at: starts_at
                            .checked_add(SignedDuration::from_mins(minutes))
                            .unwrap(),
                        kind: ExceptionKind::Busy,
                        recurring_weekly: next(3) == 0 && minutes < 1440,
                    }
                })
                .collect();
            let openings: Vec<Slot> = (0..next(6))
                .map(|i| {
                    let starts_at = instant(&mut next);
                    Slot {
                        starts_at,
                        ends_at: starts_at
                            .checked_add(SignedDuration::from_mins(30 + next(120)))
                            .unwrap(),
                        availability_id: 0,
                        opening_id: Some(i),
                        consultation_type: ConsultationType::Both,
                        capacity: 1 + next(2) as i32,
                        location: None,
                    }
                })
                .collect();
            let slow: i64 = with_openings(
                expand(&ranges, &exceptions, &tz, wide_first, wide_last),
                openings.clone(),
                &exceptions,
                &tz,
            )
            .iter()
            .filter(|s| s.starts_at >= from && s.starts_at < to)
            .map(|s| i64::from(s.capacity))
            .sum();
            let fast = places_offered(
                &ranges,
                &exceptions,
                openings,
                &tz,
                wide_first,
                wide_last,
                from,
                to,
            );
            assert_eq!(fast, slow, "case {case} in {tz:?} from {first} to {last}");
        }
    }
}
