//! SQL for chat rooms, their messages and read marks.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::db_error;
use crate::accounts::UserId;
use crate::chat::{ChatMessage, ChatRoom};
use crate::error::{DomainError, DomainResult};

/// A room's members and marks, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRow {
    pub id: i64,
    pub patient_id: UserId,
    pub doctor_id: UserId,
    pub patient_read_up_to: i64,
    pub doctor_read_up_to: i64,
    pub patient_seen_at: Option<i64>,
    pub doctor_seen_at: Option<i64>,
}

impl RoomRow {
    /// Whether `user` is one of the two members.
    pub fn has(&self, user: UserId) -> bool {
        user == self.patient_id || user == self.doctor_id
    }

    /// The other member.
    pub fn other(&self, user: UserId) -> UserId {
        if user == self.patient_id {
            self.doctor_id
        } else {
            self.patient_id
        }
    }
}

const ROOM_COLUMNS: &str = "id, patient_id, doctor_id, patient_read_up_to, doctor_read_up_to, \
                            patient_seen_at, doctor_seen_at";

fn room_row(row: &AnyRow) -> DomainResult<RoomRow> {
    Ok(RoomRow {
        id: row.try_get("id").map_err(db_error)?,
        patient_id: row.try_get("patient_id").map_err(db_error)?,
        doctor_id: row.try_get("doctor_id").map_err(db_error)?,
        patient_read_up_to: row.try_get("patient_read_up_to").map_err(db_error)?,
        doctor_read_up_to: row.try_get("doctor_read_up_to").map_err(db_error)?,
        patient_seen_at: row.try_get("patient_seen_at").map_err(db_error)?,
        doctor_seen_at: row.try_get("doctor_seen_at").map_err(db_error)?,
    })
}

/// Makes sure a room joins `patient_id` and `doctor_id`.
pub async fn ensure(
    conn: &mut AnyConnection,
    patient_id: UserId,
    doctor_id: UserId,
    now_ms: i64,
) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO chat_rooms (patient_id, doctor_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (patient_id, doctor_id) DO NOTHING",
    )
    .bind(patient_id)
    .bind(doctor_id)
    .bind(now_ms)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// One room.
pub async fn room(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<RoomRow>> {
    let sql = format!("SELECT {ROOM_COLUMNS} FROM chat_rooms WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .as_ref()
        .map(room_row)
        .transpose()
}

/// The room of a patient and a doctor, if there is one.
pub async fn room_of(
    conn: &mut AnyConnection,
    patient_id: UserId,
    doctor_id: UserId,
) -> DomainResult<Option<RoomRow>> {
    let sql =
        format!("SELECT {ROOM_COLUMNS} FROM chat_rooms WHERE patient_id = $1 AND doctor_id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(patient_id)
        .bind(doctor_id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .as_ref()
        .map(room_row)
        .transpose()
}

/// The rooms of a member (`as_patient`: they are the patient), with the
/// names, unread counts and whether care still runs; latest activity first.
pub async fn rooms_of(
    conn: &mut AnyConnection,
    user: UserId,
    as_patient: bool,
) -> DomainResult<Vec<ChatRoom>> {
    let (mine, read) = if as_patient {
        ("r.patient_id", "r.patient_read_up_to")
    } else {
        ("r.doctor_id", "r.doctor_read_up_to")
    };
    let sql = format!(
        "SELECT r.id, r.patient_id, r.doctor_id, r.last_message_at, \
         p.first_name || ' ' || p.last_name AS patient_name, \
         d.first_name || ' ' || d.last_name AS doctor_name, s.code AS specialty, \
         (SELECT COUNT(*) FROM chat_messages m WHERE m.room_id = r.id AND m.id > {read} \
          AND m.sender_id <> $1) AS unread, \
         (SELECT COUNT(*) FROM care_relationships c WHERE c.patient_id = r.patient_id \
          AND c.doctor_id = r.doctor_id AND c.ended_at IS NULL) AS running \
         FROM chat_rooms r JOIN users p ON p.id = r.patient_id JOIN users d ON d.id = r.doctor_id \
         LEFT JOIN doctor_profiles dp ON dp.user_id = r.doctor_id \
         LEFT JOIN specialties s ON s.id = dp.specialty_id \
         WHERE {mine} = $1 \
         ORDER BY COALESCE(r.last_message_at, r.created_at) DESC, r.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(ChatRoom {
                id: row.try_get("id").map_err(db_error)?,
                patient_id: row.try_get("patient_id").map_err(db_error)?,
                patient_name: row.try_get("patient_name").map_err(db_error)?,
                doctor_id: row.try_get("doctor_id").map_err(db_error)?,
                doctor_name: row.try_get("doctor_name").map_err(db_error)?,
                specialty: row.try_get("specialty").map_err(db_error)?,
                unread: row.try_get("unread").map_err(db_error)?,
                last_message_at: row.try_get("last_message_at").map_err(db_error)?,
                open: row.try_get::<i64, _>("running").map_err(db_error)? > 0,
            })
        })
        .collect()
}

/// Messages from the other side that `user` has not read, over their rooms.
pub async fn unread_total(conn: &mut AnyConnection, user: UserId) -> DomainResult<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM chat_messages m JOIN chat_rooms r ON r.id = m.room_id \
         WHERE m.sender_id <> $1 AND ((r.patient_id = $1 AND m.id > r.patient_read_up_to) \
         OR (r.doctor_id = $1 AND m.id > r.doctor_read_up_to))",
    )
    .bind(user)
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

