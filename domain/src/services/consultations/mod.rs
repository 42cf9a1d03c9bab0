//! Consultation records: a patient opens and prepares one for a doctor of
//! their care team (or through an appointment); a doctor opens one for a
//! patient in their care, examines, concludes, validates or sends it back.
//! Every read and change goes through the medical-data policy and the access
//! trail; a record the caller may not see answers 404, as if it did not
//! exist. The statuses and addenda are in `workflow`, the message thread in
//! `thread`, the printable documents in `print`.

mod opening;
mod print;

pub use print::Printed;
mod thread;
mod workflow;

use jiff::{SignedDuration, Timestamp};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::consultations::{
    AttachedVital, Consultation, ConsultationChanges, ConsultationFilter, ConsultationStatus,
    ConsultationSummary, Examination, Intake,
};
use crate::error::{DomainError, DomainResult};
use crate::policy::{Gate, Granted, Relation};
use crate::services::trail::{NewEntry, append_in};
use crate::store::consultations::{self as store, StoredConsultation};
use crate::store::{Db, db_error, readings};
use crate::trail::{Resource, TrailAction};

/// How far back readings are attached to a record.
const RECENT_VITALS: SignedDuration = SignedDuration::from_hours(7 * 24);

/// Consultation record operations.
#[derive(Clone)]
pub struct ConsultationService {
    db: Db,
    gate: Gate,
    /// The platform settings (the clinic printed under letterheads).
    settings: crate::services::SettingsService,
}

