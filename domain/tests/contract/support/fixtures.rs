//! Scheduling fixtures shared by the contract scenarios.

use domain::auth::Principal;
use domain::scheduling::forms::AvailabilityForm;
use domain::scheduling::{ConsultationType, WeeklyRange};
use domain::services::Services;
use domain::services::appointments::NewBooking;
use domain::store::availability;

/// A Monday range of 30-minute consultations, one patient each.
pub fn monday(start: &str, end: &str) -> AvailabilityForm {
    AvailabilityForm {
        day_of_week: Some(0),
        start_time: Some(start.into()),
        end_time: Some(end.into()),
        consultation_type: Some("both".into()),
        duration_minutes: Some(30),
        max_consultations: Some(1),
        location: None,
        is_active: Some(true),
    }
}

/// An in-person booking of the doctor's slot starting at `start`.
pub fn booking(doctor: &Principal, start: &str) -> NewBooking {
    NewBooking {
        doctor_id: doctor.user_id,
        starts_at: start.parse().unwrap(),
        consultation_type: ConsultationType::InPerson,
        reason: String::new(),
    }
}

/// Writes overlapping Monday ranges straight into the store, as data saved
/// before overlaps were refused.
pub async fn legacy_ranges(s: &Services, doctor: &Principal) -> Vec<WeeklyRange> {
    let mut saved = Vec::new();
    let mut tx = s.db().begin_write().await.unwrap();
    for (start, end) in [("09:00", "10:00"), ("09:15", "10:15")] {
        let range = monday(start, end).parse().unwrap();
        saved.push(
            availability::insert_range(&mut tx, doctor.user_id, &range)
                .await
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    saved
}
