//! A patient's treatments day by day: the doses due with what was ticked,
//! adherence and interactions (read once, one trail entry), the patient
//! ticking a dose, and the reminders sent at dose time.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{TreatmentService, instant, times_of, view, zone_of};
use crate::accounts::UserId;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::medical::DEFAULT_TIME_ZONE;
use crate::notifications::Notice;
use crate::policy::Relation;
use crate::services::trail::append_in;
use crate::store::treatments as store;
use crate::store::{db_error, notifications};
use crate::trail::{Resource, TrailAction};
use crate::treatments::ingredients::interactions;
use crate::treatments::schedule::{self, Slot, format_time};
use crate::treatments::{
    Adherence, DoseForm, PlannedDose, Treatment, TreatmentDay, TreatmentsOverview,
};

/// How late a dose reminder may still go out (after a restart, say).
const REMINDER_WINDOW: SignedDuration = SignedDuration::from_mins(15);

impl TreatmentService {
    /// A patient's day (default: their today): the doses due with what was
    /// ticked, adherence of each running treatment, and interactions.
    pub async fn day(
        &self,
        actor: &Principal,
        patient_id: UserId,
        day: Option<Date>,
        now: Timestamp,
    ) -> DomainResult<TreatmentDay> {
        Ok(self.overview(actor, patient_id, day, now).await?.day)
    }

    /// Every treatment of a patient and their day, read once.
    pub async fn overview(
        &self,
        actor: &Principal,
        patient_id: UserId,
        day: Option<Date>,
        now: Timestamp,
    ) -> DomainResult<TreatmentsOverview> {
        self.patient(patient_id).await?;
        let db = self.db.clone();
        let (stored, doses) = self
            .gate
            .read(actor, Resource::Treatment, patient_id, None, async move {
                let mut conn = db.pool().acquire().await.map_err(db_error)?;
                let stored = store::of_patient(&mut conn, patient_id).await?;
                let mut doses = HashMap::new();
                for treatment in &stored {
                    doses.insert(treatment.id, store::doses(&mut conn, treatment.id).await?);
                }
                Ok((stored, doses))
            })
            .await?;
        let tz = zone_of(&self.db, patient_id).await?;
        let day = day.unwrap_or_else(|| schedule::day_of(now, &tz));
        let status_of = |id: i64, day: Date, time: jiff::civil::Time| {
            let (day, time) = (day.to_string(), format_time(time));
            doses
                .get(&id)
                .and_then(|list| list.iter().find(|d| d.day == day && d.time == time))
                .map(|d| d.status)
        };
        let mut planned = Vec::new();
        let mut adherence = Vec::new();
        for treatment in &stored {
            let (start, end) = (
                instant(treatment.started_at_ms),
                instant(treatment.ends_at_ms),
            );
            let times = times_of(treatment);
            for slot in schedule::doses(start, end, &times, &tz, day, day) {
                planned.push(PlannedDose {
                    treatment_id: treatment.id,
                    medocs_name: treatment.medocs_name.clone(),
                    time: format_time(slot.time),
                    at: slot.at,
                    status: status_of(treatment.id, slot.day, slot.time),
                    due: slot.at <= now,
                });
            }
            if start <= now && now < end {
                let all: Vec<Slot> = schedule::doses(
                    start,
                    end,
                    &times,
                    &tz,
                    schedule::day_of(start, &tz),
                    schedule::day_of(now, &tz),
                );
                let (due, taken, skipped, rate) =
                    schedule::adherence(&all, now, |d, t| status_of(treatment.id, d, t));
                adherence.push(Adherence {
                    treatment_id: treatment.id,
                    medocs_name: treatment.medocs_name.clone(),
                    due,
                    taken,
                    skipped,
                    rate,
                });
            }
        }
        planned.sort_by(|a, b| a.at.cmp(&b.at).then(a.treatment_id.cmp(&b.treatment_id)));
        let treatments: Vec<Treatment> = stored.into_iter().map(|s| view(s, &tz, now)).collect();
        let running: Vec<&Treatment> = treatments.iter().filter(|t| t.active).collect();
        let interactions = interactions(&running);
        Ok(TreatmentsOverview {
            day: TreatmentDay {
                patient_id,
                day,
                time_zone: tz.iana_name().unwrap_or(DEFAULT_TIME_ZONE).to_owned(),
                doses: planned,
                adherence,
                interactions,
            },
            treatments,
        })
    }

