//! SQL for vital-sign alerts and per-patient thresholds.

mod thresholds;
mod watch;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::db_error;
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::vitals::alerts::{AlertLevel, VitalAlert};

pub use thresholds::{replace_rules, rules};
pub use watch::{low_batteries, recharged, silent_devices};

const COLUMNS: &str = "a.id, a.patient_id, a.device_id, a.condition, a.level, a.title, a.message, \
    a.first_value, a.peak_value, a.last_value, a.count, a.raised_at, a.updated_at, a.cleared_at, \
    a.acknowledged_at, a.acknowledged_by, a.escalated_at, \
    p.first_name || ' ' || p.last_name AS patient_name, d.name AS device_name";
const FROM: &str = "vital_alerts a JOIN users p ON p.id = a.patient_id \
    LEFT JOIN devices d ON d.id = a.device_id";

/// The active alert of a condition: (id, level, peak value).
pub async fn active(
    conn: &mut AnyConnection,
    patient_id: UserId,
    condition: &str,
) -> DomainResult<Option<(i64, AlertLevel, Option<f64>)>> {
    let row = sqlx::query(
        "SELECT id, level, peak_value FROM vital_alerts \
         WHERE patient_id = $1 AND condition = $2 AND cleared_at IS NULL",
    )
    .bind(patient_id)
    .bind(condition)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.map(|row| {
        let level: String = row.try_get("level").map_err(db_error)?;
        Ok((
            row.try_get("id").map_err(db_error)?,
            AlertLevel::parse(&level).unwrap_or(AlertLevel::Warning),
            row.try_get("peak_value").map_err(db_error)?,
        ))
    })
    .transpose()
}

/// A new alert to raise.
pub struct NewAlert<'a> {
    pub patient_id: UserId,
    pub device_id: Option<i64>,
    pub condition: &'a str,
    pub level: AlertLevel,
    pub title: &'a str,
    pub message: &'a str,
    pub value: Option<f64>,
}

/// Raises an alert; `None` if another writer raised the same condition first.
pub async fn raise(
    conn: &mut AnyConnection,
    new: &NewAlert<'_>,
    now_ms: i64,
) -> DomainResult<Option<i64>> {
    let inserted = sqlx::query_scalar(
        "INSERT INTO vital_alerts (patient_id, device_id, condition, level, title, message, \
         first_value, peak_value, last_value, count, raised_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7, 1, $8, $8) \
         ON CONFLICT (patient_id, condition) WHERE cleared_at IS NULL DO NOTHING RETURNING id",
    )
    .bind(new.patient_id)
    .bind(new.device_id)
    .bind(new.condition)
    .bind(new.level.as_str())
    .bind(new.title)
    .bind(new.message)
    .bind(new.value)
    .bind(now_ms)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    Ok(inserted)
}

/// Repeats of an active alert: `times` more breaching readings.
#[allow(clippy::too_many_arguments)]
pub async fn repeat(
    conn: &mut AnyConnection,
    id: i64,
    level: AlertLevel,
    value: f64,
    peak: f64,
    title: &str,
    now_ms: i64,
    times: i64,
) -> DomainResult<()> {
    // Repeats evaluated concurrently must not lower the level another one
    // raised: the level (and its title) only ever rises, in the statement.
    const RISES: &str = "(CASE $1 WHEN 'info' THEN 0 WHEN 'warning' THEN 1 WHEN 'critical' THEN 2 ELSE 3 END) \
        > (CASE level WHEN 'info' THEN 0 WHEN 'warning' THEN 1 WHEN 'critical' THEN 2 ELSE 3 END)";
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE vital_alerts SET level = CASE WHEN {RISES} THEN $1 ELSE level END, \
         title = CASE WHEN {RISES} THEN $4 ELSE title END, last_value = $2, peak_value = $3, \
         count = count + $7, updated_at = $5 WHERE id = $6"
    )))
    .bind(level.as_str())
    .bind(value)
    .bind(peak)
    .bind(title)
    .bind(now_ms)
    .bind(id)
    .bind(times)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Clears an active alert; false if it was not active.
