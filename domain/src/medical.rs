//! A patient's medical profile: what a doctor needs to know before anything
//! else, edited by the patient and read by their doctors. The form arrives as
//! text; [`MedicalProfileForm::parse`] (server side) turns it into checked values, each
//! error naming its field.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::accounts::UserId;
#[cfg(feature = "server")]
use crate::error::{DomainError, DomainResult};

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
    pub blood_pressure_level: Option<Level>,
    pub cholesterol_level: Option<Level>,
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
    /// `low`, `normal` or `high`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Level>, example = "normal"))]
    pub blood_pressure_level: Option<String>,
    /// `low`, `normal` or `high`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Level>, example = "normal"))]
    pub cholesterol_level: Option<String>,
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
            blood_pressure_level: profile.blood_pressure_level.map(|l| l.as_str().to_owned()),
            cholesterol_level: profile.cholesterol_level.map(|l| l.as_str().to_owned()),
        }
    }
}

#[cfg(feature = "server")]
fn text(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(feature = "server")]
fn bounded_text(
    field: &'static str,
    value: &Option<String>,
    max: usize,
) -> DomainResult<Option<String>> {
    match text(value) {
        Some(s) if s.chars().count() > max => Err(DomainError::invalid(
            field,
            "too_long",
            format!("at most {max} characters"),
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

#[cfg(feature = "server")]
fn list(field: &'static str, value: &Option<TextList>) -> DomainResult<Vec<String>> {
    let entries = value.as_ref().map(TextList::entries).unwrap_or_default();
    if entries.len() > MAX_LIST_ENTRIES {
        return Err(DomainError::invalid(
            field,
            "too_many",
            format!("at most {MAX_LIST_ENTRIES} entries"),
        ));
    }
    if entries.iter().any(|e| e.chars().count() > MAX_ENTRY_CHARS) {
        return Err(DomainError::invalid(
            field,
            "too_long",
            format!("each entry has at most {MAX_ENTRY_CHARS} characters"),
        ));
    }
    Ok(entries)
}

#[cfg(feature = "server")]
fn choice<T>(
    field: &'static str,
    value: &Option<String>,
    parse: fn(&str) -> Option<T>,
    allowed: &str,
) -> DomainResult<Option<T>> {
    text(value)
        .map(|raw| {
            parse(raw).ok_or_else(|| {
                DomainError::invalid(field, "invalid_choice", format!("must be one of {allowed}"))
            })
        })
        .transpose()
}

#[cfg(feature = "server")]
fn measure(
    field: &'static str,
    value: Option<f64>,
    min: f64,
    max: f64,
    unit: &str,
) -> DomainResult<Option<f64>> {
    match value {
        Some(v) if !v.is_finite() || v < min || v > max => Err(DomainError::invalid(
            field,
            crate::bounds::OUT_OF_RANGE,
            format!("must be between {min} and {max} {unit}"),
        )),
        other => Ok(other),
    }
}

#[cfg(feature = "server")]
impl MedicalProfileForm {
    /// Checks every field and builds the profile of `patient_id`, as of `today`.
    pub fn parse(&self, patient_id: UserId, today: Date) -> DomainResult<MedicalProfile> {
        let date_of_birth = text(&self.date_of_birth)
            .map(|raw| crate::bounds::parse_date("date_of_birth", raw))
            .transpose()?;
        if date_of_birth.is_some_and(|d| d > today) {
            return Err(DomainError::invalid(
                "date_of_birth",
                "in_future",
                "the date of birth cannot be in the future",
            ));
        }
        let height = measure("height_cm", self.height_cm, 30.0, 250.0, "cm")?;
        if height.is_some_and(|h| h.fract() != 0.0) {
            return Err(DomainError::invalid(
                "height_cm",
                "not_integer",
                "a whole number of centimetres",
            ));
        }
        let weight = measure("weight_kg", self.weight_kg, 1.0, 400.0, "kg")?
            .map(|w| (w * 10.0).round() / 10.0);
        let contact_name =
            bounded_text("emergency_contact_name", &self.emergency_contact_name, 100)?;
        let contact_relation = bounded_text(
            "emergency_contact_relation",
            &self.emergency_contact_relation,
            50,
        )?;
        let contact_phone = text(&self.emergency_contact_phone)
            .map(|raw| crate::phones::parse("emergency_contact_phone", raw))
            .transpose()?;
        let emergency_contact = match (contact_name, contact_phone, contact_relation) {
            (None, None, None) => None,
            (Some(name), Some(phone), Some(relation)) => Some(EmergencyContact {
                name,
                phone,
                relation,
            }),
            (None, _, _) => return Err(missing("emergency_contact_name")),
            (_, None, _) => return Err(missing("emergency_contact_phone")),
            (_, _, None) => return Err(missing("emergency_contact_relation")),
        };
        let mobile_phone = text(&self.mobile_phone)
            .map(|raw| crate::phones::parse("mobile_phone", raw))
            .transpose()?;
        Ok(MedicalProfile {
            patient_id,
            date_of_birth,
            sex: choice("sex", &self.sex, Sex::parse, "female, male, other")?,
            blood_group: choice(
                "blood_group",
                &self.blood_group,
                BloodGroup::parse,
                "A+, A-, B+, B-, AB+, AB-, O+, O-",
            )?,
            // In 30..=250 and whole: the cast is exact.
            height_cm: height.map(|h| h as i32),
            weight_kg: weight,
            allergies: list("allergies", &self.allergies)?,
            chronic_conditions: list("chronic_conditions", &self.chronic_conditions)?,
            emergency_contact,
            mobile_phone,
            blood_pressure_level: choice(
                "blood_pressure_level",
                &self.blood_pressure_level,
                Level::parse,
                "low, normal, high",
            )?,
            cholesterol_level: choice(
                "cholesterol_level",
                &self.cholesterol_level,
                Level::parse,
                "low, normal, high",
            )?,
            updated_at: None,
        })
    }
}

#[cfg(feature = "server")]
fn missing(field: &'static str) -> DomainError {
    DomainError::invalid(
        field,
        "required",
        "an emergency contact needs a name, a phone number and a relation",
    )
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::*;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 22)
    }

    #[test]
    fn a_full_form_parses_to_checked_values() {
        let form = MedicalProfileForm {
            date_of_birth: Some("1984-03-12".into()),
            sex: Some("female".into()),
            blood_group: Some("ab +".into()),
            height_cm: Some(168.0),
            weight_kg: Some(62.46),
            allergies: Some(TextList::Text("pénicilline\n, arachide".into())),
            emergency_contact_name: Some("Jean Martin".into()),
            emergency_contact_phone: Some("06 12 34 56 78".into()),
            emergency_contact_relation: Some("conjoint".into()),
            mobile_phone: Some("+33 6 98 76 54 32".into()),
            cholesterol_level: Some("high".into()),
            ..MedicalProfileForm::default()
        };
        let profile = form.parse(7, today()).unwrap();
        assert_eq!(profile.blood_group, Some(BloodGroup::AbPos));
        assert_eq!(profile.weight_kg, Some(62.5));
        assert_eq!(profile.allergies, vec!["pénicilline", "arachide"]);
        assert_eq!(profile.mobile_phone.as_deref(), Some("+33698765432"));
        assert_eq!(
            profile.emergency_contact.as_ref().map(|c| c.phone.clone()),
            Some("+33612345678".to_owned())
        );
        assert_eq!(profile.cholesterol_level, Some(Level::High));
        // Saving the profile's own form again changes nothing.
        let again = MedicalProfileForm::from(&profile)
            .parse(7, today())
            .unwrap();
        assert_eq!(again.blood_group, Some(BloodGroup::AbPos));
        assert_eq!(again.allergies, vec!["pénicilline", "arachide"]);
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(MedicalProfileForm, &str)> = vec![
            (
                MedicalProfileForm {
                    date_of_birth: Some("2030-01-01".into()),
                    ..Default::default()
                },
                "date_of_birth",
            ),
            (
                MedicalProfileForm {
                    date_of_birth: Some("12/03/1984".into()),
                    ..Default::default()
                },
                "date_of_birth",
            ),
            (
                MedicalProfileForm {
                    sex: Some("x".into()),
                    ..Default::default()
                },
                "sex",
            ),
            (
                MedicalProfileForm {
                    blood_group: Some("C+".into()),
                    ..Default::default()
                },
                "blood_group",
            ),
            (
                MedicalProfileForm {
                    height_cm: Some(12.0),
                    ..Default::default()
                },
                "height_cm",
            ),
            (
                MedicalProfileForm {
                    height_cm: Some(170.5),
                    ..Default::default()
                },
                "height_cm",
            ),
            (
                MedicalProfileForm {
                    weight_kg: Some(f64::NAN),
                    ..Default::default()
                },
                "weight_kg",
            ),
            (
                MedicalProfileForm {
                    mobile_phone: Some("12".into()),
                    ..Default::default()
                },
                "mobile_phone",
            ),
            (
                MedicalProfileForm {
                    emergency_contact_name: Some("Jean".into()),
                    ..Default::default()
                },
                "emergency_contact_phone",
            ),
            (
                MedicalProfileForm {
                    blood_pressure_level: Some("very".into()),
                    ..Default::default()
                },
                "blood_pressure_level",
            ),
            (
                MedicalProfileForm {
                    allergies: Some(TextList::List(vec!["x".repeat(101)])),
                    ..Default::default()
                },
                "allergies",
            ),
        ];
        for (form, field) in cases {
            let err = form.parse(7, today()).unwrap_err();
            assert_eq!(err.field(), Some(field), "{form:?}");
        }
    }
}
