//! SQL for wards, their patients and staff.

use sqlx::{AnyConnection, Row};

use super::{db_error, unique_violation_on};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::wards::{Member, Ward};

fn conflict(err: sqlx::Error) -> DomainError {
    if unique_violation_on(&err, &["name"]).is_some() {
        DomainError::Conflict {
            field: Some("name"),
            code: "ward_name_taken",
            message: "a ward already has this name".into(),
        }
    } else {
        db_error(err)
    }
}

/// Creates a ward; returns its id.
pub async fn insert(conn: &mut AnyConnection, name: &str, now_ms: i64) -> DomainResult<i64> {
    sqlx::query_scalar("INSERT INTO wards (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(now_ms)
        .fetch_one(conn)
        .await
        .map_err(conflict)
}

/// Renames a ward and replaces its members; false if it does not exist.
pub async fn replace(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
    patients: &[UserId],
    staff: &[UserId],
) -> DomainResult<bool> {
    let found = sqlx::query("UPDATE wards SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(conflict)?
        .rows_affected();
    if found == 0 {
        return Ok(false);
    }
    for table in ["ward_patients", "ward_staff"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE ward_id = $1"
        )))
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    for patient in patients {
        sqlx::query("INSERT INTO ward_patients (ward_id, patient_id) VALUES ($1, $2)")
            .bind(id)
            .bind(patient)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    for user in staff {
        sqlx::query("INSERT INTO ward_staff (ward_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(user)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    Ok(true)
}

/// Deletes a ward; false if it did not exist.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> DomainResult<bool> {
    Ok(sqlx::query("DELETE FROM wards WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?
        .rows_affected()
        == 1)
}

async fn members(
    conn: &mut AnyConnection,
    table: &str,
    column: &str,
    ward: i64,
) -> DomainResult<Vec<Member>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT u.id, u.first_name || ' ' || u.last_name AS name FROM {table} m \
         JOIN users u ON u.id = m.{column} WHERE m.ward_id = $1 ORDER BY u.last_name, u.first_name, u.id"
    )))
    .bind(ward)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok(Member {
                id: r.try_get("id").map_err(db_error)?,
                name: r.try_get("name").map_err(db_error)?,
            })
        })
        .collect()
}

/// Wards by name; only those `staff_of` works in, when given.
pub async fn list(conn: &mut AnyConnection, staff_of: Option<UserId>) -> DomainResult<Vec<Ward>> {
    let rows = sqlx::query(
        "SELECT id, name FROM wards WHERE $1 = 0 OR id IN (SELECT ward_id FROM ward_staff WHERE user_id = $1) \
         ORDER BY name",
    )
    .bind(staff_of.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut wards = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("id").map_err(db_error)?;
        wards.push(Ward {
            id,
            name: row.try_get("name").map_err(db_error)?,
            patients: members(conn, "ward_patients", "patient_id", id).await?,
            staff: members(conn, "ward_staff", "user_id", id).await?,
        });
    }
    Ok(wards)
}

/// One ward.
pub async fn find(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<Ward>> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM wards WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    let Some(name) = name else { return Ok(None) };
    Ok(Some(Ward {
        id,
        name,
        patients: members(conn, "ward_patients", "patient_id", id).await?,
        staff: members(conn, "ward_staff", "user_id", id).await?,
    }))
}
