//! SQL for the registry of open WebSockets.

use sqlx::{AnyConnection, Row};

use super::db_error;
use crate::error::{DomainError, DomainResult};
use crate::sockets::LiveSocket;

/// Records an open socket.
pub async fn open(
    conn: &mut AnyConnection,
    socket: &LiveSocket,
    instance: &str,
) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO live_sockets (id, instance, kind, user_id, device_id, room, address, user_agent, \
         connected_at, last_activity) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&socket.id)
    .bind(instance)
    .bind(&socket.kind)
    .bind(socket.user_id)
    .bind(socket.device_id)
    .bind(&socket.room)
    .bind(&socket.address)
    .bind(&socket.user_agent)
    .bind(socket.connected_at.as_millisecond())
    .bind(socket.last_activity.as_millisecond())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Notes activity on a socket.
pub async fn touch(conn: &mut AnyConnection, id: &str, now_ms: i64) -> DomainResult<()> {
    sqlx::query("UPDATE live_sockets SET last_activity = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Forgets a closed socket.
pub async fn close(conn: &mut AnyConnection, id: &str) -> DomainResult<()> {
    sqlx::query("DELETE FROM live_sockets WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Sockets active since `since_ms` (0: all recorded), newest first.
pub async fn list(
    conn: &mut AnyConnection,
    since_ms: i64,
    limit: i64,
    offset: i64,
) -> DomainResult<(Vec<LiveSocket>, i64)> {
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM live_sockets WHERE last_activity >= $1")
            .bind(since_ms)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
    let rows = sqlx::query(
        "SELECT s.id, s.kind, s.user_id, s.device_id, s.room, s.address, s.user_agent, s.connected_at, \
         s.last_activity, u.first_name || ' ' || u.last_name AS user_name, d.name AS device_name \
         FROM live_sockets s LEFT JOIN users u ON u.id = s.user_id LEFT JOIN devices d ON d.id = s.device_id \
         WHERE s.last_activity >= $1 ORDER BY s.connected_at DESC, s.id LIMIT $2 OFFSET $3",
    )
    .bind(since_ms)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    let ts = |ms: i64| jiff::Timestamp::from_millisecond(ms).map_err(DomainError::internal);
    let sockets = rows
        .iter()
        .map(|r| {
            Ok(LiveSocket {
                id: r.try_get("id").map_err(db_error)?,
                kind: r.try_get("kind").map_err(db_error)?,
                user_id: r.try_get("user_id").map_err(db_error)?,
                user_name: r.try_get("user_name").map_err(db_error)?,
                device_id: r.try_get("device_id").map_err(db_error)?,
                device_name: r.try_get("device_name").map_err(db_error)?,
                room: r.try_get("room").map_err(db_error)?,
                address: r.try_get("address").map_err(db_error)?,
                user_agent: r.try_get("user_agent").map_err(db_error)?,
                connected_at: ts(r.try_get("connected_at").map_err(db_error)?)?,
                last_activity: ts(r.try_get("last_activity").map_err(db_error)?)?,
            })
        })
        .collect::<DomainResult<Vec<_>>>()?;
    Ok((sockets, total))
}

/// Removes rows untouched since `before_ms` (their instance died).
pub async fn purge(conn: &mut AnyConnection, before_ms: i64) -> DomainResult<u64> {
    Ok(
        sqlx::query("DELETE FROM live_sockets WHERE last_activity < $1")
            .bind(before_ms)
            .execute(conn)
            .await
            .map_err(db_error)?
            .rows_affected(),
    )
}
