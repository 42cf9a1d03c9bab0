//! The waitlist: a patient waits for a place with a doctor on a given day. When
//! a place of that day frees up, the first waiting patient is offered it and it
//! is held for them (its place stays taken) for the doctor's hold time; if they
//! do not take it in time, or turn it down, it passes to the next one, and when
//! nobody waits any more the place is released.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::notifications::Notice;
use crate::scheduling::ConsultationType;
use crate::scheduling::waitlist::WaitStatus;
use crate::services::booking;
use crate::services::scheduling::{SchedulingService, zone};
use crate::store::appointments::{self as appointments, AppointmentRow, NewAppointmentRow};
use crate::store::availability::DoctorSchedule;
use crate::store::waitlist::{self as store, EntryRow, Offer};
use crate::store::{Db, db_error, notifications, users};

/// Waitlist operations.
#[derive(Clone)]
pub struct WaitlistService {
    db: Db,
    scheduling: SchedulingService,
}

/// A place that has just been freed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FreedPlace {
    pub doctor_id: UserId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub consultation_type: ConsultationType,
}

pub(crate) async fn name_of(conn: &mut sqlx::AnyConnection, id: UserId) -> DomainResult<String> {
    Ok(users::by_id(conn, id)
        .await?
        .map(|u| u.full_name())
        .unwrap_or_default())
}

/// Inside a write transaction: offers a freed place to the first patient waiting
/// for that day (holding it for them), or releases it when nobody waits or the
/// slot is about to start.
pub(crate) async fn pass_on(
    tx: &mut sqlx::AnyConnection,
    schedule: &DoctorSchedule,
    place: FreedPlace,
    now: Timestamp,
) -> DomainResult<()> {
    let hold = bounds::minutes(schedule.rules.waitlist_hold_minutes);
    if place.starts_at > bounds::shift(now, bounds::minutes(5)) {
        let day = place.starts_at.to_zoned(zone(schedule)?).date();
        let queue = store::waiting(tx, place.doctor_id, day).await?;
        let offer = Offer {
            starts_at: place.starts_at,
            ends_at: place.ends_at,
            expires_at: bounds::shift(now, hold).min(place.starts_at),
        };
        for entry in queue
            .iter()
            .filter(|e| place.consultation_type.offers(e.consultation_type))
        {
            if store::offer(tx, entry.id, &offer).await? {
                let doctor_name = name_of(tx, place.doctor_id).await?;
                notifications::push(
                    tx,
                    entry.patient_id,
                    &Notice::WaitlistOffer {
                        entry_id: entry.id,
                        doctor_name,
                        starts_at: offer.starts_at,
                        expires_at: offer.expires_at,
                    },
                )
                .await?;
                tracing::info!(entry_id = entry.id, "waitlist offer made");
                return Ok(());
            }
        }
    }
    appointments::release_place(tx, place.doctor_id, place.starts_at).await
}

impl WaitlistService {
    pub(crate) fn new(db: Db, scheduling: SchedulingService) -> Self {
        Self { db, scheduling }
    }

    /// A patient joins a doctor's waitlist for a day (doctor's zone). Refused
    /// when the day still has free slots of that kind, or is out of the
    /// doctor's booking horizon.
    pub async fn join(
        &self,
        actor: &Principal,
        doctor_id: UserId,
        day: Date,
        kind: ConsultationType,
        now: Timestamp,
    ) -> DomainResult<EntryRow> {
        actor.require(Role::Patient)?;
        bounds::date_in_range("date", day)?;
        let schedule = self.scheduling.schedule(doctor_id).await?;
        let today = now.to_zoned(zone(&schedule)?).date();
        let horizon = bounds::add_days("date", today, i64::from(schedule.rules.max_advance_days))?;
        if day < today || day > horizon {
            return Err(DomainError::invalid(
                "date",
                "out_of_range",
                "pick a day between today and the doctor's booking horizon",
            ));
        }
        let open = self
            .scheduling
            .open_slots(doctor_id, day, day, Some(kind), now, true)
            .await?;
        if open.is_empty() {
            return Err(DomainError::Conflict {
                field: Some("date"),
                code: "day_closed",
                message: "the doctor offers no consultation that day".into(),
            });
        }
        if open.iter().any(|f| f.remaining > 0) {
            return Err(DomainError::Conflict {
                field: Some("date"),
                code: "slots_available",
                message: "this day still has free slots: book one instead".into(),
            });
        }
        let mut tx = self.db.begin_write().await?;
        let id = store::insert(&mut tx, actor.user_id, doctor_id, day, kind).await?;
        let entry = store::get(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::internal("waitlist entry vanished"))?;
        tx.commit().await.map_err(db_error)?;
        Ok(entry)
    }

    /// The patient's entries from yesterday on (UTC), by day.
    pub async fn mine(&self, actor: &Principal, now: Timestamp) -> DomainResult<Vec<EntryRow>> {
        actor.require(Role::Patient)?;
        let from = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let from = from.yesterday().unwrap_or(from);
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::of_patient(&mut conn, actor.user_id, from).await
    }

