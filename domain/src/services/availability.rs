//! Doctors' weekly ranges: anyone signed in reads them, their doctor adds,
//! changes and removes them. An active range may overlap neither another
//! active range of the doctor nor one of their one-off slots still to come.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::forms::AvailabilityForm;
use crate::scheduling::slots::{self, overlaps};
use crate::scheduling::{WeeklyRange, check_no_overlap};
use crate::services::scheduling::{SchedulingService, log_change, zone};
use crate::store::appointments::lock_doctor;
use crate::store::{availability, db_error, openings};

/// Longest one-off slot (it may have started this long before now and still run).
const LONGEST_OPENING_MINUTES: i64 = 480;

impl SchedulingService {
    /// A doctor's weekly ranges (anyone signed in may read them).
    pub async fn availabilities(&self, doctor_id: UserId) -> DomainResult<Vec<WeeklyRange>> {
        self.schedule(doctor_id).await?;
        availability::ranges_of(&mut *self.conn().await?, doctor_id).await
    }

    /// One weekly range and its doctor.
    pub async fn availability(&self, id: i64) -> DomainResult<(UserId, WeeklyRange)> {
        availability::range(&mut *self.conn().await?, id)
            .await?
            .ok_or(DomainError::NotFound("availability"))
    }

    /// A doctor adds a weekly range to their own availability (409
    /// `availability_overlap` if, active, it overlaps another active range or
    /// a one-off slot of theirs).
    pub async fn add_availability(
        &self,
        actor: &Principal,
        form: &AvailabilityForm,
    ) -> DomainResult<WeeklyRange> {
        actor.require(Role::Doctor)?;
        let range = form.parse()?;
        let tz = zone(&self.schedule(actor.user_id).await?)?;
        let mut tx = self.db().begin_write().await?;
        self.check_fits(&mut tx, actor.user_id, &tz, &range).await?;
        let range = availability::insert_range(&mut tx, actor.user_id, &range).await?;
        log_change(&mut tx, actor, "weekly_hours:added").await?;
        tx.commit().await.map_err(db_error)?;
        Ok(range)
    }

    async fn own_range(&self, actor: &Principal, id: i64) -> DomainResult<WeeklyRange> {
        actor.require(Role::Doctor)?;
        match self.availability(id).await? {
            (doctor, range) if doctor == actor.user_id => Ok(range),
            _ => Err(DomainError::NotFound("availability")),
        }
    }

    /// A doctor changes one of their weekly ranges: every field (`partial` false)
    /// or only those given. Appointments already booked stay as they are. The
    /// result, if active (switched back on included), is checked for overlaps
    /// as a new range is.
    pub async fn update_availability(
        &self,
        actor: &Principal,
        id: i64,
        form: AvailabilityForm,
        partial: bool,
    ) -> DomainResult<WeeklyRange> {
        let current = self.own_range(actor, id).await?;
        let form = if partial {
            form.over(AvailabilityForm::from_range(&current))
        } else {
            form
        };
        let range = WeeklyRange {
            id,
            ..form.parse()?
        };
        let tz = zone(&self.schedule(actor.user_id).await?)?;
        let mut tx = self.db().begin_write().await?;
        self.check_fits(&mut tx, actor.user_id, &tz, &range).await?;
        availability::update_range(&mut tx, &range).await?;
        log_change(&mut tx, actor, "weekly_hours:changed").await?;
        tx.commit().await.map_err(db_error)?;
        Ok(range)
    }

    /// A doctor removes one of their weekly ranges.
    pub async fn delete_availability(&self, actor: &Principal, id: i64) -> DomainResult<()> {
        self.own_range(actor, id).await?;
        let mut tx = self.db().begin_write().await?;
        lock_doctor(&mut tx, self.db().dialect(), actor.user_id).await?;
        availability::delete_range(&mut tx, id).await?;
        log_change(&mut tx, actor, "weekly_hours:removed").await?;
        tx.commit().await.map_err(db_error)
    }

    /// Inside a write transaction (the doctor's calendar locked first): refuses
    /// an active `range` that overlaps another active range of the doctor, or
    /// whose slots overlap a one-off slot of theirs that has not ended.
    async fn check_fits(
        &self,
        tx: &mut sqlx::AnyConnection,
        doctor_id: UserId,
        tz: &TimeZone,
        range: &WeeklyRange,
    ) -> DomainResult<()> {
        lock_doctor(tx, self.db().dialect(), doctor_id).await?;
        if !range.active {
            return Ok(());
        }
        let existing = availability::ranges_of(tx, doctor_id).await?;
        check_no_overlap(range, &existing)?;
        let now = Timestamp::now();
        let since = bounds::shift(now, -bounds::minutes(LONGEST_OPENING_MINUTES));
        let ahead = openings::of_doctor(tx, doctor_id, since, Timestamp::MAX).await?;
        for opening in ahead.iter().filter(|o| o.ends_at > now) {
            let first = opening.starts_at.to_zoned(tz.clone()).date();
            // A one-off slot lasts 8 hours at most: it touches two local days.
            let last = opening
                .ends_at
                .to_zoned(tz.clone())
                .date()
                .min(first.tomorrow().unwrap_or(first));
            let clash = slots::expand(std::slice::from_ref(range), &[], tz, first, last)
                .into_iter()
                .any(|s| overlaps(s.starts_at, s.ends_at, opening.starts_at, opening.ends_at));
            if clash {
                let local = |at: Timestamp| at.to_zoned(tz.clone()).strftime("%H:%M").to_string();
                return Err(DomainError::Conflict {
                    field: Some("start_time"),
                    code: "availability_overlap",
                    message: format!(
                        "this range overlaps your one-off slot of {first} {}–{}",
                        local(opening.starts_at),
                        local(opening.ends_at)
                    ),
                });
            }
        }
        Ok(())
    }
}
