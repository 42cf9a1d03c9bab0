//! Accounts: patients sign up themselves; administrators create accounts of
//! every role, list, change, deactivate and reactivate them. What people
//! change of their own account is in `settings`.

use crate::accounts::{NewAccount, Role, SignUpForm, Specialty, User, UserId};
use crate::activity::ActivityAction;
use crate::auth::{Principal, hash_password};
use crate::error::{DomainError, DomainResult};
use crate::scheduling::forms::parse_timezone;
use crate::store::activity::{self, NewActivity};
use crate::store::{Db, availability, db_error, sessions, specialties, users};
use crate::trail::Door;

mod settings;
pub use settings::{PasswordReset, RESET_LINK_MINUTES};

/// Page size cap for account listings.
const MAX_PAGE: i64 = 200;
/// Largest offset of an account listing.
const MAX_OFFSET: i64 = 1_000_000_000;

/// Account operations.
#[derive(Clone)]
pub struct AccountService {
    db: Db,
    bus: crate::events::Publisher,
}

/// What an administrator fills in to create a staff account.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewStaff {
    pub role: String,
    pub form: SignUpForm,
    /// Specialty code, for doctors.
    pub specialty: Option<String>,
    /// IANA time zone, for doctors (default `Europe/Paris`).
    pub timezone: Option<String>,
}

impl AccountService {
    pub(crate) fn new(db: Db, bus: crate::events::Publisher) -> Self {
        Self { db, bus }
    }

    /// A patient creates their own account.
    pub async fn sign_up(&self, form: &SignUpForm) -> DomainResult<User> {
        self.sign_up_through(form, Door::Rest).await
    }

    /// [`Self::sign_up`] through `door` (recorded in the activity log).
    pub async fn sign_up_through(&self, form: &SignUpForm, door: Door) -> DomainResult<User> {
        let account = NewAccount::parse(form)?;
        self.create(Role::Patient, account, None, None, Creator::Themself(door))
            .await
    }

    /// An administrator creates an account of any role (a patient who cannot
    /// sign up alone, a doctor, an administrator).
    pub async fn create_staff(&self, actor: &Principal, new: &NewStaff) -> DomainResult<User> {
        actor.require(Role::Admin)?;
        let role = Role::parse(new.role.trim())?;
        let account = NewAccount::parse(&new.form)?;
        let specialty = match (role, new.specialty.as_deref().map(str::trim)) {
            (Role::Doctor, Some(code)) if !code.is_empty() => Some(code.to_owned()),
            _ => None,
        };
        let timezone = match (role, new.timezone.as_deref().map(str::trim)) {
            (Role::Doctor, Some(zone)) if !zone.is_empty() => Some(parse_timezone(zone)?),
            _ => None,
        };
        self.create(
            role,
            account,
            specialty.as_deref(),
            timezone.as_deref(),
            Creator::Admin(actor),
        )
        .await
    }

    /// Creates an account with no actor: first administrator, demo data.
    pub async fn create_unchecked(
        &self,
        role: Role,
        form: &SignUpForm,
        specialty: Option<&str>,
    ) -> DomainResult<User> {
        self.create(
            role,
            NewAccount::parse(form)?,
            specialty,
            None,
            Creator::Platform,
        )
        .await
    }