    /// The patient ticks one dose of their treatment taken or skipped (their
    /// own only; a dose of a day to come cannot be ticked).
    pub async fn record_dose(
        &self,
        actor: &Principal,
        id: i64,
        form: &DoseForm,
        now: Timestamp,
    ) -> DomainResult<PlannedDose> {
        let (treatment, granted) = self.checked(actor, id, TrailAction::Update, now).await?;
        if granted.relation != Relation::Own {
            // The patient's own doctors read the doses; only the patient ticks them.
            self.gate
                .trail()
                .record(vec![granted.entry.refused()])
                .await?;
            return Err(DomainError::Forbidden);
        }
        let dose = form.parse()?;
        let tz = zone_of(&self.db, treatment.patient_id).await?;
        if dose.day > schedule::day_of(now, &tz) {
            return Err(DomainError::invalid(
                "day",
                "in_future",
                "this day has not come yet",
            ));
        }
        if !times_of(&treatment).contains(&dose.time) {
            return Err(DomainError::invalid(
                "time",
                "not_a_dose_time",
                format!("the doses are at {}", treatment.dose_times.join(", ")),
            ));
        }
        let (start, end) = (
            instant(treatment.started_at_ms),
            instant(treatment.ends_at_ms),
        );
        let slot = schedule::doses(start, end, &[dose.time], &tz, dose.day, dose.day)
            .into_iter()
            .next()
            .ok_or_else(|| {
                DomainError::invalid("day", "outside_treatment", "no dose of this treatment then")
            })?;
        let mut tx = self.db.begin_write().await?;
        store::record_dose(
            &mut tx,
            id,
            &dose.day.to_string(),
            &format_time(dose.time),
            dose.status,
            now.as_millisecond(),
        )
        .await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(PlannedDose {
            treatment_id: id,
            medocs_name: treatment.medocs_name,
            time: format_time(dose.time),
            at: slot.at,
            status: Some(dose.status),
            due: slot.at <= now,
        })
    }

    /// Sends the in-app reminder of every dose due in the last quarter of an
    /// hour, once each (housekeeping calls it; several instances may).
    /// Doses already ticked are not reminded. Returns how many went out.
    pub async fn remind_due(&self, now: Timestamp) -> DomainResult<usize> {
        let since = now - REMINDER_WINDOW;
        let running = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            store::running_between(&mut conn, since.as_millisecond(), now.as_millisecond()).await?
        };
        let mut zones: HashMap<UserId, TimeZone> = HashMap::new();
        let mut sent = 0;
        for treatment in running {
            let tz = match zones.get(&treatment.patient_id) {
                Some(tz) => tz.clone(),
                None => {
                    let tz = zone_of(&self.db, treatment.patient_id).await?;
                    zones.insert(treatment.patient_id, tz.clone());
                    tz
                }
            };
            let (start, end) = (
                instant(treatment.started_at_ms),
                instant(treatment.ends_at_ms),
            );
            let slots = schedule::doses(
                start,
                end,
                &times_of(&treatment),
                &tz,
                schedule::day_of(since, &tz),
                schedule::day_of(now, &tz),
            );
            let ticked = {
                let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
                store::doses(&mut conn, treatment.id).await?
            };
            for slot in slots.iter().filter(|s| s.at > since && s.at <= now) {
                let (day, time) = (slot.day.to_string(), format_time(slot.time));
                if ticked.iter().any(|d| d.day == day && d.time == time) {
                    continue;
                }
                let mut tx = self.db.begin_write().await?;
                if store::claim_reminder(&mut tx, treatment.id, &day, &time, now.as_millisecond())
                    .await?
                {
                    let notice = Notice::DoseDue {
                        treatment_id: treatment.id,
                        medocs_name: treatment.medocs_name.clone(),
                        time,
                    };
                    notifications::push(&mut tx, treatment.patient_id, &notice).await?;
                    sent += 1;
                }
                tx.commit().await.map_err(db_error)?;
            }
        }
        Ok(sent)
    }
}
