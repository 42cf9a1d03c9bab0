//! Consultation records ("fiches de consultation", seed 003): what the
//! patient prepares before the visit (the intake), what the doctor finds and
//! concludes (the examination), the statuses a record goes through, the dated
//! addenda written after validation, and the message thread between the
//! patient and their doctor.
//!
//! A record moves `draft` → `submitted` → `validated` or `rejected` (with a
//! reason); a rejected record can be corrected and submitted again; a
//! validated one is read-only and changes only by addenda.
//!
//! Sections travel as plain texts and lists of codes, so that the browser and
//! every client send the same shapes; [`Intake::check`] and
//! [`Examination::check`] name the faulty field (`intake.reason`,
//! `examination.icd10_code`…).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};

use crate::accounts::UserId;

pub mod check;
pub mod checklists;
pub mod icd10;

pub use checklists::{CONDITIONS, HABITS, MEDICATION_SOURCES, REGIONS, SYMPTOMS};

/// Most characters of one text field of a record, of an addendum and of a
/// message.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Most characters of a rejection reason.
pub const MAX_REASON_CHARS: usize = 500;

wire_enum! {
    /// Where a record stands.
    ConsultationStatus {
        /// Being prepared (by the patient, or the doctor with them).
        Draft => "draft",
        /// Sent to the doctor, in analysis.
        Submitted => "submitted",
        /// Validated by the doctor: read-only, addenda only.
        Validated => "validated",
        /// Sent back by the doctor with a reason; can be corrected and
        /// submitted again.
        Rejected => "rejected",
    }
}

wire_enum! {
    /// How a message reached the thread.
    MessageChannel {
        Portal => "portal",
        Whatsapp => "whatsapp",
        Sms => "sms",
    }
}

/// A section as a JSON object or null (serde alone would also build a
/// struct from an array).
fn object_only<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    de: D,
) -> Result<Option<T>, D::Error> {
    match Option::<serde_json::Value>::deserialize(de)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(object @ serde_json::Value::Object(_)) => serde_json::from_value(object)
            .map(Some)
            .map_err(D::Error::custom),
        Some(_) => Err(D::Error::custom("expected an object")),
    }
}

/// The same for a part that defaults when left out.
fn object_or_default<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(
    de: D,
) -> Result<T, D::Error> {
    object_only(de).map(Option::unwrap_or_default)
}

/// Someone a record names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: UserId,
    #[cfg_attr(feature = "openapi", schema(example = "Marie Martin"))]
    pub name: String,
}

/// What the patient fills in before the visit (or the doctor with them).
/// Codes come from [`SYMPTOMS`], [`CONDITIONS`], [`MEDICATION_SOURCES`] and
/// [`HABITS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Intake {
    /// Motif de consultation; required to submit.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, example = "Maux de tête depuis une semaine")
    )]
    pub reason: Option<String>,
    /// Histoire de la maladie.
    pub illness_history: Option<String>,
    /// Traitement en cours.
    pub current_medication: Option<String>,
    /// Where the current medication comes from: `prescription`,
    /// `self_medication`, `traditional_remedy` or `other`.
    #[cfg_attr(feature = "openapi", schema(example = "prescription"))]
    pub medication_source: Option<String>,
    /// Checked symptoms (`headache`, `dizziness`, `palpitations`…).
    #[cfg_attr(feature = "openapi", schema(example = json!(["headache", "dizziness"])))]
    pub symptoms: Vec<String>,
    /// Known conditions (`hypertension`, `diabetes`, `epilepsy`,
    /// `sickle_cell`…).
    #[cfg_attr(feature = "openapi", schema(example = json!(["hypertension"])))]
    pub conditions: Vec<String>,
    /// `never`, `former`, `occasional` or `regular`.
    pub tobacco: Option<String>,
    /// `never`, `former`, `occasional` or `regular`.
    pub alcohol: Option<String>,
    /// `never`, `former`, `occasional` or `regular`.
    pub physical_activity: Option<String>,
    /// Alimentation.
    pub diet: Option<String>,
    /// Allergies médicamenteuses.
    pub drug_allergies: Option<String>,
    /// Antécédents familiaux.
    pub family_history: Option<String>,
    /// Craintes du patient.
    pub concerns: Option<String>,
    /// Attentes du patient.
    pub expectations: Option<String>,
}

