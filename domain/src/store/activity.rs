//! SQL for the platform's activity at a glance: counts over a period, and the
//! refused sign-ins counted per hour (no name or address is kept).

use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::error::DomainResult;

const HOUR_MS: i64 = 3_600_000;

/// Counts one refused sign-in in the current hour.
pub async fn count_refused_sign_in(conn: &mut AnyConnection) -> DomainResult<()> {
    let hour = now_ms().div_euclid(HOUR_MS) * HOUR_MS;
    sqlx::query(
        "INSERT INTO sign_in_failures (hour, count) VALUES ($1, 1) \
         ON CONFLICT (hour) DO UPDATE SET count = sign_in_failures.count + 1",
    )
    .bind(hour)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// What happened between `from_ms` (included) and `to_ms` (excluded).
pub struct Counts {
    pub accounts_created: i64,
    pub appointments: Vec<(String, i64)>,
    pub active_alerts: i64,
    pub refused_sign_ins: i64,
}

/// The counts of a period: accounts created in it, appointments starting in
/// it by status, alerts active now, refused sign-ins in the hours it covers.
pub async fn counts(conn: &mut AnyConnection, from_ms: i64, to_ms: i64) -> DomainResult<Counts> {
    let accounts_created: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE created_at >= $1 AND created_at < $2")
            .bind(from_ms)
            .bind(to_ms)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM appointments WHERE starts_at >= $1 AND starts_at < $2 \
         GROUP BY status ORDER BY status",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let appointments = rows
        .iter()
        .map(|row| {
            Ok((
                row.try_get("status").map_err(db_error)?,
                row.try_get("n").map_err(db_error)?,
            ))
        })
        .collect::<DomainResult<Vec<(String, i64)>>>()?;
    let active_alerts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM vital_alerts WHERE cleared_at IS NULL")
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
    let refused_sign_ins: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(count), 0) FROM sign_in_failures WHERE hour >= $1 AND hour < $2",
    )
    .bind(from_ms.div_euclid(HOUR_MS) * HOUR_MS)
    .bind(to_ms)
    .fetch_one(conn)
    .await
    .map_err(db_error)?;
    Ok(Counts {
        accounts_created,
        appointments,
        active_alerts,
        refused_sign_ins,
    })
}
