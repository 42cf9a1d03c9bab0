//! SQL for vital-sign readings: many rows per statement on the way in, one
//! indexed lookup per vital on the way out, per-minute summaries for long
//! ranges, and pruning by age.

use std::collections::BTreeMap;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Dialect, db_error};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::vitals::{NewReading, Reading, Vital};

/// A reading about to be stored, with whose it is.
#[derive(Debug, Clone)]
pub struct ReadingRow {
    pub patient_id: UserId,
    pub device_id: i64,
    pub reading: NewReading,
}

/// Rows per INSERT statement (6 parameters each, far below both databases'
/// limits).
const ROWS_PER_STATEMENT: usize = 250;
const MINUTE_MS: i64 = 60_000;

const COLUMNS: &str = "id, patient_id, device_id, vital, value, measured_at, quality";

/// Inserts the readings and folds them into the per-minute summaries.
pub async fn insert(
    conn: &mut AnyConnection,
    dialect: Dialect,
    rows: &[ReadingRow],
) -> DomainResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO readings (patient_id, device_id, vital, value, measured_at, quality) VALUES ",
        );
        for i in 0..chunk.len() {
            let p = i * 6;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${},${},${},${},${},${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6
            ));
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            query = query
                .bind(row.patient_id)
                .bind(row.device_id)
                .bind(i64::from(row.reading.vital.code()))
                .bind(row.reading.value)
                .bind(row.reading.measured_at.as_millisecond())
                .bind(i64::from(row.reading.quality));
        }
        query.execute(&mut *conn).await.map_err(db_error)?;
    }
    fold_minutes(conn, dialect, rows).await
}

/// One minute's summary being built.
#[derive(Debug, Clone, Copy)]
struct Summary {
    min: f64,
    max: f64,
    sum: f64,
    count: i64,
}

/// Upserts the per-minute summaries of `rows`, keys in order (concurrent
/// writers then lock rows in one order and cannot deadlock).
async fn fold_minutes(
    conn: &mut AnyConnection,
    dialect: Dialect,
    rows: &[ReadingRow],
) -> DomainResult<()> {
    let mut minutes: BTreeMap<(i64, i16, i64), Summary> = BTreeMap::new();
    for row in rows {
        let ms = row.reading.measured_at.as_millisecond();
        let key = (
            row.patient_id,
            row.reading.vital.code(),
            ms - ms.rem_euclid(MINUTE_MS),
        );
        let v = row.reading.value;
        minutes
            .entry(key)
            .and_modify(|s| {
                s.min = s.min.min(v);
                s.max = s.max.max(v);
                s.sum += v;
                s.count += 1;
            })
            .or_insert(Summary {
                min: v,
                max: v,
                sum: v,
                count: 1,
            });
    }
    let (least, greatest) = match dialect {
        Dialect::Sqlite => ("min", "max"),
        Dialect::Postgres => ("LEAST", "GREATEST"),
    };
    let entries: Vec<_> = minutes.into_iter().collect();
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO reading_minutes (patient_id, vital, minute, min_value, max_value, sum_value, count) VALUES ",
        );
        for i in 0..chunk.len() {
            let p = i * 7;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${},${},${},${},${},${},${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6,
                p + 7
            ));
        }
        sql.push_str(&format!(
            " ON CONFLICT (patient_id, vital, minute) DO UPDATE SET \
             min_value = {least}(reading_minutes.min_value, excluded.min_value), \
             max_value = {greatest}(reading_minutes.max_value, excluded.max_value), \
             sum_value = reading_minutes.sum_value + excluded.sum_value, \
             count = reading_minutes.count + excluded.count"
        ));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for ((patient, vital, minute), s) in chunk {
            query = query
                .bind(*patient)
                .bind(i64::from(*vital))
                .bind(*minute)
                .bind(s.min)
                .bind(s.max)
                .bind(s.sum)
                .bind(s.count);
        }
        query.execute(&mut *conn).await.map_err(db_error)?;
    }
    Ok(())
}

/// The latest reading of each vital of a patient (one indexed lookup each).
pub async fn latest(conn: &mut AnyConnection, patient_id: UserId) -> DomainResult<Vec<Reading>> {
    let members: Vec<String> = Vital::ALL
        .iter()
        .map(|v| {
            format!(
                "SELECT * FROM (SELECT {COLUMNS} FROM readings WHERE patient_id = $1 AND vital = {} \
                 ORDER BY measured_at DESC, id DESC LIMIT 1) AS v{}",
                v.code(),
                v.code()
            )
        })
        .collect();
    let rows = sqlx::query(sqlx::AssertSqlSafe(members.join(" UNION ALL ")))
        .bind(patient_id)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(reading).collect()
}

/// The latest values of one vital measured at or after `since_ms`, newest
/// first, at most `limit` (alert rules look back this way).
pub async fn recent(
    conn: &mut AnyConnection,
    patient_id: UserId,
    vital: Vital,
    since_ms: i64,
    limit: i64,
) -> DomainResult<Vec<(jiff::Timestamp, f64)>> {
    let rows = sqlx::query(
        "SELECT measured_at, value FROM readings WHERE patient_id = $1 AND vital = $2 \
         AND measured_at >= $3 ORDER BY measured_at DESC, id DESC LIMIT $4",
    )
    .bind(patient_id)
    .bind(i64::from(vital.code()))
    .bind(since_ms)
    .bind(limit)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let ms: i64 = row.try_get("measured_at").map_err(db_error)?;
            Ok((
                jiff::Timestamp::from_millisecond(ms).map_err(DomainError::internal)?,
                row.try_get("value").map_err(db_error)?,
            ))
        })
        .collect()
}

