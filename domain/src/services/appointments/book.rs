//! Booking: a patient takes a place in a free slot (by its start or by a
//! one-off slot's id), the doctor is told, and a given reason is recorded.

use jiff::Timestamp;

use super::{AppointmentService, NewBooking};
use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::notifications::Notice;
use crate::scheduling::ConsultationType;
use crate::services::booking::claim;
use crate::services::trail::{NewEntry, append_in};
use crate::services::waitlist::name_of;
use crate::store::appointments::{self as store, AppointmentRow, NewAppointmentRow};
use crate::store::{db_error, notifications};
use crate::trail::{Resource, TrailAction};

impl AppointmentService {
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
}
