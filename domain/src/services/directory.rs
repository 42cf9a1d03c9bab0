//! The doctors' directory: search by specialty, name, consultation type and
//! earliest free date; doctors' public profiles; specialties, which
//! administrators manage.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::accounts::{Role, Specialty, UserId};
use crate::activity::ActivityAction;
use crate::auth::Principal;
use crate::bounds;
use crate::doctors::{ProfileForm, SpecialtyForm};
use crate::error::{DomainError, DomainResult};
use crate::scheduling::ConsultationType;
use crate::services::scheduling::{FreeSlot, SchedulingService, zone};
use crate::store::activity::{self, NewActivity};
use crate::store::doctors::{self, DirectoryFilter, DoctorListing};
use crate::store::{Db, db_error, specialties};

/// How many days ahead the directory looks for a doctor's next free slot.
pub const NEXT_FREE_HORIZON_DAYS: i32 = 28;

/// What patients search doctors by.
#[derive(Debug, Clone, Default)]
pub struct DoctorSearch {
    /// Specialty code.
    pub specialty: Option<String>,
    /// Part of the name.
    pub name: Option<String>,
    pub consultation_type: Option<ConsultationType>,
    /// Only doctors with a free slot on or before this day (their zone).
    pub available_by: Option<Date>,
}

/// A doctor found, with their next free slot within four weeks.
#[derive(Debug, Clone)]
pub struct DoctorMatch {
    pub doctor: DoctorListing,
    pub next_free: Option<FreeSlot>,
}

/// Directory operations.
#[derive(Clone)]
pub struct DirectoryService {
    db: Db,
    scheduling: SchedulingService,
}

impl DirectoryService {
    pub(crate) fn new(db: Db, scheduling: SchedulingService) -> Self {
        Self { db, scheduling }
    }

    async fn conn(&self) -> DomainResult<sqlx::pool::PoolConnection<sqlx::Any>> {
        self.db.pool().acquire().await.map_err(db_error)
    }

    /// Active doctors matching the filters, by last name (anyone signed in).
    pub async fn doctors(&self, search: &DoctorSearch) -> DomainResult<Vec<DoctorListing>> {
        let specialty = search.specialty.as_deref().map(str::trim);
        let name = search.name.as_deref().map(str::trim);
        if name.is_some_and(|n| n.chars().count() > 100) {
            return Err(DomainError::invalid(
                "q",
                "too_long",
                "at most 100 characters",
            ));
        }
        let filter = DirectoryFilter {
            specialty: specialty.filter(|s| !s.is_empty()),
            name: name.filter(|n| !n.is_empty()),
            consultation_type: search.consultation_type,
            id: None,
        };
        doctors::doctors(&mut *self.conn().await?, &filter).await
    }

    /// [`DirectoryService::doctors`] with each doctor's next free slot; with
    /// `available_by`, only those free by then, soonest first.
    pub async fn search(
        &self,
        search: &DoctorSearch,
        now: Timestamp,
    ) -> DomainResult<Vec<DoctorMatch>> {
        if let Some(by) = search.available_by {
            bounds::date_in_range("available_by", by)?;
        }
        let mut found = Vec::new();
        for doctor in self.doctors(search).await? {
            let next_free = self
                .next_free(&doctor, search.consultation_type, now)
                .await?;
            found.push(DoctorMatch { doctor, next_free });
        }
        if let Some(by) = search.available_by {
            found.retain(|m| {
                m.next_free.as_ref().is_some_and(|f| {
                    jiff::tz::TimeZone::get(&m.doctor.timezone)
                        .is_ok_and(|tz| f.slot.starts_at.to_zoned(tz).date() <= by)
                })
            });
            found.sort_by_key(|m| m.next_free.as_ref().map(|f| f.slot.starts_at));
        }
        Ok(found)
    }

    async fn next_free(
        &self,
        doctor: &DoctorListing,
        kind: Option<ConsultationType>,
        now: Timestamp,
    ) -> DomainResult<Option<FreeSlot>> {
        let schedule = self.scheduling.schedule(doctor.id).await?;
        let today = now.to_zoned(zone(&schedule)?).date();
        let last = bounds::add_days("available_by", today, i64::from(NEXT_FREE_HORIZON_DAYS - 1))?;
        let free = self
            .scheduling
            .free_slots(doctor.id, today, last, kind, now)
            .await?;
        Ok(free.into_iter().next())
    }

