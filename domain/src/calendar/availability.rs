//! A doctor's availability as calendar events. Consecutive free slots of one
//! weekly range on one local day become one event that says how many places
//! are free ("Disponible 09:00–12:00 · 6 places"); slots whose every place is
//! taken stay visible as busy events ("Complet 10:00–10:30") and split the free
//! run around them. A one-off slot is an event of its own. Times in summaries
//! are wall-clock times in the doctor's zone.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::CalEvent;
use crate::accounts::UserId;
use crate::scheduling::ConsultationType;
use crate::services::scheduling::FreeSlot;

/// Where a slot comes from: a weekly range or a one-off slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Range(i64),
    Opening(i64),
}

impl Source {
    fn of(free: &FreeSlot) -> Self {
        match free.slot.opening_id {
            Some(id) => Self::Opening(id),
            None => Self::Range(free.slot.availability_id),
        }
    }

    fn tag(self) -> String {
        match self {
            Self::Range(id) => format!("r{id}"),
            Self::Opening(id) => format!("o{id}"),
        }
    }
}

/// Consecutive slots of one source on one local day, all free or all full.
struct Run<'a> {
    source: Source,
    first: &'a FreeSlot,
    last: &'a FreeSlot,
    last_local: DateTime,
    slots: usize,
    places: i32,
    full: bool,
}

impl Run<'_> {
    /// Whether `next` (of the same source, later) carries the run on: same day,
    /// same state, and starting where the last slot ends, in instants or in
    /// wall-clock time (the slot after a fall-back hour starts an hour later in
    /// instants but right after in wall-clock time).
    fn continues(&self, next: &FreeSlot, next_local: DateTime) -> bool {
        let step = self
            .last
            .slot
            .ends_at
            .duration_since(self.last.slot.starts_at);
        Source::of(next) == self.source
            && matches!(self.source, Source::Range(_))
            && (next.remaining == 0) == self.full
            && next_local.date() == self.last_local.date()
            && (next.slot.starts_at == self.last.slot.ends_at
                || self.last_local.checked_add(step).ok() == Some(next_local))
    }
}

