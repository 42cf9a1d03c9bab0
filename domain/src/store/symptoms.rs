//! SQL for the symptom checker's models and the checks they answered.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, unique_violation_on};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::symptoms::check::ModelInfo;

/// A model to store.
pub struct NewModel<'a> {
    pub version: &'a str,
    pub source: &'a str,
    pub trained_by: Option<UserId>,
    pub samples: i64,
    pub classes: i64,
    pub trees: i64,
    pub accuracy: Option<f64>,
    pub macro_f1: Option<f64>,
    pub baseline_accuracy: Option<f64>,
    pub bytes: &'a [u8],
}

const INFO: &str = "id, version, source, trained_at, samples, classes, trees, accuracy, macro_f1, \
    baseline_accuracy, active, LENGTH(model) AS size_bytes";

/// Stores a model (inactive); returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    model: &NewModel<'_>,
    now_ms: i64,
) -> DomainResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO symptom_models (version, source, trained_at, trained_by, samples, classes, \
         trees, accuracy, macro_f1, baseline_accuracy, active, model) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11) RETURNING id",
    )
    .bind(model.version)
    .bind(model.source)
    .bind(now_ms)
    .bind(model.trained_by)
    .bind(model.samples)
    .bind(model.classes)
    .bind(model.trees)
    .bind(model.accuracy)
    .bind(model.macro_f1)
    .bind(model.baseline_accuracy)
    .bind(model.bytes.to_vec())
    .fetch_one(conn)
    .await
    .map_err(|err| match unique_violation_on(&err, &["version"]) {
        Some(_) => DomainError::Conflict {
            field: None,
            code: "model_version_taken",
            message: "another model was stored under this version".into(),
        },
        None => db_error(err),
    })
}

/// Makes `id` the one active model; false if there is no such model.
pub async fn activate(conn: &mut AnyConnection, id: i64) -> DomainResult<bool> {
    sqlx::query("UPDATE symptom_models SET active = 0 WHERE active = 1 AND id <> $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    let done = sqlx::query("UPDATE symptom_models SET active = 1 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// The active model's id, version and bytes.
pub async fn active(conn: &mut AnyConnection) -> DomainResult<Option<(i64, String, Vec<u8>)>> {
    let row = sqlx::query("SELECT id, version, model FROM symptom_models WHERE active = 1")
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.map(|r| {
        Ok((
            r.try_get("id").map_err(db_error)?,
            r.try_get("version").map_err(db_error)?,
            r.try_get("model").map_err(db_error)?,
        ))
    })
    .transpose()
}

/// Every model, newest first.
pub async fn list(conn: &mut AnyConnection) -> DomainResult<Vec<ModelInfo>> {
    let sql = format!("SELECT {INFO} FROM symptom_models ORDER BY id DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(info).collect()
}

/// How many models there are (the next version number).
pub async fn count(conn: &mut AnyConnection) -> DomainResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM symptom_models")
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// One model by id or by version.
pub async fn find(
    conn: &mut AnyConnection,
    id_or_version: &str,
) -> DomainResult<Option<ModelInfo>> {
    let sql =
        format!("SELECT {INFO} FROM symptom_models WHERE version = $1 OR CAST(id AS TEXT) = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id_or_version)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(info).transpose()
}

fn info(row: &AnyRow) -> DomainResult<ModelInfo> {
    Ok(ModelInfo {
        id: row.try_get("id").map_err(db_error)?,
        version: row.try_get("version").map_err(db_error)?,
        source: row.try_get("source").map_err(db_error)?,
        trained_at: row.try_get("trained_at").map_err(db_error)?,
        samples: row.try_get("samples").map_err(db_error)?,
        classes: row.try_get("classes").map_err(db_error)?,
        trees: row.try_get("trees").map_err(db_error)?,
        accuracy: row.try_get("accuracy").map_err(db_error)?,
        macro_f1: row.try_get("macro_f1").map_err(db_error)?,
        baseline_accuracy: row.try_get("baseline_accuracy").map_err(db_error)?,
        active: row.try_get::<i64, _>("active").map_err(db_error)? == 1,
        size_bytes: row.try_get::<i64, _>("size_bytes").map_err(db_error)?,
    })
}

/// A check to record.
pub struct NewCheck<'a> {
    pub patient_id: UserId,
    pub model_id: i64,
    pub features: &'a str,
    pub prediction: &'a str,
    pub confidence: f64,
    pub urgency: &'a str,
    pub red_flags: &'a str,
    pub specialty: &'a str,
}

/// Records a check; returns its id.
pub async fn record_check(
    conn: &mut AnyConnection,
    check: &NewCheck<'_>,
    now_ms: i64,
) -> DomainResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO symptom_checks (patient_id, model_id, checked_at, features, prediction, \
         confidence, urgency, red_flags, specialty) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id",
    )
    .bind(check.patient_id)
    .bind(check.model_id)
    .bind(now_ms)
    .bind(check.features)
    .bind(check.prediction)
    .bind(check.confidence)
    .bind(check.urgency)
    .bind(check.red_flags)
    .bind(check.specialty)
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

/// The model version that answered check `id`.
pub async fn version_of_check(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<String>> {
    sqlx::query_scalar(
        "SELECT m.version FROM symptom_checks c JOIN symptom_models m ON m.id = c.model_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)
}

/// The French and English names of `specialty` if an active doctor
/// practises it.
pub async fn specialty_practised(
    conn: &mut AnyConnection,
    specialty: &str,
) -> DomainResult<Option<(String, String)>> {
    let row = sqlx::query(
        "SELECT s.name_fr, s.name_en FROM specialties s WHERE s.code = $1 AND EXISTS (SELECT 1 \
         FROM doctor_profiles dp JOIN users u ON u.id = dp.user_id \
         WHERE dp.specialty_id = s.id AND u.deactivated_at IS NULL)",
    )
    .bind(specialty)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.map(|r| {
        Ok((
            r.try_get("name_fr").map_err(db_error)?,
            r.try_get("name_en").map_err(db_error)?,
        ))
    })
    .transpose()
}