fn instant(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn sections(stored: &StoredConsultation) -> DomainResult<(Intake, Examination)> {
    let intake = serde_json::from_str(&stored.intake).map_err(DomainError::internal)?;
    let examination = serde_json::from_str(&stored.examination).map_err(DomainError::internal)?;
    Ok((intake, examination))
}

fn read_only() -> DomainError {
    DomainError::Conflict {
        field: None,
        code: "read_only",
        message: "a validated record is read-only; add an addendum instead".into(),
    }
}

fn summary(stored: StoredConsultation, unread: i64) -> DomainResult<ConsultationSummary> {
    let (intake, examination) = sections(&stored)?;
    Ok(ConsultationSummary {
        id: stored.id,
        patient: stored.patient,
        doctor: stored.doctor,
        status: stored.status,
        reason: intake.reason,
        diagnosis: examination.diagnosis,
        icd10_code: examination.icd10_code,
        appointment_id: stored.appointment_id,
        appointment_starts_at: stored.appointment_starts_at_ms.map(instant),
        submitted_at: stored.submitted_at_ms.map(instant),
        validated_at: stored.validated_at_ms.map(instant),
        updated_at: instant(stored.updated_at_ms),
        unread_messages: unread,
    })
}

impl ConsultationService {
    pub(crate) fn new(db: Db, gate: Gate, settings: crate::services::SettingsService) -> Self {
        Self { db, gate, settings }
    }

    async fn stored(&self, id: i64) -> DomainResult<StoredConsultation> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::get(&mut conn, id)
            .await?
            .ok_or(DomainError::NotFound("consultation"))
    }

    /// Checks `action` on `resource` of record `id`; a refusal is written to
    /// the trail and answers 404.
    async fn checked(
        &self,
        actor: &Principal,
        id: i64,
        action: TrailAction,
        resource: Resource,
        now: Timestamp,
    ) -> DomainResult<(StoredConsultation, Granted)> {
        let stored = self.stored(id).await?;
        let granted = self
            .gate
            .check_hidden(
                actor,
                action,
                resource,
                stored.patient.id,
                id,
                "consultation",
                now,
            )
            .await?;
        Ok((stored, granted))
    }

    /// The latest reading of each vital from the week before `now`.
    async fn recent_vitals(
        &self,
        patient_id: UserId,
        now: Timestamp,
    ) -> DomainResult<Vec<AttachedVital>> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let since = now - RECENT_VITALS;
        Ok(readings::latest(&mut conn, patient_id)
            .await?
            .into_iter()
            .filter(|r| r.timestamp >= since)
            .map(|r| AttachedVital {
                vital: r.type_donnee.as_str().to_owned(),
                value: r.valeur,
                unit: r.unite,
                measured_at: r.timestamp,
            })
            .collect())
    }

    /// The whole record as `reader` sees it.
    async fn view(
        &self,
        stored: StoredConsultation,
        reader: UserId,
        now: Timestamp,
    ) -> DomainResult<Consultation> {
        let (intake, examination) = sections(&stored)?;
        let recent_vitals = match &stored.vitals {
            Some(frozen) => serde_json::from_str(frozen).map_err(DomainError::internal)?,
            None => self.recent_vitals(stored.patient.id, now).await?,
        };
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let symptom_check = match stored.symptom_check_id {
            Some(check_id) => store::check_of(&mut conn, check_id).await?.map(|(_, c)| c),
            None => None,
        };
        Ok(Consultation {
            id: stored.id,
            addenda: store::addenda(&mut conn, stored.id).await?,
            prescriptions: store::prescriptions(&mut conn, stored.id).await?,
            unread_messages: store::unread(&mut conn, stored.id, reader).await?,
            patient: stored.patient,
            doctor: stored.doctor,
            appointment_id: stored.appointment_id,
            appointment_starts_at: stored.appointment_starts_at_ms.map(instant),
            status: stored.status,
            intake,
            examination,
            recent_vitals,
            symptom_check,
            rejection_reason: stored.rejection_reason,
            submitted_at: stored.submitted_at_ms.map(instant),
            validated_by: stored.validated_by,
            validated_at: stored.validated_at_ms.map(instant),
            created_at: instant(stored.created_at_ms),
            updated_at: instant(stored.updated_at_ms),
        })
    }

    /// Records the actor may list: a patient's own; a doctor's for
    /// `patient_id` (in their care or under emergency access), or else those
    /// addressed to them for patients still in their care (`status =
    /// submitted`: the queue to validate). One trail entry per patient.
    pub async fn list(
        &self,
        actor: &Principal,
        filter: &ConsultationFilter,
        now: Timestamp,
    ) -> DomainResult<Vec<ConsultationSummary>> {
        let status = match filter.status.as_deref().map(str::trim) {
            None => None,
            Some(raw) => Some(ConsultationStatus::parse(raw).ok_or_else(|| {
                DomainError::invalid(
                    "status",
                    "unknown_status",
                    "draft, submitted, validated or rejected",
                )
            })?),
        };
        let patient_id = match (actor.role, filter.patient_id) {
            (Role::Admin, _) => return Err(DomainError::Forbidden),
            (Role::Patient, Some(id)) if id != actor.user_id => {
                return Err(DomainError::NotFound("patient"));
            }
            (Role::Patient, _) => Some(actor.user_id),
            (Role::Doctor, given) => given,
        };
        let db = self.db.clone();
        let stored = if let Some(patient_id) = patient_id {
            self.gate
                .read(
                    actor,
                    Resource::Consultation,
                    patient_id,
                    None,
                    async move {
                        let mut conn = db.pool().acquire().await.map_err(db_error)?;
                        store::listed(&mut conn, "c.patient_id", patient_id, status).await
                    },
                )
                .await?
        } else {
            let addressed = {
                let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
                store::listed(&mut conn, "c.doctor_id", actor.user_id, status).await?
            };
            let mut entries: Vec<NewEntry> = Vec::new();
            let mut decided: Vec<(UserId, bool)> = Vec::new();
            let mut kept = Vec::new();
            for record in addressed {
                let patient_id = record.patient.id;
                let allowed = match decided.iter().find(|(p, _)| *p == patient_id) {
                    Some((_, allowed)) => *allowed,
                    None => {
                        let relation = self.gate.relation(actor, patient_id, now).await?;
                        let allowed = matches!(relation, Relation::Care | Relation::Emergency);
                        if allowed {
                            entries.push(
                                NewEntry::by(
                                    actor,
                                    TrailAction::Read,
                                    Resource::Consultation,
                                    patient_id,
                                )
                                .emergency(relation == Relation::Emergency),
                            );
                        }
                        decided.push((patient_id, allowed));
                        allowed
                    }
                };
                if allowed {
                    kept.push(record);
                }
            }
            if !entries.is_empty() {
                self.gate.trail().record(entries).await?;
            }
            kept
        };
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let mut out = Vec::with_capacity(stored.len());
        for record in stored {
            let unread = store::unread(&mut conn, record.id, actor.user_id).await?;
            out.push(summary(record, unread)?);
        }
        Ok(out)
    }

    /// One record (404 when the caller may not read it).
    pub async fn get(
        &self,
        actor: &Principal,
        id: i64,
        now: Timestamp,
    ) -> DomainResult<Consultation> {
        let (stored, granted) = self
            .checked(actor, id, TrailAction::Read, Resource::Consultation, now)
            .await?;
        self.gate.trail().record(vec![granted.entry]).await?;
        self.view(stored, actor.user_id, now).await
    }

    /// Saves sections (each given replaces the stored one). The patient
    /// writes the intake while the record is a draft or sent back; the doctor
    /// writes both sections until validation.
    pub async fn update(
        &self,
        actor: &Principal,
        id: i64,
        changes: &ConsultationChanges,
        now: Timestamp,
    ) -> DomainResult<Consultation> {
        let (current, granted) = self
            .checked(actor, id, TrailAction::Update, Resource::Consultation, now)
            .await?;
        if current.status == ConsultationStatus::Validated {
            return Err(read_only());
        }
        let patient = actor.role == Role::Patient;
        if patient && current.status == ConsultationStatus::Submitted {
            return Err(DomainError::Conflict {
                field: None,
                code: "in_analysis",
                message: "the doctor is reviewing this record; write in its thread".into(),
            });
        }
        if patient && changes.examination.is_some() {
            return Err(DomainError::invalid(
                "examination",
                "doctor_only",
                "only the doctor writes the examination",
            ));
        }
        let (mut intake, mut examination) = sections(&current)?;
        if let Some(given) = &changes.intake {
            intake = given.check()?;
        }
        if let Some(given) = &changes.examination {
            examination = given.check()?;
        }
        let check_id = match changes.symptom_check_id {
            None => current.symptom_check_id,
            Some(0) => None,
            Some(_) if !patient => {
                return Err(DomainError::invalid(
                    "symptom_check_id",
                    "patient_only",
                    "the patient attaches their own symptom checks",
                ));
            }
            Some(check_id) => {
                let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
                match store::check_of(&mut conn, check_id).await? {
                    Some((owner, _)) if owner == current.patient.id => Some(check_id),
                    _ => {
                        return Err(DomainError::invalid(
                            "symptom_check_id",
                            "unknown_symptom_check",
                            "no such symptom check of yours",
                        ));
                    }
                }
            }
        };
        let intake_json = serde_json::to_string(&intake).map_err(DomainError::internal)?;
        let exam_json = serde_json::to_string(&examination).map_err(DomainError::internal)?;
        let mut tx = self.db.begin_write().await?;
        store::save_sections(
            &mut tx,
            id,
            &intake_json,
            &exam_json,
            check_id,
            now.as_millisecond(),
        )
        .await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        let stored = store::get(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("consultation"))?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(consultation_id = id, "consultation record saved");
        self.view(stored, actor.user_id, now).await
    }

    /// Whether `consultation_id` is a record of `patient_id` (treatments
    /// prescribed from a record).
    pub async fn belongs_to(&self, consultation_id: i64, patient_id: UserId) -> DomainResult<bool> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        Ok(store::get(&mut conn, consultation_id)
            .await?
            .is_some_and(|c| c.patient.id == patient_id))
    }
}
