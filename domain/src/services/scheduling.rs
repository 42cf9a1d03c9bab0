//! Scheduling operations: doctors keep their availability, exceptions and rules;
//! patients find free slots and book; both move appointments along.
//!
//! The capacity of a slot is enforced by the database, inside the booking
//! transaction ([`appointments::take_place`]), never by reading then writing.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::appointments::{Action, AppointmentStatus, transition};
use crate::scheduling::forms::{AvailabilityForm, ExceptionForm, ScheduleForm};
use crate::scheduling::slots::{self, Slot, overlaps};
use crate::scheduling::{ConsultationType, Exception, WeeklyRange};
use crate::store::appointments::{
    self as store, AppointmentRow, EventRow, NewAppointmentRow, Owner,
};
use crate::store::availability::{self, DoctorSchedule, StoredException};
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

/// A booking request.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub doctor_id: UserId,
    pub starts_at: Timestamp,
    pub consultation_type: ConsultationType,
    pub reason: String,
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

    async fn own_exception(&self, actor: &Principal, id: i64) -> DomainResult<StoredException> {
        actor.require(Role::Doctor)?;
        match availability::exception(&mut *self.conn().await?, id).await? {
            Some(stored) if stored.doctor_id == actor.user_id => Ok(stored),
            _ => Err(DomainError::NotFound("exception")),
        }
    }

    /// One of the doctor's own exceptions.
    pub async fn exception(&self, actor: &Principal, id: i64) -> DomainResult<StoredException> {
        self.own_exception(actor, id).await
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
        self.own_exception(actor, id).await?;
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
        self.own_exception(actor, id).await?;
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

    /// The slots the rules open at `now`, full ones too when `include_full`
    /// (booking leaves the place count to the database).
    async fn open_slots(
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
        let taken = store::places_taken(&mut conn, doctor_id, from, to).await?;
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
        Ok(slots::expand(&ranges, &exceptions, &tz, first, last)
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
                let used = taken
                    .iter()
                    .find(|(at, _)| *at == slot.starts_at)
                    .map_or(0, |(_, n)| *n);
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
    async fn free_slot_at(
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

    /// A patient books a place. Exactly as many concurrent bookings succeed as the
    /// slot has places; the others are refused with `slot_full`.
    pub async fn book(
        &self,
        actor: &Principal,
        booking: &NewBooking,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        actor.require(Role::Patient)?;
        if booking.reason.chars().count() > 1000 {
            return Err(DomainError::invalid(
                "reason",
                "too_long",
                "at most 1000 characters",
            ));
        }
        let free = self
            .free_slot_at(
                booking.doctor_id,
                booking.starts_at,
                booking.consultation_type,
                now,
            )
            .await?;
        let kind = match free.slot.consultation_type {
            ConsultationType::Both => booking.consultation_type,
            offered => offered,
        };
        let mut tx = self.db.begin_write().await?;
        store::lock_patient(&mut tx, self.db.dialect(), actor.user_id).await?;
        if store::patient_busy(
            &mut tx,
            actor.user_id,
            free.slot.starts_at,
            free.slot.ends_at,
            None,
        )
        .await?
        {
            return Err(patient_busy());
        }
        if !store::take_place(
            &mut tx,
            booking.doctor_id,
            free.slot.starts_at,
            free.slot.capacity,
        )
        .await?
        {
            return Err(slot_full());
        }
        let appointment = store::insert(
            &mut tx,
            NewAppointmentRow {
                patient_id: actor.user_id,
                doctor_id: booking.doctor_id,
                starts_at: free.slot.starts_at,
                ends_at: free.slot.ends_at,
                consultation_type: kind,
                reason: booking.reason.trim(),
                location: free.slot.location.as_deref(),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(appointment_id = appointment.id, "appointment booked");
        Ok(appointment)
    }

    /// An appointment the actor may see: the patient's own, the doctor's own, any
    /// for an administrator. Others get 404.
    pub async fn appointment(&self, actor: &Principal, id: i64) -> DomainResult<AppointmentRow> {
        let appointment = store::get(&mut *self.conn().await?, id).await?;
        match appointment {
            Some(a) if visible(actor, &a) => Ok(a),
            _ => Err(DomainError::NotFound("appointment")),
        }
    }

    /// The status history of a visible appointment.
    pub async fn history(&self, actor: &Principal, id: i64) -> DomainResult<Vec<EventRow>> {
        self.appointment(actor, id).await?;
        store::history(&mut *self.conn().await?, id).await
    }

    /// The actor's appointments (patients and doctors: their own; administrators:
    /// everyone's), optionally of one status.
    pub async fn appointments(
        &self,
        actor: &Principal,
        status: Option<AppointmentStatus>,
    ) -> DomainResult<Vec<AppointmentRow>> {
        let owner = match actor.role {
            Role::Patient => Owner::Patient(actor.user_id),
            Role::Doctor => Owner::Doctor(actor.user_id),
            Role::Admin => Owner::Anyone,
        };
        store::list(&mut *self.conn().await?, owner, status, 1000).await
    }

    /// Moves an appointment along (accept, refuse, cancel, complete, no-show).
    /// Patients cancel only before the doctor's cut-off.
    pub async fn act(
        &self,
        actor: &Principal,
        id: i64,
        action: Action,
        message: Option<&str>,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        let appointment = self.appointment(actor, id).await?;
        if actor.role == Role::Admin {
            return Err(DomainError::Forbidden);
        }
        let message = message.map(str::trim).filter(|m| !m.is_empty());
        if message.is_some_and(|m| m.chars().count() > 1000) {
            return Err(DomainError::invalid(
                "message",
                "too_long",
                "at most 1000 characters",
            ));
        }
        let next = transition(
            appointment.status,
            action,
            actor.role,
            now >= appointment.starts_at,
        )?;
        if actor.role == Role::Patient {
            self.check_cutoff(&appointment, now).await?;
        }
        let doctor_message = if actor.role == Role::Doctor {
            message
        } else {
            None
        };
        let mut tx = self.db.begin_write().await?;
        if !store::set_status(
            &mut tx,
            id,
            appointment.status,
            next,
            actor.user_id,
            message.unwrap_or(""),
            doctor_message,
        )
        .await?
        {
            return Err(DomainError::Conflict {
                field: Some("status"),
                code: "status_changed",
                message: "the appointment changed meanwhile; reload it".into(),
            });
        }
        if appointment.status.holds_place()
            && !next.holds_place()
            && matches!(
                next,
                AppointmentStatus::Cancelled | AppointmentStatus::Refused
            )
        {
            store::release_place(&mut tx, appointment.doctor_id, appointment.starts_at).await?;
        }
        tx.commit().await.map_err(db_error)?;
        tracing::info!(
            appointment_id = id,
            status = next.as_str(),
            "appointment updated"
        );
        Ok(AppointmentRow {
            status: next,
            doctor_message: doctor_message
                .map_or(appointment.doctor_message.clone(), str::to_owned),
            ..appointment
        })
    }

    /// A patient moves their appointment to another free slot of the same doctor;
    /// it then waits for the doctor again.
    pub async fn reschedule(
        &self,
        actor: &Principal,
        id: i64,
        starts_at: Timestamp,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        actor.require(Role::Patient)?;
        let appointment = self.appointment(actor, id).await?;
        if !appointment.status.holds_place() {
            return Err(DomainError::Conflict {
                field: Some("status"),
                code: "invalid_transition",
                message: format!(
                    "a {} appointment cannot be rescheduled",
                    appointment.status.as_str()
                ),
            });
        }
        self.check_cutoff(&appointment, now).await?;
        let free = self
            .free_slot_at(
                appointment.doctor_id,
                starts_at,
                appointment.consultation_type,
                now,
            )
            .await?;
        let mut tx = self.db.begin_write().await?;
        store::lock_patient(&mut tx, self.db.dialect(), actor.user_id).await?;
        if store::patient_busy(
            &mut tx,
            actor.user_id,
            free.slot.starts_at,
            free.slot.ends_at,
            Some(id),
        )
        .await?
        {
            return Err(patient_busy());
        }
        if !store::take_place(
            &mut tx,
            appointment.doctor_id,
            free.slot.starts_at,
            free.slot.capacity,
        )
        .await?
        {
            return Err(slot_full());
        }
        store::release_place(&mut tx, appointment.doctor_id, appointment.starts_at).await?;
        store::move_to(
            &mut tx,
            id,
            free.slot.starts_at,
            free.slot.ends_at,
            actor.user_id,
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(AppointmentRow {
            starts_at: free.slot.starts_at,
            ends_at: free.slot.ends_at,
            status: AppointmentStatus::Pending,
            ..appointment
        })
    }

    async fn check_cutoff(&self, appointment: &AppointmentRow, now: Timestamp) -> DomainResult<()> {
        let rules = self.schedule(appointment.doctor_id).await?.rules;
        let cutoff = appointment.starts_at
            - SignedDuration::from_mins(i64::from(rules.cancel_cutoff_minutes));
        if now > cutoff {
            return Err(DomainError::Conflict {
                field: None,
                code: "cutoff_passed",
                message: format!(
                    "appointments can only be changed up to {} minutes before they start",
                    rules.cancel_cutoff_minutes
                ),
            });
        }
        Ok(())
    }
}

fn visible(actor: &Principal, a: &AppointmentRow) -> bool {
    match actor.role {
        Role::Patient => a.patient_id == actor.user_id,
        Role::Doctor => a.doctor_id == actor.user_id,
        Role::Admin => true,
    }
}

fn slot_full() -> DomainError {
    DomainError::Conflict {
        field: Some("start"),
        code: "slot_full",
        message: "this slot has just been fully booked".into(),
    }
}

fn patient_busy() -> DomainError {
    DomainError::Conflict {
        field: Some("start"),
        code: "patient_overlap",
        message: "you already have an appointment at that time".into(),
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
