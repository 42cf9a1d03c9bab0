//! SQL of what research exports read: the patients' identities and
//! quasi-identifiers, and each dataset's rows as a stream from the database
//! cursor (never the whole export in memory).

use std::collections::HashMap;

use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::db_error;
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::exports::Dataset;

/// A patient as exports read them.
#[derive(Debug, Clone, Default)]
pub struct Patient {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub birth: Option<Date>,
    pub sex: Option<String>,
    pub postal_code: Option<String>,
}

/// Every patient, by id.
pub async fn patients(conn: &mut AnyConnection) -> DomainResult<HashMap<UserId, Patient>> {
    let mut rows = sqlx::query(
        "SELECT u.id, u.first_name, u.last_name, u.email, mp.mobile_phone, mp.date_of_birth, \
           mp.sex, mp.postal_code \
         FROM users u LEFT JOIN medical_profiles mp ON mp.patient_id = u.id \
         WHERE u.role = 'patient'",
    )
    .fetch(conn);
    let mut out = HashMap::new();
    while let Some(row) = rows.try_next().await.map_err(db_error)? {
        let birth: Option<String> = row.try_get("date_of_birth").map_err(db_error)?;
        out.insert(
            row.try_get("id").map_err(db_error)?,
            Patient {
                first_name: row.try_get("first_name").map_err(db_error)?,
                last_name: row.try_get("last_name").map_err(db_error)?,
                email: row.try_get("email").map_err(db_error)?,
                phone: row.try_get("mobile_phone").map_err(db_error)?,
                birth: birth.and_then(|b| b.parse().ok()),
                sex: row.try_get("sex").map_err(db_error)?,
                postal_code: row.try_get("postal_code").map_err(db_error)?,
            },
        );
    }
    Ok(out)
}

/// Every account's first and last name (what scrubbed free text loses).
pub async fn names(conn: &mut AnyConnection) -> DomainResult<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT first_name, last_name FROM users")
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("first_name").map_err(db_error)?,
                r.try_get("last_name").map_err(db_error)?,
            ))
        })
        .collect()
}

/// What a dataset's query selects.
#[derive(Debug, Clone)]
pub struct Selection<'a> {
    pub dataset: Dataset,
    /// `[from, to)` in Unix milliseconds.
    pub from_ms: i64,
    pub to_ms: i64,
    pub status: Option<&'a str>,
    pub specialty: Option<&'a str>,
    pub now_ms: i64,
}

/// One row of a dataset as read, before shaping.
#[derive(Debug, Clone)]
pub struct Source {
    pub patient: UserId,
    /// The row's instant (the appointment's start, the record's creation,
    /// the minute, the treatment's start, the check).
    pub at: Timestamp,
    pub fields: Fields,
}

/// Each dataset's own fields.
#[derive(Debug, Clone)]
pub enum Fields {
    Appointment {
        doctor: UserId,
        specialty: Option<String>,
        ends_at: Timestamp,
        consultation_type: String,
        status: String,
        reason: String,
        created_at: Timestamp,
    },
    Consultation {
        doctor: UserId,
        specialty: Option<String>,
        status: String,
        validated_at: Option<Timestamp>,
        intake: String,
        examination: String,
        from_symptom_check: bool,
        messages: i64,
    },
    Vital {
        vital: i64,
        min: f64,
        max: f64,
        sum: f64,
        count: i64,
    },
    Treatment {
        medication: String,
        prescribed: bool,
        frequency: i64,
        duration_days: i64,
        active: bool,
        taken: i64,
        skipped: i64,
        instructions: Option<String>,
    },
    SymptomCheck {
        features: String,
        prediction: String,
        confidence: f64,
        urgency: String,
        red_flags: String,
        specialty: String,
    },
}

