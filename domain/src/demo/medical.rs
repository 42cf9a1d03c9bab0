//! The medical side of the demo, played through the services: patients fill in
//! their medical profiles; each doctor who saw or accepted a patient looks
//! after them (past consultations count from their date); doctors open their
//! patients' files; an administrator assigns a doctor; a patient withdraws
//! one; a doctor opens emergency access. So "who saw my data" and the audit
//! search start with real entries.

use jiff::Timestamp;
use sqlx::Row;

use super::People;
use crate::accounts::Role;
use crate::care::CareOrigin;
use crate::error::{DomainError, DomainResult};
use crate::medical::{MedicalProfileForm, TextList};
use crate::services::Services;
use crate::services::trail::{NewEntry, append_in};
use crate::store::{care, db_error};
use crate::trail::{Door, Resource, TrailAction};

/// A patient's profile: username, birth date, sex, blood group, height,
/// weight, allergies, conditions, emergency contact (name, phone, relation),
/// mobile, blood pressure and cholesterol levels.
struct Profile(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    &'static [&'static str],
    &'static [&'static str],
    (&'static str, &'static str, &'static str),
    &'static str,
    &'static str,
    &'static str,
);

#[rustfmt::skip]
const PROFILES: &[Profile] = &[
    Profile("marie", "1986-04-17", "female", "A+", 165.0, 61.5, &["pénicilline"], &["asthme léger"],
        ("Antoine Lefèvre", "06 12 45 78 90", "conjoint"), "06 45 12 33 21", "normal", "normal"),
    Profile("paul", "1958-11-02", "male", "O+", 178.0, 91.2, &[], &["hypertension artérielle", "diabète de type 2"],
        ("Grace Kabongo", "06 88 14 20 31", "fille"), "07 61 22 48 90", "high", "high"),
    Profile("sofia", "1994-07-29", "female", "B-", 170.0, 58.0, &["arachide", "latex"], &[],
        ("Nadia Benali", "06 20 33 47 51", "mère"), "06 73 91 04 12", "low", "normal"),
    Profile("ines", "2016-02-11", "female", "AB+", 128.0, 26.4, &[], &["eczéma atopique"],
        ("Julie Roussel", "06 31 72 58 02", "mère"), "", "normal", "normal"),
    Profile("thomas", "1979-09-05", "male", "A-", 183.0, 84.0, &["aspirine"], &[],
        ("Élodie Girard", "06 54 10 87 63", "conjointe"), "06 19 84 27 35", "normal", "high"),
    Profile("chloe", "2001-12-20", "female", "O-", 162.0, 55.3, &[], &["migraine"],
        ("Hugo Lambert", "07 52 63 18 40", "frère"), "07 44 90 16 28", "normal", "low"),
    Profile("joseph", "1947-03-14", "male", "B+", 172.0, 77.8, &["sulfamides"], &["insuffisance cardiaque", "arthrose"],
        ("Marthe Ilunga", "06 27 39 51 84", "épouse"), "06 58 55 71 03", "high", "normal"),
];

/// Where the demo patients live.
const POSTCODES: &[(&str, &str)] = &[
    ("marie", "75011"),
    ("paul", "75019"),
    ("sofia", "75014"),
    ("ines", "92100"),
    ("thomas", "75012"),
    ("chloe", "93200"),
    ("joseph", "75020"),
];

