//! SQL for what Twilio sent (seed 003's `WebhookEvent`), the numbers that
//! opted out, and the assistant's conversations by number.

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::accounts::{Role, UserId};
use crate::error::{DomainError, DomainResult};
use crate::messaging::{WebhookEvent, WebhookKind, WebhookStatus, masked_phone};

/// An event as received, with its outcome when it was decided before it
/// was recorded (an event to ignore, a delivery status).
pub struct NewEvent<'a> {
    pub kind: WebhookKind,
    pub external_id: Option<&'a str>,
    pub sender: Option<&'a str>,
    pub recipient: Option<&'a str>,
    pub content: Option<&'a str>,
    /// The form as JSON (refused requests keep none).
    pub raw_payload: Option<String>,
    pub status: WebhookStatus,
    pub reason: Option<&'a str>,
    pub related_user: Option<UserId>,
}

impl NewEvent<'_> {
    /// Whether it is recorded already settled: processed or ignored (one
    /// attempt, processed now), rather than pending or refused.
    fn settled(&self) -> bool {
        matches!(
            self.status,
            WebhookStatus::Processed | WebhookStatus::Ignored | WebhookStatus::Failed
        )
    }
}

const RECORD_COLUMNS: &str = "INSERT INTO webhook_events (event_type, external_id, sender_phone, \
    recipient_phone, content, raw_payload, processing_status, reason, related_user, attempts, \
    received_at, processed_at) VALUES ";

/// Columns bound per event.
const RECORD_BINDS: usize = 12;

fn bind_event<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    e: &'q NewEvent<'q>,
    now: i64,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let settled = e.settled();
    query
        .bind(e.kind.as_str())
        .bind(e.external_id)
        .bind(e.sender)
        .bind(e.recipient)
        .bind(e.content)
        .bind(e.raw_payload.as_deref())
        .bind(e.status.as_str())
        .bind(e.reason)
        .bind(e.related_user)
        .bind(i64::from(settled))
        .bind(now)
        .bind(settled.then_some(now))
}

/// `($1, … $12), ($13, …)` for `rows` events.
fn placeholders(rows: usize) -> String {
    let mut sql = String::with_capacity(rows * RECORD_BINDS * 5);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..RECORD_BINDS {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * RECORD_BINDS + column + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Records an event; `None` when an accepted event with the same
/// `MessageSid` is already recorded (a retry from Twilio).
pub async fn record(conn: &mut AnyConnection, e: &NewEvent<'_>) -> DomainResult<Option<i64>> {
    let sql = format!(
        "{RECORD_COLUMNS}{} ON CONFLICT DO NOTHING RETURNING id",
        placeholders(1)
    );
    let row = bind_event(sqlx::query(sqlx::AssertSqlSafe(sql)), e, now_ms())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.map(|row| row.try_get::<i64, _>("id").map_err(db_error))
        .transpose()
}

/// Records events in one statement; for each, its id, or `None` when an
/// accepted event with the same `MessageSid` was recorded before (or
/// earlier in `events`), and for a refused one (it has no `MessageSid` to
/// find it by, and nobody asks).
pub async fn record_many(
    conn: &mut AnyConnection,
    events: &[NewEvent<'_>],
) -> DomainResult<Vec<Option<i64>>> {
    // Within one statement a second row with the same key would conflict
    // with the first: only the first of each key is inserted.
    let mut seen = std::collections::HashSet::new();
    let first: Vec<bool> = events
        .iter()
        .map(|e| {
            e.external_id
                .is_none_or(|sid| seen.insert((e.kind.as_str(), sid)))
        })
        .collect();
    let inserted: Vec<&NewEvent<'_>> = events
        .iter()
        .zip(&first)
        .filter_map(|(e, first)| first.then_some(e))
        .collect();
    if inserted.is_empty() {
        return Ok(vec![None; events.len()]);
    }
    let sql = format!(
        "{RECORD_COLUMNS}{} ON CONFLICT DO NOTHING RETURNING id, event_type, external_id",
        placeholders(inserted.len())
    );
    let now = now_ms();
    // Only placeholders are written into the text; every value is bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for e in &inserted {
        query = bind_event(query, e, now);
    }
    let rows = query.fetch_all(conn).await.map_err(db_error)?;
    let mut ids = std::collections::HashMap::with_capacity(rows.len());
    for row in &rows {
        let kind: String = row.try_get("event_type").map_err(db_error)?;
        let sid: Option<String> = row.try_get("external_id").map_err(db_error)?;
        if let Some(sid) = sid {
            ids.insert((kind, sid), row.try_get::<i64, _>("id").map_err(db_error)?);
        }
    }
    Ok(events
        .iter()
        .zip(first)
        .map(|(e, first)| {
            let sid = e.external_id.filter(|_| first)?;
            ids.get(&(e.kind.as_str().to_owned(), sid.to_owned()))
                .copied()
        })
        .collect())
}

/// An event as received, owned (handed to the group writer).
#[derive(Debug, Clone)]
pub struct Received {
    pub kind: WebhookKind,
    pub external_id: Option<String>,
    pub sender: Option<String>,
    pub recipient: Option<String>,
    pub content: Option<String>,
    pub raw_payload: Option<String>,
    pub status: WebhookStatus,
    pub reason: Option<&'static str>,
    pub related_user: Option<UserId>,
}

impl Received {
    pub fn as_new(&self) -> NewEvent<'_> {
        NewEvent {
            kind: self.kind,
            external_id: self.external_id.as_deref(),
            sender: self.sender.as_deref(),
            recipient: self.recipient.as_deref(),
            content: self.content.as_deref(),
            raw_payload: self.raw_payload.clone(),
            status: self.status,
            reason: self.reason,
            related_user: self.related_user,
        }
    }
}

/// What an event came to.
#[derive(Debug, Clone, Default)]
pub struct Outcome<'a> {
    pub reason: Option<&'a str>,
    pub related_user: Option<UserId>,
    pub related_fiche: Option<i64>,
    pub created_message: Option<i64>,
}

