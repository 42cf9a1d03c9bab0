//! SQL for appointments, their history and the per-slot place counters.

mod locks;
mod places;

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::ConsultationType;
use crate::scheduling::appointments::AppointmentStatus;

pub use locks::{lock_doctor, lock_patient};
pub use places::{all_places_taken, places_taken, release_place, take_place};

/// An appointment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRow {
    pub id: i64,
    pub patient_id: UserId,
    pub doctor_id: UserId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub consultation_type: ConsultationType,
    pub status: AppointmentStatus,
    pub reason: String,
    pub doctor_message: String,
    pub location: Option<String>,
}

const COLUMNS: &str = "id, patient_id, doctor_id, starts_at, ends_at, consultation_type, status, reason, doctor_message, location";

/// Statuses that hold a place, as an SQL list.
const HOLDING: &str = "('pending', 'confirmed')";

fn from_row(row: &AnyRow) -> DomainResult<AppointmentRow> {
    let bad = || DomainError::internal("stored appointment is invalid");
    let instant = |name: &str| -> DomainResult<Timestamp> {
        Timestamp::from_millisecond(row.try_get(name).map_err(db_error)?).map_err(|_| bad())
    };
    let kind: String = row.try_get("consultation_type").map_err(db_error)?;
    let status: String = row.try_get("status").map_err(db_error)?;
    Ok(AppointmentRow {
        id: row.try_get("id").map_err(db_error)?,
        patient_id: row.try_get("patient_id").map_err(db_error)?,
        doctor_id: row.try_get("doctor_id").map_err(db_error)?,
        starts_at: instant("starts_at")?,
        ends_at: instant("ends_at")?,
        consultation_type: ConsultationType::parse("consultation_type", &kind)
            .map_err(|_| bad())?,
        status: AppointmentStatus::parse(&status).map_err(|_| bad())?,
        reason: row.try_get("reason").map_err(db_error)?,
        doctor_message: row.try_get("doctor_message").map_err(db_error)?,
        location: row.try_get("location").map_err(db_error)?,
    })
}

/// The appointments that hold a place and overlap `[from, to)`: the
/// doctor's, or every doctor's when `doctor` is `None`; doctor, start, end.
pub async fn holding(
    conn: &mut AnyConnection,
    doctor: Option<UserId>,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<(UserId, Timestamp, Timestamp)>> {
    let whose = if doctor.is_some() {
        "doctor_id = $4 AND"
    } else {
        ""
    };
    let sql = format!(
        "SELECT doctor_id, starts_at, ends_at FROM appointments WHERE {whose} status IN {HOLDING} \
         AND starts_at < $2 AND ends_at > $1 AND starts_at >= $3 ORDER BY starts_at"
    );
    // No appointment lasts a day: earlier starts cannot reach `from`.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(from.as_millisecond())
        .bind(to.as_millisecond())
        .bind(from.as_millisecond() - 86_400_000);
    if let Some(doctor) = doctor {
        query = query.bind(doctor);
    }
    let rows = query.fetch_all(conn).await.map_err(db_error)?;
    let instant = |ms: i64| {
        Timestamp::from_millisecond(ms)
            .map_err(|_| DomainError::internal("stored instant is invalid"))
    };
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("doctor_id").map_err(db_error)?,
                instant(row.try_get("starts_at").map_err(db_error)?)?,
                instant(row.try_get("ends_at").map_err(db_error)?)?,
            ))
        })
        .collect()
}

/// Who is busy over `[from, to)`, in one read: whether the patient holds an
/// appointment overlapping it, and whether the doctor holds one in another
/// slot (one starting at another time; appointments of the slot starting at
/// `from` share it up to its capacity, [`take_place`]); `except` aside.
pub async fn busy(
    conn: &mut AnyConnection,
    patient_id: UserId,
    doctor_id: UserId,
    from: Timestamp,
    to: Timestamp,
    except: Option<i64>,
) -> DomainResult<(bool, bool)> {
    let overlap = format!("status IN {HOLDING} AND starts_at < $4 AND ends_at > $3 AND id <> $5");
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM appointments WHERE patient_id = $1 AND {overlap}), \
         (SELECT COUNT(*) FROM appointments WHERE doctor_id = $2 AND starts_at <> $3 AND {overlap})"
    );
    let (patient, doctor): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(patient_id)
        .bind(doctor_id)
        .bind(from.as_millisecond())
        .bind(to.as_millisecond())
        .bind(except.unwrap_or(-1))
        .fetch_one(conn)
        .await
        .map_err(db_error)?;
    Ok((patient > 0, doctor > 0))
}

/// Fields of a new appointment.
pub struct NewAppointmentRow<'a> {
    pub patient_id: UserId,
    pub doctor_id: UserId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub consultation_type: ConsultationType,
    pub reason: &'a str,
    pub location: Option<&'a str>,
}

