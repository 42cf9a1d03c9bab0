//! Status changes (accept, refuse, cancel, complete, no-show): the rules of
//! who may do what, the place passed on, the other side told, care started.

use jiff::Timestamp;

use super::{AppointmentService, freed};
use crate::accounts::Role;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::notifications::Notice;
use crate::scheduling::appointments::{Action, AppointmentStatus, transition};
use crate::services::care::start_from_appointment;
use crate::services::trail::append_in;
use crate::services::waitlist::{name_of, pass_on};
use crate::store::appointments::{self as store, AppointmentRow};
use crate::store::{db_error, notifications};

impl AppointmentService {
    /// Moves an appointment along (accept, refuse, cancel, complete, no-show).
    /// Patients cancel only before the doctor's cut-off. The answer shows the
    /// reason as the policy allows, and that read is recorded.
    pub async fn act(
        &self,
        actor: &Principal,
        id: i64,
        action: Action,
        message: Option<&str>,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        let mut row = [self.change(actor, id, action, message, now).await?];
        self.disclose(actor, &mut row).await?;
        let [row] = row;
        Ok(row)
    }

    /// [`Self::act`] for a door that does not show the appointment again: the
    /// answer's reason is blank, and no read of it is recorded.
    pub async fn act_without_reason(
        &self,
        actor: &Principal,
        id: i64,
        action: Action,
        message: Option<&str>,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        let mut row = self.change(actor, id, action, message, now).await?;
        row.reason.clear();
        Ok(row)
    }

    /// The change of [`Self::act`]; the row still holds the reason.
    async fn change(
        &self,
        actor: &Principal,
        id: i64,
        action: Action,
        message: Option<&str>,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        let appointment = self.visible_row(actor, id).await?;
        let message = message.map(str::trim).filter(|m| !m.is_empty());
        // Administrators only cancel, and say why: both sides are told.
        if actor.role == Role::Admin {
            if action != Action::Cancel {
                return Err(DomainError::Forbidden);
            }
            if message.is_none() {
                return Err(DomainError::invalid(
                    "message",
                    "required",
                    "say why the appointment is cancelled",
                ));
            }
        }
        if message.is_some_and(|m| m.chars().count() > 1000) {
            return Err(DomainError::invalid(
                "message",
                "too_long",
                "at most 1000 characters",
            ));
        }
        let next = transition(
            appointment.status,
            action,
            actor.role,
            now >= appointment.starts_at,
        )?;
        if actor.role == Role::Patient {
            self.check_cutoff(&appointment, now).await?;
        }
        let doctor_message = if actor.role == Role::Doctor {
            message
        } else {
            None
        };
        let schedule = self.scheduling.schedule(appointment.doctor_id).await?;
        let mut tx = self.db.begin_write().await?;
        store::lock_doctor(&mut tx, self.db.dialect(), appointment.doctor_id).await?;
        if !store::set_status(
            &mut tx,
            id,
            appointment.status,
            next,
            actor.user_id,
            message.unwrap_or(""),
            doctor_message,
        )
        .await?
        {
            return Err(DomainError::Conflict {
                field: Some("status"),
                code: "status_changed",
                message: "the appointment changed meanwhile; reload it".into(),
            });
        }
        if appointment.status.holds_place()
            && !next.holds_place()
            && matches!(
                next,
                AppointmentStatus::Cancelled | AppointmentStatus::Refused
            )
        {
            pass_on(&mut tx, &schedule, freed(&appointment), now).await?;
        }
        notify_change(&mut tx, actor, &appointment, next, message.unwrap_or("")).await?;
        // Accepting an appointment starts the doctor's care of the patient.
        if actor.role == Role::Doctor && next == AppointmentStatus::Confirmed {
            let started =
                start_from_appointment(&mut tx, actor, appointment.patient_id, id, now).await?;
            append_in(&mut tx, self.db.dialect(), started.as_slice()).await?;
        }
        // An administrator's act on someone's appointment is theirs to answer for.
        if actor.role == Role::Admin {
            crate::store::activity::log(
                &mut tx,
                &crate::store::activity::NewActivity::by(
                    actor,
                    crate::activity::ActivityAction::AppointmentCancelled,
                )
                .on("appointment", id),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
        tracing::info!(
            appointment_id = id,
            status = next.as_str(),
            "appointment updated"
        );
        Ok(AppointmentRow {
            status: next,
            doctor_message: doctor_message
                .map_or(appointment.doctor_message.clone(), str::to_owned),
            ..appointment
        })
    }
}

/// Tells the other side what happened to an appointment.
async fn notify_change(
    tx: &mut sqlx::AnyConnection,
    actor: &Principal,
    a: &AppointmentRow,
    next: AppointmentStatus,
    message: &str,
) -> DomainResult<()> {
    let name = name_of(tx, actor.user_id).await?;
    let (to, notice) = match (actor.role, next) {
        (Role::Doctor, AppointmentStatus::Confirmed) => (
            a.patient_id,
            Notice::AppointmentConfirmed {
                appointment_id: a.id,
                doctor_name: name,
                starts_at: a.starts_at,
                message: message.to_owned(),
            },
        ),
        (Role::Doctor, AppointmentStatus::Refused) => (
            a.patient_id,
            Notice::AppointmentRefused {
                appointment_id: a.id,
                doctor_name: name,
                starts_at: a.starts_at,
                message: message.to_owned(),
            },
        ),
        (Role::Doctor, AppointmentStatus::Cancelled) => (
            a.patient_id,
            Notice::AppointmentCancelled {
                appointment_id: a.id,
                by_name: name,
                starts_at: a.starts_at,
                reason: String::new(),
            },
        ),
        (Role::Patient, AppointmentStatus::Cancelled) => (
            a.doctor_id,
            Notice::AppointmentCancelled {
                appointment_id: a.id,
                by_name: name,
                starts_at: a.starts_at,
                reason: String::new(),
            },
        ),
        (Role::Admin, AppointmentStatus::Cancelled) => {
            let notice = Notice::AppointmentCancelled {
                appointment_id: a.id,
                by_name: name,
                starts_at: a.starts_at,
                reason: message.to_owned(),
            };
            notifications::push(tx, a.doctor_id, &notice).await?;
            (a.patient_id, notice)
        }
        _ => return Ok(()),
    };
    notifications::push(tx, to, &notice).await
}
