//! One-off slots: doctors open them, patients list and book them like any other
//! slot (they join the free-slot search too).

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::openings::OpeningForm;
use crate::scheduling::slots::{self, Slot, overlaps};
use crate::services::scheduling::{FreeSlot, MAX_SEARCH_DAYS, SchedulingService, zone};
use crate::store::appointments::lock_doctor;
use crate::store::{availability, db_error, openings};

impl SchedulingService {
    /// A doctor opens a one-off slot. It must start in the future and overlap
    /// neither a weekly slot, another one-off slot nor an exception.
    pub async fn open_slot(
        &self,
        actor: &Principal,
        form: &OpeningForm,
        now: Timestamp,
    ) -> DomainResult<Slot> {
        actor.require(Role::Doctor)?;
        let slot = form.parse()?;
        if slot.starts_at <= now {
            return Err(DomainError::invalid(
                "start",
                "in_past",
                "the slot must start in the future",
            ));
        }
        let tz = zone(&self.schedule(actor.user_id).await?)?;
        let day = slot.starts_at.to_zoned(tz.clone()).date();
        let (first, last) = (
            day.yesterday().unwrap_or(day),
            day.tomorrow().unwrap_or(day),
        );
        let window = (
            bounds::shift(slot.starts_at, -bounds::days(1)),
            bounds::shift(slot.ends_at, bounds::days(1)),
        );
        let mut tx = self.db().begin_write().await?;
        lock_doctor(&mut tx, self.db().dialect(), actor.user_id).await?;
        let ranges = availability::ranges_of(&mut tx, actor.user_id).await?;
        let weekly = slots::expand(&ranges, &[], &tz, first, last);
        let others = openings::of_doctor(&mut tx, actor.user_id, window.0, window.1).await?;
        if weekly
            .iter()
            .chain(&others)
            .any(|s| overlaps(s.starts_at, s.ends_at, slot.starts_at, slot.ends_at))
        {
            return Err(openings::overlap());
        }
        let exceptions =
            availability::exceptions_of(&mut tx, actor.user_id, window.0, window.1).await?;
        if exceptions
            .iter()
            .any(|e| slots::blocks(&e.exception, &tz, slot.starts_at, slot.ends_at))
        {
            return Err(DomainError::Conflict {
                field: Some("start"),
                code: "blocked_by_exception",
                message: "this time is blocked by one of your exceptions".into(),
            });
        }
        let id = openings::insert(&mut tx, actor.user_id, &slot).await?;
        super::scheduling::log_change(&mut tx, actor, "one_off_slot:added").await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Slot {
            opening_id: Some(id),
            ..slot
        })
    }

    /// One one-off slot and its doctor.
    pub async fn opening(&self, id: i64) -> DomainResult<(UserId, Slot)> {
        let mut conn = self.db().pool().acquire().await.map_err(db_error)?;
        openings::get(&mut conn, id)
            .await?
            .ok_or(DomainError::NotFound("slot"))
    }

    /// One-off slots the patient can book now (places left, within the
    /// doctors' rules), of one doctor or all, by start; at most 500.
    pub async fn bookable_openings(
        &self,
        actor: &Principal,
        doctor_id: Option<UserId>,
        now: Timestamp,
    ) -> DomainResult<Vec<FreeSlot>> {
        actor.require(Role::Patient)?;
        let horizon = bounds::shift(now, bounds::days(MAX_SEARCH_DAYS));
        let mut conn = self.db().pool().acquire().await.map_err(db_error)?;
        let upcoming = openings::upcoming(&mut conn, doctor_id, now, horizon, 500).await?;
        drop(conn);
        let mut by_doctor: BTreeMap<UserId, (Timestamp, Timestamp)> = BTreeMap::new();
        for (doctor, slot) in &upcoming {
            let span = by_doctor
                .entry(*doctor)
                .or_insert((slot.starts_at, slot.starts_at));
            span.1 = span.1.max(slot.starts_at);
        }
        let mut found = Vec::new();
        for (doctor, (from, to)) in by_doctor {
            let tz = match self.schedule(doctor).await {
                Ok(schedule) => zone(&schedule)?,
                Err(DomainError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            let (first, last) = (from.to_zoned(tz.clone()).date(), to.to_zoned(tz).date());
            found.extend(
                self.open_slots(doctor, first, last, None, now, false)
                    .await?
                    .into_iter()
                    .filter(|f| f.slot.opening_id.is_some()),
            );
        }
        found.sort_by_key(|f| (f.slot.starts_at, f.slot.opening_id));
        Ok(found)
    }
}
