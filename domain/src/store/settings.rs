//! SQL for the platform's settings: one stored document with its version,
//! and the history of changes.

use sqlx::{AnyConnection, Row};

use super::db_error;
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::settings::SettingChange;

/// The stored document and its version, if any was saved.
pub async fn load(conn: &mut AnyConnection) -> DomainResult<Option<(String, i64)>> {
    let row = sqlx::query("SELECT document, version FROM platform_settings WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.map(|r| {
        Ok((
            r.try_get("document").map_err(db_error)?,
            r.try_get("version").map_err(db_error)?,
        ))
    })
    .transpose()
}

/// Saves `document` as version `version + 1` if the stored version is still
/// `version` (0: none stored); a conflict otherwise (someone saved between).
pub async fn save(
    conn: &mut AnyConnection,
    document: &str,
    version: i64,
    actor: UserId,
    at: i64,
) -> DomainResult<i64> {
    let next = version + 1;
    let written = if version == 0 {
        sqlx::query(
            "INSERT INTO platform_settings (id, document, version, updated_at, updated_by) \
             VALUES (1, $1, 1, $2, $3) ON CONFLICT (id) DO NOTHING",
        )
        .bind(document)
        .bind(at)
        .bind(actor)
        .execute(&mut *conn)
        .await
    } else {
        sqlx::query(
            "UPDATE platform_settings SET document = $1, version = $2, updated_at = $3, updated_by = $4 \
             WHERE id = 1 AND version = $5",
        )
        .bind(document)
        .bind(next)
        .bind(at)
        .bind(actor)
        .bind(version)
        .execute(&mut *conn)
        .await
    }
    .map_err(db_error)?;
    if written.rows_affected() != 1 {
        return Err(DomainError::Conflict {
            field: None,
            code: "settings_changed",
            message: "the settings were changed meanwhile; read them again".into(),
        });
    }
    Ok(next)
}

/// Records one field's change.
pub async fn record_change(
    conn: &mut AnyConnection,
    version: i64,
    actor: UserId,
    at: i64,
    (field, before, after): &(String, String, String),
) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO platform_setting_changes (at, actor_id, version, field, old_value, new_value) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(at)
    .bind(actor)
    .bind(version)
    .bind(field)
    .bind(before)
    .bind(after)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// The latest `limit` changes, newest first, with their authors' names.
pub async fn history(conn: &mut AnyConnection, limit: i64) -> DomainResult<Vec<SettingChange>> {
    let rows = sqlx::query(
        "SELECT c.at, c.actor_id, u.first_name, u.last_name, c.field, c.old_value, c.new_value \
         FROM platform_setting_changes c LEFT JOIN users u ON u.id = c.actor_id \
         ORDER BY c.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            let first: Option<String> = r.try_get("first_name").map_err(db_error)?;
            let last: Option<String> = r.try_get("last_name").map_err(db_error)?;
            Ok(SettingChange {
                at: r.try_get("at").map_err(db_error)?,
                actor_id: r.try_get("actor_id").map_err(db_error)?,
                actor_name: first
                    .zip(last)
                    .map(|(f, l)| format!("{f} {l}").trim().to_owned()),
                field: r.try_get("field").map_err(db_error)?,
                before: r.try_get("old_value").map_err(db_error)?,
                after: r.try_get("new_value").map_err(db_error)?,
            })
        })
        .collect()
}
