//! The demo doctors' practices: weekly hours in their own time zone, booking
//! rules and public profiles.

use jiff::civil::{Time, Weekday};

use crate::accounts::UserId;
use crate::doctors::ProfileFields;
use crate::error::DomainResult;
use crate::scheduling::appointments::BookingRules;
use crate::scheduling::{ConsultationType, WeeklyRange};
use crate::services::Services;
use crate::store::availability::{self, DoctorSchedule};
use crate::store::{db_error, doctors, specialties};

use Weekday::{Friday, Monday, Thursday, Tuesday, Wednesday};

/// Weekly hours: the days, the wall-clock range, what is offered, the length of
/// a consultation.
struct Hours {
    days: &'static [Weekday],
    start: (i8, i8),
    end: (i8, i8),
    kind: ConsultationType,
    minutes: i32,
}

struct Practice {
    username: &'static str,
    timezone: &'static str,
    hours: &'static [Hours],
    location: &'static str,
    address: &'static str,
    phone: &'static str,
    bio: &'static str,
    /// How long a waitlist offer holds a freed place, in minutes.
    waitlist_hold_minutes: i32,
}

const WEEK: &[Weekday] = &[Monday, Tuesday, Wednesday, Thursday, Friday];
const PARIS_ADDRESS: &str = "10 rue de la Santé, 75013 Paris";

const PRACTICES: &[Practice] = &[
    Practice {
        username: "dr.dupont",
        timezone: "Europe/Paris",
        hours: &[
            hours(WEEK, (9, 0), (12, 0), ConsultationType::InPerson, 30),
            hours(WEEK, (14, 0), (17, 0), ConsultationType::Both, 30),
        ],
        location: "Cabinet MedPlat, 10 rue de la Santé, Paris",
        address: PARIS_ADDRESS,
        phone: "+33142685300",
        bio: "Médecine générale, suivi des maladies chroniques, vaccinations et certificats. / General practice.",
        waitlist_hold_minutes: 60,
    },
    Practice {
        username: "dr.nguyen",
        timezone: "Europe/Paris",
        hours: &[
            hours(
                &[Monday, Tuesday, Wednesday, Thursday],
                (8, 30),
                (12, 30),
                ConsultationType::InPerson,
                30,
            ),
            hours(
                &[Tuesday, Thursday],
                (14, 0),
                (17, 0),
                ConsultationType::Both,
                30,
            ),
        ],
        location: "Cabinet MedPlat, 10 rue de la Santé, Paris",
        address: PARIS_ADDRESS,
        phone: "+33142685301",
        bio: "Cardiologie : douleurs thoraciques, hypertension, troubles du rythme, bilans avant le sport. / Cardiology.",
        waitlist_hold_minutes: 2880,
    },
    Practice {
        username: "dr.mbala",
        timezone: "Africa/Kinshasa",
        hours: &[
            hours(WEEK, (8, 0), (12, 0), ConsultationType::InPerson, 20),
            hours(
                &[Tuesday, Thursday],
                (14, 0),
                (16, 0),
                ConsultationType::Remote,
                20,
            ),
        ],
        location: "Centre médical de la Gombe, Kinshasa",
        address: "12 avenue de la Justice, Gombe, Kinshasa",
        phone: "+243815550123",
        bio: "Pédiatrie : suivi du nourrisson, vaccinations, croissance ; téléconsultations le mardi et le jeudi. / Paediatrics.",
        waitlist_hold_minutes: 120,
    },
    Practice {
        username: "dr.haddad",
        timezone: "Europe/Paris",
        hours: &[
            hours(WEEK, (9, 0), (12, 0), ConsultationType::InPerson, 30),
            hours(&[Wednesday], (14, 0), (18, 0), ConsultationType::Remote, 30),
        ],
        location: "Cabinet MedPlat, 10 rue de la Santé, Paris",
        address: PARIS_ADDRESS,
        phone: "+33142685302",
        bio: "Dermatologie : eczéma, acné, contrôle des grains de beauté ; téléconsultation le mercredi après-midi. / Dermatology.",
        waitlist_hold_minutes: 60,
    },
];

const fn hours(
    days: &'static [Weekday],
    start: (i8, i8),
    end: (i8, i8),
    kind: ConsultationType,
    minutes: i32,
) -> Hours {
    Hours {
        days,
        start,
        end,
        kind,
        minutes,
    }
}

/// Opens a demo doctor's practice: weekly ranges, time zone, booking rules
/// (the defaults but the waitlist hold) and public profile.
pub(super) async fn open(
    services: &Services,
    doctor: UserId,
    username: &str,
    specialty: Option<&str>,
) -> DomainResult<()> {
    let Some(practice) = PRACTICES.iter().find(|p| p.username == username) else {
        return Ok(());
    };
    let mut tx = services.db().begin_write().await?;
    for block in practice.hours {
        for &weekday in block.days {
            let range = WeeklyRange {
                id: 0,
                weekday,
                start: Time::constant(block.start.0, block.start.1, 0, 0),
                end: Time::constant(block.end.0, block.end.1, 0, 0),
                consultation_type: block.kind,
                duration_minutes: block.minutes,
                capacity: 1,
                location: Some(practice.location.into()),
                active: true,
            };
            availability::insert_range(&mut tx, doctor, &range).await?;
        }
    }
    let schedule = DoctorSchedule {
        doctor_id: doctor,
        timezone: practice.timezone.into(),
        rules: BookingRules {
            waitlist_hold_minutes: practice.waitlist_hold_minutes,
            ..BookingRules::default()
        },
    };
    schedule.rules.validate()?;
    availability::save_schedule(&mut tx, &schedule).await?;
    let specialty_id = match specialty {
        Some(code) => specialties::id_by_code(&mut tx, code).await?,
        None => None,
    };
    let fields = ProfileFields {
        specialty: specialty.map(str::to_owned),
        bio: practice.bio.into(),
        phone: practice.phone.into(),
        address: practice.address.into(),
        languages: vec!["fr".into(), "en".into()],
    };
    doctors::save_profile(&mut tx, doctor, &fields, specialty_id).await?;
    tx.commit().await.map_err(db_error)
}
