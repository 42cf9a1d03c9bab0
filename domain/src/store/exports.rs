//! SQL for research exports' jobs (seed 003's `DataExportJob`); what they
//! read is in `export_rows`.

use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::exports::{Dataset, DatePrecision, ExportFilters, ExportJob, ExportStatus, Format};

/// A job as created.
pub struct NewJob<'a> {
    pub created_by: UserId,
    pub dataset: Dataset,
    pub format: Format,
    pub date_start: Date,
    pub date_end: Date,
    pub personal: bool,
    pub reason: Option<&'a str>,
    pub free_text: bool,
    /// Filters, precision and k, as stored.
    pub filters: &'a str,
    pub max_records: i64,
    pub secret: &'a str,
}

/// The stored request's rest: filters, date precision and k.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredFilters {
    #[serde(flatten)]
    pub filters: ExportFilters,
    pub date_precision: DatePrecision,
    pub k_anonymity: u32,
}

/// Creates a pending job; its id.
pub async fn insert(conn: &mut AnyConnection, job: &NewJob<'_>) -> DomainResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO export_jobs (created_by, dataset, export_format, date_start, date_end, \
           include_personal_data, personal_data_reason, include_free_text, filters, max_records, \
           status, secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12) RETURNING id",
    )
    .bind(job.created_by)
    .bind(job.dataset.as_str())
    .bind(job.format.as_str())
    .bind(job.date_start.to_string())
    .bind(job.date_end.to_string())
    .bind(i64::from(job.personal))
    .bind(job.reason)
    .bind(i64::from(job.free_text))
    .bind(job.filters)
    .bind(job.max_records)
    .bind(job.secret)
    .bind(now_ms())
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

const COLUMNS: &str = "j.id, j.created_by, u.first_name, u.last_name, j.dataset, j.export_format, \
    j.date_start, j.date_end, j.include_personal_data, j.personal_data_reason, j.include_free_text, \
    j.filters, j.max_records, j.status, j.rows_done, j.rows_estimated, j.records_count, \
    j.suppressed_count, j.file_size, j.error, j.created_at, j.started_at, j.finished_at";

/// A job with what running it needs.
#[derive(Debug, Clone)]
pub struct Stored {
    pub job: ExportJob,
    pub secret: String,
    pub file_path: Option<String>,
}

/// The job `id`.
pub async fn get(
    conn: &mut AnyConnection,
    id: i64,
    cleanup_days: i64,
) -> DomainResult<Option<Stored>> {
    let sql = format!(
        "SELECT {COLUMNS}, j.secret, j.file_path FROM export_jobs j \
         LEFT JOIN users u ON u.id = j.created_by WHERE j.id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.map(|row| {
        Ok(Stored {
            job: job_from_row(&row, cleanup_days)?,
            secret: row.try_get("secret").map_err(db_error)?,
            file_path: row.try_get("file_path").map_err(db_error)?,
        })
    })
    .transpose()
}

/// Jobs, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    limit: i64,
    cleanup_days: i64,
) -> DomainResult<Vec<ExportJob>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM export_jobs j LEFT JOIN users u ON u.id = j.created_by \
         ORDER BY j.id DESC LIMIT {}",
        limit.clamp(1, 500)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(|r| job_from_row(r, cleanup_days)).collect()
}

