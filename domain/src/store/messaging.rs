//! SQL for the outbox: messages outside the portals written in the
//! transaction that caused them (a notification, a reminder), each delivered
//! by a job, and what became of them.

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::jobs::{self, NewJob};
use super::recipients::{Recipient, opted_out, recipient};
use super::{db_error, now_ms};
use crate::accounts::{Role, UserId};
use crate::error::{DomainError, DomainResult};
use crate::messaging::{
    Channel, OutboundMessage, OutboundStatus, REMINDER_KIND, Reminder, masked_email, masked_phone,
    quiet, wording,
};
use crate::notifications::Notice;

/// The job kind that delivers one outbound message.
pub const DELIVER: &str = "deliver_message";
/// Tries before a message is shown as failed.
pub const MAX_TRIES: i64 = 5;

fn instant(ms: i64) -> DomainResult<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(DomainError::internal)
}

/// What to write into the outbox.
pub struct Outgoing<'a> {
    pub kind: &'a str,
    pub data: String,
    pub urgent: bool,
    /// For a reminder: the appointment and the start it is for.
    pub appointment: Option<(i64, Timestamp)>,
    /// Unique per message and channel; `{key}:{channel}` is its idempotency key.
    pub key: String,
    /// The earliest it may go.
    pub not_before: Timestamp,
}

/// Writes `outgoing` for `to` on each channel they chose, each with its
/// delivery job (both in the caller's transaction). Quiet hours push what is
/// not urgent to their end; a number that opted out gets nothing (the
/// message is kept as dropped, so the person sees why). Returns how many
/// messages will go.
pub async fn write(
    conn: &mut AnyConnection,
    to: &Recipient,
    outgoing: &Outgoing<'_>,
) -> DomainResult<usize> {
    if !to.active {
        return Ok(0);
    }
    let now = now_ms();
    let mut send_after = outgoing.not_before;
    if !outgoing.urgent
        && let Some(quiet) = &to.preferences.quiet_hours
        && let Ok((start, end)) = quiet.bounds()
    {
        let zone = to.zone.as_deref().unwrap_or("Europe/Paris");
        send_after = quiet::next_allowed(send_after, zone, start, end);
    }
    let mut written = 0;
    for &channel in Channel::ALL {
        // An escalated alert reaches a doctor by SMS whatever they chose.
        let chosen = to.preferences.wants(channel)
            || (outgoing.urgent && channel == Channel::Sms && to.role == Role::Doctor);
        if !chosen {
            continue;
        }
        let address = match channel {
            Channel::Email => Some(to.email.clone()),
            Channel::Sms | Channel::Whatsapp => to.phone.clone(),
        };
        let Some(address) = address else { continue };
        let (status, reason) = match channel {
            Channel::Sms | Channel::Whatsapp if opted_out(conn, &address).await? => {
                (OutboundStatus::Dropped, Some("opted_out"))
            }
            _ => (OutboundStatus::Queued, None),
        };
        let idempotency_key = format!("{}:{}", outgoing.key, channel.as_str());
        let row = sqlx::query(
            "INSERT INTO outbound_messages (user_id, channel, kind, data, urgent, appointment_id, \
               for_starts_at, status, status_reason, address, idempotency_key, send_after, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
        )
        .bind(to.user_id)
        .bind(channel.as_str())
        .bind(outgoing.kind)
        .bind(&outgoing.data)
        .bind(i64::from(outgoing.urgent))
        .bind(outgoing.appointment.map(|(id, _)| id))
        .bind(outgoing.appointment.map(|(_, at)| at.as_millisecond()))
        .bind(status.as_str())
        .bind(reason)
        .bind(&address)
        .bind(&idempotency_key)
        .bind(send_after.as_millisecond())
        .bind(now)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { continue };
        if status != OutboundStatus::Queued {
            continue;
        }
        let id: i64 = row.try_get("id").map_err(db_error)?;
        let key = format!("message:{id}");
        jobs::enqueue(
            conn,
            &NewJob {
                kind: DELIVER,
                key: &key,
                payload: &id.to_string(),
                run_at_ms: send_after.as_millisecond(),
                max_attempts: MAX_TRIES,
            },
            now,
        )
        .await?;
        written += 1;
    }
    Ok(written)
}

