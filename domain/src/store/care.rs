//! SQL for care relationships and emergency access.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, unique_violation_on};
use crate::accounts::UserId;
use crate::care::{CareEnd, CareOrigin, CareRelationship, EmergencyGrant};
use crate::error::{DomainError, DomainResult};

const COLUMNS: &str = "c.id, c.doctor_id, c.patient_id, c.started_at, c.origin, \
    c.appointment_id, c.ended_at, c.end_kind, \
    d.first_name || ' ' || d.last_name AS doctor_name, \
    p.first_name || ' ' || p.last_name AS patient_name, s.code AS specialty";
const FROM: &str = "care_relationships c JOIN users d ON d.id = c.doctor_id \
    JOIN users p ON p.id = c.patient_id \
    LEFT JOIN doctor_profiles dp ON dp.user_id = c.doctor_id \
    LEFT JOIN specialties s ON s.id = dp.specialty_id";

/// Whether `doctor_id` looks after `patient_id` now.
pub async fn is_running(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    patient_id: UserId,
) -> DomainResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM care_relationships \
         WHERE doctor_id = $1 AND patient_id = $2 AND ended_at IS NULL",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    Ok(found.is_some())
}

/// The doctors caring for `patient_id` now.
pub async fn doctors_of(conn: &mut AnyConnection, patient_id: UserId) -> DomainResult<Vec<UserId>> {
    sqlx::query_scalar(
        "SELECT doctor_id FROM care_relationships WHERE patient_id = $1 AND ended_at IS NULL ORDER BY doctor_id",
    )
    .bind(patient_id)
    .fetch_all(conn)
    .await
    .map_err(db_error)
}

/// Starts a relationship unless one runs already; returns the new one's id.
pub async fn start(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    patient_id: UserId,
    origin: CareOrigin,
    appointment_id: Option<i64>,
    by: UserId,
    now_ms: i64,
) -> DomainResult<Option<i64>> {
    if is_running(conn, doctor_id, patient_id).await? {
        return Ok(None);
    }
    sqlx::query_scalar(
        "INSERT INTO care_relationships (doctor_id, patient_id, started_at, origin, \
         appointment_id, started_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .bind(now_ms)
    .bind(origin.as_str())
    .bind(appointment_id)
    .bind(by)
    .fetch_one(conn)
    .await
    .map(Some)
    .map_err(|err| match unique_violation_on(&err, &["running"]) {
        Some(_) => DomainError::Conflict {
            field: None,
            code: "already_in_care",
            message: "this doctor already looks after this patient".into(),
        },
        None => db_error(err),
    })
}

/// Ends a running relationship; false if it was not running.
pub async fn end(
    conn: &mut AnyConnection,
    id: i64,
    how: CareEnd,
    by: UserId,
    now_ms: i64,
) -> DomainResult<bool> {
    let result = sqlx::query(
        "UPDATE care_relationships SET ended_at = $2, end_kind = $3, ended_by = $4 \
         WHERE id = $1 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(now_ms)
    .bind(how.as_str())
    .bind(by)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(result.rows_affected() == 1)
}

/// One relationship.
pub async fn by_id(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<CareRelationship>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// Relationships of a patient (`of_patient`) or of a doctor, running first,
/// then newest first; ended ones only if `with_ended`.
pub async fn list(
    conn: &mut AnyConnection,
    patient_id: Option<UserId>,
    doctor_id: Option<UserId>,
    with_ended: bool,
) -> DomainResult<Vec<CareRelationship>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} \
         WHERE ($1 = 0 OR c.patient_id = $1) AND ($2 = 0 OR c.doctor_id = $2) \
         AND ($3 = 1 OR c.ended_at IS NULL) \
         ORDER BY CASE WHEN c.ended_at IS NULL THEN 0 ELSE 1 END, c.started_at DESC, c.id DESC \
         LIMIT 500"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(patient_id.unwrap_or(0))
        .bind(doctor_id.unwrap_or(0))
        .bind(i64::from(with_ended))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

fn from_row(row: &AnyRow) -> DomainResult<CareRelationship> {
    let origin: String = row.try_get("origin").map_err(db_error)?;
    let end: Option<String> = row.try_get("end_kind").map_err(db_error)?;
    Ok(CareRelationship {
        id: row.try_get("id").map_err(db_error)?,
        doctor_id: row.try_get("doctor_id").map_err(db_error)?,
        doctor_name: row.try_get("doctor_name").map_err(db_error)?,
        specialty: row.try_get("specialty").map_err(db_error)?,
        patient_id: row.try_get("patient_id").map_err(db_error)?,
        patient_name: row.try_get("patient_name").map_err(db_error)?,
        started_at: row.try_get("started_at").map_err(db_error)?,
        origin: CareOrigin::parse(&origin)
            .ok_or_else(|| DomainError::internal(format!("unknown care origin {origin}")))?,
        appointment_id: row.try_get("appointment_id").map_err(db_error)?,
        ended_at: row.try_get("ended_at").map_err(db_error)?,
        end: end.as_deref().and_then(CareEnd::parse),
    })
}

/// Records emergency access; returns its id.
pub async fn grant_emergency(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    patient_id: UserId,
    reason: &str,
    granted_at: i64,
    expires_at: i64,
) -> DomainResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO emergency_access (doctor_id, patient_id, reason, granted_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .bind(reason)
    .bind(granted_at)
    .bind(expires_at)
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

/// The emergency access of `doctor_id` to `patient_id` still open at `now_ms`.
pub async fn open_emergency(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    patient_id: UserId,
    now_ms: i64,
) -> DomainResult<Option<EmergencyGrant>> {
    let row = sqlx::query(
        "SELECT id, doctor_id, patient_id, reason, granted_at, expires_at FROM emergency_access \
         WHERE doctor_id = $1 AND patient_id = $2 AND granted_at <= $3 AND expires_at > $3 \
         ORDER BY expires_at DESC LIMIT 1",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .bind(now_ms)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.map(|row| {
        Ok(EmergencyGrant {
            id: row.try_get("id").map_err(db_error)?,
            doctor_id: row.try_get("doctor_id").map_err(db_error)?,
            patient_id: row.try_get("patient_id").map_err(db_error)?,
            reason: row.try_get("reason").map_err(db_error)?,
            granted_at: row.try_get("granted_at").map_err(db_error)?,
            expires_at: row.try_get("expires_at").map_err(db_error)?,
        })
    })
    .transpose()
}

/// The patients `doctor_id` looks after now, and those under emergency
/// access still open at `now_ms`.
pub async fn patients_of(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    now_ms: i64,
) -> DomainResult<(Vec<UserId>, Vec<UserId>)> {
    let in_care = sqlx::query_scalar(
        "SELECT patient_id FROM care_relationships WHERE doctor_id = $1 AND ended_at IS NULL",
    )
    .bind(doctor_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let emergency = sqlx::query_scalar(
        "SELECT DISTINCT patient_id FROM emergency_access \
         WHERE doctor_id = $1 AND granted_at <= $2 AND expires_at > $2",
    )
    .bind(doctor_id)
    .bind(now_ms)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    Ok((in_care, emergency))
}
