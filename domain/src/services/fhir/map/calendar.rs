//! Calendars and bookings: a doctor's Schedule, its Slots, and
//! Appointments with their status in FHIR's words.

use std::collections::HashMap;

use jiff::Timestamp;

use super::people::{doctor_name, specialty};
use super::{blank, own};
use crate::accounts::UserId;
use crate::fhir::*;
use crate::scheduling::ConsultationType;
use crate::scheduling::appointments::AppointmentStatus;
use crate::services::scheduling::FreeSlot;
use crate::store::appointments::AppointmentRow;
use crate::store::doctors::DoctorListing;

fn consultation_types(in_person: bool, remote: bool) -> Vec<CodeableConcept> {
    let mut types = Vec::new();
    if in_person {
        types.push(consultation_type(ConsultationType::InPerson));
    }
    if remote {
        types.push(consultation_type(ConsultationType::Remote));
    }
    types
}

fn consultation_type(kind: ConsultationType) -> CodeableConcept {
    let display = match kind {
        ConsultationType::InPerson => "In person",
        ConsultationType::Remote => "Remote",
        ConsultationType::Both => "In person or remote",
    };
    CodeableConcept::coded(Coding::new(
        &own("CodeSystem/consultation-type"),
        kind.as_str(),
        Some(display),
    ))
}

/// A doctor's bookable calendar, open from now to `horizon_days` ahead.
pub fn schedule(d: &DoctorListing, horizon_days: i32, now: Timestamp) -> Schedule {
    let end = now
        .checked_add(jiff::SignedDuration::from_hours(
            24 * i64::from(horizon_days),
        ))
        .ok();
    Schedule {
        id: d.id.to_string(),
        active: d.offers_in_person || d.offers_remote,
        service_type: consultation_types(d.offers_in_person, d.offers_remote),
        specialty: specialty(d),
        actor: vec![Reference::to("Practitioner", d.id, Some(doctor_name(d)))],
        planning_horizon: Some(Period {
            start: Some(instant(now)),
            end: end.map(instant),
        }),
        comment: None,
    }
}

/// A slot of a doctor's schedule: free while places are left.
pub fn slot(doctor_id: UserId, free: &FreeSlot) -> Slot {
    let s = &free.slot;
    Slot {
        id: format!("{doctor_id}-{}", s.starts_at.as_millisecond()),
        service_type: vec![consultation_type(s.consultation_type)],
        schedule: Reference::to("Schedule", doctor_id, None),
        status: if free.remaining > 0 { "free" } else { "busy" },
        start: instant(s.starts_at),
        end: instant(s.ends_at),
        comment: s.location.clone(),
    }
}

/// An appointment's status in FHIR's words.
pub fn appointment_status(status: AppointmentStatus) -> &'static str {
    match status {
        AppointmentStatus::Pending => "pending",
        AppointmentStatus::Confirmed => "booked",
        AppointmentStatus::Refused | AppointmentStatus::Cancelled => "cancelled",
        AppointmentStatus::Completed => "fulfilled",
        AppointmentStatus::NoShow => "noshow",
    }
}

/// An appointment; `names` holds the people's names by account.
pub fn appointment(a: &AppointmentRow, names: &HashMap<UserId, String>) -> Appointment {
    let doctor_status = match a.status {
        AppointmentStatus::Pending => "needs-action",
        AppointmentStatus::Refused => "declined",
        _ => "accepted",
    };
    Appointment {
        id: a.id.to_string(),
        status: appointment_status(a.status),
        cancelation_reason: (a.status == AppointmentStatus::Refused).then(|| {
            CodeableConcept::coded(Coding::new(
                "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason",
                "prov",
                Some("Provider"),
            ))
        }),
        service_type: vec![consultation_type(a.consultation_type)],
        reason_code: blank(&a.reason)
            .map(CodeableConcept::text)
            .into_iter()
            .collect(),
        start: instant(a.starts_at),
        end: instant(a.ends_at),
        minutes_duration: a.ends_at.duration_since(a.starts_at).as_secs() / 60,
        comment: blank(&a.doctor_message),
        participant: vec![
            Participant {
                actor: Reference::to("Patient", a.patient_id, names.get(&a.patient_id).cloned()),
                required: "required",
                status: "accepted",
            },
            Participant {
                actor: Reference::to(
                    "Practitioner",
                    a.doctor_id,
                    names.get(&a.doctor_id).cloned(),
                ),
                required: "required",
                status: doctor_status,
            },
        ],
    }
}
