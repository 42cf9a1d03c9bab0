//! No double booking of a doctor, on SQLite and PostgreSQL: the booking
//! transaction refuses an appointment overlapping one the doctor holds in
//! another slot, so bookings racing each other or the doctor's edits never
//! overlap.

use crate::support;

use domain::accounts::Role;
use domain::scheduling::ConsultationType;
use domain::scheduling::appointments::{Action, AppointmentStatus};
use domain::scheduling::forms::AvailabilityForm;
use domain::services::Services;
use domain::store::appointments::{self as appointments, NewAppointmentRow};
use jiff::Timestamp;
use support::fixtures::{booking, legacy_ranges, monday};
use support::{now, principal};

async fn the_store_refuses_a_second_slot_of_the_doctor_at_once(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.old").await;
    let marie = principal(s, Role::Patient, "marie").await;
    let at = |t: &str| -> Timestamp { t.parse().unwrap() };
    let mut tx = s.db().begin_write().await.unwrap();
    appointments::insert(
        &mut tx,
        NewAppointmentRow {
            patient_id: marie.user_id,
            doctor_id: doctor.user_id,
            starts_at: at("2030-01-14T08:00:00Z"),
            ends_at: at("2030-01-14T08:30:00Z"),
            consultation_type: ConsultationType::InPerson,
            reason: "",
            location: None,
        },
    )
    .await
    .unwrap();
    let busy = |from: &str, to: &str| (at(from), at(to));
    for ((from, to), expected) in [
        (busy("2030-01-14T08:15:00Z", "2030-01-14T08:45:00Z"), true),
        (busy("2030-01-14T07:45:00Z", "2030-01-14T08:15:00Z"), true),
        (busy("2030-01-14T08:00:00Z", "2030-01-14T08:30:00Z"), false), // its own slot
        (busy("2030-01-14T08:30:00Z", "2030-01-14T09:00:00Z"), false),
    ] {
        // (No patient 0: only the doctor's side can be busy.)
        let (_, found) = appointments::busy(&mut tx, 0, doctor.user_id, from, to, None)
            .await
            .unwrap();
        assert_eq!(found, expected, "{from}–{to}");
    }
    tx.commit().await.unwrap();
}

async fn bookings_racing_range_edits_never_overlap(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.busy").await;
    let early = s
        .scheduling
        .add_availability(&doctor, &monday("09:00", "10:00"))
        .await
        .unwrap();
    let off = AvailabilityForm {
        is_active: Some(false),
        ..monday("09:15", "10:15")
    };
    let late = s.scheduling.add_availability(&doctor, &off).await.unwrap();
    let mut patients = Vec::new();
    for i in 0..6 {
        patients.push(principal(s, Role::Patient, &format!("patient{i}")).await);
    }
    // The doctor swaps the two ranges back and forth while patients book the
    // 09:00 and 09:15 positions of one Monday.
    let swapper = {
        let (s, doctor) = (s.clone(), doctor.clone());
        tokio::spawn(async move {
            let flag = |on: bool| AvailabilityForm {
                is_active: Some(on),
                ..AvailabilityForm::default()
            };
            for _ in 0..6 {
                let sched = &s.scheduling;
                sched
                    .update_availability(&doctor, early.id, flag(false), true)
                    .await
                    .unwrap();
                sched
                    .update_availability(&doctor, late.id, flag(true), true)
                    .await
                    .unwrap();
                sched
                    .update_availability(&doctor, late.id, flag(false), true)
                    .await
                    .unwrap();
                sched
                    .update_availability(&doctor, early.id, flag(true), true)
                    .await
                    .unwrap();
            }
        })
    };
    let attempts: Vec<_> = patients
        .iter()
        .enumerate()
        .map(|(i, patient)| {
            let (s, patient) = (s.clone(), patient.clone());
            let start = if i % 2 == 0 {
                "2030-01-14T08:00:00Z"
            } else {
                "2030-01-14T08:15:00Z"
            };
            let wanted = booking(&doctor, start);
            tokio::spawn(async move {
                for _ in 0..8 {
                    match s.appointments.book(&patient, &wanted, now()).await {
                        Ok(_) => return true,
                        Err(err) => assert!(
                            ["slot_unavailable", "slot_full", "doctor_overlap"]
                                .contains(&err.code()),
                            "{err:?}"
                        ),
                    }
                    tokio::task::yield_now().await;
                }
                false
            })
        })
        .collect();
    let mut booked = 0;
    for attempt in attempts {
        booked += usize::from(attempt.await.unwrap());
    }
    swapper.await.unwrap();
    let held = s
        .appointments
        .appointments(&doctor, Default::default())
        .await
        .unwrap();
    assert_eq!(held.len(), booked);
    for (i, a) in held.iter().enumerate() {
        for b in &held[i + 1..] {
            assert!(
                a.ends_at <= b.starts_at || b.ends_at <= a.starts_at,
                "overlapping appointments {a:?} and {b:?}"
            );
        }
    }
}

