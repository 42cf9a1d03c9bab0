//! SQL for the statistics: each a grouped count read in one pass, in the
//! order of an index where it can be (a year is then counted as it comes,
//! not sorted first). Appointments are grouped by the reader's local hour:
//! the period is cut where the zone's offset changes, and each start is
//! shifted by the offset of its piece (per UTC hour in index order where the
//! offsets are whole hours, in SQL elsewhere).

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

/// A query's text and its bound values (all integers). On PostgreSQL,
/// statistics queries are not kept prepared: each is then planned for the
/// period asked (a year and a day want different plans), never with a
/// generic plan. SQLite keeps them (it plans them as well either way, and
/// faster prepared).
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

    /// Rows of three columns named `names`.
    async fn triples<A, B, C>(
        self,
        conn: &mut AnyConnection,
        names: [&str; 3],
    ) -> DomainResult<Vec<(A, B, C)>>
    where
        for<'r> A: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
        for<'r> B: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
        for<'r> C: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        triples(&self.rows(conn).await?, names)
    }

    async fn rows(self, conn: &mut AnyConnection) -> DomainResult<Vec<sqlx::any::AnyRow>> {
        let mut query = sqlx::query(AssertSqlSafe(self.text)).persistent(is_sqlite(conn));
        for value in self.binds {
            query = query.bind(value);
        }
        query.fetch_all(conn).await.map_err(db_error)
    }
}

fn is_sqlite(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("sqlite")
}

/// `column` for a range test SQLite must not answer from the column's index:
/// `+column` there, so that it reads in the order of the index that groups
/// (a year's rows are then counted as they come, not sorted first).
/// PostgreSQL estimates better without it (and hashes its groups).
fn in_group_order(conn: &AnyConnection, column: &str) -> String {
    if is_sqlite(conn) {
        format!("+{column}")
    } else {
        column.to_owned()
    }
}

/// Each row's three columns named `names`.
fn triples<A, B, C>(rows: &[sqlx::any::AnyRow], names: [&str; 3]) -> DomainResult<Vec<(A, B, C)>>
where
    for<'r> A: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    for<'r> B: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    for<'r> C: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(names[0]).map_err(db_error)?,
                r.try_get(names[1]).map_err(db_error)?,
                r.try_get(names[2]).map_err(db_error)?,
            ))
        })
        .collect()
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
///
/// Where the zone's offsets over the period are whole hours (nearly every
/// zone), the count is by UTC hour in the order of an index and each hour is
/// shifted by its piece's offset here; elsewhere (India, Nepal, Newfoundland…)
/// each start is shifted in SQL.
pub async fn appointments_by_hour(
    conn: &mut AnyConnection,
    tz: &TimeZone,
    from: Timestamp,
    to: Timestamp,
    scope: Scope,
) -> DomainResult<Vec<(i64, String, i64)>> {
    let pieces = offset_pieces(tz, from, to);
    let whole_hours = [from.as_millisecond(), to.as_millisecond()]
        .into_iter()
        .chain(pieces.iter().flat_map(|&(end, offset)| [end, offset]))
        .all(|ms| ms % HOUR_MS == 0);
    let mut sql = Sql::new("");
    if whole_hours {
        let (a, b) = (
            sql.bind(from.as_millisecond() / HOUR_MS),
            sql.bind(to.as_millisecond() / HOUR_MS),
        );
        sql.push(&format!(
            "SELECT starts_at / {HOUR_MS} AS hour, status, COUNT(*) AS n FROM appointments \
             WHERE starts_at / {HOUR_MS} >= {a} AND starts_at / {HOUR_MS} < {b}"
        ));
        sql.doctors("doctor_id", scope);
        sql.push(&format!(" GROUP BY starts_at / {HOUR_MS}, status"));
        let rows: Vec<(i64, String, i64)> = sql.triples(conn, ["hour", "status", "n"]).await?;
        return Ok(rows
            .into_iter()
            .map(|(hour, status, n)| {
                let offset = pieces
                    .iter()
                    .find(|(end, _)| hour * HOUR_MS < *end)
                    .map_or(0, |(_, offset)| offset / HOUR_MS);
                (hour + offset, status, n)
            })
            .collect());
    }
    let case = offset_case(&mut sql, "starts_at", &pieces);
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
    sql.triples(conn, ["hour", "status", "n"]).await
}

/// Appointments held (not cancelled or refused) in `[from, to)`, by doctor
/// and kind (a doctor and kind may come once per status: callers add up).
///
/// On SQLite, read in the order of the doctor index ([`in_group_order`]).
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
    let starts = in_group_order(conn, "starts_at");
    sql.push(&format!(
        "SELECT doctor_id, status, consultation_type, COUNT(*) AS n FROM appointments \
         WHERE {starts} >= {a} AND {starts} < {b}"
    ));
    sql.doctors("doctor_id", scope);
    sql.push(" GROUP BY doctor_id, status, consultation_type");
    let rows = sql.rows(conn).await?;
    let mut held = Vec::new();
    for r in &rows {
        let status: String = r.try_get("status").map_err(db_error)?;
        if matches!(status.as_str(), "cancelled" | "refused") {
            continue;
        }
        let doctor: UserId = r.try_get("doctor_id").map_err(db_error)?;
        let kind: String = r.try_get("consultation_type").map_err(db_error)?;
        held.push((doctor, kind, r.try_get("n").map_err(db_error)?));
    }
    Ok(held)
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

/// The assistant's answers in the hours starting in `[from, to)`, by outcome
/// (summed in one pass over the hours, not grouped: no sort).
pub async fn assistant_answers(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<(String, i64)>> {
    const OUTCOMES: [&str; 3] = ["understood", "not_understood", "emergency"];
    let sums: Vec<String> = OUTCOMES
        .iter()
        .map(|o| {
            format!(
                "CAST(COALESCE(SUM(CASE WHEN outcome = '{o}' THEN count END), 0) AS BIGINT) AS {o}"
            )
        })
        .collect();
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {} FROM assistant_usage WHERE hour >= $1 AND hour < $2",
        sums.join(", ")
    )))
    .persistent(is_sqlite(conn))
    .bind(from.as_millisecond())
    .bind(to.as_millisecond())
    .fetch_one(conn)
    .await
    .map_err(db_error)?;
    OUTCOMES
        .iter()
        .map(|o| Ok(((*o).to_owned(), row.try_get(*o).map_err(db_error)?)))
        .collect()
}

/// Outside messages written in `[from, to)`, by channel and status (on
/// SQLite in the order of the channel index: [`in_group_order`]).
pub async fn deliveries(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
) -> DomainResult<Vec<(String, String, i64)>> {
    let created = in_group_order(conn, "created_at");
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT channel, status, COUNT(*) AS n FROM outbound_messages \
         WHERE {created} >= $1 AND {created} < $2 GROUP BY channel, status ORDER BY channel, status"
    )))
    .persistent(is_sqlite(conn))
    .bind(from.as_millisecond())
    .bind(to.as_millisecond())
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    triples(&rows, ["channel", "status", "n"])
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
