//! Care relationships and emergency access: who looks after whom.
//!
//! A relationship begins when a doctor accepts an appointment
//! ([`start_from_appointment`], inside the acceptance) or when an
//! administrator assigns a doctor; it ends when the patient withdraws the
//! doctor or an administrator ends it. The policy reads it on every request,
//! so a withdrawal takes effect on the next one, whatever the door.

use jiff::Timestamp;

use crate::accounts::{Role, UserId};
use crate::activity::ActivityAction;
use crate::auth::Principal;
use crate::bounds;
use crate::care::{CareEnd, CareOrigin, CareRelationship, EmergencyGrant};
use crate::error::{DomainError, DomainResult};
use crate::events::{Event, Publisher};
use crate::notifications::Notice;
use crate::policy::{Gate, Relation};
use crate::services::trail::{NewEntry, append_in};
use crate::store::activity::{self, NewActivity};
use crate::store::{Db, WriteTx, care as store, db_error, notifications, users};
use crate::trail::{Resource, TrailAction};

/// How long emergency access lasts.
pub const EMERGENCY_ACCESS_MINUTES: i64 = 60;

/// Care-relationship operations.
#[derive(Clone)]
pub struct CareService {
    db: Db,
    gate: Gate,
    bus: Publisher,
}

impl CareService {
    pub(crate) fn new(db: Db, gate: Gate, bus: Publisher) -> Self {
        Self { db, gate, bus }
    }

