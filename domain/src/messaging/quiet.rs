//! Quiet hours: a local span of the day (`21:00`–`08:00`, possibly across
//! midnight) in the reader's time zone, during which nothing that is not
//! urgent is sent. Read with the time zone database, so the days clocks
//! change keep their local hours.

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;

/// The first instant at or after `at` outside the quiet hours from `start`
/// to `end` (local hour and minute in `zone`; an unknown zone reads as the
/// clinic's, Europe/Paris).
pub fn next_allowed(at: Timestamp, zone: &str, start: (i8, i8), end: (i8, i8)) -> Timestamp {
    let tz = TimeZone::get(zone)
        .or_else(|_| TimeZone::get("Europe/Paris"))
        .unwrap_or(TimeZone::UTC);
    let local = at.to_zoned(tz.clone());
    let minute_of = |(h, m): (i8, i8)| i32::from(h) * 60 + i32::from(m);
    let now = i32::from(local.hour()) * 60 + i32::from(local.minute());
    let (s, e) = (minute_of(start), minute_of(end));
    let quiet = if s < e {
        s <= now && now < e
    } else {
        now >= s || now < e
    };
    if !quiet {
        return at;
    }
    let mut day = local.date();
    if s > e && now >= s {
        day = day.tomorrow().unwrap_or(day);
    }
    let end_time = Time::new(end.0, end.1, 0, 0).unwrap_or(Time::midnight());
    day.to_datetime(end_time)
        .to_zoned(tz)
        .map(|z| z.timestamp())
        .unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::next_allowed;
    use jiff::Timestamp;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn overnight_quiet_hours_wait_for_the_morning_in_the_readers_zone() {
        // 22:30 in Paris (winter, UTC+1) is quiet until 08:00 the next day.
        let sent = next_allowed(at("2026-12-07T21:30:00Z"), "Europe/Paris", (21, 0), (8, 0));
        assert_eq!(sent, at("2026-12-08T07:00:00Z"));
        // 06:00 in Paris: quiet until 08:00 the same day.
        let sent = next_allowed(at("2026-12-08T05:00:00Z"), "Europe/Paris", (21, 0), (8, 0));
        assert_eq!(sent, at("2026-12-08T07:00:00Z"));
        // 12:00 in Paris: not quiet.
        let noon = at("2026-12-08T11:00:00Z");
        assert_eq!(next_allowed(noon, "Europe/Paris", (21, 0), (8, 0)), noon);
    }

    #[test]
    fn daytime_quiet_hours_and_a_clock_change() {
        // A nap from 13:00 to 15:00 in Kinshasa (UTC+1, no daylight saving).
        let sent = next_allowed(
            at("2026-12-08T12:30:00Z"),
            "Africa/Kinshasa",
            (13, 0),
            (15, 0),
        );
        assert_eq!(sent, at("2026-12-08T14:00:00Z"));
        // The night clocks go forward in Paris (29 March 2026): 08:00 is UTC+2.
        let sent = next_allowed(at("2026-03-28T22:00:00Z"), "Europe/Paris", (22, 0), (8, 0));
        assert_eq!(sent, at("2026-03-29T06:00:00Z"));
    }
}
