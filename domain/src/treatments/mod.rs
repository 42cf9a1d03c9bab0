//! Treatments (seed 000 `/api/treatments/`): a medicine, how many doses a
//! day, from when and for how many days. The seed's fields come first and
//! keep its names (`medocs_name`, `end`, `jours_restants`); what the platform
//! adds (dose times, who prescribed it, the doses ticked, adherence,
//! interactions) sits beside them, where the seed's clients ignore it.
//!
//! Days and dose times are the patient's wall clock in their time zone.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::accounts::UserId;

pub mod ingredients;
#[cfg(feature = "server")]
mod parse;
pub mod schedule;

#[cfg(feature = "server")]
pub use parse::{ParsedDose, ParsedTreatment};

/// Most doses a day, and most days a treatment lasts.
pub const MAX_FREQUENCY: i64 = 12;
pub const MAX_DURATION_DAYS: i64 = 3650;
/// Most characters of a medicine's name and of its instructions.
pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_INSTRUCTIONS_CHARS: usize = 500;

/// Who prescribed a treatment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Prescriber {
    pub id: UserId,
    #[cfg_attr(feature = "openapi", schema(example = "Claire Nguyen"))]
    pub name: String,
}

/// A treatment as seed 000 shows it, and beside it what the platform adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Treatment {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "Paracétamol"))]
    pub medocs_name: String,
    /// Doses a day.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub frequency: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime, example = "2024-03-20T10:00:00Z"))]
    pub started_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub duration_days: i64,
    /// `started_at` plus `duration_days` days on the patient's clock.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime, example = "2024-03-27T10:00:00Z"))]
    pub end: Timestamp,
    /// Days left, counted in the patient's time zone; never negative.
    #[cfg_attr(feature = "openapi", schema(example = 5))]
    pub jours_restants: i64,
    pub patient_id: UserId,
    /// The first and the last day, on the patient's calendar.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start_day: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end_day: Date,
    /// When each dose of the day is due (`HH:MM`, the patient's clock).
    #[cfg_attr(feature = "openapi", schema(example = json!(["08:00", "14:00", "20:00"])))]
    pub dose_times: Vec<String>,
    pub instructions: Option<String>,
    /// Absent when the patient added it themself.
    pub prescribed_by: Option<Prescriber>,
    /// The consultation record it was prescribed from, if any.
    pub consultation_id: Option<i64>,
    /// Started and not yet ended.
    pub active: bool,
    /// What it contains, from the platform's table (empty when the name is
    /// not in it).
    pub active_ingredients: Vec<String>,
}

/// A treatment as a client writes it. The seed sends `medocs_name`,
/// `frequency` and `duration_days`; the rest is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TreatmentForm {
    /// Required.
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 1, max_length = 120, example = "Paracétamol"))]
    pub medocs_name: Option<String>,
    /// Doses a day, 1–12. Required.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 1, maximum = 12, example = 3))]
    pub frequency: Option<i64>,
    /// 1–3650. Required.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 1, maximum = 3650, example = 7))]
    pub duration_days: Option<i64>,
    /// RFC 3339; default now (creation) or unchanged (update).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::Instant>))]
    pub started_at: Option<String>,
    /// One `HH:MM` per dose; default spread over the day.
    #[cfg_attr(feature = "openapi", schema(example = json!(["08:00", "14:00", "20:00"])))]
    pub dose_times: Option<Vec<String>>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, example = "Pendant le repas")
    )]
    pub instructions: Option<String>,
    /// Doctors: the patient it is prescribed for (in their care). Patients
    /// leave it out or give their own id.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, example = 5))]
    pub patient_id: Option<UserId>,
    /// The consultation record it comes from.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub consultation_id: Option<i64>,
}

impl From<&Treatment> for TreatmentForm {
    /// The form that would save `treatment` unchanged (pre-fills the editor).
    fn from(t: &Treatment) -> Self {
        Self {
            medocs_name: Some(t.medocs_name.clone()),
            frequency: Some(t.frequency),
            duration_days: Some(t.duration_days),
            started_at: Some(t.started_at.to_string()),
            dose_times: Some(t.dose_times.clone()),
            instructions: t.instructions.clone(),
            patient_id: Some(t.patient_id),
            consultation_id: t.consultation_id,
        }
    }
}

wire_enum! {
    /// What the patient did about one dose.
    DoseStatus {
        Taken => "taken",
        Skipped => "skipped",
    }
}

/// The patient ticks one dose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DoseForm {
    /// The patient's day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-02"))]
    pub day: Option<String>,
    /// One of the treatment's `dose_times`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:00"))]
    pub time: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = DoseStatus, example = "taken"))]
    pub status: Option<String>,
}

/// One dose of a day's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedDose {
    pub treatment_id: i64,
    pub medocs_name: String,
    /// `HH:MM` on the patient's clock.
    pub time: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// Absent until the patient ticks it.
    pub status: Option<DoseStatus>,
    /// Its time has come.
    pub due: bool,
}

/// How faithfully a treatment was taken so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Adherence {
    pub treatment_id: i64,
    pub medocs_name: String,
    /// Doses whose time has come since the start.
    pub due: i64,
    pub taken: i64,
    pub skipped: i64,
    /// `taken / due`, absent before the first dose is due.
    pub rate: Option<f64>,
}

/// Two or more running treatments that contain the same active ingredient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interaction {
    /// The shared ingredient (French name).
    #[cfg_attr(feature = "openapi", schema(example = "paracétamol"))]
    pub ingredient: String,
    pub treatment_ids: Vec<i64>,
    pub medocs_names: Vec<String>,
}

/// A patient's day: the doses due, adherence per running treatment, and the
/// interactions among running treatments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TreatmentDay {
    pub patient_id: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    /// The zone the day and the times are read in.
    #[cfg_attr(feature = "openapi", schema(example = "Europe/Paris"))]
    pub time_zone: String,
    pub doses: Vec<PlannedDose>,
    pub adherence: Vec<Adherence>,
    pub interactions: Vec<Interaction>,
}

/// Everything the treatments page shows: every treatment of the patient and
/// their day (read once, one trail entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentsOverview {
    pub treatments: Vec<Treatment>,
    pub day: TreatmentDay,
}
