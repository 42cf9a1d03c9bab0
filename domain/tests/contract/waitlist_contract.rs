//! One-off slots, the waitlist with timed offers, notifications and calendars,
//! on SQLite and PostgreSQL. `now` is fixed: Monday 2030-01-07, midnight UTC.

use crate::support;

use domain::accounts::Role;
use domain::auth::Principal;
use domain::notifications::Notice;
use domain::scheduling::ConsultationType;
use domain::scheduling::appointments::{Action, AppointmentStatus};
use domain::scheduling::forms::AvailabilityForm;
use domain::scheduling::openings::OpeningForm;
use domain::scheduling::waitlist::WaitStatus;
use domain::services::Services;
use domain::services::appointments::NewBooking;
use icalendar::Component;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use support::{code, now, principal};

/// Tuesdays 09:00–10:00 Paris, two 30-minute slots of one place.
async fn doctor_with_tuesdays(s: &Services) -> Principal {
    let doctor = principal(s, Role::Doctor, "dr.w").await;
    let form = AvailabilityForm {
        day_of_week: Some(1),
        start_time: Some("09:00".into()),
        end_time: Some("10:00".into()),
        consultation_type: Some("both".into()),
        duration_minutes: Some(30),
        max_consultations: Some(1),
        location: Some("Cabinet".into()),
        is_active: Some(true),
    };
    s.scheduling.add_availability(&doctor, &form).await.unwrap();
    doctor
}

fn booking(doctor: &Principal, start: &str) -> NewBooking {
    NewBooking {
        doctor_id: doctor.user_id,
        starts_at: start.parse().unwrap(),
        consultation_type: ConsultationType::InPerson,
        reason: String::new(),
    }
}

async fn tuesday_free(s: &Services, doctor: &Principal, at: Timestamp) -> usize {
    s.scheduling
        .free_slots(doctor.user_id, date(2030, 1, 8), date(2030, 1, 8), None, at)
        .await
        .unwrap()
        .len()
}

async fn offers_of(s: &Services, who: &Principal) -> Vec<Notice> {
    let (list, _) = s.notifications.mine(who).await.unwrap();
    list.into_iter()
        .map(|n| n.notice)
        .filter(|n| {
            matches!(
                n,
                Notice::WaitlistOffer { .. } | Notice::WaitlistExpired { .. }
            )
        })
        .collect()
}

