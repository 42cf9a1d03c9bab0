//! Checking a [`TreatmentForm`] and a [`DoseForm`] (server side): each error
//! names its field.

use jiff::Timestamp;
use jiff::civil::{Date, Time};

use super::schedule::{default_dose_times, parse_time};
use super::{
    DoseForm, DoseStatus, MAX_DURATION_DAYS, MAX_FREQUENCY, MAX_INSTRUCTIONS_CHARS, MAX_NAME_CHARS,
    TreatmentForm,
};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};

/// A treatment form once checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTreatment {
    pub medocs_name: String,
    pub frequency: i64,
    pub duration_days: i64,
    pub started_at: Option<Timestamp>,
    /// Exactly `frequency` times, in order; the default spread when the form
    /// gave none.
    pub dose_times: Vec<Time>,
    pub instructions: Option<String>,
    pub patient_id: Option<UserId>,
    pub consultation_id: Option<i64>,
}

fn required<T>(field: &'static str, value: Option<T>) -> DomainResult<T> {
    value.ok_or_else(|| DomainError::invalid(field, "required", "this field is required"))
}

fn within(field: &'static str, value: i64, max: i64) -> DomainResult<i64> {
    if (1..=max).contains(&value) {
        Ok(value)
    } else {
        Err(DomainError::invalid(
            field,
            crate::bounds::OUT_OF_RANGE,
            format!("must be between 1 and {max}"),
        ))
    }
}

impl TreatmentForm {
    /// Checks every field.
    pub fn parse(&self) -> DomainResult<ParsedTreatment> {
        let name = required("medocs_name", self.medocs_name.as_deref())?.trim();
        if name.is_empty() {
            return Err(DomainError::invalid(
                "medocs_name",
                "blank",
                "may not be blank",
            ));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(DomainError::invalid(
                "medocs_name",
                "too_long",
                format!("at most {MAX_NAME_CHARS} characters"),
            ));
        }
        let frequency = within(
            "frequency",
            required("frequency", self.frequency)?,
            MAX_FREQUENCY,
        )?;
        let duration_days = within(
            "duration_days",
            required("duration_days", self.duration_days)?,
            MAX_DURATION_DAYS,
        )?;
        let started_at = match self.started_at.as_deref().map(str::trim) {
            None => None,
            Some(raw) => Some(crate::bounds::parse_instant("started_at", raw)?),
        };
        let dose_times = match &self.dose_times {
            None => default_dose_times(frequency),
            Some(raw) if raw.is_empty() => default_dose_times(frequency),
            Some(raw) => {
                let mut times = raw
                    .iter()
                    .map(|t| parse_time(t))
                    .collect::<Option<Vec<Time>>>()
                    .ok_or_else(|| {
                        DomainError::invalid("dose_times", "invalid_time", "each time is HH:MM")
                    })?;
                times.sort();
                times.dedup();
                if times.len() as i64 != frequency || raw.len() as i64 != frequency {
                    return Err(DomainError::invalid(
                        "dose_times",
                        "count_mismatch",
                        format!("give {frequency} different times, one per dose"),
                    ));
                }
                times
            }
        };
        let instructions = match self.instructions.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) if text.chars().count() > MAX_INSTRUCTIONS_CHARS => {
                return Err(DomainError::invalid(
                    "instructions",
                    "too_long",
                    format!("at most {MAX_INSTRUCTIONS_CHARS} characters"),
                ));
            }
            Some(text) => Some(text.to_owned()),
        };
        Ok(ParsedTreatment {
            medocs_name: name.to_owned(),
            frequency,
            duration_days,
            started_at,
            dose_times,
            instructions,
            patient_id: self.patient_id,
            consultation_id: self.consultation_id,
        })
    }
}

/// A ticked dose once checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDose {
    pub day: Date,
    pub time: Time,
    pub status: DoseStatus,
}

impl DoseForm {
    /// Checks every field (that the dose belongs to the treatment is the
    /// service's business).
    pub fn parse(&self) -> DomainResult<ParsedDose> {
        let day = crate::bounds::parse_date("day", required("day", self.day.as_deref())?)?;
        let time = parse_time(required("time", self.time.as_deref())?)
            .ok_or_else(|| DomainError::invalid("time", "invalid_time", "expected HH:MM"))?;
        let status = DoseStatus::parse(required("status", self.status.as_deref())?.trim())
            .ok_or_else(|| {
                DomainError::invalid("status", "invalid_choice", "must be taken or skipped")
            })?;
        Ok(ParsedDose { day, time, status })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_form() -> TreatmentForm {
        TreatmentForm {
            medocs_name: Some("Paracétamol".into()),
            frequency: Some(3),
            duration_days: Some(7),
            ..TreatmentForm::default()
        }
    }

    #[test]
    fn the_seed_body_parses_with_default_times() {
        let parsed = seed_form().parse().unwrap();
        assert_eq!(parsed.frequency, 3);
        assert_eq!(parsed.dose_times.len(), 3);
        assert_eq!(parsed.started_at, None);
    }

    #[test]
    fn each_error_names_its_field() {
        let field = |form: TreatmentForm| form.parse().unwrap_err().field();
        assert_eq!(
            field(TreatmentForm {
                medocs_name: None,
                ..seed_form()
            }),
            Some("medocs_name")
        );
        assert_eq!(
            field(TreatmentForm {
                medocs_name: Some("  ".into()),
                ..seed_form()
            }),
            Some("medocs_name")
        );
        assert_eq!(
            field(TreatmentForm {
                frequency: None,
                ..seed_form()
            }),
            Some("frequency")
        );
        assert_eq!(
            field(TreatmentForm {
                frequency: Some(0),
                ..seed_form()
            }),
            Some("frequency")
        );
        assert_eq!(
            field(TreatmentForm {
                frequency: Some(13),
                ..seed_form()
            }),
            Some("frequency")
        );
        assert_eq!(
            field(TreatmentForm {
                duration_days: Some(-1),
                ..seed_form()
            }),
            Some("duration_days")
        );
        assert_eq!(
            field(TreatmentForm {
                started_at: Some("demain".into()),
                ..seed_form()
            }),
            Some("started_at")
        );
        assert_eq!(
            field(TreatmentForm {
                dose_times: Some(vec!["08:00".into()]),
                ..seed_form()
            }),
            Some("dose_times")
        );
        assert_eq!(
            field(TreatmentForm {
                dose_times: Some(vec!["08:00".into(), "08:00".into(), "20:00".into()]),
                ..seed_form()
            }),
            Some("dose_times")
        );
        assert_eq!(
            field(TreatmentForm {
                instructions: Some("x".repeat(501)),
                ..seed_form()
            }),
            Some("instructions")
        );
    }

    #[test]
    fn dose_forms_name_their_field() {
        let ok = DoseForm {
            day: Some("2026-12-02".into()),
            time: Some("08:00".into()),
            status: Some("taken".into()),
        };
        assert_eq!(ok.parse().unwrap().status, DoseStatus::Taken);
        let field = |form: DoseForm| form.parse().unwrap_err().field();
        assert_eq!(
            field(DoseForm {
                day: Some("02/12/2026".into()),
                ..ok.clone()
            }),
            Some("day")
        );
        assert_eq!(
            field(DoseForm {
                time: None,
                ..ok.clone()
            }),
            Some("time")
        );
        assert_eq!(
            field(DoseForm {
                status: Some("maybe".into()),
                ..ok
            }),
            Some("status")
        );
    }
}
