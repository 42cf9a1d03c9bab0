//! Wards: administrators define them (a name, its patients, its staff);
//! staff watch their ward's board. A board shows only the patients the
//! viewer may see under the medical-data policy, and each is a recorded read.

use jiff::Timestamp;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::policy::{Gate, allows};
use crate::services::trail::NewEntry;
use crate::store::{Db, alerts, care, db_error, readings, users, wards as store};
use crate::trail::{Resource, TrailAction};
use crate::vitals::news2::{News2, Observations, Spo2Scale};
use crate::wards::{BoardRow, Member, Ward, WardForm};

/// Ward operations; cheap to clone.
#[derive(Clone)]
pub struct WardService {
    db: Db,
    gate: Gate,
}

impl WardService {
    pub(crate) fn new(db: Db, gate: Gate) -> Self {
        Self { db, gate }
    }

    async fn checked(&self, form: &WardForm) -> DomainResult<(String, Vec<UserId>, Vec<UserId>)> {
        let name = form.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(DomainError::invalid(
                "name",
                "invalid_name",
                "a name of 1 to 100 characters",
            ));
        }
        if form.patients.len() > 200 || form.staff.len() > 100 {
            return Err(DomainError::invalid(
                "patients",
                "too_many",
                "at most 200 patients and 100 staff",
            ));
        }
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let mut patients = form.patients.clone();
        patients.sort_unstable();
        patients.dedup();
        for id in &patients {
            match users::by_id(&mut conn, *id).await? {
                Some(u) if u.role == Role::Patient && u.active => {}
                _ => {
                    return Err(DomainError::invalid(
                        "patients",
                        "unknown_patient",
                        format!("{id} is not an active patient"),
                    ));
                }
            }
        }
        let mut staff = form.staff.clone();
        staff.sort_unstable();
        staff.dedup();
        for id in &staff {
            match users::by_id(&mut conn, *id).await? {
                Some(u) if u.role == Role::Doctor && u.active => {}
                _ => {
                    return Err(DomainError::invalid(
                        "staff",
                        "unknown_doctor",
                        format!("{id} is not an active doctor"),
                    ));
                }
            }
        }
        Ok((name.to_owned(), patients, staff))
    }

    fn admin_only(actor: &Principal) -> DomainResult<()> {
        if actor.role == Role::Admin {
            Ok(())
        } else {
            Err(DomainError::Forbidden)
        }
    }

    /// An administrator creates a ward.
    pub async fn create(&self, actor: &Principal, form: &WardForm) -> DomainResult<Ward> {
        Self::admin_only(actor)?;
        let (name, patients, staff) = self.checked(form).await?;
        let mut tx = self.db.begin_write().await?;
        let id = store::insert(&mut tx, &name, Timestamp::now().as_millisecond()).await?;
        store::replace(&mut tx, id, &name, &patients, &staff).await?;
        tx.commit().await.map_err(db_error)?;
        self.ward(actor, id).await
    }

    /// An administrator replaces a ward's name and members.
    pub async fn replace(&self, actor: &Principal, id: i64, form: &WardForm) -> DomainResult<Ward> {
        Self::admin_only(actor)?;
        let (name, patients, staff) = self.checked(form).await?;
        let mut tx = self.db.begin_write().await?;
        if !store::replace(&mut tx, id, &name, &patients, &staff).await? {
            return Err(DomainError::NotFound("ward"));
        }
        tx.commit().await.map_err(db_error)?;
        self.ward(actor, id).await
    }

    /// An administrator deletes a ward.
    pub async fn delete(&self, actor: &Principal, id: i64) -> DomainResult<()> {
        Self::admin_only(actor)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        if store::delete(&mut conn, id).await? {
            Ok(())
        } else {
            Err(DomainError::NotFound("ward"))
        }
    }

    /// Wards: all for administrators, their own for staff; none for patients.
    pub async fn list(&self, actor: &Principal) -> DomainResult<Vec<Ward>> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        match actor.role {
            Role::Admin => store::list(&mut conn, None).await,
            Role::Doctor => store::list(&mut conn, Some(actor.user_id)).await,
            Role::Patient => Err(DomainError::Forbidden),
        }
    }

    /// One ward, for administrators and its staff.
    pub async fn ward(&self, actor: &Principal, id: i64) -> DomainResult<Ward> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let ward = store::find(&mut conn, id)
            .await?
            .ok_or(DomainError::NotFound("ward"))?;
        let staff = ward.staff.iter().any(|m| m.id == actor.user_id);
        if actor.role == Role::Admin || (actor.role == Role::Doctor && staff) {
            Ok(ward)
        } else {
            Err(DomainError::NotFound("ward"))
        }
    }

    /// The ward's board for its staff: each patient the viewer may see under
    /// the policy, with latest values, NEWS2 and active alerts, most urgent
    /// first. Each patient shown is a recorded read.
    pub async fn board(&self, actor: &Principal, id: i64) -> DomainResult<(Ward, Vec<BoardRow>)> {
        let ward = self.ward(actor, id).await?;
        if actor.role != Role::Doctor {
            // Administrators manage wards; the board is clinical content.
            return Err(DomainError::Forbidden);
        }
        let rows = self.rows(actor, &ward.patients).await?;
        Ok((ward, rows))
    }

    /// A doctor's own board: every patient in their care (and under open
    /// emergency access), as a ward's board shows them.
    pub async fn my_board(&self, actor: &Principal) -> DomainResult<Vec<BoardRow>> {
        actor.require(Role::Doctor)?;
        let patients = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            let (mut ids, emergency) =
                care::patients_of(&mut conn, actor.user_id, Timestamp::now().as_millisecond())
                    .await?;
            ids.extend(emergency);
            ids.sort_unstable();
            ids.dedup();
            let mut members = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(user) = users::by_id(&mut conn, id).await? {
                    members.push(Member {
                        id,
                        name: user.full_name(),
                    });
                }
            }
            members
        };
        self.rows(actor, &patients).await
    }

    /// Board rows of the `patients` the viewer may see, most urgent first
    /// (NEWS2, then the worst active alert, then how many).
    async fn rows(&self, actor: &Principal, patients: &[Member]) -> DomainResult<Vec<BoardRow>> {
        let now = Timestamp::now();
        let mut rows = Vec::new();
        let mut entries = Vec::new();
        for patient in patients {
            let relation = self.gate.relation(actor, patient.id, now).await?;
            if !allows(actor.role, relation, TrailAction::Read, Resource::Vitals) {
                continue;
            }
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            let latest = readings::latest(&mut conn, patient.id).await?;
            let (active_alerts, worst_level) = alerts::open_summary(&mut conn, patient.id).await?;
            entries.push(
                NewEntry::by(actor, TrailAction::Read, Resource::Vitals, patient.id)
                    .emergency(relation == crate::policy::Relation::Emergency),
            );
            rows.push(BoardRow {
                patient: patient.id,
                name: patient.name.clone(),
                news2: News2::score(&Observations::from_latest(&latest, now), Spo2Scale::One),
                latest: latest
                    .iter()
                    .map(|r| (r.type_donnee.as_str().to_owned(), r.latest()))
                    .collect(),
                active_alerts,
                worst_level,
            });
        }
        self.gate.trail().record(entries).await?;
        rows.sort_by(|a, b| b.urgency().cmp(&a.urgency()).then(a.name.cmp(&b.name)));
        Ok(rows)
    }
}
