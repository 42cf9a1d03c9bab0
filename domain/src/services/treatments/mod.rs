//! Treatments: a patient manages their own; a doctor prescribes for a patient
//! in their care (the prescriber is kept). Every read and change goes through
//! the medical-data policy and the access trail; a treatment the caller may
//! not see answers 404, as if it did not exist. The doses (a patient's day,
//! ticking, reminders) are in `doses`.

mod doses;

use jiff::Timestamp;
use jiff::tz::TimeZone;

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
use crate::treatments::ingredients::ingredients_of;
use crate::treatments::schedule::{self, format_time, parse_time};
use crate::treatments::{ParsedTreatment, Treatment, TreatmentForm};

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

/// The row a checked form writes; `end` on the patient's calendar.
fn row_of<'a>(
    patient_id: UserId,
    parsed: &'a ParsedTreatment,
    started_at: Timestamp,
    tz: &TimeZone,
    times: &'a [String],
    prescribed_by: Option<UserId>,
) -> TreatmentRow<'a> {
    TreatmentRow {
        patient_id,
        medocs_name: &parsed.medocs_name,
        frequency: parsed.frequency,
        started_at_ms: started_at.as_millisecond(),
        duration_days: parsed.duration_days,
        ends_at_ms: schedule::end_of(started_at, parsed.duration_days, tz).as_millisecond(),
        dose_times: times,
        instructions: parsed.instructions.as_deref(),
        prescribed_by,
        consultation_id: parsed.consultation_id,
    }
}

fn times_of(treatment: &StoredTreatment) -> Vec<jiff::civil::Time> {
    treatment
        .dose_times
        .iter()
        .filter_map(|t| parse_time(t))
        .collect()
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
        let granted = self
            .gate
            .check_hidden(
                actor,
                action,
                Resource::Treatment,
                stored.patient_id,
                id,
                "treatment",
                now,
            )
            .await?;
        Ok((stored, granted))
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
            match by_patient
                .iter_mut()
                .find(|(p, _)| *p == treatment.patient_id)
            {
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
        let granted = self
            .gate
            .check(
                actor,
                TrailAction::Create,
                Resource::Treatment,
                patient_id,
                None,
                now,
            )
            .await?;
        self.check_consultation(&parsed, patient_id).await?;
        let tz = zone_of(&self.db, patient_id).await?;
        // To the second, as the seed shows it.
        let started_at = to_the_second(parsed.started_at.unwrap_or(now))?;
        let times: Vec<String> = parsed.dose_times.iter().copied().map(format_time).collect();
        let prescriber = (actor.role == Role::Doctor).then_some(actor.user_id);
        let row = row_of(patient_id, &parsed, started_at, &tz, &times, prescriber);
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
        tracing::info!(
            treatment_id = id,
            patient_id,
            prescribed = prescriber.is_some(),
            "treatment added"
        );
        Ok(view(stored, &tz, now))
    }

    /// A treatment comes from a record of the same patient, or from none.
    async fn check_consultation(
        &self,
        parsed: &ParsedTreatment,
        patient_id: UserId,
    ) -> DomainResult<()> {
        let Some(consultation_id) = parsed.consultation_id else {
            return Ok(());
        };
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        match crate::store::consultations::get(&mut conn, consultation_id).await? {
            Some(record) if record.patient.id == patient_id => Ok(()),
            _ => Err(DomainError::invalid(
                "consultation_id",
                "unknown_consultation",
                "no such consultation record of this patient",
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
            self.check_consultation(&parsed, current.patient_id).await?;
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
        // The prescriber is not rewritten (`store::update` keeps it).
        let row = row_of(current.patient_id, &parsed, started_at, &tz, &times, None);
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
}
