//! The one place a booking or a reschedule claims a slot, inside its write
//! transaction, and the conflicts it answers with.
//!
//! Each check runs in the database, in the same transaction as the write that
//! follows, never on what a search read earlier: the patient's and the
//! doctor's rows are locked first on PostgreSQL (SQLite writers take turns in
//! [`crate::store::Db::begin_write`]), so concurrent claims check in turn.

use sqlx::AnyConnection;

use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::services::scheduling::FreeSlot;
use crate::store::Dialect;
use crate::store::appointments as store;

/// Refuses if the patient is busy then (other than appointment `except`:
/// `patient_overlap`), takes one place of the slot or refuses (`slot_full`),
/// then refuses if the doctor holds another slot at that time
/// (`doctor_overlap`): a doctor sees the patients of one slot at a time,
/// whatever ranges, one-off slots or older data offered.
pub(crate) async fn claim(
    tx: &mut AnyConnection,
    dialect: Dialect,
    patient_id: UserId,
    free: &FreeSlot,
    except: Option<i64>,
) -> DomainResult<()> {
    let slot = &free.slot;
    store::lock_patient(tx, dialect, patient_id).await?;
    store::lock_doctor(tx, dialect, free.doctor_id).await?;
    let (patient, doctor) = store::busy(
        tx,
        patient_id,
        free.doctor_id,
        slot.starts_at,
        slot.ends_at,
        except,
    )
    .await?;
    if patient {
        return Err(patient_busy());
    }
    if !store::take_place(tx, free.doctor_id, slot.starts_at, slot.capacity).await? {
        return Err(slot_full());
    }
    if doctor {
        return Err(doctor_busy());
    }
    Ok(())
}

/// The last place of the slot has just been taken.
pub(crate) fn slot_full() -> DomainError {
    DomainError::Conflict {
        field: Some("start"),
        code: "slot_full",
        message: "this slot has just been fully booked".into(),
    }
}

/// The patient already holds an appointment at that time.
pub(crate) fn patient_busy() -> DomainError {
    DomainError::Conflict {
        field: Some("start"),
        code: "patient_overlap",
        message: "you already have an appointment at that time".into(),
    }
}

/// The doctor already holds another slot at that time.
pub(crate) fn doctor_busy() -> DomainError {
    DomainError::Conflict {
        field: Some("start"),
        code: "doctor_overlap",
        message: "the doctor already has an appointment at that time".into(),
    }
}