fn hhmm(ts: Timestamp, tz: &TimeZone) -> String {
    let t = ts.to_zoned(tz.clone()).datetime();
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn kind_fr(kind: ConsultationType) -> &'static str {
    match kind {
        ConsultationType::InPerson => "au cabinet",
        ConsultationType::Remote => "à distance",
        ConsultationType::Both => "au cabinet ou à distance",
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Run<'_> {
    fn event(&self, doctor_id: UserId, timezone: &str, tz: &TimeZone) -> CalEvent {
        let slot = &self.first.slot;
        let hours = format!(
            "{}–{}",
            hhmm(slot.starts_at, tz),
            hhmm(self.last.slot.ends_at, tz)
        );
        let minutes = slot.ends_at.duration_since(slot.starts_at).as_mins();
        let slots = i64::try_from(self.slots).unwrap_or(i64::MAX);
        let (summary, state) = if self.full {
            (format!("Complet {hours}"), "complet".to_owned())
        } else {
            (
                format!(
                    "Disponible {hours} · {}",
                    plural(i64::from(self.places), "place", "places")
                ),
                plural(slots, "créneau libre", "créneaux libres"),
            )
        };
        CalEvent {
            uid: format!(
                "avail-{doctor_id}-{}-{}@medplat",
                self.source.tag(),
                slot.starts_at.as_second()
            ),
            starts_at: slot.starts_at,
            ends_at: self.last.slot.ends_at,
            timezone: timezone.to_owned(),
            summary,
            description: format!(
                "Consultations de {minutes} min {} · {state}",
                kind_fr(slot.consultation_type)
            ),
            location: slot.location.clone(),
            status: None,
            transparent: !self.full,
        }
    }
}

/// The events of one doctor's `slots` (free and full, any order), written in
/// `timezone` (`tz` is that zone): merged runs of free slots, merged runs of
/// full slots, one event per one-off slot; by start time. UIDs are stable: the
/// doctor, the weekly range or one-off slot, and the run's first instant.
pub fn events(
    doctor_id: UserId,
    timezone: &str,
    tz: &TimeZone,
    slots: &[FreeSlot],
) -> Vec<CalEvent> {
    let mut ordered: Vec<&FreeSlot> = slots.iter().collect();
    ordered.sort_by_key(|f| (Source::of(f), f.slot.starts_at));
    let mut events = Vec::new();
    let mut run: Option<Run<'_>> = None;
    for free in ordered {
        let local = free.slot.starts_at.to_zoned(tz.clone()).datetime();
        match run.as_mut() {
            Some(current) if current.continues(free, local) => {
                current.last = free;
                current.last_local = local;
                current.slots += 1;
                current.places += free.remaining;
            }
            _ => {
                if let Some(done) = run.take() {
                    events.push(done.event(doctor_id, timezone, tz));
                }
                run = Some(Run {
                    source: Source::of(free),
                    first: free,
                    last: free,
                    last_local: local,
                    slots: 1,
                    places: free.remaining,
                    full: free.remaining == 0,
                });
            }
        }
    }
    if let Some(done) = run {
        events.push(done.event(doctor_id, timezone, tz));
    }
    events.sort_by(|a, b| (a.starts_at, &a.uid).cmp(&(b.starts_at, &b.uid)));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduling::slots::Slot;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn slot(local: &str, range: i64, remaining: i32, capacity: i32) -> FreeSlot {
        let start: DateTime = local.parse().unwrap();
        let starts_at = paris().to_ambiguous_timestamp(start).earlier().unwrap();
        FreeSlot {
            doctor_id: 7,
            slot: Slot {
                starts_at,
                ends_at: starts_at + jiff::SignedDuration::from_mins(30),
                availability_id: range,
                opening_id: None,
                consultation_type: ConsultationType::Both,
                capacity,
                location: Some("Cabinet".into()),
            },
            remaining,
        }
    }

    fn summaries(events: &[CalEvent]) -> Vec<&str> {
        events.iter().map(|e| e.summary.as_str()).collect()
    }

    #[test]
    fn free_runs_merge_and_full_slots_split_them() {
        let slots = [
            slot("2030-01-07T09:00", 1, 2, 2),
            slot("2030-01-07T09:30", 1, 1, 2),
            slot("2030-01-07T10:00", 1, 0, 2),
            slot("2030-01-07T10:30", 1, 0, 2),
            slot("2030-01-07T11:00", 1, 1, 2),
            // Another range the same day, then the same range the next day.
            slot("2030-01-07T14:00", 2, 2, 2),
            slot("2030-01-08T09:00", 1, 2, 2),
        ];
        let events = events(7, "Europe/Paris", &paris(), &slots);
        assert_eq!(
            summaries(&events),
            [
                "Disponible 09:00–10:00 · 3 places",
                "Complet 10:00–11:00",
                "Disponible 11:00–11:30 · 1 place",
                "Disponible 14:00–14:30 · 2 places",
                "Disponible 09:00–09:30 · 2 places",
            ]
        );
        assert!(events[0].transparent && !events[1].transparent);
        assert_eq!(
            events[0].description,
            "Consultations de 30 min au cabinet ou à distance · 2 créneaux libres"
        );
        assert_eq!(
            events[0].uid,
            format!("avail-7-r1-{}@medplat", slots[0].slot.starts_at.as_second())
        );
        assert_eq!(events[1].ends_at, slots[4].slot.starts_at);
    }

    #[test]
    fn a_gap_or_a_one_off_slot_ends_a_run() {
        let mut opening = slot("2030-01-07T10:00", 0, 1, 1);
        opening.slot.opening_id = Some(4);
        let slots = [
            slot("2030-01-07T09:00", 1, 1, 1),
            // 09:30 is blocked by an exception: no slot.
            slot("2030-01-07T10:30", 1, 1, 1),
            opening,
        ];
        let events = events(7, "Europe/Paris", &paris(), &slots);
        assert_eq!(
            summaries(&events),
            [
                "Disponible 09:00–09:30 · 1 place",
                "Disponible 10:00–10:30 · 1 place",
                "Disponible 10:30–11:00 · 1 place",
            ]
        );
        assert!(events[1].uid.starts_with("avail-7-o4-"));
    }

    #[test]
    fn runs_cross_the_hours_clocks_skip_or_repeat() {
        // 2030-03-31: 02:00 does not exist; the 01:30 slot ends at 03:00.
        let mut spring = vec![
            slot("2030-03-31T01:00", 1, 1, 1),
            slot("2030-03-31T01:30", 1, 1, 1),
            slot("2030-03-31T03:00", 1, 1, 1),
        ];
        spring[1].slot.ends_at = spring[2].slot.starts_at;
        let events_spring = events(7, "Europe/Paris", &paris(), &spring);
        assert_eq!(
            summaries(&events_spring),
            ["Disponible 01:00–03:30 · 3 places"]
        );
        // 2030-10-27: 02:00–03:00 happens twice; slots sit at first occurrences.
        let fall = [
            slot("2030-10-27T02:00", 1, 1, 1),
            slot("2030-10-27T02:30", 1, 1, 1),
            slot("2030-10-27T03:00", 1, 1, 1),
        ];
        let events_fall = events(7, "Europe/Paris", &paris(), &fall);
        assert_eq!(
            summaries(&events_fall),
            ["Disponible 02:00–03:30 · 3 places"]
        );
    }
}
