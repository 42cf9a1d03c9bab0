//! SQL for doctors' scheduling profiles, weekly availability and exceptions.

use jiff::Timestamp;
use jiff::civil::{Time, Weekday};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::appointments::BookingRules;
use crate::scheduling::{ConsultationType, Exception, ExceptionKind, WeeklyRange};

/// What scheduling needs of a doctor: their zone and rules.
#[derive(Debug, Clone)]
pub struct DoctorSchedule {
    pub doctor_id: UserId,
    pub timezone: String,
    pub rules: BookingRules,
}

fn internal(what: &str) -> DomainError {
    DomainError::internal(format!("stored {what} is invalid"))
}

/// The schedule of an active doctor.
pub async fn doctor_schedule(
    conn: &mut AnyConnection,
    doctor_id: UserId,
) -> DomainResult<Option<DoctorSchedule>> {
    let sql = format!("{SCHEDULE_SELECT} AND p.user_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(doctor_id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(schedule_from_row).transpose()
}

/// Every active doctor's schedule.
pub async fn all_schedules(conn: &mut AnyConnection) -> DomainResult<Vec<DoctorSchedule>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(SCHEDULE_SELECT))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(schedule_from_row).collect()
}

const SCHEDULE_SELECT: &str = "SELECT p.user_id, p.timezone, p.min_notice_minutes, p.max_advance_days, p.buffer_minutes, \
     p.cancel_cutoff_minutes, p.waitlist_hold_minutes \
     FROM doctor_profiles p JOIN users u ON u.id = p.user_id \
     WHERE u.role = 'doctor' AND u.deactivated_at IS NULL";

fn schedule_from_row(row: &AnyRow) -> DomainResult<DoctorSchedule> {
    let int = |name: &str| {
        row.try_get::<i64, _>(name)
            .map_err(db_error)
            .map(|v| v as i32)
    };
    Ok(DoctorSchedule {
        doctor_id: row.try_get("user_id").map_err(db_error)?,
        timezone: row.try_get("timezone").map_err(db_error)?,
        rules: BookingRules {
            min_notice_minutes: int("min_notice_minutes")?,
            max_advance_days: int("max_advance_days")?,
            buffer_minutes: int("buffer_minutes")?,
            cancel_cutoff_minutes: int("cancel_cutoff_minutes")?,
            waitlist_hold_minutes: int("waitlist_hold_minutes")?,
        },
    })
}

