//! A doctor's slots kept between searches.
//!
//! A free-slot search used to read the doctor's weekly ranges, time off,
//! one-off slots, places taken and appointments, and unroll the ranges day
//! by day, on every request. Now each process keeps, per doctor:
//!
//! - the slots unrolled over the whole window a patient may book in (today
//!   to the doctor's horizon, a day more on each side), keyed by the
//!   doctor's *slots version* and the first day of the window;
//! - the places taken and the appointments held over the same window, keyed
//!   by the doctor's *version*, which every booking, cancellation or
//!   reschedule moves but which a new rebuild of the slots does not need.
//!
//! Both versions live in the database and are bumped by triggers in the
//! transaction of any change (`migrations/*/0022_schedule_versions.sql`,
//! `0023_slots_versions.sql`), and each search reads them first (one
//! indexed row): a change made by any instance shows in the next search on
//! every instance, with or without the event bus. A search is then a lookup
//! of the asked days in the unrolled slots and a merge with the places
//! taken, under the rules in force at the instant of the search.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sqlx::AnyConnection;

use crate::accounts::UserId;
use crate::bounds;
use crate::error::DomainResult;
use crate::scheduling::Exception;
use crate::scheduling::slots::{self, Slot};
use crate::store::appointments as store;
use crate::store::availability::{self, DoctorSchedule};
use crate::store::openings;

use super::scheduling::{day_start, zone};

/// Most doctors whose slots one process keeps (a year of weekday slots is
/// a few hundred kilobytes).
const KEPT_DOCTORS: usize = 128;

/// A doctor's slots on the local days `first..=last`.
#[derive(Debug)]
pub(crate) struct Unrolled {
    pub schedule: DoctorSchedule,
    pub tz: TimeZone,
    pub first: Date,
    pub last: Date,
    /// In time order.
    pub slots: Vec<Slot>,
}

/// What is held over an unrolled window: places taken per slot start, and
/// the appointments that hold a place (start, end).
#[derive(Debug, Default)]
pub(crate) struct Held {
    pub taken: HashMap<Timestamp, i32>,
    pub holding: Vec<(Timestamp, Timestamp)>,
}

impl Unrolled {
    /// Reads and unrolls `schedule`'s slots on the local days `first..=last`.
    pub async fn read(
        conn: &mut AnyConnection,
        schedule: DoctorSchedule,
        first: Date,
        last: Date,
    ) -> DomainResult<Self> {
        let tz = zone(&schedule)?;
        let doctor_id = schedule.doctor_id;
        let (from, to) = window(&tz, first, last)?;
        let ranges = availability::ranges_of(conn, doctor_id).await?;
        let exceptions: Vec<Exception> = availability::exceptions_of(conn, doctor_id, from, to)
            .await?
            .into_iter()
            .map(|s| s.exception)
            .collect();
        let extra = openings::of_doctor(conn, doctor_id, from, to).await?;
        let slots = slots::with_openings(
            slots::expand(&ranges, &exceptions, &tz, first, last),
            extra,
            &exceptions,
            &tz,
        );
        Ok(Self {
            schedule,
            tz,
            first,
            last,
            slots,
        })
    }

    /// Whether the local days `first..=last` are all unrolled here.
    pub fn covers(&self, first: Date, last: Date) -> bool {
        self.first <= first && last <= self.last
    }

    /// The slots starting on the local days `first..=last` (within
    /// [`Self::covers`]).
    pub fn on_days(&self, first: Date, last: Date) -> DomainResult<&[Slot]> {
        let (from, to) = window(&self.tz, first, last)?;
        let start = self.slots.partition_point(|s| s.starts_at < from);
        let end = self.slots.partition_point(|s| s.starts_at < to);
        Ok(&self.slots[start..end])
    }
}

impl Held {
    /// Reads what holds a place over `unrolled`'s window (and a day around
    /// it, wider than any buffer).
    pub async fn read(conn: &mut AnyConnection, unrolled: &Unrolled) -> DomainResult<Self> {
        let doctor_id = unrolled.schedule.doctor_id;
        let (from, to) = window(&unrolled.tz, unrolled.first, unrolled.last)?;
        let taken = store::places_taken(conn, doctor_id, from, to)
            .await?
            .into_iter()
            .collect();
        let (wide_from, wide_to) = (
            bounds::shift(from, bounds::days(-1)),
            bounds::shift(to, bounds::days(1)),
        );
        let holding = store::holding(conn, Some(doctor_id), wide_from, wide_to)
            .await?
            .into_iter()
            .map(|(_, start, end)| (start, end))
            .collect();
        Ok(Self { taken, holding })
    }

