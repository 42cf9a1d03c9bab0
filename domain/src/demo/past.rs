//! Past consultations of the demo: the weeks before the first start hold
//! completed visits, a no-show, cancellations and refusals with the doctor's
//! message. Booking rules forbid booking in the past, so they are written
//! through the store in one transaction, each on a real slot of the doctor's
//! weekly hours, with its place counter and a dated history.

use jiff::civil::{Time, Weekday};
use jiff::{SignedDuration, Timestamp};

use super::{People, day_of_week, instant};
use crate::error::{DomainError, DomainResult};
use crate::scheduling::ConsultationType;
use crate::scheduling::appointments::AppointmentStatus;
use crate::scheduling::slots;
use crate::services::Services;
use crate::services::scheduling::zone;
use crate::store::db_error;
use crate::store::past::{self, PastAppointment, PastEvent};

use Weekday::{Friday, Monday, Thursday, Tuesday, Wednesday};

/// How a past appointment ended.
#[derive(Clone, Copy)]
enum Outcome {
    Completed,
    NoShow,
    /// Cancelled by the patient two days before.
    Cancelled,
    /// Refused by the doctor, with this message.
    Refused(&'static str),
}

/// One past appointment: doctor, patient, weeks before this one, day, local
/// time, remote when the slot offers both, reason, outcome.
struct Visit(
    &'static str,
    &'static str,
    i32,
    Weekday,
    (i8, i8),
    bool,
    &'static str,
    Outcome,
);

use Outcome::{Cancelled, Completed, NoShow, Refused};

#[rustfmt::skip]
const VISITS: &[Visit] = &[
    Visit("dr.dupont", "marie", -6, Tuesday, (9, 0), false, "Renouvellement d'ordonnance", Completed),
    Visit("dr.dupont", "paul", -5, Wednesday, (10, 30), false, "Angine, fièvre depuis deux jours", Completed),
    Visit("dr.dupont", "sofia", -4, Monday, (14, 0), false, "Certificat médical pour la piscine", NoShow),
    Visit("dr.dupont", "marie", -4, Tuesday, (16, 0), false, "Toux persistante", Cancelled),
    Visit("dr.dupont", "ines", -3, Thursday, (16, 30), false, "Rappel du vaccin contre le tétanos", Completed),
    Visit("dr.dupont", "chloe", -2, Monday, (9, 0), false, "Entorse de la cheville", Completed),
    Visit("dr.dupont", "thomas", -2, Friday, (9, 30), false, "Mal de gorge et fièvre", Cancelled),
    Visit("dr.dupont", "joseph", -1, Tuesday, (15, 0), true, "Résultats de prise de sang", Refused("Je ne commente pas des résultats d'analyse à distance : prenez plutôt un rendez-vous au cabinet.")),
    Visit("dr.dupont", "marie", -1, Wednesday, (11, 0), false, "Suivi de tension artérielle", Completed),
    Visit("dr.nguyen", "paul", -6, Monday, (8, 30), false, "Essoufflement en montant les escaliers", Completed),
    Visit("dr.nguyen", "marie", -5, Thursday, (10, 0), false, "Palpitations le soir", Completed),
    Visit("dr.nguyen", "sofia", -4, Tuesday, (14, 30), true, "Résultats du holter", Completed),
    Visit("dr.nguyen", "thomas", -3, Wednesday, (11, 30), false, "Hypertension : adaptation du traitement", NoShow),
    Visit("dr.nguyen", "paul", -2, Tuesday, (9, 0), false, "Douleurs thoraciques à l'effort", Completed),
    Visit("dr.nguyen", "ines", -1, Monday, (10, 30), false, "Souffle au cœur découvert à la médecine du travail", Refused("Ce bilan demande une échographie : mon secrétariat vous rappelle pour un créneau plus long.")),
    Visit("dr.nguyen", "chloe", -1, Thursday, (15, 0), false, "Bilan avant la reprise du sport", Cancelled),
    Visit("dr.mbala", "sofia", -6, Wednesday, (8, 0), false, "Vaccins des 2 mois de ma fille", Completed),
    Visit("dr.mbala", "paul", -5, Tuesday, (14, 20), false, "Fièvre de mon fils depuis hier", Completed),
    Visit("dr.mbala", "joseph", -4, Friday, (9, 40), false, "Toux nocturne chez ma fille", Completed),
    Visit("dr.mbala", "marie", -3, Monday, (10, 0), false, "Bilan de croissance", NoShow),
    Visit("dr.mbala", "ines", -2, Wednesday, (8, 40), false, "Certificat d'entrée en crèche", Refused("Ce certificat n'est plus demandé par les crèches : inutile de consulter pour cela.")),
    Visit("dr.mbala", "sofia", -2, Thursday, (14, 0), false, "Éruption cutanée chez mon bébé", Completed),
    Visit("dr.mbala", "chloe", -1, Friday, (11, 0), false, "Visite des 9 mois", Cancelled),
    Visit("dr.haddad", "sofia", -5, Monday, (9, 0), false, "Contrôle d'un grain de beauté", Completed),
    Visit("dr.haddad", "marie", -6, Friday, (11, 30), false, "Eczéma sur les mains", Completed),
    Visit("dr.haddad", "paul", -4, Wednesday, (15, 30), false, "Acné persistante", Completed),
    Visit("dr.haddad", "ines", -3, Tuesday, (10, 0), false, "Chute de cheveux", NoShow),
    Visit("dr.haddad", "thomas", -2, Thursday, (9, 30), false, "Verrue plantaire", Completed),
    Visit("dr.haddad", "joseph", -1, Monday, (11, 0), false, "Psoriasis du cuir chevelu", Cancelled),
    Visit("dr.haddad", "chloe", -1, Wednesday, (16, 0), false, "Rougeurs du visage", Refused("Pour des rougeurs du visage, un examen au cabinet est préférable : choisissez un créneau du matin.")),
];

/// A past appointment ready to write.
struct Planned {
    patient_id: i64,
    doctor_id: i64,
    slot: slots::Slot,
    kind: ConsultationType,
    reason: &'static str,
    message: &'static str,
    history: Vec<PastEvent<'static>>,
}

/// Writes the past consultations of every demo doctor, in one transaction.
pub(super) async fn load(services: &Services, people: &People, now: Timestamp) -> DomainResult<()> {
    let mut planned = Vec::with_capacity(VISITS.len());
    for (index, visit) in VISITS.iter().enumerate() {
        let Visit(doctor, patient, weeks, weekday, (hour, minute), remote, reason, outcome) =
            *visit;
        let doctor_id = people.id(doctor)?;
        let patient_id = people.id(patient)?;
        let schedule = services.scheduling.schedule(doctor_id).await?;
        let ranges = services.scheduling.availabilities(doctor_id).await?;
        let tz = zone(&schedule)?;
        let day = day_of_week(&tz, now, weeks, weekday)?;
        let starts_at = instant(&tz, day, Time::constant(hour, minute, 0, 0))?;
        let slot = slots::expand(&ranges, &[], &tz, day, day)
            .into_iter()
            .find(|s| s.starts_at == starts_at)
            .ok_or_else(|| DomainError::internal(format!("no demo slot {doctor} {day}")))?;
        let kind = match slot.consultation_type {
            ConsultationType::Both if remote => ConsultationType::Remote,
            ConsultationType::Both => ConsultationType::InPerson,
            offered => offered,
        };
        // Booked about a week ahead, at varying hours.
        let hours_ahead = 24 * 6 + 3 + i64::try_from(index % 5).unwrap_or(0) * 7;
        let booked = starts_at - SignedDuration::from_hours(hours_ahead);
        let event = |status, actor_id, note, at| PastEvent {
            status,
            actor_id,
            note,
            at,
        };
        let requested = event(AppointmentStatus::Pending, patient_id, "", booked);
        let confirmed = event(
            AppointmentStatus::Confirmed,
            doctor_id,
            "",
            booked + SignedDuration::from_hours(2),
        );
        let (history, message) = match outcome {
            Completed => (
                vec![
                    requested,
                    confirmed,
                    event(
                        AppointmentStatus::Completed,
                        doctor_id,
                        "",
                        slot.ends_at + SignedDuration::from_mins(5),
                    ),
                ],
                "",
            ),
            NoShow => (
                vec![
                    requested,
                    confirmed,
                    event(
                        AppointmentStatus::NoShow,
                        doctor_id,
                        "",
                        starts_at + SignedDuration::from_mins(20),
                    ),
                ],
                "",
            ),
            Cancelled => (
                vec![
                    requested,
                    confirmed,
                    event(
                        AppointmentStatus::Cancelled,
                        patient_id,
                        "",
                        starts_at - SignedDuration::from_hours(48),
                    ),
                ],
                "",
            ),
            Refused(message) => (
                vec![
                    requested,
                    event(
                        AppointmentStatus::Refused,
                        doctor_id,
                        message,
                        booked + SignedDuration::from_hours(4),
                    ),
                ],
                message,
            ),
        };
        planned.push(Planned {
            patient_id,
            doctor_id,
            slot,
            kind,
            reason,
            message,
            history,
        });
    }
    let mut tx = services.db().begin_write().await?;
    for p in &planned {
        past::insert(
            &mut tx,
            &PastAppointment {
                patient_id: p.patient_id,
                doctor_id: p.doctor_id,
                starts_at: p.slot.starts_at,
                ends_at: p.slot.ends_at,
                capacity: p.slot.capacity,
                consultation_type: p.kind,
                reason: p.reason,
                doctor_message: p.message,
                location: p.slot.location.as_deref(),
                history: &p.history,
            },
        )
        .await?;
    }
    tx.commit().await.map_err(db_error)
}
