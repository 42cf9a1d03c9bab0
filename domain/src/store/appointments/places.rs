//! SQL for the per-slot place counters.

use jiff::Timestamp;
use sqlx::{AnyConnection, Row};

use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::store::db_error;

/// Takes one place of a slot if one is left: a single conditional upsert, so two
/// transactions can never both take the last place. False when the slot is full.
pub async fn take_place(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    starts_at: Timestamp,
    capacity: i32,
) -> DomainResult<bool> {
    let row = sqlx::query(
        "INSERT INTO slot_places (doctor_id, starts_at, capacity, taken) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (doctor_id, starts_at) DO UPDATE SET taken = slot_places.taken + 1, capacity = excluded.capacity \
         WHERE slot_places.taken < excluded.capacity RETURNING taken",
    )
    .bind(doctor_id)
    .bind(starts_at.as_millisecond())
    .bind(i64::from(capacity))
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    Ok(row.is_some())
}

/// Gives a place back (cancellation, refusal, reschedule).
pub async fn release_place(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    starts_at: Timestamp,
) -> DomainResult<()> {
    sqlx::query("UPDATE slot_places SET taken = taken - 1 WHERE doctor_id = $1 AND starts_at = $2 AND taken > 0")
        .bind(doctor_id)
        .bind(starts_at.as_millisecond())
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Places taken per slot start of a doctor within `[from, to)`.
pub async fn places_taken(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<(Timestamp, i32)>> {
    let rows = sqlx::query("SELECT starts_at, taken FROM slot_places WHERE doctor_id = $1 AND starts_at >= $2 AND starts_at < $3 AND taken > 0")
        .bind(doctor_id)
        .bind(from.as_millisecond())
        .bind(to.as_millisecond())
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let at = Timestamp::from_millisecond(row.try_get("starts_at").map_err(db_error)?)
                .map_err(|_| DomainError::internal("stored slot start is invalid"))?;
            Ok((at, row.try_get::<i64, _>("taken").map_err(db_error)? as i32))
        })
        .collect()
}

/// Places taken per doctor and slot start within `[from, to)`.
pub async fn all_places_taken(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<(UserId, Timestamp, i32)>> {
    let rows = sqlx::query("SELECT doctor_id, starts_at, taken FROM slot_places WHERE starts_at >= $1 AND starts_at < $2 AND taken > 0")
        .bind(from.as_millisecond())
        .bind(to.as_millisecond())
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let at = Timestamp::from_millisecond(row.try_get("starts_at").map_err(db_error)?)
                .map_err(|_| DomainError::internal("stored slot start is invalid"))?;
            Ok((
                row.try_get("doctor_id").map_err(db_error)?,
                at,
                row.try_get::<i64, _>("taken").map_err(db_error)? as i32,
            ))
        })
        .collect()
}
