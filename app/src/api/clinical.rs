//! Clinical care from the browser: treatments, their doses and adherence.
//! The policy, the trail and every rule live in the services; these
//! functions only turn what the forms send into the domain's forms.

use domain::accounts::UserId;
use domain::treatments::{PlannedDose, Treatment, TreatmentsOverview};
use leptos::prelude::*;

use crate::error::UiError;

/// A patient's treatments and today's doses: the caller's own without
/// `patient_id`, else that patient's (their doctors).
#[server]
pub async fn read_treatments(patient_id: Option<UserId>) -> Result<TreatmentsOverview, UiError> {
    use crate::session::{read_once, require_principal, services};
    let me = require_principal()?;
    let patient_id = patient_id.unwrap_or(me.user_id);
    let treatments = services()?.treatments.clone();
    read_once(format!("treatments/{patient_id}"), async move {
        Ok(treatments
            .overview(&me, patient_id, None, jiff::Timestamp::now())
            .await?)
    })
    .await
}

/// Adds a treatment as the form sends it: a patient for themself (empty
/// `patient_id`), a doctor for a patient in their care. `started_on` is a day
/// (`YYYY-MM-DD`, the treatment starts then at the first dose's time's day
/// start) or empty for now; `dose_times` is `HH:MM` separated by commas or
/// spaces, or empty for the usual spread; `consultation_id` the record it is
/// prescribed from.
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn add_treatment(
    patient_id: String,
    medocs_name: String,
    frequency: String,
    duration_days: String,
    started_on: String,
    dose_times: String,
    instructions: String,
    consultation_id: Option<String>,
) -> Result<Treatment, UiError> {
    use crate::session::{require_principal, services};
    use domain::treatments::TreatmentForm;
    let me = require_principal()?;
    let services = services()?;
    let patient_id = whole("patient_id", &patient_id)?;
    let started_at = match started_on.trim() {
        "" => None,
        day => {
            let day = domain::bounds::parse_date("started_on", day)?;
            let zone = services
                .treatments
                .zone(patient_id.unwrap_or(me.user_id))
                .await?;
            Some(
                day.to_zoned(zone)
                    .map_err(|_| {
                        UiError::from(domain::DomainError::invalid(
                            "started_on",
                            "invalid_date",
                            "no such day",
                        ))
                    })?
                    .timestamp()
                    .to_string(),
            )
        }
    };
    let times: Vec<String> = dose_times
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let form = TreatmentForm {
        medocs_name: Some(medocs_name),
        frequency: whole("frequency", &frequency)?,
        duration_days: whole("duration_days", &duration_days)?,
        started_at,
        dose_times: (!times.is_empty()).then_some(times),
        instructions: Some(instructions),
        patient_id,
        consultation_id: whole("consultation_id", consultation_id.as_deref().unwrap_or(""))?,
    };
    Ok(services
        .treatments
        .create(&me, &form, jiff::Timestamp::now())
        .await?)
}

/// A whole number as typed; empty is none.
#[cfg(feature = "ssr")]
fn whole(field: &str, raw: &str) -> Result<Option<i64>, UiError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw.parse::<i64>().map(Some).map_err(|_| UiError {
            code: "invalid_number".into(),
            field: Some(field.into()),
        }),
    }
}

/// Deletes a treatment.
#[server]
pub async fn delete_treatment(id: i64) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    let me = require_principal()?;
    Ok(services()?
        .treatments
        .delete(&me, id, jiff::Timestamp::now())
        .await?)
}

/// The patient ticks a dose `taken` or `skipped`.
#[server]
pub async fn tick_dose(
    treatment_id: i64,
    day: String,
    time: String,
    status: String,
) -> Result<PlannedDose, UiError> {
    use crate::session::{require_principal, services};
    use domain::treatments::DoseForm;
    let me = require_principal()?;
    let form = DoseForm {
        day: Some(day),
        time: Some(time),
        status: Some(status),
    };
    Ok(services()?
        .treatments
        .record_dose(&me, treatment_id, &form, jiff::Timestamp::now())
        .await?)
}

/// The patient checks their symptoms as the questionnaire sends them
/// (checkboxes are sent only when ticked); `lang` words the notice.
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn check_symptoms(
    fever: Option<String>,
    cough: Option<String>,
    fatigue: Option<String>,
    difficulty_breathing: Option<String>,
    chest_pain: Option<String>,
    blood_pressure: String,
    temperature: String,
    other: String,
    lang: String,
) -> Result<domain::symptoms::check::SymptomAnswer, UiError> {
    use crate::session::{require_principal, services};
    use domain::symptoms::check::{SymptomAnswers, SymptomRequest};
    let me = require_principal()?;
    let ticked = |v: &Option<String>| Some(v.is_some());
    let temperature = match temperature.trim() {
        "" => None,
        raw => Some(raw.replace(',', ".").parse::<f64>().map_err(|_| UiError {
            code: "invalid_number".into(),
            field: Some("temperature".into()),
        })?),
    };
    let request = SymptomRequest {
        symptoms: Some(SymptomAnswers {
            fever: ticked(&fever),
            cough: ticked(&cough),
            fatigue: ticked(&fatigue),
            difficulty_breathing: ticked(&difficulty_breathing),
            blood_pressure: Some(blood_pressure),
            chest_pain: ticked(&chest_pain),
            temperature,
            other: Some(other),
        }),
    };
    Ok(services()?
        .symptoms
        .check(&me, &request, &lang, jiff::Timestamp::now())
        .await?)
}
