//! The access trail: one entry per read or change of a patient's medical data,
//! allowed or refused. Entries are chained by hash (each carries the hash of
//! the one before), so a changed, removed or reordered entry shows (`medplat
//! audit verify`). These are the shared types; writing and checking live in
//! `services::trail`.

use serde::{Deserialize, Serialize};

use crate::accounts::{Role, UserId};

wire_enum! {
    /// Which way a request came in.
    Door {
        /// The portals (pages and server functions).
        Web => "web",
        Rest => "rest",
        WebSocket => "websocket",
        Cli => "cli",
        /// SMS and WhatsApp (Twilio webhooks).
        Messaging => "messaging",
        /// The FHIR R4 read API (`/fhir/`).
        Fhir => "fhir",
    }
}

wire_enum! {
    /// What was done to the data.
    TrailAction {
        Read => "read",
        Create => "create",
        Update => "update",
        Delete => "delete",
        Export => "export",
        /// Emergency access opened by a doctor outside the care team.
        BreakGlass => "break_glass",
    }
}

wire_enum! {
    /// Which kind of medical data.
    Resource {
        MedicalProfile => "medical_profile",
        /// The reason a patient gave for an appointment.
        AppointmentReason => "appointment_reason",
        CareRelationship => "care_relationship",
        EmergencyAccess => "emergency_access",
        /// The trail itself, when downloaded (it names patients and who saw
        /// their data).
        AccessTrail => "access_trail",
        /// Vital-sign readings (latest values, series, statistics).
        Vitals => "vitals",
        /// A device registered to measure the patient.
        Device => "device",
        /// An alert on the patient's vital signs.
        VitalAlert => "vital_alert",
        /// A treatment (medicine, doses, the doses ticked).
        Treatment => "treatment",
        /// A symptom check and what the model answered.
        SymptomCheck => "symptom_check",
        /// A consultation record (intake, examination, addenda, PDFs).
        Consultation => "consultation",
        /// The message thread of a consultation record.
        ConsultationMessage => "consultation_message",
        /// The patient–doctor chat.
        ChatMessage => "chat_message",
        /// A research export (its creation, download, removal).
        ResearchExport => "research_export",
    }
}

/// One trail entry as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrailEntry {
    /// Position in the trail (1, 2, 3…).
    pub seq: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub actor_id: Option<UserId>,
    /// The actor's name at the time of reading (absent for the system).
    pub actor_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "doctor"))]
    pub actor_role: Option<Role>,
    pub action: TrailAction,
    pub resource: Resource,
    pub resource_id: Option<String>,
    pub patient_id: Option<UserId>,
    pub patient_name: Option<String>,
    pub door: Door,
    pub request_id: Option<String>,
    pub allowed: bool,
    /// Done under emergency access.
    pub emergency: bool,
    /// Why, when the actor had to say (personal data in a research export).
    pub reason: Option<String>,
}

/// A page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrailPage {
    pub entries: Vec<TrailEntry>,
    /// Entries matching, in all.
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// Entries per page, by default and at most.
pub const DEFAULT_PER_PAGE: i64 = 25;
pub const MAX_PER_PAGE: i64 = 200;

/// A search of the trail as a form or a query string sends it; empty fields
/// match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct TrailQuery {
    /// Whoever acted (account id).
    #[cfg_attr(feature = "openapi", param(minimum = 1, example = 2))]
    pub user_id: Option<UserId>,
    /// The patient whose data it was (account id).
    #[cfg_attr(feature = "openapi", param(minimum = 1, example = 5))]
    pub patient_id: Option<UserId>,
    /// `read`, `create`, `update`, `delete`, `export` or `break_glass`.
    #[cfg_attr(feature = "openapi", param(value_type = Option<TrailAction>, example = "read"))]
    pub action: Option<String>,
    /// `web`, `rest`, `websocket`, `cli`, `messaging` or `fhir`.
    #[cfg_attr(feature = "openapi", param(value_type = Option<Door>, example = "rest"))]
    pub door: Option<String>,
    /// First day (UTC), `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::wire_formats::Day>))]
    pub from: Option<String>,
    /// Last day (UTC), `YYYY-MM-DD`, included.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::wire_formats::Day>))]
    pub to: Option<String>,
    /// Only refused accesses.
    pub refused_only: Option<bool>,
    /// 1-based.
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 1, maximum = 1000000, example = 1)
    )]
    pub page: Option<i64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200, example = 25))]
    pub per_page: Option<i64>,
}
