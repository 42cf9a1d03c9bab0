//! Appointment reminders: the confirmed appointments due one, and writing it.

use jiff::Timestamp;
use sqlx::{AnyConnection, Row};

use super::{Outgoing, instant, write};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::messaging::{REMINDER_KIND, Reminder};
use crate::store::db_error;
use crate::store::recipients::recipient;

/// A confirmed appointment a reminder may be due for.
#[derive(Debug, Clone)]
pub struct Upcoming {
    pub appointment_id: i64,
    pub patient_id: UserId,
    pub doctor_name: String,
    pub starts_at: Timestamp,
}

/// Confirmed appointments starting in `(from, until]`.
pub async fn upcoming(
    conn: &mut AnyConnection,
    from: Timestamp,
    until: Timestamp,
) -> DomainResult<Vec<Upcoming>> {
    let rows = sqlx::query(
        "SELECT a.id, a.patient_id, a.starts_at, d.first_name, d.last_name FROM appointments a \
         JOIN users d ON d.id = a.doctor_id \
         WHERE a.status = 'confirmed' AND a.starts_at > $1 AND a.starts_at <= $2 ORDER BY a.starts_at",
    )
    .bind(from.as_millisecond())
    .bind(until.as_millisecond())
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let first: String = row.try_get("first_name").map_err(db_error)?;
            let last: String = row.try_get("last_name").map_err(db_error)?;
            Ok(Upcoming {
                appointment_id: row.try_get("id").map_err(db_error)?,
                patient_id: row.try_get("patient_id").map_err(db_error)?,
                doctor_name: format!("Dr {first} {last}"),
                starts_at: instant(row.try_get("starts_at").map_err(db_error)?)?,
            })
        })
        .collect()
}

/// Writes the reminder `seconds_before` the start of `a`, once (its key names
/// the appointment, the start and the offset: a moved appointment gets new
/// reminders, and the old ones are dropped when their time comes).
pub async fn remind(
    conn: &mut AnyConnection,
    a: &Upcoming,
    seconds_before: i64,
) -> DomainResult<usize> {
    let Some(to) = recipient(conn, a.patient_id).await? else {
        return Ok(0);
    };
    if !to.preferences.reminders {
        return Ok(0);
    }
    let reminder = Reminder {
        appointment_id: a.appointment_id,
        doctor_name: a.doctor_name.clone(),
        starts_at: a.starts_at,
        seconds_before,
    };
    let not_before =
        Timestamp::from_millisecond(a.starts_at.as_millisecond() - seconds_before * 1000)
            .map_err(DomainError::internal)?;
    let outgoing = Outgoing {
        kind: REMINDER_KIND,
        data: serde_json::to_string(&reminder).map_err(DomainError::internal)?,
        urgent: false,
        appointment: Some((a.appointment_id, a.starts_at)),
        key: format!(
            "reminder:{}:{}:{seconds_before}",
            a.appointment_id,
            a.starts_at.as_millisecond()
        ),
        not_before,
    };
    write(conn, &to, &outgoing).await
}
