//! Consultation records: each as an Encounter, and a validated record's
//! diagnosis as a Condition.

use jiff::Timestamp;

use super::blank;
use crate::consultations::{ConsultationStatus, ConsultationSummary};
use crate::fhir::*;

/// When a consultation took place (or is planned): its appointment, else
/// when it was sent, else its last change.
pub fn encounter_start(c: &ConsultationSummary) -> Timestamp {
    c.appointment_starts_at
        .or(c.submitted_at)
        .unwrap_or(c.updated_at)
}

/// An Encounter's status for a record's.
pub fn encounter_status(status: ConsultationStatus) -> &'static str {
    match status {
        ConsultationStatus::Draft => "planned",
        ConsultationStatus::Validated => "finished",
        _ => "in-progress",
    }
}

/// Whether a record carries a validated diagnosis (a Condition).
pub fn has_condition(c: &ConsultationSummary) -> bool {
    c.status == ConsultationStatus::Validated && c.diagnosis.as_deref().and_then(blank).is_some()
}

/// A consultation record as an Encounter.
pub fn encounter(c: &ConsultationSummary) -> Encounter {
    Encounter {
        id: c.id.to_string(),
        status: encounter_status(c.status),
        class: Coding::new(
            "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "AMB",
            Some("ambulatory"),
        ),
        subject: Reference::to("Patient", c.patient.id, Some(c.patient.name.clone())),
        participant: vec![EncounterParticipant {
            individual: Reference::to("Practitioner", c.doctor.id, Some(c.doctor.name.clone())),
        }],
        appointment: c
            .appointment_id
            .map(|id| Reference::to("Appointment", id, None))
            .into_iter()
            .collect(),
        period: Some(Period {
            start: Some(instant(encounter_start(c))),
            end: c.validated_at.map(instant),
        }),
        reason_code: c
            .reason
            .as_deref()
            .and_then(blank)
            .map(CodeableConcept::text)
            .into_iter()
            .collect(),
        diagnosis: if has_condition(c) {
            vec![EncounterDiagnosis {
                condition: Reference::to("Condition", c.id, None),
            }]
        } else {
            Vec::new()
        },
    }
}

/// A validated record's diagnosis as a Condition (same id as the record).
pub fn condition(c: &ConsultationSummary) -> Option<Condition> {
    if !has_condition(c) {
        return None;
    }
    let diagnosis = c.diagnosis.as_deref().and_then(blank)?;
    let coding = c
        .icd10_code
        .as_deref()
        .and_then(blank)
        .map(|code| Coding::new(ICD10, &code, Some(&diagnosis)))
        .into_iter()
        .collect();
    Some(Condition {
        id: c.id.to_string(),
        verification_status: CodeableConcept::coded(Coding::new(
            "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "confirmed",
            Some("Confirmed"),
        )),
        category: vec![CodeableConcept::coded(Coding::new(
            "http://terminology.hl7.org/CodeSystem/condition-category",
            "encounter-diagnosis",
            Some("Encounter Diagnosis"),
        ))],
        code: CodeableConcept {
            coding,
            text: Some(diagnosis),
        },
        subject: Reference::to("Patient", c.patient.id, Some(c.patient.name.clone())),
        encounter: Some(Reference::to("Encounter", c.id, None)),
        recorded_date: c.validated_at.map(instant),
        recorder: Some(Reference::to(
            "Practitioner",
            c.doctor.id,
            Some(c.doctor.name.clone()),
        )),
    })
}
