//! SQL for treatments, the doses patients tick and the reminders sent.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::db_error;
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::treatments::{DoseStatus, Prescriber};

/// A treatment as stored (`end` is fixed when it is written; days left are
/// counted when it is read).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTreatment {
    pub id: i64,
    pub patient_id: UserId,
    pub medocs_name: String,
    pub frequency: i64,
    pub started_at_ms: i64,
    pub duration_days: i64,
    pub ends_at_ms: i64,
    pub dose_times: Vec<String>,
    pub instructions: Option<String>,
    pub prescribed_by: Option<Prescriber>,
    pub consultation_id: Option<i64>,
}

/// What a write sets (everything but the id and the timestamps).
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentRow<'a> {
    pub patient_id: UserId,
    pub medocs_name: &'a str,
    pub frequency: i64,
    pub started_at_ms: i64,
    pub duration_days: i64,
    pub ends_at_ms: i64,
    pub dose_times: &'a [String],
    pub instructions: Option<&'a str>,
    pub prescribed_by: Option<UserId>,
    pub consultation_id: Option<i64>,
}

const SELECT: &str = "SELECT t.id, t.patient_id, t.medocs_name, t.frequency, t.started_at, \
    t.duration_days, t.ends_at, t.dose_times, t.instructions, t.prescribed_by, \
    t.consultation_id, d.first_name || ' ' || d.last_name AS prescriber_name \
    FROM treatments t LEFT JOIN users d ON d.id = t.prescribed_by";

