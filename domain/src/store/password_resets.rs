//! SQL for one-time password reset links (only a hash of each token is kept).

use sqlx::AnyConnection;

use super::{db_error, now_ms};
use crate::accounts::UserId;
use crate::error::DomainResult;

/// Stores a link for `user_id`, valid until `expires_ms`; earlier unused
/// links of the same account stop working.
pub async fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: UserId,
    created_by: UserId,
    expires_ms: i64,
) -> DomainResult<()> {
    let now = now_ms();
    sqlx::query("UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(created_by)
    .bind(now)
    .bind(expires_ms)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// Uses a link: the account it resets, if the link exists, is unused and has
/// not expired at `now_ms`. A link works once.
pub async fn consume(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
) -> DomainResult<Option<UserId>> {
    sqlx::query_scalar(
        "UPDATE password_resets SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
    )
    .bind(token_hash)
    .bind(now_ms)
    .fetch_optional(conn)
    .await
    .map_err(db_error)
}
