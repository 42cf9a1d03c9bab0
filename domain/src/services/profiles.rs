//! Medical profiles: the patient writes theirs; their doctors read it.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::medical::{MedicalProfile, MedicalProfileForm};
use crate::policy::Gate;
use crate::services::trail::append_in;
use crate::store::{Db, db_error, profiles as store, users};
use crate::trail::{Resource, TrailAction};

/// Medical-profile operations.
#[derive(Clone)]
pub struct ProfileService {
    db: Db,
    gate: Gate,
}

impl ProfileService {
    pub(crate) fn new(db: Db, gate: Gate) -> Self {
        Self { db, gate }
    }

    /// Fails with 404 unless `patient_id` is a patient's account.
    async fn patient(&self, patient_id: UserId) -> DomainResult<bool> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        match users::by_id(&mut conn, patient_id).await? {
            Some(user) if user.role == Role::Patient => Ok(user.active),
            _ => Err(DomainError::NotFound("patient")),
        }
    }

    /// The profile of `patient_id` (empty if never filled in), as the policy
    /// allows; the read is written to the trail.
    pub async fn profile(
        &self,
        actor: &Principal,
        patient_id: UserId,
    ) -> DomainResult<MedicalProfile> {
        self.patient(patient_id).await?;
        let db = self.db.clone();
        self.gate
            .read(
                actor,
                Resource::MedicalProfile,
                patient_id,
                None,
                async move {
                    let mut conn = db.pool().acquire().await.map_err(db_error)?;
                    Ok(store::get(&mut conn, patient_id)
                        .await?
                        .unwrap_or(MedicalProfile {
                            patient_id,
                            ..MedicalProfile::default()
                        }))
                },
            )
            .await
    }

    /// The patient saves their whole profile; the change and its trail entry
    /// commit together.
    pub async fn save(
        &self,
        actor: &Principal,
        patient_id: UserId,
        form: &MedicalProfileForm,
        now: Timestamp,
    ) -> DomainResult<MedicalProfile> {
        let active = self.patient(patient_id).await?;
        let granted = self
            .gate
            .check(
                actor,
                TrailAction::Update,
                Resource::MedicalProfile,
                patient_id,
                None,
                now,
            )
            .await?;
        let today = now.to_zoned(TimeZone::UTC).date();
        let mut profile = form.parse(patient_id, today)?;
        let mut tx = self.db.begin_write().await?;
        store::save(&mut tx, &profile, active, now.as_millisecond()).await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(patient_id, "medical profile saved");
        profile.updated_at = Some(now.as_millisecond());
        Ok(profile)
    }
}