async fn concurrent_bookings_of_legacy_overlapping_slots_keep_one(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.old").await;
    legacy_ranges(s, &doctor).await;
    let mut patients = Vec::new();
    for i in 0..6 {
        patients.push(principal(s, Role::Patient, &format!("patient{i}")).await);
    }
    let starts = [
        "2030-01-14T08:00:00Z",
        "2030-01-14T08:15:00Z",
        "2030-01-14T08:30:00Z",
    ];
    let attempts: Vec<_> = patients
        .iter()
        .enumerate()
        .map(|(i, patient)| {
            let (s, patient) = (s.clone(), patient.clone());
            let wanted = booking(&doctor, starts[i % starts.len()]);
            tokio::spawn(async move { s.appointments.book(&patient, &wanted, now()).await })
        })
        .collect();
    for attempt in attempts {
        if let Err(err) = attempt.await.unwrap() {
            assert!(
                ["slot_unavailable", "slot_full", "doctor_overlap"].contains(&err.code()),
                "{err:?}"
            );
        }
    }
    let held = s
        .appointments
        .appointments(&doctor, Default::default())
        .await
        .unwrap();
    let times: Vec<String> = held.iter().map(|a| a.starts_at.to_string()).collect();
    assert_eq!(times, ["2030-01-14T08:00:00Z", "2030-01-14T08:30:00Z"]);
}

