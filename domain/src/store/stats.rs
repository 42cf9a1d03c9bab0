//! SQL for the statistics: each a grouped count over an indexed range, so a
//! year of a clinic's data is read in one pass. Appointments are grouped by
//! the reader's local hour in SQL: the period is cut where the zone's offset
//! changes, and each start is shifted by the offset of its piece.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{db_error, now_ms};
use crate::accounts::UserId;
use crate::error::DomainResult;

const HOUR_MS: i64 = 3_600_000;

/// Whose appointments (and whose patients' alerts) a statistic counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    pub doctor_id: Option<UserId>,
    pub specialty_id: Option<i64>,
}

/// A query's text and its bound values (all integers).
struct Sql {
    text: String,
    binds: Vec<i64>,
}

impl Sql {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    /// Binds `value` and returns its placeholder.
    fn bind(&mut self, value: i64) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// `AND <column> …` limiting doctors to the scope.
    fn doctors(&mut self, column: &str, scope: Scope) {
        if let Some(id) = scope.doctor_id {
            let p = self.bind(id);
            self.push(&format!(" AND {column} = {p}"));
        }
        if let Some(id) = scope.specialty_id {
            let p = self.bind(id);
            self.push(&format!(
                " AND {column} IN (SELECT user_id FROM doctor_profiles WHERE specialty_id = {p})"
            ));
        }
    }

    async fn rows(self, conn: &mut AnyConnection) -> DomainResult<Vec<sqlx::any::AnyRow>> {
        let mut query = sqlx::query(AssertSqlSafe(self.text));
        for value in self.binds {
            query = query.bind(value);
        }
        query.fetch_all(conn).await.map_err(db_error)
    }
}

/// The zone's offsets over `[from, to)`: (piece's end, offset) in
/// milliseconds, the last piece ending at `to`.
pub fn offset_pieces(tz: &TimeZone, from: Timestamp, to: Timestamp) -> Vec<(i64, i64)> {
    let mut pieces = Vec::new();
    let mut offset = tz.to_offset(from);
    for transition in tz.following(from) {
        if transition.timestamp() >= to {
            break;
        }
        pieces.push((
            transition.timestamp().as_millisecond(),
            i64::from(offset.seconds()) * 1000,
        ));
        offset = transition.offset();
    }
    pieces.push((to.as_millisecond(), i64::from(offset.seconds()) * 1000));
    pieces
}

/// `CASE …` giving the local offset of `column`'s instant.
fn offset_case(sql: &mut Sql, column: &str, pieces: &[(i64, i64)]) -> String {
    let Some(((_, last), rest)) = pieces.split_last() else {
        return "0".into();
    };
    if rest.is_empty() {
        return sql.bind(*last);
    }
    let mut case = String::from("CASE");
    for (end, offset) in rest {
        let (end, offset) = (sql.bind(*end), sql.bind(*offset));
        case.push_str(&format!(" WHEN {column} < {end} THEN {offset}"));
    }
    let last = sql.bind(*last);
    case.push_str(&format!(" ELSE {last} END"));
    case
}

/// Appointments starting in `[from, to)` grouped by local hour (hours since
/// the local epoch) and status.
pub async fn appointments_by_hour(
    conn: &mut AnyConnection,
    tz: &TimeZone,
    from: Timestamp,
    to: Timestamp,
    scope: Scope,
) -> DomainResult<Vec<(i64, String, i64)>> {
    let mut sql = Sql::new("");
    let case = offset_case(&mut sql, "starts_at", &offset_pieces(tz, from, to));
    let (a, b) = (
        sql.bind(from.as_millisecond()),
        sql.bind(to.as_millisecond()),
    );
    sql.push(&format!(
        "SELECT (starts_at + {case}) / {HOUR_MS} AS hour, status, COUNT(*) AS n FROM appointments \
         WHERE starts_at >= {a} AND starts_at < {b}"
    ));
    sql.doctors("doctor_id", scope);
    sql.push(" GROUP BY 1, status");
    sql.rows(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("hour").map_err(db_error)?,
                r.try_get("status").map_err(db_error)?,
                r.try_get("n").map_err(db_error)?,
            ))
        })
        .collect()
}

/// Appointments held (not cancelled or refused) in `[from, to)`, by doctor
/// and kind.
pub async fn held_by_doctor(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
    scope: Scope,
) -> DomainResult<Vec<(UserId, String, i64)>> {
    let mut sql = Sql::new("");
    let (a, b) = (
        sql.bind(from.as_millisecond()),
        sql.bind(to.as_millisecond()),
    );
    sql.push(&format!(
        "SELECT doctor_id, consultation_type, COUNT(*) AS n FROM appointments \
         WHERE starts_at >= {a} AND starts_at < {b} AND status NOT IN ('cancelled', 'refused')"
    ));
    sql.doctors("doctor_id", scope);
    sql.push(" GROUP BY doctor_id, consultation_type");
    sql.rows(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("doctor_id").map_err(db_error)?,
                r.try_get("consultation_type").map_err(db_error)?,
                r.try_get("n").map_err(db_error)?,
            ))
        })
        .collect()
}

