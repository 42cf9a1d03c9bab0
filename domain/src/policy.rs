//! Who may see what: the one medical-data policy every door goes through.
//!
//! - a patient sees (and, where the platform lets patients write, changes)
//!   their own data;
//! - a doctor reads the medical data of patients in their care, or of any
//!   patient under emergency access they opened with a reason ("break the
//!   glass"), for a limited time and flagged in the trail;
//! - an administrator manages accounts and care relationships but does not
//!   read clinical content.
//!
//! [`allows`] is the rule as a pure table (tested exhaustively); [`Gate`]
//! looks up the relationship, applies the rule and writes refusals to the
//! trail, so that a service only says what it is about to do.

use jiff::Timestamp;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::services::trail::{NewEntry, TrailService};
use crate::store::{Db, care, db_error};
use crate::trail::{Resource, TrailAction};

/// How the actor stands towards the patient whose data is at stake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The actor is the patient.
    Own,
    /// A doctor in the patient's care team.
    Care,
    /// A doctor under open emergency access.
    Emergency,
    /// The doctor an appointment request is addressed to, before accepting it
    /// (they read its reason to decide).
    Requested,
    /// None of the above.
    Stranger,
}

/// The rule: may an actor of `role`, standing in `relation`, do `action` on
/// `resource`?
pub fn allows(role: Role, relation: Relation, action: TrailAction, resource: Resource) -> bool {
    use Relation::*;
    use Resource::*;
    use TrailAction::*;
    match role {
        Role::Patient => {
            relation == Own
                && match resource {
                    MedicalProfile => matches!(action, Read | Create | Update),
                    AppointmentReason => matches!(action, Read | Create | Update),
                    // They see their care team and withdraw doctors from it.
                    CareRelationship => matches!(action, Read | Update),
                    EmergencyAccess => action == Read,
                    // Who saw my data.
                    AccessTrail => action == Read,
                    Vitals | Device | VitalAlert => action == Read,
                    // Their own medicines: added, changed, stopped, doses ticked.
                    Treatment => matches!(action, Read | Create | Update | Delete),
                    SymptomCheck => matches!(action, Read | Create),
                    // Their records: opened, prepared and submitted; their
                    // thread with the doctor.
                    Consultation => matches!(action, Read | Create | Update | Export),
                    ConsultationMessage => matches!(action, Read | Create),
                    // Their chat with their doctors.
                    ChatMessage => matches!(action, Read | Create),
                    // Research exports are the clinic's, never one patient's.
                    ResearchExport => false,
                }
        }
        Role::Doctor => match (resource, action) {
            (MedicalProfile, Read) => matches!(relation, Care | Emergency),
            (AppointmentReason, Read) => matches!(relation, Care | Emergency | Requested),
            (CareRelationship, Read) => matches!(relation, Care | Emergency),
            (Vitals | Device | VitalAlert, Read) => matches!(relation, Care | Emergency),
            // Acknowledging an alert: the patient's own doctors.
            (VitalAlert, Update) => matches!(relation, Care | Emergency),
            // Registering a patient's devices is for their own doctors.
            (Device, Create | Update | Delete) => relation == Care,
            (Treatment | SymptomCheck, Read) => matches!(relation, Care | Emergency),
            // Prescribing, changing and stopping: the patient's own doctors.
            (Treatment, Create | Update | Delete) => relation == Care,
            // Records: read in care or emergency; written (examined,
            // validated, amended, discussed) by the patient's own doctors.
            (Consultation | ConsultationMessage, Read) | (Consultation, Export) => {
                matches!(relation, Care | Emergency)
            }
            (Consultation, Create | Update) | (ConsultationMessage, Create) => relation == Care,
            // The chat is between a patient and their own doctor: emergency
            // access does not open it.
            (ChatMessage, Read | Create) => relation == Care,
            // Break the glass: only from outside the care team.
            (EmergencyAccess, BreakGlass) => relation == Stranger,
            _ => false,
        },
        // Account and care-team management, and the audit of the trail;
        // never clinical content.
        Role::Admin => matches!(
            (resource, action),
            (CareRelationship, Read | Create | Update)
                | (AccessTrail, Read | Export)
                // Devices are equipment, not clinical content: administrators
                // register them for anyone.
                | (Device, Read | Create | Update | Delete)
                // Research exports: anonymised unless a reason is recorded.
                | (ResearchExport, Read | Create | Export | Delete)
        ),
    }
}

