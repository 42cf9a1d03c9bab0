//! SQL for the access trail: appending under the chain's head, searching, and
//! reading the chain back in order for verification.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Dialect, db_error};
use crate::accounts::{Role, UserId};
use crate::error::{DomainError, DomainResult};
use crate::trail::{Door, Resource, TrailAction, TrailEntry};

/// An entry as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<UserId>,
    pub actor_role: Option<String>,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<String>,
    pub patient_id: Option<UserId>,
    pub door: String,
    pub request_id: Option<String>,
    pub allowed: bool,
    pub emergency: bool,
    /// Why (a research export with personal data); hashed only when set,
    /// so entries from before the column keep their hashes.
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Reads the chain's head (position and hash of the last entry), locking it
/// until the transaction ends on PostgreSQL; SQLite's writer lock does the same.
pub async fn head(conn: &mut AnyConnection, dialect: Dialect) -> DomainResult<(i64, String)> {
    let sql = match dialect {
        Dialect::Postgres => "SELECT seq, hash FROM access_trail_head WHERE id = 1 FOR UPDATE",
        Dialect::Sqlite => "SELECT seq, hash FROM access_trail_head WHERE id = 1",
    };
    let row = sqlx::query(sql).fetch_one(conn).await.map_err(db_error)?;
    Ok((
        row.try_get("seq").map_err(db_error)?,
        row.try_get("hash").map_err(db_error)?,
    ))
}

/// Reads the head without locking (verification).
pub async fn peek_head(conn: &mut AnyConnection) -> DomainResult<(i64, String)> {
    head(conn, Dialect::Sqlite).await
}

