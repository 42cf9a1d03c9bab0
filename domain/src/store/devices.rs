//! SQL for the device registry.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, unique_violation_on};
use crate::accounts::UserId;
use crate::devices::{Device, DeviceKind, DeviceStatus, NewDevice, StatusReport};
use crate::error::{DomainError, DomainResult};

const COLUMNS: &str = "d.id, d.name, d.kind, d.mac, d.ip, d.patient_id, d.status, \
    d.last_seen_at, d.firmware, d.battery, d.signal, d.revoked_at, d.created_at, d.updated_at, \
    d.last_refusal_at, d.last_refusal, \
    p.first_name || ' ' || p.last_name AS patient_name";
const FROM: &str = "devices d JOIN users p ON p.id = d.patient_id";
const LIST_WHERE: &str = "WHERE ($1 = 0 OR d.patient_id = $1) \
    AND ($2 = 0 OR d.patient_id IN (SELECT patient_id FROM care_relationships \
        WHERE doctor_id = $2 AND ended_at IS NULL)) \
    AND ($3 = '' OR d.status = $3)";

/// What a device's credential is checked against.
pub struct DeviceKey {
    pub device_id: i64,
    pub patient_id: UserId,
    /// Its registered hardware address.
    pub mac: String,
    pub secret_hash: String,
    pub revoked: bool,
}

/// Which devices to list.
#[derive(Debug, Default, Clone)]
pub struct DeviceFilter {
    pub patient_id: Option<UserId>,
    /// Only devices of patients in this doctor's care (running relationships).
    pub cared_by: Option<UserId>,
    pub status: Option<DeviceStatus>,
}

fn conflict(err: sqlx::Error) -> DomainError {
    if unique_violation_on(&err, &["mac"]).is_some() {
        DomainError::Conflict {
            field: Some("adresse_mac"),
            code: "mac_address_taken",
            message: "a device with this MAC address is already registered".into(),
        }
    } else {
        db_error(err)
    }
}

/// Inserts a device; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    device: &NewDevice,
    secret_hash: &str,
    by: UserId,
    now_ms: i64,
) -> DomainResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO devices (name, kind, mac, ip, patient_id, status, firmware, secret_hash, \
         registered_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'inactif', $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(&device.name)
    .bind(device.kind.as_str())
    .bind(device.mac.to_string())
    .bind(device.ip.map(|ip| ip.to_string()))
    .bind(device.patient_id)
    .bind(&device.firmware)
    .bind(secret_hash)
    .bind(by)
    .bind(now_ms)
    .fetch_one(conn)
    .await
    .map_err(conflict)
}

/// Replaces a device's registration (not its status, nor its credential).
pub async fn replace(
    conn: &mut AnyConnection,
    id: i64,
    device: &NewDevice,
    now_ms: i64,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE devices SET name = $1, kind = $2, mac = $3, ip = $4, patient_id = $5, \
         firmware = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&device.name)
    .bind(device.kind.as_str())
    .bind(device.mac.to_string())
    .bind(device.ip.map(|ip| ip.to_string()))
    .bind(device.patient_id)
    .bind(&device.firmware)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map_err(conflict)?;
    Ok(())
}

/// Records a status report.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    report: &StatusReport,
    now_ms: i64,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE devices SET status = $1, battery = COALESCE($2, battery), \
         signal = COALESCE($3, signal), firmware = COALESCE($4, firmware), updated_at = $5 \
         WHERE id = $6",
    )
    .bind(report.status.as_str())
    .bind(report.battery.map(i64::from))
    .bind(report.signal.map(i64::from))
    .bind(&report.firmware)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Replaces the credential (re-key) and lifts a revocation.
pub async fn set_secret(
    conn: &mut AnyConnection,
    id: i64,
    secret_hash: &str,
    now_ms: i64,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE devices SET secret_hash = $1, revoked_at = NULL, updated_at = $2 WHERE id = $3",
    )
    .bind(secret_hash)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Revokes the credential.