/// Patients book and cancel the same places while the doctor accepts and
/// refuses them and edits a range: every transaction changing the doctor's
/// calendar takes the doctor's lock first, so none waits on another in a
/// cycle (PostgreSQL would abort one with a deadlock, an internal error here).
async fn bookings_cancellations_and_answers_racing_never_deadlock(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.racing").await;
    let range = s
        .scheduling
        .add_availability(&doctor, &monday("09:00", "10:00"))
        .await
        .unwrap();
    let mut patients = Vec::new();
    for i in 0..6 {
        patients.push(principal(s, Role::Patient, &format!("racer{i}")).await);
    }
    let expected = [
        "slot_unavailable",
        "slot_full",
        "doctor_overlap",
        "patient_overlap",
        "status_changed",
        "invalid_transition",
        "not_found",
    ];
    let mut tasks: Vec<tokio::task::JoinHandle<()>> = patients
        .iter()
        .enumerate()
        .map(|(i, patient)| {
            let (s, patient) = (s.clone(), patient.clone());
            let wanted = booking(
                &doctor,
                ["2030-01-14T08:00:00Z", "2030-01-14T08:30:00Z"][i % 2],
            );
            tokio::spawn(async move {
                for _ in 0..6 {
                    match s.appointments.book(&patient, &wanted, now()).await {
                        Ok(booked) => {
                            if let Err(err) = s
                                .appointments
                                .act(&patient, booked.id, Action::Cancel, None, now())
                                .await
                            {
                                assert!(expected.contains(&err.code()), "{err:?}");
                            }
                        }
                        Err(err) => assert!(expected.contains(&err.code()), "{err:?}"),
                    }
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    // The doctor answers whatever waits, and edits the range meanwhile.
    tasks.push({
        let (s, doctor) = (s.clone(), doctor.clone());
        tokio::spawn(async move {
            for round in 0..12 {
                let waiting = s
                    .appointments
                    .appointments(&doctor, Default::default())
                    .await
                    .unwrap();
                for a in waiting
                    .iter()
                    .filter(|a| a.status == AppointmentStatus::Pending)
                {
                    let answer = if round % 2 == 0 {
                        Action::Accept
                    } else {
                        Action::Refuse
                    };
                    if let Err(err) = s.appointments.act(&doctor, a.id, answer, None, now()).await {
                        assert!(expected.contains(&err.code()), "{err:?}");
                    }
                }
                let location = AvailabilityForm {
                    location: Some(format!("Cabinet {round}")),
                    ..AvailabilityForm::default()
                };
                s.scheduling
                    .update_availability(&doctor, range.id, location, true)
                    .await
                    .unwrap();
                tokio::task::yield_now().await;
            }
        })
    });
    for task in tasks {
        task.await.unwrap();
    }
    let held: Vec<_> = s
        .appointments
        .appointments(&doctor, Default::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.status.holds_place())
        .collect();
    assert!(held.len() <= 2, "two places at most: {held:?}");
}

support::contract!(
    the_store_refuses_a_second_slot_of_the_doctor_at_once,
    bookings_racing_range_edits_never_overlap,
    bookings_cancellations_and_answers_racing_never_deadlock,
    concurrent_bookings_of_legacy_overlapping_slots_keep_one,
);

/// Random Monday ranges as stored long ago (overlapping or not, one or two
/// places), then random bookings, a few at once: whatever is refused, the
/// doctor never holds two overlapping slots.
mod random_bookings {
    use super::*;
    use domain::scheduling::check_no_overlap;
    use domain::store::availability;
    use proptest::prelude::*;

    fn ranges() -> impl Strategy<Value = Vec<(i64, i64, i64, i64)>> {
        // (start in quarters of an hour after 08:00, length in quarters,
        // consultation minutes, places)
        proptest::collection::vec(
            (
                0i64..12,
                2i64..8,
                prop_oneof![Just(15i64), Just(30), Just(45), Just(60)],
                1i64..=2,
            ),
            1..4,
        )
    }

    fn attempts() -> impl Strategy<Value = Vec<(usize, i64)>> {
        // (patient, start in quarters of an hour after 08:00 Paris)
        proptest::collection::vec((0usize..3, 0i64..16), 1..10)
    }

    fn hhmm(quarters: i64) -> String {
        let minutes = 8 * 60 + 15 * quarters;
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }

    async fn scenario(ranges: Vec<(i64, i64, i64, i64)>, attempts: Vec<(usize, i64)>) {
        let db = support::fresh(support::Backend::Sqlite).await;
        let s = &db.services;
        let doctor = principal(s, Role::Doctor, "dr.random").await;
        let mut tx = s.db().begin_write().await.unwrap();
        let mut saved = Vec::new();
        for (start, length, minutes, places) in ranges {
            let form = AvailabilityForm {
                duration_minutes: Some(minutes),
                max_consultations: Some(places),
                ..monday(&hhmm(start), &hhmm(start + length))
            };
            if let Ok(range) = form.parse() {
                let range = availability::insert_range(&mut tx, doctor.user_id, &range)
                    .await
                    .unwrap();
                saved.push(range);
            }
        }
        tx.commit().await.unwrap();
        let overlapping = saved
            .iter()
            .enumerate()
            .any(|(i, r)| check_no_overlap(r, &saved[..i]).is_err());
        let mut patients = Vec::new();
        for i in 0..3 {
            patients.push(principal(s, Role::Patient, &format!("patient{i}")).await);
        }
        // Monday 2030-01-14, 08:00 in Paris is 07:00 UTC.
        let base: Timestamp = "2030-01-14T07:00:00Z".parse().unwrap();
        let tasks: Vec<_> = attempts
            .into_iter()
            .map(|(patient, quarter)| {
                let start = base
                    .checked_add(jiff::SignedDuration::from_mins(15 * quarter))
                    .unwrap();
                let wanted = booking(&doctor, &start.to_string());
                let (s, patient) = (s.clone(), patients[patient].clone());
                tokio::spawn(async move { s.appointments.book(&patient, &wanted, now()).await })
            })
            .collect();
        for task in tasks {
            if let Err(err) = task.await.unwrap() {
                let expected = [
                    "slot_unavailable",
                    "slot_full",
                    "doctor_overlap",
                    "patient_overlap",
                ];
                assert!(expected.contains(&err.code()), "{err:?}");
            }
        }
        let held = s
            .appointments
            .appointments(&doctor, Default::default())
            .await
            .unwrap();
        for (i, a) in held.iter().enumerate() {
            for b in &held[i + 1..] {
                let apart = a.ends_at <= b.starts_at || b.ends_at <= a.starts_at;
                assert!(
                    apart || a.starts_at == b.starts_at,
                    "overlapping slots held (ranges overlapping: {overlapping}): {a:?} {b:?}"
                );
            }
        }
        db.teardown().await;
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6))]

        #[test]
        fn random_bookings_never_hold_two_overlapping_slots(
            ranges in ranges(),
            attempts in attempts(),
        ) {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(scenario(ranges, attempts));
        }
    }
}
