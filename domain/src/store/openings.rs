//! SQL for one-off slots that doctors open beside their weekly ranges.

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms, unique_violation_on};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::ConsultationType;
use crate::scheduling::slots::Slot;

const COLUMNS: &str = "id, doctor_id, starts_at, ends_at, consultation_type, capacity, location";

fn from_row(row: &AnyRow) -> DomainResult<(UserId, Slot)> {
    let bad = || DomainError::internal("stored opening is invalid");
    let instant = |name: &str| -> DomainResult<Timestamp> {
        Timestamp::from_millisecond(row.try_get(name).map_err(db_error)?).map_err(|_| bad())
    };
    let kind: String = row.try_get("consultation_type").map_err(db_error)?;
    Ok((
        row.try_get("doctor_id").map_err(db_error)?,
        Slot {
            starts_at: instant("starts_at")?,
            ends_at: instant("ends_at")?,
            availability_id: 0,
            opening_id: Some(row.try_get("id").map_err(db_error)?),
            consultation_type: ConsultationType::parse("consultation_type", &kind)
                .map_err(|_| bad())?,
            capacity: row.try_get::<i64, _>("capacity").map_err(db_error)? as i32,
            location: row.try_get("location").map_err(db_error)?,
        },
    ))
}

/// Stores a one-off slot; returns its id. A second slot at the same start is
/// a conflict.
pub async fn insert(conn: &mut AnyConnection, doctor_id: UserId, slot: &Slot) -> DomainResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO slot_openings (doctor_id, starts_at, ends_at, consultation_type, capacity, location, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(doctor_id)
    .bind(slot.starts_at.as_millisecond())
    .bind(slot.ends_at.as_millisecond())
    .bind(slot.consultation_type.as_str())
    .bind(i64::from(slot.capacity))
    .bind(slot.location.as_deref())
    .bind(now_ms())
    .fetch_one(conn)
    .await
    .map_err(|e| {
        if unique_violation_on(&e, &["start"]).is_some() {
            overlap()
        } else {
            db_error(e)
        }
    })
}

/// The conflict of a slot that overlaps another.
pub fn overlap() -> DomainError {
    DomainError::Conflict {
        field: Some("start"),
        code: "slot_overlap",
        message: "this slot overlaps one you already offer".into(),
    }
}

/// A doctor's one-off slots starting within `[from, to)`.
pub async fn of_doctor(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<Slot>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM slot_openings WHERE doctor_id = $1 AND starts_at >= $2 AND starts_at < $3 ORDER BY starts_at"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(doctor_id)
        .bind(from.as_millisecond())
        .bind(to.as_millisecond())
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(|r| from_row(r).map(|(_, s)| s)).collect()
}

/// Every doctor's one-off slots starting within `[from, to)` (statistics).
pub async fn all_between(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<(UserId, Slot)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM slot_openings WHERE starts_at >= $1 AND starts_at < $2 ORDER BY starts_at"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(from.as_millisecond())
        .bind(to.as_millisecond())
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// Every doctor's one-off slots starting within `[from, to)`, optionally of one
/// doctor, by start (at most `limit`).
pub async fn upcoming(
    conn: &mut AnyConnection,
    doctor_id: Option<UserId>,
    from: Timestamp,
    to: Timestamp,
    limit: i64,
) -> DomainResult<Vec<(UserId, Slot)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM slot_openings WHERE ($1 = 0 OR doctor_id = $1) AND starts_at >= $2 AND starts_at < $3 \
         ORDER BY starts_at, id LIMIT $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(doctor_id.unwrap_or(0))
        .bind(from.as_millisecond())
        .bind(to.as_millisecond())
        .bind(limit)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// One one-off slot and its doctor.
pub async fn get(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<(UserId, Slot)>> {
    let sql = format!("SELECT {COLUMNS} FROM slot_openings WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}
