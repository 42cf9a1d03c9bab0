//! The availability export read back with an iCalendar parser, on SQLite and
//! PostgreSQL: free slots merged per weekly range and day with their places,
//! busy events for full slots, exceptions and one-off slots as the free-slot
//! search has them, and the weeks clocks change.

use crate::support;

use domain::accounts::Role;
use domain::auth::Principal;
use domain::scheduling::ConsultationType;
use domain::scheduling::forms::{AvailabilityForm, ExceptionForm};
use domain::scheduling::openings::OpeningForm;
use domain::services::Services;
use domain::services::appointments::NewBooking;
use icalendar::parser::{Component, read_calendar, unfold};
use jiff::Timestamp;
use support::{now, principal};

fn range(day: i64, start: &str, end: &str, places: i64) -> AvailabilityForm {
    AvailabilityForm {
        day_of_week: Some(day),
        start_time: Some(start.into()),
        end_time: Some(end.into()),
        consultation_type: Some("both".into()),
        duration_minutes: Some(30),
        max_consultations: Some(places),
        location: Some("Cabinet".into()),
        is_active: Some(true),
    }
}

/// An event as read back: DTSTART and DTEND values with their TZID, summary,
/// transparency, UID.
#[derive(Debug)]
struct Read {
    start: String,
    end: String,
    summary: String,
    transp: String,
    uid: String,
}

fn prop(c: &Component<'_>, name: &str) -> String {
    c.find_prop(name)
        .map(|p| p.val.as_str().to_owned())
        .unwrap_or_default()
}

fn with_zone(c: &Component<'_>, name: &str) -> String {
    let p = c.find_prop(name).expect("a start and an end");
    let tzid = p
        .params
        .iter()
        .find(|param| param.key.as_str() == "TZID")
        .and_then(|param| param.val.as_ref())
        .map(|v| v.as_str().to_owned())
        .expect("times carry their TZID");
    format!("{tzid}:{}", p.val.as_str())
}

/// Parses an export, checks its envelope (one VERSION, one PRODID, one
/// VTIMEZONE for the doctor's zone) and returns its events.
fn parse(body: &str) -> Vec<Read> {
    let unfolded = unfold(body);
    let calendar = read_calendar(&unfolded).unwrap();
    let count = |key: &str| {
        calendar
            .properties
            .iter()
            .filter(|p| p.name.as_str() == key)
            .count()
    };
    assert_eq!(count("PRODID"), 1);
    assert_eq!(count("VERSION"), 1);
    let zones: Vec<String> = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VTIMEZONE")
        .map(|c| prop(c, "TZID"))
        .collect();
    assert_eq!(zones, ["Europe/Paris"]);
    calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|c| Read {
            start: with_zone(c, "DTSTART"),
            end: with_zone(c, "DTEND"),
            summary: prop(c, "SUMMARY"),
            transp: prop(c, "TRANSP"),
            uid: prop(c, "UID"),
        })
        .collect()
}

fn on<'a>(events: &'a [Read], day: &str) -> Vec<&'a Read> {
    let prefix = format!("Europe/Paris:{day}T");
    events
        .iter()
        .filter(|e| e.start.starts_with(&prefix))
        .collect()
}

fn summaries<'a>(events: &[&'a Read]) -> Vec<&'a str> {
    events.iter().map(|e| e.summary.as_str()).collect()
}

async fn book(s: &Services, patient: &Principal, doctor: &Principal, at: &str) {
    let booking = NewBooking {
        doctor_id: doctor.user_id,
        starts_at: at.parse().unwrap(),
        consultation_type: ConsultationType::InPerson,
        reason: "Contrôle".into(),
    };
    s.appointments.book(patient, &booking, now()).await.unwrap();
}

