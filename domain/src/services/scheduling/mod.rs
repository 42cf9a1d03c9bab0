//! Scheduling operations: doctors keep their availability, exceptions and booking
//! rules; anyone signed in searches the free slots they leave.

mod exceptions;

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::appointments::BookingRules;
use crate::scheduling::forms::ScheduleForm;
use crate::scheduling::slots::{self, Slot};
use crate::scheduling::{ConsultationType, Exception};
use crate::store::appointments as store;
use crate::store::appointments::lock_doctor;
use crate::store::availability::{self, DoctorSchedule};
use crate::store::openings;
use crate::store::{Db, db_error};

use super::unrolled::{Held, KeptSlots, Unrolled};

/// Longest span of one free-slot search, in days (the last day at most this
/// many days after the first).
pub const MAX_SEARCH_DAYS: i64 = bounds::MAX_SPAN_DAYS;

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
    /// The platform's settings (clinic-wide notice, horizon and buffer).
    settings: crate::services::SettingsService,
    /// Doctors' slots kept between searches.
    kept: KeptSlots,
}

fn not_found() -> DomainError {
    DomainError::NotFound("doctor")
}

impl SchedulingService {
    pub(crate) fn new(db: Db, settings: crate::services::SettingsService) -> Self {
        Self {
            db,
            settings,
            kept: KeptSlots::default(),
        }
    }

    pub(crate) fn db(&self) -> &Db {
        &self.db
    }

    /// The platform's settings this service applies.
    pub(crate) fn settings(&self) -> &crate::services::SettingsService {
        &self.settings
    }

    pub(crate) async fn conn(&self) -> DomainResult<sqlx::pool::PoolConnection<sqlx::Any>> {
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
        lock_doctor(&mut tx, self.db.dialect(), schedule.doctor_id).await?;
        availability::save_schedule(&mut tx, &schedule).await?;
        log_change(&mut tx, actor, "booking_rules:changed").await?;
        tx.commit().await.map_err(db_error)?;
        Ok(schedule)
    }

