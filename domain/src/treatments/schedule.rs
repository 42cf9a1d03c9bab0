//! The arithmetic of a treatment on the patient's clock: when it ends, how
//! many days are left, when each dose falls, and how faithfully it was taken.
//! Pure functions over a time zone, shared by the server and the browser.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The usual times of `frequency` doses a day: once at 08:00; two to four
/// spread from 08:00 to 20:00; more at equal intervals round the clock from
/// 06:00.
pub fn default_dose_times(frequency: i64) -> Vec<Time> {
    let minutes: Vec<i64> = match frequency {
        ..=0 => Vec::new(),
        1 => vec![8 * 60],
        2..=4 => (0..frequency)
            .map(|i| 8 * 60 + i * 12 * 60 / (frequency - 1))
            .collect(),
        _ => (0..frequency)
            .map(|i| (6 * 60 + i * 24 * 60 / frequency) % (24 * 60))
            .collect(),
    };
    let mut times: Vec<Time> = minutes.into_iter().filter_map(clock).collect();
    times.sort();
    times
}

fn clock(minutes: i64) -> Option<Time> {
    let hour = i8::try_from(minutes / 60).ok()?;
    let minute = i8::try_from(minutes % 60).ok()?;
    Time::new(hour, minute, 0, 0).ok()
}

/// A dose time as `HH:MM`.
pub fn format_time(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// Reads `HH:MM` (or `H:MM`), 00:00–23:59.
pub fn parse_time(raw: &str) -> Option<Time> {
    let (hour, minute) = raw.trim().split_once(':')?;
    if hour.is_empty() || hour.len() > 2 || minute.len() != 2 {
        return None;
    }
    let hour: i8 = hour.parse().ok()?;
    let minute: i8 = minute.parse().ok()?;
    Time::new(hour, minute, 0, 0).ok()
}

/// `started_at` plus `duration_days` days on the patient's clock (a week
/// started at 10:00 ends at 10:00, summer time or not).
pub fn end_of(started_at: Timestamp, duration_days: i64, tz: &TimeZone) -> Timestamp {
    let start = started_at.to_zoned(tz.clone());
    start
        .checked_add(duration_days.days())
        .map(|z| z.timestamp())
        .unwrap_or(started_at)
}

/// The patient's day at `at`.
pub fn day_of(at: Timestamp, tz: &TimeZone) -> Date {
    at.to_zoned(tz.clone()).date()
}

/// Days left (seed's `jours_restants`): from the patient's today to the day
/// the treatment ends, never negative and never more than its duration.
pub fn days_left(started_at: Timestamp, end: Timestamp, now: Timestamp, tz: &TimeZone) -> i64 {
    let today = day_of(now, tz);
    let last = day_of(end, tz);
    let first = day_of(started_at, tz);
    let span = |from: Date, to: Date| -> i64 {
        from.until(to).map(|s| i64::from(s.get_days())).unwrap_or(0)
    };
    let left = span(today, last).max(0);
    left.min(span(first, last).max(0))
}

/// One scheduled dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub day: Date,
    pub time: Time,
    pub at: Timestamp,
}

