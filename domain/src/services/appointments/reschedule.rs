//! Rescheduling: a patient moves an appointment to another free slot of the
//! same doctor, before the cut-off; it then waits for the doctor again.

use jiff::Timestamp;

use super::{AppointmentService, freed};
use crate::accounts::Role;
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::appointments::AppointmentStatus;
use crate::services::booking::claim;
use crate::services::waitlist::pass_on;
use crate::store::appointments::{self as store, AppointmentRow};
use crate::store::db_error;

impl AppointmentService {
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
}
