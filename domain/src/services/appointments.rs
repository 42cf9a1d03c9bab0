//! Appointments: patients book, reschedule and cancel; doctors accept, refuse
//! and record the outcome; every change is kept in the history.
//!
//! The capacity of a slot is enforced by the database, inside the booking
//! transaction ([`store::take_place`]), never by reading then writing.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::notifications::Notice;
use crate::policy::Gate;
use crate::scheduling::ConsultationType;
use crate::scheduling::appointments::{Action, AppointmentStatus, transition};
use crate::services::booking::claim;
use crate::services::care::start_from_appointment;
use crate::services::reasons;
use crate::services::scheduling::SchedulingService;
use crate::services::trail::{NewEntry, append_in};
use crate::services::waitlist::{FreedPlace, name_of, pass_on};
use crate::store::appointments::{
    self as store, AppointmentRow, EventRow, ListFilter, NewAppointmentRow, Owner,
};
use crate::store::{Db, db_error, notifications, users};
use crate::trail::{Resource, TrailAction};

/// A booking request.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub doctor_id: UserId,
    pub starts_at: Timestamp,
    pub consultation_type: ConsultationType,
    pub reason: String,
}

/// Appointment operations.
#[derive(Clone)]
pub struct AppointmentService {
    db: Db,
    scheduling: SchedulingService,
    gate: Gate,
}

impl AppointmentService {
    pub(crate) fn new(db: Db, scheduling: SchedulingService, gate: Gate) -> Self {
        Self {
            db,
            scheduling,
            gate,
        }
    }

    /// Blanks the reasons the actor may not read and records those read.
    async fn disclose(&self, actor: &Principal, rows: &mut [AppointmentRow]) -> DomainResult<()> {
        reasons::disclose(&self.gate, &self.db, actor, rows, Timestamp::now()).await
    }

    async fn conn(&self) -> DomainResult<sqlx::pool::PoolConnection<sqlx::Any>> {
        self.db.pool().acquire().await.map_err(db_error)
    }

    /// A patient books a place. Exactly as many concurrent bookings succeed as the
    /// slot has places; the others are refused with `slot_full`.
    pub async fn book(
        &self,
        actor: &Principal,
        booking: &NewBooking,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        actor.require(Role::Patient)?;
        bounds::instant_in_range("start", booking.starts_at)?;
        if booking.reason.chars().count() > 1000 {
            return Err(DomainError::invalid(
                "reason",
                "too_long",
                "at most 1000 characters",
            ));
        }
        let free = self
            .scheduling
            .slot_at(
                booking.doctor_id,
                booking.starts_at,
                booking.consultation_type,
                now,
            )
            .await?;
        let kind = match free.slot.consultation_type {
            ConsultationType::Both => booking.consultation_type,
            offered => offered,
        };
        // Read before taking the write turn: a patient's own name.
        let patient_name = name_of(
            &mut *self.db.pool().acquire().await.map_err(db_error)?,
            actor.user_id,
        )
        .await?;
        let mut tx = self.db.begin_write().await?;
        claim(&mut tx, self.db.dialect(), actor.user_id, &free, None).await?;
        let appointment = store::insert(
            &mut tx,
            NewAppointmentRow {
                patient_id: actor.user_id,
                doctor_id: booking.doctor_id,
                starts_at: free.slot.starts_at,
                ends_at: free.slot.ends_at,
                consultation_type: kind,
                reason: booking.reason.trim(),
                location: free.slot.location.as_deref(),
            },
        )
        .await?;
        notifications::push(
            &mut tx,
            booking.doctor_id,
            &Notice::AppointmentRequested {
                appointment_id: appointment.id,
                patient_name,
                starts_at: appointment.starts_at,
            },
        )
        .await?;
        if !appointment.reason.is_empty() {
            let entry = NewEntry::by(
                actor,
                TrailAction::Create,
                Resource::AppointmentReason,
                actor.user_id,
            )
            .on(appointment.id);
            append_in(&mut tx, self.db.dialect(), &[entry]).await?;
        }
        tx.commit().await.map_err(db_error)?;
        tracing::info!(appointment_id = appointment.id, "appointment booked");
        Ok(appointment)
    }