/// The query of `s` (rows in time order), its parameters bound in order.
fn query(s: &Selection<'_>) -> (String, Vec<Param>) {
    let mut params = vec![Param::Int(s.from_ms), Param::Int(s.to_ms)];
    let mut extra = String::new();
    let mut add = |cond: &str, p: Param, params: &mut Vec<Param>| {
        params.push(p);
        extra.push_str(&format!(" AND {cond} ${}", params.len()));
    };
    let sql = match s.dataset {
        Dataset::Appointments => {
            if let Some(st) = s.status {
                add("a.status =", Param::Text(st.to_owned()), &mut params);
            }
            if let Some(sp) = s.specialty {
                add("sp.code =", Param::Text(sp.to_owned()), &mut params);
            }
            format!(
                "SELECT a.patient_id, a.starts_at AS at, a.doctor_id, sp.code AS specialty, a.ends_at, \
                   a.consultation_type, a.status, a.reason, a.created_at \
                 FROM appointments a LEFT JOIN doctor_profiles dp ON dp.user_id = a.doctor_id \
                 LEFT JOIN specialties sp ON sp.id = dp.specialty_id \
                 WHERE a.starts_at >= $1 AND a.starts_at < $2{extra} ORDER BY a.starts_at, a.id"
            )
        }
        Dataset::Consultations => {
            if let Some(st) = s.status {
                add("c.status =", Param::Text(st.to_owned()), &mut params);
            }
            if let Some(sp) = s.specialty {
                add("sp.code =", Param::Text(sp.to_owned()), &mut params);
            }
            format!(
                "SELECT c.patient_id, c.created_at AS at, c.doctor_id, sp.code AS specialty, c.status, \
                   c.validated_at, c.intake, c.examination, c.symptom_check_id, \
                   COALESCE(m.n, 0) AS messages \
                 FROM consultations c LEFT JOIN doctor_profiles dp ON dp.user_id = c.doctor_id \
                 LEFT JOIN specialties sp ON sp.id = dp.specialty_id \
                 LEFT JOIN (SELECT consultation_id, COUNT(*) AS n FROM consultation_messages \
                            GROUP BY consultation_id) m ON m.consultation_id = c.id \
                 WHERE c.created_at >= $1 AND c.created_at < $2{extra} ORDER BY c.created_at, c.id"
            )
        }
        Dataset::Vitals => format!(
            "SELECT patient_id, minute AS at, vital, min_value, max_value, sum_value, count \
             FROM reading_minutes WHERE minute >= $1 AND minute < $2{extra} \
             ORDER BY minute, patient_id, vital"
        ),
        Dataset::Treatments => {
            match s.status {
                Some("active") => add("t.ends_at >", Param::Int(s.now_ms), &mut params),
                Some(_) => add("t.ends_at <=", Param::Int(s.now_ms), &mut params),
                None => {}
            }
            if let Some(sp) = s.specialty {
                add("sp.code =", Param::Text(sp.to_owned()), &mut params);
            }
            params.push(Param::Int(s.now_ms));
            let now = params.len();
            format!(
                "SELECT t.patient_id, t.started_at AS at, t.medocs_name, t.prescribed_by, t.frequency, \
                   t.duration_days, CASE WHEN t.ends_at > ${now} THEN 1 ELSE 0 END AS active, \
                   COALESCE(d.taken, 0) AS taken, COALESCE(d.skipped, 0) AS skipped, t.instructions \
                 FROM treatments t LEFT JOIN doctor_profiles dp ON dp.user_id = t.prescribed_by \
                 LEFT JOIN specialties sp ON sp.id = dp.specialty_id \
                 LEFT JOIN (SELECT treatment_id, \
                              SUM(CASE WHEN status = 'taken' THEN 1 ELSE 0 END) AS taken, \
                              SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END) AS skipped \
                            FROM treatment_doses GROUP BY treatment_id) d ON d.treatment_id = t.id \
                 WHERE t.started_at >= $1 AND t.started_at < $2{extra} ORDER BY t.started_at, t.id"
            )
        }
        Dataset::SymptomChecks => {
            if let Some(st) = s.status {
                add("urgency =", Param::Text(st.to_owned()), &mut params);
            }
            if let Some(sp) = s.specialty {
                add("specialty =", Param::Text(sp.to_owned()), &mut params);
            }
            format!(
                "SELECT patient_id, checked_at AS at, features, prediction, confidence, urgency, \
                   red_flags, specialty \
                 FROM symptom_checks WHERE checked_at >= $1 AND checked_at < $2{extra} \
                 ORDER BY checked_at, id"
            )
        }
    };
    (sql, params)
}

#[derive(Debug, Clone)]
enum Param {
    Int(i64),
    Text(String),
}

/// The query of `s` without its order (counting needs none, and ordering a
/// million rows only to count them would hold them all in the sorter).
fn unordered(s: &Selection<'_>) -> (String, Vec<Param>) {
    let (mut sql, params) = query(s);
    if let Some(at) = sql.rfind(" ORDER BY ") {
        sql.truncate(at);
    }
    (sql, params)
}

/// The query `sql` with `params` bound in order.
fn bound(
    sql: String,
    params: Vec<Param>,
) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    params
        .into_iter()
        .fold(sqlx::query(sqlx::AssertSqlSafe(sql)), |q, p| match p {
            Param::Int(n) => q.bind(n),
            Param::Text(t) => q.bind(t),
        })
}