    /// The appointments that may reach `[from, to)` with a buffer.
    pub fn near(
        &self,
        from: Timestamp,
        to: Timestamp,
        buffer: jiff::SignedDuration,
    ) -> Vec<(Timestamp, Timestamp)> {
        let (from, to) = (bounds::shift(from, -buffer), bounds::shift(to, buffer));
        self.holding
            .iter()
            .copied()
            .filter(|(start, end)| *start < to && *end > from)
            .collect()
    }
}

/// The instants of the local days `first..=last`: `[midnight of first,
/// midnight after last)`.
fn window(tz: &TimeZone, first: Date, last: Date) -> DomainResult<(Timestamp, Timestamp)> {
    Ok((
        day_start(tz, first)?,
        day_start(tz, bounds::add_days("date_end", last, 1)?)?,
    ))
}

/// What one process keeps of a doctor.
struct Kept {
    /// (slots version, first day of the window).
    slots_key: (i64, Date),
    unrolled: Arc<Unrolled>,
    /// (version, first day of the window).
    held_key: (i64, Date),
    held: Arc<Held>,
}

/// The kept slots of every doctor a search asked for lately.
#[derive(Clone, Default)]
pub(crate) struct KeptSlots {
    kept: Arc<Mutex<HashMap<UserId, Kept>>>,
}

impl KeptSlots {
    /// The doctor's slots over the window a patient may book in at `now`,
    /// and what holds a place there: kept while the doctor's versions stay
    /// the same; `None` when the doctor has no schedule.
    pub async fn of(
        &self,
        conn: &mut AnyConnection,
        doctor_id: UserId,
        now: Timestamp,
    ) -> DomainResult<Option<(Arc<Unrolled>, Arc<Held>)>> {
        // The versions first: whatever is read after them is at least as new.
        let (version, slots_version) = availability::versions(conn, doctor_id).await?;
        let (mut unrolled, mut held) = (None, None);
        {
            let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(k) = kept.get(&doctor_id) {
                let first = first_day(&k.unrolled.tz, now);
                if k.slots_key == (slots_version, first) {
                    unrolled = Some(k.unrolled.clone());
                    if k.held_key == (version, first) {
                        held = Some(k.held.clone());
                    }
                }
            }
        }
        if let (Some(unrolled), Some(held)) = (&unrolled, &held) {
            return Ok(Some((unrolled.clone(), held.clone())));
        }
        let unrolled = match unrolled {
            Some(unrolled) => unrolled,
            None => {
                let Some(schedule) = availability::doctor_schedule(conn, doctor_id).await? else {
                    return Ok(None);
                };
                let tz = zone(&schedule)?;
                let first = first_day(&tz, now);
                // The doctor's own horizon bounds the clinic's, and a day more
                // on each side covers the notice and any zone.
                let days = i64::from(schedule.rules.max_advance_days.max(0)) + 2;
                let last = bounds::add_days("date_end", first, days + 1)?.min(bounds::LAST_DAY);
                Arc::new(Unrolled::read(conn, schedule, first, last).await?)
            }
        };
        let held = Arc::new(Held::read(conn, &unrolled).await?);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= KEPT_DOCTORS && !kept.contains_key(&doctor_id) {
            // Rarely reached: forget them all rather than track their use.
            kept.clear();
        }
        kept.insert(
            doctor_id,
            Kept {
                slots_key: (slots_version, unrolled.first),
                unrolled: unrolled.clone(),
                held_key: (version, unrolled.first),
                held: held.clone(),
            },
        );
        Ok(Some((unrolled, held)))
    }
}

/// The first day a window starts on at `now`: the day before today in the
/// doctor's zone (or the first day the platform knows).
fn first_day(tz: &TimeZone, now: Timestamp) -> Date {
    let today = now.to_zoned(tz.clone()).date();
    today.yesterday().unwrap_or(today).max(bounds::FIRST_DAY)
}
