//! The resources the platform serves, as R4 defines them (only the elements
//! it fills in). [`Resource`] writes `resourceType`.

use serde::Serialize;

use super::{
    Address, CodeableConcept, Coding, ContactPoint, HumanName, Identifier, Meta, Period, Quantity,
    Reference, empty,
};

/// Any resource served, tagged with its `resourceType`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "resourceType")]
#[allow(clippy::large_enum_variant)]
pub enum Resource {
    Patient(Patient),
    Practitioner(Practitioner),
    PractitionerRole(PractitionerRole),
    Schedule(Schedule),
    Slot(Slot),
    Appointment(Appointment),
    Observation(Observation),
    MedicationStatement(MedicationStatement),
    Condition(Condition),
    Encounter(Encounter),
    Bundle(Bundle),
    OperationOutcome(OperationOutcome),
    CapabilityStatement(super::search::CapabilityStatement),
}

impl Resource {
    /// `Patient/5`, for a resource with an id.
    pub fn reference(&self) -> Option<String> {
        let (kind, id) = match self {
            Self::Patient(r) => ("Patient", &r.id),
            Self::Practitioner(r) => ("Practitioner", &r.id),
            Self::PractitionerRole(r) => ("PractitionerRole", &r.id),
            Self::Schedule(r) => ("Schedule", &r.id),
            Self::Slot(r) => ("Slot", &r.id),
            Self::Appointment(r) => ("Appointment", &r.id),
            Self::Observation(r) => ("Observation", &r.id),
            Self::MedicationStatement(r) => ("MedicationStatement", &r.id),
            Self::Condition(r) => ("Condition", &r.id),
            Self::Encounter(r) => ("Encounter", &r.id),
            _ => return None,
        };
        Some(format!("{kind}/{id}"))
    }
}

/// A patient: who they are and how to reach them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(skip_serializing_if = "empty")]
    pub identifier: Vec<Identifier>,
    pub active: bool,
    #[serde(skip_serializing_if = "empty")]
    pub name: Vec<HumanName>,
    #[serde(skip_serializing_if = "empty")]
    pub telecom: Vec<ContactPoint>,
    /// `male`, `female`, `other` or `unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<&'static str>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "empty")]
    pub address: Vec<Address>,
    #[serde(skip_serializing_if = "empty")]
    pub contact: Vec<PatientContact>,
    #[serde(skip_serializing_if = "empty")]
    pub communication: Vec<Communication>,
}

/// Someone to call for the patient.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PatientContact {
    #[serde(skip_serializing_if = "empty")]
    pub relationship: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<HumanName>,
    #[serde(skip_serializing_if = "empty")]
    pub telecom: Vec<ContactPoint>,
}

/// A language the patient speaks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Communication {
    pub language: CodeableConcept,
    pub preferred: bool,
}

/// A doctor.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Practitioner {
    pub id: String,
    #[serde(skip_serializing_if = "empty")]
    pub identifier: Vec<Identifier>,
    pub active: bool,
    #[serde(skip_serializing_if = "empty")]
    pub name: Vec<HumanName>,
    #[serde(skip_serializing_if = "empty")]
    pub telecom: Vec<ContactPoint>,
    #[serde(skip_serializing_if = "empty")]
    pub address: Vec<Address>,
    #[serde(skip_serializing_if = "empty")]
    pub communication: Vec<CodeableConcept>,
}

/// What a doctor does at the clinic (their specialty).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PractitionerRole {
    pub id: String,
    pub active: bool,
    pub practitioner: Reference,
    #[serde(skip_serializing_if = "empty")]
    pub code: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "empty")]
    pub specialty: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "empty")]
    pub telecom: Vec<ContactPoint>,
}

