//! Scheduling through the services on SQLite and PostgreSQL: capacity under
//! concurrency, statuses, rules, permissions. `now` is fixed, so the calendar
//! is deterministic.

use crate::support;

use domain::accounts::Role;
use domain::auth::Principal;
use domain::scheduling::ConsultationType;
use domain::scheduling::appointments::{Action, AppointmentStatus};
use domain::scheduling::forms::{AvailabilityForm, ExceptionForm, ScheduleForm};
use domain::services::Services;
use domain::services::appointments::NewBooking;
use jiff::Timestamp;
use jiff::civil::date;
use support::{code, now, principal};

fn mornings(capacity: i64) -> Vec<AvailabilityForm> {
    (0..7)
        .map(|day| AvailabilityForm {
            day_of_week: Some(day),
            start_time: Some("09:00".into()),
            end_time: Some("10:00".into()),
            consultation_type: Some("both".into()),
            duration_minutes: Some(30),
            max_consultations: Some(capacity),
            location: Some("Cabinet".into()),
            is_active: Some(true),
        })
        .collect()
}

async fn doctor_with_mornings(s: &Services, capacity: i64) -> Principal {
    let doctor = principal(s, Role::Doctor, "dr.house").await;
    for form in mornings(capacity) {
        s.scheduling.add_availability(&doctor, &form).await.unwrap();
    }
    doctor
}

fn booking(doctor: &Principal, start: &str) -> NewBooking {
    NewBooking {
        doctor_id: doctor.user_id,
        starts_at: start.parse().unwrap(),
        consultation_type: ConsultationType::InPerson,
        reason: "check-up".into(),
    }
}

async fn concurrent_bookings_fill_exactly_the_capacity(s: &Services) {
    let doctor = doctor_with_mornings(s, 3).await;
    // Tuesday 2030-01-08 09:00 in Paris (UTC+1).
    let free = s
        .scheduling
        .free_slots(
            doctor.user_id,
            date(2030, 1, 8),
            date(2030, 1, 8),
            None,
            now(),
        )
        .await
        .unwrap();
    let starts: Vec<String> = free.iter().map(|f| f.slot.starts_at.to_string()).collect();
    assert_eq!(starts, ["2030-01-08T08:00:00Z", "2030-01-08T08:30:00Z"]);
    assert!(free.iter().all(|f| f.remaining == 3));

    let mut patients = Vec::new();
    for i in 0..10 {
        patients.push(principal(s, Role::Patient, &format!("patient{i}")).await);
    }
    let attempts: Vec<_> = patients
        .iter()
        .map(|p| {
            let (s, p, b) = (
                s.clone(),
                p.clone(),
                booking(&doctor, "2030-01-08T08:00:00Z"),
            );
            tokio::spawn(async move { s.appointments.book(&p, &b, now()).await })
        })
        .collect();
    let mut booked = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => booked += 1,
            Err(err) => assert_eq!(err.code(), "slot_full"),
        }
    }
    assert_eq!(booked, 3);
    let free = s
        .scheduling
        .free_slots(
            doctor.user_id,
            date(2030, 1, 8),
            date(2030, 1, 8),
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(free.len(), 1, "the full slot is no longer offered");
    assert_eq!(
        s.appointments
            .appointments(&doctor, Default::default())
            .await
            .unwrap()
            .len(),
        3
    );
}