/// Settles a pending (or failed, on a retry) event.
pub async fn settle(
    conn: &mut AnyConnection,
    id: i64,
    status: WebhookStatus,
    outcome: &Outcome<'_>,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE webhook_events SET processing_status = $2, reason = $3, related_user = $4, \
         related_fiche = $5, created_message = $6, attempts = attempts + 1, processed_at = $7 \
         WHERE id = $1 AND processing_status IN ('pending', 'failed')",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(outcome.reason)
    .bind(outcome.related_user)
    .bind(outcome.related_fiche)
    .bind(outcome.created_message)
    .bind(now_ms())
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// A stored incoming event, for processing again.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub kind: WebhookKind,
    pub sender: Option<String>,
    pub recipient: Option<String>,
    pub content: String,
    pub status: WebhookStatus,
}

/// The event `id`.
pub async fn stored(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<Stored>> {
    let row = sqlx::query(
        "SELECT id, event_type, sender_phone, recipient_phone, content, processing_status \
         FROM webhook_events WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    let kind: String = row.try_get("event_type").map_err(db_error)?;
    let status: String = row.try_get("processing_status").map_err(db_error)?;
    let content: Option<String> = row.try_get("content").map_err(db_error)?;
    Ok(Some(Stored {
        id,
        kind: WebhookKind::parse(&kind)
            .ok_or_else(|| DomainError::internal("stored event type"))?,
        sender: row.try_get("sender_phone").map_err(db_error)?,
        recipient: row.try_get("recipient_phone").map_err(db_error)?,
        content: content.unwrap_or_default(),
        status: WebhookStatus::parse(&status)
            .ok_or_else(|| DomainError::internal("stored event status"))?,
    }))
}

/// The active accounts whose number is `e164`: patients by their mobile,
/// doctors by their profile's phone.
pub async fn accounts_of(
    conn: &mut AnyConnection,
    e164: &str,
) -> DomainResult<Vec<(UserId, Role)>> {
    let rows = sqlx::query(
        "SELECT u.id, u.role FROM users u JOIN medical_profiles mp ON mp.patient_id = u.id \
           WHERE mp.active_mobile_phone = $1 AND u.deactivated_at IS NULL \
         UNION \
         SELECT u.id, u.role FROM users u JOIN doctor_profiles dp ON dp.user_id = u.id \
           WHERE dp.phone = $1 AND u.deactivated_at IS NULL",
    )
    .bind(e164)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let role: String = row.try_get("role").map_err(db_error)?;
            Ok((
                row.try_get("id").map_err(db_error)?,
                Role::parse(&role).map_err(|_| DomainError::internal("stored role"))?,
            ))
        })
        .collect()
}

/// The patient's most recent record still open (not validated), with its
/// doctor.
pub async fn open_record(
    conn: &mut AnyConnection,
    patient_id: UserId,
) -> DomainResult<Option<(i64, UserId)>> {
    let row = sqlx::query(
        "SELECT id, doctor_id FROM consultations WHERE patient_id = $1 AND status <> 'validated' \
         ORDER BY updated_at DESC, id DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.map(|row| {
        Ok((
            row.try_get("id").map_err(db_error)?,
            row.try_get("doctor_id").map_err(db_error)?,
        ))
    })
    .transpose()
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub status: Option<WebhookStatus>,
    pub kind: Option<WebhookKind>,
    /// Only events about this person (a doctor sees their patients').
    pub related_users: Option<Vec<UserId>>,
    pub limit: i64,
}

