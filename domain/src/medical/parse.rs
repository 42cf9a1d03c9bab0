//! Checking a [`MedicalProfileForm`] field by field (server side): each error
//! names its field.

use jiff::civil::Date;

use super::{
    BloodGroup, EmergencyContact, Level, MAX_ENTRY_CHARS, MAX_LIST_ENTRIES, MedicalProfile,
    MedicalProfileForm, Sex, TextList,
};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};

fn text(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

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
        let postal_code = text(&self.postal_code)
            .map(|raw| {
                let code = raw.trim().to_uppercase();
                let fits = (3..=10).contains(&code.len())
                    && code.chars().any(|c| c.is_ascii_digit())
                    && code
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
                if fits {
                    Ok(code)
                } else {
                    Err(DomainError::invalid(
                        "postal_code",
                        "invalid_postal_code",
                        "a postal code is 3 to 10 letters, digits, spaces or hyphens",
                    ))
                }
            })
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
            postal_code,
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
            time_zone: text(&self.time_zone)
                .map(|raw| {
                    jiff::tz::TimeZone::get(raw)
                        .map(|_| raw.to_owned())
                        .map_err(|_| {
                            DomainError::invalid(
                                "time_zone",
                                "invalid_timezone",
                                "unknown IANA time zone, such as Europe/Paris",
                            )
                        })
                })
                .transpose()?,
            updated_at: None,
        })
    }
}

fn missing(field: &'static str) -> DomainError {
    DomainError::invalid(
        field,
        "required",
        "an emergency contact needs a name, a phone number and a relation",
    )
}

#[cfg(test)]
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