/// A doctor's bookable calendar.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub id: String,
    pub active: bool,
    #[serde(skip_serializing_if = "empty")]
    pub service_type: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "empty")]
    pub specialty: Vec<CodeableConcept>,
    pub actor: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planning_horizon: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A place in a schedule, free or taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub id: String,
    #[serde(skip_serializing_if = "empty")]
    pub service_type: Vec<CodeableConcept>,
    pub schedule: Reference,
    /// `free` or `busy`.
    pub status: &'static str,
    pub start: String,
    pub end: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An appointment between a patient and a doctor.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: String,
    /// `pending`, `booked`, `fulfilled`, `cancelled` or `noshow`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelation_reason: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "empty")]
    pub service_type: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "empty")]
    pub reason_code: Vec<CodeableConcept>,
    pub start: String,
    pub end: String,
    pub minutes_duration: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub participant: Vec<Participant>,
}

/// Who takes part in an appointment, and whether they accepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Participant {
    pub actor: Reference,
    pub required: &'static str,
    /// `accepted`, `declined`, `tentative` or `needs-action`.
    pub status: &'static str,
}

/// One vital-sign measurement.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    pub status: &'static str,
    pub category: Vec<CodeableConcept>,
    pub code: CodeableConcept,
    pub subject: Reference,
    pub effective_date_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
}

/// A medicine the patient takes or took.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MedicationStatement {
    pub id: String,
    /// `active`, `completed` or `intended`.
    pub status: &'static str,
    pub medication_codeable_concept: CodeableConcept,
    pub subject: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information_source: Option<Reference>,
    #[serde(skip_serializing_if = "empty")]
    pub dosage: Vec<Dosage>,
}

/// How a medicine is taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dosage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient_instruction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
}

/// When doses are due.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timing {
    pub repeat: TimingRepeat,
}

/// `frequency` times per `period` `periodUnit`, at `timeOfDay`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimingRepeat {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounds_duration: Option<Duration>,
    pub frequency: i64,
    pub period: i64,
    pub period_unit: &'static str,
    #[serde(skip_serializing_if = "empty")]
    pub time_of_day: Vec<String>,
}

/// A length of time in UCUM units.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Duration {
    pub value: i64,
    pub unit: &'static str,
    pub system: &'static str,
    pub code: &'static str,
}

/// A diagnosis a doctor validated.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    pub id: String,
    pub verification_status: CodeableConcept,
    pub category: Vec<CodeableConcept>,
    pub code: CodeableConcept,
    pub subject: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorder: Option<Reference>,
}

/// A consultation (its record).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Encounter {
    pub id: String,
    /// `planned`, `in-progress`, `finished` or `cancelled`.
    pub status: &'static str,
    pub class: Coding,
    pub subject: Reference,
    #[serde(skip_serializing_if = "empty")]
    pub participant: Vec<EncounterParticipant>,
    #[serde(skip_serializing_if = "empty")]
    pub appointment: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(skip_serializing_if = "empty")]
    pub reason_code: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "empty")]
    pub diagnosis: Vec<EncounterDiagnosis>,
}

/// The doctor of an encounter.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EncounterParticipant {
    pub individual: Reference,
}

/// A condition an encounter diagnosed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EncounterDiagnosis {
    pub condition: Reference,
}

/// A search's results, or `$everything`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bundle {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    #[serde(skip_serializing_if = "empty")]
    pub link: Vec<BundleLink>,
    #[serde(skip_serializing_if = "empty")]
    pub entry: Vec<BundleEntry>,
}

/// `self`, `next`, `previous`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BundleLink {
    pub relation: &'static str,
    pub url: String,
}

/// One resource of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry {
    pub full_url: String,
    pub resource: Resource,
    pub search: EntrySearch,
}

/// Why an entry is in a search's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntrySearch {
    /// `match` or `include`.
    pub mode: &'static str,
}

/// What went wrong.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OperationOutcome {
    pub issue: Vec<Issue>,
}

/// One problem.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Issue {
    /// `error` or `fatal`.
    pub severity: &'static str,
    /// `invalid`, `security`, `login`, `not-found`, `not-supported`,
    /// `too-costly`, `exception`…
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<String>,
    #[serde(skip_serializing_if = "empty")]
    pub expression: Vec<String>,
}