/// Events, newest first.
pub async fn list(conn: &mut AnyConnection, f: &EventFilter) -> DomainResult<Vec<WebhookEvent>> {
    let mut conditions = Vec::new();
    let mut n = 0;
    if f.status.is_some() {
        n += 1;
        conditions.push(format!("e.processing_status = ${n}"));
    }
    if f.kind.is_some() {
        n += 1;
        conditions.push(format!("e.event_type = ${n}"));
    }
    if let Some(users) = &f.related_users {
        let ids: Vec<String> = users.iter().map(i64::to_string).collect();
        conditions.push(if ids.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("e.related_user IN ({})", ids.join(", "))
        });
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT e.id, e.event_type, e.external_id, e.sender_phone, e.recipient_phone, e.content, \
                e.processing_status, e.reason, e.related_user, u.first_name, u.last_name, e.related_fiche, \
                e.created_message, e.attempts, e.received_at, e.processed_at \
         FROM webhook_events e LEFT JOIN users u ON u.id = e.related_user {filter} \
         ORDER BY e.id DESC LIMIT {}",
        f.limit.clamp(1, 500)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(status) = f.status {
        query = query.bind(status.as_str());
    }
    if let Some(kind) = f.kind {
        query = query.bind(kind.as_str());
    }
    let rows = query.fetch_all(conn).await.map_err(db_error)?;
    rows.iter().map(event_from_row).collect()
}

fn event_from_row(row: &AnyRow) -> DomainResult<WebhookEvent> {
    let instant = |ms: i64| Timestamp::from_millisecond(ms).map_err(DomainError::internal);
    let kind: String = row.try_get("event_type").map_err(db_error)?;
    let status: String = row.try_get("processing_status").map_err(db_error)?;
    let content: Option<String> = row.try_get("content").map_err(db_error)?;
    let sender: Option<String> = row.try_get("sender_phone").map_err(db_error)?;
    let recipient: Option<String> = row.try_get("recipient_phone").map_err(db_error)?;
    let first: Option<String> = row.try_get("first_name").map_err(db_error)?;
    let last: Option<String> = row.try_get("last_name").map_err(db_error)?;
    let processed_at: Option<i64> = row.try_get("processed_at").map_err(db_error)?;
    Ok(WebhookEvent {
        id: row.try_get("id").map_err(db_error)?,
        event_type: WebhookKind::parse(&kind)
            .ok_or_else(|| DomainError::internal("stored event type"))?,
        external_id: row.try_get("external_id").map_err(db_error)?,
        sender_phone: sender.as_deref().map(masked_phone),
        recipient_phone: recipient,
        content_length: content.map_or(0, |c| c.chars().count() as i64),
        processing_status: WebhookStatus::parse(&status)
            .ok_or_else(|| DomainError::internal("stored event status"))?,
        reason: row.try_get("reason").map_err(db_error)?,
        related_user: row.try_get("related_user").map_err(db_error)?,
        related_user_name: first.zip(last).map(|(f, l)| format!("{f} {l}")),
        related_fiche: row.try_get("related_fiche").map_err(db_error)?,
        created_message: row.try_get("created_message").map_err(db_error)?,
        attempts: row.try_get("attempts").map_err(db_error)?,
        received_at: instant(row.try_get("received_at").map_err(db_error)?)?,
        processed_at: processed_at.map(instant).transpose()?,
    })
}

/// The assistant's memory of the conversation with `phone`, unless it went
/// quiet before `fresh_after`.
pub async fn thread(
    conn: &mut AnyConnection,
    phone: &str,
    fresh_after: Timestamp,
) -> DomainResult<Option<String>> {
    sqlx::query_scalar("SELECT state FROM assistant_threads WHERE phone = $1 AND updated_at > $2")
        .bind(phone)
        .bind(fresh_after.as_millisecond())
        .fetch_optional(conn)
        .await
        .map_err(db_error)
}

/// Keeps the assistant's memory of the conversation with `phone`.
pub async fn save_thread(conn: &mut AnyConnection, phone: &str, state: &str) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO assistant_threads (phone, state, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (phone) DO UPDATE SET state = $2, updated_at = $3",
    )
    .bind(phone)
    .bind(state)
    .bind(now_ms())
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// Forgets conversations quiet since before `before`; how many.
pub async fn forget_threads(conn: &mut AnyConnection, before: Timestamp) -> DomainResult<u64> {
    sqlx::query("DELETE FROM assistant_threads WHERE updated_at <= $1")
        .bind(before.as_millisecond())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
        .map_err(db_error)
}