/// Moves the head to the last appended entry.
pub async fn set_head(conn: &mut AnyConnection, seq: i64, hash: &str) -> DomainResult<()> {
    sqlx::query("UPDATE access_trail_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(hash)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// Inserts entries, already chained, in one statement.
pub async fn insert(conn: &mut AnyConnection, entries: &[StoredEntry]) -> DomainResult<()> {
    // 15 parameters per row; PostgreSQL and SQLite both take well over 200 rows.
    for chunk in entries.chunks(200) {
        let mut sql = String::from(
            "INSERT INTO access_trail (seq, at, actor_id, actor_role, action, resource, \
             resource_id, patient_id, door, request_id, allowed, emergency, prev_hash, hash, reason) \
             VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let b = i * 15;
            let params: Vec<String> = (1..=15).map(|k| format!("${}", b + k)).collect();
            sql.push('(');
            sql.push_str(&params.join(", "));
            sql.push(')');
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in chunk {
            query = query
                .bind(e.seq)
                .bind(e.at)
                .bind(e.actor_id)
                .bind(e.actor_role.clone())
                .bind(e.action.clone())
                .bind(e.resource.clone())
                .bind(e.resource_id.clone())
                .bind(e.patient_id)
                .bind(e.door.clone())
                .bind(e.request_id.clone())
                .bind(i64::from(e.allowed))
                .bind(i64::from(e.emergency))
                .bind(e.prev_hash.clone())
                .bind(e.hash.clone())
                .bind(e.reason.clone());
        }
        query.execute(&mut *conn).await.map_err(db_error)?;
    }
    Ok(())
}

/// Up to `limit` entries after position `after`, in chain order.
pub async fn chain_after(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> DomainResult<Vec<StoredEntry>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor_id, actor_role, action, resource, resource_id, patient_id, door, \
         request_id, allowed, emergency, prev_hash, hash, reason FROM access_trail \
         WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(stored_from_row).collect()
}

fn stored_from_row(row: &AnyRow) -> DomainResult<StoredEntry> {
    let get_i = |name: &str| -> DomainResult<i64> { row.try_get(name).map_err(db_error) };
    Ok(StoredEntry {
        seq: get_i("seq")?,
        at: get_i("at")?,
        actor_id: row.try_get("actor_id").map_err(db_error)?,
        actor_role: row.try_get("actor_role").map_err(db_error)?,
        action: row.try_get("action").map_err(db_error)?,
        resource: row.try_get("resource").map_err(db_error)?,
        resource_id: row.try_get("resource_id").map_err(db_error)?,
        patient_id: row.try_get("patient_id").map_err(db_error)?,
        door: row.try_get("door").map_err(db_error)?,
        request_id: row.try_get("request_id").map_err(db_error)?,
        allowed: get_i("allowed")? != 0,
        emergency: get_i("emergency")? != 0,
        reason: row.try_get("reason").map_err(db_error)?,
        prev_hash: row.try_get("prev_hash").map_err(db_error)?,
        hash: row.try_get("hash").map_err(db_error)?,
    })
}

/// What to search the trail for; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor_id: Option<UserId>,
    pub patient_id: Option<UserId>,
    pub action: Option<TrailAction>,
    pub door: Option<Door>,
    /// Unix milliseconds, inclusive.
    pub from_ms: Option<i64>,
    /// Unix milliseconds, exclusive.
    pub to_ms: Option<i64>,
    pub refused_only: bool,
}

const WHERE: &str = "WHERE ($1 = 0 OR t.actor_id = $1) AND ($2 = 0 OR t.patient_id = $2) \
    AND ($3 = '' OR t.action = $3) AND ($4 = '' OR t.door = $4) \
    AND t.at >= $5 AND t.at < $6 AND ($7 = 0 OR t.allowed = 0)";

fn bind_filter<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    f: &Filter,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(f.actor_id.unwrap_or(0))
        .bind(f.patient_id.unwrap_or(0))
        .bind(f.action.map(TrailAction::as_str).unwrap_or(""))
        .bind(f.door.map(Door::as_str).unwrap_or(""))
        .bind(f.from_ms.unwrap_or(i64::MIN))
        .bind(f.to_ms.unwrap_or(i64::MAX))
        .bind(i64::from(f.refused_only))
}

/// How many entries match.
pub async fn count(conn: &mut AnyConnection, filter: &Filter) -> DomainResult<i64> {
    let sql = format!("SELECT COUNT(*) FROM access_trail t {WHERE}");
    let query = bind_filter(sqlx::query(sqlx::AssertSqlSafe(sql)), filter);
    let row = query.fetch_one(conn).await.map_err(db_error)?;
    row.try_get(0).map_err(db_error)
}

/// Matching entries, newest first, with the names of actor and patient.
pub async fn search(
    conn: &mut AnyConnection,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> DomainResult<Vec<TrailEntry>> {
    let sql = format!(
        "SELECT t.seq, t.at, t.actor_id, t.actor_role, t.action, t.resource, t.resource_id, \
         t.patient_id, t.door, t.request_id, t.allowed, t.emergency, t.reason, \
         a.first_name || ' ' || a.last_name AS actor_name, \
         p.first_name || ' ' || p.last_name AS patient_name \
         FROM access_trail t LEFT JOIN users a ON a.id = t.actor_id \
         LEFT JOIN users p ON p.id = t.patient_id {WHERE} \
         ORDER BY t.seq DESC LIMIT $8 OFFSET $9"
    );
    let rows = bind_filter(sqlx::query(sqlx::AssertSqlSafe(sql)), filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(entry_from_row).collect()
}

fn entry_from_row(row: &AnyRow) -> DomainResult<TrailEntry> {
    let text = |name: &str| -> DomainResult<String> { row.try_get(name).map_err(db_error) };
    let unknown =
        |what: &str, value: &str| DomainError::internal(format!("unknown trail {what} {value}"));
    let action = text("action")?;
    let resource = text("resource")?;
    let door = text("door")?;
    let role: Option<String> = row.try_get("actor_role").map_err(db_error)?;
    Ok(TrailEntry {
        seq: row.try_get("seq").map_err(db_error)?,
        at: row.try_get("at").map_err(db_error)?,
        actor_id: row.try_get("actor_id").map_err(db_error)?,
        actor_name: row.try_get("actor_name").map_err(db_error)?,
        actor_role: role.as_deref().and_then(|r| Role::parse(r).ok()),
        action: TrailAction::parse(&action).ok_or_else(|| unknown("action", &action))?,
        resource: Resource::parse(&resource).ok_or_else(|| unknown("resource", &resource))?,
        resource_id: row.try_get("resource_id").map_err(db_error)?,
        patient_id: row.try_get("patient_id").map_err(db_error)?,
        patient_name: row.try_get("patient_name").map_err(db_error)?,
        door: Door::parse(&door).ok_or_else(|| unknown("door", &door))?,
        request_id: row.try_get("request_id").map_err(db_error)?,
        allowed: row.try_get::<i64, _>("allowed").map_err(db_error)? != 0,
        emergency: row.try_get::<i64, _>("emergency").map_err(db_error)? != 0,
        reason: row.try_get("reason").map_err(db_error)?,
    })
}
