//! SQL for in-app notifications.

use jiff::Timestamp;
use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::notifications::{Notice, Notification};

/// Stores a notification for `user_id`, and in the same transaction the
/// SMS, WhatsApp messages and e-mails it calls for (their outbox).
pub async fn push(conn: &mut AnyConnection, user_id: UserId, notice: &Notice) -> DomainResult<()> {
    let data = serde_json::to_string(notice).map_err(DomainError::internal)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notifications (user_id, kind, data, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(notice.kind())
    .bind(data)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    super::messaging::for_notice(conn, user_id, id, notice)
        .await
        .map(drop)
}

/// A user's latest notifications, newest first.
pub async fn of_user(
    conn: &mut AnyConnection,
    user_id: UserId,
    limit: i64,
) -> DomainResult<Vec<Notification>> {
    let rows = sqlx::query(
        "SELECT id, data, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let data: String = row.try_get("data").map_err(db_error)?;
            let read_at: Option<i64> = row.try_get("read_at").map_err(db_error)?;
            Ok(Notification {
                id: row.try_get("id").map_err(db_error)?,
                notice: serde_json::from_str(&data).map_err(DomainError::internal)?,
                created_at: Timestamp::from_millisecond(
                    row.try_get("created_at").map_err(db_error)?,
                )
                .map_err(DomainError::internal)?,
                read: read_at.is_some(),
            })
        })
        .collect()
}

/// Number of unread notifications.
pub async fn unread(conn: &mut AnyConnection, user_id: UserId) -> DomainResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id)
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// Marks a user's notifications read: one (`Some(id)`) or all.
pub async fn mark_read(
    conn: &mut AnyConnection,
    user_id: UserId,
    id: Option<i64>,
) -> DomainResult<u64> {
    sqlx::query(
        "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND ($2 = 0 OR id = $2) AND read_at IS NULL",
    )
    .bind(user_id)
    .bind(id.unwrap_or(0))
    .bind(now_ms())
    .execute(conn)
    .await
    .map(|done| done.rows_affected())
    .map_err(db_error)
}
