//! Searches (`GET [type]?…`) and `Patient/[id]/$everything`.

use jiff::{SignedDuration, Timestamp};

use super::{
    EVERYTHING_VITALS_DAYS, FhirService, Found, MAX_SLOT_DAYS, MAX_VITALS_DAYS, check_statuses,
    map, status_matches,
};
use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::consultations::{ConsultationFilter, ConsultationSummary};
use crate::error::{DomainError, DomainResult};
use crate::fhir::search::{Range, ResourceType, Search};
use crate::fhir::*;
use crate::services::directory::DoctorSearch;
use crate::services::vitals::ReadingQuery;
use crate::store::appointments::ListFilter;

impl FhirService {
    /// The patient a search is about: a patient's own; a doctor names one.
    fn subject(actor: &Principal, search: &Search) -> DomainResult<UserId> {
        match (actor.role, search.patient) {
            (Role::Patient, None) => Ok(actor.user_id),
            (_, Some(id)) => Ok(id),
            (Role::Admin, None) => Err(DomainError::Forbidden),
            (Role::Doctor, None) => Err(DomainError::invalid(
                "patient",
                "required",
                "name the patient (`patient=Patient/<id>`)",
            )),
        }
    }

    /// `GET [type]?…`: one page of what the actor may read.
    pub async fn search(
        &self,
        actor: &Principal,
        search: &Search,
        now: Timestamp,
    ) -> DomainResult<Found> {
        let all: Vec<Resource> = match search.kind {
            ResourceType::Patient => return self.patients(actor, search).await,
            ResourceType::Observation => return self.observations(actor, search).await,
            ResourceType::Practitioner
            | ResourceType::PractitionerRole
            | ResourceType::Schedule => self.doctors(search, now).await?,
            ResourceType::Slot => self.slots(search, now).await?,
            ResourceType::Appointment => {
                check_statuses(
                    search,
                    &["pending", "booked", "fulfilled", "cancelled", "noshow"],
                )?;
                let filter = ListFilter {
                    from: search.range.from,
                    to: search.range.to,
                    patient_id: search.patient,
                    doctor_id: search.practitioner,
                    ..ListFilter::default()
                };
                let rows = self.appointments.appointments(actor, filter).await?;
                let names = self.appointments.names(&rows).await?;
                rows.iter()
                    .map(|a| map::appointment(a, &names))
                    .filter(|a| status_matches(search, a.status))
                    .map(Resource::Appointment)
                    .collect()
            }
            ResourceType::MedicationStatement => {
                check_statuses(search, &["active", "completed", "intended"])?;
                let patient = Self::subject(actor, search)?;
                self.treatments
                    .list(actor, Some(patient), now)
                    .await?
                    .iter()
                    .map(|t| map::medication(t, now))
                    .filter(|m| status_matches(search, m.status))
                    .map(Resource::MedicationStatement)
                    .collect()
            }
            ResourceType::Encounter => {
                check_statuses(search, &["planned", "in-progress", "finished"])?;
                self.records(actor, search, now)
                    .await?
                    .iter()
                    .filter(|c| search.range.contains(map::encounter_start(c)))
                    .map(map::encounter)
                    .filter(|e| status_matches(search, e.status))
                    .map(Resource::Encounter)
                    .collect()
            }
            ResourceType::Condition => self
                .records(actor, search, now)
                .await?
                .iter()
                .filter_map(map::condition)
                .filter(|c| match &search.code {
                    None => true,
                    Some((system, code)) => {
                        system.as_deref().is_none_or(|s| s == ICD10)
                            && c.code
                                .coding
                                .iter()
                                .any(|k| k.code.as_deref() == Some(code))
                    }
                })
                .map(Resource::Condition)
                .collect(),
        };
        Ok(Found::page(all, search))
    }

    async fn records(
        &self,
        actor: &Principal,
        search: &Search,
        now: Timestamp,
    ) -> DomainResult<Vec<ConsultationSummary>> {
        let patient = Self::subject(actor, search)?;
        let filter = ConsultationFilter {
            patient_id: Some(patient),
            status: None,
        };
        self.consultations.list(actor, &filter, now).await
    }

    /// Patients: oneself; for a doctor, the patients in their care.
    async fn patients(&self, actor: &Principal, search: &Search) -> DomainResult<Found> {
        let mut ids: Vec<UserId> = match actor.role {
            Role::Patient => vec![actor.user_id],
            Role::Doctor => self
                .care
                .my_patients(actor, false)
                .await?
                .iter()
                .map(|c| c.patient_id)
                .collect(),
            Role::Admin => return Err(DomainError::Forbidden),
        };
        ids.sort_unstable();
        ids.dedup();
        if let Some(id) = search.id {
            ids.retain(|p| *p == id);
        }
        let total = i64::try_from(ids.len()).unwrap_or(i64::MAX);
        let count = usize::try_from(search.count).unwrap_or(usize::MAX);
        let mut resources = Vec::new();
        for id in ids.into_iter().skip(search.offset()).take(count) {
            resources.push(Resource::Patient(self.patient(actor, id).await?));
        }
        Ok(Found { resources, total })
    }

