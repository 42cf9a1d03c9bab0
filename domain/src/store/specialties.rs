//! SQL for medical specialties and doctors' attachment to them.

use sqlx::{AnyConnection, Row};

use super::{db_error, unique_violation_on};
use crate::accounts::{Specialty, UserId};
use crate::error::{DomainError, DomainResult};

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
    rows.iter().map(specialty_row).collect()
}

fn specialty_row(row: &sqlx::any::AnyRow) -> DomainResult<Specialty> {
    Ok(Specialty {
        id: row.try_get("id").map_err(db_error)?,
        code: row.try_get("code").map_err(db_error)?,
        name_fr: row.try_get("name_fr").map_err(db_error)?,
        name_en: row.try_get("name_en").map_err(db_error)?,
    })
}

/// One specialty.
pub async fn get(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<Specialty>> {
    let row = sqlx::query("SELECT id, code, name_fr, name_en FROM specialties WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(specialty_row).transpose()
}

/// Inserts a specialty; a taken code is a conflict on `code`.
pub async fn insert(
    conn: &mut AnyConnection,
    code: &str,
    name_fr: &str,
    name_en: &str,
) -> DomainResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO specialties (code, name_fr, name_en) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(code)
    .bind(name_fr)
    .bind(name_en)
    .fetch_one(conn)
    .await
    .map_err(code_taken)
}

/// Renames a specialty (code included); false when it does not exist.
pub async fn update(conn: &mut AnyConnection, specialty: &Specialty) -> DomainResult<bool> {
    sqlx::query("UPDATE specialties SET code = $2, name_fr = $3, name_en = $4 WHERE id = $1")
        .bind(specialty.id)
        .bind(&specialty.code)
        .bind(&specialty.name_fr)
        .bind(&specialty.name_en)
        .execute(conn)
        .await
        .map(|done| done.rows_affected() == 1)
        .map_err(code_taken)
}

/// Number of doctors attached to a specialty.
pub async fn doctors_in(conn: &mut AnyConnection, id: i64) -> DomainResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM doctor_profiles WHERE specialty_id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// Deletes a specialty no doctor uses.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> DomainResult<()> {
    sqlx::query("DELETE FROM specialties WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

fn code_taken(e: sqlx::Error) -> DomainError {
    if unique_violation_on(&e, &["code"]).is_some() {
        DomainError::Conflict {
            field: Some("code"),
            code: "code_taken",
            message: "a specialty already has this code".into(),
        }
    } else {
        db_error(e)
    }
}
