//! SQL for the durable jobs: enqueue once per key, claim what is due with a
//! lease (one worker per job, even with several instances), then finish,
//! retry later or give up.

use sqlx::{AnyConnection, Row};

use super::{Db, db_error, skip_locked};
use crate::error::DomainResult;

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub payload: String,
    /// Tries so far, this one included.
    pub attempts: i64,
    pub max_attempts: i64,
}

/// A job to enqueue.
pub struct NewJob<'a> {
    pub kind: &'a str,
    /// Unique: enqueueing the same key again does nothing.
    pub key: &'a str,
    pub payload: &'a str,
    pub run_at_ms: i64,
    pub max_attempts: i64,
}

/// Enqueues `job` unless a job with its key exists; whether it was new.
pub async fn enqueue(
    conn: &mut AnyConnection,
    job: &NewJob<'_>,
    now_ms: i64,
) -> DomainResult<bool> {
    let done = sqlx::query(
        "INSERT INTO jobs (kind, key, payload, run_at, max_attempts, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
    )
    .bind(job.kind)
    .bind(job.key)
    .bind(job.payload)
    .bind(job.run_at_ms)
    .bind(job.max_attempts)
    .bind(now_ms)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// Whether any job is due and free to claim (a read: an idle worker looks
/// without taking the write lock).
pub async fn any_due(conn: &mut AnyConnection, now_ms: i64) -> DomainResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM jobs WHERE finished_at IS NULL AND run_at <= $1 \
         AND (lease_until IS NULL OR lease_until < $1) LIMIT 1",
    )
    .bind(now_ms)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    Ok(found.is_some())
}

/// Claims up to `limit` due jobs until `lease_until_ms`: unfinished, due,
/// and not leased (or leased by a worker that stopped answering). Each claim
/// counts as a try.
pub async fn claim(
    db: &Db,
    now_ms: i64,
    lease_until_ms: i64,
    limit: i64,
) -> DomainResult<Vec<Job>> {
    let sql = format!(
        "UPDATE jobs SET lease_until = $2, attempts = attempts + 1 WHERE id IN (\
           SELECT id FROM jobs WHERE finished_at IS NULL AND run_at <= $1 \
           AND (lease_until IS NULL OR lease_until < $1) \
           ORDER BY run_at, id LIMIT $3{}) \
         RETURNING id, kind, key, payload, attempts, max_attempts",
        skip_locked(db.dialect())
    );
    let mut tx = db.begin_write().await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now_ms)
        .bind(lease_until_ms)
        .bind(limit)
        .fetch_all(&mut **tx)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(Job {
                id: row.try_get("id").map_err(db_error)?,
                kind: row.try_get("kind").map_err(db_error)?,
                key: row.try_get("key").map_err(db_error)?,
                payload: row.try_get("payload").map_err(db_error)?,
                attempts: row.try_get("attempts").map_err(db_error)?,
                max_attempts: row.try_get("max_attempts").map_err(db_error)?,
            })
        })
        .collect()
}

/// Marks a job done (`error`: why it gave up, if it did).
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    error: Option<&str>,
    now_ms: i64,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE jobs SET finished_at = $2, lease_until = NULL, \
         last_error = COALESCE($3, last_error) WHERE id = $1",
    )
    .bind(id)
    .bind(now_ms)
    .bind(error)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// Puts a job back for another try at `run_at_ms`.
pub async fn retry(
    conn: &mut AnyConnection,
    id: i64,
    run_at_ms: i64,
    error: &str,
) -> DomainResult<()> {
    sqlx::query("UPDATE jobs SET run_at = $2, lease_until = NULL, last_error = $3 WHERE id = $1")
        .bind(id)
        .bind(run_at_ms)
        .bind(error)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Moves the unfinished job `key` to `run_at_ms` (a later quiet-hours end).
pub async fn postpone(conn: &mut AnyConnection, key: &str, run_at_ms: i64) -> DomainResult<()> {
    sqlx::query("UPDATE jobs SET run_at = $2 WHERE key = $1 AND finished_at IS NULL")
        .bind(key)
        .bind(run_at_ms)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Unfinished jobs of `kind` (the worker's backlog, for figures).
pub async fn backlog(conn: &mut AnyConnection, kind: &str) -> DomainResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND finished_at IS NULL")
        .bind(kind)
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// Unfinished jobs by state at `now_ms`, per kind: (kind, due, leased,
/// scheduled later).
pub async fn depths(
    conn: &mut AnyConnection,
    now_ms: i64,
) -> DomainResult<Vec<(String, i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT kind, \
                SUM(CASE WHEN lease_until > $1 THEN 1 ELSE 0 END) AS leased, \
                SUM(CASE WHEN run_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) \
                    THEN 1 ELSE 0 END) AS due, \
                SUM(CASE WHEN run_at > $1 AND (lease_until IS NULL OR lease_until <= $1) \
                    THEN 1 ELSE 0 END) AS later \
         FROM jobs WHERE finished_at IS NULL GROUP BY kind ORDER BY kind",
    )
    .bind(now_ms)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let n = |name: &str| -> DomainResult<i64> {
                row.try_get::<Option<i64>, _>(name)
                    .map(Option::unwrap_or_default)
                    .map_err(db_error)
            };
            Ok((
                row.try_get("kind").map_err(db_error)?,
                n("due")?,
                n("leased")?,
                n("later")?,
            ))
        })
        .collect()
}

/// Drops jobs finished before `before_ms`; how many.
pub async fn purge(conn: &mut AnyConnection, before_ms: i64) -> DomainResult<u64> {
    sqlx::query("DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < $1")
        .bind(before_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
        .map_err(db_error)
}

/// Keeps the lease of the job `key` until `lease_until_ms` (a long job
/// reporting that it is alive).
pub async fn extend(conn: &mut AnyConnection, key: &str, lease_until_ms: i64) -> DomainResult<()> {
    sqlx::query("UPDATE jobs SET lease_until = $2 WHERE key = $1 AND finished_at IS NULL")
        .bind(key)
        .bind(lease_until_ms)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}
