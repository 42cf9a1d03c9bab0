//! SQL for medical specialties and doctors' attachment to them.

use sqlx::{AnyConnection, Row};

use super::db_error;
use crate::accounts::{Specialty, UserId};
use crate::error::DomainResult;

/// The id of the specialty with this code.
pub async fn id_by_code(conn: &mut AnyConnection, code: &str) -> DomainResult<Option<i64>> {
    let row = sqlx::query("SELECT id FROM specialties WHERE code = $1")
        .bind(code)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.map(|row| row.try_get("id").map_err(db_error))
        .transpose()
}

/// Inserts a specialty if its code is new; returns its id either way.
pub async fn ensure(
    conn: &mut AnyConnection,
    code: &str,
    name_fr: &str,
    name_en: &str,
) -> DomainResult<i64> {
    if let Some(id) = id_by_code(&mut *conn, code).await? {
        return Ok(id);
    }
    sqlx::query_scalar(
        "INSERT INTO specialties (code, name_fr, name_en) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(code)
    .bind(name_fr)
    .bind(name_en)
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

/// Attaches a doctor to a specialty (creating their profile row).
pub async fn set_doctor_specialty(
    conn: &mut AnyConnection,
    doctor: UserId,
    specialty_id: Option<i64>,
) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO doctor_profiles (user_id, specialty_id) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET specialty_id = excluded.specialty_id",
    )
    .bind(doctor)
    .bind(specialty_id)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// Every specialty, by French name.
pub async fn list(conn: &mut AnyConnection) -> DomainResult<Vec<Specialty>> {
    let rows = sqlx::query("SELECT id, code, name_fr, name_en FROM specialties ORDER BY name_fr")
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(Specialty {
                id: row.try_get("id").map_err(db_error)?,
                code: row.try_get("code").map_err(db_error)?,
                name_fr: row.try_get("name_fr").map_err(db_error)?,
                name_en: row.try_get("name_en").map_err(db_error)?,
            })
        })
        .collect()
}

/// An active doctor as the directory lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorListing {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// Specialty code and names, if set.
    pub specialty: Option<Specialty>,
}

/// Active doctors, by last name, optionally of one specialty (code) and whose
/// name contains `name` (case-insensitive).
pub async fn doctors(
    conn: &mut AnyConnection,
    specialty: Option<&str>,
    name: Option<&str>,
) -> DomainResult<Vec<DoctorListing>> {
    let pattern = name
        .map(|n| format!("%{}%", n.trim().to_lowercase()))
        .unwrap_or_default();
    let rows = sqlx::query(
        "SELECT u.id, u.first_name, u.last_name, u.email, s.id AS specialty_id, s.code, s.name_fr, s.name_en \
         FROM users u JOIN doctor_profiles p ON p.user_id = u.id LEFT JOIN specialties s ON s.id = p.specialty_id \
         WHERE u.role = 'doctor' AND u.deactivated_at IS NULL AND ($1 = '' OR s.code = $1) \
         AND ($2 = '' OR LOWER(u.first_name || ' ' || u.last_name) LIKE $2) \
         ORDER BY u.last_name, u.first_name, u.id",
    )
    .bind(specialty.unwrap_or(""))
    .bind(pattern)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let specialty_id: Option<i64> = row.try_get("specialty_id").map_err(db_error)?;
            let specialty = match specialty_id {
                Some(id) => Some(Specialty {
                    id,
                    code: row.try_get("code").map_err(db_error)?,
                    name_fr: row.try_get("name_fr").map_err(db_error)?,
                    name_en: row.try_get("name_en").map_err(db_error)?,
                }),
                None => None,
            };
            Ok(DoctorListing {
                id: row.try_get("id").map_err(db_error)?,
                first_name: row.try_get("first_name").map_err(db_error)?,
                last_name: row.try_get("last_name").map_err(db_error)?,
                email: row.try_get("email").map_err(db_error)?,
                specialty,
            })
        })
        .collect()
}
