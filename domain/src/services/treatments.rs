//! Treatments: a patient manages their own; a doctor prescribes for a patient
//! in their care (the prescriber is kept). Every read and change goes through
//! the medical-data policy and the access trail; a treatment the caller may
//! not see answers 404, as if it did not exist.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use jiff::civil::Date;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::medical::DEFAULT_TIME_ZONE;
use crate::notifications::Notice;
use crate::policy::{Gate, Granted, Relation};
use crate::services::trail::{NewEntry, append_in};
use crate::store::treatments::{self as store, StoredTreatment, TreatmentRow};
use crate::store::{Db, db_error, notifications, profiles, users};
use crate::trail::{Resource, TrailAction};
use crate::treatments::ingredients::{ingredients_of, interactions};
use crate::treatments::schedule::{self, Slot, format_time, parse_time};
use crate::treatments::{
    Adherence, DoseForm, ParsedTreatment, PlannedDose, Treatment, TreatmentDay,
    TreatmentForm, TreatmentsOverview,
};

/// How late a dose reminder may still go out (after a restart, say).
const REMINDER_WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// Treatment operations.
#[derive(Clone)]
pub struct TreatmentService {
    db: Db,
    gate: Gate,
}

/// A patient's time zone: theirs, or the platform's.
pub(crate) async fn zone_of(db: &Db, patient_id: UserId) -> DomainResult<TimeZone> {
    let mut conn = db.pool().acquire().await.map_err(db_error)?;
    let name = profiles::time_zone(&mut conn, patient_id).await?;
    let name = name.as_deref().unwrap_or(DEFAULT_TIME_ZONE);
    TimeZone::get(name)
        .or_else(|_| TimeZone::get(DEFAULT_TIME_ZONE))
        .map_err(DomainError::internal)
}

