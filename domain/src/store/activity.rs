//! SQL for the platform's activity: counts over a period, the refused
//! sign-ins counted per hour (no name or address is kept), and the activity
//! log (what administrators and doctors did, and every sign-in).

use sqlx::{AnyConnection, Row};

use super::{db_error, now_ms};
use crate::accounts::{Role, UserId};
use crate::activity::{ActivityAction, ActivityEntry};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::trail::Door;

const HOUR_MS: i64 = 3_600_000;

/// Counts one refused sign-in in the current hour.
pub async fn count_refused_sign_in(conn: &mut AnyConnection) -> DomainResult<()> {
    let hour = now_ms().div_euclid(HOUR_MS) * HOUR_MS;
    sqlx::query(
        "INSERT INTO sign_in_failures (hour, count) VALUES ($1, 1) \
         ON CONFLICT (hour) DO UPDATE SET count = sign_in_failures.count + 1",
    )
    .bind(hour)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// What happened between `from_ms` (included) and `to_ms` (excluded).
pub struct Counts {
    pub accounts_created: i64,
    pub appointments: Vec<(String, i64)>,
    pub active_alerts: i64,
    pub refused_sign_ins: i64,
}

/// The counts of a period: accounts created in it, appointments starting in
/// it by status, alerts active now, refused sign-ins in the hours it covers.
pub async fn counts(conn: &mut AnyConnection, from_ms: i64, to_ms: i64) -> DomainResult<Counts> {
    let accounts_created: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE created_at >= $1 AND created_at < $2")
            .bind(from_ms)
            .bind(to_ms)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM appointments WHERE starts_at >= $1 AND starts_at < $2 \
         GROUP BY status ORDER BY status",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let appointments = rows
        .iter()
        .map(|row| {
            Ok((
                row.try_get("status").map_err(db_error)?,
                row.try_get("n").map_err(db_error)?,
            ))
        })
        .collect::<DomainResult<Vec<(String, i64)>>>()?;
    let active_alerts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM vital_alerts WHERE cleared_at IS NULL")
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
    let refused_sign_ins: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(count), 0) FROM sign_in_failures WHERE hour >= $1 AND hour < $2",
    )
    .bind(from_ms.div_euclid(HOUR_MS) * HOUR_MS)
    .bind(to_ms)
    .fetch_one(conn)
    .await
    .map_err(db_error)?;
    Ok(Counts {
        accounts_created,
        appointments,
        active_alerts,
        refused_sign_ins,
    })
}

/// An entry to append to the activity log.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub actor_id: Option<UserId>,
    pub actor_role: Option<Role>,
    pub action: ActivityAction,
    pub target_kind: Option<&'static str>,
    pub target_id: Option<i64>,
    pub detail: Option<String>,
    pub door: Door,
    pub request_id: Option<String>,
}

impl NewActivity {
    /// `action` by `actor` (its door and request id).
    pub fn by(actor: &Principal, action: ActivityAction) -> Self {
        Self {
            actor_id: Some(actor.user_id),
            actor_role: Some(actor.role),
            action,
            target_kind: None,
            target_id: None,
            detail: None,
            door: actor.door,
            request_id: actor.request_id.clone(),
        }
    }

    /// `action` by the platform itself (the command line, demo data).
    pub fn by_platform(action: ActivityAction) -> Self {
        Self {
            actor_id: None,
            actor_role: None,
            action,
            target_kind: None,
            target_id: None,
            detail: None,
            door: Door::Cli,
            request_id: None,
        }
    }

    /// About `kind` number `id`.
    pub fn on(mut self, kind: &'static str, id: i64) -> Self {
        self.target_kind = Some(kind);
        self.target_id = Some(id);
        self
    }