    /// A patient books a one-off slot by its id (the seed's `slot_id`); the
    /// doctor must be the slot's.
    pub async fn reserve(
        &self,
        actor: &Principal,
        slot_id: i64,
        doctor_id: UserId,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        actor.require(Role::Patient)?;
        let (owner, slot) = self.scheduling.opening(slot_id).await?;
        if owner != doctor_id {
            return Err(DomainError::NotFound("slot"));
        }
        let booking = NewBooking {
            doctor_id,
            starts_at: slot.starts_at,
            consultation_type: slot.consultation_type,
            reason: String::new(),
        };
        self.book(actor, &booking, now).await
    }

    /// An appointment the actor may see: the patient's own, the doctor's own, any
    /// for an administrator. Others get 404. Its reason is shown as the
    /// medical-data policy allows, and the read recorded.
    pub async fn appointment(&self, actor: &Principal, id: i64) -> DomainResult<AppointmentRow> {
        let mut row = [self.visible_row(actor, id).await?];
        self.disclose(actor, &mut row).await?;
        let [row] = row;
        Ok(row)
    }

    async fn visible_row(&self, actor: &Principal, id: i64) -> DomainResult<AppointmentRow> {
        let appointment = store::get(&mut *self.conn().await?, id).await?;
        match appointment {
            Some(a) if visible(actor, &a) => Ok(a),
            _ => Err(DomainError::NotFound("appointment")),
        }
    }

    /// The status history of a visible appointment.
    pub async fn history(&self, actor: &Principal, id: i64) -> DomainResult<Vec<EventRow>> {
        self.visible_row(actor, id).await?;
        store::history(&mut *self.conn().await?, id).await
    }

    /// The actor's appointments (patients and doctors: their own; administrators:
    /// everyone's) matching `filter`, by start time; at most 1000. `from` and
    /// `to` fall within [`bounds`], at most [`bounds::MAX_SPAN_DAYS`] days
    /// apart when both are given.
    pub async fn appointments(
        &self,
        actor: &Principal,
        filter: ListFilter,
    ) -> DomainResult<Vec<AppointmentRow>> {
        let from = filter
            .from
            .map(|at| bounds::instant_in_range("from", at))
            .transpose()?;
        let to = filter
            .to
            .map(|at| bounds::instant_in_range("to", at))
            .transpose()?;
        if let (Some(from), Some(to)) = (from, to) {
            bounds::instant_span(from, to, "to")?;
        }
        let owner = match actor.role {
            Role::Patient => Owner::Patient(actor.user_id),
            Role::Doctor => Owner::Doctor(actor.user_id),
            Role::Admin => Owner::Anyone,
        };
        let mut rows = store::list(&mut *self.conn().await?, owner, filter, 1000).await?;
        self.disclose(actor, &mut rows).await?;
        Ok(rows)
    }

    /// The actor's own appointments that still hold a place and start after
    /// `now`, soonest first (at most 20), reasons blank and no read
    /// recorded: for a door that shows only when and with whom.
    pub async fn coming_without_reasons(
        &self,
        actor: &Principal,
        now: Timestamp,
    ) -> DomainResult<Vec<AppointmentRow>> {
        let owner = match actor.role {
            Role::Patient => Owner::Patient(actor.user_id),
            Role::Doctor => Owner::Doctor(actor.user_id),
            Role::Admin => return Err(DomainError::Forbidden),
        };
        let filter = ListFilter {
            from: Some(now),
            ..ListFilter::default()
        };
        let mut rows = store::list(&mut *self.conn().await?, owner, filter, 200).await?;
        rows.retain(|a| a.status.holds_place());
        rows.truncate(20);
        for row in &mut rows {
            row.reason.clear();
        }
        Ok(rows)
    }

