//! SQL for private calendar feed tokens.

use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::accounts::UserId;
use crate::error::DomainResult;

/// A user's feed token, if they have one.
pub async fn token_of(conn: &mut AnyConnection, user_id: UserId) -> DomainResult<Option<String>> {
    let row = sqlx::query("SELECT token FROM calendar_feeds WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.map(|r| r.try_get("token").map_err(db_error))
        .transpose()
}

/// The owner of an active, not deactivated account holding this token.
pub async fn owner(conn: &mut AnyConnection, token: &str) -> DomainResult<Option<UserId>> {
    let row = sqlx::query(
        "SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id \
         WHERE f.token = $1 AND u.deactivated_at IS NULL",
    )
    .bind(token)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.map(|r| r.try_get("user_id").map_err(db_error))
        .transpose()
}

/// Gives a user a new token (the old one stops working).
pub async fn replace(conn: &mut AnyConnection, user_id: UserId, token: &str) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO calendar_feeds (user_id, token, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(token)
    .bind(now_ms())
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// Revokes a user's feed.
pub async fn revoke(conn: &mut AnyConnection, user_id: UserId) -> DomainResult<bool> {
    sqlx::query("DELETE FROM calendar_feeds WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected() > 0)
        .map_err(db_error)
}

/// The person's feed version: bumped (by triggers) in every transaction that
/// changes what their feed is computed from; 0 before any such change.
pub async fn version(conn: &mut AnyConnection, user_id: UserId) -> DomainResult<i64> {
    let version: Option<i64> =
        sqlx::query_scalar("SELECT version FROM feed_versions WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await
            .map_err(db_error)?;
    Ok(version.unwrap_or(0))
}