/// Inserts a pending appointment and its first history event.
pub async fn insert(
    conn: &mut AnyConnection,
    new: NewAppointmentRow<'_>,
) -> DomainResult<AppointmentRow> {
    let now = now_ms();
    let sql = format!(
        "INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, consultation_type, status, reason, \
         location, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $8) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(new.patient_id)
        .bind(new.doctor_id)
        .bind(new.starts_at.as_millisecond())
        .bind(new.ends_at.as_millisecond())
        .bind(new.consultation_type.as_str())
        .bind(new.reason)
        .bind(new.location)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
    let appointment = from_row(&row)?;
    add_event(
        conn,
        appointment.id,
        AppointmentStatus::Pending,
        Some(new.patient_id),
        "",
    )
    .await?;
    Ok(appointment)
}

/// One appointment.
pub async fn get(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<AppointmentRow>> {
    let sql = format!("SELECT {COLUMNS} FROM appointments WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// Moves an appointment from `from` to `to` (no-op if its status changed
/// meanwhile: returns false), recording who and why.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: AppointmentStatus,
    to: AppointmentStatus,
    actor: UserId,
    message: &str,
    doctor_message: Option<&str>,
) -> DomainResult<bool> {
    let result = sqlx::query(
        "UPDATE appointments SET status = $3, updated_at = $4, doctor_message = COALESCE($5, doctor_message) \
         WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(now_ms())
    .bind(doctor_message)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if result.rows_affected() != 1 {
        return Ok(false);
    }
    add_event(conn, id, to, Some(actor), message).await?;
    Ok(true)
}

/// Moves an appointment to a new time; it waits for the doctor again.
pub async fn move_to(
    conn: &mut AnyConnection,
    id: i64,
    starts_at: Timestamp,
    ends_at: Timestamp,
    actor: UserId,
) -> DomainResult<()> {
    sqlx::query("UPDATE appointments SET starts_at = $2, ends_at = $3, status = 'pending', updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(starts_at.as_millisecond())
        .bind(ends_at.as_millisecond())
        .bind(now_ms())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    add_event(
        conn,
        id,
        AppointmentStatus::Pending,
        Some(actor),
        "rescheduled",
    )
    .await
}

async fn add_event(
    conn: &mut AnyConnection,
    id: i64,
    status: AppointmentStatus,
    actor: Option<UserId>,
    note: &str,
) -> DomainResult<()> {
    sqlx::query("INSERT INTO appointment_events (appointment_id, status, actor_id, note, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(status.as_str())
        .bind(actor)
        .bind(note)
        .bind(now_ms())
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// One entry of an appointment's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub status: AppointmentStatus,
    pub actor_id: Option<UserId>,
    pub note: String,
    pub at: Timestamp,
}

/// An appointment's history, oldest first.
pub async fn history(conn: &mut AnyConnection, id: i64) -> DomainResult<Vec<EventRow>> {
    let rows = sqlx::query("SELECT status, actor_id, note, at FROM appointment_events WHERE appointment_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status").map_err(db_error)?;
            Ok(EventRow {
                status: AppointmentStatus::parse(&status)?,
                actor_id: row.try_get("actor_id").map_err(db_error)?,
                note: row.try_get("note").map_err(db_error)?,
                at: Timestamp::from_millisecond(row.try_get("at").map_err(db_error)?)
                    .map_err(|_| DomainError::internal("stored instant is invalid"))?,
            })
        })
        .collect()
}

/// Whose appointments to list.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Patient(UserId),
    Doctor(UserId),
    Anyone,
}

/// What to list beyond the owner (all optional).
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter {
    pub status: Option<AppointmentStatus>,
    /// Starting at or after.
    pub from: Option<Timestamp>,
    /// Starting before.
    pub to: Option<Timestamp>,
    pub doctor_id: Option<UserId>,
    pub patient_id: Option<UserId>,
}

/// Appointments of one owner matching `filter`, by start time (at most `limit`).
pub async fn list(
    conn: &mut AnyConnection,
    owner: Owner,
    filter: ListFilter,
    limit: i64,
) -> DomainResult<Vec<AppointmentRow>> {
    let (column, id) = match owner {
        Owner::Patient(id) => ("patient_id", id),
        Owner::Doctor(id) => ("doctor_id", id),
        Owner::Anyone => ("-1", -1),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM appointments WHERE {column} = $1 AND ($2 = '' OR status = $2) \
         AND starts_at >= $3 AND starts_at < $4 AND ($5 = 0 OR doctor_id = $5) AND ($6 = 0 OR patient_id = $6) \
         ORDER BY starts_at, id LIMIT $7"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(filter.status.map(AppointmentStatus::as_str).unwrap_or(""))
        .bind(filter.from.map_or(i64::MIN, Timestamp::as_millisecond))
        .bind(filter.to.map_or(i64::MAX, Timestamp::as_millisecond))
        .bind(filter.doctor_id.unwrap_or(0))
        .bind(filter.patient_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}
