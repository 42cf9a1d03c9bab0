//! SQL for research exports: the jobs (seed 003's `DataExportJob`), the
//! patients' identities and quasi-identifiers, and each dataset's rows as a
//! stream from the database cursor (never the whole export in memory).

use std::collections::HashMap;

use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
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

/// A patient as exports read them.
#[derive(Debug, Clone, Default)]
pub struct Patient {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub birth: Option<Date>,
    pub sex: Option<String>,
    pub postal_code: Option<String>,
}

/// Every patient, by id.
pub async fn patients(conn: &mut AnyConnection) -> DomainResult<HashMap<UserId, Patient>> {
    let mut rows = sqlx::query(
        "SELECT u.id, u.first_name, u.last_name, u.email, mp.mobile_phone, mp.date_of_birth, \
           mp.sex, mp.postal_code \
         FROM users u LEFT JOIN medical_profiles mp ON mp.patient_id = u.id \
         WHERE u.role = 'patient'",
    )
    .fetch(conn);
    let mut out = HashMap::new();
    while let Some(row) = rows.try_next().await.map_err(db_error)? {
        let birth: Option<String> = row.try_get("date_of_birth").map_err(db_error)?;
        out.insert(
            row.try_get("id").map_err(db_error)?,
            Patient {
                first_name: row.try_get("first_name").map_err(db_error)?,
                last_name: row.try_get("last_name").map_err(db_error)?,
                email: row.try_get("email").map_err(db_error)?,
                phone: row.try_get("mobile_phone").map_err(db_error)?,
                birth: birth.and_then(|b| b.parse().ok()),
                sex: row.try_get("sex").map_err(db_error)?,
                postal_code: row.try_get("postal_code").map_err(db_error)?,
            },
        );
    }
    Ok(out)
}

/// Every account's first and last name (what scrubbed free text loses).
pub async fn names(conn: &mut AnyConnection) -> DomainResult<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT first_name, last_name FROM users")
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("first_name").map_err(db_error)?,
                r.try_get("last_name").map_err(db_error)?,
            ))
        })
        .collect()
}

/// What a dataset's query selects.
#[derive(Debug, Clone)]
pub struct Selection<'a> {
    pub dataset: Dataset,
    /// `[from, to)` in Unix milliseconds.
    pub from_ms: i64,
    pub to_ms: i64,
    pub status: Option<&'a str>,
    pub specialty: Option<&'a str>,
    pub now_ms: i64,
}

/// One row of a dataset as read, before shaping.
#[derive(Debug, Clone)]
pub struct Source {
    pub patient: UserId,
    /// The row's instant (the appointment's start, the record's creation,
    /// the minute, the treatment's start, the check).
    pub at: Timestamp,
    pub fields: Fields,
}

/// Each dataset's own fields.
#[derive(Debug, Clone)]
pub enum Fields {
    Appointment {
        doctor: UserId,
        specialty: Option<String>,
        ends_at: Timestamp,
        consultation_type: String,
        status: String,
        reason: String,
        created_at: Timestamp,
    },
    Consultation {
        doctor: UserId,
        specialty: Option<String>,
        status: String,
        validated_at: Option<Timestamp>,
        intake: String,
        examination: String,
        from_symptom_check: bool,
        messages: i64,
    },
    Vital {
        vital: i64,
        min: f64,
        max: f64,
        sum: f64,
        count: i64,
    },
    Treatment {
        medication: String,
        prescribed: bool,
        frequency: i64,
        duration_days: i64,
        active: bool,
        taken: i64,
        skipped: i64,
        instructions: Option<String>,
    },
    SymptomCheck {
        features: String,
        prediction: String,
        confidence: f64,
        urgency: String,
        red_flags: String,
        specialty: String,
    },
}