    async fn account(
        &self,
        id: UserId,
        role: Role,
        what: &'static str,
    ) -> DomainResult<crate::accounts::User> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        match users::by_id(&mut conn, id).await? {
            Some(user) if user.role == role && user.active => Ok(user),
            _ => Err(DomainError::NotFound(what)),
        }
    }

    /// A patient's care team (with past members if `with_ended`): the patient
    /// themself, an administrator, or a doctor of the team.
    pub async fn team(
        &self,
        actor: &Principal,
        patient_id: UserId,
        with_ended: bool,
    ) -> DomainResult<Vec<CareRelationship>> {
        self.account(patient_id, Role::Patient, "patient").await?;
        // Who looks after a patient is their care data: the read is recorded
        // like any other, not only its refusal.
        let db = self.db.clone();
        self.gate
            .read(
                actor,
                Resource::CareRelationship,
                patient_id,
                None,
                async move {
                    let mut conn = db.pool().acquire().await.map_err(db_error)?;
                    store::list(&mut conn, Some(patient_id), None, with_ended).await
                },
            )
            .await
    }

    /// The patients a doctor looks after (and, with `with_ended`, looked after).
    pub async fn my_patients(
        &self,
        actor: &Principal,
        with_ended: bool,
    ) -> DomainResult<Vec<CareRelationship>> {
        actor.require(Role::Doctor)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::list(&mut conn, None, Some(actor.user_id), with_ended).await
    }

    /// Every relationship of a doctor or a patient (administrators).
    pub async fn all(
        &self,
        actor: &Principal,
        patient_id: Option<UserId>,
        doctor_id: Option<UserId>,
        with_ended: bool,
    ) -> DomainResult<Vec<CareRelationship>> {
        actor.require(Role::Admin)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::list(&mut conn, patient_id, doctor_id, with_ended).await
    }

    /// An administrator assigns a doctor to a patient.
    pub async fn assign(
        &self,
        actor: &Principal,
        doctor_id: UserId,
        patient_id: UserId,
        now: Timestamp,
    ) -> DomainResult<CareRelationship> {
        // Only administrators assign, and the refusal must not tell whether
        // the patient exists: anyone else gets 403 either way; the gate
        // records an attempt on a real patient (a doctor adding themselves
        // to a patient's team).
        if actor.role != Role::Admin {
            if self
                .account(patient_id, Role::Patient, "patient")
                .await
                .is_ok()
            {
                self.gate
                    .check(
                        actor,
                        TrailAction::Create,
                        Resource::CareRelationship,
                        patient_id,
                        None,
                        now,
                    )
                    .await?;
            }
            return Err(DomainError::Forbidden);
        }
        self.account(doctor_id, Role::Doctor, "doctor").await?;
        self.account(patient_id, Role::Patient, "patient").await?;
        let granted = self
            .gate
            .check(
                actor,
                TrailAction::Create,
                Resource::CareRelationship,
                patient_id,
                None,
                now,
            )
            .await?;
        let mut tx = self.db.begin_write().await?;
        let Some(id) = store::start(
            &mut tx,
            doctor_id,
            patient_id,
            CareOrigin::Assigned,
            None,
            actor.user_id,
            now.as_millisecond(),
        )
        .await?
        else {
            return Err(DomainError::Conflict {
                field: Some("doctor_id"),
                code: "already_in_care",
                message: "this doctor already looks after this patient".into(),
            });
        };
        append_in(&mut tx, self.db.dialect(), &[granted.entry.on(id)]).await?;
        activity::log(
            &mut tx,
            &NewActivity::by(actor, ActivityAction::CareAssigned)
                .on("patient", patient_id)
                .detail(format!("doctor:{doctor_id}")),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.relationship(id).await
    }

    async fn relationship(&self, id: i64) -> DomainResult<CareRelationship> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::by_id(&mut conn, id)
            .await?
            .ok_or(DomainError::NotFound("care relationship"))
    }

    /// The patient withdraws a doctor (`CareEnd::Withdrawn`) or an
    /// administrator ends a relationship (`CareEnd::Ended`). The doctor loses
    /// access on their next request.
    pub async fn end(
        &self,
        actor: &Principal,
        id: i64,
        now: Timestamp,
    ) -> DomainResult<CareRelationship> {
        let current = self.relationship(id).await?;
        let how = match actor.role {
            Role::Patient if actor.user_id == current.patient_id => CareEnd::Withdrawn,
            Role::Admin => CareEnd::Ended,
            // Another patient's or a doctor's request: as if it did not exist.
            _ => return Err(DomainError::NotFound("care relationship")),
        };
        let granted = self
            .gate
            .check(
                actor,
                TrailAction::Update,
                Resource::CareRelationship,
                current.patient_id,
                Some(id.to_string()),
                now,
            )
            .await?;
        let mut tx = self.db.begin_write().await?;
        if !store::end(&mut tx, id, how, actor.user_id, now.as_millisecond()).await? {
            return Err(DomainError::Conflict {
                field: None,
                code: "already_ended",
                message: "this care relationship has already ended".into(),
            });
        }
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        activity::log(
            &mut tx,
            &NewActivity::by(actor, ActivityAction::CareEnded)
                .on("patient", current.patient_id)
                .detail(format!("doctor:{}", current.doctor_id)),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(
            care_relationship_id = id,
            how = how.as_str(),
            "care relationship ended"
        );
        // The doctor's live sockets on the patient close at once.
        self.bus.publish(Event::CareEnded {
            doctor_id: current.doctor_id,
            patient_id: current.patient_id,
        });
        self.relationship(id).await
    }

    /// The emergency access the calling doctor holds to a patient's data,
    /// still open at `now` (none for anyone else).
    pub async fn my_emergency_access(
        &self,
        actor: &Principal,
        patient_id: UserId,
        now: Timestamp,
    ) -> DomainResult<Option<EmergencyGrant>> {
        if actor.role != Role::Doctor {
            return Ok(None);
        }
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::open_emergency(&mut conn, actor.user_id, patient_id, now.as_millisecond()).await
    }

    /// A doctor outside the care team opens emergency access to a patient's
    /// data, giving a reason: granted for [`EMERGENCY_ACCESS_MINUTES`], flagged
    /// in the trail, and the patient is notified.
    pub async fn break_glass(
        &self,
        actor: &Principal,
        patient_id: UserId,
        reason: &str,
        now: Timestamp,
    ) -> DomainResult<EmergencyGrant> {
        self.account(patient_id, Role::Patient, "patient").await?;
        let relation = self.gate.relation(actor, patient_id, now).await?;
        if actor.role == Role::Doctor && relation != Relation::Stranger {
            return Err(DomainError::Conflict {
                field: None,
                code: "already_has_access",
                message: "you already have access to this patient's data".into(),
            });
        }
        // Anyone but a doctor outside the team is refused here, and the
        // attempt recorded.
        let granted = self
            .gate
            .decide(
                actor,
                relation,
                TrailAction::BreakGlass,
                Resource::EmergencyAccess,
                patient_id,
                None,
            )
            .await?;
        let reason = reason.trim();
        let length = reason.chars().count();
        if !(10..=500).contains(&length) {
            return Err(DomainError::invalid(
                "reason",
                "reason_length",
                "say why in 10 to 500 characters",
            ));
        }
        let granted_at = now.as_millisecond();
        let expires = bounds::shift(now, bounds::minutes(EMERGENCY_ACCESS_MINUTES));
        let doctor_name = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            users::by_id(&mut conn, actor.user_id)
                .await?
                .map(|u| u.full_name())
                .unwrap_or_default()
        };
        let mut tx = self.db.begin_write().await?;
        let id = store::grant_emergency(
            &mut tx,
            actor.user_id,
            patient_id,
            reason,
            granted_at,
            expires.as_millisecond(),
        )
        .await?;
        notifications::push(
            &mut tx,
            patient_id,
            &Notice::EmergencyAccess {
                doctor_name,
                reason: reason.to_owned(),
                expires_at: expires,
            },
        )
        .await?;
        append_in(
            &mut tx,
            self.db.dialect(),
            &[granted.entry.on(id).emergency(true)],
        )
        .await?;
        activity::log(
            &mut tx,
            &NewActivity::by(actor, ActivityAction::EmergencyAccess).on("patient", patient_id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        tracing::warn!(
            doctor_id = actor.user_id,
            patient_id,
            grant_id = id,
            "emergency access opened"
        );
        Ok(EmergencyGrant {
            id,
            doctor_id: actor.user_id,
            patient_id,
            reason: reason.to_owned(),
            granted_at,
            expires_at: expires.as_millisecond(),
        })
    }
}

/// Inside the acceptance of an appointment: the doctor starts looking after
/// the patient, unless they already do. The entry is returned for the caller
/// to append with its other entries.
pub(crate) async fn start_from_appointment(
    tx: &mut WriteTx,
    doctor: &Principal,
    patient_id: UserId,
    appointment_id: i64,
    now: Timestamp,
) -> DomainResult<Option<NewEntry>> {
    let started = store::start(
        tx,
        doctor.user_id,
        patient_id,
        CareOrigin::Appointment,
        Some(appointment_id),
        doctor.user_id,
        now.as_millisecond(),
    )
    .await?;
    Ok(started.map(|id| {
        NewEntry::by(
            doctor,
            TrailAction::Create,
            Resource::CareRelationship,
            patient_id,
        )
        .on(id)
    }))
}