fn job_from_row(row: &AnyRow, cleanup_days: i64) -> DomainResult<ExportJob> {
    let bad = |what: &str| DomainError::internal(format!("stored export {what}"));
    let get_str = |name: &str| -> DomainResult<String> { row.try_get(name).map_err(db_error) };
    let instant = |ms: Option<i64>| {
        ms.map(Timestamp::from_millisecond)
            .transpose()
            .map_err(DomainError::internal)
    };
    let stored: StoredFilters =
        serde_json::from_str(&get_str("filters")?).map_err(DomainError::internal)?;
    let first: Option<String> = row.try_get("first_name").map_err(db_error)?;
    let last: Option<String> = row.try_get("last_name").map_err(db_error)?;
    let status = ExportStatus::parse(&get_str("status")?).ok_or_else(|| bad("status"))?;
    let finished_at = instant(row.try_get("finished_at").map_err(db_error)?)?;
    let personal: i64 = row.try_get("include_personal_data").map_err(db_error)?;
    let free: i64 = row.try_get("include_free_text").map_err(db_error)?;
    Ok(ExportJob {
        id: row.try_get("id").map_err(db_error)?,
        created_by: row.try_get("created_by").map_err(db_error)?,
        created_by_name: first.zip(last).map(|(f, l)| format!("{f} {l}")),
        dataset: Dataset::parse(&get_str("dataset")?).ok_or_else(|| bad("dataset"))?,
        export_format: Format::parse(&get_str("export_format")?).ok_or_else(|| bad("format"))?,
        date_start: get_str("date_start")?
            .parse()
            .map_err(DomainError::internal)?,
        date_end: get_str("date_end")?
            .parse()
            .map_err(DomainError::internal)?,
        include_personal_data: personal != 0,
        personal_data_reason: row.try_get("personal_data_reason").map_err(db_error)?,
        include_free_text: free != 0,
        filters: stored.filters,
        date_precision: stored.date_precision,
        k_anonymity: stored.k_anonymity,
        max_records: row.try_get("max_records").map_err(db_error)?,
        status,
        rows_done: row.try_get("rows_done").map_err(db_error)?,
        rows_estimated: row.try_get("rows_estimated").map_err(db_error)?,
        records_count: row.try_get("records_count").map_err(db_error)?,
        suppressed_count: row.try_get("suppressed_count").map_err(db_error)?,
        file_size: row.try_get("file_size").map_err(db_error)?,
        error: row.try_get("error").map_err(db_error)?,
        created_at: instant(row.try_get("created_at").map_err(db_error)?)?
            .ok_or_else(|| bad("creation"))?,
        started_at: instant(row.try_get("started_at").map_err(db_error)?)?,
        expires_at: match (status, finished_at) {
            (ExportStatus::Completed, Some(at)) => {
                Some(at + jiff::SignedDuration::from_hours(24 * cleanup_days))
            }
            _ => None,
        },
        finished_at,
    })
}

/// Marks the job running (again, after a restart: progress from zero);
/// false when it is no longer pending or running (cancelled meanwhile).
pub async fn start(conn: &mut AnyConnection, id: i64, estimated: i64) -> DomainResult<bool> {
    let done = sqlx::query(
        "UPDATE export_jobs SET status = 'running', rows_done = 0, rows_estimated = $2, \
         started_at = $3, error = NULL WHERE id = $1 AND status IN ('pending', 'running')",
    )
    .bind(id)
    .bind(estimated)
    .bind(now_ms())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// Rows read so far; false when the job was cancelled meanwhile.
pub async fn progress(conn: &mut AnyConnection, id: i64, rows: i64) -> DomainResult<bool> {
    let done =
        sqlx::query("UPDATE export_jobs SET rows_done = $2 WHERE id = $1 AND status = 'running'")
            .bind(id)
            .bind(rows)
            .execute(conn)
            .await
            .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// What a finished run wrote.
pub struct Finished<'a> {
    pub records: i64,
    pub suppressed: i64,
    pub rows_done: i64,
    pub file_path: &'a str,
    pub file_size: i64,
}

/// Completes a running job; false when it was cancelled meanwhile.
pub async fn complete(conn: &mut AnyConnection, id: i64, f: &Finished<'_>) -> DomainResult<bool> {
    let done = sqlx::query(
        "UPDATE export_jobs SET status = 'completed', records_count = $2, suppressed_count = $3, \
         rows_done = $4, file_path = $5, file_size = $6, finished_at = $7 \
         WHERE id = $1 AND status = 'running'",
    )
    .bind(id)
    .bind(f.records)
    .bind(f.suppressed)
    .bind(f.rows_done)
    .bind(f.file_path)
    .bind(f.file_size)
    .bind(now_ms())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// Ends a job that is not over yet as `status` (failed, cancelled) with
/// `error`; false when it was already over.
pub async fn end(
    conn: &mut AnyConnection,
    id: i64,
    status: ExportStatus,
    error: Option<&str>,
) -> DomainResult<bool> {
    let done = sqlx::query(
        "UPDATE export_jobs SET status = $2, error = $3, finished_at = $4 \
         WHERE id = $1 AND status IN ('pending', 'running')",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(error)
    .bind(now_ms())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the job row.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> DomainResult<()> {
    sqlx::query("DELETE FROM export_jobs WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Completed jobs finished before `before` whose file is still there:
/// (id, path).
pub async fn stale(
    conn: &mut AnyConnection,
    before: Timestamp,
) -> DomainResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT id, file_path FROM export_jobs WHERE status = 'completed' AND finished_at < $1 \
         AND file_path IS NOT NULL",
    )
    .bind(before.as_millisecond())
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id").map_err(db_error)?,
                r.try_get("file_path").map_err(db_error)?,
            ))
        })
        .collect()
}

/// Marks a completed job's file removed.
pub async fn expire(conn: &mut AnyConnection, id: i64) -> DomainResult<()> {
    sqlx::query(
        "UPDATE export_jobs SET status = 'expired', file_path = NULL WHERE id = $1 AND status = 'completed'",
    )
    .bind(id)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}
