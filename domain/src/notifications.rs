//! In-app notifications: what happened, stored as data and worded by each portal
//! in its reader's language.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One notification's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// A freed place is held for a waiting patient until `expires_at`.
    WaitlistOffer {
        entry_id: i64,
        doctor_name: String,
        starts_at: Timestamp,
        expires_at: Timestamp,
    },
    /// The offer was not taken in time and passed to the next patient.
    WaitlistExpired {
        entry_id: i64,
        doctor_name: String,
        starts_at: Timestamp,
    },
    /// A patient asked for an appointment (to the doctor).
    AppointmentRequested {
        appointment_id: i64,
        patient_name: String,
        starts_at: Timestamp,
    },
    /// The doctor accepted (to the patient).
    AppointmentConfirmed {
        appointment_id: i64,
        doctor_name: String,
        starts_at: Timestamp,
        message: String,
    },
    /// The doctor refused (to the patient).
    AppointmentRefused {
        appointment_id: i64,
        doctor_name: String,
        starts_at: Timestamp,
        message: String,
    },
    /// The other side cancelled.
    AppointmentCancelled {
        appointment_id: i64,
        by_name: String,
        starts_at: Timestamp,
        /// Why, when the platform's administration cancelled it.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// A doctor outside the care team opened emergency access (to the patient).
    EmergencyAccess {
        doctor_name: String,
        reason: String,
        expires_at: Timestamp,
    },
    /// A critical alert stayed unacknowledged: the patient's other doctors
    /// are called in (to each doctor of the care team).
    AlertEscalated {
        alert_id: i64,
        patient_name: String,
        title: String,
    },
    /// A doctor prescribed a treatment (to the patient).
    TreatmentPrescribed {
        treatment_id: i64,
        doctor_name: String,
        medocs_name: String,
    },
    /// A dose is due now (to the patient); `time` is `HH:MM` on their clock.
    DoseDue {
        treatment_id: i64,
        medocs_name: String,
        time: String,
    },
    /// A patient submitted a record (to its doctor).
    ConsultationSubmitted {
        consultation_id: i64,
        patient_name: String,
    },
    /// The doctor validated a record (to the patient).
    ConsultationValidated {
        consultation_id: i64,
        doctor_name: String,
    },
    /// The doctor sent a record back (to the patient).
    ConsultationRejected {
        consultation_id: i64,
        doctor_name: String,
        reason: String,
    },
    /// A message in a record's thread (to the other side; never its text).
    ConsultationMessage {
        consultation_id: i64,
        from_name: String,
    },
    /// A chat message while the reader was away (never its text).
    ChatMessage { room_id: i64, from_name: String },
}

impl Notice {
    /// The stored kind (the JSON tag).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::WaitlistOffer { .. } => "waitlist_offer",
            Self::WaitlistExpired { .. } => "waitlist_expired",
            Self::AppointmentRequested { .. } => "appointment_requested",
            Self::AppointmentConfirmed { .. } => "appointment_confirmed",
            Self::AppointmentRefused { .. } => "appointment_refused",
            Self::AppointmentCancelled { .. } => "appointment_cancelled",
            Self::EmergencyAccess { .. } => "emergency_access",
            Self::AlertEscalated { .. } => "alert_escalated",
            Self::TreatmentPrescribed { .. } => "treatment_prescribed",
            Self::DoseDue { .. } => "dose_due",
            Self::ConsultationSubmitted { .. } => "consultation_submitted",
            Self::ConsultationValidated { .. } => "consultation_validated",
            Self::ConsultationRejected { .. } => "consultation_rejected",
            Self::ConsultationMessage { .. } => "consultation_message",
            Self::ChatMessage { .. } => "chat_message",
        }
    }
}

/// A notification as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub notice: Notice,
    pub created_at: Timestamp,
    pub read: bool,
}