/// How many rows `s` selects.
pub async fn count(conn: &mut AnyConnection, s: &Selection<'_>) -> DomainResult<i64> {
    let (sql, params) = unordered(s);
    bound(format!("SELECT COUNT(*) FROM ({sql}) q"), params)
        .fetch_one(conn)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(db_error)
}

/// The patients `s` has rows of.
pub async fn patients_in(conn: &mut AnyConnection, s: &Selection<'_>) -> DomainResult<Vec<UserId>> {
    let (sql, params) = unordered(s);
    bound(format!("SELECT DISTINCT patient_id FROM ({sql}) q"), params)
        .fetch_all(conn)
        .await
        .and_then(|rows| rows.iter().map(|row| row.try_get(0)).collect())
        .map_err(db_error)
}

/// The rows of `s`, streamed from the cursor.
pub fn rows<'c>(
    conn: &'c mut AnyConnection,
    s: &Selection<'_>,
) -> BoxStream<'c, DomainResult<Source>> {
    let (sql, params) = query(s);
    let dataset = s.dataset;
    let stream = async_stream(conn, sql, params);
    stream
        .map(move |row| row.map_err(db_error).and_then(|row| source(dataset, &row)))
        .boxed()
}

fn async_stream(
    conn: &mut AnyConnection,
    sql: String,
    params: Vec<Param>,
) -> BoxStream<'_, Result<AnyRow, sqlx::Error>> {
    futures_util::stream::once(async move { bound(sql, params).fetch(conn) })
        .flatten()
        .boxed()
}

fn source(dataset: Dataset, row: &AnyRow) -> DomainResult<Source> {
    let ms = |name: &str| -> DomainResult<Timestamp> {
        let v: i64 = row.try_get(name).map_err(db_error)?;
        Timestamp::from_millisecond(v).map_err(DomainError::internal)
    };
    let get_i = |name: &str| -> DomainResult<i64> { row.try_get(name).map_err(db_error) };
    let get_s = |name: &str| -> DomainResult<String> { row.try_get(name).map_err(db_error) };
    let fields = match dataset {
        Dataset::Appointments => Fields::Appointment {
            doctor: get_i("doctor_id")?,
            specialty: row.try_get("specialty").map_err(db_error)?,
            ends_at: ms("ends_at")?,
            consultation_type: get_s("consultation_type")?,
            status: get_s("status")?,
            reason: get_s("reason")?,
            created_at: ms("created_at")?,
        },
        Dataset::Consultations => {
            let validated: Option<i64> = row.try_get("validated_at").map_err(db_error)?;
            let check: Option<i64> = row.try_get("symptom_check_id").map_err(db_error)?;
            Fields::Consultation {
                doctor: get_i("doctor_id")?,
                specialty: row.try_get("specialty").map_err(db_error)?,
                status: get_s("status")?,
                validated_at: validated
                    .map(Timestamp::from_millisecond)
                    .transpose()
                    .map_err(DomainError::internal)?,
                intake: get_s("intake")?,
                examination: get_s("examination")?,
                from_symptom_check: check.is_some(),
                messages: get_i("messages")?,
            }
        }
        Dataset::Vitals => Fields::Vital {
            vital: get_i("vital")?,
            min: row.try_get("min_value").map_err(db_error)?,
            max: row.try_get("max_value").map_err(db_error)?,
            sum: row.try_get("sum_value").map_err(db_error)?,
            count: get_i("count")?,
        },
        Dataset::Treatments => {
            let by: Option<i64> = row.try_get("prescribed_by").map_err(db_error)?;
            Fields::Treatment {
                medication: get_s("medocs_name")?,
                prescribed: by.is_some(),
                frequency: get_i("frequency")?,
                duration_days: get_i("duration_days")?,
                active: get_i("active")? != 0,
                taken: get_i("taken")?,
                skipped: get_i("skipped")?,
                instructions: row.try_get("instructions").map_err(db_error)?,
            }
        }
        Dataset::SymptomChecks => Fields::SymptomCheck {
            features: get_s("features")?,
            prediction: get_s("prediction")?,
            confidence: row.try_get("confidence").map_err(db_error)?,
            urgency: get_s("urgency")?,
            red_flags: get_s("red_flags")?,
            specialty: get_s("specialty")?,
        },
    };
    Ok(Source {
        patient: get_i("patient_id")?,
        at: ms("at")?,
        fields,
    })
}
