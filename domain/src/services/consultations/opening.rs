//! Opening a record: who it is for and addressed to, checked against the
//! appointment it prepares (one record per appointment) or the care team.

use jiff::Timestamp;

use super::ConsultationService;
use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::consultations::{Consultation, Examination, NewConsultation};
use crate::error::{DomainError, DomainResult};
use crate::scheduling::appointments::AppointmentStatus;
use crate::services::trail::append_in;
use crate::store::consultations::{self as store, NewRow};
use crate::store::{appointments, care, db_error, users};
use crate::trail::{Resource, TrailAction};

impl ConsultationService {
    /// Who the record is for and addressed to: checked against the
    /// appointment, or the care team.
    async fn parties(
        &self,
        actor: &Principal,
        form: &NewConsultation,
    ) -> DomainResult<(UserId, UserId)> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let (patient_id, doctor_id) = match actor.role {
            Role::Admin => return Err(DomainError::Forbidden),
            Role::Patient => {
                if form.patient_id.is_some_and(|p| p != actor.user_id) {
                    return Err(DomainError::invalid(
                        "patient_id",
                        "not_yours",
                        "patients open records for themselves",
                    ));
                }
                (actor.user_id, form.doctor_id)
            }
            Role::Doctor => {
                let patient_id = form.patient_id.ok_or_else(|| {
                    DomainError::invalid("patient_id", "required", "say whom the record is for")
                })?;
                match users::by_id(&mut conn, patient_id).await? {
                    Some(user) if user.role == Role::Patient => {}
                    _ => return Err(DomainError::NotFound("patient")),
                }
                (patient_id, Some(actor.user_id))
            }
        };
        if let Some(appointment_id) = form.appointment_id {
            let appointment = appointments::get(&mut conn, appointment_id)
                .await?
                .filter(|a| a.patient_id == patient_id)
                .filter(|a| actor.role != Role::Doctor || a.doctor_id == actor.user_id)
                .ok_or(DomainError::invalid(
                    "appointment_id",
                    "unknown_appointment",
                    "no such appointment of this patient",
                ))?;
            if matches!(
                appointment.status,
                AppointmentStatus::Cancelled | AppointmentStatus::Refused
            ) {
                return Err(DomainError::invalid(
                    "appointment_id",
                    "appointment_closed",
                    "the appointment was cancelled or refused",
                ));
            }
            if doctor_id.is_some_and(|d| d != appointment.doctor_id) {
                return Err(DomainError::invalid(
                    "doctor_id",
                    "not_the_appointment_doctor",
                    "the appointment is with another doctor",
                ));
            }
            if store::of_appointment(&mut conn, appointment_id)
                .await?
                .is_some()
            {
                return Err(DomainError::Conflict {
                    field: Some("appointment_id"),
                    code: "record_exists",
                    message: "this appointment already has a record".into(),
                });
            }
            return Ok((patient_id, appointment.doctor_id));
        }
        let doctor_id = doctor_id.ok_or_else(|| {
            DomainError::invalid(
                "doctor_id",
                "required",
                "choose the doctor the record is for",
            )
        })?;
        if actor.role == Role::Patient
            && !care::is_running(&mut conn, doctor_id, patient_id).await?
        {
            return Err(DomainError::invalid(
                "doctor_id",
                "not_in_care_team",
                "choose a doctor of your care team, or one of your appointments",
            ));
        }
        Ok((patient_id, doctor_id))
    }

    /// Opens a draft record.
    pub async fn create(
        &self,
        actor: &Principal,
        form: &NewConsultation,
        now: Timestamp,
    ) -> DomainResult<Consultation> {
        let intake = form.intake.clone().unwrap_or_default().check()?;
        let (patient_id, doctor_id) = self.parties(actor, form).await?;
        let granted = self
            .gate
            .check(
                actor,
                TrailAction::Create,
                Resource::Consultation,
                patient_id,
                None,
                now,
            )
            .await?;
        let intake_json = serde_json::to_string(&intake).map_err(DomainError::internal)?;
        let exam_json =
            serde_json::to_string(&Examination::default()).map_err(DomainError::internal)?;
        let row = NewRow {
            patient_id,
            doctor_id,
            appointment_id: form.appointment_id,
            intake: &intake_json,
            examination: &exam_json,
            created_by: actor.user_id,
        };
        let mut tx = self.db.begin_write().await?;
        let id = store::insert(&mut tx, &row, now.as_millisecond()).await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry.on(id)]).await?;
        let stored = store::get(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("consultation"))?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(
            consultation_id = id,
            patient_id,
            doctor_id,
            "consultation record opened"
        );
        self.view(stored, actor.user_id, now).await
    }
}
