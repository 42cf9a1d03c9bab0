//! SQL for user accounts.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms, rfc3339, unique_violation_on};
use crate::accounts::{Email, Role, User, UserId, Username};
use crate::error::{DomainError, DomainResult};

/// A user with their password hash, for signing in.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

/// Columns selected for a [`User`].
const USER_COLUMNS: &str = "id, username, email, first_name, last_name, role, created_at, \
    deactivated_at, timezone, language";

fn user_from_row(row: &AnyRow) -> DomainResult<User> {
    let deactivated_at: Option<i64> = row.try_get("deactivated_at").map_err(db_error)?;
    let role: String = row.try_get("role").map_err(db_error)?;
    Ok(User {
        id: row.try_get("id").map_err(db_error)?,
        username: row.try_get("username").map_err(db_error)?,
        email: row.try_get("email").map_err(db_error)?,
        first_name: row.try_get("first_name").map_err(db_error)?,
        last_name: row.try_get("last_name").map_err(db_error)?,
        role: Role::parse(&role)
            .map_err(|_| DomainError::internal(format!("stored role {role:?}")))?,
        active: deactivated_at.is_none(),
        created_at: rfc3339(row.try_get("created_at").map_err(db_error)?),
        timezone: row.try_get("timezone").map_err(db_error)?,
        language: row.try_get("language").map_err(db_error)?,
    })
}

fn email_taken(err: sqlx::Error) -> DomainError {
    match unique_violation_on(&err, &["email"]) {
        Some(_) => DomainError::Conflict {
            field: Some("email"),
            code: "email_taken",
            message: "an account with this email already exists".into(),
        },
        None => db_error(err),
    }
}

/// Writes an account's names, e-mail, language and time zone; returns the
/// account, or none if it does not exist. A taken e-mail is a conflict.
pub async fn update_settings(
    conn: &mut AnyConnection,
    id: UserId,
    changes: &crate::accounts::ValidChanges,
) -> DomainResult<Option<User>> {
    let sql = format!(
        "UPDATE users SET first_name = $2, last_name = $3, email = $4, language = $5, timezone = $6 \
         WHERE id = $1 RETURNING {USER_COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(changes.first_name.as_str())
        .bind(changes.last_name.as_str())
        .bind(changes.email.as_str())
        .bind(changes.language)
        .bind(changes.timezone.as_deref())
        .fetch_optional(conn)
        .await
        .map_err(email_taken)?;
    row.as_ref().map(user_from_row).transpose()
}

/// An account's password hash.
pub async fn password_hash(conn: &mut AnyConnection, id: UserId) -> DomainResult<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)
}

/// Replaces an account's password hash.
pub async fn set_password_hash(
    conn: &mut AnyConnection,
    id: UserId,
    hash: &str,
) -> DomainResult<bool> {
    let result = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(result.rows_affected() == 1)
}

/// Fields of a new account row.
pub struct NewUserRow<'a> {
    pub username: &'a Username,
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub role: Role,
}

/// Inserts an account; a taken username or e-mail is a conflict naming the field.
pub async fn insert(conn: &mut AnyConnection, new: NewUserRow<'_>) -> DomainResult<User> {
    let sql = format!(
        "INSERT INTO users (username, email, password_hash, first_name, last_name, role, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {USER_COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(new.username.as_str())
        .bind(new.email.as_str())
        .bind(new.password_hash)
        .bind(new.first_name)
        .bind(new.last_name)
        .bind(new.role.as_str())
        .bind(now_ms())
        .fetch_one(conn)
        .await
        .map_err(
            |err| match unique_violation_on(&err, &["username", "email"]) {
                Some(field) => DomainError::Conflict {
                    field: Some(field),
                    code: if field == "email" {
                        "email_taken"
                    } else {
                        "username_taken"
                    },
                    message: format!("an account with this {field} already exists"),
                },
                None => db_error(err),
            },
        )?;
    user_from_row(&row)
}

/// Looks up an account by username or, when `login` contains `@`, by e-mail.
pub async fn credentials_by_login(
    conn: &mut AnyConnection,
    login: &str,
) -> DomainResult<Option<Credentials>> {
    let column = if login.contains('@') {
        "email"
    } else {
        "username"
    };
    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE {column} = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(login.trim().to_lowercase())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.map(|row| {
        Ok(Credentials {
            user: user_from_row(&row)?,
            password_hash: row.try_get("password_hash").map_err(db_error)?,
        })
    })
    .transpose()
}

/// One account by id.
pub async fn by_id(conn: &mut AnyConnection, id: UserId) -> DomainResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(user_from_row).transpose()
}

/// Accounts, newest first, optionally of one role.
pub async fn list(
    conn: &mut AnyConnection,
    role: Option<Role>,
    limit: i64,
    offset: i64,
) -> DomainResult<Vec<User>> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE ($1 = '' OR role = $1) \
         ORDER BY id DESC LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(role.map(Role::as_str).unwrap_or(""))
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(user_from_row).collect()
}

/// Marks an account deactivated; returns false if it does not exist.
pub async fn deactivate(conn: &mut AnyConnection, id: UserId) -> DomainResult<bool> {
    let result =
        sqlx::query("UPDATE users SET deactivated_at = COALESCE(deactivated_at, $2) WHERE id = $1")
            .bind(id)
            .bind(now_ms())
            .execute(conn)
            .await
            .map_err(db_error)?;
    Ok(result.rows_affected() == 1)
}

/// Clears an account's deactivation; returns false if it does not exist.
pub async fn reactivate(conn: &mut AnyConnection, id: UserId) -> DomainResult<bool> {
    let result = sqlx::query("UPDATE users SET deactivated_at = NULL WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(result.rows_affected() == 1)
}

/// Number of accounts.
pub async fn count(conn: &mut AnyConnection) -> DomainResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// Full names of the given accounts.
pub async fn names(
    conn: &mut AnyConnection,
    ids: &[UserId],
) -> DomainResult<std::collections::HashMap<UserId, String>> {
    let mut out = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!("SELECT id, first_name, last_name FROM users WHERE id IN ({list})");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    for row in rows {
        let first: String = row.try_get("first_name").map_err(db_error)?;
        let last: String = row.try_get("last_name").map_err(db_error)?;
        out.insert(
            row.try_get("id").map_err(db_error)?,
            format!("{first} {last}"),
        );
    }
    Ok(out)
}
