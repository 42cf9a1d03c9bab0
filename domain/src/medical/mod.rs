//! A patient's medical profile: what a doctor needs to know before anything
//! else, edited by the patient and read by their doctors. The form arrives as
//! text; [`MedicalProfileForm::parse`] (server side) turns it into checked values, each
//! error naming its field.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::accounts::UserId;

#[cfg(feature = "server")]
mod parse;

/// Sex as recorded in the medical file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
    Other,
}

/// ABO group and Rhesus factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BloodGroup {
    #[serde(rename = "A+")]
    APos,
    #[serde(rename = "A-")]
    ANeg,
    #[serde(rename = "B+")]
    BPos,
    #[serde(rename = "B-")]
    BNeg,
    #[serde(rename = "AB+")]
    AbPos,
    #[serde(rename = "AB-")]
    AbNeg,
    #[serde(rename = "O+")]
    OPos,
    #[serde(rename = "O-")]
    ONeg,
}

impl BloodGroup {
    /// Every group, in the order forms list them.
    pub const ALL: [Self; 8] = [
        Self::APos,
        Self::ANeg,
        Self::BPos,
        Self::BNeg,
        Self::AbPos,
        Self::AbNeg,
        Self::OPos,
        Self::ONeg,
    ];

    /// The usual notation (`AB+`), also the stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::APos => "A+",
            Self::ANeg => "A-",
            Self::BPos => "B+",
            Self::BNeg => "B-",
            Self::AbPos => "AB+",
            Self::AbNeg => "AB-",
            Self::OPos => "O+",
            Self::ONeg => "O-",
        }
    }

    /// Parses the notation, ignoring case and spaces (`ab +`).
    pub fn parse(raw: &str) -> Option<Self> {
        let text: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        Self::ALL.into_iter().find(|g| g.as_str() == text)
    }
}

/// A level as seed 000's prediction model reads it (blood pressure, cholesterol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Normal,
    High,
}

impl Sex {
    /// The stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::Other => "other",
        }
    }

    /// Parses the stored / wire value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "female" => Some(Self::Female),
            "male" => Some(Self::Male),
            "other" => Some(Self::Other),
            _ => None,
        }
    }
}

impl Level {
    /// The stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
        }
    }

    /// Parses the stored / wire value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "low" => Some(Self::Low),
            "normal" => Some(Self::Normal),
            "high" => Some(Self::High),
            _ => None,
        }
    }
}

/// Whom to call when the patient cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyContact {
    #[cfg_attr(feature = "openapi", schema(example = "Jean Martin"))]
    pub name: String,
    /// E.164.
    #[cfg_attr(feature = "openapi", schema(example = "+33612345678"))]
    pub phone: String,
    /// How they are related to the patient (`conjoint`, `fille`…).
    #[cfg_attr(feature = "openapi", schema(example = "conjoint"))]
    pub relation: String,
}

/// A patient's medical profile as stored: every field may be unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MedicalProfile {
    pub patient_id: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub date_of_birth: Option<Date>,
    pub sex: Option<Sex>,
    pub blood_group: Option<BloodGroup>,
    /// Centimetres.
    pub height_cm: Option<i32>,
    /// Kilograms, to 0.1 kg.
    pub weight_kg: Option<f64>,
    pub allergies: Vec<String>,
    pub chronic_conditions: Vec<String>,
    pub emergency_contact: Option<EmergencyContact>,
    /// E.164; messages from this number are matched to the patient.
    pub mobile_phone: Option<String>,
    /// Where the patient lives (`75011`): research exports keep its first
    /// two characters (the département) as a quasi-identifier.
    pub postal_code: Option<String>,
    pub blood_pressure_level: Option<Level>,
    pub cholesterol_level: Option<Level>,
    /// IANA time zone the patient lives in (treatment days and dose times
    /// are read on its clock); absent: the platform's, `Europe/Paris`.
    pub time_zone: Option<String>,
    /// When the patient last saved it (Unix milliseconds); absent if never.
    pub updated_at: Option<i64>,
}

