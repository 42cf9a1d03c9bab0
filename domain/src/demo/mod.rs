//! Demo data loaded on a platform's first start: an administrator, doctors in
//! several specialties and patients, with known passwords printed for the
//! operator, and a lived-in calendar around the day of that start — weekly
//! hours ([`practices`]), past consultations ([`past`]), and coming requests,
//! confirmations, refusals, cancellations, waitlists and notifications
//! ([`upcoming`]); medical profiles, care teams and the access trail they
//! leave ([`medical`]); treatments, vital signs and consultation records
//! ([`treatments`], [`vitals`], [`records`]).

mod chat;
mod exports;
mod medical;
mod messaging;
mod past;
mod practices;
mod records;
mod treatments;
mod upcoming;
mod vitals;

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

use crate::accounts::{Role, SignUpForm, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::services::Services;
use crate::store::{db_error, specialties};

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

/// Further patients who fill the doctors' agendas (same password as the
/// patients above; not printed at start).
const OTHER_PATIENTS: &[DemoAccount] = &[
    patient("ines", "Inès", "Roussel"),
    patient("thomas", "Thomas", "Girard"),
    patient("chloe", "Chloé", "Lambert"),
    patient("joseph", "Joseph", "Ilunga"),
];

const fn patient(
    username: &'static str,
    first_name: &'static str,
    last_name: &'static str,
) -> DemoAccount {
    DemoAccount {
        role: Role::Patient,
        username,
        first_name,
        last_name,
        specialty: None,
    }
}

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

/// Loads the demo accounts and their calendar if the platform has no account
/// yet. True when it did.
pub async fn load_if_empty(services: &Services) -> DomainResult<bool> {
    load_at(services, Timestamp::now()).await
}

/// [`load_if_empty`] as if the platform first started at `now`: past
/// consultations fall in the weeks before `now`, requests in the weeks after.
pub async fn load_at(services: &Services, now: Timestamp) -> DomainResult<bool> {
    ensure_specialties(services).await?;
    if services.accounts.count().await? > 0 {
        return Ok(false);
    }
    let mut people = People::default();
    for account in ACCOUNTS.iter().chain(OTHER_PATIENTS) {
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
            practices::open(services, user.id, account.username, account.specialty).await?;
        }
        people.ids.insert(account.username, (user.id, account.role));
    }
    past::load(services, &people, now).await?;
    upcoming::load(services, &people, now).await?;
    medical::load(services, &people, now).await?;
    treatments::load(services, &people, now).await?;
    vitals::load(services, &people, now).await?;
    records::load(services, &people, now).await?;
    chat::load(services, &people).await?;
    messaging::load(services, &people).await?;
    exports::load(services, &people, now).await?;
    visitors_ask(services).await?;
    // The administrator named the centre and shortened how far ahead
    // patients book: the settings page has a history to show.
    let admin = people
        .principal("admin")?
        .entering(crate::trail::Door::Web, None);
    let named = crate::settings::SettingsPatch {
        clinic_name: Some("Centre médical MedPlat".into()),
        max_advance_days: Some(180),
        ..Default::default()
    };
    services.settings.update(&admin, &named).await?;
    Ok(true)
}

/// Questions visitors put to the assistant on the site, answered (and so
/// counted in the statistics) as any visitor's would be.
async fn visitors_ask(services: &Services) -> DomainResult<()> {
    const QUESTIONS: [(&str, bool); 10] = [
        ("Comment prendre rendez-vous avec un cardiologue ?", true),
        ("Quels sont vos horaires d'ouverture ?", true),
        ("Combien coûte une consultation ?", true),
        ("Je voudrais annuler mon rendez-vous", true),
        ("Est-ce que je peux consulter à distance ?", true),
        ("How do I book an appointment?", false),
        ("Can I see my test results online?", false),
        ("Où se trouve la clinique ?", true),
        (
            "J'ai une douleur dans la poitrine et je n'arrive plus à respirer",
            true,
        ),
        ("quelle est la meilleure recette de crêpes", true),
    ];
    for (question, french) in QUESTIONS {
        services.assistant.reply(None, question, french).await?;
    }
    Ok(())
}

/// The demo accounts by username.
#[derive(Default)]
struct People {
    ids: HashMap<&'static str, (UserId, Role)>,
}

impl People {
    fn id(&self, username: &str) -> DomainResult<UserId> {
        self.ids
            .get(username)
            .map(|(id, _)| *id)
            .ok_or_else(|| DomainError::internal(format!("no demo account {username}")))
    }

    /// The account of `id` acting, as a signed-in user would.
    fn principal_of(&self, id: UserId) -> DomainResult<Principal> {
        self.ids
            .values()
            .find(|(user, _)| *user == id)
            .map(|(user, role)| Principal::cli(*user, *role))
            .ok_or_else(|| DomainError::internal(format!("no demo account {id}")))
    }

    /// The account acting, as a signed-in user would.
    fn principal(&self, username: &str) -> DomainResult<Principal> {
        let (user_id, role) = self
            .ids
            .get(username)
            .copied()
            .ok_or_else(|| DomainError::internal(format!("no demo account {username}")))?;
        Ok(Principal::cli(user_id, role))
    }
}

/// A local day `weeks` weeks from the week holding `now` in `tz` (0: this
/// week, -1: last week), on `weekday`.
fn day_of_week(tz: &TimeZone, now: Timestamp, weeks: i32, weekday: Weekday) -> DomainResult<Date> {
    let today = now.to_zoned(tz.clone()).date();
    let monday = today
        .checked_sub(jiff::Span::new().days(today.weekday().to_monday_zero_offset()))
        .map_err(DomainError::internal)?;
    monday
        .checked_add(
            jiff::Span::new()
                .days(i64::from(weeks) * 7 + i64::from(weekday.to_monday_zero_offset())),
        )
        .map_err(DomainError::internal)
}

/// The instant of a wall-clock time of `day` in `tz`.
fn instant(tz: &TimeZone, day: Date, time: Time) -> DomainResult<Timestamp> {
    day.to_datetime(time)
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(DomainError::internal)
}