    /// One active doctor's public profile.
    pub async fn doctor(&self, id: UserId) -> DomainResult<DoctorListing> {
        doctors::doctor(&mut *self.conn().await?, id)
            .await?
            .ok_or(DomainError::NotFound("doctor"))
    }

    /// The calling doctor's own profile.
    pub async fn my_profile(&self, actor: &Principal) -> DomainResult<DoctorListing> {
        actor.require(Role::Doctor)?;
        self.doctor(actor.user_id).await
    }

    /// A doctor changes their own profile (fields given only).
    pub async fn update_profile(
        &self,
        actor: &Principal,
        form: &ProfileForm,
    ) -> DomainResult<DoctorListing> {
        let current = self.my_profile(actor).await?;
        let fields = form.apply(&current.profile())?;
        let mut tx = self.db.begin_write().await?;
        crate::store::appointments::lock_doctor(&mut tx, self.db.dialect(), actor.user_id).await?;
        let specialty_id =
            match &fields.specialty {
                None => None,
                Some(code) => Some(specialties::id_by_code(&mut tx, code).await?.ok_or_else(
                    || DomainError::invalid("specialty", "unknown_specialty", "unknown specialty"),
                )?),
            };
        doctors::save_profile(&mut tx, actor.user_id, &fields, specialty_id).await?;
        tx.commit().await.map_err(db_error)?;
        self.doctor(actor.user_id).await
    }

    /// An administrator adds a specialty.
    pub async fn add_specialty(
        &self,
        actor: &Principal,
        form: &SpecialtyForm,
    ) -> DomainResult<Specialty> {
        actor.require(Role::Admin)?;
        let (code, name_fr, name_en) = form.parse()?;
        let mut tx = self.db.begin_write().await?;
        let id = specialties::insert(&mut tx, &code, &name_fr, &name_en).await?;
        log(&mut tx, actor, ActivityAction::SpecialtyCreated, id, &code).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Specialty {
            id,
            code,
            name_fr,
            name_en,
        })
    }

    /// An administrator renames a specialty.
    pub async fn update_specialty(
        &self,
        actor: &Principal,
        id: i64,
        form: &SpecialtyForm,
    ) -> DomainResult<Specialty> {
        actor.require(Role::Admin)?;
        let (code, name_fr, name_en) = form.parse()?;
        let specialty = Specialty {
            id,
            code,
            name_fr,
            name_en,
        };
        let mut tx = self.db.begin_write().await?;
        if !specialties::update(&mut tx, &specialty).await? {
            return Err(DomainError::NotFound("specialty"));
        }
        log(
            &mut tx,
            actor,
            ActivityAction::SpecialtyUpdated,
            id,
            &specialty.code,
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(specialty)
    }

    /// An administrator removes a specialty no doctor practises.
    pub async fn delete_specialty(&self, actor: &Principal, id: i64) -> DomainResult<()> {
        actor.require(Role::Admin)?;
        let mut tx = self.db.begin_write().await?;
        let Some(specialty) = specialties::get(&mut tx, id).await? else {
            return Err(DomainError::NotFound("specialty"));
        };
        let used = specialties::doctors_in(&mut tx, id).await?;
        if used > 0 {
            return Err(DomainError::Conflict {
                field: None,
                code: "specialty_in_use",
                message: format!("{used} doctor(s) practise this specialty; move them first"),
            });
        }
        specialties::delete(&mut tx, id).await?;
        log(
            &mut tx,
            actor,
            ActivityAction::SpecialtyDeleted,
            id,
            &specialty.code,
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }
}

/// A specialty's change in the activity log, with its code.
async fn log(
    tx: &mut crate::store::WriteTx,
    actor: &Principal,
    action: ActivityAction,
    id: i64,
    code: &str,
) -> DomainResult<()> {
    activity::log(
        tx,
        &NewActivity::by(actor, action)
            .on("specialty", id)
            .detail(format!("code:{code}")),
    )
    .await
}