    /// With a code saying more.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Appends `entry` (in the caller's transaction, so it stands or falls with
/// the change it records).
pub async fn log(conn: &mut AnyConnection, entry: &NewActivity) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO activity_log (at, actor_id, actor_role, action, target_kind, target_id, \
         detail, door, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_ms())
    .bind(entry.actor_id)
    .bind(entry.actor_role.map(Role::as_str))
    .bind(entry.action.as_str())
    .bind(entry.target_kind)
    .bind(entry.target_id)
    .bind(entry.detail.as_deref())
    .bind(entry.door.as_str())
    .bind(entry.request_id.as_deref())
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// What to search the log for; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub actor_id: Option<UserId>,
    pub action: Option<ActivityAction>,
    pub role: Option<Role>,
    /// Unix milliseconds, inclusive.
    pub from_ms: Option<i64>,
    /// Unix milliseconds, exclusive.
    pub to_ms: Option<i64>,
}

const LOG_WHERE: &str = "WHERE ($1 = 0 OR l.actor_id = $1) AND ($2 = '' OR l.action = $2) \
    AND ($3 = '' OR l.actor_role = $3) AND l.at >= $4 AND l.at < $5";

fn bind_log<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    f: &LogFilter,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(f.actor_id.unwrap_or(0))
        .bind(f.action.map(ActivityAction::as_str).unwrap_or(""))
        .bind(f.role.map(Role::as_str).unwrap_or(""))
        .bind(f.from_ms.unwrap_or(i64::MIN))
        .bind(f.to_ms.unwrap_or(i64::MAX))
}

/// How many entries match.
pub async fn log_count(conn: &mut AnyConnection, filter: &LogFilter) -> DomainResult<i64> {
    let sql = format!("SELECT COUNT(*) FROM activity_log l {LOG_WHERE}");
    let row = bind_log(sqlx::query(sqlx::AssertSqlSafe(sql)), filter)
        .fetch_one(conn)
        .await
        .map_err(db_error)?;
    row.try_get(0).map_err(db_error)
}

/// Matching entries, newest first, with the names of actor and target
/// account.
pub async fn log_search(
    conn: &mut AnyConnection,
    filter: &LogFilter,
    limit: i64,
    offset: i64,
) -> DomainResult<Vec<ActivityEntry>> {
    let sql = format!(
        "SELECT l.id, l.at, l.actor_id, l.actor_role, l.action, l.target_kind, l.target_id, \
         l.detail, l.door, l.request_id, \
         a.first_name || ' ' || a.last_name AS actor_name, \
         CASE WHEN l.target_kind IN ('user', 'patient') \
              THEN u.first_name || ' ' || u.last_name END AS target_name \
         FROM activity_log l LEFT JOIN users a ON a.id = l.actor_id \
         LEFT JOIN users u ON u.id = l.target_id {LOG_WHERE} \
         ORDER BY l.id DESC LIMIT $6 OFFSET $7"
    );
    let rows = bind_log(sqlx::query(sqlx::AssertSqlSafe(sql)), filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let text = |name: &str| -> DomainResult<String> { row.try_get(name).map_err(db_error) };
            let action = text("action")?;
            let door = text("door")?;
            let role: Option<String> = row.try_get("actor_role").map_err(db_error)?;
            Ok(ActivityEntry {
                id: row.try_get("id").map_err(db_error)?,
                at: row.try_get("at").map_err(db_error)?,
                actor_id: row.try_get("actor_id").map_err(db_error)?,
                actor_name: row.try_get("actor_name").map_err(db_error)?,
                actor_role: role.as_deref().and_then(|r| Role::parse(r).ok()),
                action: ActivityAction::parse(&action)
                    .ok_or_else(|| DomainError::internal(format!("unknown activity {action}")))?,
                target_kind: row.try_get("target_kind").map_err(db_error)?,
                target_id: row.try_get("target_id").map_err(db_error)?,
                target_name: row.try_get("target_name").map_err(db_error)?,
                detail: row.try_get("detail").map_err(db_error)?,
                door: Door::parse(&door)
                    .ok_or_else(|| DomainError::internal(format!("unknown door {door}")))?,
                request_id: row.try_get("request_id").map_err(db_error)?,
            })
        })
        .collect()
}