/// Vital signs taken at the visit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct VisitVitals {
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 40, maximum = 300, example = 135)
    )]
    pub systolic_mmhg: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 20, maximum = 200, example = 85))]
    pub diastolic_mmhg: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 20, maximum = 250, example = 72))]
    pub heart_rate_bpm: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 4, maximum = 60, example = 16))]
    pub respiratory_rate: Option<f64>,
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 30, maximum = 45, example = 37.2)
    )]
    pub temperature_c: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 50, maximum = 100, example = 98))]
    pub spo2_pct: Option<f64>,
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0.5, maximum = 400, example = 72)
    )]
    pub weight_kg: Option<f64>,
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 30, maximum = 250, example = 170)
    )]
    pub height_cm: Option<f64>,
}

/// What the doctor finds and concludes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Examination {
    #[serde(deserialize_with = "object_or_default")]
    pub vitals: VisitVitals,
    /// État général.
    pub general_state: Option<String>,
    /// Findings by region ([`REGIONS`]: `cardiovascular`, `respiratory`…).
    #[cfg_attr(feature = "openapi", schema(example = json!({"cardiovascular": "B1 B2 réguliers, pas de souffle"})))]
    pub regions: BTreeMap<String, String>,
    /// Hypothèses diagnostiques.
    pub hypotheses: Option<String>,
    /// Examens proposés.
    pub tests_proposed: Option<String>,
    /// Diagnostic retenu; required to validate.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Hypertension artérielle essentielle")
    )]
    pub diagnosis: Option<String>,
    /// ICD-10 code of the diagnosis (`I10`, `J11.1`…), optional.
    #[cfg_attr(feature = "openapi", schema(example = "I10"))]
    pub icd10_code: Option<String>,
    /// Conduite à tenir / plan de traitement.
    pub treatment_plan: Option<String>,
    /// Examens complémentaires.
    pub complementary_exams: Option<String>,
    /// Recommandations.
    pub recommendations: Option<String>,
    /// Suivi.
    pub follow_up: Option<String>,
}

/// A dated addition to a validated record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Addendum {
    pub id: i64,
    pub author: Person,
    pub body: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// A recent reading attached to the record (latest of each vital, from the
/// week before).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachedVital {
    #[cfg_attr(feature = "openapi", schema(example = "spo2"))]
    pub vital: String,
    pub value: f64,
    #[cfg_attr(feature = "openapi", schema(example = "%"))]
    pub unit: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub measured_at: Timestamp,
}

/// A symptom check the patient attached for the doctor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachedCheck {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub checked_at: Timestamp,
    pub prediction: String,
    pub confidence: f64,
    pub urgency: String,
    pub specialty: String,
    pub model_version: String,
}

/// A treatment prescribed from the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrescribedLine {
    pub treatment_id: i64,
    pub medocs_name: String,
    pub frequency: i64,
    pub duration_days: i64,
    pub instructions: Option<String>,
}

/// A consultation record, whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consultation {
    pub id: i64,
    pub patient: Person,
    /// The doctor the record is addressed to.
    pub doctor: Person,
    pub appointment_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub appointment_starts_at: Option<Timestamp>,
    pub status: ConsultationStatus,
    pub intake: Intake,
    pub examination: Examination,
    /// Recent readings from the patient's devices; frozen at validation.
    pub recent_vitals: Vec<AttachedVital>,
    pub symptom_check: Option<AttachedCheck>,
    pub prescriptions: Vec<PrescribedLine>,
    /// Why the doctor sent it back (status `rejected`).
    pub rejection_reason: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub submitted_at: Option<Timestamp>,
    /// Who validated it and when.
    pub validated_by: Option<Person>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub validated_at: Option<Timestamp>,
    pub addenda: Vec<Addendum>,
    /// Messages in the thread the reader has not read.
    pub unread_messages: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
}

