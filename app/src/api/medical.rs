//! The medical file from the browser: profiles, care relationships, emergency
//! access and the access trail. The medical-data policy and the trail live in
//! the services; these functions only parse what the forms send.
//!
//! Few return types on purpose (each one adds code to the browser bundle):
//! a profile, a relationship or a list of them, a grant, a trail page.

use domain::accounts::UserId;
use domain::care::{CareRelationship, EmergencyGrant};
use domain::medical::MedicalProfile;
use domain::trail::{TrailPage, TrailQuery};
use leptos::prelude::*;

use crate::error::UiError;

/// A patient's medical profile: the caller's own without `patient_id`, else
/// that patient's (a doctor of their care team or under emergency access).
#[server]
pub async fn read_medical_profile(patient_id: Option<UserId>) -> Result<MedicalProfile, UiError> {
    use crate::session::{read_once, require_principal, services};
    let me = require_principal()?;
    let patient_id = patient_id.unwrap_or(me.user_id);
    let profiles = services()?.profiles.clone();
    read_once(format!("medical_profile/{patient_id}"), async move {
        Ok(profiles.profile(&me, patient_id).await?)
    })
    .await
}

/// The patient saves their whole profile, as the form sends it (text fields;
/// an empty field clears the value).
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_medical_profile(
    date_of_birth: String,
    sex: String,
    blood_group: String,
    height_cm: String,
    weight_kg: String,
    allergies: String,
    chronic_conditions: String,
    emergency_contact_name: String,
    emergency_contact_phone: String,
    emergency_contact_relation: String,
    mobile_phone: String,
    postal_code: Option<String>,
    blood_pressure_level: String,
    cholesterol_level: String,
    time_zone: Option<String>,
) -> Result<MedicalProfile, UiError> {
    use crate::session::{require_principal, services};
    use domain::medical::{MedicalProfileForm, TextList};
    let form = MedicalProfileForm {
        date_of_birth: Some(date_of_birth),
        sex: Some(sex),
        blood_group: Some(blood_group),
        height_cm: decimal("height_cm", &height_cm)?,
        weight_kg: decimal("weight_kg", &weight_kg)?,
        allergies: Some(TextList::Text(allergies)),
        chronic_conditions: Some(TextList::Text(chronic_conditions)),
        emergency_contact_name: Some(emergency_contact_name),
        emergency_contact_phone: Some(emergency_contact_phone),
        emergency_contact_relation: Some(emergency_contact_relation),
        mobile_phone: Some(mobile_phone),
        postal_code,
        blood_pressure_level: Some(blood_pressure_level),
        cholesterol_level: Some(cholesterol_level),
        time_zone,
    };
    let me = require_principal()?;
    Ok(services()?
        .profiles
        .save(&me, me.user_id, &form, jiff::Timestamp::now())
        .await?)
}

/// A number as typed in a form (a decimal comma is fine); empty is none.
#[cfg(feature = "ssr")]
fn decimal(field: &str, raw: &str) -> Result<Option<f64>, UiError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw
            .replace(',', ".")
            .parse::<f64>()
            .map(Some)
            .map_err(|_| invalid_number(field)),
    }
}

/// An account number as typed in a form.
#[cfg(feature = "ssr")]
fn account_id(field: &str, raw: &str) -> Result<UserId, UiError> {
    raw.trim()
        .parse::<UserId>()
        .map_err(|_| invalid_number(field))
}

#[cfg(feature = "ssr")]
fn invalid_number(field: &str) -> UiError {
    UiError {
        code: "invalid_number".into(),
        field: Some(field.into()),
    }
}

/// The caller's care relationships (with ended ones if `with_ended`): a
/// patient's care team, a doctor's patients, every one for administrators.
#[server]
pub async fn care_relationships(with_ended: bool) -> Result<Vec<CareRelationship>, UiError> {
    use crate::session::{read_once, require_principal, services};
    use domain::accounts::Role;
    let care = services()?.care.clone();
    let me = require_principal()?;
    // A patient's care team is care data: its reading is in the trail.
    read_once(format!("care_relationships/{with_ended}"), async move {
        Ok(match me.role {
            Role::Patient => care.team(&me, me.user_id, with_ended).await?,
            Role::Doctor => care.my_patients(&me, with_ended).await?,
            Role::Admin => care.all(&me, None, None, with_ended).await?,
        })
    })
    .await
}

/// The patient withdraws a doctor, or an administrator ends a relationship.
#[server]
pub async fn end_care(id: i64) -> Result<CareRelationship, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .care
        .end(&require_principal()?, id, jiff::Timestamp::now())
        .await?)
}

/// An administrator assigns a doctor to a patient (account numbers as typed).
#[server]
pub async fn assign_care(
    doctor_id: String,
    patient_id: String,
) -> Result<CareRelationship, UiError> {
    use crate::session::{require_principal, services};
    let doctor_id = account_id("doctor_id", &doctor_id)?;
    let patient_id = account_id("patient_id", &patient_id)?;
    Ok(services()?
        .care
        .assign(
            &require_principal()?,
            doctor_id,
            patient_id,
            jiff::Timestamp::now(),
        )
        .await?)
}

/// Until when (ms) the calling doctor's emergency access to the patient
/// runs, if one is open.
#[server]
pub async fn emergency_until(patient_id: UserId) -> Result<Option<i64>, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .care
        .my_emergency_access(&require_principal()?, patient_id, jiff::Timestamp::now())
        .await?
        .map(|grant| grant.expires_at))
}

/// A doctor outside the care team opens emergency access, giving a reason.
#[server]
pub async fn break_glass(patient_id: UserId, reason: String) -> Result<EmergencyGrant, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .care
        .break_glass(
            &require_principal()?,
            patient_id,
            &reason,
            jiff::Timestamp::now(),
        )
        .await?)
}

/// A page of the trail about the calling patient's data, newest first.
#[server]
pub async fn my_access_trail(page: i64) -> Result<TrailPage, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .trail
        .about_me(&require_principal()?, page, 0)
        .await?)
}

/// Administrators search the whole trail.
#[server]
pub async fn search_trail(query: TrailQuery) -> Result<TrailPage, UiError> {
    use crate::session::{require_principal, services};
    use domain::services::trail::filter_of;
    let filter = filter_of(&query)?;
    Ok(services()?
        .trail
        .search(
            &require_principal()?,
            &filter,
            query.page.unwrap_or(1),
            query.per_page.unwrap_or(0),
        )
        .await?)
}
