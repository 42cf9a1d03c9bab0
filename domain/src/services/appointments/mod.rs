//! Appointments: patients book, reschedule and cancel; doctors accept, refuse
//! and record the outcome; every change is kept in the history.
//!
//! The capacity of a slot is enforced by the database, inside the booking
//! transaction ([`store::take_place`]), never by reading then writing.
//!
//! The service and the helpers its operations share are here; booking
//! (`booking`), the lists and reads (`queries`), status changes (`status`)
//! and rescheduling (`reschedule`) are each in their own file.

mod book;
mod queries;
mod reschedule;
mod status;

use jiff::Timestamp;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::policy::Gate;
use crate::scheduling::ConsultationType;
use crate::services::reasons;
use crate::services::scheduling::SchedulingService;
use crate::services::waitlist::FreedPlace;
use crate::store::appointments::{self as store, AppointmentRow};
use crate::store::{Db, db_error};

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

    async fn visible_row(&self, actor: &Principal, id: i64) -> DomainResult<AppointmentRow> {
        let appointment = store::get(&mut *self.conn().await?, id).await?;
        match appointment {
            Some(a) if visible(actor, &a) => Ok(a),
            _ => Err(DomainError::NotFound("appointment")),
        }
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

fn visible(actor: &Principal, a: &AppointmentRow) -> bool {
    match actor.role {
        Role::Patient => a.patient_id == actor.user_id,
        Role::Doctor => a.doctor_id == actor.user_id,
        Role::Admin => true,
    }
}