pub async fn revoke(conn: &mut AnyConnection, id: i64, now_ms: i64) -> DomainResult<()> {
    sqlx::query(
        "UPDATE devices SET revoked_at = $1, status = 'inactif', updated_at = $1 \
         WHERE id = $2 AND revoked_at IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Marks devices as seen now (they sent readings), active unless in maintenance.
pub async fn seen(conn: &mut AnyConnection, ids: &[i64], now_ms: i64) -> DomainResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // Integers only: safe to write into the statement.
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE devices SET last_seen_at = $1, \
         status = CASE WHEN status = 'inactif' THEN 'actif' ELSE status END \
         WHERE id IN ({}) AND revoked_at IS NULL",
        list.join(",")
    )))
    .bind(now_ms)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Deletes a device (its readings stay: they are the patient's).
pub async fn delete(conn: &mut AnyConnection, id: i64) -> DomainResult<()> {
    sqlx::query("DELETE FROM devices WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// One device.
pub async fn find(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<Device>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(device).transpose()
}

/// The credential check of one device.
pub async fn key(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<DeviceKey>> {
    let row = sqlx::query(
        "SELECT id, patient_id, mac, secret_hash, revoked_at FROM devices WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.map(|row| {
        Ok(DeviceKey {
            device_id: row.try_get("id").map_err(db_error)?,
            patient_id: row.try_get("patient_id").map_err(db_error)?,
            mac: row.try_get("mac").map_err(db_error)?,
            secret_hash: row.try_get("secret_hash").map_err(db_error)?,
            revoked: row
                .try_get::<Option<i64>, _>("revoked_at")
                .map_err(db_error)?
                .is_some(),
        })
    })
    .transpose()
}

/// Records a refused message of device `id`: when, and why.
pub async fn refused(
    conn: &mut AnyConnection,
    id: i64,
    reason: &str,
    at_ms: i64,
) -> DomainResult<()> {
    sqlx::query("UPDATE devices SET last_refusal_at = $1, last_refusal = $2 WHERE id = $3")
        .bind(at_ms)
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Devices matching `filter`, a page of them, by id; and how many match.
pub async fn list(
    conn: &mut AnyConnection,
    filter: &DeviceFilter,
    limit: i64,
    offset: i64,
) -> DomainResult<(Vec<Device>, i64)> {
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {FROM} {LIST_WHERE}"
    )))
    .bind(filter.patient_id.unwrap_or(0))
    .bind(filter.cared_by.unwrap_or(0))
    .bind(filter.status.map(DeviceStatus::as_str).unwrap_or(""))
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} {LIST_WHERE} ORDER BY d.id LIMIT $4 OFFSET $5"
    )))
    .bind(filter.patient_id.unwrap_or(0))
    .bind(filter.cared_by.unwrap_or(0))
    .bind(filter.status.map(DeviceStatus::as_str).unwrap_or(""))
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    let devices = rows.iter().map(device).collect::<DomainResult<Vec<_>>>()?;
    Ok((devices, total))
}

fn device(row: &AnyRow) -> DomainResult<Device> {
    let ts = |name: &str| -> DomainResult<jiff::Timestamp> {
        let ms: i64 = row.try_get(name).map_err(db_error)?;
        jiff::Timestamp::from_millisecond(ms).map_err(DomainError::internal)
    };
    let opt_int = |name: &str| -> DomainResult<Option<i32>> {
        Ok(row
            .try_get::<Option<i64>, _>(name)
            .map_err(db_error)?
            .and_then(|v| i32::try_from(v).ok()))
    };
    let kind: String = row.try_get("kind").map_err(db_error)?;
    let status: String = row.try_get("status").map_err(db_error)?;
    Ok(Device {
        id: row.try_get("id").map_err(db_error)?,
        nom: row.try_get("name").map_err(db_error)?,
        type_dispositif: DeviceKind::parse(&kind)
            .ok_or_else(|| DomainError::internal("unknown device kind"))?,
        adresse_mac: row.try_get("mac").map_err(db_error)?,
        adresse_ip: row.try_get("ip").map_err(db_error)?,
        patient: row.try_get("patient_id").map_err(db_error)?,
        patient_name: row.try_get("patient_name").map_err(db_error)?,
        status: DeviceStatus::parse(&status)
            .ok_or_else(|| DomainError::internal("unknown device status"))?,
        derniere_connexion: row
            .try_get::<Option<i64>, _>("last_seen_at")
            .map_err(db_error)?
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()),
        version_firmware: row.try_get("firmware").map_err(db_error)?,
        niveau_batterie: opt_int("battery")?,
        qualite_signal: opt_int("signal")?,
        revoque: row
            .try_get::<Option<i64>, _>("revoked_at")
            .map_err(db_error)?
            .is_some(),
        date_creation: ts("created_at")?,
        date_modification: ts("updated_at")?,
        dernier_refus: row.try_get("last_refusal").map_err(db_error)?,
        dernier_refus_le: row
            .try_get::<Option<i64>, _>("last_refusal_at")
            .map_err(db_error)?
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()),
    })
}