/// Loads the medical side of the demo; appointments are already in place.
pub(super) async fn load(services: &Services, people: &People, now: Timestamp) -> DomainResult<()> {
    for p in PROFILES {
        let patient = people.principal(p.0)?.entering(Door::Web, None);
        let list = |items: &[&str]| {
            Some(TextList::List(
                items.iter().map(|s| (*s).to_owned()).collect(),
            ))
        };
        let form = MedicalProfileForm {
            date_of_birth: Some(p.1.into()),
            sex: Some(p.2.into()),
            blood_group: Some(p.3.into()),
            height_cm: Some(p.4),
            weight_kg: Some(p.5),
            allergies: list(p.6),
            chronic_conditions: list(p.7),
            emergency_contact_name: Some(p.8.0.into()),
            emergency_contact_phone: Some(p.8.1.into()),
            emergency_contact_relation: Some(p.8.2.into()),
            mobile_phone: Some(p.9.into()),
            postal_code: POSTCODES
                .iter()
                .find(|(who, _)| *who == p.0)
                .map(|(_, code)| (*code).to_owned()),
            blood_pressure_level: Some(p.10.into()),
            cholesterol_level: Some(p.11.into()),
            time_zone: Some("Europe/Paris".into()),
        };
        services
            .profiles
            .save(&patient, patient.user_id, &form, now)
            .await?;
    }
    past_care(services).await?;

    // An administrator assigns a cardiologist to follow Joseph's heart failure.
    let admin = people.principal("admin")?.entering(Door::Web, None);
    match services
        .care
        .assign(&admin, people.id("dr.nguyen")?, people.id("joseph")?, now)
        .await
    {
        Ok(_)
        | Err(DomainError::Conflict {
            code: "already_in_care",
            ..
        }) => {}
        Err(other) => return Err(other),
    }

    // Doctors open the files of patients they look after.
    for (doctor, patient) in [
        ("dr.dupont", "marie"),
        ("dr.dupont", "paul"),
        ("dr.nguyen", "paul"),
        ("dr.nguyen", "joseph"),
        ("dr.mbala", "ines"),
        ("dr.dupont", "marie"),
    ] {
        let doctor = people.principal(doctor)?.entering(Door::Web, None);
        // Only where the relationship exists (the calendar decides).
        let _ = services
            .profiles
            .profile(&doctor, people.id(patient)?)
            .await;
    }

    // Sofia withdraws one of her doctors.
    let sofia = people.principal("sofia")?.entering(Door::Web, None);
    if let Some(first) = services
        .care
        .team(&sofia, sofia.user_id, false)
        .await?
        .into_iter()
        .find(|r| r.doctor_name.contains("Nguyen") || r.doctor_name.contains("Haddad"))
    {
        services.care.end(&sofia, first.id, now).await?;
    }

    // A doctor on call opens Thomas's file in an emergency.
    let on_call = people.principal("dr.mbala")?.entering(Door::Web, None);
    let thomas = people.id("thomas")?;
    if services
        .care
        .break_glass(
            &on_call,
            thomas,
            "Appel du SAMU : patient inconscient, allergies à vérifier",
            now,
        )
        .await
        .is_ok()
    {
        let _ = services.profiles.profile(&on_call, thomas).await;
    }
    Ok(())
}

/// Each completed past consultation means the doctor looked after the patient
/// from that day (relationships from accepted requests exist already).
async fn past_care(services: &Services) -> DomainResult<()> {
    let rows = sqlx::query(
        "SELECT doctor_id, patient_id, MIN(id) AS first_id, MIN(starts_at) AS since \
         FROM appointments WHERE status = 'completed' GROUP BY doctor_id, patient_id",
    )
    .fetch_all(services.db().pool())
    .await
    .map_err(db_error)?;
    let mut tx = services.db().begin_write().await?;
    let mut entries = Vec::new();
    for row in rows {
        let doctor: i64 = row.try_get("doctor_id").map_err(db_error)?;
        let patient: i64 = row.try_get("patient_id").map_err(db_error)?;
        let first: i64 = row.try_get("first_id").map_err(db_error)?;
        let since: i64 = row.try_get("since").map_err(db_error)?;
        if let Some(id) = care::start(
            &mut tx,
            doctor,
            patient,
            CareOrigin::Appointment,
            Some(first),
            doctor,
            since,
        )
        .await?
        {
            let by = crate::auth::Principal::cli(doctor, Role::Doctor);
            entries.push(
                NewEntry::by(
                    &by,
                    TrailAction::Create,
                    Resource::CareRelationship,
                    patient,
                )
                .on(id),
            );
        }
    }
    append_in(&mut tx, services.db().dialect(), &entries).await?;
    tx.commit().await.map_err(db_error)
}
