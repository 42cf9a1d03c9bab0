//! Outbound messages as listed (newest first, addresses masked) and counted while queued.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::instant;
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::messaging::{Channel, OutboundMessage, OutboundStatus, masked_email, masked_phone};
use crate::store::db_error;

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
