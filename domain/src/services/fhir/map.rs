//! The platform's own types written as FHIR R4 resources. Pure functions:
//! what may be read was decided before.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::accounts::{User, UserId};
use crate::consultations::{ConsultationStatus, ConsultationSummary};
use crate::fhir::*;
use crate::medical::MedicalProfile;
use crate::scheduling::ConsultationType;
use crate::scheduling::appointments::AppointmentStatus;
use crate::services::scheduling::FreeSlot;
use crate::store::appointments::AppointmentRow;
use crate::store::doctors::DoctorListing;
use crate::treatments::Treatment;
use crate::vitals::{Reading, Vital};

const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const VITAL_SIGNS_PROFILE: &str = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
const LANGUAGES: &str = "urn:ietf:bcp:47";

fn own(path: &str) -> String {
    format!("{OWN}/{path}")
}

fn account_identifier(id: UserId) -> Identifier {
    Identifier {
        system: own("sid/account"),
        value: id.to_string(),
    }
}

fn language(code: &str) -> CodeableConcept {
    let display = match code {
        "fr" => Some("French"),
        "en" => Some("English"),
        _ => None,
    };
    CodeableConcept::coded(Coding::new(LANGUAGES, code, display))
}

fn blank(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A patient from their account and medical profile.
pub fn patient(user: &User, profile: &MedicalProfile) -> Patient {
    let mut telecom = Vec::new();
    if let Some(phone) = &profile.mobile_phone {
        telecom.push(ContactPoint::phone(phone, Some("mobile")));
    }
    if let Some(email) = blank(&user.email) {
        telecom.push(ContactPoint::email(&email));
    }
    let contact = profile
        .emergency_contact
        .iter()
        .map(|c| PatientContact {
            relationship: vec![
                CodeableConcept::coded(Coding::new(
                    "http://terminology.hl7.org/CodeSystem/v2-0131",
                    "C",
                    Some("Emergency Contact"),
                )),
                CodeableConcept::text(c.relation.clone()),
            ],
            name: Some(HumanName::text(&c.name)),
            telecom: vec![ContactPoint::phone(&c.phone, None)],
        })
        .collect();
    Patient {
        id: user.id.to_string(),
        meta: profile.updated_at.and_then(instant_ms).map(|at| Meta {
            last_updated: Some(at),
            profile: Vec::new(),
        }),
        identifier: vec![account_identifier(user.id)],
        active: user.active,
        name: vec![HumanName::official(&user.first_name, &user.last_name)],
        telecom,
        gender: profile.sex.map(|s| s.as_str()),
        birth_date: profile.date_of_birth.map(|d| d.to_string()),
        address: profile
            .postal_code
            .iter()
            .map(|code| Address {
                text: None,
                postal_code: Some(code.clone()),
            })
            .collect(),
        contact,
        communication: user
            .language
            .iter()
            .map(|code| Communication {
                language: language(code),
                preferred: true,
            })
            .collect(),
    }
}

fn doctor_name(d: &DoctorListing) -> String {
    format!("{} {}", d.first_name, d.last_name)
}

/// A doctor's public profile.
pub fn practitioner(d: &DoctorListing) -> Practitioner {
    let mut telecom = Vec::new();
    if let Some(phone) = blank(&d.phone) {
        telecom.push(ContactPoint::phone(&phone, Some("work")));
    }
    if let Some(email) = blank(&d.email) {
        telecom.push(ContactPoint::email(&email));
    }
    Practitioner {
        id: d.id.to_string(),
        identifier: vec![account_identifier(d.id)],
        active: true,
        name: vec![HumanName::official(&d.first_name, &d.last_name)],
        telecom,
        address: blank(&d.address)
            .map(|text| Address {
                text: Some(text),
                postal_code: None,
            })
            .into_iter()
            .collect(),
        communication: d.languages.iter().map(|l| language(l)).collect(),
    }
}

fn specialty(d: &DoctorListing) -> Vec<CodeableConcept> {
    d.specialty
        .iter()
        .map(|s| CodeableConcept {
            coding: vec![Coding::new(
                &own("CodeSystem/specialty"),
                &s.code,
                Some(&s.name_en),
            )],
            text: Some(s.name_fr.clone()),
        })
        .collect()
}

/// What a doctor does: one role per doctor, with their specialty.
pub fn role(d: &DoctorListing) -> PractitionerRole {
    PractitionerRole {
        id: d.id.to_string(),
        active: true,
        practitioner: Reference::to("Practitioner", d.id, Some(doctor_name(d))),
        code: vec![CodeableConcept::coded(Coding::new(
            "http://terminology.hl7.org/CodeSystem/practitioner-role",
            "doctor",
            Some("Doctor"),
        ))],
        specialty: specialty(d),
        telecom: blank(&d.phone)
            .map(|p| ContactPoint::phone(&p, Some("work")))
            .into_iter()
            .collect(),
    }
}

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

/// LOINC's name of a vital's code.
fn loinc_display(vital: Vital) -> &'static str {
    match vital {
        Vital::HeartRate => "Heart rate",
        Vital::RespiratoryRate => "Respiratory rate",
        Vital::Temperature => "Body temperature",
        Vital::Spo2 => "Oxygen saturation in Arterial blood by Pulse oximetry",
        Vital::Systolic => "Systolic blood pressure",
        Vital::Diastolic => "Diastolic blood pressure",
        Vital::Glucose => "Glucose [Mass/volume] in Blood",
        Vital::OxygenFlow => "Inhaled oxygen flow rate",
        Vital::Consciousness => "Level of consciousness (ACVPU)",
    }
}