/// A record as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationSummary {
    pub id: i64,
    pub patient: Person,
    pub doctor: Person,
    pub status: ConsultationStatus,
    pub reason: Option<String>,
    pub diagnosis: Option<String>,
    /// ICD-10 code of the diagnosis, if the doctor gave one.
    #[serde(default)]
    pub icd10_code: Option<String>,
    pub appointment_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub appointment_starts_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub submitted_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub validated_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    pub unread_messages: i64,
}

/// A new record. A patient opens one for themself, addressed to a doctor of
/// their care team or through one of their appointments; a doctor opens one
/// for a patient in their care.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewConsultation {
    /// Doctors: the patient (required). Patients leave it out.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, example = 5))]
    pub patient_id: Option<UserId>,
    /// Patients: the doctor (in their care team), unless `appointment_id`
    /// says it.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, example = 2))]
    pub doctor_id: Option<UserId>,
    /// The appointment it prepares (one record per appointment).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub appointment_id: Option<i64>,
    #[serde(deserialize_with = "object_only")]
    pub intake: Option<Intake>,
}

/// Changes to a record: each section given replaces the stored one. Read
/// from a JSON object only (serde alone would also take an array).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "serde_json::Map<String, serde_json::Value>")]
pub struct ConsultationChanges {
    /// The patient or the doctor, before validation.
    #[serde(deserialize_with = "object_only")]
    pub intake: Option<Intake>,
    /// The doctor only, before validation.
    #[serde(deserialize_with = "object_only")]
    pub examination: Option<Examination>,
    /// The patient: one of their own symptom checks (0 detaches it).
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub symptom_check_id: Option<i64>,
}

impl TryFrom<serde_json::Map<String, serde_json::Value>> for ConsultationChanges {
    type Error = serde_json::Error;

    fn try_from(object: serde_json::Map<String, serde_json::Value>) -> Result<Self, Self::Error> {
        #[derive(Deserialize)]
        #[serde(default)]
        #[derive(Default)]
        struct Fields {
            #[serde(deserialize_with = "object_only")]
            intake: Option<Intake>,
            #[serde(deserialize_with = "object_only")]
            examination: Option<Examination>,
            symptom_check_id: Option<i64>,
        }
        let f: Fields = serde_json::from_value(serde_json::Value::Object(object))?;
        Ok(Self {
            intake: f.intake,
            examination: f.examination,
            symptom_check_id: f.symptom_check_id,
        })
    }
}

/// The doctor sends a record back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Rejection {
    /// Required, up to 500 characters, not blank.
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 500, pattern = r"\S", example = "Merci de préciser depuis quand durent les symptômes"))]
    pub reason: Option<String>,
}

/// A text to add: an addendum or a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewText {
    /// Required, up to 4000 characters, not blank.
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 4000, pattern = r"\S", example = "Les résultats du bilan sont arrivés."))]
    pub body: Option<String>,
}

/// One message of a record's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadMessage {
    pub id: i64,
    pub consultation_id: i64,
    /// Absent for a message from an unknown number.
    pub sender: Option<Person>,
    /// The sender is the reader.
    pub mine: bool,
    pub body: String,
    pub channel: MessageChannel,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub sent_at: Timestamp,
    /// When the other side read it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub read_at: Option<Timestamp>,
}

/// Which records a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct ConsultationFilter {
    /// Doctors: this patient's records (in their care or under emergency
    /// access). Without it, the records addressed to the doctor.
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub patient_id: Option<UserId>,
    /// `draft`, `submitted`, `validated` or `rejected`; `submitted` is a
    /// doctor's queue of records to validate.
    #[cfg_attr(feature = "openapi", param(value_type = Option<ConsultationStatus>))]
    pub status: Option<String>,
}

impl Consultation {
    /// The record can still change (addenda aside).
    pub fn editable(&self) -> bool {
        self.status != ConsultationStatus::Validated
    }
}
