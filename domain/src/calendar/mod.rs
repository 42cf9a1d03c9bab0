//! iCalendar (RFC 5545) documents: events carry their wall-clock times with a
//! `TZID`, and every zone used gets a `VTIMEZONE` describing its offsets over the
//! period covered, built from the bundled time zone database.
//!
//! [`availability`] turns a doctor's slots into the events of their
//! availability export.

pub mod availability;

use std::fmt::Write;

use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

use crate::error::{DomainError, DomainResult};

/// One event of a calendar.
#[derive(Debug, Clone)]
pub struct CalEvent {
    /// Stable and globally unique (`appointment-42@medplat`).
    pub uid: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// IANA zone its times are written in.
    pub timezone: String,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    pub status: Option<EventStatus>,
    /// Shown as free time (`TRANSP:TRANSPARENT`) rather than busy
    /// (`TRANSP:OPAQUE`).
    pub transparent: bool,
}

fn local(ts: Timestamp, tz: &TimeZone) -> DomainResult<chrono::NaiveDateTime> {
    let dt = ts.to_zoned(tz.clone()).datetime();
    chrono::NaiveDate::from_ymd_opt(
        i32::from(dt.year()),
        u32::try_from(dt.month()).map_err(DomainError::internal)?,
        u32::try_from(dt.day()).map_err(DomainError::internal)?,
    )
    .and_then(|d| {
        d.and_hms_opt(
            u32::try_from(dt.hour()).ok()?,
            u32::try_from(dt.minute()).ok()?,
            u32::try_from(dt.second()).ok()?,
        )
    })
    .ok_or_else(|| DomainError::internal("date out of range"))
}

/// The product identifier every document carries.
pub const PRODID: &str = "-//MedPlat//Agenda//FR";

/// The calendar named `name` holding `events`, as RFC 5545 text (CRLF lines):
/// one `VERSION`, one `PRODID`, one `VTIMEZONE` per zone the events use.
pub fn render(name: &str, events: &[CalEvent], now: Timestamp) -> DomainResult<String> {
    // `Calendar::new()` would bring its own PRODID: start empty instead.
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODID))
        .append_property(("CALSCALE", "GREGORIAN"))
        .name(name);
    let stamp = utc(now)?;
    let mut zones: Vec<&str> = Vec::new();
    let (mut first, mut last) = (now, now);
    for e in events {
        let tz = TimeZone::get(&e.timezone).map_err(DomainError::internal)?;
        if !zones.contains(&e.timezone.as_str()) {
            zones.push(&e.timezone);
        }
        first = first.min(e.starts_at);
        last = last.max(e.ends_at);
        let at = |ts| -> DomainResult<CalendarDateTime> {
            Ok(CalendarDateTime::WithTimezone {
                date_time: local(ts, &tz)?,
                tzid: e.timezone.clone(),
            })
        };
        let mut event = Event::new();
        event
            .uid(&e.uid)
            .timestamp(stamp)
            .starts(at(e.starts_at)?)
            .ends(at(e.ends_at)?)
            .summary(&e.summary)
            .description(&e.description);
        if let Some(location) = &e.location {
            event.location(location);
        }
        if let Some(status) = e.status {
            event.status(status);
        }
        event.add_property(
            "TRANSP",
            if e.transparent {
                "TRANSPARENT"
            } else {
                "OPAQUE"
            },
        );
        calendar.push(event.done());
    }
    let mut zone_text = String::new();
    for zone in zones {
        zone_text.push_str(&vtimezone(zone, first, last)?);
    }
    let text = calendar.done().to_string();
    // icalendar has no VTIMEZONE component: the blocks go before the first
    // component (or the end of an empty calendar).
    let at = text
        .find("BEGIN:VEVENT")
        .or_else(|| text.find("END:VCALENDAR"))
        .ok_or_else(|| DomainError::internal("calendar text has no end"))?;
    Ok(format!("{}{}{}", &text[..at], zone_text, &text[at..]))
}

fn utc(ts: Timestamp) -> DomainResult<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(ts.as_second(), 0)
        .ok_or_else(|| DomainError::internal("instant out of range"))
}

fn offset_text(offset: Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}{:02}", secs / 3600, (secs % 3600) / 60)
}