    /// [`AppointmentService::appointments`] for callers of one role only (the
    /// seed API's `/api/appointments/doctor|patient/`); others are refused.
    pub async fn appointments_as(
        &self,
        actor: &Principal,
        role: Role,
    ) -> DomainResult<Vec<AppointmentRow>> {
        actor.require(role)?;
        self.appointments(actor, ListFilter::default()).await
    }

    /// Full names of the patients and doctors of `rows`, by account id.
    pub async fn names(&self, rows: &[AppointmentRow]) -> DomainResult<HashMap<UserId, String>> {
        let mut ids: Vec<UserId> = rows
            .iter()
            .flat_map(|a| [a.patient_id, a.doctor_id])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        users::names(&mut *self.conn().await?, &ids).await
    }

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

    /// A patient moves their appointment to another free slot of the same doctor;
    /// it then waits for the doctor again. The answer shows the reason (a
    /// recorded read).
    pub async fn reschedule(
        &self,
        actor: &Principal,
        id: i64,
        starts_at: Timestamp,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        let mut row = [self.move_slot(actor, id, starts_at, now).await?];
        self.disclose(actor, &mut row).await?;
        let [row] = row;
        Ok(row)
    }

    /// [`Self::reschedule`] for a door that does not show the appointment
    /// again: the answer's reason is blank, and no read is recorded.
    pub async fn reschedule_without_reason(
        &self,
        actor: &Principal,
        id: i64,
        starts_at: Timestamp,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        let mut row = self.move_slot(actor, id, starts_at, now).await?;
        row.reason.clear();
        Ok(row)
    }

    /// The move of [`Self::reschedule`]; the row still holds the reason.
    async fn move_slot(
        &self,
        actor: &Principal,
        id: i64,
        starts_at: Timestamp,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        actor.require(Role::Patient)?;
        bounds::instant_in_range("start", starts_at)?;
        let appointment = self.visible_row(actor, id).await?;
        if !appointment.status.holds_place() {
            return Err(DomainError::Conflict {
                field: Some("status"),
                code: "invalid_transition",
                message: format!(
                    "a {} appointment cannot be rescheduled",
                    appointment.status.as_str()
                ),
            });
        }
        self.check_cutoff(&appointment, now).await?;
        let free = self
            .scheduling
            .slot_at(
                appointment.doctor_id,
                starts_at,
                appointment.consultation_type,
                now,
            )
            .await?;
        let schedule = self.scheduling.schedule(appointment.doctor_id).await?;
        let mut tx = self.db.begin_write().await?;
        claim(&mut tx, self.db.dialect(), actor.user_id, &free, Some(id)).await?;
        pass_on(&mut tx, &schedule, freed(&appointment), now).await?;
        store::move_to(
            &mut tx,
            id,
            free.slot.starts_at,
            free.slot.ends_at,
            actor.user_id,
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(AppointmentRow {
            starts_at: free.slot.starts_at,
            ends_at: free.slot.ends_at,
            status: AppointmentStatus::Pending,
            ..appointment
        })
    }

    async fn check_cutoff(&self, appointment: &AppointmentRow, now: Timestamp) -> DomainResult<()> {
        let rules = self
            .scheduling
            .effective(self.scheduling.schedule(appointment.doctor_id).await?.rules);
        let cutoff = bounds::shift(
            appointment.starts_at,
            -bounds::minutes(rules.cancel_cutoff_minutes),
        );
        if now > cutoff {
            return Err(DomainError::Conflict {
                field: None,
                code: "cutoff_passed",
                message: format!(
                    "appointments can only be changed up to {} minutes before they start",
                    rules.cancel_cutoff_minutes
                ),
            });
        }
        Ok(())
    }
}

fn freed(a: &AppointmentRow) -> FreedPlace {
    FreedPlace {
        doctor_id: a.doctor_id,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        consultation_type: a.consultation_type,
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

fn visible(actor: &Principal, a: &AppointmentRow) -> bool {
    match actor.role {
        Role::Patient => a.patient_id == actor.user_id,
        Role::Doctor => a.doctor_id == actor.user_id,
        Role::Admin => true,
    }
}