/// The query of `s` (rows in time order), its parameters bound in order.
fn query(s: &Selection<'_>) -> (String, Vec<Param>) {
    let mut params = vec![Param::Int(s.from_ms), Param::Int(s.to_ms)];
    let mut extra = String::new();
    let mut add = |cond: &str, p: Param, params: &mut Vec<Param>| {
        params.push(p);
        extra.push_str(&format!(" AND {cond} ${}", params.len()));
    };
    let sql = match s.dataset {
        Dataset::Appointments => {
            if let Some(st) = s.status {
                add("a.status =", Param::Text(st.to_owned()), &mut params);
            }
            if let Some(sp) = s.specialty {
                add("sp.code =", Param::Text(sp.to_owned()), &mut params);
            }
            format!(
                "SELECT a.patient_id, a.starts_at AS at, a.doctor_id, sp.code AS specialty, a.ends_at, \
                   a.consultation_type, a.status, a.reason, a.created_at \
                 FROM appointments a LEFT JOIN doctor_profiles dp ON dp.user_id = a.doctor_id \
                 LEFT JOIN specialties sp ON sp.id = dp.specialty_id \
                 WHERE a.starts_at >= $1 AND a.starts_at < $2{extra} ORDER BY a.starts_at, a.id"
            )
        }
        Dataset::Consultations => {
            if let Some(st) = s.status {
                add("c.status =", Param::Text(st.to_owned()), &mut params);
            }
            if let Some(sp) = s.specialty {
                add("sp.code =", Param::Text(sp.to_owned()), &mut params);
            }
            format!(
                "SELECT c.patient_id, c.created_at AS at, c.doctor_id, sp.code AS specialty, c.status, \
                   c.validated_at, c.intake, c.examination, c.symptom_check_id, \
                   COALESCE(m.n, 0) AS messages \
                 FROM consultations c LEFT JOIN doctor_profiles dp ON dp.user_id = c.doctor_id \
                 LEFT JOIN specialties sp ON sp.id = dp.specialty_id \
                 LEFT JOIN (SELECT consultation_id, COUNT(*) AS n FROM consultation_messages \
                            GROUP BY consultation_id) m ON m.consultation_id = c.id \
                 WHERE c.created_at >= $1 AND c.created_at < $2{extra} ORDER BY c.created_at, c.id"
            )
        }
        Dataset::Vitals => format!(
            "SELECT patient_id, minute AS at, vital, min_value, max_value, sum_value, count \
             FROM reading_minutes WHERE minute >= $1 AND minute < $2{extra} \
             ORDER BY minute, patient_id, vital"
        ),
        Dataset::Treatments => {
            match s.status {
                Some("active") => add("t.ends_at >", Param::Int(s.now_ms), &mut params),
                Some(_) => add("t.ends_at <=", Param::Int(s.now_ms), &mut params),
                None => {}
            }
            if let Some(sp) = s.specialty {
                add("sp.code =", Param::Text(sp.to_owned()), &mut params);
            }
            params.push(Param::Int(s.now_ms));
            let now = params.len();
            format!(
                "SELECT t.patient_id, t.started_at AS at, t.medocs_name, t.prescribed_by, t.frequency, \
                   t.duration_days, CASE WHEN t.ends_at > ${now} THEN 1 ELSE 0 END AS active, \
                   COALESCE(d.taken, 0) AS taken, COALESCE(d.skipped, 0) AS skipped, t.instructions \
                 FROM treatments t LEFT JOIN doctor_profiles dp ON dp.user_id = t.prescribed_by \
                 LEFT JOIN specialties sp ON sp.id = dp.specialty_id \
                 LEFT JOIN (SELECT treatment_id, \
                              SUM(CASE WHEN status = 'taken' THEN 1 ELSE 0 END) AS taken, \
                              SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END) AS skipped \
                            FROM treatment_doses GROUP BY treatment_id) d ON d.treatment_id = t.id \
                 WHERE t.started_at >= $1 AND t.started_at < $2{extra} ORDER BY t.started_at, t.id"
            )
        }
        Dataset::SymptomChecks => {
            if let Some(st) = s.status {
                add("urgency =", Param::Text(st.to_owned()), &mut params);
            }
            if let Some(sp) = s.specialty {
                add("specialty =", Param::Text(sp.to_owned()), &mut params);
            }
            format!(
                "SELECT patient_id, checked_at AS at, features, prediction, confidence, urgency, \
                   red_flags, specialty \
                 FROM symptom_checks WHERE checked_at >= $1 AND checked_at < $2{extra} \
                 ORDER BY checked_at, id"
            )
        }
    };
    (sql, params)
}

#[derive(Debug, Clone)]
enum Param {
    Int(i64),
    Text(String),
}

/// The query of `s` without its order (counting needs none, and ordering a
/// million rows only to count them would hold them all in the sorter).
fn unordered(s: &Selection<'_>) -> (String, Vec<Param>) {
    let (mut sql, params) = query(s);
    if let Some(at) = sql.rfind(" ORDER BY ") {
        sql.truncate(at);
    }
    (sql, params)
}

