//! SQL for patients' medical profiles.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{db_error, unique_violation_on};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::medical::{BloodGroup, EmergencyContact, Level, MedicalProfile, Sex};

const COLUMNS: &str = "patient_id, date_of_birth, sex, blood_group, height_cm, weight_kg, \
    allergies, chronic_conditions, emergency_name, emergency_phone, emergency_relation, \
    mobile_phone, postal_code, blood_pressure_level, cholesterol_level, time_zone, updated_at";

/// The profile of `patient_id`, if ever saved.
pub async fn get(
    conn: &mut AnyConnection,
    patient_id: UserId,
) -> DomainResult<Option<MedicalProfile>> {
    let sql = format!("SELECT {COLUMNS} FROM medical_profiles WHERE patient_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(patient_id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// Creates or replaces the profile. The mobile phone is claimed for the
/// patient while their account is active: a number another active patient
/// holds is a conflict on `mobile_phone`.
pub async fn save(
    conn: &mut AnyConnection,
    profile: &MedicalProfile,
    active: bool,
    now_ms: i64,
) -> DomainResult<()> {
    let list = |items: &Vec<String>| serde_json::to_string(items).map_err(DomainError::internal);
    let contact = profile.emergency_contact.as_ref();
    sqlx::query(
        "INSERT INTO medical_profiles (patient_id, date_of_birth, sex, blood_group, height_cm, \
         weight_kg, allergies, chronic_conditions, emergency_name, emergency_phone, \
         emergency_relation, mobile_phone, active_mobile_phone, blood_pressure_level, \
         cholesterol_level, time_zone, updated_at, postal_code) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         ON CONFLICT (patient_id) DO UPDATE SET date_of_birth = excluded.date_of_birth, \
         sex = excluded.sex, blood_group = excluded.blood_group, height_cm = excluded.height_cm, \
         weight_kg = excluded.weight_kg, allergies = excluded.allergies, \
         chronic_conditions = excluded.chronic_conditions, emergency_name = excluded.emergency_name, \
         emergency_phone = excluded.emergency_phone, \
         emergency_relation = excluded.emergency_relation, mobile_phone = excluded.mobile_phone, \
         active_mobile_phone = excluded.active_mobile_phone, \
         blood_pressure_level = excluded.blood_pressure_level, \
         cholesterol_level = excluded.cholesterol_level, time_zone = excluded.time_zone, \
         updated_at = excluded.updated_at, postal_code = excluded.postal_code",
    )
    .bind(profile.patient_id)
    .bind(profile.date_of_birth.map(|d| d.to_string()))
    .bind(profile.sex.map(Sex::as_str))
    .bind(profile.blood_group.map(BloodGroup::as_str))
    .bind(profile.height_cm)
    .bind(profile.weight_kg)
    .bind(list(&profile.allergies)?)
    .bind(list(&profile.chronic_conditions)?)
    .bind(contact.map(|c| c.name.clone()))
    .bind(contact.map(|c| c.phone.clone()))
    .bind(contact.map(|c| c.relation.clone()))
    .bind(profile.mobile_phone.clone())
    .bind(profile.mobile_phone.clone().filter(|_| active))
    .bind(profile.blood_pressure_level.map(Level::as_str))
    .bind(profile.cholesterol_level.map(Level::as_str))
    .bind(profile.time_zone.clone())
    .bind(now_ms)
    .bind(profile.postal_code.clone())
    .execute(conn)
    .await
    .map(drop)
    .map_err(|err| match unique_violation_on(&err, &["active_mobile_phone"]) {
        Some(_) => DomainError::Conflict {
            field: Some("mobile_phone"),
            code: "mobile_phone_taken",
            message: "another patient already uses this mobile number".into(),
        },
        None => db_error(err),
    })
}

/// Releases the patient's mobile number (their account was deactivated).
pub async fn release_mobile_phone(
    conn: &mut AnyConnection,
    patient_id: UserId,
) -> DomainResult<()> {
    sqlx::query("UPDATE medical_profiles SET active_mobile_phone = NULL WHERE patient_id = $1")
        .bind(patient_id)
        .execute(conn)
        .await
        .map(drop)
        .map_err(db_error)
}

/// The time zone `patient_id` set in their profile, if any.
pub async fn time_zone(
    conn: &mut AnyConnection,
    patient_id: UserId,
) -> DomainResult<Option<String>> {
    let zone: Option<Option<String>> =
        sqlx::query_scalar("SELECT time_zone FROM medical_profiles WHERE patient_id = $1")
            .bind(patient_id)
            .fetch_optional(conn)
            .await
            .map_err(db_error)?;
    Ok(zone.flatten())
}

/// The active patient whose mobile number is `e164`, if any.
pub async fn patient_by_mobile(
    conn: &mut AnyConnection,
    e164: &str,
) -> DomainResult<Option<UserId>> {
    sqlx::query_scalar("SELECT patient_id FROM medical_profiles WHERE active_mobile_phone = $1")
        .bind(e164)
        .fetch_optional(conn)
        .await
        .map_err(db_error)
}

fn from_row(row: &AnyRow) -> DomainResult<MedicalProfile> {
    let text = |name: &str| -> DomainResult<Option<String>> { row.try_get(name).map_err(db_error) };
    let list = |name: &str| -> DomainResult<Vec<String>> {
        let raw: String = row.try_get(name).map_err(db_error)?;
        serde_json::from_str(&raw).map_err(DomainError::internal)
    };
    let date_of_birth = text("date_of_birth")?
        .map(|d| d.parse().map_err(DomainError::internal))
        .transpose()?;
    let emergency_contact = match (
        text("emergency_name")?,
        text("emergency_phone")?,
        text("emergency_relation")?,
    ) {
        (Some(name), Some(phone), Some(relation)) => Some(EmergencyContact {
            name,
            phone,
            relation,
        }),
        _ => None,
    };
    Ok(MedicalProfile {
        patient_id: row.try_get("patient_id").map_err(db_error)?,
        date_of_birth,
        sex: text("sex")?.as_deref().and_then(Sex::parse),
        blood_group: text("blood_group")?.as_deref().and_then(BloodGroup::parse),
        height_cm: row
            .try_get::<Option<i64>, _>("height_cm")
            .map_err(db_error)?
            .and_then(|h| i32::try_from(h).ok()),
        weight_kg: row.try_get("weight_kg").map_err(db_error)?,
        allergies: list("allergies")?,
        chronic_conditions: list("chronic_conditions")?,
        emergency_contact,
        mobile_phone: text("mobile_phone")?,
        postal_code: text("postal_code")?,
        blood_pressure_level: text("blood_pressure_level")?
            .as_deref()
            .and_then(Level::parse),
        cholesterol_level: text("cholesterol_level")?.as_deref().and_then(Level::parse),
        time_zone: text("time_zone")?,
        updated_at: Some(row.try_get("updated_at").map_err(db_error)?),
    })
}