    /// Free slots of a doctor from `first` (`date_start`, default: today in the
    /// doctor's zone) to `last` (`date_end`, default: a week), at most
    /// [`MAX_SEARCH_DAYS`] days apart, within [`bounds`].
    pub async fn search_free_slots(
        &self,
        doctor_id: UserId,
        first: Option<Date>,
        last: Option<Date>,
        kind: Option<ConsultationType>,
        now: Timestamp,
    ) -> DomainResult<Vec<FreeSlot>> {
        let first = first
            .map(|d| bounds::date_in_range("date_start", d))
            .transpose()?;
        let last = last
            .map(|d| bounds::date_in_range("date_end", d))
            .transpose()?;
        // Without a first day: today in the doctor's zone.
        let first = match first {
            Some(first) => first,
            None => now.to_zoned(zone(&self.schedule(doctor_id).await?)?).date(),
        };
        let last = match last {
            Some(last) => last,
            None => bounds::add_days("date_start", first, 6)?.min(bounds::LAST_DAY),
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
        bounds::date_in_range("date_start", first)?;
        bounds::date_in_range("date_end", last)?;
        bounds::day_span(first, last, "date_end")?;
        let mut conn = self.conn().await?;
        let (unrolled, held) = match self.kept.of(&mut conn, doctor_id, now).await? {
            Some((unrolled, held)) if unrolled.covers(first, last) => (unrolled, held),
            Some((kept, _)) => {
                // Days outside the window a patient may book in (the past,
                // beyond the horizon): read for this search only.
                let unrolled =
                    Unrolled::read(&mut conn, kept.schedule.clone(), first, last).await?;
                let held = Held::read(&mut conn, &unrolled).await?;
                (std::sync::Arc::new(unrolled), std::sync::Arc::new(held))
            }
            None => return Err(not_found()),
        };
        drop(conn);
        let rules = self.effective(unrolled.schedule.rules);
        let on_days = unrolled.on_days(first, last)?;
        let (from, to) = match (on_days.first(), on_days.last()) {
            (Some(a), Some(b)) => (a.starts_at, b.ends_at),
            _ => return Ok(Vec::new()),
        };
        // Appointments held in other slots: no slot overlapping one (or its
        // buffer) is offered.
        let holding = held.near(from, to, bounds::minutes(rules.buffer_minutes));
        Ok(slots::open_among(
            on_days,
            &rules,
            now,
            kind,
            &holding,
            &held.taken,
            include_full,
        )
        .map(|(slot, remaining)| FreeSlot {
            doctor_id,
            slot,
            remaining,
        })
        .collect())
    }

    /// A doctor's rules under the clinic's limits, which hold whatever a
    /// doctor allows (the platform settings).
    pub(crate) fn effective(&self, mut rules: BookingRules) -> BookingRules {
        let clinic = self.settings.current();
        let clamp = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
        rules.min_notice_minutes = rules
            .min_notice_minutes
            .max(clamp(clinic.min_notice_minutes));
        rules.max_advance_days = rules.max_advance_days.min(clamp(clinic.max_advance_days));
        rules.buffer_minutes = rules.buffer_minutes.max(clamp(clinic.buffer_minutes));
        rules.cancel_cutoff_minutes = rules
            .cancel_cutoff_minutes
            .max(clamp(clinic.cancel_cutoff_minutes));
        rules
    }

    /// Each of `doctors`' first free slot from `now` within `days` local
    /// days (their zones), found with one read of each table for all of
    /// them and the same rules as [`Self::free_slots`]; absent: none.
    pub async fn first_free(
        &self,
        doctors: &[UserId],
        now: Timestamp,
        days: i64,
    ) -> DomainResult<HashMap<UserId, Timestamp>> {
        let (from, to) = (
            bounds::shift(now, bounds::days(-1)),
            bounds::shift(now, bounds::days(days + 1)),
        );
        let mut conn = self.conn().await?;
        let schedules = availability::all_schedules(&mut conn).await?;
        let mut ranges: HashMap<UserId, Vec<_>> = HashMap::new();
        for (doctor, range) in availability::all_ranges(&mut conn).await? {
            ranges.entry(doctor).or_default().push(range);
        }
        let mut exceptions: HashMap<UserId, Vec<Exception>> = HashMap::new();
        for e in availability::all_exceptions(&mut conn, from, to).await? {
            exceptions.entry(e.doctor_id).or_default().push(e.exception);
        }
        let mut extra: HashMap<UserId, Vec<Slot>> = HashMap::new();
        for (doctor, slot) in openings::all_between(&mut conn, from, to).await? {
            extra.entry(doctor).or_default().push(slot);
        }
        let mut taken: HashMap<UserId, HashMap<Timestamp, i32>> = HashMap::new();
        for (doctor, at, n) in store::all_places_taken(&mut conn, from, to).await? {
            taken.entry(doctor).or_default().insert(at, n);
        }
        let mut holding: HashMap<UserId, Vec<(Timestamp, Timestamp)>> = HashMap::new();
        // Wide enough for any buffer a doctor keeps (at most a day).
        let (wide_from, wide_to) = (
            bounds::shift(from, bounds::days(-1)),
            bounds::shift(to, bounds::days(1)),
        );
        for (doctor, start, end) in store::holding(&mut conn, None, wide_from, wide_to).await? {
            holding.entry(doctor).or_default().push((start, end));
        }
        drop(conn);
        let (none_taken, none) = (HashMap::new(), Vec::new());
        let mut found = HashMap::new();
        for schedule in schedules.iter().filter(|s| doctors.contains(&s.doctor_id)) {
            let id = schedule.doctor_id;
            let tz = zone(schedule)?;
            let first = now.to_zoned(tz.clone()).date();
            let last = bounds::add_days("to", first, days - 1)?;
            let exceptions = exceptions.get(&id).unwrap_or(&none);
            let all = slots::with_openings(
                slots::expand(
                    ranges.get(&id).map_or(&[][..], Vec::as_slice),
                    exceptions,
                    &tz,
                    first,
                    last,
                ),
                extra.remove(&id).unwrap_or_default(),
                exceptions,
                &tz,
            );
            let rules = self.effective(schedule.rules);
            let mut open = slots::open_among(
                &all,
                &rules,
                now,
                None,
                holding.get(&id).map_or(&[][..], Vec::as_slice),
                taken.get(&id).unwrap_or(&none_taken),
                false,
            );
            if let Some((slot, _)) = open.next() {
                found.insert(id, slot.starts_at);
            }
        }
        Ok(found)
    }

    /// The slot starting exactly at `starts_at` (the client's `start`, within
    /// [`bounds`]), if the rules open it now (full or not).
    pub(crate) async fn slot_at(
        &self,
        doctor_id: UserId,
        starts_at: Timestamp,
        kind: ConsultationType,
        now: Timestamp,
    ) -> DomainResult<FreeSlot> {
        bounds::instant_in_range("start", starts_at)?;
        let schedule = self.schedule(doctor_id).await?;
        let day = bounds::date_in_range("start", starts_at.to_zoned(zone(&schedule)?).date())?;
        let open = self
            .open_slots(
                doctor_id,
                day.yesterday().unwrap_or(day).max(bounds::FIRST_DAY),
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
pub(crate) fn day_start(tz: &TimeZone, day: Date) -> DomainResult<Timestamp> {
    day.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(DomainError::internal)
}

/// A change of `actor`'s hours, time off, one-off slots or rules, in the
/// activity log (`what`: `weekly_hours:added`, `time_off:removed`…).
pub(crate) async fn log_change(
    tx: &mut crate::store::WriteTx,
    actor: &Principal,
    what: &str,
) -> DomainResult<()> {
    crate::store::activity::log(
        tx,
        &crate::store::activity::NewActivity::by(
            actor,
            crate::activity::ActivityAction::AvailabilityChanged,
        )
        .on("user", actor.user_id)
        .detail(what),
    )
    .await
}
