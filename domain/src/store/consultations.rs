//! SQL for consultation records, their addenda and their message threads.

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::db_error;
use crate::accounts::UserId;
use crate::consultations::{
    Addendum, AttachedCheck, ConsultationStatus, MessageChannel, Person, PrescribedLine,
    ThreadMessage,
};
use crate::error::{DomainError, DomainResult};

/// A record as stored; sections still JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredConsultation {
    pub id: i64,
    pub patient: Person,
    pub doctor: Person,
    pub appointment_id: Option<i64>,
    pub appointment_starts_at_ms: Option<i64>,
    pub status: ConsultationStatus,
    pub intake: String,
    pub examination: String,
    pub vitals: Option<String>,
    pub symptom_check_id: Option<i64>,
    pub rejection_reason: Option<String>,
    pub submitted_at_ms: Option<i64>,
    pub validated_at_ms: Option<i64>,
    pub validated_by: Option<Person>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// What creating a record writes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRow<'a> {
    pub patient_id: UserId,
    pub doctor_id: UserId,
    pub appointment_id: Option<i64>,
    pub intake: &'a str,
    pub examination: &'a str,
    pub created_by: UserId,
}

const SELECT: &str = "SELECT c.id, c.patient_id, c.doctor_id, c.appointment_id, \
    a.starts_at AS appointment_starts_at, c.status, c.intake, c.examination, c.vitals, \
    c.symptom_check_id, c.rejection_reason, c.submitted_at, c.validated_at, c.validated_by, \
    c.created_at, c.updated_at, p.first_name || ' ' || p.last_name AS patient_name, \
    d.first_name || ' ' || d.last_name AS doctor_name, \
    v.first_name || ' ' || v.last_name AS validator_name \
    FROM consultations c JOIN users p ON p.id = c.patient_id JOIN users d ON d.id = c.doctor_id \
    LEFT JOIN users v ON v.id = c.validated_by LEFT JOIN appointments a ON a.id = c.appointment_id";

/// Writes a new draft; returns its id.
pub async fn insert(conn: &mut AnyConnection, row: &NewRow<'_>, now_ms: i64) -> DomainResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO consultations (patient_id, doctor_id, appointment_id, status, intake, \
         examination, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(row.patient_id)
    .bind(row.doctor_id)
    .bind(row.appointment_id)
    .bind(row.intake)
    .bind(row.examination)
    .bind(row.created_by)
    .bind(now_ms)
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

/// One record.
pub async fn get(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<StoredConsultation>> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// The record of an appointment, if one was opened.
pub async fn of_appointment(
    conn: &mut AnyConnection,
    appointment_id: i64,
) -> DomainResult<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM consultations WHERE appointment_id = $1")
        .bind(appointment_id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)
}

/// Records whose `column` (a fixed column name) is `id`, optionally in one
/// status, the most recently changed first.
pub async fn listed(
    conn: &mut AnyConnection,
    column: &'static str,
    id: UserId,
    status: Option<ConsultationStatus>,
) -> DomainResult<Vec<StoredConsultation>> {
    let mut sql = format!("{SELECT} WHERE {column} = $1");
    if status.is_some() {
        sql.push_str(" AND c.status = $2");
    }
    sql.push_str(" ORDER BY c.updated_at DESC, c.id DESC");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id);
    if let Some(status) = status {
        query = query.bind(status.as_str());
    }
    let rows = query.fetch_all(conn).await.map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// Replaces the intake (and the examination, when given).
pub async fn save_sections(
    conn: &mut AnyConnection,
    id: i64,
    intake: &str,
    examination: &str,
    symptom_check_id: Option<i64>,
    now_ms: i64,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE consultations SET intake = $1, examination = $2, symptom_check_id = $3, \
         updated_at = $4 WHERE id = $5",
    )
    .bind(intake)
    .bind(examination)
    .bind(symptom_check_id)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// Moves a record from `from` to `to`, setting what the step sets. False when
/// the record was no longer in `from` (someone else moved it first).
pub async fn move_status(
    conn: &mut AnyConnection,
    id: i64,
    from: &[ConsultationStatus],
    step: &Step<'_>,
    now_ms: i64,
) -> DomainResult<bool> {
    let (to, reason, validator, vitals) = match step {
        Step::Submit => (ConsultationStatus::Submitted, None, None, None),
        Step::Validate { by, vitals } => (
            ConsultationStatus::Validated,
            None,
            Some(*by),
            Some(*vitals),
        ),
        Step::Reject { reason } => (ConsultationStatus::Rejected, Some(*reason), None, None),
    };
    let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
    let sql = format!(
        "UPDATE consultations SET status = $1, updated_at = $2, \
         submitted_at = CASE WHEN $1 = 'submitted' THEN $2 ELSE submitted_at END, \
         rejection_reason = CASE WHEN $1 = 'rejected' THEN $3 WHEN $1 = 'submitted' THEN NULL ELSE rejection_reason END, \
         validated_at = CASE WHEN $1 = 'validated' THEN $2 ELSE validated_at END, \
         validated_by = CASE WHEN $1 = 'validated' THEN $4 ELSE validated_by END, \
         vitals = CASE WHEN $1 = 'validated' THEN $5 ELSE vitals END \
         WHERE id = $6 AND status IN ({})",
        allowed.join(", ")
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(now_ms)
        .bind(reason)
        .bind(validator)
        .bind(vitals)
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// A change of status and what it carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<'a> {
    Submit,
    /// `vitals`: the recent readings frozen into the record (JSON).
    Validate {
        by: UserId,
        vitals: &'a str,
    },
    Reject {
        reason: &'a str,
    },
}

/// A record's addenda, oldest first.
pub async fn addenda(conn: &mut AnyConnection, id: i64) -> DomainResult<Vec<Addendum>> {
    let rows = sqlx::query(
        "SELECT x.id, x.author_id, u.first_name || ' ' || u.last_name AS author_name, x.body, x.created_at \
         FROM consultation_addenda x JOIN users u ON u.id = x.author_id \
         WHERE x.consultation_id = $1 ORDER BY x.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(Addendum {
                id: row.try_get("id").map_err(db_error)?,
                author: Person {
                    id: row.try_get("author_id").map_err(db_error)?,
                    name: row.try_get("author_name").map_err(db_error)?,
                },
                body: row.try_get("body").map_err(db_error)?,
                created_at: instant(row.try_get("created_at").map_err(db_error)?),
            })
        })
        .collect()
}