async fn free_runs_full_slots_exceptions_and_one_off_slots(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.ics").await;
    // Mondays 08:00–12:00 with two places per slot, 14:00–16:00 with one.
    for form in [range(0, "08:00", "12:00", 2), range(0, "14:00", "16:00", 1)] {
        s.scheduling.add_availability(&doctor, &form).await.unwrap();
    }
    // Monday 2030-01-07 (Paris is UTC+1): 10:00 full, 11:00 half taken.
    for (name, at) in [
        ("pat1", "2030-01-07T09:00:00Z"),
        ("pat2", "2030-01-07T09:00:00Z"),
        ("pat3", "2030-01-07T10:00:00Z"),
    ] {
        let patient = principal(s, Role::Patient, name).await;
        book(s, &patient, &doctor, at).await;
    }
    // The next Monday, 09:00–10:00 is blocked.
    let exception = ExceptionForm {
        start_datetime: Some("2030-01-14T08:00:00Z".into()),
        end_datetime: Some("2030-01-14T09:00:00Z".into()),
        exception_type: Some("training".into()),
        reason: Some("Formation".into()),
        is_recurring: Some(false),
    };
    s.scheduling
        .add_exception(&doctor, &exception)
        .await
        .unwrap();
    // A one-off slot on Tuesday 2030-01-08, 10:00–10:30 Paris, three places.
    let opening = OpeningForm {
        start: Some("2030-01-08T09:00:00Z".into()),
        end: Some("2030-01-08T09:30:00Z".into()),
        consultation_type: None,
        capacity: Some(3),
        location: None,
    };
    s.scheduling
        .open_slot(&doctor, &opening, now())
        .await
        .unwrap();

    let file = s
        .calendars
        .availability_ics(&doctor, None, now())
        .await
        .unwrap();
    let events = parse(&file.body);
    let first = on(&events, "20300107");
    assert_eq!(
        summaries(&first),
        [
            "Disponible 08:00–10:00 · 8 places",
            "Complet 10:00–10:30",
            "Disponible 10:30–12:00 · 5 places",
            "Disponible 14:00–16:00 · 4 places",
        ]
    );
    assert_eq!(first[0].start, "Europe/Paris:20300107T080000");
    assert_eq!(first[0].end, "Europe/Paris:20300107T100000");
    assert_eq!(first[1].end, "Europe/Paris:20300107T103000");
    let transp: Vec<&str> = first.iter().map(|e| e.transp.as_str()).collect();
    assert_eq!(
        transp,
        ["TRANSPARENT", "OPAQUE", "TRANSPARENT", "TRANSPARENT"]
    );
    assert_eq!(
        summaries(&on(&events, "20300108")),
        ["Disponible 10:00–10:30 · 3 places"]
    );
    assert_eq!(
        summaries(&on(&events, "20300114")),
        [
            "Disponible 08:00–09:00 · 4 places",
            "Disponible 10:00–12:00 · 8 places",
            "Disponible 14:00–16:00 · 4 places",
        ]
    );
    // Twelve Mondays, two events each but the first two, and the one-off slot.
    assert_eq!(events.len(), 10 * 2 + 4 + 3 + 1);

    // UIDs are unique and stable from one export to the next.
    let mut uids: Vec<&str> = events.iter().map(|e| e.uid.as_str()).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), events.len());
    let again = s
        .calendars
        .availability_ics(&doctor, None, now() + jiff::SignedDuration::from_mins(1))
        .await
        .unwrap();
    let again: Vec<String> = parse(&again.body).into_iter().map(|e| e.uid).collect();
    let before: Vec<String> = events.iter().map(|e| e.uid.clone()).collect();
    assert_eq!(again, before);
}

async fn export_across_the_clock_changes(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.dst").await;
    // Sundays 01:00–04:00 (the night clocks change) and Mondays 09:00–10:00.
    for form in [range(6, "01:00", "04:00", 1), range(0, "09:00", "10:00", 1)] {
        s.scheduling.add_availability(&doctor, &form).await.unwrap();
    }
    // Spring: on 2030-03-31, 02:00–03:00 does not exist.
    let spring: Timestamp = "2030-03-25T00:00:00Z".parse().unwrap();
    let file = s
        .calendars
        .availability_ics(&doctor, None, spring)
        .await
        .unwrap();
    assert!(file.body.contains(
        "BEGIN:DAYLIGHT\r\nDTSTART:20300331T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"
    ));
    let events = parse(&file.body);
    let sunday = on(&events, "20300331");
    assert_eq!(summaries(&sunday), ["Disponible 01:00–04:00 · 4 places"]);
    assert_eq!(sunday[0].end, "Europe/Paris:20300331T040000");
    let monday = on(&events, "20300401");
    assert_eq!(summaries(&monday), ["Disponible 09:00–10:00 · 2 places"]);
    assert_eq!(monday[0].start, "Europe/Paris:20300401T090000");

    // Autumn: on 2030-10-27, 02:00–03:00 happens twice and is offered once.
    let autumn: Timestamp = "2030-10-21T00:00:00Z".parse().unwrap();
    let file = s
        .calendars
        .availability_ics(&doctor, None, autumn)
        .await
        .unwrap();
    let events = parse(&file.body);
    let sunday = on(&events, "20301027");
    assert_eq!(summaries(&sunday), ["Disponible 01:00–04:00 · 6 places"]);
    assert_eq!(
        summaries(&on(&events, "20301028")),
        ["Disponible 09:00–10:00 · 2 places"]
    );
}

support::contract!(
    free_runs_full_slots_exceptions_and_one_off_slots,
    export_across_the_clock_changes,
);
