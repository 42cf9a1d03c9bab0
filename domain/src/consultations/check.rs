//! Checking a record's sections and texts: texts are trimmed (blank ones
//! become absent) and bounded, codes must be known, numbers plausible. Every
//! error names its field as the client sent it (`intake.symptoms`,
//! `examination.vitals.spo2_pct`…).

use super::checklists::{CONDITIONS, HABITS, MEDICATION_SOURCES, REGIONS, SYMPTOMS, known};
use super::{Examination, Intake, MAX_REASON_CHARS, MAX_TEXT_CHARS, VisitVitals, icd10};
use crate::error::{DomainError, DomainResult};

/// A trimmed optional text of at most `max` characters.
fn text(field: &'static str, value: &Option<String>, max: usize) -> DomainResult<Option<String>> {
    let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
    }
    Ok(Some(value.to_owned()))
}

/// A required text (trimmed, not blank, at most `max` characters).
pub fn required_text(
    field: &'static str,
    value: &Option<String>,
    max: usize,
) -> DomainResult<String> {
    text(field, value, max)?
        .ok_or_else(|| DomainError::invalid(field, "required", "this field is required"))
}

/// A rejection reason.
pub fn reason(value: &Option<String>) -> DomainResult<String> {
    required_text("reason", value, MAX_REASON_CHARS)
}

/// The body of a message or an addendum.
pub fn body(value: &Option<String>) -> DomainResult<String> {
    required_text("body", value, MAX_TEXT_CHARS)
}

/// Known codes, each once, in the order given.
fn codes(
    field: &'static str,
    values: &[String],
    list: &[super::checklists::Choice],
) -> DomainResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for value in values {
        let value = value.trim();
        if !known(list, value) {
            return Err(DomainError::invalid(
                field,
                "unknown_code",
                format!("unknown code {value:?}"),
            ));
        }
        if !out.iter().any(|v| v == value) {
            out.push(value.to_owned());
        }
    }
    Ok(out)
}

fn choice(
    field: &'static str,
    value: &Option<String>,
    list: &[super::checklists::Choice],
) -> DomainResult<Option<String>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if known(list, v) => Ok(Some(v.to_owned())),
        Some(v) => Err(DomainError::invalid(
            field,
            "unknown_code",
            format!("unknown choice {v:?}"),
        )),
    }
}

fn measure(
    field: &'static str,
    value: Option<f64>,
    min: f64,
    max: f64,
) -> DomainResult<Option<f64>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && (min..=max).contains(&v) => Ok(Some(v)),
        Some(_) => Err(DomainError::invalid(
            field,
            crate::bounds::OUT_OF_RANGE,
            format!("must be between {min} and {max}"),
        )),
    }
}

impl Intake {
    /// The intake once checked.
    pub fn check(&self) -> DomainResult<Intake> {
        let t = |field, value| text(field, value, MAX_TEXT_CHARS);
        Ok(Intake {
            reason: t("intake.reason", &self.reason)?,
            illness_history: t("intake.illness_history", &self.illness_history)?,
            current_medication: t("intake.current_medication", &self.current_medication)?,
            medication_source: choice(
                "intake.medication_source",
                &self.medication_source,
                MEDICATION_SOURCES,
            )?,
            symptoms: codes("intake.symptoms", &self.symptoms, SYMPTOMS)?,
            conditions: codes("intake.conditions", &self.conditions, CONDITIONS)?,
            tobacco: choice("intake.tobacco", &self.tobacco, HABITS)?,
            alcohol: choice("intake.alcohol", &self.alcohol, HABITS)?,
            physical_activity: choice("intake.physical_activity", &self.physical_activity, HABITS)?,
            diet: t("intake.diet", &self.diet)?,
            drug_allergies: t("intake.drug_allergies", &self.drug_allergies)?,
            family_history: t("intake.family_history", &self.family_history)?,
            concerns: t("intake.concerns", &self.concerns)?,
            expectations: t("intake.expectations", &self.expectations)?,
        })
    }

    /// What submitting needs: the reason for consulting.
    pub fn check_complete(&self) -> DomainResult<()> {
        required_text("intake.reason", &self.reason, MAX_TEXT_CHARS).map(drop)
    }
}

impl VisitVitals {
    fn check(&self) -> DomainResult<VisitVitals> {
        let v = VisitVitals {
            systolic_mmhg: measure(
                "examination.vitals.systolic_mmhg",
                self.systolic_mmhg,
                40.0,
                300.0,
            )?,
            diastolic_mmhg: measure(
                "examination.vitals.diastolic_mmhg",
                self.diastolic_mmhg,
                20.0,
                200.0,
            )?,
            heart_rate_bpm: measure(
                "examination.vitals.heart_rate_bpm",
                self.heart_rate_bpm,
                20.0,
                250.0,
            )?,
            respiratory_rate: measure(
                "examination.vitals.respiratory_rate",
                self.respiratory_rate,
                4.0,
                60.0,
            )?,
            temperature_c: measure(
                "examination.vitals.temperature_c",
                self.temperature_c,
                30.0,
                45.0,
            )?,
            spo2_pct: measure("examination.vitals.spo2_pct", self.spo2_pct, 50.0, 100.0)?,
            weight_kg: measure("examination.vitals.weight_kg", self.weight_kg, 0.5, 400.0)?,
            height_cm: measure("examination.vitals.height_cm", self.height_cm, 30.0, 250.0)?,
        };
        if let (Some(sys), Some(dia)) = (v.systolic_mmhg, v.diastolic_mmhg)
            && dia >= sys
        {
            return Err(DomainError::invalid(
                "examination.vitals.diastolic_mmhg",
                "above_systolic",
                "the diastolic pressure must be below the systolic",
            ));
        }
        Ok(v)
    }
}