    async fn create(
        &self,
        role: Role,
        account: NewAccount,
        specialty: Option<&str>,
        timezone: Option<&str>,
        creator: Creator<'_>,
    ) -> DomainResult<User> {
        let password_hash = hash_password(account.password.expose().to_owned()).await?;
        let mut tx = self.db.begin_write().await?;
        let user = users::insert(
            &mut tx,
            users::NewUserRow {
                username: &account.username,
                email: &account.email,
                password_hash: &password_hash,
                first_name: &account.first_name,
                last_name: &account.last_name,
                role,
            },
        )
        .await?;
        if role == Role::Doctor {
            let specialty_id = match specialty {
                Some(code) => Some(specialty_id(&mut tx, code).await?),
                None => None,
            };
            specialties::set_doctor_specialty(&mut tx, user.id, specialty_id).await?;
            if let Some(zone) = timezone {
                availability::set_timezone(&mut tx, user.id, zone).await?;
            }
        }
        let entry = match creator {
            Creator::Admin(actor) => NewActivity::by(actor, ActivityAction::AccountCreated),
            // Signing up is the new patient's own act, through the site.
            Creator::Themself(door) => NewActivity::by(
                &Principal {
                    door,
                    ..Principal::cli(user.id, role)
                },
                ActivityAction::AccountCreated,
            ),
            Creator::Platform => NewActivity::by_platform(ActivityAction::AccountCreated),
        };
        activity::log(
            &mut tx,
            &entry
                .on("user", user.id)
                .detail(format!("role:{}", role.as_str())),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(user_id = user.id, role = role.as_str(), "account created");
        Ok(user)
    }

    /// The caller's own account.
    pub async fn me(&self, actor: &Principal) -> DomainResult<User> {
        self.get(actor, actor.user_id).await
    }

    /// One account: oneself, or any for an administrator.
    pub async fn get(&self, actor: &Principal, id: UserId) -> DomainResult<User> {
        if actor.user_id != id && actor.role != Role::Admin {
            return Err(DomainError::NotFound("account"));
        }
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        users::by_id(&mut conn, id)
            .await?
            .ok_or(DomainError::NotFound("account"))
    }

    /// Accounts, newest first (administrators only).
    pub async fn list(
        &self,
        actor: &Principal,
        role: Option<Role>,
        limit: i64,
        offset: i64,
    ) -> DomainResult<Vec<User>> {
        actor.require(Role::Admin)?;
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(DomainError::invalid(
                "limit",
                "out_of_range",
                format!("limit must be between 1 and {MAX_PAGE}"),
            ));
        }
        if !(0..=MAX_OFFSET).contains(&offset) {
            return Err(DomainError::invalid(
                "offset",
                "out_of_range",
                format!("offset must be between 0 and {MAX_OFFSET}"),
            ));
        }
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        users::list(&mut conn, role, limit, offset).await
    }

    /// Deactivates an account and signs it out everywhere (administrators only,
    /// never their own account).
    pub async fn deactivate(&self, actor: &Principal, id: UserId) -> DomainResult<User> {
        actor.require(Role::Admin)?;
        if actor.user_id == id {
            return Err(DomainError::Conflict {
                field: None,
                code: "cannot_deactivate_self",
                message: "administrators cannot deactivate their own account".into(),
            });
        }
        let mut tx = self.db.begin_write().await?;
        if !users::deactivate(&mut tx, id).await? {
            return Err(DomainError::NotFound("account"));
        }
        sessions::revoke_all_of(&mut tx, id).await?;
        // Its mobile number may then identify another patient.
        crate::store::profiles::release_mobile_phone(&mut tx, id).await?;
        let user = users::by_id(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("account"))?;
        activity::log(
            &mut tx,
            &NewActivity::by(actor, ActivityAction::AccountDeactivated).on("user", id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.bus.publish(crate::events::Event::SessionEnded {
            user_id: id,
            session_id: None,
        });
        tracing::info!(user_id = id, by = actor.user_id, "account deactivated");
        Ok(user)
    }

    /// Reactivates a deactivated account (administrators). Its sessions were
    /// ended when it was deactivated: its owner signs in again.
    pub async fn reactivate(&self, actor: &Principal, id: UserId) -> DomainResult<User> {
        actor.require(Role::Admin)?;
        let mut tx = self.db.begin_write().await?;
        if !users::reactivate(&mut tx, id).await? {
            return Err(DomainError::NotFound("account"));
        }
        let user = users::by_id(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("account"))?;
        activity::log(
            &mut tx,
            &NewActivity::by(actor, ActivityAction::AccountReactivated).on("user", id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(user_id = id, by = actor.user_id, "account reactivated");
        Ok(user)
    }

    /// The medical specialties (public reference data).
    pub async fn specialties(&self) -> DomainResult<Vec<Specialty>> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        specialties::list(&mut conn).await
    }

    /// Number of accounts (first start detection).
    pub async fn count(&self) -> DomainResult<i64> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        users::count(&mut conn).await
    }
}

async fn specialty_id(conn: &mut sqlx::AnyConnection, code: &str) -> DomainResult<i64> {
    specialties::id_by_code(conn, code)
        .await?
        .ok_or_else(|| DomainError::invalid("specialty", "unknown_specialty", "unknown specialty"))
}

/// Who creates an account, for the activity log.
enum Creator<'a> {
    /// An administrator.
    Admin(&'a Principal),
    /// The patient signing up, through a door.
    Themself(Door),
    /// The platform itself (the first administrator, demo data).
    Platform,
}
