//! A symptom check as clients send and read it: seed 000's `POST
//! /api/symptoms/` request and answer (`prediction`, `confidence`), and beside
//! them what the platform adds — the three likeliest conditions, the
//! specialty to see, an urgency level, the emergency numbers when a red flag
//! is raised, the notice that this is not a diagnosis, and the version of
//! the model that answered.

use serde::{Deserialize, Serialize};

/// The symptoms, as the seed sends them (`blood_pressure` optional: the
/// medical profile's level otherwise).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SymptomAnswers {
    #[cfg_attr(feature = "openapi", schema(value_type = bool, example = true))]
    pub fever: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(value_type = bool, example = false))]
    pub cough: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(value_type = bool, example = true))]
    pub fatigue: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(value_type = bool, example = false))]
    pub difficulty_breathing: Option<bool>,
    /// `low`, `normal` or `high` (any case).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "normal"))]
    pub blood_pressure: Option<String>,
    /// Beyond the seed: chest pain right now.
    pub chest_pain: Option<bool>,
    /// Beyond the seed: the temperature taken, °C.
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 30, maximum = 45, example = 38.5)
    )]
    pub temperature: Option<f64>,
    /// Beyond the seed: anything else, in the patient's words (read for
    /// emergency signs only, never stored).
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub other: Option<String>,
}

/// The request body of `POST /api/symptoms/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SymptomRequest {
    /// Required.
    #[cfg_attr(feature = "openapi", schema(value_type = SymptomAnswers))]
    pub symptoms: Option<SymptomAnswers>,
}

wire_enum! {
    /// How soon to see someone.
    Urgency {
        /// Call an emergency number now.
        Emergency => "emergency",
        /// See a doctor today.
        Urgent => "urgent",
        /// Book a consultation in the coming days.
        Consult => "consult",
        /// Care at home; see a doctor if it lasts or worsens.
        SelfCare => "self_care",
    }
}

/// One of the likeliest conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Likely {
    /// As the model names it (English).
    #[cfg_attr(feature = "openapi", schema(example = "Influenza"))]
    pub condition: String,
    /// In the reader's language where the knowledge base knows it.
    #[cfg_attr(feature = "openapi", schema(example = "Grippe"))]
    pub label: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1, example = 0.53))]
    pub probability: f64,
}

/// The specialty to book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedSpecialty {
    #[cfg_attr(feature = "openapi", schema(example = "general"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Médecine générale"))]
    pub name: String,
}

/// The answer of `POST /api/symptoms/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SymptomAnswer {
    /// The likeliest condition (seed).
    #[cfg_attr(feature = "openapi", schema(example = "Influenza"))]
    pub prediction: String,
    /// Its probability, 0–1 (seed).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1, example = 0.53))]
    pub confidence: f64,
    /// The three likeliest, most likely first.
    pub top: Vec<Likely>,
    pub specialty: SuggestedSpecialty,
    pub urgency: Urgency,
    /// The signs that made it an emergency (`chest_pain`,
    /// `breathing_with_high_fever`, `low_spo2`, `stroke_signs`…).
    pub red_flags: Vec<String>,
    /// Numbers to call, when it is an emergency (15 SAMU, 112 Europe).
    #[cfg_attr(feature = "openapi", schema(example = json!(["15", "112"])))]
    pub emergency_numbers: Vec<String>,
    /// "This is not a diagnosis", in the reader's language.
    pub notice: String,
    /// The model that answered.
    #[cfg_attr(feature = "openapi", schema(example = "kb-1"))]
    pub model_version: String,
    /// The recorded check.
    pub check_id: i64,
}

/// A stored model, as administrators list them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelInfo {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "kb-1"))]
    pub version: String,
    /// `knowledge_base` or `csv`.
    pub source: String,
    /// Unix milliseconds.
    pub trained_at: i64,
    pub samples: i64,
    pub classes: i64,
    pub trees: i64,
    /// k-fold figures when the training evaluated them.
    pub accuracy: Option<f64>,
    pub macro_f1: Option<f64>,
    pub baseline_accuracy: Option<f64>,
    pub active: bool,
    /// Size of the stored model, bytes.
    pub size_bytes: i64,
}