impl Examination {
    /// The examination once checked.
    pub fn check(&self) -> DomainResult<Examination> {
        let t = |field, value| text(field, value, MAX_TEXT_CHARS);
        let mut regions = std::collections::BTreeMap::new();
        for (region, findings) in &self.regions {
            if !known(REGIONS, region) {
                return Err(DomainError::invalid(
                    "examination.regions",
                    "unknown_code",
                    format!("unknown region {region:?}"),
                ));
            }
            let findings = Some(findings.clone());
            if let Some(findings) = text("examination.regions", &findings, MAX_TEXT_CHARS)? {
                regions.insert(region.clone(), findings);
            }
        }
        let icd10_code = match self.icd10_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(raw) => Some(icd10::normalize(raw).ok_or_else(|| {
                DomainError::invalid(
                    "examination.icd10_code",
                    "invalid_icd10",
                    "an ICD-10 code is a letter, two digits and an optional subdivision (I10, J11.1)",
                )
            })?),
        };
        Ok(Examination {
            vitals: self.vitals.check()?,
            general_state: t("examination.general_state", &self.general_state)?,
            regions,
            hypotheses: t("examination.hypotheses", &self.hypotheses)?,
            tests_proposed: t("examination.tests_proposed", &self.tests_proposed)?,
            diagnosis: t("examination.diagnosis", &self.diagnosis)?,
            icd10_code,
            treatment_plan: t("examination.treatment_plan", &self.treatment_plan)?,
            complementary_exams: t("examination.complementary_exams", &self.complementary_exams)?,
            recommendations: t("examination.recommendations", &self.recommendations)?,
            follow_up: t("examination.follow_up", &self.follow_up)?,
        })
    }

    /// What validating needs: a diagnosis.
    pub fn check_complete(&self) -> DomainResult<()> {
        required_text("examination.diagnosis", &self.diagnosis, MAX_TEXT_CHARS).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(err: DomainError) -> Option<&'static str> {
        err.field()
    }

    #[test]
    fn intake_trims_and_names_faulty_fields() {
        let intake = Intake {
            reason: Some("  Maux de tête  ".into()),
            diet: Some("   ".into()),
            symptoms: vec!["headache".into(), "headache".into(), "fever".into()],
            ..Intake::default()
        };
        let checked = intake.check().unwrap();
        assert_eq!(checked.reason.as_deref(), Some("Maux de tête"));
        assert_eq!(checked.diet, None);
        assert_eq!(checked.symptoms, ["headache", "fever"]);

        let bad = Intake {
            symptoms: vec!["sneezing".into()],
            ..Intake::default()
        };
        assert_eq!(field(bad.check().unwrap_err()), Some("intake.symptoms"));
        let bad = Intake {
            tobacco: Some("daily".into()),
            ..Intake::default()
        };
        assert_eq!(field(bad.check().unwrap_err()), Some("intake.tobacco"));
        let long = Intake {
            concerns: Some("x".repeat(MAX_TEXT_CHARS + 1)),
            ..Intake::default()
        };
        assert_eq!(field(long.check().unwrap_err()), Some("intake.concerns"));
        assert_eq!(
            field(Intake::default().check_complete().unwrap_err()),
            Some("intake.reason")
        );
    }

    #[test]
    fn examination_checks_codes_vitals_and_regions() {
        let exam = Examination {
            icd10_code: Some("i10".into()),
            vitals: VisitVitals {
                systolic_mmhg: Some(150.0),
                diastolic_mmhg: Some(95.0),
                ..VisitVitals::default()
            },
            regions: [("cardiovascular".to_owned(), " B1 B2 réguliers ".to_owned())].into(),
            ..Examination::default()
        };
        let checked = exam.check().unwrap();
        assert_eq!(checked.icd10_code.as_deref(), Some("I10"));
        assert_eq!(checked.regions["cardiovascular"], "B1 B2 réguliers");

        let bad = Examination {
            icd10_code: Some("hypertension".into()),
            ..Examination::default()
        };
        assert_eq!(
            field(bad.check().unwrap_err()),
            Some("examination.icd10_code")
        );
        let bad = Examination {
            vitals: VisitVitals {
                spo2_pct: Some(120.0),
                ..VisitVitals::default()
            },
            ..Examination::default()
        };
        assert_eq!(
            field(bad.check().unwrap_err()),
            Some("examination.vitals.spo2_pct")
        );
        let bad = Examination {
            vitals: VisitVitals {
                systolic_mmhg: Some(80.0),
                diastolic_mmhg: Some(90.0),
                ..VisitVitals::default()
            },
            ..Examination::default()
        };
        assert_eq!(
            field(bad.check().unwrap_err()),
            Some("examination.vitals.diastolic_mmhg")
        );
        let bad = Examination {
            regions: [("elbow".to_owned(), "ok".to_owned())].into(),
            ..Examination::default()
        };
        assert_eq!(field(bad.check().unwrap_err()), Some("examination.regions"));
        assert_eq!(
            field(Examination::default().check_complete().unwrap_err()),
            Some("examination.diagnosis")
        );
    }
}