/// An access the policy allowed, ready to be written to the trail.
#[derive(Debug, Clone)]
pub struct Granted {
    pub relation: Relation,
    pub entry: NewEntry,
}

/// Looks relationships up, applies [`allows`], and records refusals.
#[derive(Clone)]
pub struct Gate {
    db: Db,
    trail: TrailService,
}

impl Gate {
    pub(crate) fn new(db: Db, trail: TrailService) -> Self {
        Self { db, trail }
    }

    /// The trail, for services that record their own entries.
    pub fn trail(&self) -> &TrailService {
        &self.trail
    }

    /// How `actor` stands towards `patient_id` now.
    pub async fn relation(
        &self,
        actor: &Principal,
        patient_id: UserId,
        now: Timestamp,
    ) -> DomainResult<Relation> {
        match actor.role {
            Role::Patient if actor.user_id == patient_id => Ok(Relation::Own),
            Role::Doctor => {
                let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
                if care::is_running(&mut conn, actor.user_id, patient_id).await? {
                    Ok(Relation::Care)
                } else if care::open_emergency(
                    &mut conn,
                    actor.user_id,
                    patient_id,
                    now.as_millisecond(),
                )
                .await?
                .is_some()
                {
                    Ok(Relation::Emergency)
                } else {
                    Ok(Relation::Stranger)
                }
            }
            _ => Ok(Relation::Stranger),
        }
    }

    /// Checks `action` on `resource` of `patient_id` given a known relation. A
    /// refusal is written to the trail before `Forbidden` is returned; an
    /// allowed access comes back as the entry to record with the access.
    pub async fn decide(
        &self,
        actor: &Principal,
        relation: Relation,
        action: TrailAction,
        resource: Resource,
        patient_id: UserId,
        resource_id: Option<String>,
    ) -> DomainResult<Granted> {
        let mut entry = NewEntry::by(actor, action, resource, patient_id)
            .emergency(relation == Relation::Emergency);
        entry.resource_id = resource_id;
        if allows(actor.role, relation, action, resource) {
            return Ok(Granted { relation, entry });
        }
        self.trail.record(vec![entry.refused()]).await?;
        Err(DomainError::Forbidden)
    }

    /// [`Gate::relation`], then [`Gate::decide`].
    pub async fn check(
        &self,
        actor: &Principal,
        action: TrailAction,
        resource: Resource,
        patient_id: UserId,
        resource_id: Option<String>,
        now: Timestamp,
    ) -> DomainResult<Granted> {
        let relation = self.relation(actor, patient_id, now).await?;
        self.decide(actor, relation, action, resource, patient_id, resource_id)
            .await
    }

    /// [`Gate::check`] on one resource addressed by its id: a refusal (still
    /// written to the trail) answers `NotFound(what)`, so the caller does not
    /// learn that it exists.
    #[allow(clippy::too_many_arguments)]
    pub async fn check_hidden(
        &self,
        actor: &Principal,
        action: TrailAction,
        resource: Resource,
        patient_id: UserId,
        id: i64,
        what: &'static str,
        now: Timestamp,
    ) -> DomainResult<Granted> {
        match self
            .check(
                actor,
                action,
                resource,
                patient_id,
                Some(id.to_string()),
                now,
            )
            .await
        {
            Err(DomainError::Forbidden) => Err(DomainError::NotFound(what)),
            other => other,
        }
    }

    /// [`Gate::check`] on one resource addressed by its id, telling a refused
    /// actor only what they may already see: one who may read the resource
    /// gets `Forbidden`, anyone else `NotFound(what)`, as for an id that does
    /// not exist. Every refusal is written to the trail.
    #[allow(clippy::too_many_arguments)]
    pub async fn check_or_hide(
        &self,
        actor: &Principal,
        action: TrailAction,
        resource: Resource,
        patient_id: UserId,
        id: i64,
        what: &'static str,
        now: Timestamp,
    ) -> DomainResult<Granted> {
        let relation = self.relation(actor, patient_id, now).await?;
        let outcome = self
            .decide(
                actor,
                relation,
                action,
                resource,
                patient_id,
                Some(id.to_string()),
            )
            .await;
        match outcome {
            Err(DomainError::Forbidden)
                if !allows(actor.role, relation, TrailAction::Read, resource) =>
            {
                Err(DomainError::NotFound(what))
            }
            other => other,
        }
    }