fn message_row(row: &AnyRow) -> DomainResult<ChatMessage> {
    Ok(ChatMessage {
        id: row.try_get("id").map_err(db_error)?,
        room_id: row.try_get("room_id").map_err(db_error)?,
        sender_id: row.try_get("sender_id").map_err(db_error)?,
        body: row.try_get("body").map_err(db_error)?,
        sent_at: row.try_get("sent_at").map_err(db_error)?,
        red_flags: flags_of(row.try_get("red_flags").map_err(db_error)?),
    })
}

/// Up to `limit` messages of a room before message `before` (all if none),
/// newest first.
pub async fn messages(
    conn: &mut AnyConnection,
    room_id: i64,
    before: Option<i64>,
    limit: i64,
) -> DomainResult<Vec<ChatMessage>> {
    sqlx::query(
        "SELECT id, room_id, sender_id, body, sent_at, red_flags FROM chat_messages \
         WHERE room_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(room_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await
    .map_err(db_error)?
    .iter()
    .map(message_row)
    .collect()
}

/// The red flags as stored: codes joined by commas.
fn flags_of(stored: Option<String>) -> Vec<String> {
    stored
        .unwrap_or_default()
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Stores a message with the red flags read in it; returns it.
pub async fn add(
    conn: &mut AnyConnection,
    room_id: i64,
    sender_id: UserId,
    body: &str,
    red_flags: &[&str],
    now_ms: i64,
) -> DomainResult<ChatMessage> {
    let stored = (!red_flags.is_empty()).then(|| red_flags.join(","));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO chat_messages (room_id, sender_id, body, sent_at, red_flags) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(room_id)
    .bind(sender_id)
    .bind(body)
    .bind(now_ms)
    .bind(stored)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    sqlx::query("UPDATE chat_rooms SET last_message_at = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(room_id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(ChatMessage {
        id,
        room_id,
        sender_id,
        body: body.to_owned(),
        sent_at: now_ms,
        red_flags: red_flags.iter().map(|c| (*c).to_owned()).collect(),
    })
}

/// The id of a room's last message (0 when it has none).
pub async fn last_id(conn: &mut AnyConnection, room_id: i64) -> DomainResult<i64> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT MAX(id) FROM chat_messages WHERE room_id = $1")
            .bind(room_id)
            .fetch_one(conn)
            .await
            .map_err(db_error)?;
    Ok(last.unwrap_or(0))
}

/// Moves a member's read mark forward to `up_to` (never back).
pub async fn mark_read(
    conn: &mut AnyConnection,
    room: &RoomRow,
    reader: UserId,
    up_to: i64,
) -> DomainResult<()> {
    let column = if reader == room.patient_id {
        "patient_read_up_to"
    } else if reader == room.doctor_id {
        "doctor_read_up_to"
    } else {
        return Err(DomainError::Forbidden);
    };
    let sql = format!("UPDATE chat_rooms SET {column} = $1 WHERE id = $2 AND {column} < $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(up_to)
        .bind(room.id)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Notes when a member left the room.
pub async fn seen(
    conn: &mut AnyConnection,
    room: &RoomRow,
    user: UserId,
    now_ms: i64,
) -> DomainResult<()> {
    let column = if user == room.patient_id {
        "patient_seen_at"
    } else {
        "doctor_seen_at"
    };
    let sql = format!("UPDATE chat_rooms SET {column} = $1 WHERE id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now_ms)
        .bind(room.id)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Whether `user` has a chat socket on `room` heard from since `since_ms`
/// (on any instance).
pub async fn present(
    conn: &mut AnyConnection,
    user: UserId,
    room: &str,
    since_ms: i64,
) -> DomainResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM live_sockets WHERE user_id = $1 AND room = $2 AND last_activity >= $3 \
         LIMIT 1",
    )
    .bind(user)
    .bind(room)
    .bind(since_ms)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    Ok(found.is_some())
}
