//! Consultation records from the browser: lists, the record, its sections
//! (saved as the patient or the doctor goes), its statuses, addenda and
//! thread. The policy, the trail and every rule live in the service.

use domain::accounts::UserId;
use domain::consultations::{
    Consultation, ConsultationChanges, ConsultationSummary, ThreadMessage,
};
use leptos::prelude::*;

use crate::error::UiError;

/// The caller's records (`status` empty for every status); doctors may name
/// a patient.
#[server]
pub async fn list_records(
    status: Option<String>,
    patient_id: Option<UserId>,
) -> Result<Vec<ConsultationSummary>, UiError> {
    use crate::session::{read_once, require_principal, services};
    use domain::consultations::ConsultationFilter;
    let me = require_principal()?;
    let records = services()?.consultations.clone();
    let key = format!("records/{status:?}/{patient_id:?}");
    read_once(key, async move {
        let filter = ConsultationFilter { patient_id, status };
        Ok(records.list(&me, &filter, jiff::Timestamp::now()).await?)
    })
    .await
}

/// One record.
#[server]
pub async fn read_record(id: i64) -> Result<Consultation, UiError> {
    use crate::session::{read_once, require_principal, services};
    let me = require_principal()?;
    let records = services()?.consultations.clone();
    read_once(format!("record/{id}"), async move {
        Ok(records.get(&me, id, jiff::Timestamp::now()).await?)
    })
    .await
}

/// Opens a draft and returns its id: a patient with the doctor's id, a
/// doctor with the patient's (`other_id` as the form's select sends it); or
/// a patient for one of their appointments (`appointment_id`), whose record
/// is opened if it has one already.
#[server]
pub async fn open_record(other_id: String, appointment_id: Option<i64>) -> Result<i64, UiError> {
    use crate::session::{require_principal, services};
    use domain::accounts::Role;
    use domain::consultations::{ConsultationFilter, NewConsultation};
    let me = require_principal()?;
    let records = services()?.consultations.clone();
    let now = jiff::Timestamp::now();
    let form = match (me.role, appointment_id) {
        (Role::Patient, Some(appointment_id)) => {
            let mine = records
                .list(&me, &ConsultationFilter::default(), now)
                .await?;
            if let Some(found) = mine
                .iter()
                .find(|r| r.appointment_id == Some(appointment_id))
            {
                return Ok(found.id);
            }
            NewConsultation {
                appointment_id: Some(appointment_id),
                ..NewConsultation::default()
            }
        }
        (role, _) => {
            let field = if role == Role::Doctor {
                "patient_id"
            } else {
                "doctor_id"
            };
            let Ok(other) = other_id.trim().parse::<UserId>() else {
                return Err(UiError {
                    code: "required".into(),
                    field: Some(field.into()),
                });
            };
            if role == Role::Doctor {
                NewConsultation {
                    patient_id: Some(other),
                    ..NewConsultation::default()
                }
            } else {
                NewConsultation {
                    doctor_id: Some(other),
                    ..NewConsultation::default()
                }
            }
        }
    };
    Ok(records.create(&me, &form, now).await?.id)
}

/// Saves the sections given (the editor sends the section being edited).
#[server(input = crate::api::StrictJson)]
pub async fn save_record(id: i64, changes: ConsultationChanges) -> Result<Consultation, UiError> {
    use crate::session::{require_principal, services};
    let me = require_principal()?;
    Ok(services()?
        .consultations
        .update(&me, id, &changes, jiff::Timestamp::now())
        .await?)
}

/// `submit`, `validate` or `reject` (with `reason`).
#[server]
pub async fn record_step(id: i64, step: String, reason: String) -> Result<Consultation, UiError> {
    use crate::session::{require_principal, services};
    use domain::consultations::Rejection;
    let me = require_principal()?;
    let records = services()?.consultations.clone();
    let now = jiff::Timestamp::now();
    Ok(match step.as_str() {
        "submit" => records.submit(&me, id, now).await?,
        "validate" => records.validate(&me, id, now).await?,
        "reject" => {
            records
                .reject(
                    &me,
                    id,
                    &Rejection {
                        reason: Some(reason),
                    },
                    now,
                )
                .await?
        }
        _ => {
            return Err(UiError {
                code: "invalid_choice".into(),
                field: Some("step".into()),
            });
        }
    })
}

/// A doctor adds an addendum to a validated record.
#[server]
pub async fn add_addendum(id: i64, body: String) -> Result<Consultation, UiError> {
    use crate::session::{require_principal, services};
    use domain::consultations::NewText;
    let me = require_principal()?;
    Ok(services()?
        .consultations
        .add_addendum(
            &me,
            id,
            &NewText { body: Some(body) },
            jiff::Timestamp::now(),
        )
        .await?)
}

/// The record's thread (marks the other side's messages read).
#[server]
pub async fn read_thread(id: i64) -> Result<Vec<ThreadMessage>, UiError> {
    use crate::session::{require_principal, services};
    let me = require_principal()?;
    Ok(services()?
        .consultations
        .messages(&me, id, jiff::Timestamp::now())
        .await?)
}

/// Writes in the record's thread.
#[server]
pub async fn post_record_message(id: i64, body: String) -> Result<ThreadMessage, UiError> {
    use crate::session::{require_principal, services};
    use domain::consultations::NewText;
    let me = require_principal()?;
    Ok(services()?
        .consultations
        .post(
            &me,
            id,
            &NewText { body: Some(body) },
            jiff::Timestamp::now(),
        )
        .await?)
}

/// The patient attaches a symptom check to one of their records.
#[server]
pub async fn attach_check(consultation_id: String, check_id: i64) -> Result<Consultation, UiError> {
    use crate::session::{require_principal, services};
    let me = require_principal()?;
    let Ok(id) = consultation_id.trim().parse::<i64>() else {
        return Err(UiError {
            code: "required".into(),
            field: Some("consultation_id".into()),
        });
    };
    let changes = ConsultationChanges {
        symptom_check_id: Some(check_id),
        ..ConsultationChanges::default()
    };
    Ok(services()?
        .consultations
        .update(&me, id, &changes, jiff::Timestamp::now())
        .await?)
}