/// Writes a new treatment; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    row: &TreatmentRow<'_>,
    now_ms: i64,
) -> DomainResult<i64> {
    let times = serde_json::to_string(row.dose_times).map_err(DomainError::internal)?;
    sqlx::query_scalar(
        "INSERT INTO treatments (patient_id, medocs_name, frequency, started_at, duration_days, \
         ends_at, dose_times, instructions, prescribed_by, consultation_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(row.patient_id)
    .bind(row.medocs_name)
    .bind(row.frequency)
    .bind(row.started_at_ms)
    .bind(row.duration_days)
    .bind(row.ends_at_ms)
    .bind(times)
    .bind(row.instructions)
    .bind(row.prescribed_by)
    .bind(row.consultation_id)
    .bind(now_ms)
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

/// Replaces what a treatment says (the prescriber stays who they were).
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    row: &TreatmentRow<'_>,
    now_ms: i64,
) -> DomainResult<()> {
    let times = serde_json::to_string(row.dose_times).map_err(DomainError::internal)?;
    sqlx::query(
        "UPDATE treatments SET medocs_name = $1, frequency = $2, started_at = $3, \
         duration_days = $4, ends_at = $5, dose_times = $6, instructions = $7, \
         consultation_id = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(row.medocs_name)
    .bind(row.frequency)
    .bind(row.started_at_ms)
    .bind(row.duration_days)
    .bind(row.ends_at_ms)
    .bind(times)
    .bind(row.instructions)
    .bind(row.consultation_id)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// Deletes a treatment with its doses and reminders.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> DomainResult<()> {
    for sql in [
        "DELETE FROM treatment_doses WHERE treatment_id = $1",
        "DELETE FROM treatment_reminders WHERE treatment_id = $1",
        "DELETE FROM treatments WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// One treatment.
pub async fn get(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<StoredTreatment>> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// Treatments whose `column` (a fixed column name) is `id`, the most recently
/// started first.
async fn listed(
    conn: &mut AnyConnection,
    column: &'static str,
    id: UserId,
) -> DomainResult<Vec<StoredTreatment>> {
    let sql = format!("{SELECT} WHERE {column} = $1 ORDER BY t.started_at DESC, t.id DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// A patient's treatments, the most recently started first.
pub async fn of_patient(
    conn: &mut AnyConnection,
    patient_id: UserId,
) -> DomainResult<Vec<StoredTreatment>> {
    listed(conn, "t.patient_id", patient_id).await
}

/// What a doctor prescribed, the most recently started first.
pub async fn prescribed_by(
    conn: &mut AnyConnection,
    doctor_id: UserId,
) -> DomainResult<Vec<StoredTreatment>> {
    listed(conn, "t.prescribed_by", doctor_id).await
}

/// Treatments running at some point of `[from_ms, to_ms)` (reminders).
pub async fn running_between(
    conn: &mut AnyConnection,
    from_ms: i64,
    to_ms: i64,
) -> DomainResult<Vec<StoredTreatment>> {
    let sql = format!("{SELECT} WHERE t.started_at < $2 AND t.ends_at > $1 ORDER BY t.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// One ticked dose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoseRecord {
    pub treatment_id: i64,
    pub day: String,
    pub time: String,
    pub status: DoseStatus,
}

/// The doses ticked for `treatment_id`.
pub async fn doses(conn: &mut AnyConnection, treatment_id: i64) -> DomainResult<Vec<DoseRecord>> {
    let rows = sqlx::query(
        "SELECT treatment_id, day, dose_time, status FROM treatment_doses WHERE treatment_id = $1",
    )
    .bind(treatment_id)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status").map_err(db_error)?;
            Ok(DoseRecord {
                treatment_id: row.try_get("treatment_id").map_err(db_error)?,
                day: row.try_get("day").map_err(db_error)?,
                time: row.try_get("dose_time").map_err(db_error)?,
                status: DoseStatus::parse(&status)
                    .ok_or_else(|| DomainError::internal("unknown dose status"))?,
            })
        })
        .collect()
}

/// Records (or changes) what the patient did about one dose.
pub async fn record_dose(
    conn: &mut AnyConnection,
    treatment_id: i64,
    day: &str,
    time: &str,
    status: DoseStatus,
    now_ms: i64,
) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO treatment_doses (treatment_id, day, dose_time, status, recorded_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (treatment_id, day, dose_time) \
         DO UPDATE SET status = excluded.status, recorded_at = excluded.recorded_at",
    )
    .bind(treatment_id)
    .bind(day)
    .bind(time)
    .bind(status.as_str())
    .bind(now_ms)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// Claims the reminder of one dose: true the first time only.
pub async fn claim_reminder(
    conn: &mut AnyConnection,
    treatment_id: i64,
    day: &str,
    time: &str,
    now_ms: i64,
) -> DomainResult<bool> {
    let done = sqlx::query(
        "INSERT INTO treatment_reminders (treatment_id, day, dose_time, sent_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (treatment_id, day, dose_time) DO NOTHING",
    )
    .bind(treatment_id)
    .bind(day)
    .bind(time)
    .bind(now_ms)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

fn from_row(row: &AnyRow) -> DomainResult<StoredTreatment> {
    let times: String = row.try_get("dose_times").map_err(db_error)?;
    let prescriber_id: Option<i64> = row.try_get("prescribed_by").map_err(db_error)?;
    let prescriber_name: Option<String> = row.try_get("prescriber_name").map_err(db_error)?;
    Ok(StoredTreatment {
        id: row.try_get("id").map_err(db_error)?,
        patient_id: row.try_get("patient_id").map_err(db_error)?,
        medocs_name: row.try_get("medocs_name").map_err(db_error)?,
        frequency: row.try_get("frequency").map_err(db_error)?,
        started_at_ms: row.try_get("started_at").map_err(db_error)?,
        duration_days: row.try_get("duration_days").map_err(db_error)?,
        ends_at_ms: row.try_get("ends_at").map_err(db_error)?,
        dose_times: serde_json::from_str(&times).map_err(DomainError::internal)?,
        instructions: row.try_get("instructions").map_err(db_error)?,
        prescribed_by: prescriber_id.map(|id| Prescriber {
            id,
            name: prescriber_name.unwrap_or_default(),
        }),
        consultation_id: row.try_get("consultation_id").map_err(db_error)?,
    })
}
