//! SQL for sign-in sessions and their rotating refresh tokens.

use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::accounts::{Role, UserId};
use crate::error::{DomainError, DomainResult};

/// The account behind a live session.
pub struct SessionOwner {
    pub user_id: UserId,
    pub role: Role,
}

/// Opens a session for `user_id`.
pub async fn open(conn: &mut AnyConnection, session_id: &str, user_id: UserId) -> DomainResult<()> {
    sqlx::query("INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(session_id)
        .bind(user_id)
        .bind(now_ms())
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Records a refresh token issued in a session.
pub async fn add_refresh_token(
    conn: &mut AnyConnection,
    jti: &str,
    session_id: &str,
    expires_at_ms: i64,
) -> DomainResult<()> {
    sqlx::query("INSERT INTO refresh_tokens (jti, session_id, expires_at) VALUES ($1, $2, $3)")
        .bind(jti)
        .bind(session_id)
        .bind(expires_at_ms)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Marks a refresh token used, if it was not already. True when this call did it:
/// of two concurrent uses, exactly one wins.
pub async fn consume_refresh_token(
    conn: &mut AnyConnection,
    jti: &str,
    session_id: &str,
) -> DomainResult<bool> {
    let result = sqlx::query(
        "UPDATE refresh_tokens SET used_at = $3 WHERE jti = $1 AND session_id = $2 AND used_at IS NULL",
    )
    .bind(jti)
    .bind(session_id)
    .bind(now_ms())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(result.rows_affected() == 1)
}

/// When a refresh token was used, if it exists.
pub async fn refresh_token_used_at(
    conn: &mut AnyConnection,
    jti: &str,
) -> DomainResult<Option<Option<i64>>> {
    let row = sqlx::query("SELECT used_at FROM refresh_tokens WHERE jti = $1")
        .bind(jti)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.map(|row| row.try_get::<Option<i64>, _>("used_at").map_err(db_error))
        .transpose()
}

/// Revokes a session (sign-out, or a stolen refresh token detected).
pub async fn revoke(conn: &mut AnyConnection, session_id: &str) -> DomainResult<Option<UserId>> {
    sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING user_id",
    )
    .bind(session_id)
    .bind(now_ms())
    .fetch_optional(conn)
    .await
    .map_err(db_error)
}

/// Revokes every session of a user (deactivation).
pub async fn revoke_all_of(conn: &mut AnyConnection, user_id: UserId) -> DomainResult<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user_id)
        .bind(now_ms())
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// The owner of a session if the session is live and the account active.
pub async fn live_owner(
    conn: &mut AnyConnection,
    session_id: &str,
) -> DomainResult<Option<SessionOwner>> {
    let row = sqlx::query(
        "SELECT u.id, u.role FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id = $1 AND s.revoked_at IS NULL AND u.deactivated_at IS NULL",
    )
    .bind(session_id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.map(|row| {
        let role: String = row.try_get("role").map_err(db_error)?;
        Ok(SessionOwner {
            user_id: row.try_get("id").map_err(db_error)?,
            role: Role::parse(&role).map_err(|_| DomainError::internal("stored role"))?,
        })
    })
    .transpose()
}

/// Deletes refresh tokens that expired before `before_ms`; returns how many.
pub async fn purge_expired(conn: &mut AnyConnection, before_ms: i64) -> DomainResult<u64> {
    sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1")
        .bind(before_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
        .map_err(db_error)
}

/// Revokes every session of a user but `keep` (a password changed from it).
pub async fn revoke_others_of(
    conn: &mut AnyConnection,
    user_id: UserId,
    keep: &str,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(keep)
    .bind(now_ms())
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}
