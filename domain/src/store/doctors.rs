//! SQL for the doctors' directory and their public profiles.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::db_error;
use crate::accounts::{Specialty, UserId};
use crate::doctors::ProfileFields;
use crate::error::DomainResult;
use crate::scheduling::ConsultationType;

/// An active doctor as the directory lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorListing {
    pub id: UserId,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// Specialty code and names, if set.
    pub specialty: Option<Specialty>,
    pub bio: String,
    pub phone: String,
    pub address: String,
    pub languages: Vec<String>,
    pub timezone: String,
    /// Whether an active weekly range offers in-person / remote consultations.
    pub offers_in_person: bool,
    pub offers_remote: bool,
}

impl DoctorListing {
    /// The profile fields a doctor edits.
    pub fn profile(&self) -> ProfileFields {
        ProfileFields {
            specialty: self.specialty.as_ref().map(|s| s.code.clone()),
            bio: self.bio.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            languages: self.languages.clone(),
        }
    }
}

/// What the directory is filtered by (all optional).
#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter<'a> {
    /// Specialty code.
    pub specialty: Option<&'a str>,
    /// Part of the name, any case.
    pub name: Option<&'a str>,
    /// Offered by at least one active weekly range.
    pub consultation_type: Option<ConsultationType>,
    /// One doctor.
    pub id: Option<UserId>,
}

const SELECT: &str = "SELECT u.id, u.username, u.first_name, u.last_name, u.email, \
    s.id AS specialty_id, s.code, s.name_fr, s.name_en, \
    p.bio, p.phone, p.address, p.languages, p.timezone, \
    CASE WHEN EXISTS (SELECT 1 FROM availabilities a WHERE a.doctor_id = u.id AND a.active = 1 \
        AND a.consultation_type IN ('in_person', 'both')) THEN 1 ELSE 0 END AS offers_in_person, \
    CASE WHEN EXISTS (SELECT 1 FROM availabilities a WHERE a.doctor_id = u.id AND a.active = 1 \
        AND a.consultation_type IN ('remote', 'both')) THEN 1 ELSE 0 END AS offers_remote \
    FROM users u JOIN doctor_profiles p ON p.user_id = u.id \
    LEFT JOIN specialties s ON s.id = p.specialty_id \
    WHERE u.role = 'doctor' AND u.deactivated_at IS NULL";

/// Active doctors, by last name, filtered.
pub async fn doctors(
    conn: &mut AnyConnection,
    filter: &DirectoryFilter<'_>,
) -> DomainResult<Vec<DoctorListing>> {
    let pattern = filter
        .name
        .map(|n| format!("%{}%", n.trim().to_lowercase()))
        .unwrap_or_default();
    let kind = match filter.consultation_type {
        None | Some(ConsultationType::Both) => "",
        Some(ConsultationType::InPerson) => "in_person",
        Some(ConsultationType::Remote) => "remote",
    };
    let sql = format!(
        "SELECT * FROM ({SELECT} AND ($1 = '' OR s.code = $1) \
         AND ($2 = '' OR LOWER(u.first_name || ' ' || u.last_name) LIKE $2) \
         AND ($4 = 0 OR u.id = $5)) d \
         WHERE ($3 = '' OR ($3 = 'in_person' AND d.offers_in_person = 1) OR ($3 = 'remote' AND d.offers_remote = 1)) \
         ORDER BY d.last_name, d.first_name, d.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(filter.specialty.unwrap_or(""))
        .bind(pattern)
        .bind(kind)
        .bind(i64::from(filter.id.is_some()))
        .bind(filter.id.unwrap_or(0))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(listing).collect()
}

/// One active doctor.
pub async fn doctor(conn: &mut AnyConnection, id: UserId) -> DomainResult<Option<DoctorListing>> {
    let filter = DirectoryFilter {
        id: Some(id),
        ..DirectoryFilter::default()
    };
    Ok(doctors(conn, &filter).await?.into_iter().next())
}

fn listing(row: &AnyRow) -> DomainResult<DoctorListing> {
    let text = |name: &str| row.try_get::<String, _>(name).map_err(db_error);
    let flag = |name: &str| {
        row.try_get::<i64, _>(name)
            .map_err(db_error)
            .map(|v| v != 0)
    };
    let specialty_id: Option<i64> = row.try_get("specialty_id").map_err(db_error)?;
    let specialty = match specialty_id {
        Some(id) => Some(Specialty {
            id,
            code: text("code")?,
            name_fr: text("name_fr")?,
            name_en: text("name_en")?,
        }),
        None => None,
    };
    Ok(DoctorListing {
        id: row.try_get("id").map_err(db_error)?,
        username: text("username")?,
        first_name: text("first_name")?,
        last_name: text("last_name")?,
        email: text("email")?,
        specialty,
        bio: text("bio")?,
        phone: text("phone")?,
        address: text("address")?,
        languages: text("languages")?
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        timezone: text("timezone")?,
        offers_in_person: flag("offers_in_person")?,
        offers_remote: flag("offers_remote")?,
    })
}

/// Saves a doctor's profile fields (the specialty by id).
pub async fn save_profile(
    conn: &mut AnyConnection,
    doctor: UserId,
    fields: &ProfileFields,
    specialty_id: Option<i64>,
) -> DomainResult<()> {
    sqlx::query(
        "UPDATE doctor_profiles SET specialty_id = $2, bio = $3, phone = $4, address = $5, \
         languages = $6 WHERE user_id = $1",
    )
    .bind(doctor)
    .bind(specialty_id)
    .bind(&fields.bio)
    .bind(&fields.phone)
    .bind(&fields.address)
    .bind(fields.languages.join(","))
    .execute(conn)
    .await
    .map(drop)
    .map_err(db_error)
}
