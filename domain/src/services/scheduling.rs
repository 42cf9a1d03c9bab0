//! Scheduling operations: doctors keep their availability, exceptions and booking
//! rules; anyone signed in searches the free slots they leave.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::forms::{AvailabilityForm, ExceptionForm, ScheduleForm};
use crate::scheduling::slots::{self, Slot, overlaps};
use crate::scheduling::{ConsultationType, Exception, WeeklyRange};
use crate::store::appointments as store;
use crate::store::availability::{self, DoctorSchedule, StoredException};
use crate::store::openings;
use crate::store::{Db, db_error};

/// Longest span of one free-slot search, in days.
pub const MAX_SEARCH_DAYS: i64 = 92;

/// A slot with places left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeSlot {
    pub doctor_id: UserId,
    pub slot: Slot,
    /// Places left.
    pub remaining: i32,
}

/// Scheduling operations.
#[derive(Clone)]
pub struct SchedulingService {
    db: Db,
}

fn not_found() -> DomainError {
    DomainError::NotFound("doctor")
}

impl SchedulingService {
    pub(crate) fn new(db: Db) -> Self {
        Self { db }
    }

    pub(crate) fn db(&self) -> &Db {
        &self.db
    }

    async fn conn(&self) -> DomainResult<sqlx::pool::PoolConnection<sqlx::Any>> {
        self.db.pool().acquire().await.map_err(db_error)
    }

    /// A doctor's schedule (zone and rules); 404 for anyone else.
    pub async fn schedule(&self, doctor_id: UserId) -> DomainResult<DoctorSchedule> {
        availability::doctor_schedule(&mut *self.conn().await?, doctor_id)
            .await?
            .ok_or_else(not_found)
    }

    /// A doctor changes their time zone or booking rules.
    pub async fn update_schedule(
        &self,
        actor: &Principal,
        form: &ScheduleForm,
    ) -> DomainResult<DoctorSchedule> {
        actor.require(Role::Doctor)?;
        let current = self.schedule(actor.user_id).await?;
        let (timezone, rules) = form.apply(&current.timezone, current.rules)?;
        let schedule = DoctorSchedule {
            doctor_id: actor.user_id,
            timezone,
            rules,
        };
        let mut tx = self.db.begin_write().await?;
        availability::save_schedule(&mut tx, &schedule).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(schedule)
    }

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

    /// A doctor adds a weekly range to their own availability.
    pub async fn add_availability(
        &self,
        actor: &Principal,
        form: &AvailabilityForm,
    ) -> DomainResult<WeeklyRange> {
        actor.require(Role::Doctor)?;
        let range = form.parse()?;
        let mut tx = self.db.begin_write().await?;
        let range = availability::insert_range(&mut tx, actor.user_id, &range).await?;
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
    /// or only those given. Appointments already booked stay as they are.
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
        let mut tx = self.db.begin_write().await?;
        availability::update_range(&mut tx, &range).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(range)
    }

    /// A doctor removes one of their weekly ranges.
    pub async fn delete_availability(&self, actor: &Principal, id: i64) -> DomainResult<()> {
        self.own_range(actor, id).await?;
        let mut tx = self.db.begin_write().await?;
        availability::delete_range(&mut tx, id).await?;
        tx.commit().await.map_err(db_error)
    }

    /// A doctor's own exceptions (reasons are private): one-off ones that ended
    /// at most 30 days before `now`, and every recurring one.
    pub async fn exceptions(
        &self,
        actor: &Principal,
        now: Timestamp,
    ) -> DomainResult<Vec<StoredException>> {
        actor.require(Role::Doctor)?;
        let from = now - SignedDuration::from_hours(24 * 30);
        availability::exceptions_of(
            &mut *self.conn().await?,
            actor.user_id,
            from,
            Timestamp::MAX,
        )
        .await
    }

