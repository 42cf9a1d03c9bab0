//! Demo data loaded on a platform's first start: an administrator, doctors in
//! several specialties and patients, with known passwords printed for the operator.

use crate::accounts::{Role, SignUpForm};
use crate::error::DomainResult;
use crate::services::Services;
use crate::store::{availability, db_error, doctors, specialties};

/// Specialties every platform starts with: code, French name, English name.
pub const SPECIALTIES: &[(&str, &str, &str)] = &[
    ("general", "Médecine générale", "General practice"),
    ("cardiology", "Cardiologie", "Cardiology"),
    ("dermatology", "Dermatologie", "Dermatology"),
    ("pediatrics", "Pédiatrie", "Paediatrics"),
    ("gynecology", "Gynécologie", "Gynaecology"),
    ("psychiatry", "Psychiatrie", "Psychiatry"),
];

/// One demo account, for the start-up message.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: Role,
    pub username: String,
    pub password: String,
    pub name: String,
}

struct DemoAccount {
    role: Role,
    username: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    specialty: Option<&'static str>,
}

const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        role: Role::Admin,
        username: "admin",
        first_name: "Claire",
        last_name: "Martin",
        specialty: None,
    },
    DemoAccount {
        role: Role::Doctor,
        username: "dr.dupont",
        first_name: "Jean",
        last_name: "Dupont",
        specialty: Some("general"),
    },
    DemoAccount {
        role: Role::Doctor,
        username: "dr.nguyen",
        first_name: "Linh",
        last_name: "Nguyen",
        specialty: Some("cardiology"),
    },
    DemoAccount {
        role: Role::Doctor,
        username: "dr.mbala",
        first_name: "Aline",
        last_name: "Mbala",
        specialty: Some("pediatrics"),
    },
    DemoAccount {
        role: Role::Doctor,
        username: "dr.haddad",
        first_name: "Karim",
        last_name: "Haddad",
        specialty: Some("dermatology"),
    },
    DemoAccount {
        role: Role::Patient,
        username: "marie",
        first_name: "Marie",
        last_name: "Lefèvre",
        specialty: None,
    },
    DemoAccount {
        role: Role::Patient,
        username: "paul",
        first_name: "Paul",
        last_name: "Kabongo",
        specialty: None,
    },
    DemoAccount {
        role: Role::Patient,
        username: "sofia",
        first_name: "Sofia",
        last_name: "Benali",
        specialty: None,
    },
];

/// The password of every demo account of a role. Demo data is for trying the
/// platform, never for production (set `DEMO_DATA=false`).
pub fn demo_password(role: Role) -> &'static str {
    match role {
        Role::Admin => "gestion-2026!",
        Role::Doctor => "consultation-2026",
        Role::Patient => "rendez-vous-2026",
    }
}

/// Inserts the reference specialties (idempotent).
pub async fn ensure_specialties(services: &Services) -> DomainResult<()> {
    let mut tx = services.db().begin_write().await?;
    for (code, fr, en) in SPECIALTIES {
        specialties::ensure(&mut tx, code, fr, en).await?;
    }
    tx.commit().await.map_err(db_error)
}

/// The demo accounts and their passwords, for the start-up message.
pub fn logins() -> Vec<DemoLogin> {
    ACCOUNTS
        .iter()
        .map(|a| DemoLogin {
            role: a.role,
            username: a.username.into(),
            password: demo_password(a.role).into(),
            name: format!("{} {}", a.first_name, a.last_name),
        })
        .collect()
}

/// Loads the demo accounts if the platform has no account yet. True when it did.
pub async fn load_if_empty(services: &Services) -> DomainResult<bool> {
    ensure_specialties(services).await?;
    if services.accounts.count().await? > 0 {
        return Ok(false);
    }
    for account in ACCOUNTS {
        let form = SignUpForm {
            username: account.username.into(),
            email: format!(
                "{}@demo.medplat.example",
                account.username.replace('.', "-")
            ),
            password: demo_password(account.role).into(),
            first_name: account.first_name.into(),
            last_name: account.last_name.into(),
        };
        let user = services
            .accounts
            .create_unchecked(account.role, &form, account.specialty)
            .await?;
        if account.role == Role::Doctor {
            open_practice(services, user.id, account.specialty).await?;
        }
    }
    Ok(true)
}

/// A demo doctor's week: mornings 09:00–12:00 in person, afternoons
/// 14:00–17:00 in person or remote, Monday to Friday, 30-minute consultations;
/// and a public profile.
async fn open_practice(
    services: &Services,
    doctor: crate::accounts::UserId,
    specialty: Option<&str>,
) -> DomainResult<()> {
    use crate::doctors::ProfileFields;
    use crate::scheduling::{ConsultationType, WeeklyRange};
    use jiff::civil::{Time, Weekday};
    let mut tx = services.db().begin_write().await?;
    let weekdays = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];
    for weekday in weekdays {
        for (start, end, kind) in [
            (9, 12, ConsultationType::InPerson),
            (14, 17, ConsultationType::Both),
        ] {
            let range = WeeklyRange {
                id: 0,
                weekday,
                start: Time::constant(start, 0, 0, 0),
                end: Time::constant(end, 0, 0, 0),
                consultation_type: kind,
                duration_minutes: 30,
                capacity: 1,
                location: Some("Cabinet MedPlat, 10 rue de la Santé, Paris".into()),
                active: true,
            };
            availability::insert_range(&mut tx, doctor, &range).await?;
        }
    }
    let specialty_id = match specialty {
        Some(code) => specialties::id_by_code(&mut tx, code).await?,
        None => None,
    };
    let fields = ProfileFields {
        specialty: specialty.map(str::to_owned),
        bio: "Consultations au cabinet et à distance. / In-person and remote consultations.".into(),
        phone: "+33142685300".into(),
        address: "10 rue de la Santé, 75013 Paris".into(),
        languages: vec!["fr".into(), "en".into()],
    };
    doctors::save_profile(&mut tx, doctor, &fields, specialty_id).await?;
    tx.commit().await.map_err(db_error)
}
