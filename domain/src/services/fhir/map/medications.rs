//! Treatments: each as a MedicationStatement, with its status on a given
//! day.

use jiff::Timestamp;

use super::blank;
use crate::fhir::*;
use crate::treatments::Treatment;

/// A medicine's status on `now`.
pub fn medication_status(t: &Treatment, now: Timestamp) -> &'static str {
    if t.active {
        "active"
    } else if t.started_at > now {
        "intended"
    } else {
        "completed"
    }
}

/// A treatment as a MedicationStatement.
pub fn medication(t: &Treatment, now: Timestamp) -> MedicationStatement {
    let patient = Reference::to("Patient", t.patient_id, None);
    MedicationStatement {
        id: t.id.to_string(),
        status: medication_status(t, now),
        medication_codeable_concept: CodeableConcept {
            coding: Vec::new(),
            text: Some(t.medocs_name.clone()),
        },
        context: t
            .consultation_id
            .map(|id| Reference::to("Encounter", id, None)),
        effective_period: Some(Period {
            start: Some(instant(t.started_at)),
            end: Some(instant(t.end)),
        }),
        information_source: Some(match &t.prescribed_by {
            Some(p) => Reference::to("Practitioner", p.id, Some(p.name.clone())),
            None => patient.clone(),
        }),
        subject: patient,
        dosage: vec![Dosage {
            text: None,
            patient_instruction: t.instructions.as_deref().and_then(blank),
            timing: Some(Timing {
                repeat: TimingRepeat {
                    bounds_duration: Some(Duration {
                        value: t.duration_days,
                        unit: "d",
                        system: UCUM,
                        code: "d",
                    }),
                    frequency: t.frequency,
                    period: 1,
                    period_unit: "d",
                    time_of_day: t.dose_times.iter().map(|h| format!("{h}:00")).collect(),
                },
            }),
        }],
    }
}