/// The vital an Observation `code` names: its LOINC code, or the platform's
/// name for it (`heart_rate`).
pub fn vital_of_code(system: Option<&str>, code: &str) -> Option<Vital> {
    let vital_system = own("CodeSystem/vital");
    match system {
        Some(LOINC) => Vital::ALL
            .iter()
            .copied()
            .find(|v| v.spec().loinc == Some(code)),
        Some(s) if s == vital_system => Vital::parse(code),
        Some(_) => None,
        None => Vital::ALL
            .iter()
            .copied()
            .find(|v| v.spec().loinc == Some(code))
            .or_else(|| Vital::parse(code)),
    }
}

/// One reading as a vital-signs Observation.
pub fn observation(r: &Reading) -> Observation {
    let vital = r.type_donnee;
    let spec = vital.spec();
    let display = loinc_display(vital);
    let mut coding = Vec::new();
    if let Some(loinc) = spec.loinc {
        coding.push(Coding::new(LOINC, loinc, Some(display)));
    }
    coding.push(Coding::new(
        &own("CodeSystem/vital"),
        vital.as_str(),
        Some(display),
    ));
    Observation {
        id: r.id.to_string(),
        meta: spec.loinc.map(|_| Meta {
            last_updated: None,
            profile: vec![VITAL_SIGNS_PROFILE.to_owned()],
        }),
        status: "final",
        category: vec![CodeableConcept::coded(Coding::new(
            OBSERVATION_CATEGORY,
            "vital-signs",
            Some("Vital Signs"),
        ))],
        code: CodeableConcept {
            coding,
            text: Some(display.to_owned()),
        },
        subject: Reference::to("Patient", r.patient, None),
        effective_date_time: instant(r.timestamp),
        value_quantity: Some(Quantity {
            value: r.valeur,
            unit: spec.symbol.to_owned(),
            system: UCUM,
            code: spec.ucum.to_owned(),
        }),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observation_codes_read_loinc_and_our_names() {
        assert_eq!(vital_of_code(Some(LOINC), "8867-4"), Some(Vital::HeartRate));
        assert_eq!(vital_of_code(None, "59408-5"), Some(Vital::Spo2));
        assert_eq!(vital_of_code(None, "temperature"), Some(Vital::Temperature));
        assert_eq!(vital_of_code(Some(LOINC), "heart_rate"), None);
        assert_eq!(
            vital_of_code(Some("http://snomed.info/sct"), "8867-4"),
            None
        );
    }

    #[test]
    fn statuses_in_fhir_words() {
        assert_eq!(appointment_status(AppointmentStatus::Confirmed), "booked");
        assert_eq!(appointment_status(AppointmentStatus::Refused), "cancelled");
        assert_eq!(appointment_status(AppointmentStatus::NoShow), "noshow");
        assert_eq!(encounter_status(ConsultationStatus::Validated), "finished");
        assert_eq!(
            encounter_status(ConsultationStatus::Rejected),
            "in-progress"
        );
    }
}