    /// Vital signs, a page at a time from the readings store.
    async fn observations(&self, actor: &Principal, search: &Search) -> DomainResult<Found> {
        let patient = Self::subject(actor, search)?;
        let vital = match &search.code {
            None => None,
            Some((system, code)) => match map::vital_of_code(system.as_deref(), code) {
                Some(vital) => Some(vital),
                // A code no reading carries matches nothing.
                None => {
                    return Ok(Found {
                        resources: Vec::new(),
                        total: 0,
                    });
                }
            },
        };
        // The readings store reads at most 366 days at once, the last 24
        // hours unless told; a period that has not begun matches nothing.
        let to = search.range.to.unwrap_or_else(Timestamp::now);
        let from = search
            .range
            .from
            .unwrap_or_else(|| to - SignedDuration::from_hours(24));
        if from >= to {
            return Ok(Found {
                resources: Vec::new(),
                total: 0,
            });
        }
        if to.duration_since(from) > SignedDuration::from_hours(24 * MAX_VITALS_DAYS) {
            return Err(DomainError::invalid(
                "date",
                "period_too_long",
                format!("an Observation search spans at most {MAX_VITALS_DAYS} days"),
            ));
        }
        let page = self
            .vitals
            .list(
                actor,
                &ReadingQuery {
                    patient: Some(patient),
                    vital: vital.map(|v| v.as_str().to_owned()),
                    device: None,
                    from: Some(from),
                    to: Some(to),
                    page: Some(search.page),
                    per_page: Some(search.count),
                },
            )
            .await?;
        Ok(Found {
            resources: page
                .results
                .iter()
                .map(|r| Resource::Observation(map::observation(r)))
                .collect(),
            total: page.count,
        })
    }

    /// Practitioners, their roles or their schedules.
    async fn doctors(&self, search: &Search, now: Timestamp) -> DomainResult<Vec<Resource>> {
        let found = self
            .directory
            .doctors(&DoctorSearch {
                name: search.name.clone(),
                specialty: search.specialty.clone(),
                ..DoctorSearch::default()
            })
            .await?;
        let mut out = Vec::new();
        for d in found {
            if search.id.is_some_and(|id| id != d.id)
                || search.practitioner.is_some_and(|id| id != d.id)
            {
                continue;
            }
            out.push(match search.kind {
                ResourceType::PractitionerRole => Resource::PractitionerRole(map::role(&d)),
                ResourceType::Schedule => Resource::Schedule(self.schedule_of(&d, now).await?),
                _ => Resource::Practitioner(map::practitioner(&d)),
            });
        }
        Ok(out)
    }

    /// A doctor's slots over a period (the next 7 days by default).
    async fn slots(&self, search: &Search, now: Timestamp) -> DomainResult<Vec<Resource>> {
        check_statuses(search, &["free", "busy"])?;
        let Some(doctor) = search.practitioner else {
            return Err(DomainError::invalid(
                "schedule",
                "required",
                "name the schedule (`schedule=Schedule/<doctor id>`)",
            ));
        };
        let from = search.range.from.unwrap_or(now).max(now);
        let to = match search.range.to {
            Some(to) => to,
            None => from + SignedDuration::from_hours(24 * 7),
        };
        if to <= from {
            return Ok(Vec::new());
        }
        if to.duration_since(from) > SignedDuration::from_hours(24 * MAX_SLOT_DAYS) {
            return Err(DomainError::invalid(
                "start",
                "period_too_long",
                format!("a Slot search spans at most {MAX_SLOT_DAYS} days"),
            ));
        }
        self.directory.doctor(doctor).await?;
        let schedule = self.scheduling.schedule(doctor).await?;
        let zone = jiff::tz::TimeZone::get(&schedule.timezone).map_err(DomainError::internal)?;
        let first = from.to_zoned(zone.clone()).date();
        let last = to.to_zoned(zone).date();
        let range = Range {
            from: Some(from),
            to: Some(to),
        };
        Ok(self
            .scheduling
            .slots_with_full(doctor, first, last, now)
            .await?
            .iter()
            .filter(|s| range.contains(s.slot.starts_at))
            .map(|s| map::slot(doctor, s))
            .filter(|s| status_matches(search, s.status))
            .map(Resource::Slot)
            .collect())
    }

    /// `Patient/[id]/$everything`: the patient, their care team, and every
    /// appointment, consultation, diagnosis and medicine the actor may read,
    /// with the newest readings of `range` (the last week by default; at
    /// most 500). The first entry is the patient; the care team's doctors
    /// come as `include`s.
    pub async fn everything(
        &self,
        actor: &Principal,
        patient_id: UserId,
        range: Range,
        now: Timestamp,
    ) -> DomainResult<Vec<(Resource, bool)>> {
        let mut out = vec![(
            Resource::Patient(self.patient(actor, patient_id).await?),
            true,
        )];
        let as_patient = |kind| Search {
            patient: Some(patient_id),
            ..Search::new(kind)
        };
        for team in self.care.team(actor, patient_id, false).await? {
            if let Ok(doctor) = self.directory.doctor(team.doctor_id).await {
                out.push((Resource::Practitioner(map::practitioner(&doctor)), false));
            }
        }
        let all = |kind| Search {
            count: search_all(),
            ..as_patient(kind)
        };
        for kind in [
            ResourceType::Appointment,
            ResourceType::Encounter,
            ResourceType::Condition,
            ResourceType::MedicationStatement,
        ] {
            let found = self.search(actor, &all(kind), now).await?;
            out.extend(found.resources.into_iter().map(|r| (r, true)));
        }
        let vitals = Search {
            range: Range {
                from: Some(range.from.unwrap_or_else(|| {
                    now - SignedDuration::from_hours(24 * EVERYTHING_VITALS_DAYS)
                })),
                to: range.to,
            },
            count: crate::fhir::search::MAX_COUNT,
            ..as_patient(ResourceType::Observation)
        };
        let found = self.observations(actor, &vitals).await?;
        out.extend(found.resources.into_iter().map(|r| (r, true)));
        Ok(out)
    }
}

/// A count that takes every match in one page (the lists behind it are
/// bounded by their services).
fn search_all() -> i64 {
    i64::from(u32::MAX)
}
