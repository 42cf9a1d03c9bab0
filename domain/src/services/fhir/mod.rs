//! The FHIR R4 read API: reads and searches answered by the same services
//! as the portals, so the same medical-data policy decides and the same
//! access trail records (a patient reads their own data; a doctor the data
//! of the patients in their care or under emergency access; a refusal is
//! written to the patient's trail). Only directory data (doctors, their
//! roles, schedules and slots) is open to anyone signed in.

pub mod map;
mod search;

use jiff::Timestamp;

use crate::accounts::UserId;
use crate::auth::Principal;
use crate::consultations::{Consultation, ConsultationSummary};
use crate::error::{DomainError, DomainResult};
use crate::fhir::search::{ResourceType, Search};
use crate::fhir::*;
use crate::services::{
    AppointmentService, CareService, ConsultationService, DirectoryService, ProfileService,
    SchedulingService, TreatmentService, VitalsService,
};
use crate::store::{Db, db_error, users};

/// The longest span of a Slot search, in days.
const MAX_SLOT_DAYS: i64 = 31;
/// The longest span of an Observation search, in days (the readings
/// store's).
const MAX_VITALS_DAYS: i64 = 366;
/// Readings in `$everything` when no period is given: the last week's.
const EVERYTHING_VITALS_DAYS: i64 = 7;

/// One page of a search: the resources and how many match in all.
#[derive(Debug, Clone)]
pub struct Found {
    pub resources: Vec<Resource>,
    pub total: i64,
}

impl Found {
    /// The page `search` asks for, out of everything that matched.
    fn page(all: Vec<Resource>, search: &Search) -> Self {
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let count = usize::try_from(search.count).unwrap_or(usize::MAX);
        Self {
            resources: all.into_iter().skip(search.offset()).take(count).collect(),
            total,
        }
    }
}

/// The FHIR reads; cheap to clone.
#[derive(Clone)]
pub struct FhirService {
    db: Db,
    pub(crate) profiles: ProfileService,
    pub(crate) directory: DirectoryService,
    pub(crate) scheduling: SchedulingService,
    pub(crate) appointments: AppointmentService,
    pub(crate) vitals: VitalsService,
    pub(crate) treatments: TreatmentService,
    pub(crate) consultations: ConsultationService,
    pub(crate) care: CareService,
}

fn id_of(raw: &str) -> DomainResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(DomainError::NotFound("resource"))
}

/// Only the statuses FHIR defines for the type (and the platform uses).
fn check_statuses(search: &Search, allowed: &[&str]) -> DomainResult<()> {
    match search
        .status
        .iter()
        .find(|s| !allowed.contains(&s.as_str()))
    {
        Some(_) => Err(DomainError::invalid(
            "status",
            "unknown_status",
            format!("one of {}", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

fn status_matches(search: &Search, status: &str) -> bool {
    search.status.is_empty() || search.status.iter().any(|s| s == status)
}

/// A record as its list shows it, for the Encounter and Condition mappings.
fn summary_of(c: Consultation) -> ConsultationSummary {
    ConsultationSummary {
        id: c.id,
        patient: c.patient,
        doctor: c.doctor,
        status: c.status,
        reason: c.intake.reason,
        diagnosis: c.examination.diagnosis,
        icd10_code: c.examination.icd10_code,
        appointment_id: c.appointment_id,
        appointment_starts_at: c.appointment_starts_at,
        submitted_at: c.submitted_at,
        validated_at: c.validated_at,
        updated_at: c.updated_at,
        unread_messages: c.unread_messages,
    }
}

impl FhirService {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        db: Db,
        profiles: ProfileService,
        directory: DirectoryService,
        scheduling: SchedulingService,
        appointments: AppointmentService,
        vitals: VitalsService,
        treatments: TreatmentService,
        consultations: ConsultationService,
        care: CareService,
    ) -> Self {
        Self {
            db,
            profiles,
            directory,
            scheduling,
            appointments,
            vitals,
            treatments,
            consultations,
            care,
        }
    }

    /// `GET [type]/[id]`.
    pub async fn read(
        &self,
        actor: &Principal,
        kind: ResourceType,
        id: &str,
        now: Timestamp,
    ) -> DomainResult<Resource> {
        let id = id_of(id)?;
        Ok(match kind {
            ResourceType::Patient => Resource::Patient(self.patient(actor, id).await?),
            ResourceType::Practitioner => {
                Resource::Practitioner(map::practitioner(&self.directory.doctor(id).await?))
            }
            ResourceType::PractitionerRole => {
                Resource::PractitionerRole(map::role(&self.directory.doctor(id).await?))
            }
            ResourceType::Schedule => {
                let doctor = self.directory.doctor(id).await?;
                Resource::Schedule(self.schedule_of(&doctor, now).await?)
            }
            ResourceType::Slot => return Err(DomainError::NotFound("resource")),
            ResourceType::Appointment => {
                let row = self.appointments.appointment(actor, id).await?;
                let names = self.appointments.names(std::slice::from_ref(&row)).await?;
                Resource::Appointment(map::appointment(&row, &names))
            }
            ResourceType::Observation => {
                Resource::Observation(map::observation(&self.vitals.reading(actor, id).await?))
            }
            ResourceType::MedicationStatement => Resource::MedicationStatement(map::medication(
                &self.treatments.get(actor, id, now).await?,
                now,
            )),
            ResourceType::Encounter => {
                let record = summary_of(self.consultations.get(actor, id, now).await?);
                Resource::Encounter(map::encounter(&record))
            }
            ResourceType::Condition => {
                let record = summary_of(self.consultations.get(actor, id, now).await?);
                Resource::Condition(
                    map::condition(&record).ok_or(DomainError::NotFound("resource"))?,
                )
            }
        })
    }

    /// A patient, as the policy allows (the read of their profile is
    /// recorded; a refusal too).
    async fn patient(&self, actor: &Principal, id: UserId) -> DomainResult<Patient> {
        let profile = self.profiles.profile(actor, id).await?;
        let user = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            users::by_id(&mut conn, id).await?
        }
        .ok_or(DomainError::NotFound("patient"))?;
        Ok(map::patient(&user, &profile))
    }

    async fn schedule_of(
        &self,
        doctor: &crate::store::doctors::DoctorListing,
        now: Timestamp,
    ) -> DomainResult<Schedule> {
        let rules = self.scheduling.schedule(doctor.id).await?.rules;
        Ok(map::schedule(doctor, rules.max_advance_days, now))
    }
}