    /// For reads: checks, then writes the allowed entry to the trail (durably)
    /// while `read` runs; returns what `read` returned.
    pub async fn read<T, F>(
        &self,
        actor: &Principal,
        resource: Resource,
        patient_id: UserId,
        resource_id: Option<String>,
        read: F,
    ) -> DomainResult<T>
    where
        F: std::future::Future<Output = DomainResult<T>>,
    {
        let granted = self
            .check(
                actor,
                TrailAction::Read,
                resource,
                patient_id,
                resource_id,
                Timestamp::now(),
            )
            .await?;
        let (recorded, value) = tokio::join!(self.trail.record(vec![granted.entry]), read);
        recorded?;
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: [Role; 3] = [Role::Patient, Role::Doctor, Role::Admin];
    const RELATIONS: [Relation; 5] = [
        Relation::Own,
        Relation::Care,
        Relation::Emergency,
        Relation::Requested,
        Relation::Stranger,
    ];

    #[test]
    fn administrators_never_read_clinical_content() {
        for relation in RELATIONS {
            for action in TrailAction::ALL {
                for resource in [
                    Resource::MedicalProfile,
                    Resource::AppointmentReason,
                    Resource::Vitals,
                    Resource::VitalAlert,
                    Resource::Treatment,
                    Resource::SymptomCheck,
                    Resource::Consultation,
                    Resource::ConsultationMessage,
                    Resource::ChatMessage,
                ] {
                    assert!(!allows(Role::Admin, relation, *action, resource));
                }
            }
        }
    }

    #[test]
    fn strangers_get_nothing_but_breaking_the_glass() {
        for role in ROLES {
            for action in TrailAction::ALL {
                for resource in Resource::ALL {
                    let allowed = allows(role, Relation::Stranger, *action, *resource);
                    let expected = match role {
                        Role::Doctor => {
                            *action == TrailAction::BreakGlass
                                && *resource == Resource::EmergencyAccess
                        }
                        Role::Admin => match resource {
                            Resource::CareRelationship => matches!(
                                action,
                                TrailAction::Read | TrailAction::Create | TrailAction::Update
                            ),
                            Resource::AccessTrail => {
                                matches!(action, TrailAction::Read | TrailAction::Export)
                            }
                            Resource::Device | Resource::ResearchExport => {
                                matches!(
                                    action,
                                    TrailAction::Read
                                        | TrailAction::Create
                                        | TrailAction::Update
                                        | TrailAction::Delete
                                ) && !(*resource == Resource::ResearchExport
                                    && *action == TrailAction::Update)
                                    || *resource == Resource::ResearchExport
                                        && *action == TrailAction::Export
                            }
                            _ => false,
                        },
                        Role::Patient => false,
                    };
                    assert_eq!(allowed, expected, "{role:?} {action:?} {resource:?}");
                }
            }
        }
    }

    #[test]
    fn doctors_read_in_care_or_emergency_and_never_write_the_profile() {
        for relation in [Relation::Care, Relation::Emergency] {
            assert!(allows(
                Role::Doctor,
                relation,
                TrailAction::Read,
                Resource::MedicalProfile
            ));
            assert!(!allows(
                Role::Doctor,
                relation,
                TrailAction::Update,
                Resource::MedicalProfile
            ));
            assert!(!allows(
                Role::Doctor,
                relation,
                TrailAction::BreakGlass,
                Resource::EmergencyAccess
            ));
        }
        assert!(allows(
            Role::Doctor,
            Relation::Requested,
            TrailAction::Read,
            Resource::AppointmentReason
        ));
        assert!(!allows(
            Role::Doctor,
            Relation::Requested,
            TrailAction::Read,
            Resource::MedicalProfile
        ));
    }

    #[test]
    fn patients_only_ever_act_on_their_own_data() {
        for relation in RELATIONS {
            for action in TrailAction::ALL {
                for resource in Resource::ALL {
                    if allows(Role::Patient, relation, *action, *resource) {
                        assert_eq!(relation, Relation::Own);
                    }
                }
            }
        }
        assert!(allows(
            Role::Patient,
            Relation::Own,
            TrailAction::Update,
            Resource::MedicalProfile
        ));
        assert!(!allows(
            Role::Patient,
            Relation::Own,
            TrailAction::Delete,
            Resource::MedicalProfile
        ));
    }
}
