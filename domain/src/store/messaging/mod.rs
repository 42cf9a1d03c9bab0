//! SQL for the outbox: messages outside the portals written in the
//! transaction that caused them (a notification, a reminder), each delivered
//! by a job, and what became of them.

mod listing;
mod reminders;

use jiff::Timestamp;
use sqlx::{AnyConnection, Row};

use super::jobs::{self, NewJob};
use super::recipients::{Recipient, opted_out, recipient};
use super::{db_error, now_ms};
use crate::accounts::{Role, UserId};
use crate::error::{DomainError, DomainResult};
use crate::messaging::{Channel, OutboundStatus, quiet, wording};
use crate::notifications::Notice;

pub use listing::{OutboundFilter, outbound, queued};
pub use reminders::{Upcoming, remind, upcoming};

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
