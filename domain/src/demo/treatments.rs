//! Treatments of the demo, played through the services: doctors prescribe
//! for the patients in their care, patients add what they take on their own
//! (one pair shares paracetamol, so the interaction warning shows), and the
//! doses of the past days are ticked the way real patients tick them — most
//! taken, a few skipped, some forgotten.

use jiff::{SignedDuration, Timestamp};

use super::People;
use crate::error::DomainResult;
use crate::services::Services;
use crate::store::{care, db_error};
use crate::trail::Door;
use crate::treatments::schedule::{day_of, doses, format_time, parse_time};
use crate::treatments::{DoseForm, TreatmentForm};

/// Patient, the doctor who prescribes it (none: the patient adds it), the
/// medicine, doses a day, days, started how many days ago, dose times,
/// instructions.
struct Demo(
    &'static str,
    Option<&'static str>,
    &'static str,
    i64,
    i64,
    i64,
    &'static [&'static str],
    &'static str,
);

#[rustfmt::skip]
const TREATMENTS: &[Demo] = &[
    Demo("marie", Some("dr.dupont"), "Ventoline 100 µg", 2, 30, 9, &["08:00", "20:00"], "Deux bouffées en cas de gêne, au plus 8 par jour"),
    Demo("marie", None, "Doliprane 1000 mg", 3, 5, 2, &[], "Au besoin, 4 heures au moins entre deux prises"),
    Demo("marie", None, "Dafalgan codéiné", 2, 3, 1, &[], ""),
    Demo("paul", Some("dr.nguyen"), "Metformine 850 mg", 2, 90, 20, &["08:00", "19:30"], "Pendant le repas"),
    Demo("paul", Some("dr.nguyen"), "Amlodipine 5 mg", 1, 90, 20, &["08:00"], "Le matin"),
    Demo("paul", Some("dr.nguyen"), "Atorvastatine 20 mg", 1, 90, 20, &["21:00"], "Le soir"),
    Demo("joseph", Some("dr.nguyen"), "Bisoprolol 2,5 mg", 1, 180, 14, &["08:00"], "Ne pas arrêter brutalement"),
    Demo("joseph", Some("dr.nguyen"), "Ramipril 5 mg", 1, 180, 14, &["08:00"], ""),
    Demo("sofia", None, "Cétirizine 10 mg", 1, 14, 4, &["21:00"], ""),
    Demo("chloe", Some("dr.dupont"), "Amoxicilline 1 g", 2, 7, 10, &["08:00", "20:00"], "Jusqu'au bout du traitement"),
];

pub(super) async fn load(services: &Services, people: &People, now: Timestamp) -> DomainResult<()> {
    for (index, d) in TREATMENTS.iter().enumerate() {
        let patient = people.principal(d.0)?.entering(Door::Web, None);
        // The named doctor if the patient is in their care, else any doctor
        // caring for them, else the patient adds it.
        let carers = {
            let mut conn = services.db().pool().acquire().await.map_err(db_error)?;
            care::doctors_of(&mut conn, patient.user_id).await?
        };
        let named = d.1.map(|u| people.id(u)).transpose()?;
        let prescriber = match named {
            Some(id) if carers.contains(&id) => Some(id),
            Some(_) => carers.first().copied(),
            None => None,
        };
        let actor = match prescriber {
            Some(id) => crate::auth::Principal::cli(id, crate::accounts::Role::Doctor)
                .entering(Door::Web, None),
            None => patient.clone(),
        };
        let zone = services.treatments.zone(patient.user_id).await?;
        let first_day = day_of(now - SignedDuration::from_hours(24 * d.5), &zone);
        let started_at = first_day
            .to_zoned(zone.clone())
            .map_err(crate::error::DomainError::internal)?
            .timestamp();
        let form = TreatmentForm {
            medocs_name: Some(d.2.into()),
            frequency: Some(d.3),
            duration_days: Some(d.4),
            started_at: Some(started_at.to_string()),
            dose_times: (!d.6.is_empty()).then(|| d.6.iter().map(|t| (*t).to_owned()).collect()),
            instructions: Some(d.7.into()),
            patient_id: Some(patient.user_id),
            consultation_id: None,
        };
        let treatment = services.treatments.create(&actor, &form, now).await?;
        // Tick the past doses: every seventh skipped, every eleventh forgotten.
        let times: Vec<_> = treatment
            .dose_times
            .iter()
            .filter_map(|t| parse_time(t))
            .collect();
        let past = doses(
            treatment.started_at,
            treatment.end,
            &times,
            &zone,
            first_day,
            day_of(now, &zone),
        );
        for (n, slot) in past.iter().filter(|s| s.at <= now).enumerate() {
            let k = n + index;
            if k % 11 == 10 {
                continue;
            }
            let status = if k % 7 == 6 { "skipped" } else { "taken" };
            let dose = DoseForm {
                day: Some(slot.day.to_string()),
                time: Some(format_time(slot.time)),
                status: Some(status.into()),
            };
            services
                .treatments
                .record_dose(&patient, treatment.id, &dose, now)
                .await?;
        }
    }
    Ok(())
}