    /// One of the doctor's own exceptions (others' are not found).
    pub async fn exception(&self, actor: &Principal, id: i64) -> DomainResult<StoredException> {
        actor.require(Role::Doctor)?;
        match availability::exception(&mut *self.conn().await?, id).await? {
            Some(stored) if stored.doctor_id == actor.user_id => Ok(stored),
            _ => Err(DomainError::NotFound("exception")),
        }
    }

    /// A doctor blocks a period (once or weekly).
    pub async fn add_exception(
        &self,
        actor: &Principal,
        form: &ExceptionForm,
    ) -> DomainResult<StoredException> {
        actor.require(Role::Doctor)?;
        let (exception, reason) = form.parse()?;
        let mut tx = self.db.begin_write().await?;
        let id =
            availability::insert_exception(&mut tx, actor.user_id, &exception, &reason).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(StoredException {
            doctor_id: actor.user_id,
            exception: Exception { id, ..exception },
            reason,
        })
    }

    /// A doctor replaces one of their exceptions.
    pub async fn update_exception(
        &self,
        actor: &Principal,
        id: i64,
        form: &ExceptionForm,
    ) -> DomainResult<StoredException> {
        self.exception(actor, id).await?;
        let (exception, reason) = form.parse()?;
        let exception = Exception { id, ..exception };
        let mut tx = self.db.begin_write().await?;
        availability::update_exception(&mut tx, &exception, &reason).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(StoredException {
            doctor_id: actor.user_id,
            exception,
            reason,
        })
    }

    /// A doctor removes one of their exceptions.
    pub async fn delete_exception(&self, actor: &Principal, id: i64) -> DomainResult<()> {
        self.exception(actor, id).await?;
        let mut tx = self.db.begin_write().await?;
        availability::delete_exception(&mut tx, id).await?;
        tx.commit().await.map_err(db_error)
    }

    /// Free slots of a doctor from `first` (default: today in the doctor's zone)
    /// to `last` (default: a week).
    pub async fn search_free_slots(
        &self,
        doctor_id: UserId,
        first: Option<Date>,
        last: Option<Date>,
        kind: Option<ConsultationType>,
        now: Timestamp,
    ) -> DomainResult<Vec<FreeSlot>> {
        let today = now.to_zoned(zone(&self.schedule(doctor_id).await?)?).date();
        let first = first.unwrap_or(today);
        let last = match last {
            Some(last) => last,
            None => first
                .checked_add(jiff::Span::new().days(6))
                .map_err(DomainError::internal)?,
        };
        self.free_slots(doctor_id, first, last, kind, now).await
    }

    /// Free slots of a doctor on the local days `first..=last` (doctor's zone),
    /// as the rules allow them at `now`, with places left.
    pub async fn free_slots(
        &self,
        doctor_id: UserId,
        first: Date,
        last: Date,
        kind: Option<ConsultationType>,
        now: Timestamp,
    ) -> DomainResult<Vec<FreeSlot>> {
        self.open_slots(doctor_id, first, last, kind, now, false)
            .await
    }

    /// Every slot the rules open at `now` on the local days `first..=last`,
    /// full ones included (with no place left), for week views.
    pub async fn slots_with_full(
        &self,
        doctor_id: UserId,
        first: Date,
        last: Date,
        now: Timestamp,
    ) -> DomainResult<Vec<FreeSlot>> {
        self.open_slots(doctor_id, first, last, None, now, true)
            .await
    }