/// Sets a doctor's time zone (an IANA name, already checked).
pub async fn set_timezone(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    timezone: &str,
) -> DomainResult<()> {
    sqlx::query("UPDATE doctor_profiles SET timezone = $2 WHERE user_id = $1")
        .bind(doctor_id)
        .bind(timezone)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Saves a doctor's time zone and booking rules.
pub async fn save_schedule(
    conn: &mut AnyConnection,
    schedule: &DoctorSchedule,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE doctor_profiles SET timezone = $2, min_notice_minutes = $3, max_advance_days = $4, \
         buffer_minutes = $5, cancel_cutoff_minutes = $6, waitlist_hold_minutes = $7 WHERE user_id = $1",
    )
    .bind(schedule.doctor_id)
    .bind(&schedule.timezone)
    .bind(i64::from(schedule.rules.min_notice_minutes))
    .bind(i64::from(schedule.rules.max_advance_days))
    .bind(i64::from(schedule.rules.buffer_minutes))
    .bind(i64::from(schedule.rules.cancel_cutoff_minutes))
    .bind(i64::from(schedule.rules.waitlist_hold_minutes))
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

const RANGE_COLUMNS: &str = "id, doctor_id, weekday, start_time, end_time, consultation_type, duration_minutes, capacity, location, active";

fn weekday_from_index(index: i64) -> Option<Weekday> {
    Weekday::from_monday_zero_offset(i8::try_from(index).ok()?).ok()
}

fn range_from_row(row: &AnyRow) -> DomainResult<(UserId, WeeklyRange)> {
    let time = |name: &str| -> DomainResult<Time> {
        let text: String = row.try_get(name).map_err(db_error)?;
        text.parse().map_err(|_| internal("time"))
    };
    let kind: String = row.try_get("consultation_type").map_err(db_error)?;
    let range = WeeklyRange {
        id: row.try_get("id").map_err(db_error)?,
        weekday: weekday_from_index(row.try_get("weekday").map_err(db_error)?)
            .ok_or_else(|| internal("weekday"))?,
        start: time("start_time")?,
        end: time("end_time")?,
        consultation_type: ConsultationType::parse("consultation_type", &kind)
            .map_err(|_| internal("type"))?,
        duration_minutes: row
            .try_get::<i64, _>("duration_minutes")
            .map_err(db_error)? as i32,
        capacity: row.try_get::<i64, _>("capacity").map_err(db_error)? as i32,
        location: row.try_get("location").map_err(db_error)?,
        active: row.try_get::<i64, _>("active").map_err(db_error)? != 0,
    };
    Ok((row.try_get("doctor_id").map_err(db_error)?, range))
}

fn hhmm(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// Inserts a weekly range; returns it with its id.
pub async fn insert_range(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    range: &WeeklyRange,
) -> DomainResult<WeeklyRange> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO availabilities (doctor_id, weekday, start_time, end_time, consultation_type, \
         duration_minutes, capacity, location, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(doctor_id)
    .bind(i64::from(range.weekday.to_monday_zero_offset()))
    .bind(hhmm(range.start))
    .bind(hhmm(range.end))
    .bind(range.consultation_type.as_str())
    .bind(i64::from(range.duration_minutes))
    .bind(i64::from(range.capacity))
    .bind(range.location.as_deref())
    .bind(i64::from(range.active))
    .bind(now_ms())
    .fetch_one(conn)
    .await
    .map_err(db_error)?;
    Ok(WeeklyRange {
        id,
        ..range.clone()
    })
}

/// Replaces a weekly range's fields.
pub async fn update_range(conn: &mut AnyConnection, range: &WeeklyRange) -> DomainResult<()> {
    sqlx::query(
        "UPDATE availabilities SET weekday = $2, start_time = $3, end_time = $4, consultation_type = $5, \
         duration_minutes = $6, capacity = $7, location = $8, active = $9 WHERE id = $1",
    )
    .bind(range.id)
    .bind(i64::from(range.weekday.to_monday_zero_offset()))
    .bind(hhmm(range.start))
    .bind(hhmm(range.end))
    .bind(range.consultation_type.as_str())
    .bind(i64::from(range.duration_minutes))
    .bind(i64::from(range.capacity))
    .bind(range.location.as_deref())
    .bind(i64::from(range.active))
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// One weekly range and its doctor.
pub async fn range(
    conn: &mut AnyConnection,
    id: i64,
) -> DomainResult<Option<(UserId, WeeklyRange)>> {
    let sql = format!("SELECT {RANGE_COLUMNS} FROM availabilities WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(range_from_row).transpose()
}

/// A doctor's weekly ranges, by weekday and start.
pub async fn ranges_of(
    conn: &mut AnyConnection,
    doctor_id: UserId,
) -> DomainResult<Vec<WeeklyRange>> {
    let sql = format!(
        "SELECT {RANGE_COLUMNS} FROM availabilities WHERE doctor_id = $1 ORDER BY weekday, start_time"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(doctor_id)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| range_from_row(row).map(|(_, r)| r))
        .collect()
}

/// Every doctor's weekly ranges (statistics).
pub async fn all_ranges(conn: &mut AnyConnection) -> DomainResult<Vec<(UserId, WeeklyRange)>> {
    let sql = format!(
        "SELECT {RANGE_COLUMNS} FROM availabilities ORDER BY doctor_id, weekday, start_time"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(range_from_row).collect()
}

/// Deletes a weekly range.
pub async fn delete_range(conn: &mut AnyConnection, id: i64) -> DomainResult<()> {
    sqlx::query("DELETE FROM availabilities WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

const EXCEPTION_COLUMNS: &str = "id, doctor_id, starts_at, ends_at, kind, reason, recurring_weekly";

/// An exception with its doctor and reason.
pub struct StoredException {
    pub doctor_id: UserId,
    pub exception: Exception,
    pub reason: String,
}

fn exception_from_row(row: &AnyRow) -> DomainResult<StoredException> {
    let instant = |name: &str| -> DomainResult<Timestamp> {
        Timestamp::from_millisecond(row.try_get(name).map_err(db_error)?)
            .map_err(|_| internal("instant"))
    };
    let kind: String = row.try_get("kind").map_err(db_error)?;
    Ok(StoredException {
        doctor_id: row.try_get("doctor_id").map_err(db_error)?,
        exception: Exception {
            id: row.try_get("id").map_err(db_error)?,
            starts_at: instant("starts_at")?,
            ends_at: instant("ends_at")?,
            kind: ExceptionKind::parse(&kind).map_err(|_| internal("exception kind"))?,
            recurring_weekly: row
                .try_get::<i64, _>("recurring_weekly")
                .map_err(db_error)?
                != 0,
        },
        reason: row.try_get("reason").map_err(db_error)?,
    })
}

/// Inserts an exception; returns its id.
pub async fn insert_exception(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    e: &Exception,
    reason: &str,
) -> DomainResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO availability_exceptions (doctor_id, starts_at, ends_at, kind, reason, recurring_weekly, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(doctor_id)
    .bind(e.starts_at.as_millisecond())
    .bind(e.ends_at.as_millisecond())
    .bind(e.kind.as_str())
    .bind(reason)
    .bind(i64::from(e.recurring_weekly))
    .bind(now_ms())
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

/// Replaces an exception's fields.
pub async fn update_exception(
    conn: &mut AnyConnection,
    e: &Exception,
    reason: &str,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE availability_exceptions SET starts_at = $2, ends_at = $3, kind = $4, reason = $5, \
         recurring_weekly = $6 WHERE id = $1",
    )
    .bind(e.id)
    .bind(e.starts_at.as_millisecond())
    .bind(e.ends_at.as_millisecond())
    .bind(e.kind.as_str())
    .bind(reason)
    .bind(i64::from(e.recurring_weekly))
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// One exception.
pub async fn exception(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<StoredException>> {
    let sql = format!("SELECT {EXCEPTION_COLUMNS} FROM availability_exceptions WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(exception_from_row).transpose()
}

/// A doctor's exceptions that may touch `[from, to)`: one-off ones overlapping it,
/// and every recurring one that started before its end.
pub async fn exceptions_of(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<StoredException>> {
    let sql = format!(
        "SELECT {EXCEPTION_COLUMNS} FROM availability_exceptions WHERE doctor_id = $1 AND starts_at < $3 \
         AND (recurring_weekly <> 0 OR ends_at > $2) ORDER BY starts_at"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(doctor_id)
        .bind(from.as_millisecond())
        .bind(to.as_millisecond())
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(exception_from_row).collect()
}

/// Every doctor's exceptions that may touch `[from, to)` (statistics).
pub async fn all_exceptions(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<StoredException>> {
    let sql = format!(
        "SELECT {EXCEPTION_COLUMNS} FROM availability_exceptions WHERE starts_at < $2 \
         AND (recurring_weekly <> 0 OR ends_at > $1) ORDER BY starts_at"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(from.as_millisecond())
        .bind(to.as_millisecond())
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(exception_from_row).collect()
}

/// Deletes an exception.
pub async fn delete_exception(conn: &mut AnyConnection, id: i64) -> DomainResult<()> {
    sqlx::query("DELETE FROM availability_exceptions WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// The doctor's schedule version: bumped (by triggers) in every transaction
/// that changes what their free slots or availability calendar are computed
/// from; 0 before any such change.
pub async fn schedule_version(conn: &mut AnyConnection, doctor_id: UserId) -> DomainResult<i64> {
    let version: Option<i64> =
        sqlx::query_scalar("SELECT version FROM schedule_versions WHERE doctor_id = $1")
            .bind(doctor_id)
            .fetch_optional(conn)
            .await
            .map_err(db_error)?;
    Ok(version.unwrap_or(0))
}

/// The doctor's two versions: of everything (as [`schedule_version`]) and of
/// what their slots are unrolled from only (weekly ranges, time off, one-off
/// slots, the profile), which bookings leave alone; 0 before any change.
pub async fn versions(conn: &mut AnyConnection, doctor_id: UserId) -> DomainResult<(i64, i64)> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT version, slots_version FROM schedule_versions WHERE doctor_id = $1")
            .bind(doctor_id)
            .fetch_optional(conn)
            .await
            .map_err(db_error)?;
    Ok(row.unwrap_or((0, 0)))
}
