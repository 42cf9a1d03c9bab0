//! A doctor sees one patient at a time, on SQLite and PostgreSQL: weekly ranges
//! may overlap neither each other nor one-off slots, and ranges stored before
//! that rule still give one booking at a time.

use crate::support;

use domain::accounts::Role;
use domain::scheduling::check_no_overlap;
use domain::scheduling::forms::AvailabilityForm;
use domain::scheduling::openings::OpeningForm;
use domain::services::Services;
use jiff::civil::date;
use support::fixtures::{booking, legacy_ranges, monday};
use support::{code, now, principal};

fn conflict_message(err: domain::DomainError) -> (&'static str, String) {
    match err {
        domain::DomainError::Conflict { code, message, .. } => (code, message),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn weekly_ranges_may_not_overlap(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.one").await;
    let sched = &s.scheduling;
    let nine = sched
        .add_availability(&doctor, &monday("09:00", "10:00"))
        .await
        .unwrap();
    let err = sched
        .add_availability(&doctor, &monday("09:15", "10:15"))
        .await
        .unwrap_err();
    let (code_, message) = conflict_message(err);
    assert_eq!(code_, "availability_overlap");
    assert!(message.contains("Monday 09:00–10:00"), "{message}");
    assert_eq!(
        code(
            sched
                .add_availability(&doctor, &monday("09:00", "10:00"))
                .await
        ),
        "availability_overlap",
        "the same range twice"
    );
    let tuesday = AvailabilityForm {
        day_of_week: Some(1),
        ..monday("09:00", "10:00")
    };
    sched.add_availability(&doctor, &tuesday).await.unwrap();
    let ten = sched
        .add_availability(&doctor, &monday("10:00", "11:00"))
        .await
        .unwrap();

    // Edits: a full replacement and a partial one.
    assert_eq!(
        code(
            sched
                .update_availability(&doctor, ten.id, monday("09:30", "10:30"), false)
                .await
        ),
        "availability_overlap"
    );
    let earlier = AvailabilityForm {
        start_time: Some("09:45".into()),
        ..AvailabilityForm::default()
    };
    assert_eq!(
        code(
            sched
                .update_availability(&doctor, ten.id, earlier, true)
                .await
        ),
        "availability_overlap"
    );
    // A range may be moved within its own old hours.
    let later = AvailabilityForm {
        start_time: Some("10:30".into()),
        end_time: Some("11:30".into()),
        ..AvailabilityForm::default()
    };
    sched
        .update_availability(&doctor, ten.id, later, true)
        .await
        .unwrap();

    // Inactive ranges do not count, until they are switched back on.
    let off = AvailabilityForm {
        is_active: Some(false),
        ..monday("09:15", "10:15")
    };
    let off = sched.add_availability(&doctor, &off).await.unwrap();
    let on = AvailabilityForm {
        is_active: Some(true),
        ..AvailabilityForm::default()
    };
    assert_eq!(
        code(
            sched
                .update_availability(&doctor, off.id, on.clone(), true)
                .await
        ),
        "availability_overlap"
    );
    let pause = AvailabilityForm {
        is_active: Some(false),
        ..AvailabilityForm::default()
    };
    sched
        .update_availability(&doctor, nine.id, pause, true)
        .await
        .unwrap();
    sched
        .update_availability(&doctor, off.id, on, true)
        .await
        .unwrap();

    // Another doctor's ranges are theirs.
    let other = principal(s, Role::Doctor, "dr.two").await;
    sched
        .add_availability(&other, &monday("09:00", "10:00"))
        .await
        .unwrap();
}

async fn a_range_may_not_overlap_a_one_off_slot(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.one").await;
    let sched = &s.scheduling;
    // Monday 2030-01-14, 11:00–11:45 in Paris.
    let opening = OpeningForm {
        start: Some("2030-01-14T10:00:00Z".into()),
        end: Some("2030-01-14T10:45:00Z".into()),
        ..OpeningForm::default()
    };
    sched.open_slot(&doctor, &opening, now()).await.unwrap();
    let err = sched
        .add_availability(&doctor, &monday("10:30", "12:00"))
        .await
        .unwrap_err();
    let (code_, message) = conflict_message(err);
    assert_eq!(code_, "availability_overlap");
    assert!(message.contains("2030-01-14 11:00–11:45"), "{message}");
    // Slots from 11:45 on start as the one-off slot ends.
    sched
        .add_availability(&doctor, &monday("11:45", "13:00"))
        .await
        .unwrap();
    let range = sched
        .add_availability(&doctor, &monday("09:00", "10:00"))
        .await
        .unwrap();
    let widen = AvailabilityForm {
        end_time: Some("11:30".into()),
        ..AvailabilityForm::default()
    };
    assert_eq!(
        code(
            sched
                .update_availability(&doctor, range.id, widen, true)
                .await
        ),
        "availability_overlap"
    );
    // And the other way round, as before: a one-off slot over a weekly slot.
    let over = OpeningForm {
        start: Some("2030-01-21T08:00:00Z".into()),
        end: Some("2030-01-21T08:30:00Z".into()),
        ..OpeningForm::default()
    };
    assert_eq!(
        code(sched.open_slot(&doctor, &over, now()).await),
        "slot_overlap"
    );
}

async fn legacy_overlapping_ranges_book_one_patient_at_a_time(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.old").await;
    let saved = legacy_ranges(s, &doctor).await;
    assert!(check_no_overlap(&saved[1], &saved[..1]).is_err());
    let free = s
        .scheduling
        .free_slots(
            doctor.user_id,
            date(2030, 1, 14),
            date(2030, 1, 14),
            None,
            now(),
        )
        .await
        .unwrap();
    let starts: Vec<String> = free.iter().map(|f| f.slot.starts_at.to_string()).collect();
    assert_eq!(
        starts,
        ["2030-01-14T08:00:00Z", "2030-01-14T08:30:00Z"],
        "one at a time"
    );

    let marie = principal(s, Role::Patient, "marie").await;
    let paul = principal(s, Role::Patient, "paul").await;
    s.appointments
        .book(&marie, &booking(&doctor, "2030-01-14T08:00:00Z"), now())
        .await
        .unwrap();
    let refused = code(
        s.appointments
            .book(&paul, &booking(&doctor, "2030-01-14T08:15:00Z"), now())
            .await,
    );
    assert!(
        ["slot_unavailable", "doctor_overlap"].contains(&refused),
        "{refused}"
    );
    let held = s
        .appointments
        .appointments(&doctor, Default::default())
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
}

support::contract!(
    weekly_ranges_may_not_overlap,
    a_range_may_not_overlap_a_one_off_slot,
    legacy_overlapping_ranges_book_one_patient_at_a_time,
);