/// Adds an addendum; returns its id.
pub async fn add_addendum(
    conn: &mut AnyConnection,
    id: i64,
    author_id: UserId,
    body: &str,
    now_ms: i64,
) -> DomainResult<i64> {
    let new_id = sqlx::query_scalar(
        "INSERT INTO consultation_addenda (consultation_id, author_id, body, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(id)
    .bind(author_id)
    .bind(body)
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    touch(conn, id, now_ms).await?;
    Ok(new_id)
}

async fn touch(conn: &mut AnyConnection, id: i64, now_ms: i64) -> DomainResult<()> {
    sqlx::query("UPDATE consultations SET updated_at = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// The thread of a record as `reader` sees it, oldest first.
pub async fn messages(
    conn: &mut AnyConnection,
    id: i64,
    reader: UserId,
) -> DomainResult<Vec<ThreadMessage>> {
    let rows = sqlx::query(
        "SELECT m.id, m.consultation_id, m.sender_id, u.first_name || ' ' || u.last_name AS sender_name, \
         m.body, m.channel, m.sent_at, m.read_at FROM consultation_messages m \
         LEFT JOIN users u ON u.id = m.sender_id WHERE m.consultation_id = $1 ORDER BY m.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let sender_id: Option<UserId> = row.try_get("sender_id").map_err(db_error)?;
            let sender_name: Option<String> = row.try_get("sender_name").map_err(db_error)?;
            let channel: String = row.try_get("channel").map_err(db_error)?;
            let read_at: Option<i64> = row.try_get("read_at").map_err(db_error)?;
            Ok(ThreadMessage {
                id: row.try_get("id").map_err(db_error)?,
                consultation_id: row.try_get("consultation_id").map_err(db_error)?,
                mine: sender_id == Some(reader),
                sender: sender_id.map(|id| Person {
                    id,
                    name: sender_name.unwrap_or_default(),
                }),
                body: row.try_get("body").map_err(db_error)?,
                channel: MessageChannel::parse(&channel)
                    .ok_or_else(|| DomainError::internal("unknown message channel"))?,
                sent_at: instant(row.try_get("sent_at").map_err(db_error)?),
                read_at: read_at.map(instant),
            })
        })
        .collect()
}

/// Adds a message; returns its id.
pub async fn add_message(
    conn: &mut AnyConnection,
    id: i64,
    sender_id: Option<UserId>,
    body: &str,
    channel: MessageChannel,
    now_ms: i64,
) -> DomainResult<i64> {
    let new_id = sqlx::query_scalar(
        "INSERT INTO consultation_messages (consultation_id, sender_id, body, channel, sent_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(id)
    .bind(sender_id)
    .bind(body)
    .bind(channel.as_str())
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    touch(conn, id, now_ms).await?;
    Ok(new_id)
}

/// Marks read what others wrote in the thread; returns how many.
pub async fn mark_read(
    conn: &mut AnyConnection,
    id: i64,
    reader: UserId,
    now_ms: i64,
) -> DomainResult<u64> {
    sqlx::query(
        "UPDATE consultation_messages SET read_at = $1 WHERE consultation_id = $2 \
         AND read_at IS NULL AND (sender_id IS NULL OR sender_id <> $3)",
    )
    .bind(now_ms)
    .bind(id)
    .bind(reader)
    .execute(conn)
    .await
    .map(|done| done.rows_affected())
    .map_err(db_error)
}

/// Messages of record `id` that `reader` did not write and nobody read.
pub async fn unread(conn: &mut AnyConnection, id: i64, reader: UserId) -> DomainResult<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM consultation_messages WHERE consultation_id = $1 \
         AND read_at IS NULL AND (sender_id IS NULL OR sender_id <> $2)",
    )
    .bind(id)
    .bind(reader)
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

/// The symptom check attached to a record, if it is the patient's.
pub async fn check_of(
    conn: &mut AnyConnection,
    check_id: i64,
) -> DomainResult<Option<(UserId, AttachedCheck)>> {
    let row = sqlx::query(
        "SELECT c.id, c.patient_id, c.checked_at, c.prediction, c.confidence, c.urgency, c.specialty, \
         m.version FROM symptom_checks c JOIN symptom_models m ON m.id = c.model_id WHERE c.id = $1",
    )
    .bind(check_id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some((
        row.try_get("patient_id").map_err(db_error)?,
        AttachedCheck {
            id: row.try_get("id").map_err(db_error)?,
            checked_at: instant(row.try_get("checked_at").map_err(db_error)?),
            prediction: row.try_get("prediction").map_err(db_error)?,
            confidence: row.try_get("confidence").map_err(db_error)?,
            urgency: row.try_get("urgency").map_err(db_error)?,
            specialty: row.try_get("specialty").map_err(db_error)?,
            model_version: row.try_get("version").map_err(db_error)?,
        },
    )))
}

/// The treatments prescribed from a record, in the order written.
pub async fn prescriptions(conn: &mut AnyConnection, id: i64) -> DomainResult<Vec<PrescribedLine>> {
    let rows = sqlx::query(
        "SELECT id, medocs_name, frequency, duration_days, instructions FROM treatments \
         WHERE consultation_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(PrescribedLine {
                treatment_id: row.try_get("id").map_err(db_error)?,
                medocs_name: row.try_get("medocs_name").map_err(db_error)?,
                frequency: row.try_get("frequency").map_err(db_error)?,
                duration_days: row.try_get("duration_days").map_err(db_error)?,
                instructions: row.try_get("instructions").map_err(db_error)?,
            })
        })
        .collect()
}