/// Writes the messages a notice calls for (called with every notification,
/// in its transaction).
pub async fn for_notice(
    conn: &mut AnyConnection,
    user_id: UserId,
    notification_id: i64,
    notice: &Notice,
) -> DomainResult<usize> {
    let Some(urgent) = wording::goes_out(notice) else {
        return Ok(0);
    };
    let Some(to) = recipient(conn, user_id).await? else {
        return Ok(0);
    };
    // A message in a thread or a chat reaches a patient who is away; the
    // staff read theirs in the portals.
    if matches!(
        notice,
        Notice::ConsultationMessage { .. } | Notice::ChatMessage { .. }
    ) && to.role != Role::Patient
    {
        return Ok(0);
    }
    let outgoing = Outgoing {
        kind: notice.kind(),
        data: serde_json::to_string(notice).map_err(DomainError::internal)?,
        urgent,
        appointment: None,
        key: format!("notice:{notification_id}"),
        not_before: Timestamp::now(),
    };
    write(conn, &to, &outgoing).await
}

/// A confirmed appointment a reminder may be due for.
#[derive(Debug, Clone)]
pub struct Upcoming {
    pub appointment_id: i64,
    pub patient_id: UserId,
    pub doctor_name: String,
    pub starts_at: Timestamp,
}

/// Confirmed appointments starting in `(from, until]`.
pub async fn upcoming(
    conn: &mut AnyConnection,
    from: Timestamp,
    until: Timestamp,
) -> DomainResult<Vec<Upcoming>> {
    let rows = sqlx::query(
        "SELECT a.id, a.patient_id, a.starts_at, d.first_name, d.last_name FROM appointments a \
         JOIN users d ON d.id = a.doctor_id \
         WHERE a.status = 'confirmed' AND a.starts_at > $1 AND a.starts_at <= $2 ORDER BY a.starts_at",
    )
    .bind(from.as_millisecond())
    .bind(until.as_millisecond())
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let first: String = row.try_get("first_name").map_err(db_error)?;
            let last: String = row.try_get("last_name").map_err(db_error)?;
            Ok(Upcoming {
                appointment_id: row.try_get("id").map_err(db_error)?,
                patient_id: row.try_get("patient_id").map_err(db_error)?,
                doctor_name: format!("Dr {first} {last}"),
                starts_at: instant(row.try_get("starts_at").map_err(db_error)?)?,
            })
        })
        .collect()
}

/// Writes the reminder `seconds_before` the start of `a`, once (its key names
/// the appointment, the start and the offset: a moved appointment gets new
/// reminders, and the old ones are dropped when their time comes).
pub async fn remind(
    conn: &mut AnyConnection,
    a: &Upcoming,
    seconds_before: i64,
) -> DomainResult<usize> {
    let Some(to) = recipient(conn, a.patient_id).await? else {
        return Ok(0);
    };
    if !to.preferences.reminders {
        return Ok(0);
    }
    let reminder = Reminder {
        appointment_id: a.appointment_id,
        doctor_name: a.doctor_name.clone(),
        starts_at: a.starts_at,
        seconds_before,
    };
    let not_before =
        Timestamp::from_millisecond(a.starts_at.as_millisecond() - seconds_before * 1000)
            .map_err(DomainError::internal)?;
    let outgoing = Outgoing {
        kind: REMINDER_KIND,
        data: serde_json::to_string(&reminder).map_err(DomainError::internal)?,
        urgent: false,
        appointment: Some((a.appointment_id, a.starts_at)),
        key: format!(
            "reminder:{}:{}:{seconds_before}",
            a.appointment_id,
            a.starts_at.as_millisecond()
        ),
        not_before,
    };
    write(conn, &to, &outgoing).await
}

