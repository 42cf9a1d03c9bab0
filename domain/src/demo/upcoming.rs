//! The coming weeks of the demo, played through the services as patients and
//! doctors would: time off, bookings, then the doctors' answers (accept with a
//! word, refuse with a reason, cancel), patients' cancellations, and full days
//! with patients on the waitlist — one of whom is offered a freed place. Every
//! step notifies as in real use, so each account starts with unread news.

use jiff::civil::{Time, Weekday};
use jiff::{SignedDuration, Timestamp};

use super::{People, day_of_week, instant};
use crate::error::{DomainError, DomainResult};
use crate::scheduling::ConsultationType;
use crate::scheduling::appointments::Action;
use crate::scheduling::forms::ExceptionForm;
use crate::services::Services;
use crate::services::appointments::NewBooking;
use crate::services::scheduling::zone;

use Weekday::{Friday, Monday, Thursday, Tuesday, Wednesday};

/// What becomes of a request.
#[derive(Clone, Copy)]
enum Answer {
    /// Waits for the doctor.
    Pending,
    /// Accepted, with a word for the patient.
    Confirmed(&'static str),
    /// Refused, with the reason.
    Refused(&'static str),
    /// Cancelled by the patient.
    CancelledByPatient,
    /// Cancelled by the doctor, with a word.
    CancelledByDoctor(&'static str),
    /// Confirmed, then cancelled by the administration, with the reason
    /// (both sides are told).
    CancelledByAdministration(&'static str),
}

use Answer::{
    CancelledByAdministration, CancelledByDoctor, CancelledByPatient, Confirmed, Pending, Refused,
};

/// A request: doctor, patient, weeks after this one, day, local time, remote
/// when the slot offers both, reason, answer.
struct Request(
    &'static str,
    &'static str,
    i32,
    Weekday,
    (i8, i8),
    bool,
    &'static str,
    Answer,
);

/// Time off: doctor, weeks ahead, first and last day, local start and end
/// times, kind, reason (private to the doctor).
struct TimeOff(
    &'static str,
    i32,
    Weekday,
    Weekday,
    (i8, i8),
    (i8, i8),
    &'static str,
    &'static str,
);

/// A full day with patients waiting: doctor, weeks ahead, day, the waiting
/// patients in order.
struct FullDay(&'static str, i32, Weekday, &'static [&'static str]);

/// Days shortened by training: what is left of them is booked below, so they
/// are full and have a waitlist. And a week of leave.
#[rustfmt::skip]
const TIME_OFF: &[TimeOff] = &[
    TimeOff("dr.dupont", 1, Thursday, Thursday, (10, 0), (18, 0), "training", "Formation continue"),
    TimeOff("dr.nguyen", 1, Wednesday, Wednesday, (9, 30), (13, 0), "training", "Staff de cardiologie"),
    TimeOff("dr.mbala", 2, Tuesday, Tuesday, (8, 40), (17, 0), "training", "Campagne de vaccination"),
    TimeOff("dr.haddad", 1, Friday, Friday, (10, 0), (18, 0), "training", "Congrès de dermatologie"),
    TimeOff("dr.haddad", 4, Monday, Friday, (0, 0), (23, 0), "vacation", "Congés"),
];

#[rustfmt::skip]
const REQUESTS: &[Request] = &[
    // Dr Dupont keeps Mondays free.
    Request("dr.dupont", "paul", 1, Thursday, (9, 0), false, "Douleurs lombaires depuis une semaine", Confirmed("Pensez à apporter vos radios.")),
    Request("dr.dupont", "ines", 1, Thursday, (9, 30), false, "Renouvellement d'ordonnance", Pending),
    Request("dr.dupont", "marie", 1, Tuesday, (14, 30), true, "Suivi de tension artérielle", Confirmed("Gardez vos relevés de tension de la semaine.")),
    Request("dr.dupont", "sofia", 1, Tuesday, (9, 30), false, "Certificat médical de sport", Pending),
    Request("dr.dupont", "thomas", 1, Friday, (16, 0), false, "Vaccin contre la grippe", Confirmed("")),
    Request("dr.dupont", "paul", 2, Tuesday, (11, 0), false, "Contrôle après une angine", Pending),
    Request("dr.dupont", "chloe", 2, Wednesday, (10, 0), false, "Fièvre et toux depuis trois jours", Refused("Une fièvre qui dure ne peut pas attendre : appelez le 15 ou consultez un médecin de garde dès aujourd'hui.")),
    Request("dr.dupont", "joseph", 2, Thursday, (15, 0), false, "Douleur au genou", CancelledByPatient),
    Request("dr.nguyen", "sofia", 1, Wednesday, (8, 30), false, "Palpitations au repos", Confirmed("Venez avec vos derniers électrocardiogrammes.")),
    Request("dr.nguyen", "thomas", 1, Wednesday, (9, 0), false, "Hypertension : adaptation du traitement", Pending),
    Request("dr.nguyen", "paul", 1, Tuesday, (9, 0), false, "Douleurs thoraciques à l'effort", Confirmed("Apportez votre dernier ECG et la liste de vos traitements.")),
    Request("dr.nguyen", "ines", 1, Thursday, (14, 30), false, "Bilan avant la reprise du sport", Pending),
    Request("dr.nguyen", "marie", 2, Monday, (10, 30), false, "Essoufflement à la montée des escaliers", Pending),
    Request("dr.nguyen", "sofia", 2, Tuesday, (11, 0), false, "Contrôle après holter", Refused("Le holter n'est pas encore analysé : reprenez rendez-vous dans trois semaines.")),
    Request("dr.nguyen", "chloe", 2, Thursday, (9, 0), false, "Souffle au cœur chez ma fille", CancelledByDoctor("Je serai au bloc ce matin-là ; mon secrétariat vous propose un autre créneau.")),
    Request("dr.dupont", "thomas", 2, Monday, (14, 0), false, "Douleur à l'épaule", CancelledByAdministration("Le cabinet est fermé ce jour-là après un dégât des eaux : reprenez un créneau, veuillez nous excuser.")),
    Request("dr.mbala", "chloe", 2, Tuesday, (8, 0), false, "Vaccins des 11 mois", Confirmed("N'oubliez pas le carnet de santé.")),
    Request("dr.mbala", "marie", 2, Tuesday, (8, 20), false, "Bilan de croissance", Pending),
    Request("dr.mbala", "sofia", 1, Monday, (9, 0), false, "Vaccins des 4 mois de ma fille", Confirmed("Pensez au carnet de santé.")),
    Request("dr.mbala", "paul", 1, Thursday, (14, 20), true, "Suivi de croissance de mon fils", Pending),
    Request("dr.mbala", "joseph", 2, Monday, (10, 0), false, "Otites à répétition", CancelledByDoctor("Je serai en mission de vaccination ; reprenez un créneau la semaine suivante.")),
    Request("dr.mbala", "ines", 1, Friday, (11, 20), false, "Troubles du sommeil de mon bébé", Refused("Les troubles du sommeil se voient en téléconsultation : choisissez un créneau du mardi ou du jeudi après-midi.")),
    Request("dr.haddad", "joseph", 1, Friday, (9, 0), false, "Psoriasis du cuir chevelu", Confirmed("")),
    Request("dr.haddad", "paul", 1, Friday, (9, 30), false, "Contrôle d'un grain de beauté", Confirmed("")),
    Request("dr.haddad", "marie", 1, Wednesday, (15, 0), true, "Eczéma sur les mains qui revient", Confirmed("Je vous verrai en visio : préparez des photos nettes des lésions.")),
    Request("dr.haddad", "sofia", 2, Friday, (10, 0), false, "Taches brunes apparues cet été", Pending),
    Request("dr.haddad", "paul", 2, Tuesday, (10, 30), false, "Acné persistante", Refused("Votre traitement doit d'abord durer trois mois : reprenez rendez-vous ensuite.")),
    Request("dr.haddad", "ines", 1, Tuesday, (11, 0), false, "Chute de cheveux", Pending),
    Request("dr.haddad", "thomas", 3, Thursday, (9, 0), false, "Verrue plantaire qui récidive", CancelledByPatient),
];

/// Full days and who waits for them (the first is offered the place freed
/// just after on Dr Nguyen's day).
const FULL_DAYS: &[FullDay] = &[
    FullDay("dr.dupont", 1, Thursday, &["sofia"]),
    FullDay("dr.nguyen", 1, Wednesday, &["marie", "joseph"]),
    FullDay("dr.mbala", 2, Tuesday, &["paul"]),
    FullDay("dr.haddad", 1, Friday, &["marie"]),
];

/// The appointment freed once the waitlists are in: its place goes to the
/// first patient waiting (doctor, patient, weeks, day, time).
const FREED: (&str, &str, i32, Weekday, (i8, i8)) = ("dr.nguyen", "thomas", 1, Wednesday, (9, 0));

/// Plays the coming weeks.
pub(super) async fn load(services: &Services, people: &People, now: Timestamp) -> DomainResult<()> {
    for &TimeOff(doctor, weeks, first, last, start, end, kind, reason) in TIME_OFF {
        let tz = zone(&services.scheduling.schedule(people.id(doctor)?).await?)?;
        let at = |day, (h, m): (i8, i8)| instant(&tz, day, Time::constant(h, m, 0, 0));
        let form = ExceptionForm {
            start_datetime: Some(at(day_of_week(&tz, now, weeks, first)?, start)?.to_string()),
            end_datetime: Some(at(day_of_week(&tz, now, weeks, last)?, end)?.to_string()),
            exception_type: Some(kind.into()),
            reason: Some(reason.into()),
            is_recurring: Some(false),
        };
        services
            .scheduling
            .add_exception(&people.principal(doctor)?, &form)
            .await?;
    }
    let mut booked = Vec::with_capacity(REQUESTS.len());
    for &Request(doctor, patient, weeks, weekday, (h, m), remote, reason, answer) in REQUESTS {
        let doctor_id = people.id(doctor)?;
        let tz = zone(&services.scheduling.schedule(doctor_id).await?)?;
        let day = day_of_week(&tz, now, weeks, weekday)?;
        let booking = NewBooking {
            doctor_id,
            starts_at: instant(&tz, day, Time::constant(h, m, 0, 0))?,
            consultation_type: if remote {
                ConsultationType::Remote
            } else {
                ConsultationType::InPerson
            },
            reason: reason.into(),
        };
        let patient = people.principal(patient)?;
        let appointment = services
            .appointments
            .book(&patient, &booking, now)
            .await
            .map_err(|e| DomainError::internal(format!("demo booking {doctor} {day}: {e}")))?;
        booked.push((appointment.id, doctor, patient, answer));
    }
    // The answers come a little later, in the order the requests came.
    let later = now + SignedDuration::from_secs(1);
    let administration = people.principal("admin")?;
    for (id, doctor, patient, answer) in booked {
        let doctor = people.principal(doctor)?;
        let (actor, action, message) = match answer {
            Pending => continue,
            Confirmed(message) => (&doctor, Action::Accept, message),
            Refused(message) => (&doctor, Action::Refuse, message),
            CancelledByPatient => (&patient, Action::Cancel, ""),
            CancelledByDoctor(message) => {
                services
                    .appointments
                    .act(&doctor, id, Action::Accept, Some(""), later)
                    .await?;
                (&doctor, Action::Cancel, message)
            }
            CancelledByAdministration(message) => {
                services
                    .appointments
                    .act(&doctor, id, Action::Accept, Some(""), later)
                    .await?;
                (&administration, Action::Cancel, message)
            }
        };
        services
            .appointments
            .act(actor, id, action, Some(message), later)
            .await?;
    }
    for &FullDay(doctor, weeks, weekday, waiting) in FULL_DAYS {
        let doctor_id = people.id(doctor)?;
        let tz = zone(&services.scheduling.schedule(doctor_id).await?)?;
        let day = day_of_week(&tz, now, weeks, weekday)?;
        for patient in waiting {
            services
                .waitlist
                .join(
                    &people.principal(patient)?,
                    doctor_id,
                    day,
                    ConsultationType::InPerson,
                    later,
                )
                .await
                .map_err(|e| DomainError::internal(format!("demo waitlist {doctor} {day}: {e}")))?;
        }
    }
    let (doctor, patient, weeks, weekday, (h, m)) = FREED;
    let doctor_id = people.id(doctor)?;
    let tz = zone(&services.scheduling.schedule(doctor_id).await?)?;
    let starts_at = instant(
        &tz,
        day_of_week(&tz, now, weeks, weekday)?,
        Time::constant(h, m, 0, 0),
    )?;
    let patient = people.principal(patient)?;
    let freed = services
        .appointments
        .appointments(&patient, Default::default())
        .await?
        .into_iter()
        .find(|a| a.doctor_id == doctor_id && a.starts_at == starts_at)
        .ok_or_else(|| DomainError::internal("demo appointment to free is missing"))?;
    services
        .appointments
        .act(&patient, freed.id, Action::Cancel, None, later)
        .await?;
    Ok(())
}