fn instant(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// What a reader sees of a stored treatment at `now`.
fn view(stored: StoredTreatment, tz: &TimeZone, now: Timestamp) -> Treatment {
    let started_at = instant(stored.started_at_ms);
    let end = instant(stored.ends_at_ms);
    Treatment {
        id: stored.id,
        active_ingredients: ingredients_of(&stored.medocs_name),
        medocs_name: stored.medocs_name,
        frequency: stored.frequency,
        started_at,
        duration_days: stored.duration_days,
        end,
        jours_restants: schedule::days_left(started_at, end, now, tz),
        patient_id: stored.patient_id,
        start_day: schedule::day_of(started_at, tz),
        end_day: schedule::day_of(end, tz),
        dose_times: stored.dose_times,
        instructions: stored.instructions,
        prescribed_by: stored.prescribed_by,
        consultation_id: stored.consultation_id,
        active: started_at <= now && now < end,
    }
}

/// Down to the second, as the seed shows instants (never later than given:
/// a treatment started now is running now).
fn to_the_second(at: Timestamp) -> DomainResult<Timestamp> {
    Timestamp::from_second(at.as_second()).map_err(DomainError::internal)
}

fn times_of(treatment: &StoredTreatment) -> Vec<jiff::civil::Time> {
    treatment.dose_times.iter().filter_map(|t| parse_time(t)).collect()
}

impl TreatmentService {
    pub(crate) fn new(db: Db, gate: Gate) -> Self {
        Self { db, gate }
    }

    /// The time zone a patient's days and dose times are read in.
    pub async fn zone(&self, patient_id: UserId) -> DomainResult<TimeZone> {
        zone_of(&self.db, patient_id).await
    }

    /// 404 unless `patient_id` is a patient's account.
    async fn patient(&self, patient_id: UserId) -> DomainResult<()> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        match users::by_id(&mut conn, patient_id).await? {
            Some(user) if user.role == Role::Patient => Ok(()),
            _ => Err(DomainError::NotFound("patient")),
        }
    }

    async fn stored(&self, id: i64) -> DomainResult<StoredTreatment> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::get(&mut conn, id)
            .await?
            .ok_or(DomainError::NotFound("treatment"))
    }

    /// Checks `action` on treatment `id`; a refusal is written to the trail
    /// and answers 404 (the caller does not learn that it exists).
    async fn checked(
        &self,
        actor: &Principal,
        id: i64,
        action: TrailAction,
        now: Timestamp,
    ) -> DomainResult<(StoredTreatment, Granted)> {
        let stored = self.stored(id).await?;
        match self
            .gate
            .check(actor, action, Resource::Treatment, stored.patient_id, Some(id.to_string()), now)
            .await
        {
            Ok(granted) => Ok((stored, granted)),
            Err(DomainError::Forbidden) => Err(DomainError::NotFound("treatment")),
            Err(other) => Err(other),
        }
    }

    /// The treatments the actor may list: a patient's own; a doctor's for
    /// `patient_id` (in their care or under emergency access), or else what
    /// they prescribed to patients still in their care. One trail entry per
    /// patient.
    pub async fn list(
        &self,
        actor: &Principal,
        patient_id: Option<UserId>,
        now: Timestamp,
    ) -> DomainResult<Vec<Treatment>> {
        let patient_id = match (actor.role, patient_id) {
            (Role::Patient, None) => Some(actor.user_id),
            (Role::Admin, _) => return Err(DomainError::Forbidden),
            (_, given) => given,
        };
        if let Some(patient_id) = patient_id {
            self.patient(patient_id).await?;
            let tz = zone_of(&self.db, patient_id).await?;
            let db = self.db.clone();
            let stored = self
                .gate
                .read(actor, Resource::Treatment, patient_id, None, async move {
                    let mut conn = db.pool().acquire().await.map_err(db_error)?;
                    store::of_patient(&mut conn, patient_id).await
                })
                .await?;
            return Ok(stored.into_iter().map(|s| view(s, &tz, now)).collect());
        }
        // A doctor's own prescriptions, for the patients they may still read.
        let prescribed = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            store::prescribed_by(&mut conn, actor.user_id).await?
        };
        let mut by_patient: Vec<(UserId, Vec<StoredTreatment>)> = Vec::new();
        for treatment in prescribed {
            match by_patient.iter_mut().find(|(p, _)| *p == treatment.patient_id) {
                Some((_, list)) => list.push(treatment),
                None => by_patient.push((treatment.patient_id, vec![treatment])),
            }
        }
        let mut entries = Vec::new();
        let mut seen = Vec::new();
        for (patient_id, list) in by_patient {
            let relation = self.gate.relation(actor, patient_id, now).await?;
            if !matches!(relation, Relation::Care | Relation::Emergency) {
                continue;
            }
            entries.push(
                NewEntry::by(actor, TrailAction::Read, Resource::Treatment, patient_id)
                    .emergency(relation == Relation::Emergency),
            );
            let tz = zone_of(&self.db, patient_id).await?;
            seen.extend(list.into_iter().map(|s| view(s, &tz, now)));
        }
        if !entries.is_empty() {
            self.gate.trail().record(entries).await?;
        }
        seen.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
        Ok(seen)
    }

    /// One treatment (404 when the caller may not read it).
    pub async fn get(&self, actor: &Principal, id: i64, now: Timestamp) -> DomainResult<Treatment> {
        let (stored, granted) = self.checked(actor, id, TrailAction::Read, now).await?;
        self.gate.trail().record(vec![granted.entry]).await?;
        let tz = zone_of(&self.db, stored.patient_id).await?;
        Ok(view(stored, &tz, now))
    }

    /// A patient adds a treatment, or a doctor prescribes one for a patient
    /// in their care (the patient is notified).
    pub async fn create(
        &self,
        actor: &Principal,
        form: &TreatmentForm,
        now: Timestamp,
    ) -> DomainResult<Treatment> {
        let parsed = form.parse()?;
        let patient_id = match (actor.role, parsed.patient_id) {
            (Role::Patient, None) => actor.user_id,
            (Role::Doctor, None) => {
                return Err(DomainError::invalid(
                    "patient_id",
                    "required",
                    "say whom the treatment is for",
                ));
            }
            (Role::Admin, _) => return Err(DomainError::Forbidden),
            (_, Some(id)) => id,
        };
        self.patient(patient_id).await?;
        self.check_consultation(&parsed)?;
        let granted = self
            .gate
            .check(actor, TrailAction::Create, Resource::Treatment, patient_id, None, now)
            .await?;
        let tz = zone_of(&self.db, patient_id).await?;
        // To the second, as the seed shows it.
        let started_at = to_the_second(parsed.started_at.unwrap_or(now))?;
        let times: Vec<String> = parsed.dose_times.iter().copied().map(format_time).collect();
        let prescriber = (actor.role == Role::Doctor).then_some(actor.user_id);
        let row = TreatmentRow {
            patient_id,
            medocs_name: &parsed.medocs_name,
            frequency: parsed.frequency,
            started_at_ms: started_at.as_millisecond(),
            duration_days: parsed.duration_days,
            ends_at_ms: schedule::end_of(started_at, parsed.duration_days, &tz).as_millisecond(),
            dose_times: &times,
            instructions: parsed.instructions.as_deref(),
            prescribed_by: prescriber,
            consultation_id: parsed.consultation_id,
        };
        let mut tx = self.db.begin_write().await?;
        let id = store::insert(&mut tx, &row, now.as_millisecond()).await?;
        if let Some(doctor_id) = prescriber {
            let doctor_name = users::by_id(&mut tx, doctor_id)
                .await?
                .map(|u| u.full_name())
                .unwrap_or_default();
            let notice = Notice::TreatmentPrescribed {
                treatment_id: id,
                doctor_name,
                medocs_name: parsed.medocs_name.clone(),
            };
            notifications::push(&mut tx, patient_id, &notice).await?;
        }
        append_in(&mut tx, self.db.dialect(), &[granted.entry.on(id)]).await?;
        let stored = store::get(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("treatment"))?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(treatment_id = id, patient_id, prescribed = prescriber.is_some(), "treatment added");
        Ok(view(stored, &tz, now))
    }

    /// Records of consultations are not linked yet: any reference is unknown.
    fn check_consultation(&self, parsed: &ParsedTreatment) -> DomainResult<()> {
        match parsed.consultation_id {
            None => Ok(()),
            Some(_) => Err(DomainError::invalid(
                "consultation_id",
                "unknown_consultation",
                "no such consultation record",
            )),
        }
    }

    /// Replaces a treatment (seed `PUT`): `started_at` left out stays; dose
    /// times left out stay while the frequency does, else are spread anew.
    pub async fn update(
        &self,
        actor: &Principal,
        id: i64,
        form: &TreatmentForm,
        now: Timestamp,
    ) -> DomainResult<Treatment> {
        let (current, granted) = self.checked(actor, id, TrailAction::Update, now).await?;
        let parsed = form.parse()?;
        if parsed.patient_id.is_some_and(|p| p != current.patient_id) {
            return Err(DomainError::invalid(
                "patient_id",
                "immutable",
                "a treatment cannot move to another patient",
            ));
        }
        if parsed.consultation_id != current.consultation_id {
            self.check_consultation(&parsed)?;
        }
        let tz = zone_of(&self.db, current.patient_id).await?;
        let started_at = match parsed.started_at {
            Some(at) => to_the_second(at)?,
            None => instant(current.started_at_ms),
        };
        let keep_times = form.dose_times.as_ref().is_none_or(Vec::is_empty)
            && parsed.frequency == current.frequency;
        let times: Vec<String> = if keep_times {
            current.dose_times.clone()
        } else {
            parsed.dose_times.iter().copied().map(format_time).collect()
        };
        let row = TreatmentRow {
            patient_id: current.patient_id,
            medocs_name: &parsed.medocs_name,
            frequency: parsed.frequency,
            started_at_ms: started_at.as_millisecond(),
            duration_days: parsed.duration_days,
            ends_at_ms: schedule::end_of(started_at, parsed.duration_days, &tz).as_millisecond(),
            dose_times: &times,
            instructions: parsed.instructions.as_deref(),
            prescribed_by: None,
            consultation_id: parsed.consultation_id,
        };
        let mut tx = self.db.begin_write().await?;
        store::update(&mut tx, id, &row, now.as_millisecond()).await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        let stored = store::get(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("treatment"))?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(treatment_id = id, "treatment changed");
        Ok(view(stored, &tz, now))
    }

    /// Deletes a treatment with its ticked doses.
    pub async fn delete(&self, actor: &Principal, id: i64, now: Timestamp) -> DomainResult<()> {
        let (_, granted) = self.checked(actor, id, TrailAction::Delete, now).await?;
        let mut tx = self.db.begin_write().await?;
        store::delete(&mut tx, id).await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(treatment_id = id, "treatment deleted");
        Ok(())
    }

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
            let (start, end) = (instant(treatment.started_at_ms), instant(treatment.ends_at_ms));
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
            self.gate.trail().record(vec![granted.entry.refused()]).await?;
            return Err(DomainError::Forbidden);
        }
        let dose = form.parse()?;
        let tz = zone_of(&self.db, treatment.patient_id).await?;
        if dose.day > schedule::day_of(now, &tz) {
            return Err(DomainError::invalid("day", "in_future", "this day has not come yet"));
        }
        if !times_of(&treatment).contains(&dose.time) {
            return Err(DomainError::invalid(
                "time",
                "not_a_dose_time",
                format!("the doses are at {}", treatment.dose_times.join(", ")),
            ));
        }
        let (start, end) = (instant(treatment.started_at_ms), instant(treatment.ends_at_ms));
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
            let (start, end) = (instant(treatment.started_at_ms), instant(treatment.ends_at_ms));
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

