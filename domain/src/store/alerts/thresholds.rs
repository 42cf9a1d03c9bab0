//! SQL for the per-patient thresholds a doctor sets.

use sqlx::{AnyConnection, Row};

use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::store::db_error;
use crate::vitals::Vital;
use crate::vitals::alerts::{AlertLevel, AlertRule, Direction};

/// The thresholds a doctor set for this patient.
pub async fn rules(conn: &mut AnyConnection, patient_id: UserId) -> DomainResult<Vec<AlertRule>> {
    let rows = sqlx::query(
        "SELECT vital, direction, level, threshold, inclusive, clear_at, for_seconds, consecutive \
         FROM alert_rules WHERE patient_id = $1",
    )
    .bind(patient_id)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            let text = |name: &str| -> DomainResult<String> { r.try_get(name).map_err(db_error) };
            let bad = || DomainError::internal("unreadable alert rule");
            Ok(AlertRule {
                vital: Vital::parse(&text("vital")?).ok_or_else(bad)?,
                direction: Direction::parse(&text("direction")?).ok_or_else(bad)?,
                level: AlertLevel::parse(&text("level")?).ok_or_else(bad)?,
                threshold: r.try_get("threshold").map_err(db_error)?,
                inclusive: r.try_get::<i64, _>("inclusive").map_err(db_error)? != 0,
                clear_at: r.try_get("clear_at").map_err(db_error)?,
                for_seconds: u32::try_from(r.try_get::<i64, _>("for_seconds").map_err(db_error)?)
                    .unwrap_or(0),
                consecutive: u32::try_from(r.try_get::<i64, _>("consecutive").map_err(db_error)?)
                    .unwrap_or(1),
            })
        })
        .collect()
}

/// Replaces the patient's own thresholds.
pub async fn replace_rules(
    conn: &mut AnyConnection,
    patient_id: UserId,
    rules: &[AlertRule],
    by: UserId,
    now_ms: i64,
) -> DomainResult<()> {
    sqlx::query("DELETE FROM alert_rules WHERE patient_id = $1")
        .bind(patient_id)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    for rule in rules {
        sqlx::query(
            "INSERT INTO alert_rules (patient_id, vital, direction, level, threshold, inclusive, clear_at, \
             for_seconds, consecutive, set_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(patient_id)
        .bind(rule.vital.as_str())
        .bind(rule.direction.as_str())
        .bind(rule.level.as_str())
        .bind(rule.threshold)
        .bind(i64::from(rule.inclusive))
        .bind(rule.clear_at)
        .bind(i64::from(rule.for_seconds))
        .bind(i64::from(rule.consecutive))
        .bind(by)
        .bind(now_ms)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}