fn instant(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn from_row(row: &AnyRow) -> DomainResult<StoredConsultation> {
    let status: String = row.try_get("status").map_err(db_error)?;
    let validator: Option<UserId> = row.try_get("validated_by").map_err(db_error)?;
    let validator_name: Option<String> = row.try_get("validator_name").map_err(db_error)?;
    Ok(StoredConsultation {
        id: row.try_get("id").map_err(db_error)?,
        patient: Person {
            id: row.try_get("patient_id").map_err(db_error)?,
            name: row.try_get("patient_name").map_err(db_error)?,
        },
        doctor: Person {
            id: row.try_get("doctor_id").map_err(db_error)?,
            name: row.try_get("doctor_name").map_err(db_error)?,
        },
        appointment_id: row.try_get("appointment_id").map_err(db_error)?,
        appointment_starts_at_ms: row.try_get("appointment_starts_at").map_err(db_error)?,
        status: ConsultationStatus::parse(&status)
            .ok_or_else(|| DomainError::internal("unknown consultation status"))?,
        intake: row.try_get("intake").map_err(db_error)?,
        examination: row.try_get("examination").map_err(db_error)?,
        vitals: row.try_get("vitals").map_err(db_error)?,
        symptom_check_id: row.try_get("symptom_check_id").map_err(db_error)?,
        rejection_reason: row.try_get("rejection_reason").map_err(db_error)?,
        submitted_at_ms: row.try_get("submitted_at").map_err(db_error)?,
        validated_at_ms: row.try_get("validated_at").map_err(db_error)?,
        validated_by: validator.map(|id| Person {
            id,
            name: validator_name.unwrap_or_default(),
        }),
        created_at_ms: row.try_get("created_at").map_err(db_error)?,
        updated_at_ms: row.try_get("updated_at").map_err(db_error)?,
    })
}