/// Which readings to list.
#[derive(Debug, Clone, Default)]
pub struct ReadingFilter {
    pub patient_id: UserId,
    pub vital: Option<Vital>,
    pub device_id: Option<i64>,
    /// Unix milliseconds, inclusive.
    pub from_ms: i64,
    /// Unix milliseconds, exclusive.
    pub to_ms: i64,
}

const LIST_WHERE: &str = "WHERE patient_id = $1 AND ($2 = 0 OR vital = $2) \
    AND ($3 = 0 OR device_id = $3) AND measured_at >= $4 AND measured_at < $5";

/// A page of readings, newest first, and how many match.
pub async fn list(
    conn: &mut AnyConnection,
    filter: &ReadingFilter,
    limit: i64,
    offset: i64,
) -> DomainResult<(Vec<Reading>, i64)> {
    let vital = filter.vital.map(|v| i64::from(v.code())).unwrap_or(0);
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM readings {LIST_WHERE}"
    )))
    .bind(filter.patient_id)
    .bind(vital)
    .bind(filter.device_id.unwrap_or(0))
    .bind(filter.from_ms)
    .bind(filter.to_ms)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM readings {LIST_WHERE} \
         ORDER BY measured_at DESC, id DESC LIMIT $6 OFFSET $7"
    )))
    .bind(filter.patient_id)
    .bind(vital)
    .bind(filter.device_id.unwrap_or(0))
    .bind(filter.from_ms)
    .bind(filter.to_ms)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    Ok((
        rows.iter().map(reading).collect::<DomainResult<_>>()?,
        total,
    ))
}

/// One reading by its id.
pub async fn by_id(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<Reading>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM readings WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(reading).transpose()
}

/// Per-minute summaries of one vital over `[from_ms, to_ms)`, oldest first:
/// (minute start, min, max, mean, count).
pub async fn minutes(
    conn: &mut AnyConnection,
    patient_id: UserId,
    vital: Vital,
    from_ms: i64,
    to_ms: i64,
) -> DomainResult<Vec<(i64, f64, f64, f64, i64)>> {
    let rows = sqlx::query(
        "SELECT minute, min_value, max_value, sum_value, count FROM reading_minutes \
         WHERE patient_id = $1 AND vital = $2 AND minute >= $3 AND minute < $4 ORDER BY minute",
    )
    .bind(patient_id)
    .bind(i64::from(vital.code()))
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let count: i64 = row.try_get("count").map_err(db_error)?;
            let sum: f64 = row.try_get("sum_value").map_err(db_error)?;
            Ok((
                row.try_get("minute").map_err(db_error)?,
                row.try_get("min_value").map_err(db_error)?,
                row.try_get("max_value").map_err(db_error)?,
                if count > 0 { sum / count as f64 } else { 0.0 },
                count,
            ))
        })
        .collect()
}

/// Deletes raw readings measured before `raw_before_ms` and summaries of
/// minutes before `minutes_before_ms`, at most `limit` rows of each per call;
/// returns how many rows went.
pub async fn prune(
    conn: &mut AnyConnection,
    raw_before_ms: i64,
    minutes_before_ms: i64,
    limit: i64,
) -> DomainResult<u64> {
    let raw = sqlx::query(
        "DELETE FROM readings WHERE id IN \
         (SELECT id FROM readings WHERE measured_at < $1 ORDER BY measured_at LIMIT $2)",
    )
    .bind(raw_before_ms)
    .bind(limit)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?
    .rows_affected();
    let summaries = sqlx::query("DELETE FROM reading_minutes WHERE minute < $1")
        .bind(minutes_before_ms)
        .execute(conn)
        .await
        .map_err(db_error)?
        .rows_affected();
    Ok(raw + summaries)
}

fn reading(row: &AnyRow) -> DomainResult<Reading> {
    let code: i64 = row.try_get("vital").map_err(db_error)?;
    let vital =
        Vital::from_code(code).ok_or_else(|| DomainError::internal("unknown vital code"))?;
    let ms: i64 = row.try_get("measured_at").map_err(db_error)?;
    let quality: i64 = row.try_get("quality").map_err(db_error)?;
    let spec = vital.spec();
    Ok(Reading {
        id: row.try_get("id").map_err(db_error)?,
        dispositif: row.try_get("device_id").map_err(db_error)?,
        patient: row.try_get("patient_id").map_err(db_error)?,
        type_donnee: vital,
        valeur: row.try_get("value").map_err(db_error)?,
        unite: spec.ucum.to_owned(),
        loinc: spec.loinc.map(str::to_owned),
        timestamp: jiff::Timestamp::from_millisecond(ms).map_err(DomainError::internal)?,
        qualite_donnee: u8::try_from(quality).unwrap_or(0),
    })
}
