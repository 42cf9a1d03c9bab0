//! What the periodic watches look for: silent devices, low batteries, recharged ones.

use sqlx::{AnyConnection, Row};

use crate::accounts::UserId;
use crate::error::DomainResult;
use crate::store::db_error;

/// Active devices silent since before `before_ms`: (device id, patient id, name).
pub async fn silent_devices(
    conn: &mut AnyConnection,
    before_ms: i64,
) -> DomainResult<Vec<(i64, UserId, String)>> {
    let rows = sqlx::query(
        "SELECT id, patient_id, name FROM devices WHERE status = 'actif' AND revoked_at IS NULL \
         AND last_seen_at IS NOT NULL AND last_seen_at < $1",
    )
    .bind(before_ms)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id").map_err(db_error)?,
                r.try_get("patient_id").map_err(db_error)?,
                r.try_get("name").map_err(db_error)?,
            ))
        })
        .collect()
}

/// Active devices whose last reported battery is at most `percent`: id,
/// patient, name, battery.
pub async fn low_batteries(
    conn: &mut AnyConnection,
    percent: i32,
) -> DomainResult<Vec<(i64, UserId, String, i32)>> {
    let rows = sqlx::query(
        "SELECT id, patient_id, name, battery FROM devices WHERE status = 'actif' \
         AND revoked_at IS NULL AND battery IS NOT NULL AND battery <= $1",
    )
    .bind(percent)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id").map_err(db_error)?,
                r.try_get("patient_id").map_err(db_error)?,
                r.try_get("name").map_err(db_error)?,
                r.try_get::<i32, _>("battery").map_err(db_error)?,
            ))
        })
        .collect()
}

/// Active low-battery alerts whose device was recharged to at least
/// `percent`, revoked or removed: patient and condition.
pub async fn recharged(
    conn: &mut AnyConnection,
    percent: i32,
) -> DomainResult<Vec<(UserId, String)>> {
    let rows = sqlx::query(
        "SELECT a.patient_id, a.condition FROM vital_alerts a \
         LEFT JOIN devices d ON d.id = a.device_id \
         WHERE a.cleared_at IS NULL AND a.condition LIKE 'low_battery:%' \
         AND (d.id IS NULL OR d.revoked_at IS NOT NULL OR d.battery >= $1)",
    )
    .bind(percent)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("patient_id").map_err(db_error)?,
                r.try_get("condition").map_err(db_error)?,
            ))
        })
        .collect()
}