/// An active doctor as the statistics name them.
#[derive(Debug, Clone)]
pub struct StatDoctor {
    pub id: UserId,
    pub name: String,
    pub timezone: String,
    pub specialty_id: Option<i64>,
}

/// The active doctors in scope, by name.
pub async fn doctors(conn: &mut AnyConnection, scope: Scope) -> DomainResult<Vec<StatDoctor>> {
    let mut sql = Sql::new(
        "SELECT u.id, u.first_name, u.last_name, p.timezone, p.specialty_id FROM users u \
         JOIN doctor_profiles p ON p.user_id = u.id WHERE u.role = 'doctor' AND u.deactivated_at IS NULL",
    );
    sql.doctors("u.id", scope);
    sql.push(" ORDER BY u.last_name, u.first_name, u.id");
    sql.rows(conn)
        .await?
        .iter()
        .map(|r| {
            let first: String = r.try_get("first_name").map_err(db_error)?;
            let last: String = r.try_get("last_name").map_err(db_error)?;
            Ok(StatDoctor {
                id: r.try_get("id").map_err(db_error)?,
                name: format!("{first} {last}").trim().to_owned(),
                timezone: r.try_get("timezone").map_err(db_error)?,
                specialty_id: r.try_get("specialty_id").map_err(db_error)?,
            })
        })
        .collect()
}

/// Alerts raised in `[from, to)` for patients of doctors in scope (every
/// patient without a scope): level, and milliseconds to acknowledgement.
pub async fn alerts(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
    scope: Scope,
) -> DomainResult<Vec<(String, Option<i64>)>> {
    let mut sql = Sql::new("");
    let (a, b) = (
        sql.bind(from.as_millisecond()),
        sql.bind(to.as_millisecond()),
    );
    sql.push(&format!(
        "SELECT level, acknowledged_at - raised_at AS waited FROM vital_alerts \
         WHERE raised_at >= {a} AND raised_at < {b}"
    ));
    if scope.doctor_id.is_some() || scope.specialty_id.is_some() {
        sql.push(
            " AND patient_id IN (SELECT patient_id FROM care_relationships WHERE ended_at IS NULL",
        );
        sql.doctors("doctor_id", scope);
        sql.push(")");
    }
    sql.rows(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("level").map_err(db_error)?,
                r.try_get("waited").map_err(db_error)?,
            ))
        })
        .collect()
}

/// Counts one answer of the assistant (`understood`, `not_understood` or
/// `emergency`) in the current hour.
pub async fn count_answer(conn: &mut AnyConnection, outcome: &str, lang: &str) -> DomainResult<()> {
    let hour = now_ms().div_euclid(HOUR_MS) * HOUR_MS;
    sqlx::query(
        "INSERT INTO assistant_usage (hour, outcome, lang, count) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (hour, outcome, lang) DO UPDATE SET count = assistant_usage.count + 1",
    )
    .bind(hour)
    .bind(outcome)
    .bind(lang)
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}

/// The assistant's answers in the hours starting in `[from, to)`, by outcome.
pub async fn assistant_answers(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT outcome, CAST(SUM(count) AS BIGINT) AS n FROM assistant_usage WHERE hour >= $1 AND hour < $2 GROUP BY outcome",
    )
    .bind(from.as_millisecond())
    .bind(to.as_millisecond())
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("outcome").map_err(db_error)?,
                r.try_get("n").map_err(db_error)?,
            ))
        })
        .collect()
}

/// Outside messages written in `[from, to)`, by channel and status.
pub async fn deliveries(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT channel, status, COUNT(*) AS n FROM outbound_messages \
         WHERE created_at >= $1 AND created_at < $2 GROUP BY channel, status ORDER BY channel, status",
    )
    .bind(from.as_millisecond())
    .bind(to.as_millisecond())
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("channel").map_err(db_error)?,
                r.try_get("status").map_err(db_error)?,
                r.try_get("n").map_err(db_error)?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_follow_the_clock_changes() {
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        let pieces = offset_pieces(&tz, from, to);
        let offsets: Vec<i64> = pieces.iter().map(|p| p.1 / 3_600_000).collect();
        assert_eq!(offsets, [1, 2, 1]);
        assert_eq!(pieces.last().unwrap().0, to.as_millisecond());
        let utc = offset_pieces(&TimeZone::UTC, from, to);
        assert_eq!(utc, [(to.as_millisecond(), 0)]);
    }
}
