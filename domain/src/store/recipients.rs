//! SQL for the people messages go to: their numbers, addresses, language,
//! time zone and preferences (channels, quiet hours), and the numbers that
//! answered STOP.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::accounts::{Role, UserId};
use crate::error::{DomainError, DomainResult};
use crate::messaging::{Preferences, QuietHours};

/// Who a message goes to, and how they want it.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub user_id: UserId,
    pub role: Role,
    pub active: bool,
    pub email: String,
    /// A patient's mobile, or a doctor's phone; E.164.
    pub phone: Option<String>,
    pub language: Option<String>,
    pub zone: Option<String>,
    pub preferences: Preferences,
}

fn flag(row: &AnyRow, name: &str, default: bool) -> DomainResult<bool> {
    let value: Option<i64> = row.try_get(name).map_err(db_error)?;
    Ok(value.map_or(default, |v| v != 0))
}

/// The recipient `user_id`, if the account exists.
pub async fn recipient(
    conn: &mut AnyConnection,
    user_id: UserId,
) -> DomainResult<Option<Recipient>> {
    let row = sqlx::query(
        "SELECT u.id, u.role, u.email, u.language, u.timezone, u.deactivated_at, \
                mp.mobile_phone, mp.time_zone AS profile_zone, dp.phone AS doctor_phone, \
                p.sms, p.whatsapp, p.email AS by_email, p.reminders, p.quiet_start, p.quiet_end \
         FROM users u \
         LEFT JOIN medical_profiles mp ON mp.patient_id = u.id \
         LEFT JOIN doctor_profiles dp ON dp.user_id = u.id \
         LEFT JOIN message_preferences p ON p.user_id = u.id \
         WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    let role: String = row.try_get("role").map_err(db_error)?;
    let defaults = Preferences::default();
    let deactivated: Option<i64> = row.try_get("deactivated_at").map_err(db_error)?;
    let mobile: Option<String> = row.try_get("mobile_phone").map_err(db_error)?;
    let doctor_phone: Option<String> = row.try_get("doctor_phone").map_err(db_error)?;
    let user_zone: Option<String> = row.try_get("timezone").map_err(db_error)?;
    let profile_zone: Option<String> = row.try_get("profile_zone").map_err(db_error)?;
    Ok(Some(Recipient {
        user_id,
        role: Role::parse(&role).map_err(|_| DomainError::internal("stored role"))?,
        active: deactivated.is_none(),
        email: row.try_get("email").map_err(db_error)?,
        // SMS and WhatsApp need a mobile: a doctor's profile phone is often
        // their office's fixed line.
        phone: mobile
            .or(doctor_phone)
            .filter(|p| crate::phones::is_mobile(p)),
        language: row.try_get("language").map_err(db_error)?,
        zone: user_zone.or(profile_zone).filter(|z| !z.is_empty()),
        preferences: Preferences {
            sms: flag(&row, "sms", defaults.sms)?,
            whatsapp: flag(&row, "whatsapp", defaults.whatsapp)?,
            email: flag(&row, "by_email", defaults.email)?,
            reminders: flag(&row, "reminders", defaults.reminders)?,
            quiet_hours: {
                let start: Option<String> = row.try_get("quiet_start").map_err(db_error)?;
                let end: Option<String> = row.try_get("quiet_end").map_err(db_error)?;
                start.zip(end).map(|(start, end)| QuietHours { start, end })
            },
        },
    }))
}

/// Saves a person's (checked) preferences.
pub async fn save_preferences(
    conn: &mut AnyConnection,
    user_id: UserId,
    p: &Preferences,
) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO message_preferences (user_id, sms, whatsapp, email, reminders, quiet_start, quiet_end, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (user_id) DO UPDATE SET sms = $2, whatsapp = $3, email = $4, reminders = $5, \
         quiet_start = $6, quiet_end = $7, updated_at = $8",
    )
    .bind(user_id)
    .bind(i64::from(p.sms))
    .bind(i64::from(p.whatsapp))
    .bind(i64::from(p.email))
    .bind(i64::from(p.reminders))
    .bind(p.quiet_hours.as_ref().map(|q| q.start.as_str()))
    .bind(p.quiet_hours.as_ref().map(|q| q.end.as_str()))
    .bind(now_ms())
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// Whether `phone` answered STOP.
pub async fn opted_out(conn: &mut AnyConnection, phone: &str) -> DomainResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM phone_opt_outs WHERE phone = $1")
        .bind(phone)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    Ok(found.is_some())
}

/// Records STOP (`out`) or START for `phone`.
pub async fn set_opt_out(conn: &mut AnyConnection, phone: &str, out: bool) -> DomainResult<()> {
    let sql = if out {
        "INSERT INTO phone_opt_outs (phone, created_at) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING"
    } else {
        "DELETE FROM phone_opt_outs WHERE phone = $1 AND $2 >= 0"
    };
    sqlx::query(sql)
        .bind(phone)
        .bind(now_ms())
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}
