//! SQL for appointments that already happened, written with their dated
//! history in one go (demo data): booking rules forbid booking in the past, so
//! these rows skip the services but keep what the services keep — the place
//! counter of the slot and a history that starts with the patient's request.

use jiff::Timestamp;
use sqlx::AnyConnection;

use super::appointments::{release_place, take_place};
use super::db_error;
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::ConsultationType;
use crate::scheduling::appointments::AppointmentStatus;

/// One dated entry of a past appointment's history.
#[derive(Debug, Clone)]
pub struct PastEvent<'a> {
    pub status: AppointmentStatus,
    pub actor_id: UserId,
    pub note: &'a str,
    pub at: Timestamp,
}

/// An appointment that already happened, with its whole history (oldest first,
/// the first entry being the patient's request, the last its final status).
#[derive(Debug, Clone)]
pub struct PastAppointment<'a> {
    pub patient_id: UserId,
    pub doctor_id: UserId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub capacity: i32,
    pub consultation_type: ConsultationType,
    pub reason: &'a str,
    pub doctor_message: &'a str,
    pub location: Option<&'a str>,
    pub history: &'a [PastEvent<'a>],
}

/// Inserts a past appointment and its history inside the caller's
/// transaction. Its slot's place stays taken when the appointment kept it
/// (completed, no-show) and is given back otherwise, as the services do.
/// Refused when the slot has no place left.
pub async fn insert(conn: &mut AnyConnection, past: &PastAppointment<'_>) -> DomainResult<i64> {
    let (Some(first), Some(last)) = (past.history.first(), past.history.last()) else {
        return Err(DomainError::internal("a past appointment needs a history"));
    };
    if first.status != AppointmentStatus::Pending || first.actor_id != past.patient_id {
        return Err(DomainError::internal(
            "a history starts with the patient's request",
        ));
    }
    if !take_place(conn, past.doctor_id, past.starts_at, past.capacity).await? {
        return Err(DomainError::internal("past slot already full"));
    }
    if !matches!(
        last.status,
        AppointmentStatus::Completed | AppointmentStatus::NoShow
    ) {
        release_place(conn, past.doctor_id, past.starts_at).await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, consultation_type, status, reason, \
         doctor_message, location, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         RETURNING id",
    )
    .bind(past.patient_id)
    .bind(past.doctor_id)
    .bind(past.starts_at.as_millisecond())
    .bind(past.ends_at.as_millisecond())
    .bind(past.consultation_type.as_str())
    .bind(last.status.as_str())
    .bind(past.reason)
    .bind(past.doctor_message)
    .bind(past.location)
    .bind(first.at.as_millisecond())
    .bind(last.at.as_millisecond())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    for event in past.history {
        sqlx::query(
            "INSERT INTO appointment_events (appointment_id, status, actor_id, note, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(event.status.as_str())
        .bind(event.actor_id)
        .bind(event.note)
        .bind(event.at.as_millisecond())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(id)
}
