//! Care relationships: which doctor looks after which patient, since when, how
//! it began and how it ended. The medical-data policy reads them; patients and
//! administrators change them.

use serde::{Deserialize, Serialize};

use crate::accounts::UserId;

/// How a care relationship began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CareOrigin {
    /// The doctor accepted an appointment with the patient.
    Appointment,
    /// An administrator assigned the doctor.
    Assigned,
}

/// How a care relationship ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CareEnd {
    /// The patient withdrew the doctor.
    Withdrawn,
    /// An administrator ended it.
    Ended,
}

impl CareOrigin {
    /// The stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Appointment => "appointment",
            Self::Assigned => "assigned",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "appointment" => Some(Self::Appointment),
            "assigned" => Some(Self::Assigned),
            _ => None,
        }
    }
}

impl CareEnd {
    /// The stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Withdrawn => "withdrawn",
            Self::Ended => "ended",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "withdrawn" => Some(Self::Withdrawn),
            "ended" => Some(Self::Ended),
            _ => None,
        }
    }
}

/// One doctor–patient relationship, with both names for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CareRelationship {
    pub id: i64,
    pub doctor_id: UserId,
    pub doctor_name: String,
    /// The doctor's specialty code, if any.
    pub specialty: Option<String>,
    pub patient_id: UserId,
    pub patient_name: String,
    /// Unix milliseconds.
    pub started_at: i64,
    pub origin: CareOrigin,
    /// The appointment whose acceptance began it.
    pub appointment_id: Option<i64>,
    /// Unix milliseconds; absent while it lasts.
    pub ended_at: Option<i64>,
    pub end: Option<CareEnd>,
}

impl CareRelationship {
    /// Whether it still gives the doctor access.
    pub fn is_active(&self) -> bool {
        self.ended_at.is_none()
    }
}

/// An administrator assigns a doctor to a patient.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCareRelationship {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, example = 2))]
    pub doctor_id: UserId,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, example = 5))]
    pub patient_id: UserId,
}

/// A doctor outside the care team asks for emergency access ("break the glass").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyRequest {
    /// Why, in a sentence (10–500 characters); shown to the patient and kept in
    /// the trail.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 10,
            max_length = 500,
            pattern = r"\S",
            example = "Patient admis inconscient aux urgences"
        )
    )]
    pub reason: String,
}

/// Emergency access granted to a doctor, until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyGrant {
    pub id: i64,
    pub doctor_id: UserId,
    pub patient_id: UserId,
    pub reason: String,
    /// Unix milliseconds.
    pub granted_at: i64,
    /// Unix milliseconds.
    pub expires_at: i64,
}