    /// The slots the rules open at `now`, full ones too when `include_full`
    /// (booking leaves the place count to the database).
    pub(crate) async fn open_slots(
        &self,
        doctor_id: UserId,
        first: Date,
        last: Date,
        kind: Option<ConsultationType>,
        now: Timestamp,
        include_full: bool,
    ) -> DomainResult<Vec<FreeSlot>> {
        if last < first {
            return Err(DomainError::invalid(
                "date_end",
                "end_before_start",
                "the end date comes before the start date",
            ));
        }
        if first
            .until(last)
            .map_or(true, |span| span.get_days() as i64 > MAX_SEARCH_DAYS)
        {
            return Err(DomainError::invalid(
                "date_end",
                "range_too_long",
                "search at most 92 days at once",
            ));
        }
        let schedule = self.schedule(doctor_id).await?;
        let tz = zone(&schedule)?;
        let mut conn = self.conn().await?;
        let from = day_start(&tz, first)?;
        let to = day_start(&tz, last.tomorrow().map_err(DomainError::internal)?)?;
        let ranges = availability::ranges_of(&mut conn, doctor_id).await?;
        let exceptions: Vec<Exception> =
            availability::exceptions_of(&mut conn, doctor_id, from, to)
                .await?
                .into_iter()
                .map(|s| s.exception)
                .collect();
        let extra = openings::of_doctor(&mut conn, doctor_id, from, to).await?;
        let taken: std::collections::HashMap<Timestamp, i32> =
            store::places_taken(&mut conn, doctor_id, from, to)
                .await?
                .into_iter()
                .collect();
        let buffer = SignedDuration::from_mins(i64::from(schedule.rules.buffer_minutes));
        let holding = if buffer.is_zero() {
            Vec::new()
        } else {
            store::doctor_holding(&mut conn, doctor_id, from - buffer, to + buffer).await?
        };
        drop(conn);
        let earliest =
            now + SignedDuration::from_mins(i64::from(schedule.rules.min_notice_minutes));
        let latest =
            now + SignedDuration::from_hours(24 * i64::from(schedule.rules.max_advance_days));
        let all = slots::with_openings(
            slots::expand(&ranges, &exceptions, &tz, first, last),
            extra,
            &exceptions,
            &tz,
        );
        Ok(all
            .into_iter()
            .filter(|slot| slot.starts_at >= earliest && slot.starts_at <= latest)
            .filter(|slot| kind.is_none_or(|wanted| slot.consultation_type.offers(wanted)))
            .filter(|slot| {
                !holding.iter().any(|a| {
                    a.starts_at != slot.starts_at
                        && overlaps(
                            slot.starts_at - buffer,
                            slot.ends_at + buffer,
                            a.starts_at,
                            a.ends_at,
                        )
                })
            })
            .filter_map(|slot| {
                let used = taken.get(&slot.starts_at).copied().unwrap_or(0);
                let remaining = slot.capacity - used;
                (include_full || remaining > 0).then_some(FreeSlot {
                    doctor_id,
                    slot,
                    remaining: remaining.max(0),
                })
            })
            .collect())
    }

    /// The slot starting exactly at `starts_at`, if the rules open it now (full or not).
    pub(crate) async fn slot_at(
        &self,
        doctor_id: UserId,
        starts_at: Timestamp,
        kind: ConsultationType,
        now: Timestamp,
    ) -> DomainResult<FreeSlot> {
        let schedule = self.schedule(doctor_id).await?;
        let day = starts_at.to_zoned(zone(&schedule)?).date();
        let open = self
            .open_slots(
                doctor_id,
                day.yesterday().unwrap_or(day),
                day,
                Some(kind),
                now,
                true,
            )
            .await?;
        open.into_iter().find(|f| f.slot.starts_at == starts_at).ok_or_else(|| DomainError::Conflict {
            field: Some("start"),
            code: "slot_unavailable",
            message: "this slot is not open for booking (taken, blocked or outside the doctor's rules)".into(),
        })
    }
}

/// The doctor's time zone.
pub fn zone(schedule: &DoctorSchedule) -> DomainResult<TimeZone> {
    TimeZone::get(&schedule.timezone).map_err(DomainError::internal)
}

/// Midnight of a local day, as an instant (the first instant of the day when
/// midnight itself is skipped).
fn day_start(tz: &TimeZone, day: Date) -> DomainResult<Timestamp> {
    day.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(DomainError::internal)
}