async fn appointments_move_through_their_statuses(s: &Services) {
    let doctor = doctor_with_mornings(s, 1).await;
    let other_doctor = principal(s, Role::Doctor, "dr.other").await;
    let marie = principal(s, Role::Patient, "marie").await;
    let paul = principal(s, Role::Patient, "paul").await;

    let first = s
        .appointments
        .book(&marie, &booking(&doctor, "2030-01-08T08:00:00Z"), now())
        .await
        .unwrap();
    assert_eq!(first.status, AppointmentStatus::Pending);
    assert_eq!(
        code(
            s.appointments
                .book(&marie, &booking(&doctor, "2030-01-08T08:00:00Z"), now())
                .await
        ),
        "patient_overlap"
    );
    assert_eq!(
        code(
            s.appointments
                .book(&paul, &booking(&doctor, "2030-01-08T08:00:00Z"), now())
                .await
        ),
        "slot_full"
    );
    assert_eq!(
        code(
            s.appointments
                .book(&paul, &booking(&doctor, "2030-01-08T08:10:00Z"), now())
                .await
        ),
        "slot_unavailable"
    );
    assert_eq!(
        code(
            s.appointments
                .book(&doctor, &booking(&doctor, "2030-01-08T08:30:00Z"), now())
                .await
        ),
        "permission_denied"
    );

    // Only the people concerned see it; the patient cannot accept.
    assert_eq!(
        code(s.appointments.appointment(&paul, first.id).await),
        "not_found"
    );
    assert_eq!(
        code(
            s.appointments
                .act(&other_doctor, first.id, Action::Accept, None, now())
                .await
        ),
        "not_found"
    );
    assert_eq!(
        code(
            s.appointments
                .act(&marie, first.id, Action::Accept, None, now())
                .await
        ),
        "permission_denied"
    );
    let accepted = s
        .appointments
        .act(&doctor, first.id, Action::Accept, Some("À mardi"), now())
        .await
        .unwrap();
    assert_eq!(
        (accepted.status, accepted.doctor_message.as_str()),
        (AppointmentStatus::Confirmed, "À mardi")
    );
    assert_eq!(
        code(
            s.appointments
                .act(&doctor, first.id, Action::Complete, None, now())
                .await
        ),
        "not_started"
    );

    // Reschedule to the next slot; the old place frees up for Paul.
    let moved = s
        .appointments
        .reschedule(
            &marie,
            first.id,
            "2030-01-08T08:30:00Z".parse().unwrap(),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (moved.status, moved.starts_at.to_string().as_str()),
        (AppointmentStatus::Pending, "2030-01-08T08:30:00Z")
    );
    let pauls = s
        .appointments
        .book(&paul, &booking(&doctor, "2030-01-08T08:00:00Z"), now())
        .await
        .unwrap();
    let refused = s
        .appointments
        .act(&doctor, pauls.id, Action::Refuse, Some("Complet"), now())
        .await
        .unwrap();
    assert_eq!(refused.status, AppointmentStatus::Refused);
    let free = s
        .scheduling
        .free_slots(
            doctor.user_id,
            date(2030, 1, 8),
            date(2030, 1, 8),
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(free.len(), 1, "the refused place is free again");

    // The cut-off (24 h by default) stops late cancellations by the patient.
    let late: Timestamp = "2030-01-07T09:00:00Z".parse().unwrap();
    assert_eq!(
        code(
            s.appointments
                .act(&marie, first.id, Action::Cancel, None, late)
                .await
        ),
        "cutoff_passed"
    );
    let cancelled = s
        .appointments
        .act(&marie, first.id, Action::Cancel, None, now())
        .await
        .unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    let after_start: Timestamp = "2030-01-08T08:40:00Z".parse().unwrap();
    assert_eq!(
        code(
            s.appointments
                .act(&doctor, first.id, Action::Complete, None, after_start)
                .await
        ),
        "invalid_transition"
    );

    let history: Vec<_> = s
        .appointments
        .history(&marie, first.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.status)
        .collect();
    use AppointmentStatus::*;
    assert_eq!(history, [Pending, Confirmed, Pending, Cancelled]);
}

async fn rules_and_exceptions_shape_the_offer(s: &Services) {
    let doctor = doctor_with_mornings(s, 1).await;
    let marie = principal(s, Role::Patient, "marie").await;
    let tuesday = || async {
        s.scheduling
            .free_slots(
                doctor.user_id,
                date(2030, 1, 8),
                date(2030, 1, 8),
                None,
                now(),
            )
            .await
            .unwrap()
    };

    // Training on Tuesday morning 08:15Z–08:45Z blocks both slots.
    let training = ExceptionForm {
        start_datetime: Some("2030-01-08T08:15:00Z".into()),
        end_datetime: Some("2030-01-08T08:45:00Z".into()),
        exception_type: Some("training".into()),
        reason: Some("Congrès".into()),
        is_recurring: Some(false),
    };
    let exception = s
        .scheduling
        .add_exception(&doctor, &training)
        .await
        .unwrap();
    assert!(tuesday().await.is_empty());
    assert_eq!(
        code(
            s.appointments
                .book(&marie, &booking(&doctor, "2030-01-08T08:00:00Z"), now())
                .await
        ),
        "slot_unavailable"
    );
    s.scheduling
        .delete_exception(&doctor, exception.exception.id)
        .await
        .unwrap();
    assert_eq!(tuesday().await.len(), 2);

    // A 30-minute buffer keeps the slot next to a booked one free.
    let rules = ScheduleForm {
        buffer_minutes: Some(30),
        ..ScheduleForm::default()
    };
    s.scheduling.update_schedule(&doctor, &rules).await.unwrap();
    s.appointments
        .book(&marie, &booking(&doctor, "2030-01-08T08:00:00Z"), now())
        .await
        .unwrap();
    assert!(tuesday().await.is_empty());

    // Notice and horizon.
    let rules = ScheduleForm {
        buffer_minutes: Some(0),
        max_advance_days: Some(1),
        ..ScheduleForm::default()
    };
    s.scheduling.update_schedule(&doctor, &rules).await.unwrap();
    let week = s
        .scheduling
        .free_slots(
            doctor.user_id,
            date(2030, 1, 7),
            date(2030, 1, 13),
            None,
            now(),
        )
        .await
        .unwrap();
    assert!(
        week.iter()
            .all(|f| f.slot.starts_at <= "2030-01-08T00:00:00Z".parse().unwrap()),
        "one day ahead at most"
    );
    assert_eq!(week.len(), 2, "Monday's two slots");

    // Zone: 09:00 after Paris moved to summer time is 07:00Z there, 08:00Z in Kinshasa.
    let rules = ScheduleForm {
        max_advance_days: Some(90),
        ..ScheduleForm::default()
    };
    s.scheduling.update_schedule(&doctor, &rules).await.unwrap();
    let first_start = || async {
        let free = s
            .scheduling
            .free_slots(
                doctor.user_id,
                date(2030, 4, 2),
                date(2030, 4, 2),
                None,
                now(),
            )
            .await
            .unwrap();
        free.first().map(|f| f.slot.starts_at.to_string())
    };
    assert_eq!(first_start().await.as_deref(), Some("2030-04-02T07:00:00Z"));
    let rules = ScheduleForm {
        timezone: Some("Africa/Kinshasa".into()),
        ..ScheduleForm::default()
    };
    s.scheduling.update_schedule(&doctor, &rules).await.unwrap();
    assert_eq!(first_start().await.as_deref(), Some("2030-04-02T08:00:00Z"));

    // Only the doctor edits their availability.
    let ranges = s.scheduling.availabilities(doctor.user_id).await.unwrap();
    let patch = AvailabilityForm {
        max_consultations: Some(2),
        ..AvailabilityForm::default()
    };
    assert_eq!(
        code(
            s.scheduling
                .update_availability(&marie, ranges[0].id, patch.clone(), true)
                .await
        ),
        "permission_denied"
    );
    let other = principal(s, Role::Doctor, "dr.other").await;
    assert_eq!(
        code(
            s.scheduling
                .update_availability(&other, ranges[0].id, patch.clone(), true)
                .await
        ),
        "not_found"
    );
    let updated = s
        .scheduling
        .update_availability(&doctor, ranges[0].id, patch, true)
        .await
        .unwrap();
    assert_eq!((updated.capacity, updated.duration_minutes), (2, 30));
    assert_eq!(
        code(
            s.scheduling
                .free_slots(
                    marie.user_id,
                    date(2030, 1, 8),
                    date(2030, 1, 8),
                    None,
                    now()
                )
                .await
        ),
        "not_found"
    );
}

support::contract!(
    concurrent_bookings_fill_exactly_the_capacity,
    appointments_move_through_their_statuses,
    rules_and_exceptions_shape_the_offer,
);
