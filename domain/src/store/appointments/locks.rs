//! Row locks that serialise bookings and calendar changes on PostgreSQL.

use sqlx::AnyConnection;

use crate::accounts::UserId;
use crate::error::DomainResult;
use crate::store::{Dialect, db_error};

/// Serialises a patient's bookings: on PostgreSQL, locks the patient's row until
/// the transaction ends (SQLite transactions that write are serial already).
pub async fn lock_patient(
    conn: &mut AnyConnection,
    dialect: Dialect,
    patient_id: UserId,
) -> DomainResult<()> {
    lock_user(conn, dialect, patient_id).await
}

/// Serialises what changes a doctor's calendar (bookings, status changes,
/// weekly ranges, time off, one-off slots, booking rules, the profile): on
/// PostgreSQL, locks the doctor's row until the transaction ends. Every such
/// transaction takes it before its first write (the version trigger then
/// locks the doctor's `schedule_versions` row, and a place's row is locked
/// before it), and after the patient's lock, never before, so that two
/// transactions never wait on each other.
pub async fn lock_doctor(
    conn: &mut AnyConnection,
    dialect: Dialect,
    doctor_id: UserId,
) -> DomainResult<()> {
    lock_user(conn, dialect, doctor_id).await
}

async fn lock_user(conn: &mut AnyConnection, dialect: Dialect, id: UserId) -> DomainResult<()> {
    if dialect == Dialect::Postgres {
        // NO KEY UPDATE: the foreign-key checks of rows naming this user
        // (notifications, the trail, schedule versions) take KEY SHARE, which
        // it leaves free, so they never wait on this lock.
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE")
            .bind(id)
            .execute(conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}