/// The profile as a patient writes it: the whole profile at once (a field
/// left out or empty is cleared). Text everywhere, so an HTML form posts it as
/// is; [`MedicalProfileForm::parse`] checks each field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MedicalProfileForm {
    /// `YYYY-MM-DD`, not in the future, from 1900.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<crate::wire_formats::Day>, example = "1984-03-12")
    )]
    pub date_of_birth: Option<String>,
    /// `female`, `male` or `other`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Sex>, example = "female"))]
    pub sex: Option<String>,
    /// `A+`, `A-`, `B+`, `B-`, `AB+`, `AB-`, `O+`, `O-`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BloodGroup>, example = "O+"))]
    pub blood_group: Option<String>,
    /// 30–250 cm.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<i32>, minimum = 30, maximum = 250, example = 168)
    )]
    pub height_cm: Option<f64>,
    /// 1–400 kg.
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 1, maximum = 400, example = 62.5)
    )]
    pub weight_kg: Option<f64>,
    /// One per entry, or one text with one per line or comma.
    #[cfg_attr(feature = "openapi", schema(example = json!(["pénicilline"])))]
    pub allergies: Option<TextList>,
    #[cfg_attr(feature = "openapi", schema(example = json!(["asthme"])))]
    pub chronic_conditions: Option<TextList>,
    #[cfg_attr(feature = "openapi", schema(max_length = 100, example = "Jean Martin"))]
    pub emergency_contact_name: Option<String>,
    /// Any national format for French numbers, else `+` and the country code.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, example = "06 12 34 56 78")
    )]
    pub emergency_contact_phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 50, example = "conjoint"))]
    pub emergency_contact_relation: Option<String>,
    /// The patient's mobile (E.164 once checked); two active patients cannot
    /// share one.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, example = "+33 6 98 76 54 32")
    )]
    pub mobile_phone: Option<String>,
    /// Letters, digits, spaces and hyphens (`75011`, `97200`, `SW1A 1AA`).
    #[cfg_attr(feature = "openapi", schema(max_length = 10, example = "75011"))]
    pub postal_code: Option<String>,
    /// `low`, `normal` or `high`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Level>, example = "normal"))]
    pub blood_pressure_level: Option<String>,
    /// `low`, `normal` or `high`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Level>, example = "normal"))]
    pub cholesterol_level: Option<String>,
    /// IANA time zone (`Europe/Paris`, `America/Martinique`…); empty: the
    /// platform's.
    #[cfg_attr(feature = "openapi", schema(max_length = 64, example = "Europe/Paris"))]
    pub time_zone: Option<String>,
}

/// Entries of a list, as a list or as one text (HTML forms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum TextList {
    List(Vec<String>),
    Text(String),
}

impl TextList {
    /// The entries, trimmed, empty ones dropped.
    pub fn entries(&self) -> Vec<String> {
        let raw: Vec<&str> = match self {
            Self::List(items) => items.iter().map(String::as_str).collect(),
            Self::Text(text) => text.split(['\n', ',', ';']).collect(),
        };
        raw.into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The platform's time zone, for patients who set none.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Paris";

/// Most entries a list holds, and most characters per entry.
pub const MAX_LIST_ENTRIES: usize = 30;
pub const MAX_ENTRY_CHARS: usize = 100;

impl From<&MedicalProfile> for MedicalProfileForm {
    /// The form that would save `profile` unchanged (pre-fills the page).
    fn from(profile: &MedicalProfile) -> Self {
        let contact = profile.emergency_contact.as_ref();
        Self {
            date_of_birth: profile.date_of_birth.map(|d| d.to_string()),
            sex: profile.sex.map(|s| s.as_str().to_owned()),
            blood_group: profile.blood_group.map(|g| g.as_str().to_owned()),
            height_cm: profile.height_cm.map(f64::from),
            weight_kg: profile.weight_kg,
            allergies: Some(TextList::List(profile.allergies.clone())),
            chronic_conditions: Some(TextList::List(profile.chronic_conditions.clone())),
            emergency_contact_name: contact.map(|c| c.name.clone()),
            emergency_contact_phone: contact.map(|c| c.phone.clone()),
            emergency_contact_relation: contact.map(|c| c.relation.clone()),
            mobile_phone: profile.mobile_phone.clone(),
            postal_code: profile.postal_code.clone(),
            blood_pressure_level: profile.blood_pressure_level.map(|l| l.as_str().to_owned()),
            cholesterol_level: profile.cholesterol_level.map(|l| l.as_str().to_owned()),
            time_zone: profile.time_zone.clone(),
        }
    }
}