    async fn own(&self, actor: &Principal, id: i64) -> DomainResult<EntryRow> {
        actor.require(Role::Patient)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        match store::get(&mut conn, id).await? {
            Some(entry) if entry.patient_id == actor.user_id => Ok(entry),
            _ => Err(DomainError::NotFound("waitlist entry")),
        }
    }

    /// The patient takes the place offered to them: a pending appointment for the
    /// doctor to accept, on the place held for them.
    pub async fn accept(
        &self,
        actor: &Principal,
        id: i64,
        now: Timestamp,
    ) -> DomainResult<AppointmentRow> {
        let entry = self.own(actor, id).await?;
        let offer = match (entry.status, entry.offer) {
            (WaitStatus::Offered, Some(offer)) if now < offer.expires_at => offer,
            (WaitStatus::Offered | WaitStatus::Expired, _) => {
                return Err(conflict("offer_expired", "this offer has expired"));
            }
            _ => {
                return Err(conflict(
                    "no_offer",
                    "no place is offered to you for this entry",
                ));
            }
        };
        let mut tx = self.db.begin_write().await?;
        let dialect = self.db.dialect();
        appointments::lock_patient(&mut tx, dialect, actor.user_id).await?;
        appointments::lock_doctor(&mut tx, dialect, entry.doctor_id).await?;
        let (from, to) = (offer.starts_at, offer.ends_at);
        // The place itself is held for this patient; another slot of the
        // doctor may not be held at that time.
        let (patient, doctor) =
            appointments::busy(&mut tx, actor.user_id, entry.doctor_id, from, to, None).await?;
        if patient {
            return Err(booking::patient_busy());
        }
        if doctor {
            return Err(booking::doctor_busy());
        }
        let appointment = appointments::insert(
            &mut tx,
            NewAppointmentRow {
                patient_id: actor.user_id,
                doctor_id: entry.doctor_id,
                starts_at: offer.starts_at,
                ends_at: offer.ends_at,
                consultation_type: entry.consultation_type,
                reason: "",
                location: None,
            },
        )
        .await?;
        if !store::set_status(
            &mut tx,
            id,
            WaitStatus::Offered,
            WaitStatus::Booked,
            Some(appointment.id),
        )
        .await?
        {
            return Err(conflict("offer_expired", "this offer has expired"));
        }
        let patient_name = name_of(&mut tx, actor.user_id).await?;
        notifications::push(
            &mut tx,
            entry.doctor_id,
            &Notice::AppointmentRequested {
                appointment_id: appointment.id,
                patient_name,
                starts_at: appointment.starts_at,
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(appointment)
    }

    /// The patient leaves the queue, or turns down the place offered to them
    /// (which passes to the next patient).
    pub async fn leave(&self, actor: &Principal, id: i64, now: Timestamp) -> DomainResult<()> {
        let entry = self.own(actor, id).await?;
        let next = match entry.status {
            WaitStatus::Waiting => WaitStatus::Left,
            WaitStatus::Offered => WaitStatus::Declined,
            _ => return Err(conflict("not_waiting", "this entry is no longer active")),
        };
        self.close(&entry, next, now).await
    }

    /// Ends offers that ran out at `now` and passes their places on; returns how
    /// many ended. Called periodically by the server.
    pub async fn expire_offers(&self, now: Timestamp) -> DomainResult<usize> {
        let expired = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            store::expired_offers(&mut conn, now).await?
        };
        for entry in &expired {
            self.close(entry, WaitStatus::Expired, now).await?;
        }
        Ok(expired.len())
    }

    async fn close(&self, entry: &EntryRow, next: WaitStatus, now: Timestamp) -> DomainResult<()> {
        let schedule = self.scheduling.schedule(entry.doctor_id).await?;
        let mut tx = self.db.begin_write().await?;
        if !store::set_status(&mut tx, entry.id, entry.status, next, None).await? {
            return Ok(());
        }
        if let (WaitStatus::Offered, Some(offer)) = (entry.status, entry.offer) {
            if next == WaitStatus::Expired {
                let doctor_name = name_of(&mut tx, entry.doctor_id).await?;
                notifications::push(
                    &mut tx,
                    entry.patient_id,
                    &Notice::WaitlistExpired {
                        entry_id: entry.id,
                        doctor_name,
                        starts_at: offer.starts_at,
                    },
                )
                .await?;
            }
            let place = FreedPlace {
                doctor_id: entry.doctor_id,
                starts_at: offer.starts_at,
                ends_at: offer.ends_at,
                consultation_type: entry.consultation_type,
            };
            pass_on(&mut tx, &schedule, place, now).await?;
        }
        tx.commit().await.map_err(db_error)
    }
}

fn conflict(code: &'static str, message: &str) -> DomainError {
    DomainError::Conflict {
        field: None,
        code,
        message: message.into(),
    }
}