pub async fn clear(
    conn: &mut AnyConnection,
    id: i64,
    value: Option<f64>,
    now_ms: i64,
) -> DomainResult<bool> {
    let done = sqlx::query(
        "UPDATE vital_alerts SET cleared_at = $1, updated_at = $1, last_value = COALESCE($2, last_value) \
         WHERE id = $3 AND cleared_at IS NULL",
    )
    .bind(now_ms)
    .bind(value)
    .bind(id)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// Acknowledges an alert; false if it already was.
pub async fn acknowledge(
    conn: &mut AnyConnection,
    id: i64,
    by: UserId,
    now_ms: i64,
) -> DomainResult<bool> {
    let done = sqlx::query(
        "UPDATE vital_alerts SET acknowledged_at = $1, acknowledged_by = $2, updated_at = $1 \
         WHERE id = $3 AND acknowledged_at IS NULL",
    )
    .bind(now_ms)
    .bind(by)
    .bind(id)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// Marks an alert escalated; false if another instance did it first.
pub async fn mark_escalated(conn: &mut AnyConnection, id: i64, now_ms: i64) -> DomainResult<bool> {
    let done = sqlx::query(
        "UPDATE vital_alerts SET escalated_at = $1, updated_at = $1 WHERE id = $2 AND escalated_at IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// How many alerts of a patient are active, and the most urgent level.
pub async fn open_summary(
    conn: &mut AnyConnection,
    patient_id: UserId,
) -> DomainResult<(i64, Option<AlertLevel>)> {
    let rows =
        sqlx::query("SELECT level FROM vital_alerts WHERE patient_id = $1 AND cleared_at IS NULL")
            .bind(patient_id)
            .fetch_all(conn)
            .await
            .map_err(db_error)?;
    let mut worst: Option<AlertLevel> = None;
    for row in &rows {
        let level: String = row.try_get("level").map_err(db_error)?;
        if let Some(level) = AlertLevel::parse(&level)
            && worst.is_none_or(|w| level.rank() > w.rank())
        {
            worst = Some(level);
        }
    }
    Ok((rows.len() as i64, worst))
}

/// One alert.
pub async fn find(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<VitalAlert>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE a.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(alert).transpose()
}

/// Which alerts to list.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub patient_id: Option<UserId>,
    /// Only patients in this doctor's care.
    pub cared_by: Option<UserId>,
    pub only_active: bool,
    /// Only this level and above.
    pub min_level: Option<AlertLevel>,
}

const LIST_WHERE: &str = "WHERE ($1 = 0 OR a.patient_id = $1) \
    AND ($2 = 0 OR a.patient_id IN (SELECT patient_id FROM care_relationships \
        WHERE doctor_id = $2 AND ended_at IS NULL)) \
    AND ($3 = 0 OR a.cleared_at IS NULL) \
    AND ($4 = 0 OR a.level IN ('critical', 'emergency'))";

/// A page of alerts, newest first, and how many match.
pub async fn list(
    conn: &mut AnyConnection,
    filter: &AlertFilter,
    limit: i64,
    offset: i64,
) -> DomainResult<(Vec<VitalAlert>, i64)> {
    let critical = i64::from(
        filter
            .min_level
            .is_some_and(|l| l.rank() >= AlertLevel::Critical.rank()),
    );
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {FROM} {LIST_WHERE}"
    )))
    .bind(filter.patient_id.unwrap_or(0))
    .bind(filter.cared_by.unwrap_or(0))
    .bind(i64::from(filter.only_active))
    .bind(critical)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} {LIST_WHERE} ORDER BY a.raised_at DESC, a.id DESC LIMIT $5 OFFSET $6"
    )))
    .bind(filter.patient_id.unwrap_or(0))
    .bind(filter.cared_by.unwrap_or(0))
    .bind(i64::from(filter.only_active))
    .bind(critical)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    Ok((rows.iter().map(alert).collect::<DomainResult<_>>()?, total))
}

/// Active critical or emergency alerts raised before `before_ms`, neither
/// acknowledged nor escalated yet.
pub async fn due_for_escalation(
    conn: &mut AnyConnection,
    before_ms: i64,
) -> DomainResult<Vec<VitalAlert>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE a.cleared_at IS NULL AND a.acknowledged_at IS NULL \
         AND a.escalated_at IS NULL AND a.level IN ('critical', 'emergency') AND a.raised_at < $1 \
         ORDER BY a.raised_at LIMIT 500"
    )))
    .bind(before_ms)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(alert).collect()
}

fn alert(row: &AnyRow) -> DomainResult<VitalAlert> {
    let ts = |name: &str| -> DomainResult<Option<jiff::Timestamp>> {
        Ok(row
            .try_get::<Option<i64>, _>(name)
            .map_err(db_error)?
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()))
    };
    let level: String = row.try_get("level").map_err(db_error)?;
    let raised = ts("raised_at")?.ok_or_else(|| DomainError::internal("alert without a time"))?;
    let acknowledged = ts("acknowledged_at")?;
    Ok(VitalAlert {
        id: row.try_get("id").map_err(db_error)?,
        patient: row.try_get("patient_id").map_err(db_error)?,
        patient_name: row.try_get("patient_name").map_err(db_error)?,
        dispositif: row.try_get("device_id").map_err(db_error)?,
        device_name: row.try_get("device_name").map_err(db_error)?,
        condition: row.try_get("condition").map_err(db_error)?,
        niveau: AlertLevel::parse(&level)
            .ok_or_else(|| DomainError::internal("unknown alert level"))?,
        titre: row.try_get("title").map_err(db_error)?,
        message: row.try_get("message").map_err(db_error)?,
        first_value: row.try_get("first_value").map_err(db_error)?,
        peak_value: row.try_get("peak_value").map_err(db_error)?,
        last_value: row.try_get("last_value").map_err(db_error)?,
        count: row.try_get("count").map_err(db_error)?,
        date_creation: raised,
        updated_at: ts("updated_at")?.unwrap_or(raised),
        cleared_at: ts("cleared_at")?,
        acquittee: acknowledged.is_some(),
        acquittee_par: row.try_get("acknowledged_by").map_err(db_error)?,
        date_acquittement: acknowledged,
        escalated_at: ts("escalated_at")?,
    })
}