/// A message as the worker delivers it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub user_id: UserId,
    pub channel: Channel,
    pub kind: String,
    pub data: String,
    pub urgent: bool,
    pub status: OutboundStatus,
    pub address: Option<String>,
    pub idempotency_key: String,
    pub appointment_id: Option<i64>,
    pub for_starts_at: Option<i64>,
}

/// The message `id`, for delivery.
pub async fn delivery(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<Delivery>> {
    let row = sqlx::query(
        "SELECT id, user_id, channel, kind, data, urgent, status, address, idempotency_key, \
                appointment_id, for_starts_at FROM outbound_messages WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    let channel: String = row.try_get("channel").map_err(db_error)?;
    let status: String = row.try_get("status").map_err(db_error)?;
    let urgent: i64 = row.try_get("urgent").map_err(db_error)?;
    Ok(Some(Delivery {
        id,
        user_id: row.try_get("user_id").map_err(db_error)?,
        channel: Channel::parse(&channel).ok_or_else(|| DomainError::internal("stored channel"))?,
        kind: row.try_get("kind").map_err(db_error)?,
        data: row.try_get("data").map_err(db_error)?,
        urgent: urgent != 0,
        status: OutboundStatus::parse(&status)
            .ok_or_else(|| DomainError::internal("stored status"))?,
        address: row.try_get("address").map_err(db_error)?,
        idempotency_key: row.try_get("idempotency_key").map_err(db_error)?,
        appointment_id: row.try_get("appointment_id").map_err(db_error)?,
        for_starts_at: row.try_get("for_starts_at").map_err(db_error)?,
    }))
}

/// The appointment `id`'s status and start (milliseconds), if it exists.
pub async fn appointment_state(
    conn: &mut AnyConnection,
    id: i64,
) -> DomainResult<Option<(String, i64)>> {
    let row = sqlx::query("SELECT status, starts_at FROM appointments WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.map(|row| {
        Ok((
            row.try_get("status").map_err(db_error)?,
            row.try_get("starts_at").map_err(db_error)?,
        ))
    })
    .transpose()
}

/// Moves a queued message on: sent (with the provider's id), failed or
/// dropped (with why), or still queued after a failed try. Only a queued
/// message moves; whether it did.
pub async fn settle(
    conn: &mut AnyConnection,
    id: i64,
    status: OutboundStatus,
    reason: Option<&str>,
    provider_id: Option<&str>,
    attempts: i64,
) -> DomainResult<bool> {
    let now = now_ms();
    let sent_at = (status == OutboundStatus::Sent).then_some(now);
    let done = sqlx::query(
        "UPDATE outbound_messages SET status = $2, status_reason = $3, \
         provider_id = COALESCE($4, provider_id), attempts = $5, sent_at = COALESCE($6, sent_at), updated_at = $7 \
         WHERE id = $1 AND status = 'queued'",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(reason)
    .bind(provider_id)
    .bind(attempts)
    .bind(sent_at)
    .bind(now)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// Applies a provider's delivery status to the message it sent as
/// `provider_id`; whether one matched. `delivered` and `failed` are final;
/// a late `sent` never undoes `delivered`.
pub async fn provider_status(
    conn: &mut AnyConnection,
    provider_id: &str,
    status: OutboundStatus,
    reason: Option<&str>,
) -> DomainResult<bool> {
    let done = sqlx::query(
        "UPDATE outbound_messages SET status = $2, status_reason = COALESCE($3, status_reason), updated_at = $4 \
         WHERE provider_id = $1 AND status IN ('queued', 'sent')",
    )
    .bind(provider_id)
    .bind(status.as_str())
    .bind(reason)
    .bind(now_ms())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// Which outbound messages to list.
#[derive(Debug, Clone, Default)]
pub struct OutboundFilter {
    /// Only messages to these people.
    pub user_ids: Option<Vec<UserId>>,
    pub status: Option<OutboundStatus>,
    pub channel: Option<Channel>,
    pub limit: i64,
}

/// Outbound messages, newest first.
pub async fn outbound(
    conn: &mut AnyConnection,
    f: &OutboundFilter,
) -> DomainResult<Vec<OutboundMessage>> {
    let mut conditions = Vec::new();
    let mut n = 0;
    if let Some(users) = &f.user_ids {
        let ids: Vec<String> = users.iter().map(i64::to_string).collect();
        conditions.push(if ids.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("m.user_id IN ({})", ids.join(", "))
        });
    }
    for (column, given) in [
        ("status", f.status.is_some()),
        ("channel", f.channel.is_some()),
    ] {
        if given {
            n += 1;
            conditions.push(format!("m.{column} = ${n}"));
        }
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT m.id, m.user_id, u.first_name, u.last_name, m.channel, m.kind, m.urgent, m.status, \
                m.status_reason, m.address, m.attempts, m.send_after, m.sent_at, m.created_at, m.for_starts_at \
         FROM outbound_messages m JOIN users u ON u.id = m.user_id {filter} \
         ORDER BY m.id DESC LIMIT {}",
        f.limit.clamp(1, 500)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(status) = f.status {
        query = query.bind(status.as_str());
    }
    if let Some(channel) = f.channel {
        query = query.bind(channel.as_str());
    }
    let rows = query.fetch_all(conn).await.map_err(db_error)?;
    rows.iter().map(outbound_from_row).collect()
}

fn outbound_from_row(row: &AnyRow) -> DomainResult<OutboundMessage> {
    let channel: String = row.try_get("channel").map_err(db_error)?;
    let channel =
        Channel::parse(&channel).ok_or_else(|| DomainError::internal("stored channel"))?;
    let status: String = row.try_get("status").map_err(db_error)?;
    let first: String = row.try_get("first_name").map_err(db_error)?;
    let last: String = row.try_get("last_name").map_err(db_error)?;
    let address: Option<String> = row.try_get("address").map_err(db_error)?;
    let urgent: i64 = row.try_get("urgent").map_err(db_error)?;
    let sent_at: Option<i64> = row.try_get("sent_at").map_err(db_error)?;
    let for_starts_at: Option<i64> = row.try_get("for_starts_at").map_err(db_error)?;
    Ok(OutboundMessage {
        id: row.try_get("id").map_err(db_error)?,
        user_id: row.try_get("user_id").map_err(db_error)?,
        user_name: format!("{first} {last}"),
        channel,
        kind: row.try_get("kind").map_err(db_error)?,
        urgent: urgent != 0,
        status: OutboundStatus::parse(&status)
            .ok_or_else(|| DomainError::internal("stored status"))?,
        status_reason: row.try_get("status_reason").map_err(db_error)?,
        address: address.map(|a| match channel {
            Channel::Email => masked_email(&a),
            Channel::Sms | Channel::Whatsapp => masked_phone(&a),
        }),
        attempts: row.try_get("attempts").map_err(db_error)?,
        send_after: instant(row.try_get("send_after").map_err(db_error)?)?,
        sent_at: sent_at.map(instant).transpose()?,
        created_at: instant(row.try_get("created_at").map_err(db_error)?)?,
        starts_at: for_starts_at.map(instant).transpose()?,
    })
}

/// Outbound messages waiting to be sent, by channel.
pub async fn queued(conn: &mut AnyConnection) -> DomainResult<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT channel, COUNT(*) AS n FROM outbound_messages WHERE status = 'queued' \
         GROUP BY channel ORDER BY channel",
    )
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("channel").map_err(db_error)?,
                row.try_get("n").map_err(db_error)?,
            ))
        })
        .collect()
}
