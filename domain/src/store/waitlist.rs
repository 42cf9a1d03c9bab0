//! SQL for the waitlist.

use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms, unique_violation_on};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::ConsultationType;
use crate::scheduling::waitlist::WaitStatus;

/// A freed place held for a waiting patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A waitlist entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub id: i64,
    pub patient_id: UserId,
    pub doctor_id: UserId,
    /// Local day in the doctor's zone.
    pub day: Date,
    pub consultation_type: ConsultationType,
    pub status: WaitStatus,
    pub offer: Option<Offer>,
    pub appointment_id: Option<i64>,
}

const COLUMNS: &str = "id, patient_id, doctor_id, day, consultation_type, status, offer_starts_at, offer_ends_at, offer_expires_at, appointment_id";

fn from_row(row: &AnyRow) -> DomainResult<EntryRow> {
    let bad = || DomainError::internal("stored waitlist entry is invalid");
    let instant = |name: &str| -> DomainResult<Option<Timestamp>> {
        let ms: Option<i64> = row.try_get(name).map_err(db_error)?;
        ms.map(|ms| Timestamp::from_millisecond(ms).map_err(|_| bad()))
            .transpose()
    };
    let day: String = row.try_get("day").map_err(db_error)?;
    let kind: String = row.try_get("consultation_type").map_err(db_error)?;
    let status: String = row.try_get("status").map_err(db_error)?;
    let offer = match (
        instant("offer_starts_at")?,
        instant("offer_ends_at")?,
        instant("offer_expires_at")?,
    ) {
        (Some(starts_at), Some(ends_at), Some(expires_at)) => Some(Offer {
            starts_at,
            ends_at,
            expires_at,
        }),
        _ => None,
    };
    Ok(EntryRow {
        id: row.try_get("id").map_err(db_error)?,
        patient_id: row.try_get("patient_id").map_err(db_error)?,
        doctor_id: row.try_get("doctor_id").map_err(db_error)?,
        day: day.parse().map_err(|_| bad())?,
        consultation_type: ConsultationType::parse("consultation_type", &kind)
            .map_err(|_| bad())?,
        status: WaitStatus::parse(&status)?,
        offer,
        appointment_id: row.try_get("appointment_id").map_err(db_error)?,
    })
}

/// Adds a patient to a doctor's queue for a day; one active entry per patient,
/// doctor and day.
pub async fn insert(
    conn: &mut AnyConnection,
    patient_id: UserId,
    doctor_id: UserId,
    day: Date,
    kind: ConsultationType,
) -> DomainResult<i64> {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO waitlist_entries (patient_id, doctor_id, day, consultation_type, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'waiting', $5, $5) RETURNING id",
    )
    .bind(patient_id)
    .bind(doctor_id)
    .bind(day.to_string())
    .bind(kind.as_str())
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| {
        if unique_violation_on(&e, &["active", "day"]).is_some() {
            DomainError::Conflict {
                field: Some("date"),
                code: "already_waiting",
                message: "you are already on this doctor's waitlist for that day".into(),
            }
        } else {
            db_error(e)
        }
    })
}

/// One entry.
pub async fn get(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<EntryRow>> {
    let sql = format!("SELECT {COLUMNS} FROM waitlist_entries WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// A patient's entries for today and later days (`from`), newest first.
pub async fn of_patient(
    conn: &mut AnyConnection,
    patient_id: UserId,
    from: Date,
) -> DomainResult<Vec<EntryRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM waitlist_entries WHERE patient_id = $1 AND day >= $2 ORDER BY day, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(patient_id)
        .bind(from.to_string())
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// The queue of a doctor's day: waiting entries, first come first.
pub async fn waiting(
    conn: &mut AnyConnection,
    doctor_id: UserId,
    day: Date,
) -> DomainResult<Vec<EntryRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM waitlist_entries WHERE doctor_id = $1 AND day = $2 AND status = 'waiting' ORDER BY id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(doctor_id)
        .bind(day.to_string())
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// Offers that ran out at `now`.
pub async fn expired_offers(
    conn: &mut AnyConnection,
    now: Timestamp,
) -> DomainResult<Vec<EntryRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM waitlist_entries WHERE status = 'offered' AND offer_expires_at <= $1 ORDER BY offer_expires_at"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now.as_millisecond())
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// Holds a place for a waiting entry. False if it was no longer waiting.
pub async fn offer(conn: &mut AnyConnection, id: i64, offer: &Offer) -> DomainResult<bool> {
    sqlx::query(
        "UPDATE waitlist_entries SET status = 'offered', offer_starts_at = $2, offer_ends_at = $3, \
         offer_expires_at = $4, updated_at = $5 WHERE id = $1 AND status = 'waiting'",
    )
    .bind(id)
    .bind(offer.starts_at.as_millisecond())
    .bind(offer.ends_at.as_millisecond())
    .bind(offer.expires_at.as_millisecond())
    .bind(now_ms())
    .execute(conn)
    .await
    .map(|done| done.rows_affected() == 1)
    .map_err(db_error)
}

/// Moves an entry from `from` to `to` (with the appointment it became). False if
/// it was no longer in `from`.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: WaitStatus,
    to: WaitStatus,
    appointment_id: Option<i64>,
) -> DomainResult<bool> {
    sqlx::query(
        "UPDATE waitlist_entries SET status = $3, appointment_id = $4, updated_at = $5 \
         WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(appointment_id)
    .bind(now_ms())
    .execute(conn)
    .await
    .map(|done| done.rows_affected() == 1)
    .map_err(db_error)
}