/// A `VTIMEZONE` for `name` whose observances cover `[from, to]`: the offset in
/// force at `from`, then each transition up to `to`.
pub fn vtimezone(name: &str, from: Timestamp, to: Timestamp) -> DomainResult<String> {
    let tz = TimeZone::get(name).map_err(DomainError::internal)?;
    let info = tz.to_offset_info(from);
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push_str("\r\n");
    };
    line(format!("BEGIN:VTIMEZONE\r\nTZID:{name}"));
    let observance = |kind: &str, start: String, before: Offset, after: Offset, abbr: &str| {
        let mut block = String::new();
        let _ = write!(
            block,
            "BEGIN:{kind}\r\nDTSTART:{start}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\nTZNAME:{abbr}\r\nEND:{kind}",
            offset_text(before),
            offset_text(after)
        );
        block
    };
    let kind = |dst: bool| if dst { "DAYLIGHT" } else { "STANDARD" };
    line(observance(
        kind(info.dst().is_dst()),
        "19700101T000000".into(),
        info.offset(),
        info.offset(),
        info.abbreviation(),
    ));
    let mut before = info.offset();
    for transition in tz.following(from) {
        if transition.timestamp() > to {
            break;
        }
        let onset = transition
            .timestamp()
            .to_zoned(TimeZone::fixed(before))
            .datetime()
            .strftime("%Y%m%dT%H%M%S")
            .to_string();
        line(observance(
            kind(transition.dst().is_dst()),
            onset,
            before,
            transition.offset(),
            transition.abbreviation(),
        ));
        before = transition.offset();
    }
    line("END:VTIMEZONE".into());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(uid: &str, start: &str, zone: &str) -> CalEvent {
        let starts_at: Timestamp = start.parse().unwrap();
        CalEvent {
            uid: uid.into(),
            starts_at,
            ends_at: starts_at + jiff::SignedDuration::from_mins(30),
            timezone: zone.into(),
            summary: "Consultation".into(),
            description: String::new(),
            location: None,
            status: None,
            transparent: false,
        }
    }

    #[test]
    fn one_version_one_prodid_one_vtimezone_per_zone() {
        let now: Timestamp = "2026-03-20T08:00:00Z".parse().unwrap();
        let events = [
            event("a@medplat", "2026-03-23T08:00:00Z", "Europe/Paris"),
            event("b@medplat", "2026-04-02T08:00:00Z", "Africa/Kinshasa"),
            event("c@medplat", "2026-04-03T08:00:00Z", "Europe/Paris"),
        ];
        let text = render("Agenda", &events, now).unwrap();
        let unfolded = icalendar::parser::unfold(&text);
        let parsed = icalendar::parser::read_calendar(&unfolded).unwrap();
        let count = |key: &str| {
            parsed
                .properties
                .iter()
                .filter(|p| p.name.as_str() == key)
                .count()
        };
        assert_eq!(count("PRODID"), 1, "{text}");
        assert_eq!(count("VERSION"), 1);
        assert_eq!(
            parsed
                .properties
                .iter()
                .find(|p| p.name.as_str() == "PRODID")
                .map(|p| p.val.as_str()),
            Some(PRODID)
        );
        let mut zones: Vec<String> = parsed
            .components
            .iter()
            .filter(|c| c.name.as_str() == "VTIMEZONE")
            .filter_map(|c| c.find_prop("TZID").map(|p| p.val.as_str().to_owned()))
            .collect();
        zones.sort();
        assert_eq!(zones, ["Africa/Kinshasa", "Europe/Paris"]);
        let events: Vec<_> = parsed
            .components
            .iter()
            .filter(|c| c.name.as_str() == "VEVENT")
            .collect();
        assert_eq!(events.len(), 3);
        for e in events {
            assert_eq!(
                e.find_prop("TRANSP").map(|p| p.val.as_str()),
                Some("OPAQUE")
            );
            let start = e.find_prop("DTSTART").unwrap();
            assert!(start.params.iter().any(|p| p.key.as_str() == "TZID"));
        }
        // An empty calendar is still one document with one PRODID.
        let empty = render("Agenda", &[], now).unwrap();
        assert_eq!(empty.matches("PRODID:").count(), 1);
        assert_eq!(empty.matches("BEGIN:VTIMEZONE").count(), 0);
    }

    #[test]
    fn paris_spring_forward_is_described() {
        let from: Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2026-04-30T00:00:00Z".parse().unwrap();
        let text = vtimezone("Europe/Paris", from, to).unwrap();
        assert!(text.contains("TZID:Europe/Paris"));
        assert!(text.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"
        ));
        let fixed = vtimezone("Africa/Kinshasa", from, to).unwrap();
        assert_eq!(fixed.matches("BEGIN:STANDARD").count(), 1);
        assert!(fixed.contains("TZOFFSETTO:+0100"));
    }
}