/// The doses due from `started_at` (included) to `end` (excluded), on days
/// `from..=to` of the patient's calendar. A time a clock change skips falls
/// at the first instant after the gap.
pub fn doses(
    started_at: Timestamp,
    end: Timestamp,
    times: &[Time],
    tz: &TimeZone,
    from: Date,
    to: Date,
) -> Vec<Slot> {
    let first = day_of(started_at, tz).max(from);
    let last = day_of(end, tz).min(to);
    let mut slots = Vec::new();
    let mut day = first;
    while day <= last {
        for &time in times {
            let Ok(zoned) = day.to_datetime(time).to_zoned(tz.clone()) else {
                continue;
            };
            let at = zoned.timestamp();
            if at >= started_at && at < end {
                slots.push(Slot { day, time, at });
            }
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    slots
}

/// Doses due up to `now`, taken and skipped among them, and the rate
/// `taken / due` (absent before the first is due). `recorded` says what the
/// patient ticked for a (day, time).
pub fn adherence(
    slots: &[Slot],
    now: Timestamp,
    recorded: impl Fn(Date, Time) -> Option<crate::treatments::DoseStatus>,
) -> (i64, i64, i64, Option<f64>) {
    use crate::treatments::DoseStatus;
    let (mut due, mut taken, mut skipped) = (0_i64, 0_i64, 0_i64);
    for slot in slots.iter().filter(|s| s.at <= now) {
        due += 1;
        match recorded(slot.day, slot.time) {
            Some(DoseStatus::Taken) => taken += 1,
            Some(DoseStatus::Skipped) => skipped += 1,
            None => {}
        }
    }
    let rate = (due > 0).then(|| taken as f64 / due as f64);
    (due, taken, skipped, rate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::treatments::DoseStatus;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    #[test]
    fn default_times_spread_over_the_day() {
        let text = |n| {
            default_dose_times(n)
                .into_iter()
                .map(format_time)
                .collect::<Vec<_>>()
        };
        assert_eq!(text(1), ["08:00"]);
        assert_eq!(text(2), ["08:00", "20:00"]);
        assert_eq!(text(3), ["08:00", "14:00", "20:00"]);
        assert_eq!(text(4), ["08:00", "12:00", "16:00", "20:00"]);
        assert_eq!(
            text(6),
            ["02:00", "06:00", "10:00", "14:00", "18:00", "22:00"]
        );
        for n in 1..=12 {
            let times = default_dose_times(n);
            assert_eq!(times.len() as i64, n, "{n} a day");
            assert!(times.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!(
            parse_time("8:05").map(format_time).as_deref(),
            Some("08:05")
        );
        assert_eq!(
            parse_time(" 23:59 ").map(format_time).as_deref(),
            Some("23:59")
        );
        for bad in ["24:00", "12:60", "12", "12:5", "ab:cd", "", "123:00"] {
            assert!(parse_time(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_seed_example_ends_a_week_later_with_seven_days_left() {
        let start = ts("2024-03-20T10:00:00Z");
        let end = end_of(start, 7, &TimeZone::UTC);
        assert_eq!(end, ts("2024-03-27T10:00:00Z"));
        assert_eq!(days_left(start, end, start, &TimeZone::UTC), 7);
        assert_eq!(
            days_left(start, end, ts("2024-03-22T09:00:00Z"), &TimeZone::UTC),
            5
        );
    }

    #[test]
    fn days_left_never_go_negative_nor_past_the_duration() {
        let start = ts("2024-03-20T10:00:00Z");
        let end = end_of(start, 7, &TimeZone::UTC);
        assert_eq!(
            days_left(start, end, ts("2024-03-27T09:00:00Z"), &TimeZone::UTC),
            0
        );
        assert_eq!(
            days_left(start, end, ts("2024-04-30T00:00:00Z"), &TimeZone::UTC),
            0
        );
        // Not started yet: the whole duration, not more.
        assert_eq!(
            days_left(start, end, ts("2024-03-01T00:00:00Z"), &TimeZone::UTC),
            7
        );
    }

    #[test]
    fn days_are_counted_on_the_patients_calendar() {
        let start = ts("2024-03-20T10:00:00Z");
        let end = end_of(start, 7, &TimeZone::UTC);
        // 09:00 UTC on the 26th: the 26th in London, already 23:00 on the
        // 26th in Kiritimati (UTC+14), where the end falls on the 28th.
        let now = ts("2024-03-26T09:00:00Z");
        let kiritimati = TimeZone::get("Pacific/Kiritimati").unwrap();
        assert_eq!(days_left(start, end, now, &TimeZone::UTC), 1);
        assert_eq!(days_left(start, end, now, &kiritimati), 2);
        // 10:30 UTC: midnight has passed in Kiritimati (the 27th).
        assert_eq!(
            days_left(start, end, ts("2024-03-26T10:30:00Z"), &kiritimati),
            1
        );
    }

    #[test]
    fn a_week_across_the_spring_change_ends_at_the_same_wall_time() {
        let tz = paris();
        // Paris moves to summer time on 31 March 2024.
        let start = ts("2024-03-28T09:00:00Z"); // 10:00 in Paris
        let end = end_of(start, 7, &tz);
        assert_eq!(end, ts("2024-04-04T08:00:00Z")); // 10:00 in Paris again
    }

    #[test]
    fn doses_fall_between_start_and_end_on_the_patients_clock() {
        let tz = paris();
        let start = ts("2026-12-01T10:30:00Z"); // 11:30 in Paris
        let end = end_of(start, 2, &tz);
        let times = default_dose_times(3); // 08:00, 14:00, 20:00
        let first = day_of(start, &tz);
        let slots = doses(start, end, &times, &tz, first, day_of(end, &tz));
        let text: Vec<String> = slots
            .iter()
            .map(|s| format!("{} {}", s.day, format_time(s.time)))
            .collect();
        assert_eq!(
            text,
            [
                "2026-12-01 14:00",
                "2026-12-01 20:00",
                "2026-12-02 08:00",
                "2026-12-02 14:00",
                "2026-12-02 20:00",
                "2026-12-03 08:00",
            ]
        );
        assert_eq!(slots[0].at, ts("2026-12-01T13:00:00Z"));
    }

    #[test]
    fn adherence_counts_only_doses_whose_time_has_come() {
        let tz = TimeZone::UTC;
        let start = ts("2026-12-01T00:00:00Z");
        let end = end_of(start, 3, &tz);
        let times = default_dose_times(2);
        let slots = doses(
            start,
            end,
            &times,
            &tz,
            day_of(start, &tz),
            day_of(end, &tz),
        );
        assert_eq!(slots.len(), 6);
        let now = ts("2026-12-02T12:00:00Z"); // 3 doses due
        let first_day: Date = "2026-12-01".parse().unwrap();
        let (due, taken, skipped, rate) = adherence(&slots, now, |day, time| {
            (day == first_day).then_some(if time.hour() == 8 {
                DoseStatus::Taken
            } else {
                DoseStatus::Skipped
            })
        });
        assert_eq!((due, taken, skipped), (3, 1, 1));
        assert!((rate.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        let (due, _, _, rate) = adherence(&slots, start, |_, _| None);
        assert_eq!((due, rate), (0, None));
    }
}