async fn one_off_slots_are_offered_and_booked(s: &Services) {
    let doctor = doctor_with_tuesdays(s).await;
    let other = principal(s, Role::Doctor, "dr.other").await;
    let marie = principal(s, Role::Patient, "marie").await;
    let paul = principal(s, Role::Patient, "paul").await;
    let form = |start: &str, end: &str| OpeningForm {
        start: Some(start.into()),
        end: Some(end.into()),
        ..OpeningForm::default()
    };
    let saturday = s
        .scheduling
        .open_slot(
            &doctor,
            &form("2030-01-12T10:00:00Z", "2030-01-12T10:45:00Z"),
            now(),
        )
        .await
        .unwrap();
    let id = saturday.opening_id.unwrap();
    assert_eq!(
        code(
            s.scheduling
                .open_slot(
                    &doctor,
                    &form("2030-01-08T08:15:00Z", "2030-01-08T08:45:00Z"),
                    now()
                )
                .await
        ),
        "slot_overlap",
        "overlaps the weekly Tuesday slots"
    );
    assert_eq!(
        code(
            s.scheduling
                .open_slot(
                    &doctor,
                    &form("2030-01-12T10:30:00Z", "2030-01-12T11:00:00Z"),
                    now()
                )
                .await
        ),
        "slot_overlap"
    );
    assert_eq!(
        code(
            s.scheduling
                .open_slot(
                    &marie,
                    &form("2030-01-13T10:00:00Z", "2030-01-13T10:30:00Z"),
                    now()
                )
                .await
        ),
        "permission_denied"
    );
    let bookable = s
        .scheduling
        .bookable_openings(&marie, None, now())
        .await
        .unwrap();
    assert_eq!(
        code(s.scheduling.bookable_openings(&doctor, None, now()).await),
        "permission_denied"
    );
    assert_eq!(bookable.len(), 1);
    assert_eq!(bookable[0].slot.opening_id, Some(id));
    let saturday_free = s
        .scheduling
        .free_slots(
            doctor.user_id,
            date(2030, 1, 12),
            date(2030, 1, 12),
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(saturday_free.len(), 1, "one-off slots join the search");

    assert_eq!(
        code(
            s.appointments
                .reserve(&marie, id, other.user_id, now())
                .await
        ),
        "not_found",
        "the slot is not that doctor's"
    );
    let booked = s
        .appointments
        .reserve(&marie, id, doctor.user_id, now())
        .await
        .unwrap();
    assert_eq!(
        booked.ends_at.duration_since(booked.starts_at),
        SignedDuration::from_mins(45)
    );
    assert_eq!(
        code(
            s.appointments
                .reserve(&paul, id, doctor.user_id, now())
                .await
        ),
        "slot_full"
    );
    assert!(
        s.scheduling
            .bookable_openings(&paul, None, now())
            .await
            .unwrap()
            .is_empty()
    );
    // The doctor heard of the request.
    let (inbox, unread) = s.notifications.mine(&doctor).await.unwrap();
    assert_eq!(unread, 1);
    assert!(matches!(
        &inbox[0].notice,
        Notice::AppointmentRequested { appointment_id, .. } if *appointment_id == booked.id
    ));
    assert_eq!(s.notifications.mark_read(&doctor, None).await.unwrap(), 1);
    assert_eq!(s.notifications.mine(&doctor).await.unwrap().1, 0);
}

async fn freed_places_go_to_the_waitlist_in_turn(s: &Services) {
    let doctor = doctor_with_tuesdays(s).await;
    let [p1, p2, p3, p4, p5] = [
        principal(s, Role::Patient, "pat1").await,
        principal(s, Role::Patient, "pat2").await,
        principal(s, Role::Patient, "pat3").await,
        principal(s, Role::Patient, "pat4").await,
        principal(s, Role::Patient, "pat5").await,
    ];
    let first = s
        .appointments
        .book(&p1, &booking(&doctor, "2030-01-08T08:00:00Z"), now())
        .await
        .unwrap();
    let second = s
        .appointments
        .book(&p2, &booking(&doctor, "2030-01-08T08:30:00Z"), now())
        .await
        .unwrap();
    let tuesday = date(2030, 1, 8);
    let any = ConsultationType::Both;
    let e3 = s
        .waitlist
        .join(&p3, doctor.user_id, tuesday, any, now())
        .await
        .unwrap();
    let e4 = s
        .waitlist
        .join(&p4, doctor.user_id, tuesday, any, now())
        .await
        .unwrap();
    assert_eq!(
        code(
            s.waitlist
                .join(&p3, doctor.user_id, tuesday, any, now())
                .await
        ),
        "already_waiting"
    );
    assert_eq!(
        code(
            s.waitlist
                .join(&p3, doctor.user_id, date(2030, 1, 15), any, now())
                .await
        ),
        "slots_available"
    );
    assert_eq!(
        code(
            s.waitlist
                .join(&doctor, doctor.user_id, tuesday, any, now())
                .await
        ),
        "permission_denied"
    );

    // p1 cancels: the place is held for p3, not offered to everyone.
    s.appointments
        .act(&p1, first.id, Action::Cancel, None, now())
        .await
        .unwrap();
    assert_eq!(tuesday_free(s, &doctor, now()).await, 0);
    assert!(matches!(
        offers_of(s, &p3).await.as_slice(),
        [Notice::WaitlistOffer { entry_id, .. }] if *entry_id == e3.id
    ));
    assert_eq!(
        code(s.waitlist.accept(&p4, e3.id, now()).await),
        "not_found",
        "nobody takes another's offer"
    );
    assert_eq!(code(s.waitlist.accept(&p4, e4.id, now()).await), "no_offer");

    // The hold (60 minutes by default) runs out: the offer passes to p4.
    let later = now() + SignedDuration::from_mins(61);
    assert_eq!(s.waitlist.expire_offers(now()).await.unwrap(), 0);
    assert_eq!(s.waitlist.expire_offers(later).await.unwrap(), 1);
    assert_eq!(
        code(s.waitlist.accept(&p3, e3.id, later).await),
        "offer_expired"
    );
    assert!(matches!(
        offers_of(s, &p3).await.first(),
        Some(Notice::WaitlistExpired { .. })
    ));
    let taken = s.waitlist.accept(&p4, e4.id, later).await.unwrap();
    assert_eq!(
        (taken.patient_id, taken.status, taken.starts_at),
        (p4.user_id, AppointmentStatus::Pending, first.starts_at)
    );
    assert_eq!(tuesday_free(s, &doctor, later).await, 0);
    let mine = s.waitlist.mine(&p4, later).await.unwrap();
    assert_eq!(
        (mine[0].status, mine[0].appointment_id),
        (WaitStatus::Booked, Some(taken.id))
    );

    // Nobody waits any more: the next freed place is simply released.
    s.appointments
        .act(&p2, second.id, Action::Cancel, None, later)
        .await
        .unwrap();
    assert_eq!(tuesday_free(s, &doctor, later).await, 1);
    assert_eq!(
        code(
            s.appointments
                .book(&p5, &booking(&doctor, "2030-01-08T08:00:00Z"), later)
                .await
        ),
        "slot_full",
        "p4 holds the first place"
    );
    s.appointments
        .book(&p5, &booking(&doctor, "2030-01-08T08:30:00Z"), later)
        .await
        .unwrap();
}

async fn calendars_export_availability_and_private_feeds(s: &Services) {
    let doctor = doctor_with_tuesdays(s).await;
    let marie = principal(s, Role::Patient, "marie").await;
    let booked = s
        .appointments
        .book(&marie, &booking(&doctor, "2030-01-08T08:00:00Z"), now())
        .await
        .unwrap();
    s.appointments
        .act(&doctor, booked.id, Action::Accept, None, now())
        .await
        .unwrap();

    let file = s
        .calendars
        .availability_ics(&doctor, None, now())
        .await
        .unwrap();
    assert_eq!(file.filename, "disponibilites_dr_dr.w.ics");
    assert_eq!(
        code(s.calendars.availability_ics(&marie, None, now()).await),
        "permission_denied"
    );
    let calendar: icalendar::Calendar = file.body.parse().unwrap();
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    // 12 Tuesdays (the rules allow 90 days ahead): the first splits around
    // the booked slot, the others are one free run of two places.
    assert_eq!(events.len(), 13);
    assert_eq!(events[0].get_summary(), Some("Complet 09:00–09:30"));
    assert_eq!(
        events[1].get_summary(),
        Some("Disponible 09:30–10:00 · 1 place")
    );
    assert_eq!(
        events[2].get_summary(),
        Some("Disponible 09:00–10:00 · 2 places")
    );
    assert!(
        file.body
            .contains("DTSTART;TZID=Europe/Paris:20300108T090000")
    );
    assert!(file.body.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris"));
    assert!(file.body.contains("TZOFFSETTO:+0100\r\nTZNAME:CET"));

    // Private feeds: one URL token each, revocable and renewable.
    assert!(s.calendars.feed_token(&marie).await.unwrap().is_none());
    let token = s.calendars.renew_feed(&marie).await.unwrap();
    assert_eq!(token.len(), 64);
    let feed = s.calendars.feed(&token, now()).await.unwrap();
    let parsed: icalendar::Calendar = feed.body.parse().unwrap();
    let events: Vec<_> = parsed
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].get_uid(),
        Some(format!("appointment-{}@medplat", booked.id).as_str())
    );
    assert_eq!(events[0].property_value("STATUS"), Some("CONFIRMED"));
    let doctor_token = s.calendars.renew_feed(&doctor).await.unwrap();
    assert!(
        s.calendars
            .feed(&doctor_token, now())
            .await
            .unwrap()
            .body
            .contains("Consultation — First Last")
    );
    let renewed = s.calendars.renew_feed(&marie).await.unwrap();
    assert_ne!(renewed, token);
    assert_eq!(code(s.calendars.feed(&token, now()).await), "not_found");
    s.calendars.revoke_feed(&marie).await.unwrap();
    assert_eq!(code(s.calendars.feed(&renewed, now()).await), "not_found");
}

support::contract!(
    one_off_slots_are_offered_and_booked,
    freed_places_go_to_the_waitlist_in_turn,
    calendars_export_availability_and_private_feeds,
);