/// How many rows `s` selects.
pub async fn count(conn: &mut AnyConnection, s: &Selection<'_>) -> DomainResult<i64> {
    let (sql, params) = unordered(s);
    let sql = format!("SELECT COUNT(*) FROM ({sql}) q");
    let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
    for p in params {
        q = match p {
            Param::Int(n) => q.bind(n),
            Param::Text(t) => q.bind(t),
        };
    }
    q.fetch_one(conn).await.map_err(db_error)
}

/// The patients `s` has rows of.
pub async fn patients_in(conn: &mut AnyConnection, s: &Selection<'_>) -> DomainResult<Vec<UserId>> {
    let (sql, params) = unordered(s);
    let sql = format!("SELECT DISTINCT patient_id FROM ({sql}) q");
    let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
    for p in params {
        q = match p {
            Param::Int(n) => q.bind(n),
            Param::Text(t) => q.bind(t),
        };
    }
    q.fetch_all(conn).await.map_err(db_error)
}

/// The rows of `s`, streamed from the cursor.
pub fn rows<'c>(
    conn: &'c mut AnyConnection,
    s: &Selection<'_>,
) -> BoxStream<'c, DomainResult<Source>> {
    let (sql, params) = query(s);
    let dataset = s.dataset;
    let stream = async_stream(conn, sql, params);
    stream
        .map(move |row| row.map_err(db_error).and_then(|row| source(dataset, &row)))
        .boxed()
}

fn async_stream(
    conn: &mut AnyConnection,
    sql: String,
    params: Vec<Param>,
) -> BoxStream<'_, Result<AnyRow, sqlx::Error>> {
    futures_util::stream::once(async move {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in params {
            q = match p {
                Param::Int(n) => q.bind(n),
                Param::Text(t) => q.bind(t),
            };
        }
        q.fetch(conn)
    })
    .flatten()
    .boxed()
}

fn source(dataset: Dataset, row: &AnyRow) -> DomainResult<Source> {
    let ms = |name: &str| -> DomainResult<Timestamp> {
        let v: i64 = row.try_get(name).map_err(db_error)?;
        Timestamp::from_millisecond(v).map_err(DomainError::internal)
    };
    let get_i = |name: &str| -> DomainResult<i64> { row.try_get(name).map_err(db_error) };
    let get_s = |name: &str| -> DomainResult<String> { row.try_get(name).map_err(db_error) };
    let fields = match dataset {
        Dataset::Appointments => Fields::Appointment {
            doctor: get_i("doctor_id")?,
            specialty: row.try_get("specialty").map_err(db_error)?,
            ends_at: ms("ends_at")?,
            consultation_type: get_s("consultation_type")?,
            status: get_s("status")?,
            reason: get_s("reason")?,
            created_at: ms("created_at")?,
        },
        Dataset::Consultations => {
            let validated: Option<i64> = row.try_get("validated_at").map_err(db_error)?;
            let check: Option<i64> = row.try_get("symptom_check_id").map_err(db_error)?;
            Fields::Consultation {
                doctor: get_i("doctor_id")?,
                specialty: row.try_get("specialty").map_err(db_error)?,
                status: get_s("status")?,
                validated_at: validated
                    .map(Timestamp::from_millisecond)
                    .transpose()
                    .map_err(DomainError::internal)?,
                intake: get_s("intake")?,
                examination: get_s("examination")?,
                from_symptom_check: check.is_some(),
                messages: get_i("messages")?,
            }
        }
        Dataset::Vitals => Fields::Vital {
            vital: get_i("vital")?,
            min: row.try_get("min_value").map_err(db_error)?,
            max: row.try_get("max_value").map_err(db_error)?,
            sum: row.try_get("sum_value").map_err(db_error)?,
            count: get_i("count")?,
        },
        Dataset::Treatments => {
            let by: Option<i64> = row.try_get("prescribed_by").map_err(db_error)?;
            Fields::Treatment {
                medication: get_s("medocs_name")?,
                prescribed: by.is_some(),
                frequency: get_i("frequency")?,
                duration_days: get_i("duration_days")?,
                active: get_i("active")? != 0,
                taken: get_i("taken")?,
                skipped: get_i("skipped")?,
                instructions: row.try_get("instructions").map_err(db_error)?,
            }
        }
        Dataset::SymptomChecks => Fields::SymptomCheck {
            features: get_s("features")?,
            prediction: get_s("prediction")?,
            confidence: row.try_get("confidence").map_err(db_error)?,
            urgency: get_s("urgency")?,
            red_flags: get_s("red_flags")?,
            specialty: get_s("specialty")?,
        },
    };
    Ok(Source {
        patient: get_i("patient_id")?,
        at: ms("at")?,
        fields,
    })
}
