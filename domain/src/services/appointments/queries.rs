//! Reading appointments: one with its history, the actor's lists, the
//! coming ones without reasons, and the names that go with them.

use std::collections::HashMap;

use jiff::Timestamp;

use super::AppointmentService;
use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::store::appointments::{self as store, AppointmentRow, EventRow, ListFilter, Owner};
use crate::store::users;

impl AppointmentService {
    /// An appointment the actor may see: the patient's own, the doctor's own, any
    /// for an administrator. Others get 404. Its reason is shown as the
    /// medical-data policy allows, and the read recorded.
    pub async fn appointment(&self, actor: &Principal, id: i64) -> DomainResult<AppointmentRow> {
        let mut row = [self.visible_row(actor, id).await?];
        self.disclose(actor, &mut row).await?;
        let [row] = row;
        Ok(row)
    }

    /// The status history of a visible appointment.
    pub async fn history(&self, actor: &Principal, id: i64) -> DomainResult<Vec<EventRow>> {
        self.visible_row(actor, id).await?;
        store::history(&mut *self.conn().await?, id).await
    }

    /// The actor's appointments (patients and doctors: their own; administrators:
    /// everyone's) matching `filter`, by start time; at most 1000. `from` and
    /// `to` fall within [`bounds`], at most [`bounds::MAX_SPAN_DAYS`] days
    /// apart when both are given.
    pub async fn appointments(
        &self,
        actor: &Principal,
        filter: ListFilter,
    ) -> DomainResult<Vec<AppointmentRow>> {
        let from = filter
            .from
            .map(|at| bounds::instant_in_range("from", at))
            .transpose()?;
        let to = filter
            .to
            .map(|at| bounds::instant_in_range("to", at))
            .transpose()?;
        if let (Some(from), Some(to)) = (from, to) {
            bounds::instant_span(from, to, "to")?;
        }
        let owner = match actor.role {
            Role::Patient => Owner::Patient(actor.user_id),
            Role::Doctor => Owner::Doctor(actor.user_id),
            Role::Admin => Owner::Anyone,
        };
        let mut rows = store::list(&mut *self.conn().await?, owner, filter, 1000).await?;
        self.disclose(actor, &mut rows).await?;
        Ok(rows)
    }

    /// The actor's own appointments that still hold a place and start after
    /// `now`, soonest first (at most 20), reasons blank and no read
    /// recorded: for a door that shows only when and with whom.
    pub async fn coming_without_reasons(
        &self,
        actor: &Principal,
        now: Timestamp,
    ) -> DomainResult<Vec<AppointmentRow>> {
        let owner = match actor.role {
            Role::Patient => Owner::Patient(actor.user_id),
            Role::Doctor => Owner::Doctor(actor.user_id),
            Role::Admin => return Err(DomainError::Forbidden),
        };
        let filter = ListFilter {
            from: Some(now),
            ..ListFilter::default()
        };
        let mut rows = store::list(&mut *self.conn().await?, owner, filter, 200).await?;
        rows.retain(|a| a.status.holds_place());
        rows.truncate(20);
        for row in &mut rows {
            row.reason.clear();
        }
        Ok(rows)
    }

    /// [`AppointmentService::appointments`] for callers of one role only (the
    /// seed API's `/api/appointments/doctor|patient/`); others are refused.
    pub async fn appointments_as(
        &self,
        actor: &Principal,
        role: Role,
    ) -> DomainResult<Vec<AppointmentRow>> {
        actor.require(role)?;
        self.appointments(actor, ListFilter::default()).await
    }

    /// Full names of the patients and doctors of `rows`, by account id.
    pub async fn names(&self, rows: &[AppointmentRow]) -> DomainResult<HashMap<UserId, String>> {
        let mut ids: Vec<UserId> = rows
            .iter()
            .flat_map(|a| [a.patient_id, a.doctor_id])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        users::names(&mut *self.conn().await?, &ids).await
    }
}
